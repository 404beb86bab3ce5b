#!/bin/bash
# The certificate rules of issue 11 against peers nobody here wrote:
#  - OpenSSL s_server plays a P-CSCF presenting the case-and-spacing leaf
#    (O.5.2-UE-BINARY-NAME-MATCH, RD-34), a revoked leaf, a chain through a
#    revoked intermediate, a chain whose intermediate has no CRL and a good
#    leaf with only a stale CRL (O.5.2-UE-RFC5280-PATH, RD-83); the alert the
#    ue sends is read from the two alert bytes s_server prints (-msg), i.e.
#    from the wire as OpenSSL received it;
#  - OpenSSL s_client finds nothing to connect to when pcscf was given a
#    wildcard, two-CN or SAN-less certificate (O.2.1-PC-CERT-PROFILE, RD-82),
#    and completes a verified handshake when it was given the good one.
#   cert_rules_peers.sh UE PCSCF MAKE_PKI TESTLIB
set -uo pipefail
IOP_SCRIPT=$(realpath "${BASH_SOURCE[0]}")
source "$(dirname "$IOP_SCRIPT")/lib.sh"

UE=$(realpath "$1")
PCSCF=$(realpath "$2")
MAKE_PKI=$3
source "$4"
UE=$(iop_ue_stack "$UE")
iop_pki "$MAKE_PKI"
P=$IOP_PKI
USERS=$(iop_users_file)

# --------------------------------------------------------------- ue vs s_server
# s_server_alert NAME CERT KEY CHAIN(or -) [-- ue args]: s_server (TLS 1.2, -msg)
# presents CERT (+ CHAIN); the ue connects. Sets UE_RC and WIRE_ALERT ("LEVEL
# DESC" in decimal, from the first alert record s_server received).
s_server_alert() {
  local name=$1 cert=$2 key=$3 chain=$4
  shift 4
  [ "${1:-}" = -- ] && shift
  UE_RC=-1 WIRE_ALERT=""
  local port extra=()
  [ "$chain" != - ] && extra=(-cert_chain "$P/$chain")
  port=$(iop_free_port) || return 1
  iop_s_server "$name" "$port" "$P/$cert" "$P/$key" -tls1_2 -msg "${extra[@]}" || return 1
  local serv=$IOP_LAST_PID
  timeout 20 "$UE" --pcscf "127.0.0.1:$port" --pcscf-fqdn pcscf.test --ca "$P/ca-ec.pem" \
    --impi "$IOP_IMPI" --impu "$IOP_IMPU" --password x --log-format json "$@" \
    >"$IOP_TMP/$name.ue.out" 2>"$IOP_TMP/$name.ue.log" &
  local ue=$!
  # s_server prints a record once it has read it: wait (IOP_BUDGET) for the
  # ue's alert or, when the ue accepted the certificate, its REGISTER (no SIP
  # server answers it, so then s_server is stopped and the ue gives up).
  iop_await "$IOP_BUDGET" grep -Eq '^<<< .*Alert|REGISTER sip:' "$IOP_TMP/$name.log"
  iop_stop "$serv"
  wait "$ue"
  UE_RC=$?
  local bytes
  bytes=$(awk '/^<<< .*Alert/ { getline; print $1, $2; exit }' "$IOP_TMP/$name.log")
  if [[ "$bytes" =~ ^([0-9a-f]{2})\ ([0-9a-f]{2})$ ]]; then
    WIRE_ALERT="$((16#${BASH_REMATCH[1]})) $((16#${BASH_REMATCH[2]}))"
  fi
  echo "ue exit $UE_RC; alert bytes s_server received (level desc): '$WIRE_ALERT'"
  cat "$IOP_TMP/$name.ue.out"
}
evidence() {
  echo "--- ue log"
  tail -6 "$IOP_TMP/$1.ue.log"
  echo "--- s_server"
  tail -12 "$IOP_TMP/$1.log"
}

case_and_spacing() {
  s_server_alert case pcscf-case.pem pcscf-case.key -
  annexo_req O.5.2-UE-BINARY-NAME-MATCH test "$UE_RC" -eq 2
  # The ue's own REFUSED line is a check of the harness, not evidence (the
  # alert on the wire is).
  grep -q '^ue: REFUSED O.5.2-UE-BINARY-NAME-MATCH cert_name_not_exact' "$IOP_TMP/case.ue.out" ||
    echo "note: no REFUSED line naming cert_name_not_exact in the ue's output"
  annexo_req O.5.2-UE-BINARY-NAME-MATCH test "$WIRE_ALERT" = "2 48" || evidence case
  # The exact twin (pcscf-ec: same key, the root's name byte for byte) is
  # accepted: the ue goes on to send its REGISTER to s_server.
  s_server_alert exact pcscf-ec.pem pcscf-ec.key - >/dev/null
  annexo_req O.5.2-UE-BINARY-NAME-MATCH grep -q 'REGISTER sip:' "$IOP_TMP/exact.log" || evidence exact
}
revoked_leaf() {
  s_server_alert revoked revoked.pem revoked.key - -- --crl "$P/ca-ec.crl"
  annexo_req O.5.2-UE-RFC5280-PATH test "$UE_RC" -eq 2
  annexo_req O.5.2-UE-RFC5280-PATH test "$WIRE_ALERT" = "2 44" || evidence revoked
}
revoked_intermediate() {
  s_server_alert intrev pcscf-intrev.pem pcscf-intrev.key int-revoked.pem -- \
    --crl "$P/ca-ec.crl" --crl "$P/int-revoked.crl"
  annexo_req O.5.2-UE-RFC5280-PATH test "$UE_RC" -eq 2
  annexo_req O.5.2-UE-RFC5280-PATH test "$WIRE_ALERT" = "2 44" || evidence intrev
  # Same server, the intermediate not revoked (int-ec, both CRLs): accepted.
  s_server_alert intok pcscf-int.pem pcscf-int.key int-ec.pem -- \
    --crl "$P/ca-ec.crl" --crl "$P/int-ec.crl" >/dev/null
  annexo_req O.5.2-UE-RFC5280-PATH grep -q 'REGISTER sip:' "$IOP_TMP/intok.log" || evidence intok
}
missing_crl() {
  s_server_alert intmiss pcscf-int.pem pcscf-int.key int-ec.pem -- --crl "$P/ca-ec.crl"
  annexo_req O.5.2-UE-RFC5280-PATH test "$UE_RC" -eq 2
  annexo_req O.5.2-UE-RFC5280-PATH test "$WIRE_ALERT" = "2 46" || evidence intmiss
}
stale_crl() {
  s_server_alert stale pcscf-ec.pem pcscf-ec.key - -- --crl "$P/ca-ec-stale.crl"
  annexo_req O.5.2-UE-RFC5280-PATH test "$UE_RC" -eq 2
  annexo_req O.5.2-UE-RFC5280-PATH test "$WIRE_ALERT" = "2 46" || evidence stale
}

# --------------------------------------------------------------- s_client vs pcscf
# pcscf_then_s_client CERT: pcscf on a free port with CERT; waits (budget 10 s)
# until it listens or exits; then s_client connects and verifies pcscf.test.
# Sets PC_RC (exit code, or "running"), SC_RC and SC_CONNECTED (yes/no).
pcscf_then_s_client() {
  local cert=$1 port
  port=$(iop_free_port) || return 1
  iop_start "pcscf-$cert" "$PCSCF" --listen "127.0.0.1:$port" --cert "$P/$cert.pem" \
    --key "$P/$cert.key" --users "$USERS"
  local pid=$IOP_LAST_PID i
  PC_RC=running
  for i in $(seq 1 200); do
    if ! kill -0 "$pid" 2>/dev/null; then
      wait "$pid"
      PC_RC=$?
      break
    fi
    ss -Htln "sport = :$port" | grep -q . && break
    sleep 0.05
  done
  iop_s_client "$port" "$P/ca-ec.pem" ''
  SC_RC=$?
  SC_CONNECTED=yes
  grep -Eq 'connect:errno=|Connection refused|connect error' "$IOP_TMP/s_client.out" && SC_CONNECTED=no
  [ "$PC_RC" = running ] && iop_stop "$pid"
  echo "pcscf --cert $cert.pem: exit $PC_RC; s_client exit $SC_RC, connected: $SC_CONNECTED"
  grep '^pcscf: ' "$IOP_TMP/pcscf-$cert.log"
  tail -3 "$IOP_TMP/s_client.out"
}
pcscf_refused() {  # cert rule
  pcscf_then_s_client "$1"
  annexo_req O.2.1-PC-CERT-PROFILE test "$PC_RC" = 2
  annexo_req O.2.1-PC-CERT-PROFILE test "$SC_CONNECTED" = no
  annexo_req O.2.1-PC-CERT-PROFILE test "$SC_RC" -ne 0
  # The pcscf's own REFUSED line is checked (a clear error) but is not evidence.
  grep -q "^pcscf: REFUSED O.2.1-PC-CERT-PROFILE $2 " "$IOP_TMP/pcscf-$1.log" || {
    echo "expected: a line 'pcscf: REFUSED O.2.1-PC-CERT-PROFILE $2 ...'"
    return 1
  }
}
pcscf_served() {
  pcscf_then_s_client pcscf-ec
  annexo_req O.2.1-PC-CERT-PROFILE test "$PC_RC" = running
  annexo_req O.2.1-PC-CERT-PROFILE test "$SC_RC" -eq 0
  annexo_req O.2.1-PC-CERT-PROFILE grep -q 'Verify return code: 0 (ok)' "$IOP_TMP/s_client.out"
}

#= spec#O.5.2-UE-BINARY-NAME-MATCH type=test
annexo_case "O.5.2-UE-BINARY-NAME-MATCH: ue sends fatal unknown_ca to an openssl s_server whose leaf's issuer equals the root's subject only in case and spacing" \
  case_and_spacing
#= spec#O.5.2-UE-RFC5280-PATH type=test
annexo_case "O.5.2-UE-RFC5280-PATH: ue --crl sends fatal certificate_revoked to an openssl s_server presenting a revoked leaf" \
  revoked_leaf
#= spec#O.5.2-UE-RFC5280-PATH type=test
annexo_case "O.5.2-UE-RFC5280-PATH: ue --crl sends fatal certificate_revoked to an openssl s_server whose chain has a revoked intermediate" \
  revoked_intermediate
#= spec#O.5.2-UE-RFC5280-PATH type=test
annexo_case "O.5.2-UE-RFC5280-PATH: ue --crl sends fatal certificate_unknown to an openssl s_server whose intermediate has no CRL" \
  missing_crl
#= spec#O.5.2-UE-RFC5280-PATH type=test
annexo_case "O.5.2-UE-RFC5280-PATH: ue sends fatal certificate_unknown to an openssl s_server when its CA's only CRL is stale" \
  stale_crl
#= spec#O.2.1-PC-CERT-PROFILE type=test
annexo_case "O.2.1-PC-CERT-PROFILE: openssl s_client cannot connect to a pcscf given a wildcard certificate (start refused)" \
  pcscf_refused wildcard O.5.1-CERT-CN-SINGLE
#= spec#O.2.1-PC-CERT-PROFILE type=test
annexo_case "O.2.1-PC-CERT-PROFILE: openssl s_client cannot connect to a pcscf given a two-CN certificate (start refused)" \
  pcscf_refused twocn O.5.1-CERT-CN-SINGLE
#= spec#O.2.1-PC-CERT-PROFILE type=test
annexo_case "O.2.1-PC-CERT-PROFILE: openssl s_client cannot connect to a pcscf given a certificate without subjectAltName (start refused)" \
  pcscf_refused nosan O.5.1-CERT-SAN-HAS-FQDN
#= spec#O.2.1-PC-CERT-PROFILE type=test
annexo_case "O.2.1-PC-CERT-PROFILE: openssl s_client verifies the profile-conforming certificate of a pcscf that started" \
  pcscf_served
iop_cleanup
annexo_finish
