#!/bin/bash
# Cross-stack at TLS 1.2 (issue 14), both directions:
# - ue --tls-stack openssl (OpenSSL 3.0, offering TLS 1.3 and 1.2) registers
#   with the default pcscf (Botan 2.19, TLS 1.2 only);
# - the default ue (Botan 2.19, TLS 1.2 only) registers with
#   pcscf --tls-stack openssl (which would speak TLS 1.3 and 1.2).
# Checked at the pcscf's side, not in the ue's log: on the wire (tshark on
# lo, the pcscf's port) the ClientHello's versions and the pcscf's
# ServerHello selecting TLS 1.2 (with, for the OpenSSL pcscf, a profile suite
# and the RFC 7627 / RFC 5746 extensions) and a Session ID; the pcscf's
# binding table (its SIGUSR1 dump) holds alice bound to that very Session ID.
# The same-stack pairings are the other e2e tests and their _openssl twins.
#   tls_cross_stack_e2e_test.sh PCSCF UE MAKE_PKI TESTLIB
set -uo pipefail
PCSCF=$(realpath "$1")
UE=$(realpath "$2")
MAKE_PKI=$3
source "$4"
E2E_NAME=cross
source "$(dirname "$0")/e2e_lib.sh"
# The stack this target's results name (testlib.sh's tls_stack, the report's
# Variants column): one program on each stack. Read only when the results
# are written; the launchers above (e2e_lib.sh) are made already, and each
# case names the stack of the program it moves off Botan.
ANNEXO_TLS_STACK=botan+openssl

# A TCP port nothing listens on (its SYNs are the capture's markers).
closed_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
# cap_start NAME: tshark on lo for the pcscf's port into $WORK/NAME.pcap,
# returning once a marker SYN shows in its packet list (budget E2E_BUDGET).
cap_start() {
  CAP=$WORK/$1.pcap
  CAP_LOG=$WORK/$1.tshark.log
  CAP_MARK=$(closed_port) || return 1
  LOGS+=("$CAP_LOG")
  tshark -i lo -f "tcp port $PC_PORT or tcp port $CAP_MARK" -w "$CAP" -P -l >"$CAP_LOG" 2>&1 &
  CAP_PID=$!
  PIDS+=("$CAP_PID")
  RAN+=("tshark on lo port $PC_PORT (pid $CAP_PID)")
  wait_until "$E2E_BUDGET" cap_marked 1
}
cap_marked() { # N: at least N marker SYNs captured (one more sent each try)
  (exec 3<>"/dev/tcp/127.0.0.1/$CAP_MARK") 2>/dev/null
  (($(grep -c "$CAP_MARK" "$CAP_LOG") >= $1))
}
# cap_stop: every packet before a last marker is in the file, then tshark stops.
cap_stop() {
  local n
  n=$(grep -c "$CAP_MARK" "$CAP_LOG")
  wait_until "$E2E_BUDGET" cap_marked $((n + 1))
  kill "$CAP_PID" 2>/dev/null
  wait "$CAP_PID" 2>/dev/null
}
# hello TYPE FIELD: FIELD of the first handshake message TYPE in the capture
# (1 ClientHello, 2 ServerHello), values comma-separated.
hello() {
  tshark -r "$CAP" -d "tcp.port==$PC_PORT,tls" -Y "tls.handshake.type == $1" -T fields \
    -E occurrence=a -E aggregator=, -e "$2" 2>/dev/null | head -1
}
# RFC 8446 4.2.1 / RFC 5246 7.4.1.3 wire values, literals.
TLS12=0x0303
TLS13=0x0304

# The ServerHello selects TLS 1.2: legacy version 0x0303 and no
# supported_versions extension (which would select TLS 1.3, RFC 8446 4.2.1).
server_hello_tls12() {
  local v sv
  v=$(hello 2 tls.handshake.version)
  sv=$(hello 2 tls.handshake.extensions.supported_version)
  [ "$v" = "$TLS12" ] && [ -z "$sv" ] && return 0
  echo "pcscf's ServerHello: version '$v', supported_versions '$sv' (want $TLS12 and none)" >&2
  return 1
}
# The ClientHello offered TLS 1.3 and TLS 1.2 (supported_versions).
client_hello_offers_13_and_12() {
  local sv
  sv=$(hello 1 tls.handshake.extensions.supported_version)
  tr ',' '\n' <<<"$sv" | grep -qx "$TLS13" && tr ',' '\n' <<<"$sv" | grep -qx "$TLS12" && return 0
  echo "the ue's ClientHello: supported_versions '$sv' (want $TLS13 and $TLS12)" >&2
  return 1
}
# The pcscf's dump binds alice to the Session ID of the ServerHello on the wire.
bound_to_wire_session() { # dump-file
  local wire dumped
  wire=$(hello 2 tls.handshake.session_id | tr -d ':' | tr 'A-F' 'a-f')
  dumped=$(grep '"impi":"alice@annexo.test"' "$1" | grep -o '"session_id":"[0-9a-f]*"' | head -1 | cut -d'"' -f4)
  [ ${#wire} -eq 64 ] && [ "$wire" = "$dumped" ] && return 0
  echo "Session ID on the wire '$wire', bound at the pcscf '$dumped' (want the same 32 bytes)" >&2
  return 1
}

# The Botan ue's ClientHello offered no TLS 1.3: no supported_versions
# extension, or one without 0x0304, and legacy version TLS 1.2.
client_hello_offers_12_only() {
  local v sv
  v=$(hello 1 tls.handshake.version)
  sv=$(hello 1 tls.handshake.extensions.supported_version)
  [ "$v" = "$TLS12" ] && ! tr ',' '\n' <<<"$sv" | grep -qx "$TLS13" && return 0
  echo "the ue's ClientHello: version '$v', supported_versions '$sv' (want $TLS12, no $TLS13)" >&2
  return 1
}
# TLS 1.2 suites of the profile as reconstructed (TS 33.210 6.2.3, RD-29):
# ECDHE with AEAD, literals (RFC 5289, RFC 7905), not the core's tables:
# ECDHE_ECDSA/ECDHE_RSA with AES_128_GCM_SHA256, AES_256_GCM_SHA384,
# CHACHA20_POLY1305_SHA256.
PROFILE_TLS12_SUITES=(0xc02b 0xc02f 0xc02c 0xc030 0xcca9 0xcca8)
server_hello_suite_tls12_profile() {
  local s w
  s=$(hello 2 tls.handshake.ciphersuite)
  s=$(printf '0x%04x' "$s" 2>/dev/null)
  for w in "${PROFILE_TLS12_SUITES[@]}"; do [ "$s" = "$w" ] && return 0; done
  echo "pcscf's ServerHello suite '$s' is not one of ${PROFILE_TLS12_SUITES[*]}" >&2
  return 1
}
# The ServerHello carries extension TYPE (23 extended_master_secret, RFC
# 7627; 65281 renegotiation_info, RFC 5746).
server_hello_has_ext() {
  local t
  t=$(hello 2 tls.handshake.extension.type)
  tr ',' '\n' <<<"$t" | grep -qx "$1" && return 0
  echo "pcscf's ServerHello extensions '$t' lack $1" >&2
  return 1
}

openssl_ue_botan_pcscf() {
  start_pcscf cross || return 1
  cap_start cross || return 1
  bg_ue cross --password secret --stay 3 --tls-stack openssl
  local ok=0 out=$WORK/cross.pcscf.out
  wait_for "$PC_LOG" '"req":"O.2.2-PC-ASSOC-CREATE"' || ok=1
  kill -USR1 "$PC_PID"
  wait_for "$out" '"impi":"alice@annexo.test"' || ok=1
  wait_ue
  cap_stop
  stop_pcscf
  expect "ue exit 0 (its documented contract)" test "$UE_RC" -eq 0 || ok=1
  req 33210-6.2.1-TLS12-MANDATORY "the ue's ClientHello offered TLS 1.3 and 1.2 (the OpenSSL stack)" \
    client_hello_offers_13_and_12 || ok=1
  req 33210-6.2.1-TLS12-MANDATORY "the pcscf's ServerHello selected TLS 1.2" server_hello_tls12 || ok=1
  req 33210-6.2.1-TLS12-MANDATORY "the pcscf bound alice to the TLS 1.2 Session ID on the wire" \
    bound_to_wire_session "$out" || ok=1
  ((ok == 0)) || show
  return $ok
}

botan_ue_openssl_pcscf() {
  start_pcscf rcross --tls-stack openssl || return 1
  cap_start rcross || return 1
  bg_ue rcross --password secret --stay 3
  local ok=0 out=$WORK/rcross.pcscf.out
  wait_for "$PC_LOG" '"req":"O.2.2-PC-ASSOC-CREATE"' || ok=1
  kill -USR1 "$PC_PID"
  wait_for "$out" '"impi":"alice@annexo.test"' || ok=1
  wait_ue
  cap_stop
  stop_pcscf
  echo "ServerHello (version supported_versions suite): $(hello 2 tls.handshake.version)" \
    "'$(hello 2 tls.handshake.extensions.supported_version)' $(hello 2 tls.handshake.ciphersuite)"
  expect "ue exit 0 (its documented contract)" test "$UE_RC" -eq 0 || ok=1
  req 33210-6.2.1-TLS12-MANDATORY "the Botan ue's ClientHello offered TLS 1.2 and not 1.3" \
    client_hello_offers_12_only || ok=1
  req 33210-6.2.1-TLS12-MANDATORY "the OpenSSL pcscf's ServerHello selected TLS 1.2" server_hello_tls12 || ok=1
  req 33210-6.2.1-TLS12-MANDATORY "the OpenSSL pcscf bound alice to the TLS 1.2 Session ID on the wire" \
    bound_to_wire_session "$out" || ok=1
  req 33210-6.2.3-TLS12-PROFILE "the OpenSSL pcscf's TLS 1.2 suite is an ECDHE AEAD suite of the profile" \
    server_hello_suite_tls12_profile || ok=1
  req 33210-6.2.3-TLS12-PROFILE "the OpenSSL pcscf's ServerHello has extended_master_secret (23)" \
    server_hello_has_ext 23 || ok=1
  req 33210-6.2.3-TLS12-PROFILE "the OpenSSL pcscf's ServerHello has renegotiation_info (65281)" \
    server_hello_has_ext 65281 || ok=1
  ((ok == 0)) || show
  return $ok
}

#= spec#33210-6.2.1-TLS12-MANDATORY type=test
annexo_case "33210-6.2.1-TLS12-MANDATORY: ue --tls-stack openssl (offering TLS 1.3 and 1.2) registers with the Botan pcscf at TLS 1.2: ServerHello on the wire at TLS 1.2, alice bound at the pcscf to that Session ID" \
  openssl_ue_botan_pcscf
#= spec#33210-6.2.1-TLS12-MANDATORY type=test
#= spec#33210-6.2.3-TLS12-PROFILE type=test
annexo_case "33210-6.2.1-TLS12-MANDATORY: the Botan ue (TLS 1.2 only) registers with pcscf --tls-stack openssl at TLS 1.2: ServerHello on the wire at TLS 1.2 with a profile ECDHE AEAD suite, extended_master_secret and renegotiation_info, alice bound at the pcscf to that Session ID" \
  botan_ue_openssl_pcscf
annexo_finish
