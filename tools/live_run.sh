#!/usr/bin/env bash
# One live loopback registration for the conformance report (tools/annexo report).
#
#   tools/live_run.sh OUTFILE RUN_ID
#
# Builds nothing: expects bazel-bin/adapters/pcscf/pcscf and
# bazel-bin/adapters/ue/ue (tools/annexo builds them first). Generates a test
# PKI in a temporary directory (tests/pki/make_pki.sh), starts `pcscf` on a
# free loopback port (127.0.0.1, port chosen by the kernel), lets `ue`
# register and stay, stops every pcscf by its PID, and writes OUTFILE as
#   {"run_id": RUN_ID, "started": <epoch s>, "description": "...", "passed": bool,
#    "stacks": ["botan", "openssl"],
#    "checks": [{"id": "<requirement ID>", "stack": "botan|openssl", "passed": bool,
#                "observed": "...", "counted": bool, "observed_at": "..."}]}
# (read by tools/report/evidence.cc read_live, which refuses a file whose
# run_id is not the one tools/annexo generated for its run). "observed"
# quotes the line or says what was missing.
#
# Evidence rule: a check counts ("counted": true) only when it is observed at
# a peer -- what the other program or a scripted peer actually received
# (a header value, a Session ID, a message, a status), or an exit code for the
# exit-code requirement. A line in which the program under test (or the core
# it shares with its peer) reports its own decision is NOT evidence: such
# checks are still run and a failure still fails the run, but they are
# written with "counted": false and the report lists them as not counted.
#
# Issue 14: the runs below are made once per TLS stack, both programs on the
# same one (pcscf and ue --tls-stack STACK): botan (Botan 2.19, TLS 1.2) and
# openssl (OpenSSL 3, TLS 1.3 between them); ANNEXO_LIVE_STACKS (default
# "botan openssl") picks them. Every check names its stack ("stack") and
# OUTFILE lists the stacks run ("stacks"), so the report says which stack
# each live result came from. At TLS 1.3 there is no renegotiation (RFC 8446,
# RD-117): run B's refresh is KeyUpdate(update_requested), checked at the
# ue for O.4.2-PC-MAY-RENEGOTIATE (its TLS 1.3 observable) and the
# renegotiation-only checks are not made; the TLS 1.3 session handle is the
# RD-116 exporter value, not a Session ID, so O.2.1-PC-NONEMPTY-SESSION-ID is
# checked on botan only (decision RD-301).
#
# Runs, each against its own pcscf:
#   A  registration (RFC 5626 outbound Contact; Path with the flow token;
#      Service-Route), a MESSAGE whose asserted identity comes from the binding,
#      a terminating MESSAGE from the core side delivered over the UE's flow
#      (tests/adapters/sip_peer.py plays the S-CSCF), then re-registration over
#      the same TLS session (ue --expires 4 --stay 4: re-REGISTER after 2 s)
#   B  renegotiation after a short TLS session lifetime (pcscf
#      --session-lifetime 2, ue --stay 4); kept apart from A so that the
#      P-CSCF's HelloRequest and the UE's re-REGISTER cannot cross
#   C  a wrong password: the P-CSCF closes the connection (O.3.1.1), seen by
#      a scripted TLS peer (EOF after its 403) as well as in the logs
#   D  forward mode (issue 12), when Kamailio is installed: pcscf --next-hop
#      in front of Kamailio as the S-CSCF (tests/interop/kamailio/scscf.cfg);
#      the ue registers through it; Kamailio's location table (kamcmd
#      ul.dump) must hold the Path with the flow token, and the REGISTER
#      Kamailio logged must carry integrity-protected="tls-pending". Without
#      kamailio on PATH the run is skipped and the description says so.
# Exit status: 0 when every check passed, 1 otherwise.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:?usage: tools/live_run.sh OUTFILE RUN_ID}"
run_id="${2:?usage: tools/live_run.sh OUTFILE RUN_ID}"
started="$(date +%s)"
rm -f "${out}"
mkdir -p "$(dirname "${out}")"
PCSCF="${root}/bazel-bin/adapters/pcscf/pcscf"
UE="${root}/bazel-bin/adapters/ue/ue"
read -r -a stacks <<<"${ANNEXO_LIVE_STACKS:-botan openssl}"
# The stack of the run under way: every check is tagged with it.
stack=""

json_escape() {
  local s=$1
  s=${s//\\/\\\\}
  s=${s//\"/\\\"}
  s=${s//$'\t'/\\t}
  s=${s//$'\r'/\\r}
  s=${s//$'\n'/\\n}
  # Any other control character becomes a space.
  s=$(printf '%s' "$s" | tr '\000-\037' ' ')
  printf '%s' "$s"
}

checks=()
all_passed=true
# check ID PASSED(true|false) OBSERVED [PEER]: with PEER (where it was
# observed: the other program, a scripted peer, an exit code) the check counts
# as evidence; without, it is the program's own report and does not.
check() {
  local counted=false at="a decision log line of annexo's own code (not evidence)"
  if [[ -n "${4:-}" ]]; then
    counted=true
    at="$4"
  fi
  [[ "$2" == true ]] || all_passed=false
  checks+=("{\"id\": \"$(json_escape "$1")\", \"stack\": \"$(json_escape "${stack}")\", \"passed\": $2, \"observed\": \"$(json_escape "$3")\", \"counted\": ${counted}, \"observed_at\": \"$(json_escape "${at}")\"}")
}

write_out() {
  local description=$1 i sep=""
  {
    printf '{\n  "run_id": "%s",\n  "started": %s,\n  "description": "%s",\n  "passed": %s,\n  "stacks": [%s],\n  "checks": [' \
      "$(json_escape "${run_id}")" "${started}" "$(json_escape "${description}")" "${all_passed}" \
      "$(printf '"%s",' "${stacks[@]}" | sed 's/,$//')"
    for i in "${checks[@]}"; do
      printf '%s\n    %s' "${sep}" "${i}"
      sep=","
    done
    printf '\n  ]\n}\n'
  } >"${out}"
}

description="pcscf + ue on 127.0.0.1 (SIP Digest), once per TLS stack (${stacks[*]}; both programs on the same stack: botan is Botan 2 at TLS 1.2, openssl is OpenSSL 3 at TLS 1.3): registration with Path and Service-Route, a terminating MESSAGE by flow token, re-registration over the session, the refresh after a 2 s session lifetime (renegotiation at TLS 1.2, KeyUpdate at TLS 1.3), wrong password"

if [[ ! -x "${PCSCF}" || ! -x "${UE}" ]]; then
  all_passed=false
  write_out "${description}: not run, ${PCSCF} or ${UE} missing (bazel build //adapters/pcscf //adapters/ue)"
  exit 1
fi

top="$(mktemp -d)"
work="${top}"
pids=()
cleanup() {
  local p
  for p in "${pids[@]}"; do kill "${p}" 2>/dev/null; done
  for p in "${pids[@]}"; do wait "${p}" 2>/dev/null; done
  rm -rf "${top}"
}
trap cleanup EXIT

if ! "${root}/tests/pki/make_pki.sh" "${top}/pki" >"${top}/pki.log" 2>&1; then
  all_passed=false
  check "ADP-PKI-TEST-CERTS" false "tests/pki/make_pki.sh failed: $(tail -3 "${top}/pki.log")"
  write_out "${description}: not run"
  exit 1
fi
printf 'alice@annexo.test secret sip:alice@annexo.test,tel:+15551234\n' >"${top}/users"

# start_pcscf NAME [options]: PC_PID, PC_PORT, PC_LOG
start_pcscf() {
  local name=$1 i
  shift
  PC_LOG="${work}/${name}.pcscf.log"
  "${PCSCF}" --tls-stack "${stack}" --listen 127.0.0.1:0 --cert "${top}/pki/pcscf-ec.pem" --key "${top}/pki/pcscf-ec.key" \
    --users "${top}/users" --log-format json "$@" 2>"${PC_LOG}" >"${work}/${name}.pcscf.out" &
  PC_PID=$!
  pids+=("${PC_PID}")
  PC_PORT=""
  for i in $(seq 1 100); do
    PC_PORT=$(grep -o '"listen":"127.0.0.1:[0-9]*"' "${PC_LOG}" 2>/dev/null | head -1 | sed 's/.*://; s/"//')
    [[ -n "${PC_PORT}" ]] && return 0
    kill -0 "${PC_PID}" 2>/dev/null || break
    sleep 0.05
  done
  return 1
}
stop_pcscf() {
  kill "${PC_PID}" 2>/dev/null
  wait "${PC_PID}" 2>/dev/null
}
# run_ue NAME [options]: UE_RC, UE_OUT, UE_LOG
run_ue() {
  local name=$1
  shift
  UE_OUT="${work}/${name}.ue.out"
  UE_LOG="${work}/${name}.ue.log"
  timeout 60 "${UE}" --tls-stack "${stack}" --pcscf "127.0.0.1:${PC_PORT}" --pcscf-fqdn pcscf.test --ca "${top}/pki/ca-ec.pem" \
    --impi alice@annexo.test --impu sip:alice@annexo.test --log-format json "$@" \
    >"${UE_OUT}" 2>"${UE_LOG}"
  UE_RC=$?
}
# expect_line ID FILE REGEX [WHAT] [PEER]: a check passing iff a log line
# matches; counted only with PEER (the file is the peer's record of what it
# received).
expect_line() {
  local line
  line=$(grep -E -m1 -- "$3" "$2" 2>/dev/null)
  if [[ -n "${line}" ]]; then
    check "$1" true "${line}" "${5:-}"
  else
    check "$1" false "no line matching /$3/ in $(basename "$2")${4:+ ($4)}" "${5:-}"
  fi
}
field() {  # LINE KEY -> value of "KEY":"value"
  grep -o "\"$2\":\"[^\"]*\"" <<<"$1" | head -1 | cut -d'"' -f4
}

# live_stack: runs A-D with both programs on ${stack}, in ${top}/${stack}.
live_stack() {
work="${top}/${stack}"
mkdir -p "${work}"
# The version the pair negotiated (run A's ue log): TLS1.2 on botan, TLS1.3 on
# openssl; run B's refresh and the Session ID check depend on it.
version=""

# ---------------------------------------------------------------- A: register, re-register
if start_pcscf A --core-listen 127.0.0.1:0; then
  core_port=$(grep 'terminating requests from the core network' "${PC_LOG}" |
    grep -o '"listen":"127.0.0.1:[0-9]*"' | sed 's/.*://; s/"//')
  run_ue A --password secret --expires 4 --stay 4 --message sip:bob@annexo.test \
    --preferred-identity tel:+15551234 &
  ue_job=$!
  for i in $(seq 1 100); do
    grep -q '"to":"bound"' "${PC_LOG}" 2>/dev/null && break
    sleep 0.05
  done
  "${root}/tests/adapters/sip_peer.py" send --port "${core_port}" MESSAGE sip:alice@annexo.test \
    >"${work}/A.core.out" 2>&1
  wait "${ue_job}"
  UE_RC=$?
  UE_OUT="${work}/A.ue.out"
  UE_LOG="${work}/A.ue.log"
  stop_pcscf
  version=$(grep -o '"msg":"TLS session established","version":"TLS1\.[0-9]"' "${UE_LOG}" | head -1 |
    cut -d'"' -f8)
  expect_line "24229-PC-OUTBOUND-PATH" "${PC_LOG}" \
    '"verdict":"ALLOW","req":"24229-PC-OUTBOUND-PATH".*"path":"<sip:[0-9a-f]{32}@127.0.0.1:[0-9]+;lr;ob>"'
  expect_line "5626-4.2-UE-INSTANCE-REGID" "${PC_LOG}" \
    '"msg":"REGISTER from the UE".*"contact":"<sip:[^>]*;ob>;\+sip.instance=.*;reg-id=1.*"supported":"[^"]*outbound' \
    "" "the pcscf: Contact and Supported of the REGISTER it received from the ue"
  expect_line "24229-5.2.1-PATH-SUPPORT" "${PC_LOG}" \
    '"verdict":"ALLOW","req":"24229-5.2.1-PATH-SUPPORT","msg":"originating request routed by the stored Service-Route"'
  relay=$(grep -m1 'response to a terminating request relayed to the core side' "${PC_LOG}")
  if [[ -n "${relay}" ]] && grep -q '^STATUS 200' "${work}/A.core.out" &&
    grep -q '^ue: received MESSAGE' "${UE_OUT}"; then
    check "5626-5.3-PC-FORWARD-OVER-FLOW" true \
      "$(grep -m1 '^ue: received MESSAGE' "${UE_OUT}"); core side: $(head -1 "${work}/A.core.out")" \
      "the ue (received the MESSAGE) and the scripted core-side peer sip_peer.py (received 200)"
  else
    check "5626-5.3-PC-FORWARD-OVER-FLOW" false \
      "terminating MESSAGE: '$(head -1 "${work}/A.core.out")', relay line '${relay}'" \
      "the ue and the scripted core-side peer sip_peer.py"
  fi
  expect_line "O.2.1-PC-PORT" "${PC_LOG}" '"req":"O.2.1-PC-PORT","msg":"listening for TLS"'
  expect_line "O.2.1-UE-NONNULL-OFFER" "${PC_LOG}" '"verdict":"ALLOW","req":"O.2.1-UE-NONNULL-OFFER"'
  # The Session ID the ue negotiated (its REGISTERED line), not the pcscf's log.
  ue_sid=$(grep -o 'session_id=[0-9a-f]*' "${UE_OUT}" | head -1 | cut -d= -f2)
  if [[ "${version}" == TLS1.3 ]]; then
    : # TLS 1.3: the ue's session_id is the RD-116 exporter value, not a Session ID (RD-301)
  elif [[ -n "${ue_sid}" ]]; then
    check "O.2.1-PC-NONEMPTY-SESSION-ID" true "ue: session_id=${ue_sid} (${#ue_sid} hex digits)" \
      "the ue: the Session ID of the session it established"
  else
    check "O.2.1-PC-NONEMPTY-SESSION-ID" false "no session_id in the ue's output: $(head -2 "${UE_OUT}")" \
      "the ue: the Session ID of the session it established"
  fi
  expect_line "O.2.1-UE-AUTH-PC-BY-CERT" "${UE_LOG}" '"verdict":"ALLOW","req":"O.2.1-UE-AUTH-PC-BY-CERT"'
  expect_line "O.2.1-PC-NO-CLIENT-CERT-REQ" "${UE_LOG}" '"verdict":"ALLOW","req":"O.2.1-PC-NO-CLIENT-CERT-REQ"' \
    "the UE reports no CertificateRequest"
  expect_line "O.2.1-HN-AUTH-UE-DIGEST" "${PC_LOG}" '"req":"O.2.1-HN-AUTH-UE-DIGEST".*"status":"200","digest":"ok"'
  expect_line "N.2-UE-VERIFY-RSPAUTH" "${UE_LOG}" '"verdict":"ALLOW","req":"N.2-UE-VERIFY-RSPAUTH"'
  # The binding is created with the Session ID the UE negotiated.
  bind_line=$(grep -m1 '"verdict":"ALLOW","req":"O.2.2-PC-ASSOC-CREATE"' "${PC_LOG}")
  if [[ -n "${bind_line}" && -n "${ue_sid}" && "$(field "${bind_line}" session_id)" == "${ue_sid}" ]]; then
    check "O.2.2-PC-ASSOC-CREATE" true "${bind_line}"
  else
    check "O.2.2-PC-ASSOC-CREATE" false "binding line '${bind_line}' vs UE Session ID '${ue_sid}'"
  fi
  # What the ue received: the P-CSCF's embedded core network answers 200 with
  # the P-Asserted-Identity of the request the P-CSCF forwarded.
  expect_line "O.2.2-PC-ASSERT-FROM-ASSOC" "${UE_OUT}" '^ue: MESSAGE 200 asserted=<?tel:\+15551234>?$' \
    "MESSAGE with P-Preferred-Identity tel:+15551234, an IMPU of the binding" \
    "the ue: P-Asserted-Identity of the forwarded MESSAGE, echoed in the 200 it received"
  # Re-registration over the active session: the ue re-registered, and the
  # pcscf (its peer) saw one TLS handshake in the whole run.
  handshakes=$(grep -c '"msg":"handshake finished"' "${PC_LOG}")
  rereg_out=$(grep -m1 '^ue: REREGISTERED' "${UE_OUT}")
  if [[ -n "${rereg_out}" && "${handshakes}" -eq 1 ]]; then
    check "O.4.3-UE-REREG-OVER-ACTIVE-SESSION" true "${rereg_out}; the pcscf saw 1 TLS handshake" \
      "the pcscf: TLS handshakes on its socket"
  else
    check "O.4.3-UE-REREG-OVER-ACTIVE-SESSION" false "'${rereg_out}', ${handshakes} handshakes at the pcscf" \
      "the pcscf: TLS handshakes on its socket"
  fi
  # The P-CSCF accepted the re-REGISTER on the bound session: the ue got its
  # 200 over the same Session ID it registered with.
  reg_sid=$(grep -m1 '^ue: REGISTERED' "${UE_OUT}" | grep -o 'session_id=[0-9a-f]*')
  rereg_sid=$(grep -o 'session_id=[0-9a-f]*' <<<"${rereg_out}")
  if [[ -n "${reg_sid}" && "${reg_sid}" == "${rereg_sid}" ]]; then
    check "O.4.3-PC-REREG-ON-BOUND-SESSION" true "${rereg_out}" \
      "the ue: 200 to its re-REGISTER over the Session ID it registered with"
  else
    check "O.4.3-PC-REREG-ON-BOUND-SESSION" false "REGISTERED ${reg_sid}, REREGISTERED '${rereg_out}'" \
      "the ue: 200 to its re-REGISTER over the Session ID it registered with"
  fi
  if [[ "${UE_RC}" -eq 0 ]] && grep -q '^ue: REGISTERED' "${UE_OUT}"; then
    check "ADP-UE-EXIT-CODES" true "ue exit 0: $(head -1 "${UE_OUT}")" "the shell: the ue's exit code"
  else
    check "ADP-UE-EXIT-CODES" false "ue exit ${UE_RC}: $(head -2 "${UE_OUT}")" "the shell: the ue's exit code"
  fi
else
  check "O.2.1-PC-PORT" false "pcscf did not start: $(tail -3 "${PC_LOG}")"
fi

# ---------------------------------------------------------------- B: renegotiation
if [[ "${version}" == TLS1.3 ]] && start_pcscf B --session-lifetime 2; then
  # TLS 1.3 (RD-117): the refresh at the lifetime is KeyUpdate(update_requested),
  # seen by the ue, on the one connection; no renegotiation checks apply.
  run_ue B --password secret --expires 60 --stay 4
  stop_pcscf
  expect_line "O.4.2-PC-MAY-RENEGOTIATE" "${PC_LOG}" '"verdict":"ALLOW","req":"O.4.2-PC-MAY-RENEGOTIATE"'
  ku=$(grep -m1 '"msg":"TLS 1.3 KeyUpdate received[^"]*","update_requested":"yes"' "${UE_LOG}")
  if [[ "${UE_RC}" -eq 0 && -n "${ku}" ]]; then
    check "O.4.2-PC-MAY-RENEGOTIATE" true "ue exit 0; ${ku}" \
      "the ue: KeyUpdate(update_requested) from the pcscf at the session lifetime (TLS 1.3)"
  else
    check "O.4.2-PC-MAY-RENEGOTIATE" false "ue exit ${UE_RC}, KeyUpdate line '${ku}'" \
      "the ue: KeyUpdate(update_requested) from the pcscf at the session lifetime (TLS 1.3)"
  fi
  expect_line "O.4.2-PC-REPLACE-SESSION-ID" "${PC_LOG}" \
    '"verdict":"ALLOW","req":"O.4.2-PC-REPLACE-SESSION-ID","msg":"session refreshed by KeyUpdate \(TLS 1.3\)"'
elif [[ "${version}" != TLS1.3 ]] && start_pcscf B --session-lifetime 2; then
  run_ue B --password secret --expires 60 --stay 4
  stop_pcscf
  expect_line "O.4.2-PC-MAY-RENEGOTIATE" "${PC_LOG}" '"verdict":"ALLOW","req":"O.4.2-PC-MAY-RENEGOTIATE"'
  repl=$(grep -m1 '"verdict":"ALLOW","req":"O.4.2-PC-REPLACE-SESSION-ID"' "${PC_LOG}")
  new_sid=$(field "${repl}" session_id)
  old_sid=$(field "${repl}" old_session_id)
  if [[ -n "${new_sid}" && -n "${old_sid}" && "${new_sid}" != "${old_sid}" ]]; then
    check "O.4.2-PC-REPLACE-SESSION-ID" true "${repl}"
  else
    check "O.4.2-PC-REPLACE-SESSION-ID" false "no renegotiation with a new Session ID: '${repl}'"
  fi
  # At the ue, the peer of the P-CSCF: a renegotiation inside the connection
  # it opened, with a new Session ID (the Session IDs are the values Botan
  # reported for the handshakes it saw).
  ue_reneg=$(grep -m1 '"msg":"renegotiation finished inside the same connection"' "${UE_LOG}")
  ue_new=$(field "${ue_reneg}" session_id)
  ue_old=$(field "${ue_reneg}" old_session_id)
  if [[ -n "${ue_new}" && -n "${ue_old}" && "${ue_new}" != "${ue_old}" ]]; then
    check "O.4.2-PC-RENEG-INSIDE-CONN" true "${ue_reneg}" \
      "the ue: a second handshake inside its connection, new Session ID"
  else
    check "O.4.2-PC-RENEG-INSIDE-CONN" false "no renegotiation seen by the ue: '${ue_reneg}'" \
      "the ue: a second handshake inside its connection, new Session ID"
  fi
  # At the pcscf, the peer of the UE: the UE renegotiated inside the same
  # connection (the pcscf's record of the new and old Session IDs).
  if [[ -n "${new_sid}" && -n "${old_sid}" && "${new_sid}" != "${old_sid}" ]]; then
    check "O.4.1-UE-RENEG-INSIDE-CONN" true "${repl}" \
      "the pcscf: a second handshake from the ue on the same connection"
  else
    check "O.4.1-UE-RENEG-INSIDE-CONN" false "no renegotiation seen by the pcscf: '${repl}'" \
      "the pcscf: a second handshake from the ue on the same connection"
  fi
  if [[ "${UE_RC}" -ne 0 ]]; then
    check "O.4.1-UE-RENEG-ON-HELLOREQUEST" false "ue exit ${UE_RC} in the renegotiation run"
  else
    expect_line "O.4.1-UE-RENEG-ON-HELLOREQUEST" "${UE_LOG}" '"req":"O.4.1-UE-RENEG-ON-HELLOREQUEST"'
  fi
else
  check "O.4.2-PC-MAY-RENEGOTIATE" false "pcscf did not start: $(tail -3 "${PC_LOG}")"
fi

# ---------------------------------------------------------------- C: wrong password
if start_pcscf C; then
  run_ue C --password wrong-password
  # At a scripted peer (tests/adapters/sip_peer.py's helpers): a TLS-first
  # registration with a wrong password; the P-CSCF must close the connection
  # (EOF or close_notify seen by the peer within 10 s).
  python3 - "${root}/tests/adapters" "${PC_PORT}" "${top}/pki/ca-ec.pem" \
    >"${work}/C.peer.out" 2>&1 <<'PYEOF'
import sys, time
sys.path.insert(0, sys.argv[1])
import sip_peer as sp
port, ca = int(sys.argv[2]), sys.argv[3]
impi, impu, domain = "alice@annexo.test", "sip:alice@annexo.test", "sip:annexo.test"
tls = sp.connect(port, ca, "pcscf.test")
reader = sp.Reader(tls)
tp = tls.getsockname()[1]
common = [f"From: <{impu}>;tag={sp.rand(4)}", f"To: <{impu}>", f"Call-ID: {sp.rand()}", "Supported: path, outbound"]
contact = f"Contact: <sip:user@{sp.HOST}:{tp};transport=tls;ob>;+sip.instance=\"<urn:uuid:00000000-0000-4000-8000-0000000000bb>\";reg-id=1;expires=600"
tls.sendall(sp.build("REGISTER", domain, common + ["CSeq: 1 REGISTER", contact], "TLS", tp))
code, head = reader.final(10)
if code != 401:
    print(f"OPEN: first REGISTER got {code}, not 401"); sys.exit(1)
tls.sendall(sp.build("REGISTER", domain, common + ["CSeq: 2 REGISTER", contact,
    "Authorization: " + sp.digest_answer(sp.header(head, "WWW-Authenticate"), impi, "wrong-password", "REGISTER", domain)], "TLS", tp))
t0 = time.time()
try:
    code, _ = reader.final(10)
    print(f"response {code}")
    reader.message(time.time() + 10)
    print("OPEN: a further message arrived instead of a close"); sys.exit(1)
except (ConnectionError, OSError) as e:
    if isinstance(e, TimeoutError):
        print("OPEN: connection still open 10 s after the failed authentication"); sys.exit(1)
    print(f"CLOSED by the P-CSCF {time.time() - t0:.2f} s after the wrong credentials ({e})")
PYEOF
  peer_rc=$?
  if ((peer_rc == 0)) && grep -q '^CLOSED' "${work}/C.peer.out"; then
    check "O.3.1.1-PC-CLOSE-ON-AUTH-FAIL" true "$(grep -E '^(response|CLOSED)' "${work}/C.peer.out" | tr '\n' ' ')" \
      "a scripted TLS peer (sip_peer.py helpers): the connection closed after its wrong credentials"
  else
    check "O.3.1.1-PC-CLOSE-ON-AUTH-FAIL" false "peer exit ${peer_rc}: $(tail -3 "${work}/C.peer.out" | tr '\n' ' ')" \
      "a scripted TLS peer (sip_peer.py helpers): the connection closed after its wrong credentials"
  fi
  stop_pcscf
  close_line=$(grep -m1 '"req":"O.3.1.1-PC-CLOSE-ON-AUTH-FAIL".*"to":"closed"' "${PC_LOG}")
  if [[ -n "${close_line}" ]] && ! grep -q 'O.2.2-PC-ASSOC-CREATE' "${PC_LOG}"; then
    check "O.3.1.1-PC-CLOSE-ON-AUTH-FAIL" true "${close_line}"
  else
    check "O.3.1.1-PC-CLOSE-ON-AUTH-FAIL" false "no close on auth failure: '${close_line}'"
  fi
  if [[ "${UE_RC}" -eq 4 ]] && grep -q '^ue: REFUSED O.3.1.1-UE-CLOSE-ON-AUTH-FAIL' "${UE_OUT}"; then
    check "O.3.1.1-UE-CLOSE-ON-AUTH-FAIL" true "ue exit 4: $(head -1 "${UE_OUT}")"
  else
    check "O.3.1.1-UE-CLOSE-ON-AUTH-FAIL" false "ue exit ${UE_RC}: $(head -2 "${UE_OUT}")"
  fi
else
  check "O.3.1.1-PC-CLOSE-ON-AUTH-FAIL" false "pcscf did not start: $(tail -3 "${PC_LOG}")"
fi

# ---------------------------------------------------------------- D: forward mode
# Below the ephemeral range (32768-): a busy machine's outgoing connections
# take those; used by no socket at all.
free_port() {
  local p
  for _ in $(seq 1 200); do
    p=$((20000 + RANDOM % 12000))
    ss -Htan "sport = :${p}" | grep -q . || { echo "${p}"; return 0; }
  done
  return 1
}
if command -v kamailio >/dev/null && command -v kamcmd >/dev/null; then
  kam_port=$(free_port)
  kam_ctl="${work}/kam.ctl"
  kam_log="${work}/D.kamailio.log"
  sed -e "s|@PORT@|${kam_port}|g; s|@CTL@|${kam_ctl}|; s|@REALM@|annexo.test|g; s|@PASSWORD@|secret|g" \
    -e "s|@ALGORITHM@|MD5|; s|@PAU@|1|" "${root}/tests/interop/kamailio/scscf.cfg" >"${work}/kam.cfg"
  kamailio -DD -E -f "${work}/kam.cfg" -w "${work}" -Y "${work}" -P "${work}/kam.pid" >"${kam_log}" 2>&1 &
  kam_pid=$!
  pids+=("${kam_pid}")
  for i in $(seq 1 100); do
    ss -Htln "sport = :${kam_port}" | grep -q . && break
    sleep 0.05
  done
  if start_pcscf D --core-listen 127.0.0.1:0 --next-hop "127.0.0.1:${kam_port}"; then
    run_ue D --password secret
    kamcmd -s "unix:${kam_ctl}" ul.dump >"${work}/D.uldump" 2>&1
    stop_pcscf
    path_line=$(grep -E -m1 'Path: <sip:[0-9a-f]{32}@127.0.0.1:[0-9]+;lr;transport=tcp;ob>' "${work}/D.uldump")
    if [[ "${UE_RC}" -eq 0 && -n "${path_line}" ]]; then
      check "24229-PC-OUTBOUND-PATH" true \
        "forward mode: ue registered through pcscf --next-hop; Kamailio's location table: $(sed "s/^[[:space:]]*//" <<<"${path_line}")" \
        "Kamailio, the S-CSCF (kamcmd ul.dump), and the ue's exit code"
    else
      check "24229-PC-OUTBOUND-PATH" false \
        "forward mode: ue exit ${UE_RC} ($(head -1 "${UE_OUT}")); Kamailio ul.dump: $(grep -m1 'Path:' "${work}/D.uldump")" \
        "Kamailio, the S-CSCF (kamcmd ul.dump), and the ue's exit code"
    fi
    authz=$(grep 'annexo-scscf: request REGISTER' "${kam_log}" | grep -m1 'integrity-protected=')
    if grep -q 'integrity-protected="tls-pending"' <<<"${authz}"; then
      check "O.2-PC-INTEGRITY-PROTECTED-PARAM" true "forward mode, as Kamailio received it: ${authz#*authz=}" \
        "Kamailio, the S-CSCF (the REGISTER it received, xlog)"
    else
      check "O.2-PC-INTEGRITY-PROTECTED-PARAM" false "forward mode: no tls-pending in the REGISTER Kamailio logged: '${authz}'" \
        "Kamailio, the S-CSCF (the REGISTER it received, xlog)"
    fi
  else
    check "24229-PC-OUTBOUND-PATH" false "forward mode: pcscf did not start: $(tail -3 "${PC_LOG}")" \
      "the shell: pcscf's exit"
  fi
  kill "${kam_pid}" 2>/dev/null
  wait "${kam_pid}" 2>/dev/null
  description+="; forward mode on ${stack}: pcscf --next-hop in front of Kamailio as the S-CSCF"
else
  description+="; forward mode on ${stack} not run (kamailio/kamcmd not installed)"
fi
}

for stack in "${stacks[@]}"; do
  live_stack
done

write_out "${description}"
[[ "${all_passed}" == true ]]
