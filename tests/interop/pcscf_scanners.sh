#!/bin/bash
# annexo's pcscf against the TLS scanners a lab runs first: testssl.sh (3.0.8)
# and sslscan (2.0.7), both Debian packages nobody here wrote. Each scans a
# pcscf on loopback, with the ECDSA and with the RSA certificate, and the case
# asserts the TLS profile from the scanner's own report (issue 15, scanners):
# nothing below TLS 1.2, no NULL / anonymous / export / RC4 / 3DES / CBC / DHE
# suite, no client-initiated renegotiation, no CertificateRequest, secure
# renegotiation offered.
#   pcscf_scanners.sh PCSCF MAKE_PKI TESTLIB
set -uo pipefail
IOP_SCRIPT=$(realpath "${BASH_SOURCE[0]}")
source "$(dirname "$IOP_SCRIPT")/lib.sh"
source "$3"
iop_pcscf_driver "$1" "$2"

show() {  # evidence for a failing case: the scanner's report and the pcscf log
  echo "--- $1"
  tail -40 "$1"
  echo "--- pcscf log (last lines)"
  tail -8 "$PC_LOG"
}

# finding ID: the testssl JSON finding of that id ("" when absent).
finding() {
  python3 - "$TS_JSON" "$1" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
for section in doc.get("scanResult", []):
    for key, value in section.items():
        if isinstance(value, list):
            for f in value:
                if f.get("id") == sys.argv[2]:
                    print(f.get("finding", ""))
                    sys.exit(0)
PY
}

# The suites testssl found accepted, one OpenSSL name per line: TLS 1.2
# ones, or with argument 13 the TLS 1.3 ones (hex code 0x13XX; only a pcscf
# on the OpenSSL stack speaks TLS 1.3).
accepted_suites() {
  python3 - "$TS_JSON" "${1:-12}" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
for section in doc.get("scanResult", []):
    for f in section.get("cipherTests", []):
        parts = f.get("finding", "").split()
        if len(parts) > 1 and (parts[0].lower().startswith("x13") == (sys.argv[2] == "13")):
            print(parts[1])
PY
}

# testssl_scan NAME KEY-TYPE: runs testssl (protocols, cipher categories,
# renegotiation, every cipher) against a fresh pcscf; TS_JSON, TS_OUT.
testssl_scan() {
  iop_start_pcscf "$1" "$2" || return 1
  TS_JSON=$IOP_TMP/$1.testssl.json
  TS_OUT=$IOP_TMP/$1.testssl.out
  rm -f "$TS_JSON"
  timeout 300 testssl --quiet --color 0 --warnings off --openssl /usr/bin/openssl \
    -p -s -R -e --jsonfile-pretty "$TS_JSON" "127.0.0.1:$PC_PORT" >"$TS_OUT" 2>&1
  local rc=$?
  iop_stop "$PC_PID"
  if [ ! -s "$TS_JSON" ]; then
    echo "testssl wrote no JSON (exit $rc): testssl -p -s -R -e 127.0.0.1:$PC_PORT"
    show "$TS_OUT"
    return 1
  fi
}

not_offered() { [[ "$(finding "$1")" == "not offered"* ]]; }
offered() { [[ "$(finding "$1")" == "offered"* ]]; }

# Every accepted suite is an ECDHE AEAD suite of the profile (RD-29): no DHE,
# RSA key transport, CBC, 3DES, RC4, anonymous, export or NULL suite.
only_ecdhe_aead() {
  local s bad=0
  while read -r s; do
    [[ -z "$s" ]] && continue
    if [[ "$s" =~ ^ECDHE-(ECDSA|RSA)-(AES(128|256)-GCM-SHA(256|384)|CHACHA20-POLY1305)$ ]]; then
      continue
    fi
    echo "accepted outside the profile: $s"
    bad=1
  done < <(accepted_suites)
  [ "$(accepted_suites | wc -l)" -gt 0 ] || { echo "testssl found no accepted suite"; bad=1; }
  return $bad
}

# TLS 1.3 (OpenSSL stack only): RFC 8446's AEAD suites but the truncated-tag
# TLS_AES_128_CCM_8_SHA256, which the profile leaves out. Not a requirement
# assertion of its own (pcscf_tls13_peers checks the negotiated suite).
tls13_suites_in_profile() {
  local s bad=0
  while read -r s; do
    [[ -z "$s" ]] && continue
    [[ "$s" =~ ^TLS_(AES_128_GCM_SHA256|AES_256_GCM_SHA384|CHACHA20_POLY1305_SHA256|AES_128_CCM_SHA256)$ ]] && continue
    echo "TLS 1.3 suite accepted outside the profile: $s"
    bad=1
  done < <(accepted_suites 13)
  echo "TLS 1.3 suites accepted: $(accepted_suites 13 | tr '\n' ' ')"
  return $bad
}

testssl_profile() {
  testssl_scan "testssl-$1" "$1" || return 1
  local r=0
  annexo_req 33210-6.2.1-NO-LEGACY-VERSIONS not_offered SSLv2 || r=1
  annexo_req 33210-6.2.1-NO-LEGACY-VERSIONS not_offered SSLv3 || r=1
  annexo_req 33210-6.2.1-NO-LEGACY-VERSIONS not_offered TLS1 || r=1
  annexo_req 33210-6.2.1-NO-LEGACY-VERSIONS not_offered TLS1_1 || r=1
  annexo_req 33210-6.2.1-TLS12-MANDATORY offered TLS1_2 || r=1
  annexo_req O.2.1-UE-NONNULL-OFFER not_offered cipherlist_NULL || r=1
  annexo_req 33210-6.2.3-TLS12-PROFILE not_offered cipherlist_aNULL || r=1
  annexo_req 33210-6.2.3-TLS12-PROFILE not_offered cipherlist_EXPORT || r=1
  annexo_req 33210-6.2.3-TLS12-PROFILE not_offered cipherlist_LOW || r=1
  annexo_req 33210-6.2.3-TLS12-PROFILE not_offered cipherlist_3DES_IDEA || r=1
  annexo_req 33210-6.2.3-TLS12-PROFILE not_offered cipherlist_AVERAGE || r=1  # obsolete CBC
  annexo_req 33210-6.2.3-TLS12-PROFILE only_ecdhe_aead || r=1
  tls13_suites_in_profile || r=1
  ((r == 0)) || show "$TS_OUT"
  return $r
}

# testssl_renegotiation KEY-TYPE: reads the scan of the testssl_profile case
# with the same certificate (each case runs in its own subshell).
testssl_renegotiation() {
  TS_JSON=$IOP_TMP/testssl-$1.testssl.json
  TS_OUT=$IOP_TMP/testssl-$1.testssl.out
  PC_LOG=$IOP_TMP/testssl-$1.pcscf.log
  [ -s "$TS_JSON" ] || { echo "no testssl scan for $1: the profile case did not produce one"; return 1; }
  # testssl runs its own s_client -msg; a CertificateRequest would make it
  # print "client x509-based authentication prevents this from being tested".
  local sr scr r=0
  sr=$(finding secure_renego)
  scr=$(finding secure_client_renego)
  annexo_req RFC5746-SECURE-RENEG test "$sr" = supported || r=1
  annexo_req IMPL-PC-REFUSE-CLIENT-RENEG test "$scr" = "not vulnerable" || r=1
  annexo_req O.2.1-PC-NO-CLIENT-CERT-REQ bash -c '! grep -q "client x509-based authentication" "$1"' _ "$TS_JSON" || r=1
  ((r == 0)) || { echo "secure_renego='$sr' secure_client_renego='$scr'"; show "$TS_OUT"; }
  return $r
}

# sslscan: the legacy protocols it probes, and the certificate it is served.
sslscan_case() {
  iop_start_pcscf "sslscan-$1" "$1" || return 1
  local out=$IOP_TMP/sslscan-$1.out r=0
  timeout 60 sslscan --no-colour --sni-name=pcscf.test "127.0.0.1:$PC_PORT" >"$out" 2>&1
  local rc=$?
  iop_stop "$PC_PID"
  [ "$rc" -eq 0 ] || { echo "sslscan exited $rc"; show "$out"; return 1; }
  for p in SSLv2 SSLv3 TLSv1.0 TLSv1.1; do
    annexo_req 33210-6.2.1-NO-LEGACY-VERSIONS grep -Eq "^$p +disabled" "$out" || r=1
  done
  case "$1" in
    rsa)
      annexo_req 33310-6.1.1-PUBKEY grep -Eq '^RSA Key Strength: +(2048|3072|4096)$' "$out" || r=1
      annexo_req 33310-6.1.1-SIGALG grep -Eq '^Signature Algorithm: +sha(256|384|512)WithRSAEncryption$' "$out" || r=1
      ;;
    ec)
      annexo_req 33310-6.1.1-PUBKEY grep -Eq '^ECC Curve Name: +(prime256v1|secp384r1)$' "$out" || r=1
      annexo_req 33310-6.1.1-SIGALG grep -Eq '^Signature Algorithm: +ecdsa-with-SHA(256|384|512)$' "$out" || r=1
      ;;
  esac
  ((r == 0)) || show "$out"
  return $r
}

#= spec#33210-6.2.1-NO-LEGACY-VERSIONS type=test
#= spec#33210-6.2.1-TLS12-MANDATORY type=test
#= spec#O.2.1-UE-NONNULL-OFFER type=test
#= spec#33210-6.2.3-TLS12-PROFILE type=test
annexo_case "33210-6.2.3-TLS12-PROFILE: testssl.sh finds only TLS 1.2 ECDHE AEAD suites at pcscf (ECDSA certificate)" testssl_profile ec
#= spec#RFC5746-SECURE-RENEG type=test
#= spec#IMPL-PC-REFUSE-CLIENT-RENEG type=test
#= spec#O.2.1-PC-NO-CLIENT-CERT-REQ type=test
annexo_case "RFC5746-SECURE-RENEG: testssl.sh: secure renegotiation, no client-initiated renegotiation, no client authentication (ECDSA)" testssl_renegotiation ec
#= spec#33210-6.2.1-NO-LEGACY-VERSIONS type=test
#= spec#33210-6.2.1-TLS12-MANDATORY type=test
#= spec#O.2.1-UE-NONNULL-OFFER type=test
#= spec#33210-6.2.3-TLS12-PROFILE type=test
annexo_case "33210-6.2.3-TLS12-PROFILE: testssl.sh finds only TLS 1.2 ECDHE AEAD suites at pcscf (RSA certificate: no DHE)" testssl_profile rsa
#= spec#RFC5746-SECURE-RENEG type=test
#= spec#IMPL-PC-REFUSE-CLIENT-RENEG type=test
#= spec#O.2.1-PC-NO-CLIENT-CERT-REQ type=test
annexo_case "RFC5746-SECURE-RENEG: testssl.sh: secure renegotiation, no client-initiated renegotiation, no client authentication (RSA)" testssl_renegotiation rsa
#= spec#33210-6.2.1-NO-LEGACY-VERSIONS type=test
#= spec#33310-6.1.1-PUBKEY type=test
#= spec#33310-6.1.1-SIGALG type=test
annexo_case "33310-6.1.1-PUBKEY: sslscan sees no SSL or TLS 1.0/1.1 and a profile certificate at pcscf (ECDSA)" sslscan_case ec
#= spec#33210-6.2.1-NO-LEGACY-VERSIONS type=test
#= spec#33310-6.1.1-PUBKEY type=test
#= spec#33310-6.1.1-SIGALG type=test
annexo_case "33310-6.1.1-PUBKEY: sslscan sees no SSL or TLS 1.0/1.1 and a profile certificate at pcscf (RSA)" sslscan_case rsa

annexo_finish
