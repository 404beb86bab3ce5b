#!/bin/bash
# annexo's ue registers with Kamailio (kamailio-tls-modules), configured by
# the harness as a TLS registrar with SIP Digest (tests/interop/kamailio/),
# presenting good and defective certificates of tests/pki. Loopback only; Kamailio runs in the foreground and is stopped by its PID
# inside each case.
#   ue_kamailio.sh UE MAKE_PKI TESTLIB
set -uo pipefail
UE=$(realpath "$1")
MAKE_PKI=$2
IOP_SCRIPT=$(realpath "${BASH_SOURCE[0]}")
source "$(dirname "$IOP_SCRIPT")/lib.sh"
source "$3"

iop_pki "$MAKE_PKI"
CA=$IOP_PKI/ca-ec.pem

# run_against_kamailio NAME ALGORITHM PASSWORD EXPECTED-EXIT [ue options]
# Kamailio presents $KAM_CERT (a tests/pki name, default pcscf-ec; the key is
# the same name without "-chain"), the ue trusts $KAM_CA (default ca-ec); a
# refusal must name $KAM_REFUSED (default O.3.1.1-UE-CLOSE-ON-AUTH-FAIL).
run_against_kamailio() {
  local name=$1 alg=$2 pw=$3 want=$4
  shift 4
  local port
  port=$(iop_free_port) || return 1
  local cert=${KAM_CERT:-pcscf-ec}
  iop_kamailio "$name" "$port" "$IOP_PKI/$cert.pem" "$IOP_PKI/${cert%-chain}.key" "$alg" TLSv1.2 || return 1
  local kam=$IOP_KAM_PID
  timeout 60 "$UE" --pcscf "127.0.0.1:$port" --pcscf-fqdn pcscf.test --ca "$IOP_PKI/${KAM_CA:-ca-ec}.pem" --impi "$IOP_IMPI" \
    --impu "$IOP_IMPU" --password "$pw" --log-format json "$@" >"$IOP_TMP/$name.ue.out" 2>"$IOP_TMP/$name.ue.log"
  local rc=$? r=0
  iop_stop "$kam"
  [ "$rc" -eq "$want" ] || r=1
  if [ "$want" -eq 0 ]; then
    grep -q "^ue: REGISTERED $IOP_IMPU" "$IOP_TMP/$name.ue.out" || r=1
    grep -q 'annexo-iop: authenticated' "$IOP_KAM_LOG" || r=1
    grep -q '"verdict":"ALLOW","req":"N.2-UE-VERIFY-RSPAUTH"' "$IOP_TMP/$name.ue.log" || r=1
    if [ -n "${WANT_REREG:-}" ]; then
      grep -q "^ue: REREGISTERED $IOP_IMPU" "$IOP_TMP/$name.ue.out" || r=1
      grep -q '"req":"O.4.3-UE-REREG-OVER-ACTIVE-SESSION"' "$IOP_TMP/$name.ue.log" || r=1
      # One TCP/TLS connection: one open_tls decision in the whole stay.
      [ "$(grep -c '"msg":"open_tls"' "$IOP_TMP/$name.ue.log")" -eq 1 ] || r=1
    fi
  else
    grep -q "^ue: REFUSED ${KAM_REFUSED:-O.3.1.1-UE-CLOSE-ON-AUTH-FAIL}" "$IOP_TMP/$name.ue.out" || r=1
    grep -q '^ue: REGISTERED' "$IOP_TMP/$name.ue.out" && r=1
    grep -q 'annexo-iop: authenticated' "$IOP_KAM_LOG" && r=1
  fi
  if ((r != 0)); then
    echo "ue exit $rc (want $want)"
    cat "$IOP_TMP/$name.ue.out"
    tail -10 "$IOP_TMP/$name.ue.log"
    echo "--- kamailio"
    grep 'annexo-iop\|ERROR' "$IOP_KAM_LOG" | tail -10
  fi
  return $r
}

env_rereg() { WANT_REREG=1 "$@"; }
# kam_with CERT CA REFUSED cmd...: the certificate Kamailio presents, the CA
# the ue trusts and the requirement a refusal must name.
kam_with() {
  local KAM_CERT=$1 KAM_CA=$2 KAM_REFUSED=$3
  shift 3
  "$@"
}

#= spec#N.2-UE-VERIFY-RSPAUTH type=test
#= spec#O.2.1-UE-AUTH-PC-BY-CERT type=test
annexo_case "N.2-UE-VERIFY-RSPAUTH: ue registers with Kamailio (TLS registrar, Digest MD5) and verifies its rspauth" \
  run_against_kamailio kam-md5 MD5 "$IOP_PASSWORD" 0
#= spec#N.1-DIGEST-RFC7616 type=test
annexo_case "N.1-DIGEST-RFC7616: ue registers with Kamailio using Digest SHA-256" \
  run_against_kamailio kam-sha256 SHA-256 "$IOP_PASSWORD" 0
# Kamailio grants at least 60 s (registrar min_expires), so the re-REGISTER comes after 30 s.
#= spec#O.4.3-UE-REREG-OVER-ACTIVE-SESSION type=test
annexo_case "O.4.3-UE-REREG-OVER-ACTIVE-SESSION: ue stays registered with Kamailio and re-registers over the same TLS connection" \
  env_rereg run_against_kamailio kam-stay MD5 "$IOP_PASSWORD" 0 --stay 33 --expires 60
#= spec#O.2.1-UE-AUTH-PC-BY-CERT type=test
#= spec#33310-6.1.1-PUBKEY type=test
annexo_case "O.2.1-UE-AUTH-PC-BY-CERT: ue registers with Kamailio presenting an RSA certificate" \
  kam_with pcscf-rsa ca-rsa - run_against_kamailio kam-rsa MD5 "$IOP_PASSWORD" 0
#= spec#O.5.2-ROOT-USUALLY-OMITTED type=test
annexo_case "O.5.2-ROOT-USUALLY-OMITTED: ue registers with Kamailio sending a chain that includes the stored root" \
  kam_with pcscf-ec-chain ca-ec - run_against_kamailio kam-chain MD5 "$IOP_PASSWORD" 0
#= spec#O.5.2-UE-ROOT-MUST-BE-KNOWN type=test
annexo_case "O.5.2-UE-ROOT-MUST-BE-KNOWN: ue refuses Kamailio sending a root that differs from the stored one in the subject (exit 2)" \
  kam_with sentroot ca-ec O.5.2-UE-ROOT-MUST-BE-KNOWN run_against_kamailio kam-sentroot MD5 "$IOP_PASSWORD" 2
#= spec#O.5.2-UE-BINARY-NAME-MATCH type=test
#= spec#O.2.1-UE-TRUST-ENDPOINT-VIA-CERT type=test
annexo_case "O.5.2-UE-BINARY-NAME-MATCH: ue refuses Kamailio presenting a certificate for other.test (exit 2)" \
  kam_with wronghost ca-ec O.2.1-UE-TRUST-ENDPOINT-VIA-CERT run_against_kamailio kam-wronghost MD5 "$IOP_PASSWORD" 2
#= spec#O.3.1.1-UE-CLOSE-ON-AUTH-FAIL type=test
annexo_case "O.3.1.1-UE-CLOSE-ON-AUTH-FAIL: ue with a wrong password gives up on Kamailio's refusal (exit 4)" \
  run_against_kamailio kam-wrong MD5 wrong-password 4
annexo_finish
