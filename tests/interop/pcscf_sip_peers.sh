#!/bin/bash
# Real SIP user agents register with annexo's pcscf over TLS with Digest:
# sipsak (GnuTLS, verifies the certificate with -vvv) and baresip. Loopback
# only; each pcscf is stopped by its PID inside its case.
#   pcscf_sip_peers.sh PCSCF MAKE_PKI TESTLIB
set -uo pipefail
IOP_SCRIPT=$(realpath "${BASH_SOURCE[0]}")
source "$(dirname "$IOP_SCRIPT")/lib.sh"
source "$3"
iop_pcscf_driver "$1" "$2"

# What sipsak saw (its -vvv output: every message sent and received).
sipsak_saw() { grep -Eq "$1" "$IOP_TMP/sipsak.out"; }

sipsak_registers() {
  iop_start_pcscf sipsak || return 1
  local rc=0
  iop_run sipsak iop_sipsak "$PC_PORT" "$CA" "$IOP_PASSWORD" || rc=$?
  iop_stop "$PC_PID"
  # The Digest exchange as sipsak (its own RFC 2617/7616 code) saw it:
  # challenged first, its response accepted with a 200.
  annexo_req O.2.1-HN-AUTH-UE-DIGEST test "$rc" -eq 0
  annexo_req O.2.1-HN-AUTH-UE-DIGEST sipsak_saw '^SIP/2.0 401 '
  annexo_req O.2.1-HN-AUTH-UE-DIGEST sipsak_saw '^SIP/2.0 200 '
  # Mutual authentication (N.1): the 200 carries rspauth; the registered
  # IMPU is listed in P-Associated-URI.
  annexo_req N.1-DIGEST-RFC7616 sipsak_saw '^Authentication-Info: .*rspauth="?[0-9a-f]{32}'
  annexo_req N.1-DIGEST-RFC7616 sipsak_saw "^P-Associated-URI: .*<$IOP_IMPU>"
}

# WHO with a wrong password: refused with a 4xx, never a 200, and the pcscf
# closes the connection itself: tshark sees its close_notify (an alert
# record) and FIN before the client's FIN; no connection is left open.
# On the OpenSSL stack the peers speak TLS 1.3 (pcscf_baresip_tls13), where
# the close_notify is an encrypted record whose type the wire does not show:
# sipsak (GnuTLS) then writes its session keys (SSLKEYLOGFILE) and tshark
# reads the record decrypted with them (iop_tshark_tcp); baresip (libre on
# OpenSSL 3.0) has no key log, so its case is skipped there, with no credit.
wrong_password() { # sipsak|baresip
  if [ "$1" = baresip ] && [ "${ANNEXO_TLS_STACK:-botan}" = openssl ]; then
    annexo_skip "baresip and pcscf --tls-stack openssl speak TLS 1.3, where pcscf's close_notify is an encrypted record, and baresip cannot give its keys (libre on OpenSSL 3.0 has no key log): the wire cannot show the close_notify; the Botan variant (TLS 1.2) asserts it"
    return
  fi
  iop_start_pcscf "$1-wrong" || return 1
  iop_tshark_start ts "$PC_PORT" || return 1
  local rc=0
  rm -f "$IOP_TMP/ts.keys"
  if [ "$1" = sipsak ]; then
    SSLKEYLOGFILE=$IOP_TMP/ts.keys iop_run sipsak iop_sipsak "$PC_PORT" "$CA" wrong-password || rc=$?
  else
    iop_run baresip iop_baresip "$PC_PORT" wrong-password || rc=$?
  fi
  # The client has its 403, but pcscf's close() (its FIN) may still be on
  # its way on a loaded machine: the capture ends once the connection is gone
  # (asserted below), so the end canary cannot overtake the FIN.
  iop_await "$IOP_BUDGET" _iop_no_conn "$PC_PORT"
  iop_tshark_stop ts
  local alive=1
  kill -0 "$PC_PID" 2>/dev/null || { echo "pcscf died"; alive=0; }
  # At TLS 1.3 the close_notify is read only through sipsak's session keys:
  # say so when GnuTLS wrote none (the check below then fails).
  if [ "$1" = sipsak ] && [ "${ANNEXO_TLS_STACK:-botan}" = openssl ] && [ ! -s "$IOP_TMP/ts.keys" ]; then
    echo "sipsak wrote no session keys to $IOP_TMP/ts.keys (SSLKEYLOGFILE): tshark cannot decrypt the TLS 1.3 records"
  fi
  annexo_req O.3.1.1-PC-CLOSE-ON-AUTH-FAIL iop_tshark_closed_first ts "$PC_PORT"
  annexo_req O.3.1.1-PC-CLOSE-ON-AUTH-FAIL iop_no_established "$PC_PORT"
  iop_stop "$PC_PID"
  local out=$IOP_TMP/$1.out r=0
  [ "$1" = sipsak ] && { [ "$rc" -eq 1 ] || [ "$rc" -eq 2 ] || { echo "sipsak exit $rc, want 1 or 2"; r=1; }; }
  [ "$1" = baresip ] && { [ "$rc" -ne 0 ] || r=1; }
  annexo_req O.3.1.1-PC-CLOSE-ON-AUTH-FAIL not grep -Eq '^SIP/2.0 200 |\} 200 OK' "$out"
  annexo_req O.3.1.1-PC-CLOSE-ON-AUTH-FAIL grep -Eq '(SIP/2.0 |: )40[13] ' "$out"
  ((alive)) && return $r
}

baresip_registers() {
  iop_start_pcscf baresip || return 1
  local rc=0
  iop_run baresip iop_baresip "$PC_PORT" "$IOP_PASSWORD" || rc=$?
  iop_stop "$PC_PID"
  annexo_req O.2.1-HN-AUTH-UE-DIGEST test "$rc" -eq 0
  annexo_req O.2.1-HN-AUTH-UE-DIGEST grep -Eq '200 OK .*\[[0-9]+ bindings?\]' "$IOP_TMP/baresip.out"
}

#= spec#O.2.1-HN-AUTH-UE-DIGEST type=test
#= spec#N.1-DIGEST-RFC7616 type=test
annexo_case "O.2.1-HN-AUTH-UE-DIGEST: sipsak is challenged and registers with pcscf over TLS with Digest (200 with rspauth and P-Associated-URI)" iop_case sipsak_registers
#= spec#O.3.1.1-PC-CLOSE-ON-AUTH-FAIL type=test
annexo_case "O.3.1.1-PC-CLOSE-ON-AUTH-FAIL: sipsak with a wrong password is refused and pcscf closes the connection first (close_notify and FIN on the wire)" iop_case wrong_password sipsak
#= spec#O.2.1-HN-AUTH-UE-DIGEST type=test
annexo_case "O.2.1-HN-AUTH-UE-DIGEST: baresip registers with pcscf over TLS with Digest" iop_case baresip_registers
#= spec#O.3.1.1-PC-CLOSE-ON-AUTH-FAIL type=test
annexo_case "O.3.1.1-PC-CLOSE-ON-AUTH-FAIL: baresip with a wrong password gets 403 and pcscf closes the connection first (close_notify and FIN on the wire)" iop_case wrong_password baresip
annexo_finish
