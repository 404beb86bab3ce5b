#!/bin/bash
# Loopback end to end: the real `ue` registers with the real `pcscf` over TLS
# with SIP Digest, on 127.0.0.1 only. Every pcscf this test starts listens on
# a port the kernel picks (--listen 127.0.0.1:0) and is stopped by its PID.
#   loopback_e2e_test.sh PCSCF UE MAKE_PKI TESTLIB
set -uo pipefail
PCSCF=$(realpath "$1")
UE=$(realpath "$2")
MAKE_PKI=$3
source "$4"

source "$(dirname "$0")/e2e_lib.sh"

# ---------------------------------------------------------------- cases
# 33310-6.1.1: RSA- and ECDSA-signed chains are both supported end to end.
rsa_chain() {
  start_pcscf rsa --cert "$PKI/pcscf-rsa.pem" --key "$PKI/pcscf-rsa.key" || return 1
  run_ue rsa --password secret --ca "$PKI/ca-rsa.pem"
  stop_pcscf
  local ok=0
  expect "ue registers over an RSA-2048 chain (exit 0)" test "$UE_RC" -eq 0 || ok=1
  expect "ue accepted the RSA certificate by policy" \
    grep -q '"verdict":"ALLOW","req":"O.2.1-UE-AUTH-PC-BY-CERT"' "$UE_LOG" || ok=1
  ((ok == 0)) || show
  return $ok
}

# O.2.1: without --listen the P-CSCF accepts TLS on port 5061 (on loopback here).
default_port_5061() {
  if ss -ltn 2>/dev/null | grep -q ':5061 '; then
    echo "port 5061 is taken on this machine; cannot check the default"
    return 1
  fi
  PC_LOG=$WORK/port5061.pcscf.log
  "$PCSCF" --cert "$PKI/pcscf-ec.pem" --key "$PKI/pcscf-ec.key" \
    --users "$WORK/users" --log-format json 2>"$PC_LOG" >"$WORK/port5061.pcscf.out" &
  PC_PID=$!
  PIDS+=("$PC_PID")
  local i
  for i in $(seq 1 100); do
    grep -q '"req":"O.2.1-PC-PORT"' "$PC_LOG" 2>/dev/null && break
    sleep 0.05
  done
  PC_PORT=5061
  run_ue port5061 --password secret
  stop_pcscf
  local ok=0
  expect "pcscf logs its default listen address 127.0.0.1:5061" \
    grep -q '"req":"O.2.1-PC-PORT".*"listen":"127.0.0.1:5061"' "$PC_LOG" || ok=1
  expect "ue registers on port 5061 (exit 0)" test "$UE_RC" -eq 0 || ok=1
  ((ok == 0)) || show
  return $ok
}

register_once() {
  start_pcscf register || return 1
  run_ue register --password secret
  stop_pcscf
  local ok=0
  expect "ue exit 0" test "$UE_RC" -eq 0 || ok=1
  expect "REGISTERED line" grep -q '^ue: REGISTERED sip:alice@annexo.test' "$UE_OUT" || ok=1
  expect "pcscf created the binding" grep -q '"req":"O.2.2-PC-ASSOC-CREATE"' "$PC_LOG" || ok=1
  expect "ue accepted the certificate by policy" \
    grep -q '"verdict":"ALLOW","req":"O.2.1-UE-AUTH-PC-BY-CERT"' "$UE_LOG" || ok=1
  expect "no CertificateRequest seen by the UE" \
    grep -q '"verdict":"ALLOW","req":"O.2.1-PC-NO-CLIENT-CERT-REQ"' "$UE_LOG" || ok=1
  expect "rspauth verified" grep -q '"verdict":"ALLOW","req":"N.2-UE-VERIFY-RSPAUTH"' "$UE_LOG" || ok=1
  expect "ue's core reader accepted the ServerHello" \
    grep -q '"verdict":"ALLOW","req":"O.1.2-PC-DECIDES-SUITE"' "$UE_LOG" || ok=1
  # The Session ID the UE saw is the one the binding was created with.
  local sid
  sid=$(grep -o 'session_id=[0-9a-f]*' "$UE_OUT" | head -1 | cut -d= -f2)
  expect "binding carries the UE's Session ID $sid" \
    grep -q "\"req\":\"O.2.2-PC-ASSOC-CREATE\".*\"session_id\":\"$sid\"" "$PC_LOG" || ok=1
  ((ok == 0)) || show
  return $ok
}

binding_dump() {
  start_pcscf dump || return 1
  bg_ue dump --password secret --stay 3
  local i
  for i in $(seq 1 100); do
    grep -q '"req":"O.2.2-PC-ASSOC-CREATE"' "$PC_LOG" && break
    sleep 0.05
  done
  kill -USR1 "$PC_PID"
  sleep 0.3
  wait_ue
  stop_pcscf
  local out=$WORK/dump.pcscf.out ok=0
  expect "dump lists alice's binding" grep -q '"impi":"alice@annexo.test"' "$out" || ok=1
  expect "dump lists both IMPUs" grep -q '"impus":\["sip:alice@annexo.test","tel:+15551234"\]' "$out" || ok=1
  local sid
  sid=$(grep -o '"session_id":"[0-9a-f]*"' "$out" | head -1 | cut -d'"' -f4)
  expect "dump shows a 32-byte Session ID" test "${#sid}" -eq 64 || ok=1
  ((ok == 0)) || { show; cat "$out"; }
  return $ok
}

rereg_same_session() {
  start_pcscf rereg || return 1
  run_ue rereg --password secret --stay 4 --expires 4
  stop_pcscf
  local ok=0
  expect "ue exit 0" test "$UE_RC" -eq 0 || ok=1
  expect "ue re-registered over the session" \
    grep -q '"req":"O.4.3-UE-REREG-OVER-ACTIVE-SESSION"' "$UE_LOG" || ok=1
  expect "pcscf forwarded the re-REGISTER as protected (tls-yes)" \
    grep -q '"verdict":"ALLOW","req":"O.4.3-PC-REREG-ON-BOUND-SESSION"' "$PC_LOG" || ok=1
  expect "home network saw integrity-protected=tls-yes" \
    grep -q '"integrity_protected":"tls-yes"' "$PC_LOG" || ok=1
  expect "one TCP/TLS connection only" test "$(grep -c '"msg":"handshake finished"' "$PC_LOG")" -eq 1 || ok=1
  ((ok == 0)) || show
  return $ok
}

reneg_replaces_session() {
  start_pcscf reneg --session-lifetime 2 || return 1
  bg_ue reneg --password secret --stay 4 --expires 60
  local i
  for i in $(seq 1 200); do
    grep -q '"req":"O.4.2-PC-REPLACE-SESSION-ID"' "$PC_LOG" && break
    sleep 0.05
  done
  kill -USR1 "$PC_PID"
  sleep 0.3
  wait_ue
  stop_pcscf
  local ok=0 line old new dumped
  line=$(grep '"req":"O.4.2-PC-REPLACE-SESSION-ID"' "$PC_LOG" | head -1)
  new=$(grep -o '"session_id":"[0-9a-f]*"' <<<"$line" | cut -d'"' -f4)
  old=$(grep -o '"old_session_id":"[0-9a-f]*"' <<<"$line" | cut -d'"' -f4)
  dumped=$(grep -o '"session_id":"[0-9a-f]*"' "$WORK/reneg.pcscf.out" | head -1 | cut -d'"' -f4)
  expect "ue exit 0" test "$UE_RC" -eq 0 || ok=1
  expect "pcscf sent HelloRequest when the lifetime ended" \
    grep -q '"req":"O.4.2-PC-MAY-RENEGOTIATE"' "$PC_LOG" || ok=1
  expect "new Session ID differs from the old one" test -n "$new" -a -n "$old" -a "$new" != "$old" || ok=1
  expect "binding table holds the new Session ID ($dumped)" test "$dumped" = "$new" || ok=1
  expect "ue renegotiated inside the connection" grep -q '"req":"O.4.1-UE-RENEG-INSIDE-CONN"' "$UE_LOG" || ok=1
  expect "one TCP connection" test "$(grep -c '"msg":"handshake finished"' "$PC_LOG")" -eq 1 || ok=1
  ((ok == 0)) || show
  return $ok
}

other_port_refused() {
  start_pcscf tuple || return 1
  bg_ue tuple --password secret --stay 3
  local i
  for i in $(seq 1 100); do
    grep -q '"req":"O.2.2-PC-ASSOC-CREATE"' "$PC_LOG" && break
    sleep 0.05
  done
  # A second connection from another source port: it first saves its session
  # (-sess_out), a third offers that Session ID again (-sess_in). The P-CSCF
  # resumes nothing, so no session is ever shared with another port, and a
  # request there finds no binding: 403, no asserted identity.
  local msg=$WORK/message.txt
  printf 'MESSAGE sip:bob@annexo.test SIP/2.0\r\nVia: SIP/2.0/TLS 127.0.0.1:5999;branch=z9hG4bKother1\r\nMax-Forwards: 70\r\nFrom: <sip:alice@annexo.test>;tag=x1\r\nTo: <sip:bob@annexo.test>\r\nCall-ID: other-port-1\r\nCSeq: 1 MESSAGE\r\nP-Preferred-Identity: <sip:alice@annexo.test>\r\nContent-Length: 0\r\n\r\n' >"$msg"
  (sleep 0.5) | timeout 5 openssl s_client -connect "127.0.0.1:$PC_PORT" -tls1_2 -no_ticket \
    -sess_out "$WORK/sess.pem" -quiet -nocommands >/dev/null 2>&1
  (cat "$msg"; sleep 1) | timeout 5 openssl s_client -connect "127.0.0.1:$PC_PORT" -tls1_2 \
    -no_ticket -sess_in "$WORK/sess.pem" -nocommands >"$WORK/other.out" 2>&1
  wait_ue
  stop_pcscf
  local ok=0
  expect "ue stayed registered" test "$UE_RC" -eq 0 || ok=1
  expect "no resumption on the other port" grep -q '^New, TLSv1.2' "$WORK/other.out" || ok=1
  expect "request on the other port answered 403" grep -q '^SIP/2.0 403' "$WORK/other.out" || ok=1
  expect "no P-Asserted-Identity handed out" bash -c "! grep -q 'P-Asserted-Identity' '$WORK/other.out'" || ok=1
  expect "pcscf logged the refusal" \
    grep -q '"verdict":"DENY","req":"O.2.2-PC-UNBOUND-NO-ASSERT"' "$PC_LOG" || ok=1
  ((ok == 0)) || { show; cat "$WORK/other.out"; }
  return $ok
}

wrong_password() {
  start_pcscf wrongpw || return 1
  run_ue wrongpw --password not-the-secret
  stop_pcscf
  local ok=0
  expect "ue exit 4" test "$UE_RC" -eq 4 || ok=1
  expect "verdict names O.3.1.1-UE-CLOSE-ON-AUTH-FAIL" \
    grep -q '^ue: REFUSED O.3.1.1-UE-CLOSE-ON-AUTH-FAIL' "$UE_OUT" || ok=1
  expect "pcscf closed on the auth failure" \
    grep -q '"req":"O.3.1.1-PC-CLOSE-ON-AUTH-FAIL".*"to":"closed"' "$PC_LOG" || ok=1
  expect "no binding was created" bash -c "! grep -q 'O.2.2-PC-ASSOC-CREATE' '$PC_LOG'" || ok=1
  ((ok == 0)) || show
  return $ok
}

bad_certificate() {  # cert-name
  start_pcscf "cert-$1" --cert "$PKI/$1.pem" --key "$PKI/$1.key" 2>/dev/null || return 1
  run_ue "cert-$1" --password secret
  stop_pcscf
  local ok=0
  expect "ue exit 2" test "$UE_RC" -eq 2 || ok=1
  expect "one verdict line" test "$(grep -c '^ue: REFUSED' "$UE_OUT")" -eq 1 || ok=1
  expect "no SIP reached the pcscf" bash -c "! grep -q 'REGISTER from the UE' '$PC_LOG'" || ok=1
  expect "pcscf saw the UE's alert" grep -q '"msg":"TLS alert received"' "$PC_LOG" || ok=1
  ((ok == 0)) || show
  return $ok
}

chain_with_root() {
  start_pcscf chainroot --cert "$PKI/pcscf-ec-chain.pem" || return 1
  run_ue chainroot --password secret
  stop_pcscf
  local ok=0
  expect "ue exit 0 with the stored root sent in the chain" test "$UE_RC" -eq 0 || ok=1
  ((ok == 0)) || show
  return $ok
}

# 33310-6.1: an extension the profile does not know, marked critical, makes the
# certificate unacceptable (the good certificates carry critical
# basicConstraints and keyUsage, which every other case shows are processed).
critical_extension() {
  bad_certificate critext || return 1
  expect "the ue's path check found the unknown critical extension" \
    grep -q '"path":"Unknown critical extension encountered"' "$UE_LOG" || { show; return 1; }
}

# O.5.1: no restriction on the issuer name of a CA: a CA with an arbitrary DN
# that the ue trusts is as good as any other.
odd_issuer() {
  start_pcscf odd --cert "$PKI/pcscf-odd.pem" --key "$PKI/pcscf-odd.key" || return 1
  run_ue odd --password secret --ca "$PKI/ca-odd.pem"
  stop_pcscf
  local ok=0
  expect "ue registers through a CA named C=ZZ/O=Nobody In Particular/... (exit 0)" \
    test "$UE_RC" -eq 0 || ok=1
  ((ok == 0)) || show
  return $ok
}

access_3gpp() {
  start_pcscf access || return 1
  run_ue access --password secret --access 3gpp
  stop_pcscf
  local ok=0
  expect "ue exit 5" test "$UE_RC" -eq 5 || ok=1
  expect "verdict names O.1.1-ALL-NOT-ON-3GPP-ACCESS" \
    grep -q '^ue: REFUSED O.1.1-ALL-NOT-ON-3GPP-ACCESS' "$UE_OUT" || ok=1
  expect "no connection was made" bash -c "! grep -q 'handshake' '$PC_LOG'" || ok=1
  ((ok == 0)) || show
  return $ok
}

network_error() {
  # A port nobody listens on: let a pcscf bind one, then stop it.
  start_pcscf neterr || return 1
  stop_pcscf
  run_ue neterr --password secret
  expect "ue exit 6 (got $UE_RC)" test "$UE_RC" -eq 6
}

usage_error() {
  "$UE" >/dev/null 2>&1
  local a=$?
  "$UE" --pcscf 127.0.0.1:1 --pcscf-fqdn x --ca /dev/null --impi a --impu b --password p --password q \
    >/dev/null 2>&1
  local b=$?
  "$PCSCF" --listen nonsense >/dev/null 2>&1
  local c=$?
  expect "ue without options exits 1 ($a)" test "$a" -eq 1 &&
    expect "ue with two passwords exits 1 ($b)" test "$b" -eq 1 &&
    expect "pcscf with a bad --listen exits 1 ($c)" test "$c" -eq 1
}

asserted_identity() {  # preferred-identity expected-asserted
  start_pcscf "pai-${2//[^a-z]/}" || return 1
  run_ue "pai-${2//[^a-z]/}" --password secret --message sip:bob@annexo.test --preferred-identity "$1"
  stop_pcscf
  local ok=0
  expect "ue exit 0" test "$UE_RC" -eq 0 || ok=1
  expect "MESSAGE answered with P-Asserted-Identity <$2>" grep -q "^ue: MESSAGE 200 asserted=<$2>$" "$UE_OUT" || ok=1
  expect "pcscf logged the asserted identity" \
    grep -q "\"req\":\"O.2.2-PC-ASSERT-FROM-ASSOC\".*\"asserted\":\"$2\"" "$PC_LOG" || ok=1
  ((ok == 0)) || show
  return $ok
}

crlf_keepalive() {
  start_pcscf crlf || return 1
  (printf '\r\n\r\n'; sleep 1) |
    timeout 10 openssl s_client -connect "127.0.0.1:$PC_PORT" -tls1_2 -quiet -nocommands \
      >"$WORK/crlf.out" 2>/dev/null
  stop_pcscf
  local ok=0 got
  got=$(od -An -c "$WORK/crlf.out" | tr -d ' ')
  expect "exactly one CRLF pong came back (got '$got')" test "$got" = '\r\n' || ok=1
  expect "pcscf logged the pong" grep -q '"verdict":"ALLOW","req":"5626-5.4-PC-CRLF-PONG"' "$PC_LOG" || ok=1
  ((ok == 0)) || tail -5 "$PC_LOG"
  return $ok
}

unbound_idle_close() {
  start_pcscf idle --unbound-idle 2 || return 1
  # Two connections: one that never registers, one ue that stays registered.
  bg_ue idle --password secret --stay 5
  sleep 8 | timeout 10 openssl s_client -connect "127.0.0.1:$PC_PORT" -tls1_2 -quiet -nocommands \
    >"$WORK/idle.out" 2>&1 &
  local client=$! t0=$SECONDS i
  for i in $(seq 1 120); do
    grep -q '"msg":"timer".*"from":"unbound","to":"closed"' "$PC_LOG" && break
    sleep 0.05
  done
  local took=$((SECONDS - t0))
  kill "$client" 2>/dev/null
  wait "$client" 2>/dev/null
  wait_ue
  stop_pcscf
  local ok=0
  expect "the idle client was closed by the pcscf within 2-4 s (took ${took}s)" test "$took" -le 5 || ok=1
  expect "pcscf logged the idle close" \
    grep -q '"req":"O.4.2-PC-HANDSHAKE-GATE","msg":"timer".*"from":"unbound","to":"closed"' "$PC_LOG" || ok=1
  expect "the bound ue stayed registered (exit 0)" test "$UE_RC" -eq 0 || ok=1
  expect "only one connection was closed by the idle timer" \
    test "$(grep -c '"msg":"timer".*"to":"closed"' "$PC_LOG")" -eq 1 || ok=1
  ((ok == 0)) || show
  return $ok
}

ue_keepalive() {
  # RD-78: with --keepalive-interval 3 (no Flow-Timer from the pcscf) the ue
  # pings at [3 - 3/5, 3] = exactly 3 s; the next ping is armed only when the
  # pong of the previous one came back (core/ue_logic.h), so three pings in a
  # 12 s stay prove the first two pongs were received and accepted.
  start_pcscf keepalive || return 1
  run_ue keepalive --password secret --stay 12 --keepalive-interval 3
  stop_pcscf
  local ok=0 pings pongs ue_pongs gaps
  pings=$(grep -c '"verdict":"ALLOW","req":"5626-4.4.1-UE-KEEPALIVE","msg":"send_keepalive"' "$UE_LOG")
  ue_pongs=$(grep -c '"req":"5626-4.4.1-UE-KEEPALIVE","msg":"CRLF pong received' "$UE_LOG")
  pongs=$(grep -c '"verdict":"ALLOW","req":"5626-5.4-PC-CRLF-PONG","msg":"CRLF keep-alive"' "$PC_LOG")
  # Seconds between consecutive pings (log timestamps have 1 s resolution).
  gaps=$(grep '"msg":"send_keepalive"' "$UE_LOG" | sed -n 's/.*"ts":"[^"]*T\([0-9:]*\)Z".*/\1/p' |
    awk -F: '{ t = $1 * 3600 + $2 * 60 + $3; if (NR > 1) printf "%d ", t - p; p = t }')
  expect "ue stayed registered and exited 0 ($UE_RC)" test "$UE_RC" -eq 0 || ok=1
  expect "ue logged the configured interval 3-3 s" \
    grep -q '"req":"5626-4.4.1-UE-KEEPALIVE","msg":"keep-alive interval configured.*"min_s":"3","max_s":"3"' "$UE_LOG" || ok=1
  expect "ue sent at least 3 CRLF pings in 12 s ($pings)" test "$pings" -ge 3 || ok=1
  expect "pcscf answered every ping with a pong ($pongs for $pings)" test "$pongs" -eq "$pings" || ok=1
  expect "ue received the pongs ($ue_pongs for $pings pings)" test "$ue_pongs" -ge $((pings - 1)) || ok=1
  local g
  for g in $gaps; do
    expect "pings 2-4 s apart (gaps: $gaps)" test "$g" -ge 2 -a "$g" -le 4 || ok=1
  done
  expect "no keep-alive or pong-timeout refusal in the ue log" \
    bash -c '! grep -q "\"verdict\":\"DENY\",\"req\":\"5626-4.4.1-UE-" "$0"' "$UE_LOG" || ok=1
  expect "no re-registration: one TLS connection for the whole stay" \
    test "$(grep -c '"msg":"open_tls"' "$UE_LOG")" -eq 1 || ok=1
  ((ok == 0)) || { show; tail -8 "$PC_LOG"; }
  return $ok
}

keepalive_interval_usage() {
  local v rc ok=0
  for v in 0 121 -3 x; do
    "$UE" --pcscf 127.0.0.1:1 --pcscf-fqdn x --ca /dev/null --impi a --impu b --password p \
      --keepalive-interval "$v" >/dev/null 2>"$WORK/kai.err"
    rc=$?
    expect "--keepalive-interval $v exits 1 ($rc)" test "$rc" -eq 1 || ok=1
    expect "--keepalive-interval $v names the requirement" grep -q '5626-4.4.1-UE-KEEPALIVE, RD-78' "$WORK/kai.err" || ok=1
  done
  return $ok
}

malformed_sip() {
  start_pcscf malformed || return 1
  # A request without Via/From/To/Call-ID/CSeq: 400 naming the field, the
  # connection stays; then a message without Content-Length: 400 and close.
  printf 'OPTIONS sip:x@annexo.test SIP/2.0\r\nContent-Length: 0\r\n\r\n' >"$WORK/bad1.txt"
  printf 'OPTIONS sip:x@annexo.test SIP/2.0\r\nVia: SIP/2.0/TLS h;branch=z9hG4bK1\r\n\r\n' >"$WORK/bad2.txt"
  (cat "$WORK/bad1.txt"; sleep 0.5; cat "$WORK/bad2.txt"; sleep 1) |
    timeout 10 openssl s_client -connect "127.0.0.1:$PC_PORT" -tls1_2 -quiet -nocommands \
      >"$WORK/malformed.out" 2>&1
  local alive=0
  kill -0 "$PC_PID" 2>/dev/null || alive=1
  stop_pcscf
  local ok=0
  expect "pcscf still running" test "$alive" -eq 0 || ok=1
  expect "two 400 answers" test "$(grep -c '^SIP/2.0 400 ' "$WORK/malformed.out")" -eq 2 || ok=1
  expect "parse error logged" grep -q '"verdict":"DENY","req":"ADP-SIP-MALFORMED-400"' "$PC_LOG" || ok=1
  expect "framing error logged" grep -q '"verdict":"DENY","req":"ADP-SIP-STREAM-FRAMING"' "$PC_LOG" || ok=1
  ((ok == 0)) || { tail -5 "$PC_LOG"; cat "$WORK/malformed.out"; }
  return $ok
}

#= spec#O.2.2-PC-ASSOC-CREATE type=test
#= spec#O.2.1-UE-AUTH-PC-BY-CERT type=test
#= spec#N.2-UE-VERIFY-RSPAUTH type=test
annexo_case "O.2.2-PC-ASSOC-CREATE: ue registers with pcscf on loopback; the binding carries the UE's Session ID" register_once
#= spec#O.2.2-PC-ASSOC-IMPU-SET type=test
#= spec#ADP-PCSCF-DECISION-LOG type=test
annexo_case "O.2.2-PC-ASSOC-IMPU-SET: SIGUSR1 dumps the binding (IMPI, IMPUs, Session ID) of a registered ue" binding_dump
#= spec#O.4.3-UE-REREG-OVER-ACTIVE-SESSION type=test
#= spec#24229-5.1.1.4.1-REREG-OVER-TLS type=test
#= spec#O.4.3-PC-REREG-ON-BOUND-SESSION type=test
annexo_case "O.4.3-UE-REREG-OVER-ACTIVE-SESSION: ue re-registers over the same TLS session, pcscf marks it tls-yes" rereg_same_session
#= spec#O.4.2-PC-REPLACE-SESSION-ID type=test
#= spec#O.2.1-ALL-RENEG-PER-O4 type=test
#= spec#O.4.2-PC-MAY-RENEGOTIATE type=test
#= spec#O.4.1-UE-RENEG-INSIDE-CONN type=test
annexo_case "O.4.2-PC-REPLACE-SESSION-ID: renegotiation after a short lifetime replaces the Session ID in the binding" reneg_replaces_session
#= spec#O.2.2-PC-MATCH-FULL-TUPLE type=test
#= spec#N.2-PC-IP-ASSOC-CHECK type=test
#= spec#O.2.2-PC-UNBOUND-NO-ASSERT type=test
annexo_case "O.2.2-PC-MATCH-FULL-TUPLE: a request from another port offering the session again is refused (403, no resumption)" other_port_refused
#= spec#O.3.1.1-PC-CLOSE-ON-AUTH-FAIL type=test
#= spec#O.3.1.1-UE-CLOSE-ON-AUTH-FAIL type=test
annexo_case "O.3.1.1-PC-CLOSE-ON-AUTH-FAIL: a wrong password closes the connection, ue exits 4" wrong_password
#= spec#O.5.2-UE-BINARY-NAME-MATCH type=test
annexo_case "O.5.2-UE-BINARY-NAME-MATCH: ue refuses a pcscf certificate for another host (exit 2)" bad_certificate wronghost
#= spec#O.3.1.2-UE-ALERT-ON-CERT-FAIL type=test
annexo_case "O.3.1.2-UE-ALERT-ON-CERT-FAIL: ue refuses an expired pcscf certificate with an alert (exit 2)" bad_certificate expired
#= spec#O.5.2-UE-CHAIN-TO-TRUSTED-ROOT type=test
annexo_case "O.5.2-UE-CHAIN-TO-TRUSTED-ROOT: ue refuses a self-signed pcscf certificate (exit 2)" bad_certificate selfsigned
#= spec#O.5.2-ROOT-USUALLY-OMITTED type=test
annexo_case "O.5.2-ROOT-USUALLY-OMITTED: ue accepts a pcscf chain that includes the stored root itself" chain_with_root
#= spec#33310-6.1-CRITICAL-EXT type=test
annexo_case "33310-6.1-CRITICAL-EXT: ue refuses a pcscf certificate with an unknown critical extension (exit 2)" critical_extension
#= spec#O.5.1-CA-NO-ISSUER-RESTRICTION type=test
annexo_case "O.5.1-CA-NO-ISSUER-RESTRICTION: ue accepts a chain from a trusted CA with an arbitrary issuer DN" odd_issuer
#= spec#O.1.1-ALL-NOT-ON-3GPP-ACCESS type=test
annexo_case "O.1.1-ALL-NOT-ON-3GPP-ACCESS: ue --access 3gpp refuses Annex O before connecting (exit 5)" access_3gpp
#= spec#ADP-UE-EXIT-CODES type=test
annexo_case "ADP-UE-EXIT-CODES: ue exits 6 when nothing listens" network_error
#= spec#ADP-UE-EXIT-CODES type=test
annexo_case "ADP-UE-EXIT-CODES: usage errors exit 1 (ue and pcscf)" usage_error
#= spec#O.2.2-PC-ASSERT-FROM-ASSOC type=test
annexo_case "O.2.2-PC-ASSERT-FROM-ASSOC: a preferred identity in the bound set is the one asserted" asserted_identity tel:+15551234 tel:+15551234
#= spec#O.2.2-PC-ASSERT-FROM-ASSOC type=test
annexo_case "O.2.2-PC-ASSERT-FROM-ASSOC: a preferred identity outside the bound set is replaced by the default IMPU" asserted_identity sip:mallory@annexo.test sip:alice@annexo.test
#= spec#5626-5.4-PC-CRLF-PONG type=test
annexo_case "5626-5.4-PC-CRLF-PONG: pcscf answers a double-CRLF ping with a single CRLF" crlf_keepalive
#= spec#5626-4.4.1-UE-KEEPALIVE type=test
#= spec#5626-5.4-PC-CRLF-PONG type=test
annexo_case "5626-4.4.1-UE-KEEPALIVE: ue --keepalive-interval 3 pings every 3 s while registered and pcscf answers each with a pong" ue_keepalive
#= spec#5626-4.4.1-UE-KEEPALIVE type=test
annexo_case "5626-4.4.1-UE-KEEPALIVE: ue refuses a --keepalive-interval outside 1-120 s (exit 1)" keepalive_interval_usage
#= spec#O.4.2-PC-UNBOUND-IDLE-CLOSE type=test
annexo_case "O.4.2-PC-UNBOUND-IDLE-CLOSE: pcscf closes a TLS connection left unbound for --unbound-idle seconds, not a bound one" unbound_idle_close
#= spec#ADP-SIP-MALFORMED-400 type=test
annexo_case "ADP-SIP-MALFORMED-400: pcscf answers malformed SIP over TLS with 400 naming the defect and keeps running" malformed_sip
#= spec#O.2.1-PC-PORT type=test
annexo_case "O.2.1-PC-PORT: pcscf accepts TLS on port 5061 by default, or on the port given with --listen" default_port_5061
#= spec#33310-6.1.1-SIGALG type=test
annexo_case "33310-6.1.1-SIGALG: ue registers over an RSA-signed chain as over the ECDSA one of the other cases" rsa_chain
annexo_finish
