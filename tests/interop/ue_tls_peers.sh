#!/bin/bash
# annexo's ue against TLS servers nobody here wrote, playing a misbehaving or
# well-behaved P-CSCF: OpenSSL s_server (loopback) and GnuTLS gnutls-serv
# (binds all interfaces: run in a private network namespace). Each server is
# stopped by its PID inside its case.
#   ue_tls_peers.sh UE MAKE_PKI TESTLIB
set -uo pipefail
IOP_SCRIPT=$(realpath "${BASH_SOURCE[0]}")
source "$(dirname "$IOP_SCRIPT")/lib.sh"

# ---- run inside a private network namespace (gnutls-serv binds all interfaces)
# ns_gnutls UE PKI_DIR MODE: MODE "good" (gnutls-serv -a, echo),
# "certreq" (gnutls-serv requests a client certificate; ue aborts on it),
# "wronghost" (certificate for other.test) or "tls11" (TLS 1.1 only).
ns_gnutls() {
  local ue=$1 pki=$2 mode=$3 port=5061 extra=(-a) cert=pcscf-ec
  case $mode in
    certreq) extra=() ;;
    wronghost) cert=wronghost ;;
    tls11) extra=(-a --priority 'NORMAL:-VERS-ALL:+VERS-TLS1.1') ;;
  esac
  iop_gnutls_serv gnutls "$port" "$pki/$cert.pem" "$pki/$cert.key" --echo "${extra[@]}" || return 1
  local serv=$IOP_LAST_PID opts=() rc r=0
  [ "$mode" = certreq ] && opts=(--abort-on-certificate-request)
  timeout 4 "$ue" --pcscf "127.0.0.1:$port" --pcscf-fqdn pcscf.test --ca "$pki/ca-ec.pem" \
    --impi alice@ims.test --impu sip:alice@ims.test --password x --log-format json "${opts[@]}" \
    >"$IOP_TMP/ue.out" 2>"$IOP_TMP/ue.log"
  rc=$?
  iop_stop "$serv"
  if [ "$mode" = good ]; then
    # No SIP server behind gnutls-serv: the ue is still waiting when timeout stops it.
    [ "$rc" -eq 124 ] || r=1
    grep -q '"verdict":"ALLOW","req":"O.2.1-UE-AUTH-PC-BY-CERT"' "$IOP_TMP/ue.log" || r=1
    grep -q '"verdict":"ALLOW","req":"O.2.1-PC-NO-CLIENT-CERT-REQ"' "$IOP_TMP/ue.log" || r=1
    grep -q '"msg":"send_register_initial"' "$IOP_TMP/ue.log" || r=1
  elif [ "$mode" = certreq ]; then
    [ "$rc" -eq 5 ] || r=1
    grep -q '^ue: REFUSED O.2.1-PC-NO-CLIENT-CERT-REQ' "$IOP_TMP/ue.out" || r=1
  elif [ "$mode" = wronghost ]; then
    [ "$rc" -eq 2 ] || r=1
    grep -q '^ue: REFUSED O.2.1-UE-TRUST-ENDPOINT-VIA-CERT' "$IOP_TMP/ue.out" || r=1
  else
    [ "$rc" -eq 3 ] || r=1
    grep -q '^ue: REFUSED O.1.1-OP-NO-BIDDOWN' "$IOP_TMP/ue.out" || r=1
  fi
  if ((r != 0)); then
    echo "ue exit $rc"
    cat "$IOP_TMP/ue.out"
    tail -8 "$IOP_TMP/ue.log"
    tail -8 "$IOP_TMP/gnutls.log"
  fi
  return $r
}
iop_netns_dispatch "$@"

UE=$(realpath "$1")
MAKE_PKI=$2
source "$3"
iop_pki "$MAKE_PKI"
CA=$IOP_PKI/ca-ec.pem

# run_ue PORT [ue options]: UE_RC; output in $IOP_TMP/ue.out, log ue.log.
run_ue() {
  local port=$1
  shift
  timeout "${UE_TIMEOUT:-20}" "$UE" --pcscf "127.0.0.1:$port" --pcscf-fqdn pcscf.test --ca "${UE_CA:-$CA}" \
    --impi alice@ims.test --impu sip:alice@ims.test --password x --log-format json "$@" \
    >"$IOP_TMP/ue.out" 2>"$IOP_TMP/ue.log"
  UE_RC=$?
}
evidence() {
  echo "ue exit $UE_RC"
  cat "$IOP_TMP/ue.out"
  tail -8 "$IOP_TMP/ue.log"
  echo "--- server"
  tail -12 "$IOP_TMP/$1.log"
}

# s_server_case NAME CERT-NAME EXPECTED-EXIT VERDICT-REGEX [s_server args] -- [ue args]
s_server_case() {
  local name=$1 cert=$2 want=$3 verdict=$4
  shift 4
  local sargs=() uargs=()
  while [ $# -gt 0 ] && [ "$1" != -- ]; do sargs+=("$1"); shift; done
  [ "${1:-}" = -- ] && shift
  uargs=("$@")
  local port
  port=$(iop_free_port) || return 1
  iop_s_server "$name" "$port" "$IOP_PKI/$cert.pem" "$IOP_PKI/$cert.key" "${sargs[@]}" || return 1
  local serv=$IOP_LAST_PID
  run_ue "$port" "${uargs[@]}"
  iop_stop "$serv"
  local r=0
  [ "$UE_RC" -eq "$want" ] || r=1
  [ "$(grep -c '^ue: REFUSED' "$IOP_TMP/ue.out")" -eq 1 ] || r=1
  grep -Eq "^ue: REFUSED $verdict" "$IOP_TMP/ue.out" || r=1
  ((r == 0)) || evidence "$name"
  return $r
}

# with_ca FILE cmd...: the ue trusts FILE (a name in the PKI) instead of ca-ec.
with_ca() {
  local UE_CA=$IOP_PKI/$1.pem
  shift
  "$@"
}

# A well-behaved TLS server that speaks no SIP: the ue accepts its
# certificate and sends REGISTER over the session, but claims no registration.
openssl_good_no_sip() {
  local port
  port=$(iop_free_port) || return 1
  iop_s_server good-nosip "$port" "$IOP_PKI/pcscf-ec.pem" "$IOP_PKI/pcscf-ec.key" -tls1_2 || return 1
  local serv=$IOP_LAST_PID
  UE_TIMEOUT=4 run_ue "$port"
  sleep 0.2
  iop_stop "$serv"
  local r=0
  [ "$UE_RC" -eq 124 ] || r=1  # still waiting for an answer when timeout stopped it
  grep -q '"verdict":"ALLOW","req":"O.2.1-UE-AUTH-PC-BY-CERT"' "$IOP_TMP/ue.log" || r=1
  grep -q 'REGISTER sip:ims.test SIP/2.0' "$IOP_TMP/good-nosip.log" || r=1
  grep -q '^ue: REGISTERED' "$IOP_TMP/ue.out" && r=1
  ((r == 0)) || evidence good-nosip
  return $r
}

certreq_answered_empty() {
  local port
  port=$(iop_free_port) || return 1
  iop_s_server certreq-empty "$port" "$IOP_PKI/pcscf-ec.pem" "$IOP_PKI/pcscf-ec.key" -verify 1 || return 1
  local serv=$IOP_LAST_PID
  UE_TIMEOUT=4 run_ue "$port"
  sleep 0.2
  iop_stop "$serv"
  local r=0
  # RD-02 (A2): the UE answers with an empty Certificate, records the
  # violation and goes on; the REGISTER reaches the (non-SIP) server.
  [ "$UE_RC" -eq 124 ] || r=1
  grep -q '"verdict":"DENY","req":"O.2.1-PC-NO-CLIENT-CERT-REQ"' "$IOP_TMP/ue.log" || r=1
  grep -q 'REGISTER sip:ims.test SIP/2.0' "$IOP_TMP/certreq-empty.log" || r=1
  ((r == 0)) || evidence certreq-empty
  return $r
}

#= spec#O.2.1-UE-TRUST-ENDPOINT-VIA-CERT type=test
annexo_case "O.2.1-UE-TRUST-ENDPOINT-VIA-CERT: ue refuses an openssl s_server whose certificate names another host (exit 2)" \
  s_server_case wronghost wronghost 2 'O.2.1-UE-TRUST-ENDPOINT-VIA-CERT' -tls1_2
#= spec#O.2.1-UE-TRUST-ENDPOINT-VIA-CERT type=test
annexo_case "O.2.1-UE-TRUST-ENDPOINT-VIA-CERT: ue never matches a wildcard certificate of an openssl s_server (exit 2)" \
  s_server_case wildcard wildcard 2 'O.2.1-UE-TRUST-ENDPOINT-VIA-CERT cert_wildcard_name' -tls1_2
#= spec#O.2.1-PC-NO-CLIENT-CERT-REQ type=test
annexo_case "O.2.1-PC-NO-CLIENT-CERT-REQ: ue --abort-on-certificate-request leaves an openssl s_server that asks for a client certificate (exit 5)" \
  s_server_case certreq pcscf-ec 5 'O.2.1-PC-NO-CLIENT-CERT-REQ' -verify 1 -- --abort-on-certificate-request
#= spec#O.5.2-UE-RFC5280-PATH type=test
annexo_case "O.5.2-UE-RFC5280-PATH: ue refuses an openssl s_server presenting an expired certificate (exit 2)" \
  s_server_case expired expired 2 'O.5.2-UE-RFC5280-PATH cert_path_expired' -tls1_2
#= spec#O.5.2-UE-CHAIN-TO-TRUSTED-ROOT type=test
annexo_case "O.5.2-UE-CHAIN-TO-TRUSTED-ROOT: ue refuses an openssl s_server presenting a self-signed certificate (exit 2)" \
  s_server_case selfsigned selfsigned 2 'O.5.2-UE-CHAIN-TO-TRUSTED-ROOT cert_path_unknown_ca' -tls1_2
#= spec#O.5.2-UE-CHAIN-TO-TRUSTED-ROOT type=test
annexo_case "O.5.2-UE-CHAIN-TO-TRUSTED-ROOT: ue refuses an openssl s_server whose certificate comes from a CA it does not trust (exit 2)" \
  with_ca ca-rsa s_server_case unknownca pcscf-ec 2 'O.5.2-UE-CHAIN-TO-TRUSTED-ROOT cert_path_unknown_ca' -tls1_2
#= spec#33310-6.1.1-HASH type=test
annexo_case "33310-6.1.1-HASH: ue refuses an openssl s_server presenting a SHA-1-signed certificate (exit 2)" \
  with_ca ca-rsa s_server_case sha1 sha1 2 '33310-6.1.1-HASH cert_weak_signature_hash' -tls1_2 -cipher 'DEFAULT:@SECLEVEL=0'
#= spec#IMPL-CERT-KEY-STRENGTH type=test
annexo_case "IMPL-CERT-KEY-STRENGTH: ue refuses an openssl s_server presenting an RSA-1024 certificate (exit 2)" \
  with_ca ca-rsa s_server_case rsa1024 rsa1024 2 'IMPL-CERT-KEY-STRENGTH cert_rsa_key_too_small' -tls1_2 -cipher 'DEFAULT:@SECLEVEL=0'
#= spec#O.5.1-CERT-CN-SINGLE type=test
annexo_case "O.5.1-CERT-CN-SINGLE: ue refuses an openssl s_server whose certificate has two common names (exit 2)" \
  s_server_case twocn twocn 2 'O.5.1-CERT-CN-SINGLE cert_cn_not_single' -tls1_2
#= spec#O.5.1-CERT-SAN-HAS-FQDN type=test
annexo_case "O.5.1-CERT-SAN-HAS-FQDN: ue refuses an openssl s_server whose certificate has no subjectAltName (exit 2)" \
  s_server_case nosan nosan 2 'O.5.1-CERT-SAN-HAS-FQDN' -tls1_2
#= spec#33210-6.2.1-NO-LEGACY-VERSIONS type=test
annexo_case "33210-6.2.1-NO-LEGACY-VERSIONS: ue refuses an openssl s_server that speaks TLS 1.0 only (exit 3)" \
  s_server_case tls10 pcscf-ec 3 'O.1.1-OP-NO-BIDDOWN' -tls1 -cipher 'DEFAULT:@SECLEVEL=0'
#= spec#O.2.1-UE-AUTH-PC-BY-CERT type=test
annexo_case "O.2.1-UE-AUTH-PC-BY-CERT: ue accepts openssl s_server's pcscf.test certificate, sends REGISTER and claims no registration without a 2xx" \
  openssl_good_no_sip
#= spec#O.2.1-UE-TRUST-ENDPOINT-VIA-CERT type=test
annexo_case "O.2.1-UE-TRUST-ENDPOINT-VIA-CERT: ue refuses a gnutls-serv whose certificate names another host (exit 2)" \
  iop_in_netns ns_gnutls "$UE" "$IOP_PKI" wronghost
#= spec#33210-6.2.1-NO-LEGACY-VERSIONS type=test
annexo_case "33210-6.2.1-NO-LEGACY-VERSIONS: ue refuses a gnutls-serv that speaks TLS 1.1 only (exit 3)" \
  iop_in_netns ns_gnutls "$UE" "$IOP_PKI" tls11
#= spec#RFC5246-EMPTY-CLIENT-CERT type=test
annexo_case "RFC5246-EMPTY-CLIENT-CERT: ue answers an openssl CertificateRequest with an empty Certificate and records the violation" \
  certreq_answered_empty
#= spec#33210-6.2.1-NO-LEGACY-VERSIONS type=test
annexo_case "33210-6.2.1-NO-LEGACY-VERSIONS: ue refuses an openssl s_server that speaks TLS 1.1 only (exit 3)" \
  s_server_case tls11 pcscf-ec 3 'O.1.1-OP-NO-BIDDOWN' -tls1_1 -cipher 'DEFAULT:@SECLEVEL=0'
#= spec#O.2.1-UE-NONNULL-OFFER type=test
annexo_case "O.2.1-UE-NONNULL-OFFER: ue finds no common suite with an openssl s_server offering NULL encryption only (exit 3)" \
  s_server_case nullonly pcscf-ec 3 'O.1.1-OP-NO-BIDDOWN' -tls1_2 -cipher 'ECDHE-ECDSA-NULL-SHA:NULL-SHA256:@SECLEVEL=0'
#= spec#O.2.1-UE-AUTH-PC-BY-CERT type=test
annexo_case "O.2.1-UE-AUTH-PC-BY-CERT: ue accepts gnutls-serv's pcscf.test certificate and sends its REGISTER over the session" \
  iop_in_netns ns_gnutls "$UE" "$IOP_PKI" good
#= spec#O.2.1-PC-NO-CLIENT-CERT-REQ type=test
annexo_case "O.2.1-PC-NO-CLIENT-CERT-REQ: ue --abort-on-certificate-request leaves a gnutls-serv that asks for a client certificate (exit 5)" \
  iop_in_netns ns_gnutls "$UE" "$IOP_PKI" certreq
annexo_finish
