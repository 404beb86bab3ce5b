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
UE=$(iop_ue_stack "$UE")

iop_pki "$MAKE_PKI"
CA=$IOP_PKI/ca-ec.pem

# run_against_kamailio NAME ALGORITHM PASSWORD EXPECTED-EXIT [ue options]
# Kamailio presents $KAM_CERT (a tests/pki name, default pcscf-ec; the key is
# the same name without "-chain"), the ue trusts $KAM_CA (default ca-ec);
# Kamailio's TLS method is $KAM_METHOD (default TLSv1.2).
# Leaves Kamailio's log in $IOP_KAM_LOG, the ue's exit code in UE_RC and,
# with KAM_TSHARK=1, a capture "ts" of the connection; KAM_PORT is the port.
# Checks the ue's documented contract (exit code, REGISTERED / REFUSED line
# naming $KAM_REFUSED); the requirement assertions are the callers', on
# Kamailio's view and the wire.
run_against_kamailio() {
  local name=$1 alg=$2 pw=$3 want=$4
  shift 4
  local cert=${KAM_CERT:-pcscf-ec} try
  for try in 1 2 3 4 5; do
    KAM_PORT=$(iop_free_port) || return 1
    iop_kamailio "$name" "$KAM_PORT" "$IOP_PKI/$cert.pem" "$IOP_PKI/${cert%-chain}.key" "$alg" "${KAM_METHOD:-TLSv1.2}" && break
    kill -0 "$IOP_KAM_PID" 2>/dev/null && return 1  # not a lost port: give up
    ((try == 5)) && return 1
  done
  local kam=$IOP_KAM_PID
  if [ -n "${KAM_TSHARK:-}" ]; then iop_tshark_start ts "$KAM_PORT" || return 1; fi
  UE_RC=0
  iop_run ue timeout "${KAM_UE_TIMEOUT:-$((IOP_BUDGET + 60))}" "$UE" --pcscf "127.0.0.1:$KAM_PORT" --pcscf-fqdn pcscf.test \
    --ca "$IOP_PKI/${KAM_CA:-ca-ec}.pem" --impi "$IOP_IMPI" \
    --impu "$IOP_IMPU" --password "$pw" --log-format json "$@" >"$IOP_TMP/$name.ue.out" 2>"$IOP_TMP/$name.ue.log" || UE_RC=$?
  [ -n "${KAM_TSHARK:-}" ] && iop_tshark_stop ts
  iop_stop "$kam"
  local r=0
  [ "$UE_RC" -eq "$want" ] || { echo "ue exit $UE_RC, want $want" >&2; r=1; }
  if [ "$want" -eq 0 ]; then
    grep -q "^ue: REGISTERED $IOP_IMPU" "$IOP_TMP/$name.ue.out" || { echo "no REGISTERED line" >&2; r=1; }
  else
    grep -q "^ue: REFUSED ${KAM_REFUSED:-O.3.1.1-UE-CLOSE-ON-AUTH-FAIL}" "$IOP_TMP/$name.ue.out" || { echo "no REFUSED line naming ${KAM_REFUSED:-O.3.1.1-UE-CLOSE-ON-AUTH-FAIL}" >&2; r=1; }
    ! grep -q '^ue: REGISTERED' "$IOP_TMP/$name.ue.out" || { echo "ue claims a registration" >&2; r=1; }
  fi
  return $r
}

# Kamailio's view (its log, written by tests/interop/kamailio/registrar.cfg).
kam_authenticated() { grep -q 'annexo-iop: authenticated' "$IOP_KAM_LOG"; }
kam_no_register() { ! grep -q 'annexo-iop: REGISTER from' "$IOP_KAM_LOG"; }
kam_auth_algorithm() { grep 'annexo-iop: authenticated' "$IOP_KAM_LOG" | grep -qi "algorithm=\"\\?$1\"\\?"; }
# At least two authenticated REGISTERs, all over one TCP connection (Kamailio's conid).
kam_rereg_one_connection() {
  local n ids
  n=$(grep -c 'annexo-iop: authenticated' "$IOP_KAM_LOG")
  ids=$(grep 'annexo-iop: REGISTER from' "$IOP_KAM_LOG" | sed -n 's/.* conid \([0-9]*\) .*/\1/p' | sort -u | wc -l)
  ((n >= 2 && ids == 1)) && return 0
  echo "Kamailio: $n authenticated REGISTERs over $ids connections (want >= 2 over 1)" >&2
  return 1
}

# kam_with CERT CA REFUSED cmd...: the certificate Kamailio presents, the CA
# the ue trusts and the requirement a refusal must name.
kam_with() {
  local KAM_CERT=$1 KAM_CA=$2 KAM_REFUSED=$3
  shift 3
  "$@"
}

# registers NAME ALGORITHM REQ... -- [ue options]: the ue registers; each REQ
# is asserted on Kamailio having authenticated it over TLS.
registers() {
  local name=$1 alg=$2 reqs=() req
  shift 2
  while [ $# -gt 0 ] && [ "$1" != -- ]; do reqs+=("$1"); shift; done
  [ "${1:-}" = -- ] && shift
  local r=0
  run_against_kamailio "$name" "$alg" "$IOP_PASSWORD" 0 "$@" || r=1
  for req in "${reqs[@]}"; do annexo_req "$req" kam_authenticated; done
  return $r
}

digest_sha256() {
  local r=0
  run_against_kamailio kam-sha256 SHA-256 "$IOP_PASSWORD" 0 || r=1
  annexo_req N.1-DIGEST-RFC7616 kam_authenticated
  annexo_req N.1-DIGEST-RFC7616 kam_auth_algorithm SHA-256
  return $r
}

stays_registered() {
  local r=0
  # Kamailio grants at least 60 s (registrar min_expires), so the re-REGISTER comes after 30 s; the stay leaves 10 s for it on a loaded machine.
  run_against_kamailio kam-stay MD5 "$IOP_PASSWORD" 0 --stay 40 --expires 60 || r=1
  grep -q "^ue: REREGISTERED $IOP_IMPU" "$IOP_TMP/kam-stay.ue.out" || { echo "no REREGISTERED line" >&2; r=1; }
  annexo_req O.4.3-UE-REREG-OVER-ACTIVE-SESSION kam_rereg_one_connection
  return $r
}

# refused NAME REQ: the ue refuses Kamailio's certificate: Kamailio never
# sees a REGISTER.
refused() {
  local r=0
  run_against_kamailio "$1" MD5 "$IOP_PASSWORD" 2 || r=1
  annexo_req "$2" kam_no_register
  return $r
}

wrong_password() {
  local r=0
  KAM_TSHARK=1 run_against_kamailio kam-wrong MD5 wrong-password 4 || r=1
  annexo_req O.3.1.1-UE-CLOSE-ON-AUTH-FAIL not kam_authenticated
  # The ue closes the TLS connection itself: its close_notify and FIN come
  # before any FIN of Kamailio (which keeps idle TLS connections open).
  annexo_req O.3.1.1-UE-CLOSE-ON-AUTH-FAIL iop_tshark_closed_first ts "$KAM_PORT" other
  return $r
}
# Kamailio accepts the Digest response but its 200 carries an rspauth that
# cannot verify (BOGUS_RSPAUTH in kamailio/registrar.cfg). The ue, asked to
# stay registered for 600 s, must treat the network as unauthenticated and
# close the connection at once (peers_selfcheck.sh shows, with sipsak, that
# this Kamailio really sends the wrong rspauth): on the wire its close_notify and FIN come
# first, and it has left well within the budget (timeout would give 124).
bad_rspauth() {
  local r=0
  IOP_KAM_DEFINES=BOGUS_RSPAUTH KAM_TSHARK=1 KAM_UE_TIMEOUT=$IOP_BUDGET KAM_REFUSED=N.2-UE-VERIFY-RSPAUTH \
    run_against_kamailio kam-rspauth MD5 "$IOP_PASSWORD" 4 --stay 600 || r=1
  annexo_req N.2-UE-VERIFY-RSPAUTH kam_authenticated
  annexo_req N.2-UE-VERIFY-RSPAUTH test "$UE_RC" -ne 124
  annexo_req N.2-UE-VERIFY-RSPAUTH iop_tshark_closed_first ts "$KAM_PORT" other
  return $r
}

# ---- TLS 1.3 (issue 14): Kamailio 5.6's tls module on OpenSSL 3 with method
# TLSv1.2+ speaks TLS 1.2 and 1.3 and picks the highest the client offers.
# What was negotiated is read off the wire, from Kamailio's ServerHello in a
# tshark capture: supported_versions, the cipher suite and the key_share
# group (lib.sh: iop_hello_*, literals of RFC 8446 / TS 33.210 6.2.2).
tls13_registers() {
  local r=0
  KAM_METHOD=TLSv1.2+ KAM_TSHARK=1 run_against_kamailio kam-tls13 MD5 "$IOP_PASSWORD" 0 || r=1
  annexo_req 33210-6.2.1-TLS13-MANDATORY kam_authenticated
  annexo_req 33210-6.2.1-TLS13-MANDATORY iop_server_hello_version_is ts "$IOP_TLS13"
  annexo_req O.2.1-ALL-PROFILE iop_server_hello_version_is ts "$IOP_TLS13"
  annexo_req O.2.1-ALL-PROFILE iop_server_hello_suite_in_profile ts
  annexo_req O.2.1-ALL-PROFILE iop_server_hello_group_in_profile ts
  annexo_req 33210-6.2.2-NO-0RTT iop_client_hello_no_early_data ts
  return $r
}

# The ue's stack of this run (the interop_test tls_stacks twin): the TLS 1.3
# case runs on the stack that speaks it (OpenSSL, RD-180).
if [ "$IOP_UE_STACK" = openssl ]; then
  #= spec#33210-6.2.1-TLS13-MANDATORY type=test
  #= spec#O.2.1-ALL-PROFILE type=test
  #= spec#33210-6.2.2-NO-0RTT type=test
  annexo_case "33210-6.2.1-TLS13-MANDATORY: ue (OpenSSL stack) registers with Kamailio (tls method TLSv1.2+) over TLS 1.3: Kamailio's ServerHello selects TLS 1.3, an RFC 8446 9.1 suite and a profile group; the ClientHello has no early_data" \
    iop_case tls13_registers
fi

#= spec#O.2.1-UE-AUTH-PC-BY-CERT type=test
annexo_case "O.2.1-UE-AUTH-PC-BY-CERT: ue registers with Kamailio (TLS registrar, Digest MD5): Kamailio authenticates it" \
  iop_case registers kam-md5 MD5 O.2.1-UE-AUTH-PC-BY-CERT
#= spec#N.1-DIGEST-RFC7616 type=test
annexo_case "N.1-DIGEST-RFC7616: ue registers with Kamailio using Digest SHA-256: Kamailio authenticates its algorithm=SHA-256 response" \
  iop_case digest_sha256
#= spec#O.4.3-UE-REREG-OVER-ACTIVE-SESSION type=test
annexo_case "O.4.3-UE-REREG-OVER-ACTIVE-SESSION: ue stays registered with Kamailio and re-registers over the same TLS connection (one Kamailio conid)" \
  iop_case stays_registered
#= spec#O.2.1-UE-AUTH-PC-BY-CERT type=test
#= spec#33310-6.1.1-PUBKEY type=test
annexo_case "O.2.1-UE-AUTH-PC-BY-CERT: ue registers with Kamailio presenting an RSA certificate" \
  iop_case kam_with pcscf-rsa ca-rsa - registers kam-rsa MD5 O.2.1-UE-AUTH-PC-BY-CERT 33310-6.1.1-PUBKEY
#= spec#O.5.2-ROOT-USUALLY-OMITTED type=test
annexo_case "O.5.2-ROOT-USUALLY-OMITTED: ue registers with Kamailio sending a chain that includes the stored root" \
  iop_case kam_with pcscf-ec-chain ca-ec - registers kam-chain MD5 O.5.2-ROOT-USUALLY-OMITTED
#= spec#O.5.2-UE-ROOT-MUST-BE-KNOWN type=test
annexo_case "O.5.2-UE-ROOT-MUST-BE-KNOWN: ue refuses Kamailio sending a root that differs from the stored one in the subject: Kamailio sees no REGISTER" \
  iop_case kam_with sentroot ca-ec O.5.2-UE-ROOT-MUST-BE-KNOWN refused kam-sentroot O.5.2-UE-ROOT-MUST-BE-KNOWN
#= spec#O.2.1-UE-TRUST-ENDPOINT-VIA-CERT type=test
annexo_case "O.2.1-UE-TRUST-ENDPOINT-VIA-CERT: ue refuses Kamailio presenting a certificate for other.test: Kamailio sees no REGISTER" \
  iop_case kam_with wronghost ca-ec O.2.1-UE-TRUST-ENDPOINT-VIA-CERT refused kam-wronghost O.2.1-UE-TRUST-ENDPOINT-VIA-CERT
#= spec#O.3.1.1-UE-CLOSE-ON-AUTH-FAIL type=test
annexo_case "O.3.1.1-UE-CLOSE-ON-AUTH-FAIL: ue with a wrong password gives up on Kamailio's refusal (exit 4) and closes the connection first (close_notify and FIN on the wire)" \
  iop_case wrong_password
#= spec#N.2-UE-VERIFY-RSPAUTH type=test
annexo_case "N.2-UE-VERIFY-RSPAUTH: ue refuses Kamailio's 200 whose rspauth does not verify and closes the connection at once (close_notify and FIN first on the wire) though asked to stay" \
  iop_case bad_rspauth
annexo_finish
