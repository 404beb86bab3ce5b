#!/bin/bash
# Real SIP user agents register with annexo's pcscf over TLS with Digest:
# sipsak (GnuTLS, verifies the certificate with -vvv) and baresip. Loopback
# only; each pcscf is stopped by its PID inside its case.
#   pcscf_sip_peers.sh PCSCF MAKE_PKI TESTLIB
set -uo pipefail
PCSCF=$(realpath "$1")
MAKE_PKI=$2
IOP_SCRIPT=$(realpath "${BASH_SOURCE[0]}")
source "$(dirname "$IOP_SCRIPT")/lib.sh"
source "$3"

iop_pki "$MAKE_PKI"
USERS=$(iop_users_file)
CA=$IOP_PKI/ca-ec.pem

start_pcscf() {
  PC_LOG=$IOP_TMP/$1.pcscf.log
  PC_PORT=$(iop_free_port) || return 1
  "$PCSCF" --listen "127.0.0.1:$PC_PORT" --cert "$IOP_PKI/pcscf-ec.pem" --key "$IOP_PKI/pcscf-ec.key" \
    --users "$USERS" --realm "$IOP_REALM" --log-format json 2>"$PC_LOG" &
  PC_PID=$!
  iop_wait_listen "$PC_PORT"
}
evidence() {
  echo "--- pcscf log"
  tail -10 "$PC_LOG"
  echo "--- $1"
  grep -v '^$' "$IOP_TMP/$1.out" | tail -15
}

sipsak_registers() {
  start_pcscf sipsak || return 1
  iop_sipsak "$PC_PORT" "$CA" "$IOP_PASSWORD"
  local rc=$? r=0
  iop_stop "$PC_PID"
  [ "$rc" -eq 0 ] || r=1
  grep -q '"verdict":"ALLOW","req":"O.2.2-PC-ASSOC-CREATE"' "$PC_LOG" || r=1
  grep -q '"verdict":"ALLOW","req":"O.2.1-PC-NO-CLIENT-CERT-REQ"\|"req":"O.2.1-PC-NO-CLIENT-CERT-REQ"' "$PC_LOG" || r=1
  # Digest exchange as sipsak saw it: challenged first, then accepted; the 200
  # carries rspauth (the home network authenticates itself, N.1) and lists the
  # registered IMPU in P-Associated-URI.
  grep -q '^SIP/2.0 401 ' "$IOP_TMP/sipsak.out" || r=1
  grep -q '^SIP/2.0 200 ' "$IOP_TMP/sipsak.out" || r=1
  grep -Eq '^Authentication-Info: .*rspauth="?[0-9a-f]{32}' "$IOP_TMP/sipsak.out" || r=1
  grep -Eq "^P-Associated-URI: .*<$IOP_IMPU>" "$IOP_TMP/sipsak.out" || r=1
  ((r == 0)) || { echo "sipsak exit $rc (want 0; 401, then 200 with rspauth and P-Associated-URI)"; evidence sipsak; }
  return $r
}

sipsak_wrong_password() {
  start_pcscf sipsak-wrong || return 1
  iop_sipsak "$PC_PORT" "$CA" wrong-password
  local rc=$? r=0
  kill -0 "$PC_PID" 2>/dev/null || { echo "pcscf died"; r=1; }
  iop_stop "$PC_PID"
  # sipsak exits 2 after a second 401, 1 after another final failure: the
  # pcscf answers the wrong response with 403 and closes (O.3.1.1).
  [ "$rc" -eq 1 ] || [ "$rc" -eq 2 ] || r=1
  grep -q '^SIP/2.0 200 ' "$IOP_TMP/sipsak.out" && r=1
  grep -Eq '^SIP/2.0 4[0-9][0-9] ' "$IOP_TMP/sipsak.out" || r=1
  grep -q '"req":"O.3.1.1-PC-CLOSE-ON-AUTH-FAIL".*"to":"closed"' "$PC_LOG" || r=1
  grep -q 'O.2.2-PC-ASSOC-CREATE' "$PC_LOG" && r=1
  ((r == 0)) || { echo "sipsak exit $rc"; evidence sipsak; }
  return $r
}

sipsak_wrong_ca() {
  start_pcscf sipsak-ca || return 1
  iop_sipsak "$PC_PORT" "$IOP_PKI/ca-rsa.pem" "$IOP_PASSWORD"
  local rc=$? r=0
  iop_stop "$PC_PID"
  [ "$rc" -eq 3 ] || r=1
  grep -q 'REGISTER from the UE' "$PC_LOG" && r=1
  ((r == 0)) || { echo "sipsak exit $rc (want 3)"; evidence sipsak; }
  return $r
}

baresip_registers() {
  start_pcscf baresip || return 1
  iop_baresip "$PC_PORT" "$IOP_PASSWORD" 3
  local rc=$? r=0
  iop_stop "$PC_PID"
  [ "$rc" -eq 0 ] || r=1
  grep -q '"verdict":"ALLOW","req":"O.2.2-PC-ASSOC-CREATE"' "$PC_LOG" || r=1
  ((r == 0)) || evidence baresip
  return $r
}

baresip_wrong_password() {
  start_pcscf baresip-wrong || return 1
  iop_baresip "$PC_PORT" wrong-password 3 >/dev/null
  local rc=$? r=0
  kill -0 "$PC_PID" 2>/dev/null || { echo "pcscf died"; r=1; }
  iop_stop "$PC_PID"
  [ "$rc" -ne 0 ] || r=1
  grep -q '403 Forbidden' "$IOP_TMP/baresip.out" || r=1
  grep -q '"req":"O.3.1.1-PC-CLOSE-ON-AUTH-FAIL".*"to":"closed"' "$PC_LOG" || r=1
  ((r == 0)) || evidence baresip
  return $r
}

#= spec#O.2.2-PC-ASSOC-CREATE type=test
#= spec#O.2.1-HN-AUTH-UE-DIGEST type=test
#= spec#N.1-DIGEST-RFC7616 type=test
annexo_case "O.2.2-PC-ASSOC-CREATE: sipsak is challenged, registers with pcscf over TLS with Digest (200 with rspauth and P-Associated-URI) and gets a binding" sipsak_registers
#= spec#O.3.1.1-PC-CLOSE-ON-AUTH-FAIL type=test
annexo_case "O.3.1.1-PC-CLOSE-ON-AUTH-FAIL: sipsak with a wrong password is refused and pcscf closes the connection" sipsak_wrong_password
#= spec#O.2.1-PC-CERT-PROFILE type=test
annexo_case "O.2.1-PC-CERT-PROFILE: sipsak verifying against another CA refuses pcscf's certificate before any SIP (exit 3)" sipsak_wrong_ca
#= spec#O.2.2-PC-ASSOC-CREATE type=test
#= spec#O.2.1-HN-AUTH-UE-DIGEST type=test
annexo_case "O.2.2-PC-ASSOC-CREATE: baresip registers with pcscf over TLS with Digest and gets a binding" baresip_registers
#= spec#O.3.1.1-PC-CLOSE-ON-AUTH-FAIL type=test
annexo_case "O.3.1.1-PC-CLOSE-ON-AUTH-FAIL: baresip with a wrong password gets 403 and pcscf closes the connection" baresip_wrong_password
annexo_finish
