#!/bin/bash
# Loopback end to end for the P-CSCF's RFC 5626 edge-proxy duties and the
# RFC 3329 sec-agree variant, with the real `pcscf` and `ue` and a scripted
# peer (sip_peer.py) playing the S-CSCF on the core side and hand-written UEs.
# Requirements are asserted on what the peers saw on the wire (sip_peer.py
# prints every response it received; as a TLS server it prints the requests),
# or on what the ue received when the requirement is the pcscf's.
#   flow_secagree_e2e_test.sh PCSCF UE MAKE_PKI TESTLIB SIP_PEER
set -uo pipefail
PCSCF=$(realpath "$1")
UE=$(realpath "$2")
MAKE_PKI=$3
source "$4"
PEER=$(realpath "$5")
E2E_NAME=flow
source "$(dirname "$0")/e2e_lib.sh"

# The Path the pcscf logged for its only REGISTER so far (JSON field "path"):
# an input for the requests the test builds, never the evidence.
logged_path() {
  grep '"path":"<sip:' "$PC_LOG" | head -1 | sed 's/.*"path":"\(<[^"]*>\)".*/\1/'
}

# reply_path OUT: the Path of the 2xx to REGISTER that sip_peer.py printed.
reply_path() {
  sed -n '/^STATUS 200/,/^STATUS/p' "$1" | grep -m1 '^  Path: ' | sed 's/^  Path: //'
}

# register_peer OUT [secagree options...]: a TLS-first registration by
# sip_peer.py as alice (its 2xx printed with Path and Service-Route).
register_peer() {
  local out=$1
  shift
  peer "$out" "$PEER" secagree --plain-port 0 --tls-port "$PC_PORT" --tls-ca "$PKI/ca-ec.pem" \
    --impi alice@annexo.test --impu sip:alice@annexo.test --password secret "$@"
}

# ---------------------------------------------------------------- cases
# TS 24.229's initial REGISTER (RD-226): the Authorization names the IMPI
# with an empty nonce and response. The peer sees a Digest challenge (401,
# not 400), answers it and registers (200), and its MESSAGE is asserted.
initial_empty_authorization() {
  start_pcscf emptyauth || return 1
  register_peer "$WORK/emptyauth.out" --empty-authorization --then "MESSAGE sip:bob@annexo.test"
  stop_pcscf
  local ok=0 out=$WORK/emptyauth.out
  req 24229-5.1.1.2-PC-INITIAL-DIGEST-AUTHORIZATION "the REGISTER with nonce=\"\" and response=\"\" drew 401 with a Digest challenge (first status: $(grep -m1 '^STATUS' "$out"))" \
    bash -c "grep -m1 '^STATUS' '$out' | grep -q '^STATUS 401' && grep -q '^  WWW-Authenticate: Digest' '$out'" || ok=1
  req 24229-5.1.1.2-PC-INITIAL-DIGEST-AUTHORIZATION "the answered challenge registered (200) and the MESSAGE after it was asserted as alice" \
    bash -c "test \$(grep -c '^STATUS 200' '$out') -eq 2 && grep -q '^  P-Asserted-Identity: <sip:alice@annexo.test>' '$out'" || ok=1
  ((ok == 0)) || show
  return $ok
}

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
  peer "$WORK/path.msg1" "$PEER" send --port "$core" MESSAGE sip:alice@annexo.test
  peer "$WORK/path.msg2" "$PEER" send --port "$core" --header "Route: $path" MESSAGE sip:alice@annexo.test
  wait_ue
  # The ue has closed its connection: the flow is gone.
  peer "$WORK/path.msg3" "$PEER" send --port "$core" --header "Route: $path" MESSAGE sip:alice@annexo.test
  peer "$WORK/path.msg4" "$PEER" send --port "$core" MESSAGE sip:alice@annexo.test
  # The Path as a registering client receives it in the registrar's 2xx.
  register_peer "$WORK/path.reg"
  stop_pcscf
  local ok=0 rpath
  rpath=$(reply_path "$WORK/path.reg")
  expect "ue registered and stayed (exit 0)" test "$UE_RC" -eq 0 || ok=1
  req 24229-PC-OUTBOUND-PATH "the 2xx to REGISTER carries Path <sip:TOKEN@core-side;lr;ob> (got $rpath)" \
    grep -Eq "^<sip:[0-9a-f]{32}@127\.0\.0\.1:$core;lr;ob>$" <<<"$rpath" || ok=1
  req 5626-5.1-PC-PATH-FLOW-TOKEN "the Path's user part is a 32-hex flow token (got $rpath)" \
    grep -Eq "^<sip:[0-9a-f]{32}@" <<<"$rpath" || ok=1
  req 5626-5.3-PC-FORWARD-OVER-FLOW "both MESSAGEs from the core side (by the registrar's Path and by Route) were answered 200 by the ue, which only has its own TLS connection, and the ue received both" \
    bash -c "grep -q '^STATUS 200' '$WORK/path.msg1' && grep -q '^STATUS 200' '$WORK/path.msg2' && test \$(grep -c '^ue: received MESSAGE' '$UE_OUT') -eq 2" || ok=1
  req O.2.1-PC-RFC5626-FORWARDING "terminating requests reached the ue over its existing TLS connection (200 from the ue to both)" \
    bash -c "grep -q '^STATUS 200' '$WORK/path.msg1' && grep -q '^STATUS 200' '$WORK/path.msg2'" || ok=1
  expect "the relayed 200 carries no Via of the pcscf (only the peer's own)" \
    test "$(grep -c '^  Via:' "$WORK/path.msg2")" -eq 1 || ok=1
  req 5626-5.3-PC-430-FLOW-GONE "after the ue left: 430 for the Route and for the registrar's Path" \
    bash -c "grep -q '^STATUS 430' '$WORK/path.msg3' && grep -q '^STATUS 430' '$WORK/path.msg4'" || ok=1
  ((ok == 0)) || show
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
  peer "$WORK/badtok.flip" "$PEER" send --port "$core" --header "Route: ${path/$token/$flipped}" \
    MESSAGE sip:alice@annexo.test
  peer "$WORK/badtok.short" "$PEER" send --port "$core" --header "Route: <sip:abc@127.0.0.1:$core;lr>" \
    MESSAGE sip:alice@annexo.test
  peer "$WORK/badtok.unknown" "$PEER" send --port "$core" MESSAGE sip:nobody@annexo.test
  wait_ue
  stop_pcscf
  local ok=0
  req 5626-5.2-PC-TOKEN-TAMPERPROOF "a token with one changed MAC digit is refused with 403" \
    grep -q '^STATUS 403' "$WORK/badtok.flip" || ok=1
  req 5626-5.3-PC-403-BAD-TOKEN "tampered and malformed tokens get 403 and nothing reached the ue" \
    bash -c "grep -q '^STATUS 403' '$WORK/badtok.flip' && grep -q '^STATUS 403' '$WORK/badtok.short' && ! grep -q '^ue: received' '$UE_OUT'" || ok=1
  expect "an IMPU without registration gets 404" grep -q '^STATUS 404' "$WORK/badtok.unknown" || ok=1
  ((ok == 0)) || show
  return $ok
}

# A REGISTER that already passed another proxy (two Via entries) gets a Path
# with the flow token but without ;ob; one with a single Via and reg-id gets ;ob.
no_ob_if_not_first() {
  start_pcscf noob || return 1
  register_peer "$WORK/noob.two" \
    --header "Via: SIP/2.0/TLS 127.0.0.1:5099;branch={branch};rport" \
    --header "Via: SIP/2.0/TCP 192.0.2.7:5060;branch={branch}"
  register_peer "$WORK/noob.one"
  register_peer "$WORK/noob.noregid" --contact '<sip:alice@127.0.0.1:5099;transport=tls>;expires=600'
  stop_pcscf
  local ok=0 two one noregid
  two=$(reply_path "$WORK/noob.two")
  one=$(reply_path "$WORK/noob.one")
  noregid=$(reply_path "$WORK/noob.noregid")
  req 5626-5.1-PC-NO-OB-IF-NOT-FIRST "two Via + reg-id: the 2xx's Path has the token and no ;ob (got $two)" \
    grep -Eq '^<sip:[0-9a-f]{32}@127.0.0.1:[0-9]+;lr>$' <<<"$two" || ok=1
  req 5626-5.1-PC-NO-OB-IF-NOT-FIRST "one Via + reg-id: the 2xx's Path has ;ob (got $one)" \
    grep -Eq '^<sip:[0-9a-f]{32}@127.0.0.1:[0-9]+;lr;ob>$' <<<"$one" || ok=1
  req 5626-5.1-PC-PATH-FLOW-TOKEN "no reg-id: the 2xx's Path has the token, no ;ob (got $noregid)" \
    grep -Eq '^<sip:[0-9a-f]{32}@127.0.0.1:[0-9]+;lr>$' <<<"$noregid" || ok=1
  ((ok == 0)) || show
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
  peer "$WORK/secagree.out" "$PEER" secagree --plain-port "$plain" --tls-port "$PC_PORT" \
    --tls-ca "$PKI/ca-ec.pem" --impi alice@annexo.test --impu sip:alice@annexo.test --password secret \
    --client "ipsec-3gpp;q=0.5;alg=hmac-sha-1-96, tls;q=0.1" --then "MESSAGE sip:bob@annexo.test"
  stop_pcscf
  local ok=0 out=$WORK/secagree.out
  req O.2-UE-VARIANT-SECAGREE "plain REGISTER -> 401 with a Digest challenge and Security-Server: tls; the credentials over TLS with Security-Verify -> 200, and the MESSAGE after it is asserted" \
    bash -c "grep -q '^  WWW-Authenticate: Digest' '$out' && grep -qx '  Security-Server: tls' '$out' && test \$(grep -c '^STATUS 200' '$out') -eq 2 && grep -q '^  P-Asserted-Identity: <sip:alice@annexo.test>' '$out'" || ok=1
  req N.1-NO-IPSEC-WITH-DIGEST "ipsec-3gpp offered by the client is never in the Security-Server of the Digest challenge" \
    bash -c "grep -q '^  Security-Server:' '$out' && ! grep -qi 'Security-Server:.*ipsec' '$out'" || ok=1
  req S.3-SECAGREE-TLS-SELECTS-ANNEX-O "the mechanism the pcscf names is exactly 'tls'" \
    grep -qx '  Security-Server: tls' "$out" || ok=1
  req RFC3329-PC-VERIFY-ECHO "the Security-Verify echoing Security-Server was accepted (200 over TLS)" \
    bash -c "sed -n '/^STATUS 401/,\$p' '$out' | grep -q '^STATUS 200'" || ok=1
  ((ok == 0)) || show
  return $ok
}

# RD-370: pcscf --next-hop --secagree-listen in front of a scripted S-CSCF
# (sip_peer.py scscf). The unprotected REGISTER is forwarded (no Path, no
# credentials), the S-CSCF's 401 reaches the UE with Security-Server: tls
# added; the REGISTER over TLS with Security-Verify is forwarded marked
# integrity-protected="tls-pending" with the flow's Path, and its 200 reaches
# the UE. The MESSAGE after it is forwarded too. None of the three carries
# the UE's sec-agree fields (RD-381), while the UE's other Require tag stays.
# Then Security-Client without tls is answered 494 by the pcscf, nothing
# forwarded. Evidence: what the S-CSCF and the UE received.
# no_sec_agree FILE: one request as sip_peer.py scscf printed it carries
# none of the UE's sec-agree fields (RD-381) but the UE's other Require tag.
no_sec_agree() {
  grep -q '^REQUEST ' "$1" &&
    ! grep -qiE '^  (Security-Client|Security-Verify|Proxy-Require):' "$1" &&
    ! grep -iE '^  Require:' "$1" | grep -qi 'sec-agree' &&
    grep -qix '  Require: x-annexo' "$1"
}

secagree_next_hop() {
  local sc=$WORK/fwd.scscf port
  bg_peer "$sc" "$PEER" scscf --port-file "$WORK/fwd.scscf.port" --requests 4
  wait_file "$WORK/fwd.scscf.port" || { show; return 1; }
  port=$(cat "$WORK/fwd.scscf.port")
  start_pcscf fwd --secagree-listen 127.0.0.1:0 --core-listen 127.0.0.1:0 \
    --next-hop "127.0.0.1:$port" || return 1
  local plain
  plain=$(side_port 'unprotected sec-agree REGISTER')
  peer "$WORK/fwd.ue" "$PEER" secagree --plain-port "$plain" --tls-port "$PC_PORT" \
    --tls-ca "$PKI/ca-ec.pem" --impi alice@annexo.test --impu sip:alice@annexo.test --password secret \
    --client "ipsec-3gpp;q=0.5;alg=hmac-sha-1-96, tls;q=0.1" --require x-annexo \
    --then "MESSAGE sip:bob@annexo.test"
  # A Digest response sent in the clear: never forwarded, so challenged again.
  peer "$WORK/fwd.clear" "$PEER" send --port "$plain" --header "Security-Client: tls" \
    --header 'Authorization: Digest username="alice@annexo.test", realm="annexo.test", uri="sip:annexo.test", nonce="00", response="0123456789abcdef0123456789abcdef"' \
    --header "Contact: <sip:user@127.0.0.1:5060;transport=tcp>" REGISTER sip:annexo.test
  peer "$WORK/fwd.494" "$PEER" secagree --plain-port "$plain" --tls-port "$PC_PORT" \
    --tls-ca "$PKI/ca-ec.pem" --impi alice@annexo.test --impu sip:alice@annexo.test --password secret \
    --client "ipsec-3gpp;alg=hmac-sha-1-96"
  wait_peer  # the S-CSCF (bg_peer above; peer runs in the foreground)
  stop_pcscf
  local ok=0 ue=$WORK/fwd.ue
  # The S-CSCF's requests: REGISTER unprotected, REGISTER over TLS, the
  # MESSAGE, REGISTER unprotected with credentials.
  awk '/^REQUEST/{n++} n==1' "$sc" >"$WORK/fwd.first"
  awk '/^REQUEST/{n++} n==2' "$sc" >"$WORK/fwd.second"
  awk '/^REQUEST/{n++} n==3' "$sc" >"$WORK/fwd.message"
  awk '/^REQUEST/{n++} n==4' "$sc" >"$WORK/fwd.third"
  req O.2-UE-VARIANT-SECAGREE "the unprotected REGISTER reached the S-CSCF (no Path) and its 401 reached the UE with the Digest challenge and Security-Server: tls" \
    bash -c "grep -q '^REQUEST REGISTER' '$WORK/fwd.first' && ! grep -q '^  Path:' '$WORK/fwd.first' && sed -n '/^STATUS 401/,/^STATUS/p' '$ue' | grep -q '^  WWW-Authenticate: Digest' && sed -n '/^STATUS 401/,/^STATUS/p' '$ue' | grep -qx '  Security-Server: tls'" || ok=1
  req N.1-NO-IPSEC-WITH-DIGEST "ipsec-3gpp offered by the client is not in the Security-Server of the relayed 401" \
    bash -c "grep -q '^  Security-Server:' '$ue' && ! grep -qi 'Security-Server:.*ipsec' '$ue'" || ok=1
  req O.2-PC-INTEGRITY-PROTECTED-PARAM "the REGISTER over TLS (the UE's Via TLS) reached the S-CSCF with the flow's Path and integrity-protected=\"tls-pending\"" \
    bash -c "grep -q '^  Via: SIP/2.0/TLS ' '$WORK/fwd.second' && grep -q '^  Path: <sip:.*;lr;transport=tcp;ob>' '$WORK/fwd.second' && grep -q '^  Authorization: Digest .*integrity-protected=\"tls-pending\"' '$WORK/fwd.second'" || ok=1
  req RFC3329-PC-VERIFY-ECHO "the Security-Verify echoing the relayed Security-Server registered (200 over TLS)" \
    bash -c "sed -n '/^STATUS 401/,\$p' '$ue' | grep -q '^STATUS 200'" || ok=1
  req O.2.2-PC-ASSOC-ONLY-ON-AUTH-CONN "a Digest response sent on the plain connection reached the S-CSCF without its Authorization, so it was challenged (401), not registered" \
    bash -c "grep -q '^REQUEST REGISTER' '$WORK/fwd.third' && ! grep -q '^  Authorization:' '$WORK/fwd.third' && grep -q '^STATUS 401' '$WORK/fwd.clear' && ! grep -q '^STATUS 200' '$WORK/fwd.clear'" || ok=1
  req O.3.2-SECSETUP-ERRORS "Security-Client without tls: 494 with Security-Server: tls from the pcscf, nothing more forwarded" \
    bash -c "grep -q '^STATUS 494' '$WORK/fwd.494' && grep -qx '  Security-Server: tls' '$WORK/fwd.494' && test \$(grep -c '^REQUEST' '$sc') -eq 4" || ok=1
  local f
  for f in first second message; do
    req 24229-5.2.2-PC-REMOVE-SECAGREE "the forwarded $(head -1 "$WORK/fwd.$f" | cut -d' ' -f2) ($f) carries no Security-Client, Security-Verify, Proxy-Require (only sec-agree was in it) or sec-agree tag, and keeps Require: x-annexo" \
      no_sec_agree "$WORK/fwd.$f" || ok=1
  done
  ((ok == 0)) || show
  return $ok
}

# A Security-Verify that is not the list the pcscf sent is a bid-down attempt:
# 494, no Digest exchange, no binding.
secagree_verify_mismatch() {
  start_pcscf mismatch --secagree-listen 127.0.0.1:0 || return 1
  local plain
  plain=$(side_port 'unprotected sec-agree REGISTER')
  peer "$WORK/mismatch.a" "$PEER" secagree --plain-port "$plain" --tls-port "$PC_PORT" \
    --tls-ca "$PKI/ca-ec.pem" --impi alice@annexo.test --impu sip:alice@annexo.test --password secret \
    --verify "ipsec-3gpp;q=0.1"
  peer "$WORK/mismatch.b" "$PEER" secagree --plain-port "$plain" --tls-port "$PC_PORT" \
    --tls-ca "$PKI/ca-ec.pem" --impi alice@annexo.test --impu sip:alice@annexo.test --password secret \
    --verify "tls;q=0.1, ipsec-3gpp"
  stop_pcscf
  local ok=0
  req RFC3329-PC-VERIFY-ECHO "Security-Verify: ipsec-3gpp gets 494, no 200" \
    bash -c "grep -q '^STATUS 494' '$WORK/mismatch.a' && ! grep -q '^STATUS 200' '$WORK/mismatch.a'" || ok=1
  req RFC3329-PC-VERIFY-ECHO "a longer Security-Verify gets 494, no 200" \
    bash -c "grep -q '^STATUS 494' '$WORK/mismatch.b' && ! grep -q '^STATUS 200' '$WORK/mismatch.b'" || ok=1
  expect "no binding was made (pcscf log)" bash -c "! grep -q '\"to\":\"bound\"' '$PC_LOG'" || ok=1
  ((ok == 0)) || show
  return $ok
}

# The plain sec-agree side answers nothing but the sec-agree REGISTER: no tls
# in Security-Client -> 494 (O.3.2 -> 7.3.2.1), any other request -> 403, and a
# Digest response sent in the clear is never checked.
secagree_plain_refusals() {
  start_pcscf plainref --secagree-listen 127.0.0.1:0 || return 1
  local plain
  plain=$(side_port 'unprotected sec-agree REGISTER')
  peer "$WORK/plainref.notls" "$PEER" send --port "$plain" \
    --header "Security-Client: ipsec-3gpp;alg=hmac-sha-1-96" REGISTER sip:annexo.test
  peer "$WORK/plainref.none" "$PEER" send --port "$plain" REGISTER sip:annexo.test
  peer "$WORK/plainref.msg" "$PEER" send --port "$plain" MESSAGE sip:bob@annexo.test
  stop_pcscf
  local ok=0
  req O.3.2-SECSETUP-ERRORS "Security-Client without tls: 494 naming tls in Security-Server, no challenge" \
    bash -c "grep -q '^STATUS 494' '$WORK/plainref.notls' && grep -qx '  Security-Server: tls' '$WORK/plainref.notls' && ! grep -q 'WWW-Authenticate' '$WORK/plainref.notls'" || ok=1
  req O.3.2-SECSETUP-ERRORS "no Security-Client at all: 494" grep -q '^STATUS 494' "$WORK/plainref.none" || ok=1
  expect "a MESSAGE without TLS: 403" grep -q '^STATUS 403' "$WORK/plainref.msg" || ok=1
  ((ok == 0)) || show
  return $ok
}

# The ue's REGISTERs as a scripted P-CSCF received them (401, then 403 to the
# credentials): RFC 5626 outbound Contact (+sip.instance, reg-id, ob),
# Supported: outbound, the TS 24.229 lifetime of 600 000 s asked for, and no
# sec-agree header in TLS-first.
ue_outbound_register() {
  serve_ue outbound "$PKI/pcscf-ec.pem" "$PKI/pcscf-ec.key" --requests 2 --statuses 401,403 \
    -- --password secret
  local reg=$WORK/outbound.reg
  # The headers of the first REGISTER the server received.
  sed -n '/^REQUEST REGISTER/,/^REQUEST/p' "$SERVE_OUT" | sed '1d; /^REQUEST/,$d' >"$reg"
  local ok=0
  req 5626-4.2-UE-INSTANCE-REGID "the REGISTER's Contact carries +sip.instance with a urn:uuid and reg-id" \
    bash -c "grep -Eq '^  Contact: .*;\+sip\.instance=\"<urn:uuid:[0-9a-f-]{36}>\"' '$reg' && grep -Eq '^  Contact: .*;reg-id=1' '$reg'" || ok=1
  req 24229-UE-OUTBOUND-CONTACT "Contact URI has ;ob, +sip.instance and reg-id; Supported lists outbound" \
    bash -c "grep -Eq '^  Contact: <sip:[^>]*;ob>.*\+sip\.instance=.*;reg-id=1' '$reg' && grep -Eiq '^  Supported: .*outbound' '$reg'" || ok=1
  req 24229-5.1.1.2-DEFAULT-EXPIRES "the initial REGISTER asks for 600000 s (Contact expires and Expires)" \
    bash -c "grep -Eq '^  Contact: .*;expires=600000' '$reg' && grep -qx '  Expires: 600000' '$reg'" || ok=1
  req 24229-5.1.1.1-NO-SECMECH-WITHOUT-TLS "TLS-first: neither REGISTER carries Security-Client or Security-Verify" \
    bash -c "grep -q '^REQUEST REGISTER' '$SERVE_OUT' && ! grep -Eiq '^  Security-(Client|Verify):' '$SERVE_OUT'" || ok=1
  ((ok == 0)) || { cat "$reg"; show; }
  return $ok
}

# O.1.1: Annex O authenticates with SIP Digest and nothing else. The pcscf
# refuses AKA credentials on a TLS connection (400); the ue, challenged with
# AKA by a TLS server it trusts, sends no credentials and closes.
digest_only() {
  start_pcscf aka || return 1
  peer "$WORK/aka.pcscf" "$PEER" send --port "$PC_PORT" --tls-ca "$PKI/ca-ec.pem" \
    --header "From: <sip:alice@annexo.test>;tag=a1" --header "To: <sip:alice@annexo.test>" \
    --header 'Authorization: Digest username="alice@annexo.test", realm="annexo.test", nonce="bm9uY2U=", uri="sip:annexo.test", response="00000000000000000000000000000000", algorithm = AKAv1-MD5' \
    REGISTER sip:annexo.test
  stop_pcscf
  serve_ue aka "$PKI/pcscf-ec.pem" "$PKI/pcscf-ec.key" --requests 1 \
    --www-authenticate 'Digest realm="annexo.test", nonce="bm9uY2U=", algorithm=AKAv1-MD5, qop="auth"' \
    -- --password secret
  local ok=0
  req O.1.1-ALL-DIGEST-REQUIRED "the pcscf answers AKA credentials over TLS with 400" \
    grep -q '^STATUS 400' "$WORK/aka.pcscf" || ok=1
  req O.1.1-ALL-DIGEST-REQUIRED "challenged with AKAv1-MD5, the ue sent one REGISTER, no credentials, then closed" \
    bash -c "test \$(grep -c '^REQUEST REGISTER' '$SERVE_OUT') -eq 1 && ! grep -qi '^  Authorization' '$SERVE_OUT' && closed_by_peer '$SERVE_OUT'" || ok=1
  expect "ue does not register: refused by policy (exit 5)" test "$UE_RC" -eq 5 || ok=1
  ((ok == 0)) || show
  return $ok
}

# O.1.2 / O.1.3: what protects the traffic is settled by the TLS handshake
# only: a third-party client (openssl s_client) sees an AEAD suite in the
# ServerHello and SIP flows under it; a sec-agree 'tls' with cipher-like
# parameters is never read as one (it is not an echo: 494).
suite_from_handshake() {
  start_pcscf suite --secagree-listen 127.0.0.1:0 || return 1
  local plain
  plain=$(side_port 'unprotected sec-agree REGISTER')
  printf 'OPTIONS sip:x@annexo.test SIP/2.0\r\nVia: SIP/2.0/TLS 127.0.0.1:5999;branch=z9hG4bKsuite1\r\nMax-Forwards: 70\r\nFrom: <sip:x@annexo.test>;tag=s1\r\nTo: <sip:x@annexo.test>\r\nCall-ID: suite-1\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n' \
    >"$WORK/suite.req"
  S_OPTS=(-servername pcscf.test -CAfile "$PKI/ca-ec.pem")
  s_dialog "$WORK/suite.sclient" "wait:1:^New, TLSv1.2, Cipher is " "send:$WORK/suite.req" "wait:1:^SIP/2.0 "
  peer "$WORK/suite.secagree" "$PEER" secagree --plain-port "$plain" --tls-port "$PC_PORT" \
    --tls-ca "$PKI/ca-ec.pem" --impi alice@annexo.test --impu sip:alice@annexo.test --password secret \
    --verify "tls;ealg=aes-cbc;alg=hmac-sha-1-96"
  stop_pcscf
  local ok=0 cipher
  cipher=$(sed -n 's/^New, TLSv1.2, Cipher is //p' "$WORK/suite.sclient")
  req O.1.2-ALL-CONF-NEGOTIATED-IN-TLS "the ServerHello names an AEAD suite ($cipher), SIP is answered under it, and cipher parameters in Security-Verify get 494" \
    bash -c "grep -Eq 'GCM|CHACHA20|CCM' <<<'$cipher' && grep -q '^SIP/2.0 ' '$WORK/suite.sclient' && grep -q '^STATUS 494' '$WORK/suite.secagree'" || ok=1
  req O.1.3-ALL-INTEG-NEGOTIATED-IN-TLS "integrity comes from the negotiated AEAD suite ($cipher) alone; a sec-agree alg= is refused (494)" \
    bash -c "grep -Eq 'GCM|CHACHA20|CCM' <<<'$cipher' && grep -q '^STATUS 494' '$WORK/suite.secagree'" || ok=1
  ((ok == 0)) || show
  return $ok
}

# P.3 / N.1: the pcscf classifies every REGISTER. On non-3GPP access (default)
# a TLS REGISTER is "SIP Digest with TLS" and registers; a pcscf serving 3GPP
# access refuses SIP Digest with TLS outright (403), on the TLS and on the
# sec-agree side.
access_classification() {
  start_pcscf access3 --access-type 3gpp --secagree-listen 127.0.0.1:0 || return 1
  local plain
  plain=$(side_port 'unprotected sec-agree REGISTER')
  register_peer "$WORK/access3.tls"
  peer "$WORK/access3.plain" "$PEER" send --port "$plain" --header "Security-Client: tls" \
    REGISTER sip:annexo.test
  stop_pcscf
  local log3=$PC_LOG
  start_pcscf access0 || return 1
  register_peer "$WORK/access0.tls"
  stop_pcscf
  local ok=0
  expect "3gpp: the pcscf logs its access type" grep -q '"access_type":"3gpp"' "$log3" || ok=1
  req N.1-ALL-NOT-ON-3GPP-ACCESS "3gpp: the TLS REGISTER gets 403 (no challenge, no 200) and the sec-agree REGISTER gets 403" \
    bash -c "grep -q '^STATUS 403' '$WORK/access3.tls' && ! grep -q '^STATUS \(401\|200\)' '$WORK/access3.tls' && grep -q '^STATUS 403' '$WORK/access3.plain'" || ok=1
  req P.3-PC-SCHEME-SELECTION "non-3gpp: SIP Digest with TLS is selected (401 with Digest, then 200); 3gpp: refused (403)" \
    bash -c "grep -q '^  WWW-Authenticate: Digest' '$WORK/access0.tls' && grep -q '^STATUS 200' '$WORK/access0.tls' && grep -q '^STATUS 403' '$WORK/access3.tls'" || ok=1
  ((ok == 0)) || show
  return $ok
}

# RFC 5626 5.3: a registered UE's INVITE with 'ob' in its Contact is
# Record-Routed with the same flow token as its Path (in-dialog requests then
# travel over the flow like any token-routed request); the 200 shows the UE
# the entry with the pcscf's TLS address (RD-200); without 'ob', or for a
# MESSAGE, or when the pcscf is not the first hop (two Vias: annexo's
# condition, IMPL-PC-RR-FIRST-HOP-ONLY, RD-391), there is no Record-Route.
rr_flow_token() {
  start_pcscf rr || return 1
  register_peer "$WORK/rr.ob" --then "INVITE sip:bob@annexo.test" --contact-ob
  register_peer "$WORK/rr.noob" --then "INVITE sip:bob@annexo.test"
  register_peer "$WORK/rr.msg" --then "MESSAGE sip:bob@annexo.test" --contact-ob
  # Not the first hop (RD-391): a second Via below the UE's own.
  register_peer "$WORK/rr.twovia" --then "INVITE sip:bob@annexo.test" --contact-ob \
    --then-via "SIP/2.0/TLS 192.0.2.7:5061;branch=z9hG4bKdownstream1"
  # An in-dialog request (To tag) goes without the Service-Route (RD-200) and
  # the embedded core answers it.
  register_peer "$WORK/rr.indialog" --then "BYE sip:bob@annexo.test" --to-tag
  stop_pcscf
  local path rr
  path=$(reply_path "$WORK/rr.ob")
  rr=$(grep '^  Record-Route:' "$WORK/rr.ob" | sed 's/^  Record-Route: //')
  local ok=0
  expect "INVITE with ob answered 200" test "$(grep -c '^STATUS 200' "$WORK/rr.ob")" -eq 2 || ok=1
  expect "in-dialog BYE answered 200 by the embedded core" test "$(grep -c '^STATUS 200' "$WORK/rr.indialog")" -eq 2 || ok=1
  req 5626-5.3-PC-RR-FLOW-TOKEN "the INVITE's 200 carries Record-Route <sip:TOKEN@tls-host:port;lr;transport=tls> with the token of the connection's Path (rr $rr, path $path)" \
    bash -c "grep -Eq '^<sip:[0-9a-f]{32}@127\.0\.0\.1:$PC_PORT;lr;transport=tls>$' <<<'$rr' && test '${rr%%@*}' = '${path%%@*}'" || ok=1
  req 5626-5.3-PC-RR-FLOW-TOKEN "INVITE without ob, and MESSAGE with ob: 200 without Record-Route" \
    bash -c "grep -q '^STATUS 200' '$WORK/rr.noob' && ! grep -q 'Record-Route' '$WORK/rr.noob' && grep -q '^STATUS 200' '$WORK/rr.msg' && ! grep -q 'Record-Route' '$WORK/rr.msg'" || ok=1
  req IMPL-PC-RR-FIRST-HOP-ONLY "INVITE with ob arriving with two Vias (the pcscf not its first hop): 200 without Record-Route" \
    bash -c "test \$(grep -c '^STATUS 200' '$WORK/rr.twovia') -eq 2 && ! grep -q 'Record-Route' '$WORK/rr.twovia'" || ok=1
  ((ok == 0)) || show
  return $ok
}

# TS 24.229 5.2.1: Path goes towards the registrar (shown above) and the
# registrar's Service-Route comes back in the 2xx; the pcscf stores it and
# routes the ue's originating requests by it (the embedded core network
# answers 403 to anything that does not arrive that way).
service_route() {
  start_pcscf sroute || return 1
  register_peer "$WORK/sroute.out" --then "MESSAGE sip:bob@annexo.test"
  stop_pcscf
  local ok=0 out=$WORK/sroute.out
  req 24229-5.2.1-PATH-SUPPORT "the 2xx to REGISTER carries Path and Service-Route, and the MESSAGE sent without Route is answered 200 by the core (which refuses what does not come by the Service-Route)" \
    bash -c "sed -n '/^STATUS 200/,\$p' '$out' | grep -q '^  Path: <sip:[0-9a-f]*@127.0.0.1:[0-9]*;lr;ob>' && grep -qx '  Service-Route: <sip:orig@scscf.annexo.test;lr>' '$out' && test \$(grep -c '^STATUS 200' '$out') -eq 2" || ok=1
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
      # cat ends (exit 0) when the pcscf closes the connection; 124 after the budget.
      timeout "$E2E_BUDGET" cat <&3
      echo "rc=$?"
      exec 3>&-
    } >"$WORK/plainbad.$port" 2>&1
    LOGS+=("$WORK/plainbad.$port")
  done
  kill -0 "$PC_PID" 2>/dev/null
  local alive=$?
  stop_pcscf
  local ok=0
  for port in "$plain" "$core"; do
    req ADP-SIP-MALFORMED-400 "port $port: the unparsable message got 400" \
      grep -q '^SIP/2.0 400 ' "$WORK/plainbad.$port" || ok=1
    req ADP-SIP-STREAM-FRAMING "port $port: the message without Content-Length got a 4xx, then the pcscf closed the connection" \
      bash -c "test \$(grep -c '^SIP/2.0 4' '$WORK/plainbad.$port') -eq 2 && grep -qx 'rc=0' '$WORK/plainbad.$port'" || ok=1
  done
  expect "pcscf kept running" test "$alive" -eq 0 || ok=1
  ((ok == 0)) || show
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
  peer "$WORK/timeouts.idle" "$PEER" connect --port "$plain" --watch 15
  # A registered UE (sip_peer.py, TLS first) that never answers requests.
  bg_peer "$WORK/timeouts.ue" "$PEER" secagree --plain-port 0 --tls-port "$PC_PORT" \
    --tls-ca "$PKI/ca-ec.pem" --impi alice@annexo.test --impu sip:alice@annexo.test --password secret \
    --hold 8
  wait_for "$WORK/timeouts.ue" '^STATUS 200' || { show; return 1; }
  local t0=$SECONDS
  peer "$WORK/timeouts.msg" "$PEER" send --port "$core" MESSAGE sip:alice@annexo.test
  local txn_took=$((SECONDS - t0))
  wait_peer
  stop_pcscf
  local ok=0 took
  took=$(sed -n 's/^CLOSE [a-z_]* \([0-9.]*\)$/\1/p' "$WORK/timeouts.idle")
  req O.4.2-PC-UNBOUND-IDLE-CLOSE "the idle sec-agree client saw the pcscf close the connection (FIN) after 1-8 s (took ${took:-never}), nothing ESTABLISHED left" \
    bash -c "closed_by_peer '$WORK/timeouts.idle' eof && awk -v t='${took:-0}' 'BEGIN { exit !(t >= 1 && t <= 8) }'" || ok=1
  expect "the unanswered MESSAGE got 408 from the pcscf" grep -q '^STATUS 408' "$WORK/timeouts.msg" || ok=1
  expect "after about 2 s (took ${txn_took} s)" test "$txn_took" -ge 1 -a "$txn_took" -le 8 || ok=1
  ((ok == 0)) || show
  return $ok
}

#= spec#24229-PC-OUTBOUND-PATH type=test
#= spec#5626-5.1-PC-PATH-FLOW-TOKEN type=test
#= spec#5626-5.3-PC-FORWARD-OVER-FLOW type=test
#= spec#5626-5.3-PC-430-FLOW-GONE type=test
#= spec#O.2.1-PC-RFC5626-FORWARDING type=test
#= spec#24229-5.1.1.2-PC-INITIAL-DIGEST-AUTHORIZATION type=test
annexo_case "24229-5.1.1.2-PC-INITIAL-DIGEST-AUTHORIZATION: a REGISTER whose Authorization has the IMPI and an empty nonce and response is challenged (401, not 400) and then registers" initial_empty_authorization
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
#= spec#O.2-UE-VARIANT-SECAGREE type=test
#= spec#N.1-NO-IPSEC-WITH-DIGEST type=test
#= spec#O.2-PC-INTEGRITY-PROTECTED-PARAM type=test
#= spec#RFC3329-PC-VERIFY-ECHO type=test
#= spec#O.2.2-PC-ASSOC-ONLY-ON-AUTH-CONN type=test
#= spec#O.3.2-SECSETUP-ERRORS type=test
#= spec#24229-5.2.2-PC-REMOVE-SECAGREE type=test
annexo_case "O.2-UE-VARIANT-SECAGREE: with --next-hop the unprotected REGISTER is forwarded, the S-CSCF's 401 relayed with Security-Server: tls, the TLS REGISTER forwarded tls-pending and registered" secagree_next_hop
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
#= spec#IMPL-PC-RR-FIRST-HOP-ONLY type=test
annexo_case "5626-5.3-PC-RR-FLOW-TOKEN: a dialog-forming INVITE with ob is Record-Routed with the connection's flow token (only as its first hop)" rr_flow_token
#= spec#24229-5.2.1-PATH-SUPPORT type=test
annexo_case "24229-5.2.1-PATH-SUPPORT: the registrar's Service-Route is stored by the pcscf and routes the ue's MESSAGE" service_route
#= spec#ADP-SIP-MALFORMED-400 type=test
#= spec#ADP-SIP-STREAM-FRAMING type=test
annexo_case "ADP-SIP-MALFORMED-400: the sec-agree and core-side listeners answer unparsable SIP with 400 and framing errors with their status" plain_side_malformed
#= spec#O.4.2-PC-UNBOUND-IDLE-CLOSE type=test
annexo_case "O.4.2-PC-UNBOUND-IDLE-CLOSE: an idle sec-agree connection is closed, and an unanswered terminating request gets 408" timeouts
annexo_finish
