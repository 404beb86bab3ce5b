#!/bin/bash
# O.5.1-ALL-X509: authentication in Annex O TLS uses X.509 certificates. The
# real ue against a P-CSCF side crafted byte by byte (raw_tls_server.py): a
# profile ServerHello followed by a Certificate message that holds no X.509
# certificate — an empty list, or a bare SubjectPublicKeyInfo (an RFC 7250
# raw public key). Read at that peer, from the wire: the ue offered no other
# certificate type (no cert_type 9, client_certificate_type 19 or
# server_certificate_type 20 extension), and it answered each flight with a
# fatal alert in the clear and never sent application data (no SIP).
#   ue_cert_type_e2e_test.sh PCSCF UE MAKE_PKI TESTLIB RAW_TLS_SERVER
set -uo pipefail
PCSCF=$(realpath "$1")
UE=$(realpath "$2")
MAKE_PKI=$3
source "$4"
RAW=$(realpath "$5")
E2E_NAME=ue_cert_type
source "$(dirname "$0")/e2e_lib.sh"

# raw_flight NAME VARIANT: the crafted server and the ue against it; sets
# RAW_OUT (the server's observations) and UE_RC.
raw_flight() {
  local name=$1 variant=$2
  RAW_OUT=$WORK/$name.raw.out
  rm -f "$WORK/$name.port"
  python3 "$RAW" "$WORK/$name.port" "$variant" "$WORK/pcscf.spki.der" >"$RAW_OUT" 2>"$WORK/$name.raw.err" &
  local raw_pid=$!
  PIDS+=("$raw_pid")
  LOGS+=("$RAW_OUT" "$WORK/$name.raw.err")
  wait_file "$WORK/$name.port" || return 1
  PC_PORT=$(cat "$WORK/$name.port")
  run_ue "$name" --password secret
  ran "ue --pcscf 127.0.0.1:$PC_PORT (raw $variant)" "$UE_RC"
  wait_until "$E2E_BUDGET" grep -q '^END ' "$RAW_OUT"
  wait "$raw_pid" 2>/dev/null
}

no_other_cert_types() { ! grep -Eq '^CLIENTHELLO ext=(.*,)?(9|19|20)(,|$)' "$1" && grep -q '^CLIENTHELLO ' "$1"; }
fatal_alert() { grep -Eq '^ALERT 2 [0-9]+$' "$1"; }
no_sip() { grep -qx 'APPDATA 0' "$1"; }

refused() {
  local variant=$1
  raw_flight "$variant" "$variant" || { show; return 1; }
  local ok=0
  req O.5.1-ALL-X509 "the ue offered no certificate type other than X.509" no_other_cert_types "$RAW_OUT" || ok=1
  req O.5.1-ALL-X509 "a fatal alert from the ue for a Certificate message without X.509 ($variant)" \
    fatal_alert "$RAW_OUT" || ok=1
  req O.5.1-ALL-X509 "no application data (SIP) from the ue ($variant)" no_sip "$RAW_OUT" || ok=1
  expect "ue exit non-zero (got $UE_RC)" test "$UE_RC" -ne 0 || ok=1
  ((ok == 0)) || { show; echo "--- raw server saw"; cat "$RAW_OUT"; }
  return $ok
}

openssl pkey -in "$PKI/pcscf-ec.key" -pubout -outform DER -out "$WORK/pcscf.spki.der" 2>/dev/null ||
  { echo "openssl pkey -pubout failed"; exit 1; }

#= spec#O.5.1-ALL-X509 type=test
annexo_case "O.5.1-ALL-X509: an empty Certificate message is refused with a fatal alert, no SIP" refused empty
#= spec#O.5.1-ALL-X509 type=test
annexo_case "O.5.1-ALL-X509: a bare SubjectPublicKeyInfo (raw public key) is refused with a fatal alert, no SIP" refused spki
annexo_finish
