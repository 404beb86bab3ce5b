#!/bin/bash
# The ue's RFC 3329 sec-agree variant (--secagree): the unprotected REGISTER
# over plain TCP, its 401 with Security-Server, TLS to the P-CSCF and the
# credentials with Security-Verify echoing the list. Against the real pcscf
# (--secagree-listen) and against a scripted plain side (secagree_fake_pcscf.py)
# for the answers a conformant P-CSCF never gives. Everything listens on
# 127.0.0.1 on kernel-chosen ports; every server is stopped by its PID.
# Requirements are asserted on what the peers saw: the scripted plain side's
# record, a scripted TLS P-CSCF (sip_peer.py serve), a relay counting TCP
# connections, or the pcscf's record of the requests it received.
#   ue_secagree_test.sh PCSCF UE MAKE_PKI TESTLIB FAKE_PCSCF CUT_RELAY SIP_PEER
set -uo pipefail
PCSCF=$(realpath "$1")
UE=$(realpath "$2")
MAKE_PKI=$3
source "$4"
FAKE=$(realpath "$5")
RELAY=$(realpath "$6")
PEER=$(realpath "$7")
E2E_NAME=uesecagree
source "$(dirname "$0")/e2e_lib.sh"

# start_fake NAME fake options...: the scripted plain side plus a trap
# listener standing in for --pcscf; sets FAKE_PID, FAKE_PORT, TRAP_PORT, REC.
start_fake() {
  local name=$1
  shift
  REC=$WORK/$name.fake.rec
  trap cleanup EXIT
  "$FAKE" --port-file "$WORK/$name.port" --trap-port-file "$WORK/$name.trap" --record "$REC" \
    "$@" >"$WORK/$name.fake.out" 2>&1 &
  FAKE_PID=$!
  PIDS+=("$FAKE_PID")
  LOGS+=("$REC")
  RAN+=("secagree_fake_pcscf.py $* (pid $FAKE_PID)")
  wait_file "$WORK/$name.port" && wait_file "$WORK/$name.trap" || return 1
  FAKE_PORT=$(cat "$WORK/$name.port")
  TRAP_PORT=$(cat "$WORK/$name.trap")
}

# The fake leaves by itself one second after the ue closed the connection
# (its record then ends with CONNECTIONS and TRAP).
stop_fake() {
  wait_for "$REC" '^TRAP '
  kill "$FAKE_PID" 2>/dev/null
  wait "$FAKE_PID" 2>/dev/null
}

# The requirement-level checks on the fake's record of the ue's unprotected
# REGISTER (what the ue sent on the plain connection, as received).
plain_register_only() {  # RECORD
  grep -q '^REQUEST REGISTER sip:annexo.test SIP/2.0$' "$1" && test "$(grep -c '^REQUEST' "$1")" -eq 1 &&
    ! grep -q '^EXTRA' "$1" && grep -qx 'CONNECTIONS 1' "$1"
}
export -f plain_register_only

# Checks on what the fake recorded of the ue's unprotected REGISTER.
# expect_unprotected_register RECORD: the request, its headers, and nothing else.
expect_unprotected_register() {
  local rec=$1 ok=0
  expect "the ue sent a REGISTER on the plain connection" \
    grep -q '^REQUEST REGISTER sip:annexo.test SIP/2.0$' "$rec" || ok=1
  expect "Via names transport TCP" grep -Eq '^  Via: SIP/2.0/TCP 127\.0\.0\.1:[0-9]+;branch=z9hG4bK' "$rec" || ok=1
  expect "Security-Client: tls (only)" grep -qx '  Security-Client: tls' "$rec" || ok=1
  expect "Require: sec-agree" grep -qx '  Require: sec-agree' "$rec" || ok=1
  expect "Proxy-Require: sec-agree" grep -qx '  Proxy-Require: sec-agree' "$rec" || ok=1
  expect "Supported: path, outbound, sec-agree" grep -qx '  Supported: path, outbound, sec-agree' "$rec" || ok=1
  expect "no Authorization on the plain connection (O.2-ALL-SM7-OVER-TLS)" \
    bash -c "! grep -qi '^  Authorization:' '$rec'" || ok=1
  expect "no Security-Verify on the unprotected REGISTER" \
    bash -c "! grep -qi '^  Security-Verify:' '$rec'" || ok=1
  expect "nothing else was sent on the plain connection" bash -c "! grep -q '^EXTRA' '$rec'" || ok=1
  expect "exactly one request on the plain connection" test "$(grep -c '^REQUEST' "$rec")" -eq 1 || ok=1
  expect "the ue closed the plain connection" grep -qx 'CLOSED' "$rec" || ok=1
  expect "one plain connection, no second attempt" grep -qx 'CONNECTIONS 1' "$rec" || ok=1
  return $ok
}

# ---------------------------------------------------------------- cases
# The whole variant against the real pcscf: plain REGISTER -> 401 with
# Security-Server: tls -> TLS (certificate checked as in TLS-first) -> the
# credentials with Security-Verify: tls as the first and only REGISTER on the
# TLS connection -> 200 and a binding.
register_with_pcscf() {
  start_pcscf reg --secagree-listen 127.0.0.1:0 || return 1
  local plain
  plain=$(side_port 'unprotected sec-agree REGISTER')
  run_ue reg --password secret --secagree "127.0.0.1:$plain"
  stop_pcscf
  local ok=0
  expect "ue registered (exit 0)" test "$UE_RC" -eq 0 || ok=1
  expect "ue printed REGISTERED via the TLS address" \
    grep -q "^ue: REGISTERED sip:alice@annexo.test via 127.0.0.1:$PC_PORT " "$UE_OUT" || ok=1
  expect "the pcscf challenged the unprotected REGISTER with Security-Client: tls and no credentials" \
    grep -q '"verdict":"ALLOW","req":"O.2-UE-VARIANT-SECAGREE","msg":"unprotected REGISTER challenged.*"side":"sec-agree".*"security_client":"tls","security_server":"tls","credentials_ignored":"no"' \
    "$PC_LOG" || ok=1
  expect "the ue picked tls from Security-Server (RFC3329-UE-PICK-MECH)" \
    grep -q '"verdict":"ALLOW","req":"RFC3329-UE-PICK-MECH".*"security_server":"tls"' "$UE_LOG" || ok=1
  expect "the pcscf found the Security-Verify echo equal (RFC3329-PC-VERIFY-ECHO)" \
    grep -q '"verdict":"ALLOW","req":"RFC3329-PC-VERIFY-ECHO".*"security_verify":"tls"' "$PC_LOG" || ok=1
  expect "the certificate was checked against the reference identity" \
    grep -q '"verdict":"ALLOW","req":"O.2.1-UE-AUTH-PC-BY-CERT".*"reference_identity":"pcscf.test"' "$UE_LOG" || ok=1
  expect "one REGISTER over TLS: the credentials, no unauthenticated REGISTER first" \
    test "$(grep -c '"msg":"REGISTER from the UE"' "$PC_LOG")" -eq 1 || ok=1
  expect "that REGISTER carried Security-Verify: tls" \
    grep -q '"msg":"REGISTER from the UE".*"security_verify":"tls"' "$PC_LOG" || ok=1
  expect "a binding was made on the TLS connection" grep -q '"to":"bound"' "$PC_LOG" || ok=1
  expect "rspauth verified over TLS" grep -q '"verdict":"ALLOW","req":"N.2-UE-VERIFY-RSPAUTH"' "$UE_LOG" || ok=1
  req RFC3329-PC-VERIFY-ECHO "the ue's echo of the pcscf's Security-Server was accepted: the ue received the 2xx over TLS" \
    grep -q "^ue: REGISTERED sip:alice@annexo.test via 127.0.0.1:$PC_PORT " "$UE_OUT" || ok=1
  ((ok == 0)) || show
  return $ok
}

# The variant as the two scripted P-CSCF sides see it: the plain side (401
# with Security-Server: tls) records the unprotected REGISTER; the TLS side
# (sip_peer.py serve, 403 to whatever comes) records the first SIP message on
# the new TLS connection.
secagree_on_the_wire() {
  local ok=0
  start_fake wire --status 401 --security-server tls || return 1
  serve_ue wire "$PKI/pcscf-ec.pem" "$PKI/pcscf-ec.key" --statuses 403 \
    -- --password secret --secagree "127.0.0.1:$FAKE_PORT"
  stop_fake
  local tlsreg=$WORK/wire.tlsreg
  sed -n '/^REQUEST /,$p' "$SERVE_OUT" | sed '/^CLOSE\|^OPEN\|^ESTABLISHED/d' >"$tlsreg"
  expect_unprotected_register "$REC" || ok=1
  req O.2-UE-VARIANT-SECAGREE "plain: one REGISTER with Security-Client: tls and Require/Proxy-Require: sec-agree; then the first SIP message on the new TLS connection is the REGISTER with Security-Verify: tls and credentials" \
    bash -c "plain_register_only '$REC' && grep -qx '  Security-Client: tls' '$REC' && grep -qx '  Require: sec-agree' '$REC' && grep -qx '  Proxy-Require: sec-agree' '$REC' && head -1 '$tlsreg' | grep -q '^REQUEST REGISTER ' && grep -qx '  Security-Verify: tls' '$tlsreg' && grep -q '^  Authorization: Digest ' '$tlsreg'" || ok=1
  req RFC3329-UE-PICK-MECH "with Security-Server: tls the next REGISTER came on a new TLS connection (the TLS side got it, the plain side nothing more)" \
    bash -c "plain_register_only '$REC' && grep -q '^REQUEST REGISTER ' '$SERVE_OUT'" || ok=1
  req S.3-SECAGREE-TLS-SELECTS-ANNEX-O "the mechanism is named 'tls' in Security-Client and Security-Verify" \
    bash -c "grep -qx '  Security-Client: tls' '$REC' && grep -qx '  Security-Verify: tls' '$tlsreg'" || ok=1
  req O.2-ALL-SM7-OVER-TLS "the Digest response went only over TLS: none on the plain connection, one over TLS" \
    bash -c "! grep -qi '^  Authorization:' '$REC' && grep -q '^  Authorization: Digest ' '$tlsreg'" || ok=1
  req 24229-5.1.1.1-NO-SECMECH-WITHOUT-TLS "Security-Client lists tls only" \
    bash -c "test \$(grep -ci '^  Security-Client:' '$REC') -eq 1 && grep -qx '  Security-Client: tls' '$REC'" || ok=1
  ((ok == 0)) || show
  return $ok
}

# After a sec-agree registration the ue re-registers over the same TLS
# session (O.4.3), and every REGISTER of it still carries Security-Verify
# (RFC 3329 2.3.1 step 5); no second unprotected REGISTER. Seen by the
# scripted plain side (401 with Security-Server: tls) and a scripted TLS
# registrar (200 with Expires 4 and the right rspauth).
rereg_keeps_verify() {
  local ok=0
  start_fake rereg --status 401 --security-server tls || return 1
  serve_ue rereg "$PKI/pcscf-ec.pem" "$PKI/pcscf-ec.key" --requests 5 --statuses 200 \
    --registrar-password secret --expires 4 \
    -- --password secret --secagree "127.0.0.1:$FAKE_PORT" --stay 5 --expires 4
  stop_fake
  local regs verified conns
  regs=$(grep -c '^REQUEST REGISTER ' "$SERVE_OUT")
  verified=$(grep -cx '  Security-Verify: tls' "$SERVE_OUT")
  conns=$(grep -c '^CONNECTION ' "$SERVE_OUT")
  expect "ue registered and stayed (exit 0, got $UE_RC)" test "$UE_RC" -eq 0 || ok=1
  req O.4.3-UE-REREG-OVER-ACTIVE-SESSION "the TLS registrar saw one connection ($conns) carrying the credentials REGISTER and at least one refresh ($regs REGISTERs)" \
    bash -c "test $conns -eq 1 && test $regs -ge 2" || ok=1
  req O.2-UE-VARIANT-SECAGREE "every REGISTER over TLS carried Security-Verify: tls ($verified of $regs), and the plain side got one REGISTER only" \
    bash -c "test $regs -ge 2 && test $verified -eq $regs && plain_register_only '$REC'" || ok=1
  ((ok == 0)) || show
  return $ok
}

# A registered sec-agree ue that loses its TLS connection starts a new
# registration the sec-agree way (the machine's restart_secagree): a fresh
# unprotected REGISTER, a fresh 401, a new TLS connection, registered again.
# A relay between ue and pcscf cuts the first TLS connection once the pcscf
# has bound it.
conn_loss_restarts_secagree() {
  start_pcscf loss --secagree-listen 127.0.0.1:0 || return 1
  local plain real=$PC_PORT
  plain=$(side_port 'unprotected sec-agree REGISTER')
  bg_peer "$WORK/loss.relay.out" "$RELAY" --port-file "$WORK/loss.relay" --to "$real" --timeout 60
  local relay=$PEER_PID
  wait_file "$WORK/loss.relay" || { stop_pcscf; return 1; }
  PC_PORT=$(cat "$WORK/loss.relay")
  bg_ue loss --password secret --secagree "127.0.0.1:$plain" --stay 8
  wait_for "$PC_LOG" '"to":"bound"'
  kill -USR1 "$relay"
  wait_ue
  kill "$relay" 2>/dev/null
  wait_peer
  stop_pcscf
  local ok=0
  expect "the relay cut the first TLS connection" grep -qx 'CUT' "$WORK/loss.relay.out" || ok=1
  expect "ue registered, lost the connection, registered again and stayed (exit 0, got $UE_RC)" \
    test "$UE_RC" -eq 0 || ok=1
  # The REGISTER counts come from the pcscf's own decision log: checked, not
  # credited (only the relay's CONNECTIONS 2 is seen at a peer).
  expect "own log, not evidence: after the cut: a second TCP connection through the relay, a second unprotected REGISTER and a second REGISTER with Security-Verify over TLS reached the pcscf" \
    bash -c "grep -qx 'CONNECTIONS 2' '$WORK/loss.relay.out' && test \$(grep -c 'unprotected REGISTER challenged' '$PC_LOG') -eq 2 && test \$(grep -c '\"msg\":\"REGISTER from the UE\".*\"security_verify\":\"tls\"' '$PC_LOG') -ge 2" || ok=1
  expect "own log, not evidence: the new registration went the sec-agree way again (unprotected REGISTER first)" \
    test "$(grep -c 'unprotected REGISTER challenged' "$PC_LOG")" -eq 2 || ok=1
  ((ok == 0)) || show
  return $ok
}

# O.4.1: a sec-agree registration whose credentials REGISTER is never
# answered (Timer F, 32 s) starts over with a new unprotected REGISTER, and
# the unfinished attempt's TLS connection is thrown away first: when the new
# plain connection reaches the scripted plain side, no TCP connection towards
# the scripted TLS side is ESTABLISHED any more (ss), and the TLS side saw
# close_notify and FIN.
purge_on_restart() {
  local ok=0 serve_out=$WORK/purge.serve.out
  bg_peer "$serve_out" "$PEER" serve --cert "$PKI/pcscf-ec.pem" --key "$PKI/pcscf-ec.key" \
    --port-file "$WORK/purge.serve.port" --www-authenticate 'Digest realm="annexo.test"' \
    --statuses 0 --watch 90 --timeout 90
  local serve=$PEER_PID serve_cmd=$PEER_CMD
  wait_file "$WORK/purge.serve.port" || { show; return 1; }
  local tls_port
  tls_port=$(cat "$WORK/purge.serve.port")
  start_fake purge --status 401 --security-server tls --timeout 90 --linger 90 --established-port "$tls_port" || return 1
  PC_PORT=$tls_port
  run_ue purge --password secret --secagree "127.0.0.1:$FAKE_PORT"
  ran "ue --secagree 127.0.0.1:$FAKE_PORT --pcscf 127.0.0.1:$tls_port (exit ignored)" "$UE_RC"
  PEER_PID=$serve PEER_CMD=$serve_cmd
  wait_peer
  kill "$FAKE_PID" 2>/dev/null
  wait "$FAKE_PID" 2>/dev/null
  req O.4.1-UE-PURGE-INCOMPLETE "the credentials REGISTER reached the TLS side; when the ue started over (a second plain connection) no connection towards the TLS side was ESTABLISHED, and the TLS side saw close_notify and FIN" \
    bash -c "grep -q '^REQUEST REGISTER' '$serve_out' && grep -qx 'LATER-CONNECTION ESTABLISHED-TO-$tls_port 0' '$REC' && closed_by_peer '$serve_out' close_notify" || ok=1
  ((ok == 0)) || show
  return $ok
}

# A 401 whose Security-Server lacks tls (or has none): the machine's
# abort_secagree_no_tls; the ue opens no TLS connection and exits 5.
no_tls_in_security_server() {
  local ok=0
  start_fake nossl --status 401 --security-server 'ipsec-3gpp;q=0.1;alg=hmac-sha-1-96' || return 1
  PC_PORT=$TRAP_PORT
  run_ue nossl --password secret --secagree "127.0.0.1:$FAKE_PORT"
  stop_fake
  expect_unprotected_register "$REC" || ok=1
  expect "ue refused by policy (exit 5, got $UE_RC)" test "$UE_RC" -eq 5 || ok=1
  expect "verdict line names O.3.2-SECSETUP-ERRORS ue_secagree_no_tls and the list" \
    grep -q '^ue: REFUSED O.3.2-SECSETUP-ERRORS ue_secagree_no_tls: .*(Security-Server: ipsec-3gpp;q=0.1;alg=hmac-sha-1-96)' \
    "$UE_OUT" || ok=1
  req O.3.2-SECSETUP-ERRORS "Security-Server without tls: no second REGISTER on the plain side, no connection towards --pcscf, the plain connection closed" \
    bash -c "plain_register_only '$REC' && grep -qx 'TRAP 0' '$REC' && grep -qx 'CLOSED' '$REC'" || ok=1
  req RFC3329-UE-PICK-MECH "without an acceptable mechanism the ue abandoned the registration (nothing more sent, no TLS)" \
    bash -c "plain_register_only '$REC' && grep -qx 'TRAP 0' '$REC'" || ok=1
  ((ok == 0)) || show
  local first=$UE_OUT
  start_fake nosecserver --status 401 || return 1
  PC_PORT=$TRAP_PORT
  run_ue nosecserver --password secret --secagree "127.0.0.1:$FAKE_PORT"
  stop_fake
  expect "no Security-Server at all: exit 5 (got $UE_RC)" test "$UE_RC" -eq 5 || ok=1
  expect "no Security-Server at all: the verdict says it is missing" \
    grep -q '^ue: REFUSED O.3.2-SECSETUP-ERRORS ue_secagree_no_tls: .*Security-Server: missing' "$UE_OUT" || ok=1
  req O.3.2-SECSETUP-ERRORS "no Security-Server at all: no second REGISTER, no connection towards --pcscf" \
    bash -c "plain_register_only '$REC' && grep -qx 'TRAP 0' '$REC'" || ok=1
  ((ok == 0)) || { show; cat "$first"; }
  return $ok
}

# Final answers to the unprotected REGISTER that end the procedure without
# TLS: a 403 (the home network refused), and a 401 that offers tls but carries
# no usable Digest challenge. Either way the ue opens no TLS connection, sends
# nothing more and exits 5 (refused by policy) with one verdict line.
plain_final_failures() {
  local ok=0
  start_fake f403 --status 403 --security-server tls || return 1
  PC_PORT=$TRAP_PORT
  run_ue f403 --password secret --secagree "127.0.0.1:$FAKE_PORT"
  stop_fake
  expect_unprotected_register "$REC" || ok=1
  expect "403: ue exit 5 (got $UE_RC)" test "$UE_RC" -eq 5 || ok=1
  expect "403: one verdict line" test "$(grep -c '^ue: REFUSED' "$UE_OUT")" -eq 1 || ok=1
  req O.3.2-SECSETUP-ERRORS "403: nothing more on the plain side, no connection towards --pcscf" \
    bash -c "plain_register_only '$REC' && grep -qx 'TRAP 0' '$REC'" || ok=1
  local first=$UE_OUT
  start_fake nochal --status 401 --security-server tls --no-challenge || return 1
  PC_PORT=$TRAP_PORT
  run_ue nochal --password secret --secagree "127.0.0.1:$FAKE_PORT"
  stop_fake
  expect "401 without a challenge: ue exit 5 (got $UE_RC)" test "$UE_RC" -eq 5 || ok=1
  expect "401 without a challenge: the ue logs it against N.1-DIGEST-RFC7616" \
    grep -q '"verdict":"DENY","req":"N.1-DIGEST-RFC7616","msg":"401 to the sec-agree REGISTER without a usable Digest challenge","reason":"WWW-Authenticate: missing"' \
    "$UE_LOG" || ok=1
  req O.3.2-SECSETUP-ERRORS "401 without a challenge: nothing more on the plain side, no connection towards --pcscf" \
    bash -c "plain_register_only '$REC' && grep -qx 'TRAP 0' '$REC'" || ok=1
  ((ok == 0)) || { show; cat "$first"; }
  return $ok
}

# A 2xx to the unprotected REGISTER would be a registration without TLS: the
# machine's abort_unprotected_2xx; exit 5, no TLS connection, no REGISTERED.
unprotected_2xx() {
  local ok=0
  start_fake ok200 --status 200 --security-server tls || return 1
  PC_PORT=$TRAP_PORT
  run_ue ok200 --password secret --secagree "127.0.0.1:$FAKE_PORT"
  stop_fake
  expect_unprotected_register "$REC" || ok=1
  expect "ue refused by policy (exit 5, got $UE_RC)" test "$UE_RC" -eq 5 || ok=1
  expect "verdict line names O.1.1-OP-NO-BIDDOWN ue_unprotected_2xx" \
    grep -q '^ue: REFUSED O.1.1-OP-NO-BIDDOWN ue_unprotected_2xx: .*200 OK without TLS' "$UE_OUT" || ok=1
  expect "the ue never reported a registration" bash -c "! grep -q '^ue: REGISTERED' '$UE_OUT'" || ok=1
  req O.1.1-OP-NO-BIDDOWN "after the 2xx to the unprotected REGISTER the ue sent nothing more in the clear and opened no connection" \
    bash -c "plain_register_only '$REC' && grep -qx 'TRAP 0' '$REC' && grep -qx 'CLOSED' '$REC'" || ok=1
  ((ok == 0)) || show
  return $ok
}

# RFC 3329 2.3.1: Security-Verify mirrors the Security-Server list received,
# mechanisms, parameters and order included. The scripted plain side sends a
# list the real pcscf never sent; the ue echoes it exactly to the pcscf over
# TLS, the pcscf answers 494, and the ue's refusal names the check.
verify_echo_494() {
  start_pcscf echo || return 1
  local ok=0
  start_fake echo --status 401 --security-server 'tls;q=0.5;x=1' \
    --security-server 'ipsec-3gpp;q=0.1;alg=hmac-sha-1-96' || return 1
  run_ue echo --password secret --secagree "127.0.0.1:$FAKE_PORT"
  stop_fake
  stop_pcscf
  expect_unprotected_register "$REC" || ok=1
  expect "the REGISTER over TLS carried the received list, same order and parameters" \
    grep -q '"msg":"REGISTER from the UE".*"security_verify":"tls;q=0.5;x=1, ipsec-3gpp;q=0.1;alg=hmac-sha-1-96"' \
    "$PC_LOG" || ok=1
  expect "the pcscf refused the echo of a list it never sent (RFC3329-PC-VERIFY-ECHO)" \
    grep -q '"verdict":"DENY","req":"RFC3329-PC-VERIFY-ECHO"' "$PC_LOG" || ok=1
  expect "no binding at the pcscf" bash -c "! grep -q '\"to\":\"bound\"' '$PC_LOG'" || ok=1
  expect "the ue logged the 494 against RFC3329-PC-VERIFY-ECHO" \
    grep -q '"verdict":"DENY","req":"RFC3329-PC-VERIFY-ECHO","msg":"the P-CSCF refused the Security-Verify echo (494)"' \
    "$UE_LOG" || ok=1
  expect "ue refused by policy (exit 5, got $UE_RC)" test "$UE_RC" -eq 5 || ok=1
  expect "verdict line names RFC3329-PC-VERIFY-ECHO and the 494" \
    grep -q '^ue: REFUSED RFC3329-PC-VERIFY-ECHO secagree_verify_mismatch: registration refused: 494 ' \
    "$UE_OUT" || ok=1
  req RFC3329-PC-VERIFY-ECHO "the pcscf answered the echo of a list it never sent with 494 (as the ue received it) and never with 2xx" \
    bash -c "grep -q '^ue: REFUSED RFC3329-PC-VERIFY-ECHO secagree_verify_mismatch: registration refused: 494 ' '$UE_OUT' && ! grep -q '^ue: REGISTERED' '$UE_OUT'" || ok=1
  ((ok == 0)) || show
  return $ok
}

# --secagree needs a numeric HOST:PORT (exit 1); nothing listening there is a
# network error (exit 6) with a verdict line, and no TLS is attempted.
secagree_exit_codes() {
  local ok=0 rc
  "$UE" --pcscf 127.0.0.1:5061 --pcscf-fqdn pcscf.test --ca "$PKI/ca-ec.pem" --impi a@b \
    --impu sip:a@b --password x --secagree pcscf.test:5060 >"$WORK/usage1.out" 2>&1
  rc=$?
  req ADP-UE-EXIT-CODES "a name instead of an address: usage error (exit 1, got $rc)" test "$rc" -eq 1 || ok=1
  expect "the usage error names --secagree" grep -q 'ue: --secagree:' "$WORK/usage1.out" || ok=1
  "$UE" --pcscf 127.0.0.1:5061 --pcscf-fqdn pcscf.test --ca "$PKI/ca-ec.pem" --impi a@b \
    --impu sip:a@b --password x --secagree 127.0.0.1 >"$WORK/usage2.out" 2>&1
  rc=$?
  req ADP-UE-EXIT-CODES "no port: usage error (exit 1, got $rc)" test "$rc" -eq 1 || ok=1
  # A port nothing listens on: bind one, note it, close it.
  local closed
  closed=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
  start_fake refused --status 401 --security-server tls --timeout 3 || return 1
  PC_PORT=$TRAP_PORT
  run_ue refused --password secret --secagree "127.0.0.1:$closed"
  stop_fake
  req ADP-UE-EXIT-CODES "nothing listening on --secagree: network error (exit 6, got $UE_RC)" test "$UE_RC" -eq 6 || ok=1
  expect "verdict line says the sec-agree connect failed" \
    grep -q "^ue: REFUSED .*sec-agree: TCP connect to 127.0.0.1:$closed failed" "$UE_OUT" || ok=1
  expect "no connection towards --pcscf" grep -qx 'TRAP 0' "$REC" || ok=1
  ((ok == 0)) || { LOGS+=("$WORK"/usage*.out); show; }
  return $ok
}

#= spec#RFC3329-PC-VERIFY-ECHO type=test
annexo_case "O.2-UE-VARIANT-SECAGREE: ue --secagree registers with pcscf --secagree-listen (plain 401 with Security-Server: tls, credentials and Security-Verify over TLS)" register_with_pcscf
#= spec#O.2-UE-VARIANT-SECAGREE type=test
#= spec#RFC3329-UE-PICK-MECH type=test
#= spec#S.3-SECAGREE-TLS-SELECTS-ANNEX-O type=test
#= spec#O.2-ALL-SM7-OVER-TLS type=test
#= spec#24229-5.1.1.1-NO-SECMECH-WITHOUT-TLS type=test
annexo_case "O.2-ALL-SM7-OVER-TLS: ue --secagree as scripted plain and TLS sides see it: Security-Client: tls in the clear, credentials and Security-Verify only over TLS" secagree_on_the_wire
#= spec#O.4.3-UE-REREG-OVER-ACTIVE-SESSION type=test
#= spec#O.2-UE-VARIANT-SECAGREE type=test
annexo_case "O.4.3-UE-REREG-OVER-ACTIVE-SESSION: after a sec-agree registration the ue re-registers over the same TLS session, Security-Verify on every REGISTER" rereg_keeps_verify
#= spec#O.4.1-UE-REREG-ON-CONN-LOSS type=test
#= spec#O.2-UE-VARIANT-SECAGREE type=test
annexo_case "O.4.1-UE-REREG-ON-CONN-LOSS: a registered sec-agree ue that loses its TLS connection registers again through a new unprotected REGISTER" conn_loss_restarts_secagree
#= spec#O.4.1-UE-PURGE-INCOMPLETE type=test
annexo_case "O.4.1-UE-PURGE-INCOMPLETE: a sec-agree ue whose credentials REGISTER times out closes that TLS connection before it starts over" purge_on_restart
#= spec#O.3.2-SECSETUP-ERRORS type=test
#= spec#RFC3329-UE-PICK-MECH type=test
annexo_case "O.3.2-SECSETUP-ERRORS: a 401 without tls in Security-Server ends the ue's sec-agree registration (exit 5), no TLS opened" no_tls_in_security_server
#= spec#O.3.2-SECSETUP-ERRORS type=test
annexo_case "O.3.2-SECSETUP-ERRORS: a 403, or a 401 without a usable challenge, to the unprotected REGISTER ends it (exit 5), no TLS opened" plain_final_failures
#= spec#O.1.1-OP-NO-BIDDOWN type=test
annexo_case "O.1.1-OP-NO-BIDDOWN: a 2xx to the ue's unprotected sec-agree REGISTER is refused (exit 5), no TLS opened" unprotected_2xx
#= spec#RFC3329-PC-VERIFY-ECHO type=test
annexo_case "RFC3329-PC-VERIFY-ECHO: the ue echoes Security-Server exactly; the pcscf's 494 to a list it never sent ends in a refusal naming the check" verify_echo_494
#= spec#ADP-UE-EXIT-CODES type=test
annexo_case "ADP-UE-EXIT-CODES: ue --secagree usage errors exit 1, an unreachable sec-agree address exits 6" secagree_exit_codes
annexo_finish
