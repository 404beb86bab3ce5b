#!/bin/bash
# Loopback end to end for the P-CSCF's RFC 5626 edge-proxy duties and the
# RFC 3329 sec-agree variant, with the real `pcscf` and `ue` and a scripted
# peer (sip_peer.py) playing the S-CSCF on the core side and hand-written UEs.
#   flow_secagree_e2e_test.sh PCSCF UE MAKE_PKI TESTLIB SIP_PEER
set -uo pipefail
PCSCF=$(realpath "$1")
UE=$(realpath "$2")
MAKE_PKI=$3
source "$4"
PEER=$(realpath "$5")
E2E_NAME=flow
source "$(dirname "$0")/e2e_lib.sh"

# The Path the pcscf logged for its only REGISTER so far (JSON field "path").
logged_path() {
  grep '"path":"<sip:' "$PC_LOG" | head -1 | sed 's/.*"path":"\(<[^"]*>\)".*/\1/'
}

# ---------------------------------------------------------------- cases
# A ue registers with reg-id over TLS; the pcscf adds Path with its flow token
# and ;ob; the registrar's 2xx returns it; a MESSAGE from the core side, routed
# by the registrar's Path and by an explicit Route, reaches the ue over its own
# TLS connection and the ue's 200 comes back. After the ue has gone, the same
# token gets 430.
path_and_delivery() {
  start_pcscf path --core-listen 127.0.0.1:0 || return 1
  local core
  core=$(side_port 'terminating requests from the core network')
  bg_ue path --password secret --stay 6
  wait_for "$PC_LOG" '"to":"bound"' || { show; stop_pcscf; return 1; }
  local path
  path=$(logged_path)
  "$PEER" send --port "$core" MESSAGE sip:alice@annexo.test >"$WORK/path.msg1" 2>&1
  "$PEER" send --port "$core" --header "Route: $path" MESSAGE sip:alice@annexo.test \
    >"$WORK/path.msg2" 2>&1
  wait_ue
  # The ue has closed its connection: the flow is gone.
  "$PEER" send --port "$core" --header "Route: $path" MESSAGE sip:alice@annexo.test \
    >"$WORK/path.msg3" 2>&1
  "$PEER" send --port "$core" MESSAGE sip:alice@annexo.test >"$WORK/path.msg4" 2>&1
  stop_pcscf
  local ok=0
  expect "Path URI: 32-hex flow token user part, the core-side address, lr and ob (got $path)" \
    grep -Eq "^<sip:[0-9a-f]{32}@127\.0\.0\.1:$core;lr;ob>$" <<<"$path" || ok=1
  expect "Path decision names 24229-PC-OUTBOUND-PATH with one Via and reg-id" \
    grep -q '"req":"24229-PC-OUTBOUND-PATH".*"vias":"1","reg_id":"yes","ob":"yes"' "$PC_LOG" || ok=1
  expect "the registrar's 2xx returned the Path to the ue" \
    grep -qF "\"path\":\"$path\"" "$UE_LOG" || ok=1
  expect "ue registered and stayed (exit 0)" test "$UE_RC" -eq 0 || ok=1
  expect "MESSAGE routed by the registrar's Path answered 200 by the ue" \
    grep -q '^STATUS 200' "$WORK/path.msg1" || ok=1
  expect "MESSAGE with Route = Path answered 200 by the ue" grep -q '^STATUS 200' "$WORK/path.msg2" || ok=1
  expect "the ue received both MESSAGEs" test "$(grep -c '^ue: received MESSAGE' "$UE_OUT")" -eq 2 || ok=1
  expect "the pcscf sent both over the ue's TLS connection" \
    test "$(grep -c '"req":"5626-5.3-PC-FORWARD-OVER-FLOW","msg":"terminating request sent over' "$PC_LOG")" -eq 2 || ok=1
  expect "two relayed responses logged" \
    test "$(grep -c 'response to a terminating request relayed to the core side' "$PC_LOG")" -eq 2 || ok=1
  expect "the relayed 200 carries no Via of the pcscf (only the peer's own)" \
    test "$(grep -c '^  Via:' "$WORK/path.msg2")" -eq 1 || ok=1
  expect "after the ue left: 430 Flow Failed for the Route" grep -q '^STATUS 430' "$WORK/path.msg3" || ok=1
  expect "after the ue left: 430 Flow Failed for the registrar's Path" \
    grep -q '^STATUS 430' "$WORK/path.msg4" || ok=1
  ((ok == 0)) || { show; cat "$WORK"/path.msg*; }
  return $ok
}

# Tokens the pcscf did not issue, or modified ones, get 403 and go nowhere.
bad_tokens() {
  start_pcscf badtok --core-listen 127.0.0.1:0 || return 1
  local core
  core=$(side_port 'terminating requests from the core network')
  bg_ue badtok --password secret --stay 4
  wait_for "$PC_LOG" '"to":"bound"' || { show; stop_pcscf; return 1; }
  local path token flipped
  path=$(logged_path)
  token=$(sed 's/<sip:\([0-9a-f]*\)@.*/\1/' <<<"$path")
  # Flip the last hex digit of the MAC.
  flipped=${token:0:31}$(printf '%x' $(((16#${token:31:1} + 1) % 16)))
  "$PEER" send --port "$core" --header "Route: ${path/$token/$flipped}" MESSAGE \
    sip:alice@annexo.test >"$WORK/badtok.flip" 2>&1
  "$PEER" send --port "$core" --header "Route: <sip:abc@127.0.0.1:$core;lr>" MESSAGE \
    sip:alice@annexo.test >"$WORK/badtok.short" 2>&1
  "$PEER" send --port "$core" MESSAGE sip:nobody@annexo.test >"$WORK/badtok.unknown" 2>&1
  wait_ue
  stop_pcscf
  local ok=0
  expect "a token with one changed MAC digit gets 403" grep -q '^STATUS 403' "$WORK/badtok.flip" || ok=1
  expect "a malformed token gets 403" grep -q '^STATUS 403' "$WORK/badtok.short" || ok=1
  expect "refusals logged against 5626-5.3-PC-403-BAD-TOKEN (tampered and malformed)" \
    test "$(grep -c '"verdict":"DENY","req":"5626-5.3-PC-403-BAD-TOKEN"' "$PC_LOG")" -eq 2 || ok=1
  expect "nothing reached the ue" test "$(grep -c '^ue: received' "$UE_OUT")" -eq 0 || ok=1
  expect "an IMPU without registration gets 404" grep -q '^STATUS 404' "$WORK/badtok.unknown" || ok=1
  ((ok == 0)) || { show; cat "$WORK"/badtok.*; }
  return $ok
}

# A REGISTER that already passed another proxy (two Via entries) gets a Path
# with the flow token but without ;ob; one with a single Via and reg-id gets ;ob.
no_ob_if_not_first() {
  start_pcscf noob || return 1
  "$PEER" send --port "$PC_PORT" --tls-ca "$PKI/ca-ec.pem" \
    --header "Via: SIP/2.0/TLS 127.0.0.1:5099;branch=z9hG4bKtwo1;rport" \
    --header "Via: SIP/2.0/TCP 192.0.2.7:5060;branch=z9hG4bKtwo2" \
    --header "From: <sip:alice@annexo.test>;tag=f1" --header "To: <sip:alice@annexo.test>" \
    --header 'Contact: <sip:alice@127.0.0.1:5099;transport=tls;ob>;+sip.instance="<urn:uuid:00000000-0000-4000-8000-000000000001>";reg-id=1' \
    REGISTER sip:annexo.test >"$WORK/noob.two" 2>&1
  "$PEER" send --port "$PC_PORT" --tls-ca "$PKI/ca-ec.pem" \
    --header "From: <sip:alice@annexo.test>;tag=f2" --header "To: <sip:alice@annexo.test>" \
    --header 'Contact: <sip:alice@127.0.0.1:5099;transport=tls;ob>;+sip.instance="<urn:uuid:00000000-0000-4000-8000-000000000001>";reg-id=1' \
    REGISTER sip:annexo.test >"$WORK/noob.one" 2>&1
  "$PEER" send --port "$PC_PORT" --tls-ca "$PKI/ca-ec.pem" \
    --header "From: <sip:alice@annexo.test>;tag=f3" --header "To: <sip:alice@annexo.test>" \
    --header 'Contact: <sip:alice@127.0.0.1:5099;transport=tls>' \
    REGISTER sip:annexo.test >"$WORK/noob.noregid" 2>&1
  stop_pcscf
  local ok=0
  expect "each REGISTER was challenged (forwarded to the home network)" \
    test "$(cat "$WORK"/noob.{two,one,noregid} | grep -c '^STATUS 401')" -eq 3 || ok=1
  expect "two Via + reg-id: Path with a token, no ob (5626-5.1-PC-NO-OB-IF-NOT-FIRST)" \
    grep -Eq '"req":"5626-5.1-PC-NO-OB-IF-NOT-FIRST".*"path":"<sip:[0-9a-f]{32}@127.0.0.1:[0-9]+;lr>","vias":"2","reg_id":"yes","ob":"no"' \
    "$PC_LOG" || ok=1
  expect "one Via + reg-id: Path with ;ob" \
    grep -Eq '"req":"24229-PC-OUTBOUND-PATH".*;lr;ob>","vias":"1","reg_id":"yes","ob":"yes"' "$PC_LOG" || ok=1
  expect "no reg-id: Path with a token, no ob" \
    grep -Eq '"req":"5626-5.1-PC-PATH-FLOW-TOKEN".*"path":"<sip:[0-9a-f]{32}@127.0.0.1:[0-9]+;lr>","vias":"1","reg_id":"no","ob":"no"' \
    "$PC_LOG" || ok=1
  ((ok == 0)) || { tail -30 "$PC_LOG"; cat "$WORK"/noob.*; }
  return $ok
}

# The whole sec-agree variant against the pcscf: unprotected REGISTER over
# plain TCP -> 401 with Security-Server: tls (never ipsec-3gpp, even when
# offered); REGISTER over TLS with Security-Verify echoing it and Digest
# credentials -> 200 and a binding on the TLS connection only.
secagree_register() {
  start_pcscf secagree --secagree-listen 127.0.0.1:0 || return 1
  local plain
  plain=$(side_port 'unprotected sec-agree REGISTER')
  "$PEER" secagree --plain-port "$plain" --tls-port "$PC_PORT" --tls-ca "$PKI/ca-ec.pem" \
    --impi alice@annexo.test --impu sip:alice@annexo.test --password secret \
    --client "ipsec-3gpp;q=0.5;alg=hmac-sha-1-96, tls;q=0.1" --hold 0.5 >"$WORK/secagree.out" 2>&1
  stop_pcscf
  local ok=0
  expect "the unprotected REGISTER got 401 with a Digest challenge" \
    grep -q '^  WWW-Authenticate: Digest' "$WORK/secagree.out" || ok=1
  expect "Security-Server lists exactly tls" grep -qx '  Security-Server: tls' "$WORK/secagree.out" || ok=1
  expect "ipsec-3gpp is never offered with Digest" \
    bash -c "! grep -qi 'Security-Server:.*ipsec' '$WORK/secagree.out'" || ok=1
  expect "the REGISTER over TLS with Security-Verify and credentials got 200" \
    grep -q '^STATUS 200' "$WORK/secagree.out" || ok=1
  expect "the pcscf checked the echo (RFC3329-PC-VERIFY-ECHO allow)" \
    grep -q '"verdict":"ALLOW","req":"RFC3329-PC-VERIFY-ECHO"' "$PC_LOG" || ok=1
  expect "exactly one binding was made, on the TLS connection" \
    test "$(grep -c '"to":"bound"' "$PC_LOG")" -ge 1 || ok=1
  expect "the plain side logged nothing bound (sec-agree decision)" \
    grep -q '"verdict":"ALLOW","req":"O.2-UE-VARIANT-SECAGREE".*"side":"sec-agree"' "$PC_LOG" || ok=1
  ((ok == 0)) || { tail -30 "$PC_LOG"; cat "$WORK/secagree.out"; }
  return $ok
}

# A Security-Verify that is not the list the pcscf sent is a bid-down attempt:
# 494, no Digest exchange, no binding.
secagree_verify_mismatch() {
  start_pcscf mismatch --secagree-listen 127.0.0.1:0 || return 1
  local plain
  plain=$(side_port 'unprotected sec-agree REGISTER')
  "$PEER" secagree --plain-port "$plain" --tls-port "$PC_PORT" --tls-ca "$PKI/ca-ec.pem" \
    --impi alice@annexo.test --impu sip:alice@annexo.test --password secret \
    --verify "ipsec-3gpp;q=0.1" >"$WORK/mismatch.a" 2>&1
  "$PEER" secagree --plain-port "$plain" --tls-port "$PC_PORT" --tls-ca "$PKI/ca-ec.pem" \
    --impi alice@annexo.test --impu sip:alice@annexo.test --password secret \
    --verify "tls;q=0.1, ipsec-3gpp" >"$WORK/mismatch.b" 2>&1
  stop_pcscf
  local ok=0
  expect "Security-Verify: ipsec-3gpp gets 494" grep -q '^STATUS 494' "$WORK/mismatch.a" || ok=1
  expect "a longer Security-Verify gets 494" grep -q '^STATUS 494' "$WORK/mismatch.b" || ok=1
  expect "both refusals logged against RFC3329-PC-VERIFY-ECHO" \
    test "$(grep -c '"verdict":"DENY","req":"RFC3329-PC-VERIFY-ECHO"' "$PC_LOG")" -eq 2 || ok=1
  expect "no binding was made" bash -c "! grep -q '\"to\":\"bound\"' '$PC_LOG'" || ok=1
  ((ok == 0)) || { tail -30 "$PC_LOG"; cat "$WORK"/mismatch.*; }
  return $ok
}

# The plain sec-agree side answers nothing but the sec-agree REGISTER: no tls
# in Security-Client -> 494 (O.3.2 -> 7.3.2.1), any other request -> 403, and a
# Digest response sent in the clear is never checked.
secagree_plain_refusals() {
  start_pcscf plainref --secagree-listen 127.0.0.1:0 || return 1
  local plain
  plain=$(side_port 'unprotected sec-agree REGISTER')
  "$PEER" send --port "$plain" --header "Security-Client: ipsec-3gpp;alg=hmac-sha-1-96" \
    REGISTER sip:annexo.test >"$WORK/plainref.notls" 2>&1
  "$PEER" send --port "$plain" REGISTER sip:annexo.test >"$WORK/plainref.none" 2>&1
  "$PEER" send --port "$plain" MESSAGE sip:bob@annexo.test >"$WORK/plainref.msg" 2>&1
  stop_pcscf
  local ok=0
  expect "Security-Client without tls: 494 with Security-Server: tls" \
    grep -q '^STATUS 494' "$WORK/plainref.notls" || ok=1
  expect "494 names the mechanism the pcscf would accept" \
    grep -qx '  Security-Server: tls' "$WORK/plainref.notls" || ok=1
  expect "no Security-Client at all: 494" grep -q '^STATUS 494' "$WORK/plainref.none" || ok=1
  expect "no challenge without tls" bash -c "! grep -q 'WWW-Authenticate' '$WORK/plainref.notls'" || ok=1
  expect "refusal logged against O.3.2-SECSETUP-ERRORS" \
    grep -q '"verdict":"DENY","req":"O.3.2-SECSETUP-ERRORS"' "$PC_LOG" || ok=1
  expect "a MESSAGE without TLS: 403" grep -q '^STATUS 403' "$WORK/plainref.msg" || ok=1
  ((ok == 0)) || { tail -20 "$PC_LOG"; cat "$WORK"/plainref.*; }
  return $ok
}

# The ue's REGISTER as the pcscf received it: RFC 5626 outbound Contact
# (+sip.instance, reg-id, ob), Supported: outbound, the TS 24.229 lifetime of
# 600 000 s asked for, and the registrar's shorter grant honoured.
ue_outbound_register() {
  start_pcscf outbound || return 1
  run_ue outbound --password secret
  stop_pcscf
  local reg
  reg=$(grep '"msg":"REGISTER from the UE"' "$PC_LOG" | head -1)
  local ok=0
  expect "ue registered (exit 0)" test "$UE_RC" -eq 0 || ok=1
  expect "Contact carries +sip.instance with a urn:uuid" \
    grep -Eq '"contact":"[^"]*;\+sip\.instance=\\"<urn:uuid:[0-9a-f-]{36}>\\"' <<<"$reg" || ok=1
  expect "Contact carries reg-id and the ob URI parameter" \
    grep -Eq '"contact":"<sip:[^>]*;ob>.*;reg-id=1;' <<<"$reg" || ok=1
  expect "Supported lists outbound" grep -Eq '"supported":"[^"]*outbound' <<<"$reg" || ok=1
  expect "the ue asked for 600000 s" grep -Eq '"contact":"<sip:.*;expires=600000","expires"' <<<"$reg" || ok=1
  expect "Expires: 600000" grep -q '"expires":"600000"' <<<"$reg" || ok=1
  expect "TLS-first: no Security-Client and no Security-Verify (no sec-agree mechanism listed)" \
    grep -q '"security_client":"","security_verify":""' <<<"$reg" || ok=1
  expect "the home network granted 600 s" \
    grep -q '"req":"O.2.1-HN-AUTH-UE-DIGEST".*"status":"200".*"expires":"600"' "$PC_LOG" || ok=1
  expect "the ue took the granted 600 s" \
    grep -q '"req":"N.2-UE-VERIFY-RSPAUTH","msg":"rspauth verified","expires":"600"' "$UE_LOG" || ok=1
  ((ok == 0)) || { echo "$reg"; show; }
  return $ok
}

# O.1.1: Annex O authenticates with SIP Digest and nothing else. The pcscf
# refuses AKA credentials on a TLS connection (400, no Digest check, no
# binding); the ue refuses an AKA challenge from a TLS server it trusts.
digest_only() {
  start_pcscf aka || return 1
  "$PEER" send --port "$PC_PORT" --tls-ca "$PKI/ca-ec.pem" \
    --header "From: <sip:alice@annexo.test>;tag=a1" --header "To: <sip:alice@annexo.test>" \
    --header 'Authorization: Digest username="alice@annexo.test", realm="annexo.test", nonce="bm9uY2U=", uri="sip:annexo.test", response="00000000000000000000000000000000", algorithm = AKAv1-MD5' \
    REGISTER sip:annexo.test >"$WORK/aka.pcscf" 2>&1
  stop_pcscf
  local portfile=$WORK/aka.port
  "$PEER" serve --cert "$PKI/pcscf-ec.pem" --key "$PKI/pcscf-ec.key" --port-file "$portfile" \
    --www-authenticate 'Digest realm="annexo.test", nonce="bm9uY2U=", algorithm=AKAv1-MD5, qop="auth"' \
    >"$WORK/aka.server" 2>&1 &
  local srv=$!
  wait_for "$portfile" '[0-9]' || { kill "$srv"; return 1; }
  PC_PORT=$(cat "$portfile")
  run_ue aka --password secret
  kill "$srv" 2>/dev/null
  wait "$srv" 2>/dev/null
  local ok=0
  expect "pcscf answers AKA credentials with 400" grep -q '^STATUS 400' "$WORK/aka.pcscf" || ok=1
  expect "pcscf logs the refusal against O.1.1-ALL-DIGEST-REQUIRED" \
    grep -q '"verdict":"DENY","req":"O.1.1-ALL-DIGEST-REQUIRED"' "$PC_LOG" || ok=1
  expect "pcscf ran no Digest check for it" bash -c "! grep -q 'home network answered' '$PC_LOG'" || ok=1
  expect "the server saw the ue's REGISTER" grep -q '^REQUEST REGISTER' "$WORK/aka.server" || ok=1
  expect "ue refuses the AKA challenge against O.1.1-ALL-DIGEST-REQUIRED" \
    grep -q '"verdict":"DENY","req":"O.1.1-ALL-DIGEST-REQUIRED"' "$UE_LOG" || ok=1
  expect "ue does not register: refused by policy (exit 5)" test "$UE_RC" -eq 5 || ok=1
  expect "ue sent no AKA credentials" bash -c "! grep -qi 'Authorization' '$WORK/aka.server'" || ok=1
  ((ok == 0)) || { show; cat "$WORK"/aka.pcscf "$WORK/aka.server"; echo "ue rc $UE_RC"; }
  return $ok
}

# O.1.2 / O.1.3: what protects the traffic is settled by the TLS handshake only:
# the suite the core chose from the ClientHello is the suite both ends run
# (an AEAD suite: confidentiality and integrity together), and a sec-agree
# 'tls' with cipher-like parameters is never read as one (it is not an echo).
suite_from_handshake() {
  start_pcscf suite --secagree-listen 127.0.0.1:0 || return 1
  run_ue suite --password secret
  local plain
  plain=$(side_port 'unprotected sec-agree REGISTER')
  "$PEER" secagree --plain-port "$plain" --tls-port "$PC_PORT" --tls-ca "$PKI/ca-ec.pem" \
    --impi alice@annexo.test --impu sip:alice@annexo.test --password secret \
    --verify "tls;ealg=aes-cbc;alg=hmac-sha-1-96" >"$WORK/suite.secagree" 2>&1
  stop_pcscf
  local chosen finished ue_suite
  chosen=$(grep '"msg":"ClientHello accepted' "$PC_LOG" | head -1 | grep -o '"chosen_suite":"0x[0-9A-F]*"' | cut -d'"' -f4)
  finished=$(grep '"msg":"handshake finished"' "$PC_LOG" | head -1 | grep -o '"suite":"0x[0-9A-F]*"' | cut -d'"' -f4)
  ue_suite=$(grep '"msg":"TLS session established"' "$UE_LOG" | head -1 | grep -o '"suite":"0x[0-9A-F]*"' | cut -d'"' -f4)
  local ok=0
  expect "ue registered (exit 0)" test "$UE_RC" -eq 0 || ok=1
  expect "a suite was chosen by the core ($chosen)" test -n "$chosen" || ok=1
  expect "the pcscf runs the suite the core chose ($finished)" test "$finished" = "$chosen" || ok=1
  expect "the ue runs the same suite ($ue_suite)" test "$ue_suite" = "$chosen" || ok=1
  expect "the chosen suite is an AEAD one (GCM/CCM/ChaCha20: 0xC02B/C02C/C02F/C030/CCA8/CCA9/C0AC/C0AD)" \
    grep -Eq '^0x(C02B|C02C|C02F|C030|CCA8|CCA9|C0AC|C0AD)$' <<<"$chosen" || ok=1
  expect "Security-Verify with cipher parameters is not an echo of 'tls': 494" \
    grep -q '^STATUS 494' "$WORK/suite.secagree" || ok=1
  ((ok == 0)) || { show; cat "$WORK/suite.secagree"; }
  return $ok
}

# P.3 / N.1: the pcscf classifies every REGISTER. On non-3GPP access (default)
# a TLS REGISTER is "SIP Digest with TLS"; a pcscf serving 3GPP access refuses
# SIP Digest with TLS outright (403), on the TLS and on the sec-agree side.
access_classification() {
  start_pcscf access3 --access-type 3gpp --secagree-listen 127.0.0.1:0 || return 1
  local plain
  plain=$(side_port 'unprotected sec-agree REGISTER')
  run_ue access3 --password secret
  "$PEER" send --port "$plain" --header "Security-Client: tls" REGISTER sip:annexo.test \
    >"$WORK/access3.plain" 2>&1
  stop_pcscf
  local log3=$PC_LOG ue3=$UE_RC
  start_pcscf access0 || return 1
  run_ue access0 --password secret
  stop_pcscf
  local ok=0
  expect "3gpp: the pcscf logs its access type" grep -q '"access_type":"3gpp"' "$log3" || ok=1
  expect "3gpp: the TLS REGISTER is refused against N.1-ALL-NOT-ON-3GPP-ACCESS" \
    grep -q '"verdict":"DENY","req":"N.1-ALL-NOT-ON-3GPP-ACCESS"' "$log3" || ok=1
  expect "3gpp: no Digest exchange, no binding" \
    bash -c "! grep -q 'home network answered\|\"to\":\"bound\"' '$log3'" || ok=1
  expect "3gpp: the ue does not register (exit $ue3)" test "$ue3" -ne 0 || ok=1
  expect "3gpp: the sec-agree REGISTER gets 403" grep -q '^STATUS 403' "$WORK/access3.plain" || ok=1
  expect "non-3gpp: the REGISTER is classified SIP Digest with TLS" \
    grep -q '"msg":"REGISTER from the UE".*"scheme":"SIP Digest with TLS"' "$PC_LOG" || ok=1
  expect "non-3gpp: the ue registers (exit 0)" test "$UE_RC" -eq 0 || ok=1
  ((ok == 0)) || { tail -20 "$log3"; show; cat "$WORK/access3.plain"; }
  return $ok
}

# RFC 5626 5.3: a registered UE's INVITE with 'ob' in its Contact is
# Record-Routed with the same flow token as its Path (in-dialog requests then
# travel over the flow like any token-routed request); without 'ob', or for a
# MESSAGE, there is no Record-Route.
rr_flow_token() {
  start_pcscf rr || return 1
  local reg=(secagree --plain-port 0 --tls-port "$PC_PORT" --tls-ca "$PKI/ca-ec.pem"
    --impi alice@annexo.test --impu sip:alice@annexo.test --password secret)
  "$PEER" "${reg[@]}" --then "INVITE sip:bob@annexo.test" --contact-ob >"$WORK/rr.ob" 2>&1
  "$PEER" "${reg[@]}" --then "INVITE sip:bob@annexo.test" >"$WORK/rr.noob" 2>&1
  "$PEER" "${reg[@]}" --then "MESSAGE sip:bob@annexo.test" --contact-ob >"$WORK/rr.msg" 2>&1
  stop_pcscf
  local path rr
  path=$(logged_path)
  rr=$(grep '^  Record-Route:' "$WORK/rr.ob" | sed 's/^  Record-Route: //')
  local ok=0
  expect "INVITE with ob answered 200" test "$(grep -c '^STATUS 200' "$WORK/rr.ob")" -eq 2 || ok=1
  expect "its 200 carries Record-Route <sip:TOKEN@host:port;lr> (got $rr)" \
    grep -Eq '^<sip:[0-9a-f]{32}@127\.0\.0\.1:[0-9]+;lr>$' <<<"$rr" || ok=1
  expect "the Record-Route token is the connection's Path token ($path)" \
    test "${rr%%@*}" = "${path%%@*}" || ok=1
  expect "decision logged against 5626-5.3-PC-RR-FLOW-TOKEN" \
    test "$(grep -c '"verdict":"ALLOW","req":"5626-5.3-PC-RR-FLOW-TOKEN"' "$PC_LOG")" -eq 1 || ok=1
  expect "INVITE without ob: 200 without Record-Route" \
    bash -c "grep -q '^STATUS 200' '$WORK/rr.noob' && ! grep -q 'Record-Route' '$WORK/rr.noob'" || ok=1
  expect "MESSAGE with ob: no Record-Route (no dialog)" \
    bash -c "grep -q '^STATUS 200' '$WORK/rr.msg' && ! grep -q 'Record-Route' '$WORK/rr.msg'" || ok=1
  ((ok == 0)) || { tail -20 "$PC_LOG"; cat "$WORK"/rr.*; }
  return $ok
}

# TS 24.229 5.2.1: Path goes towards the registrar (shown above) and the
# registrar's Service-Route comes back in the 2xx; the pcscf stores it and
# routes the ue's originating requests by it (the embedded core network
# answers 403 to anything that does not arrive that way).
service_route() {
  start_pcscf sroute || return 1
  run_ue sroute --password secret --message sip:bob@annexo.test
  stop_pcscf
  local ok=0
  expect "ue registered and its MESSAGE got 200 (exit 0)" test "$UE_RC" -eq 0 || ok=1
  expect "the MESSAGE's answer is 200" grep -q '^ue: MESSAGE 200' "$UE_OUT" || ok=1
  expect "the 2xx to REGISTER carried Path and Service-Route" \
    grep -q '"path":"<sip:[0-9a-f]*@127.0.0.1:[0-9]*;lr;ob>","service_route":"<sip:orig@scscf.annexo.test;lr>"' \
    "$UE_LOG" || ok=1
  expect "the pcscf routed the MESSAGE by the stored Service-Route" \
    grep -q '"verdict":"ALLOW","req":"24229-5.2.1-PATH-SUPPORT","msg":"originating request routed by the stored Service-Route".*"route":"<sip:orig@scscf.annexo.test;lr>"' \
    "$PC_LOG" || ok=1
  expect "the core network saw no request off the Service-Route" \
    bash -c "! grep -q 'not routed by the Service-Route' '$PC_LOG'" || ok=1
  ((ok == 0)) || show
  return $ok
}

# The plain listeners are as strict as the TLS side: a message the parser
# refuses gets 400 with the reason and the connection stays; a framing error
# (no Content-Length over a stream) gets its status and the connection closes.
plain_side_malformed() {
  start_pcscf plainbad --secagree-listen 127.0.0.1:0 --core-listen 127.0.0.1:0 || return 1
  local plain core
  plain=$(side_port 'unprotected sec-agree REGISTER')
  core=$(side_port 'terminating requests from the core network')
  local port
  for port in "$plain" "$core"; do
    {
      exec 3<>"/dev/tcp/127.0.0.1/$port"
      printf 'NOT A SIP LINE\r\nContent-Length: 0\r\n\r\n' >&3
      printf 'REGISTER sip:annexo.test SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.0.1:9;branch=z9hG4bKx\r\n\r\n' >&3
      timeout 5 cat <&3
      exec 3>&-
    } >"$WORK/plainbad.$port" 2>&1
  done
  kill -0 "$PC_PID" 2>/dev/null
  local alive=$?
  stop_pcscf
  local ok=0
  for port in "$plain" "$core"; do
    expect "port $port: the unparsable message got 400" \
      grep -q '^SIP/2.0 400 ' "$WORK/plainbad.$port" || ok=1
    expect "port $port: the message without Content-Length got a framing error answer" \
      test "$(grep -c '^SIP/2.0 4' "$WORK/plainbad.$port")" -eq 2 || ok=1
  done
  expect "both refusals logged on each side" \
    test "$(grep -c '"verdict":"DENY","req":"ADP-SIP-\(MALFORMED-400\|STREAM-FRAMING\)".*"side":"\(sec-agree\|core\)"' "$PC_LOG")" -eq 4 || ok=1
  expect "pcscf kept running" test "$alive" -eq 0 || ok=1
  ((ok == 0)) || { tail -12 "$PC_LOG"; cat "$WORK"/plainbad.*; }
  return $ok
}

# Nothing held forever: a sec-agree connection that sends nothing is closed
# after --unbound-idle seconds, like an unbound TLS connection; a terminating
# request the UE leaves unanswered gets 408 towards the core side after
# --transaction-timeout seconds and its transaction is forgotten.
timeouts() {
  start_pcscf timeouts --secagree-listen 127.0.0.1:0 --core-listen 127.0.0.1:0 \
    --unbound-idle 2 --transaction-timeout 2 || return 1
  local plain core
  plain=$(side_port 'unprotected sec-agree REGISTER')
  core=$(side_port 'terminating requests from the core network')
  local t0=$SECONDS
  {
    exec 3<>"/dev/tcp/127.0.0.1/$plain"
    timeout 8 cat <&3
    echo "rc=$?"
    exec 3>&-
  } >"$WORK/timeouts.idle" 2>&1
  local idle_took=$((SECONDS - t0))
  # A registered UE (sip_peer.py, TLS first) that never answers requests.
  "$PEER" secagree --plain-port 0 --tls-port "$PC_PORT" --tls-ca "$PKI/ca-ec.pem" \
    --impi alice@annexo.test --impu sip:alice@annexo.test --password secret --hold 6 \
    >"$WORK/timeouts.ue" 2>&1 &
  local ue=$!
  wait_for "$PC_LOG" '"to":"bound"' || { kill "$ue"; stop_pcscf; return 1; }
  t0=$SECONDS
  "$PEER" send --port "$core" MESSAGE sip:alice@annexo.test >"$WORK/timeouts.msg" 2>&1
  local txn_took=$((SECONDS - t0))
  wait "$ue"
  stop_pcscf
  local ok=0
  expect "the idle sec-agree connection was closed by the pcscf (cat ended: $(tail -1 "$WORK/timeouts.idle"))" \
    grep -qx 'rc=0' "$WORK/timeouts.idle" || ok=1
  expect "after about 2 s (took ${idle_took} s)" test "$idle_took" -ge 1 -a "$idle_took" -le 5 || ok=1
  expect "the close was logged against O.4.2-PC-UNBOUND-IDLE-CLOSE" \
    grep -q '"verdict":"DENY","req":"O.4.2-PC-UNBOUND-IDLE-CLOSE","msg":"idle plain connection closed","side":"sec-agree"' \
    "$PC_LOG" || ok=1
  expect "the unanswered MESSAGE got 408 from the pcscf" grep -q '^STATUS 408' "$WORK/timeouts.msg" || ok=1
  expect "after about 2 s (took ${txn_took} s)" test "$txn_took" -ge 1 -a "$txn_took" -le 5 || ok=1
  expect "the MESSAGE did reach the UE's connection first" \
    grep -q '"msg":"terminating request sent over the UE.s TLS connection"' "$PC_LOG" || ok=1
  ((ok == 0)) || { tail -15 "$PC_LOG"; cat "$WORK"/timeouts.*; }
  return $ok
}

#= spec#24229-PC-OUTBOUND-PATH type=test
#= spec#5626-5.1-PC-PATH-FLOW-TOKEN type=test
#= spec#5626-5.3-PC-FORWARD-OVER-FLOW type=test
#= spec#5626-5.3-PC-430-FLOW-GONE type=test
#= spec#O.2.1-PC-RFC5626-FORWARDING type=test
annexo_case "24229-PC-OUTBOUND-PATH: Path carries the flow token and ob; terminating MESSAGEs reach the ue over its flow, then 430 once it is gone" path_and_delivery
#= spec#5626-5.3-PC-403-BAD-TOKEN type=test
#= spec#5626-5.2-PC-TOKEN-TAMPERPROOF type=test
annexo_case "5626-5.3-PC-403-BAD-TOKEN: tampered and malformed flow tokens from the core side get 403 and reach no ue" bad_tokens
#= spec#5626-5.1-PC-NO-OB-IF-NOT-FIRST type=test
#= spec#5626-5.1-PC-PATH-FLOW-TOKEN type=test
annexo_case "5626-5.1-PC-NO-OB-IF-NOT-FIRST: a REGISTER with two Via entries gets Path without ob; one Via with reg-id gets ob" no_ob_if_not_first
#= spec#O.2-UE-VARIANT-SECAGREE type=test
#= spec#N.1-NO-IPSEC-WITH-DIGEST type=test
#= spec#S.3-SECAGREE-TLS-SELECTS-ANNEX-O type=test
#= spec#RFC3329-PC-VERIFY-ECHO type=test
annexo_case "O.2-UE-VARIANT-SECAGREE: unprotected REGISTER gets 401 with Security-Server: tls only; the TLS REGISTER echoing it registers" secagree_register
#= spec#RFC3329-PC-VERIFY-ECHO type=test
annexo_case "RFC3329-PC-VERIFY-ECHO: a Security-Verify that differs from the Security-Server sent gets 494 and no binding" secagree_verify_mismatch
#= spec#O.3.2-SECSETUP-ERRORS type=test
annexo_case "O.3.2-SECSETUP-ERRORS: the plain sec-agree side refuses Security-Client without tls (494) and every other request (403)" secagree_plain_refusals
#= spec#5626-4.2-UE-INSTANCE-REGID type=test
#= spec#24229-UE-OUTBOUND-CONTACT type=test
#= spec#24229-5.1.1.2-DEFAULT-EXPIRES type=test
#= spec#24229-5.1.1.1-NO-SECMECH-WITHOUT-TLS type=test
annexo_case "5626-4.2-UE-INSTANCE-REGID: the ue's REGISTER carries +sip.instance, reg-id, ob, Supported: outbound and asks for 600000 s" ue_outbound_register
#= spec#O.1.1-ALL-DIGEST-REQUIRED type=test
annexo_case "O.1.1-ALL-DIGEST-REQUIRED: pcscf refuses AKA credentials over TLS (400) and ue refuses an AKA challenge" digest_only
#= spec#O.1.2-ALL-CONF-NEGOTIATED-IN-TLS type=test
#= spec#O.1.3-ALL-INTEG-NEGOTIATED-IN-TLS type=test
annexo_case "O.1.2-ALL-CONF-NEGOTIATED-IN-TLS: the suite the core chose is the one both ends run; no cipher is read from sec-agree" suite_from_handshake
#= spec#P.3-PC-SCHEME-SELECTION type=test
#= spec#N.1-ALL-NOT-ON-3GPP-ACCESS type=test
annexo_case "P.3-PC-SCHEME-SELECTION: REGISTERs are classified SIP Digest with TLS on non-3GPP access and refused on 3GPP access" access_classification
#= spec#5626-5.3-PC-RR-FLOW-TOKEN type=test
annexo_case "5626-5.3-PC-RR-FLOW-TOKEN: a dialog-forming INVITE with ob is Record-Routed with the connection's flow token" rr_flow_token
#= spec#24229-5.2.1-PATH-SUPPORT type=test
annexo_case "24229-5.2.1-PATH-SUPPORT: the registrar's Service-Route is stored by the pcscf and routes the ue's MESSAGE" service_route
#= spec#ADP-SIP-MALFORMED-400 type=test
#= spec#ADP-SIP-STREAM-FRAMING type=test
annexo_case "ADP-SIP-MALFORMED-400: the sec-agree and core-side listeners answer unparsable SIP with 400 and framing errors with their status" plain_side_malformed
#= spec#O.4.2-PC-UNBOUND-IDLE-CLOSE type=test
#= spec#5626-5.3-PC-FORWARD-OVER-FLOW type=test
annexo_case "O.4.2-PC-UNBOUND-IDLE-CLOSE: an idle sec-agree connection is closed, and an unanswered terminating request gets 408" timeouts
annexo_finish
