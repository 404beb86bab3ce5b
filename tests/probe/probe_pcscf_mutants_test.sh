#!/bin/bash
# The probe's P-CSCF TPs against `pcscf` built on mutants visible from outside
# (tests/probe/mutant_pcscf.bzl: the catalogue's own text, the mutated .cc
# linked ahead of the original's archive). Each case runs the TPs about one
# mutant (--tp) and asserts the verdict of every one of them: the TPs that
# must catch the mutant fail, the others pass. A first case runs the same TPs
# against the unmutated pcscf (all pass), and each certificate case checks
# that the unmutated pcscf refuses that certificate at start-up, so a fail
# comes from the mutant. These cases test the probe itself: they credit no
# requirement. adapters/probe/README.md lists every mutant (caught by which
# TP, or why it is not visible from outside).
# Proof mutants of core/pcscf_machine.h are built by mutant_pcscf.bzl's
# header mode (the units that include the header recompiled, about 30 CPU-s
# each).
# The sec-agree answer mutants run against the pcscf with its own registrar
# (probe_lib.sh start_embedded_pcscf, RD-160), the one about what is forwarded
# against pcscf --next-hop --secagree-listen (RD-370, RD-381); the others
# against pcscf --next-hop.
# TLS stack twins (BUILD.bazel, tls_stack_twins; issue 14): every pcscf,
# mutant or not, runs --tls-stack $ANNEXO_TLS_STACK (probe_lib.sh's STACK,
# which picks the PICS, RD-276); the mutants link both stacks and every one
# is caught on each with the same verdicts.
#   probe_pcscf_mutants_test.sh PROBE MAKE_PKI TESTLIB SPEC_FILE PCSCF MUTANT...
# (each MUTANT a pcscf program whose file name is the mutant's name,
# tests/probe/BUILD.bazel PROBE_PCSCF_MUTANTS).
set -uo pipefail
PROBE=$(realpath "$1")
MAKE_PKI=$2
# shellcheck source=/dev/null
source "$3"
SPEC=$(dirname "$(dirname "$(realpath "$4")")")
PCSCF=$(realpath "$5")
shift 5
declare -A MUT
for m in "$@"; do MUT[$(basename "$m")]=$(realpath "$m"); done
IGNORES_CLOSE=${MUT[pcscf_ignores_close]}
SKIPS_OWN_CERT=${MUT[pcscf_skips_own_cert_profile]}
RSA_1024=${MUT[cert_rsa_1024_allowed]}
DELIVER_UNBOUND=${MUT[pcscf_deliver_unbound]}
KEEP_OLD_SID=${MUT[pcscf_keep_old_session_id]}
INITIAL_FORM_REFUSED=${MUT[digest_initial_form_refused]}
ADD_IMPU_REPLACES=${MUT[pcscf_add_impu_replaces_set]}
WORK_NAME=probe_pcscf_mutants
# shellcheck source=tests/probe/probe_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/probe_lib.sh"

# start_pcscf NAME BINARY CERT CA [ARG...]: NAME's pcscf --next-hop pointing
# at the probe's S-CSCF side, with PKI certificate CERT and the further pcscf
# ARGs; writes WORK/NAME.pixit.toml (CA verifies the IUT; with
# --secagree-listen among the ARGs, its port too) and sets PID.
start_pcscf() {
  local name=$1 bin=$2 cert=$3 ca=$4 nh log port sa=""
  shift 4
  nh=$(free_port) || return 1
  log=$WORK/$name.pcscf.log
  # --unbound-idle 3: TP_PC_SIP_021 fits its PIXIT budget (8 s);
  # --transaction-timeout 4: TP_PC_SIP_035 (next_hop_timeout_budget_s 8).
  "$bin" --tls-stack "$STACK" --listen 127.0.0.1:0 --core-listen 127.0.0.1:0 --next-hop "127.0.0.1:$nh" \
    --cert "$PKI/$cert.pem" --key "$PKI/$cert.key" --unbound-idle 3 --session-lifetime 20 \
    --transaction-timeout 4 "$@" \
    --log-format json 2>"$log" &
  PID=$!
  PIDS+=("$PID")
  # On failure the pcscf is stopped here: it holds annexo_case's output open.
  wait_file "$log" '"req":"O.2.1-PC-PORT"' "$PID" || { kill "$PID" 2>/dev/null; tail -5 "$log"; return 1; }
  # The harness's own check that the twin runs the stack it names (not
  # evidence of anything the probe judges).
  grep '"msg":"TLS stack"' "$log" | grep -q "\"stack\":\"$STACK\"" || {
    kill "$PID" 2>/dev/null
    echo "$name's pcscf does not run --tls-stack $STACK:"
    grep -m1 '"TLS stack"' "$log" | cut -c1-200
    return 1
  }
  port=$(listen_port "$log" '"req":"O.2.1-PC-PORT"')
  if [[ " $* " == *" --secagree-listen "* ]]; then
    wait_file "$log" 'unprotected sec-agree REGISTER' "$PID" || { kill "$PID" 2>/dev/null; tail -5 "$log"; return 1; }
    sa=$(listen_port "$log" 'unprotected sec-agree REGISTER')
  fi
  write_pixit "$WORK/$name.pixit.toml" "$port" "$nh" "$sa"
  sed -i "s|/ca-ec.pem\"|/$ca.pem\"|" "$WORK/$name.pixit.toml"
}

# expect NAME RC EXPECTED_RC TP=VERDICT...: every TP has its verdict in
# WORK/NAME.out and the probe exited EXPECTED_RC; on failure prints the
# pcscf's last lines, then what did not hold.
expect() {
  local name=$1 rc=$2 want=$3 bad=0 why="" tv line
  shift 3
  for tv in "$@"; do
    line=$(verdict_is "$WORK/$name.out" "${tv%=*}" "${tv#*=}") || { why+=$'\n'$line; bad=1; }
  done
  ((rc == want)) || { why+=$'\n'"probe exit $rc, expected $want"; bad=1; }
  ((bad == 0)) || { echo "--- pcscf log"; tail -4 "$WORK/$name.pcscf.log" | cut -c1-160; echo "$why"; }
  return $bad
}

# refuses_cert CERT: the unmutated pcscf refuses to start with CERT (O.5.1
# profile), so the mutant is what lets it start.
refuses_cert() {
  local rc
  timeout "$BUDGET" "$PCSCF" --tls-stack "$STACK" --listen 127.0.0.1:0 --next-hop 127.0.0.1:9 \
    --cert "$PKI/$1.pem" --key "$PKI/$1.key" >"$WORK/refuse-$1.log" 2>&1
  rc=$?
  if ((rc == 0 || rc == 124)) || ! grep -q 'REFUSED O.2.1-PC-CERT-PROFILE' "$WORK/refuse-$1.log"; then
    echo "unmutated pcscf with $1: exit $rc, expected a start-up refusal"
    tail -3 "$WORK/refuse-$1.log"
    return 1
  fi
}

TPS_CLOSE=(TP_PC_SIP_001 TP_PC_SIP_009 TP_PC_SIP_021)
TPS_CERT=(TP_PC_TLS_013 TP_PC_CERT_001 TP_PC_CERT_002 TP_PC_CERT_003)
TPS_FLOW=(TP_PC_SIP_011 TP_PC_SIP_012)
TPS_LIFETIME=(TP_PC_SIP_010)
TPS_INITIAL=(TP_PC_SIP_002 TP_PC_SIP_027)
TPS_BINDING=(TP_PC_SIP_019 TP_PC_SIP_020)
TPS_HELLO=(TP_PC_TLS_012 TP_PC_TLS_013)
TPS_UNAUTH=(TP_PC_SIP_026 TP_PC_SIP_028)
TPS_PATH=(TP_PC_SIP_003 TP_PC_SIP_004)
TPS_TOKEN=(TP_PC_SIP_013)
TPS_ROUTING=(TP_PC_SIP_030 TP_PC_SIP_031)
# RD-360: re-REGISTERs on a bound connection (a failed authentication
# closes, a refresh moves the expiry) and the answer to a UE's close_notify.
TPS_REREG=(TP_PC_SIP_032 TP_PC_SIP_033)
TPS_CLOSE_NOTIFY=(TP_PC_SIP_034)
# The IUT's transaction timer (--transaction-timeout 4): towards a silent
# next hop (408 to the UE) and towards a ringing UE (Timer C instead).
TPS_NEXT_HOP=(TP_PC_SIP_035 TP_PC_SIP_036)
# RD-361: the Record-Route in the answer to a target refresh.
TPS_DIALOG=(TP_PC_SIP_037)
# Against the embedded-registrar pcscf (the sec-agree listener, RD-160).
TPS_SECAGREE=(TP_PC_SIP_016 TP_PC_SIP_017 TP_PC_SIP_029)
# Against pcscf --next-hop --secagree-listen (RD-370, RD-381): the sec-agree
# REGISTERs forwarded to the S-CSCF side.
TPS_SECAGREE_FWD=(TP_PC_SIP_015 TP_PC_SIP_038)

unmutated_passes() {
  start_pcscf annexo "$PCSCF" pcscf-ec ca-ec || return 1
  run_probe annexo "$WORK/annexo.pixit.toml" "${TPS_CLOSE[@]}" "${TPS_CERT[@]}" \
    "${TPS_FLOW[@]}" "${TPS_LIFETIME[@]}" "${TPS_INITIAL[@]}" "${TPS_BINDING[@]}" \
    "${TPS_HELLO[@]}" "${TPS_UNAUTH[@]}" "${TPS_PATH[@]}" "${TPS_TOKEN[@]}" \
    "${TPS_ROUTING[@]}" "${TPS_REREG[@]}" "${TPS_CLOSE_NOTIFY[@]}" \
    "${TPS_NEXT_HOP[@]}" "${TPS_DIALOG[@]}" >/dev/null
  local rc=$?
  kill "$PID" 2>/dev/null
  expect annexo "$rc" 0 TP_PC_SIP_001=pass TP_PC_SIP_009=pass TP_PC_SIP_021=pass \
    TP_PC_TLS_013=pass TP_PC_CERT_001=pass TP_PC_CERT_002=pass TP_PC_CERT_003=pass \
    TP_PC_SIP_010=pass TP_PC_SIP_011=pass TP_PC_SIP_012=pass TP_PC_SIP_002=pass \
    TP_PC_SIP_027=pass TP_PC_SIP_019=pass TP_PC_SIP_020=pass TP_PC_TLS_012=pass TP_PC_TLS_013=pass \
    TP_PC_SIP_026=pass TP_PC_SIP_028=pass TP_PC_SIP_003=pass TP_PC_SIP_004=pass \
    TP_PC_SIP_013=pass TP_PC_SIP_030=pass TP_PC_SIP_031=pass TP_PC_SIP_032=pass \
    TP_PC_SIP_033=pass TP_PC_SIP_034=pass TP_PC_SIP_035=pass \
    TP_PC_SIP_036=pass TP_PC_SIP_037=pass || return 1
  start_embedded_pcscf annexo_embedded "$PCSCF" || return 1
  run_probe annexo_embedded "$WORK/annexo_embedded.pixit.toml" "${TPS_SECAGREE[@]}" >/dev/null
  rc=$?
  kill "$PID" 2>/dev/null
  expect annexo_embedded "$rc" 0 TP_PC_SIP_016=pass TP_PC_SIP_017=pass TP_PC_SIP_029=pass || return 1
  start_pcscf annexo_secagree_fwd "$PCSCF" pcscf-ec ca-ec --secagree-listen 127.0.0.1:0 || return 1
  run_probe annexo_secagree_fwd "$WORK/annexo_secagree_fwd.pixit.toml" "${TPS_SECAGREE_FWD[@]}" >/dev/null
  rc=$?
  kill "$PID" 2>/dev/null
  expect annexo_secagree_fwd "$rc" 0 TP_PC_SIP_015=pass TP_PC_SIP_038=pass
}

# caught MUTANT TPS_ARRAY TP=VERDICT...: MUTANT's pcscf (with the further
# pcscf arguments of the array CAUGHT_ARGS, if set) against the TPs of
# TPS_ARRAY (a variable name): the probe exits 1 and each TP has its verdict.
caught() {
  local name=$1
  local -n tps=$2
  shift 2
  start_pcscf "$name" "${MUT[$name]}" pcscf-ec ca-ec "${CAUGHT_ARGS[@]}" || return 1
  run_probe "$name" "$WORK/$name.pixit.toml" "${tps[@]}" >/dev/null
  local rc=$?
  kill "$PID" 2>/dev/null
  expect "$name" "$rc" 1 "$@"
}

CAUGHT_ARGS=()

# caught_secagree_fwd MUTANT TP=VERDICT...: as caught, TPS_SECAGREE_FWD
# against MUTANT's pcscf --next-hop --secagree-listen.
caught_secagree_fwd() {
  local name=$1
  shift
  CAUGHT_ARGS=(--secagree-listen 127.0.0.1:0)
  caught "$name" TPS_SECAGREE_FWD "$@"
  local rc=$?
  CAUGHT_ARGS=()
  return $rc
}

# caught_embedded MUTANT TP=VERDICT...: as caught, TPS_SECAGREE against
# MUTANT's pcscf with its own registrar and the sec-agree listener (RD-160).
caught_embedded() {
  local name=$1
  shift
  start_embedded_pcscf "$name" "${MUT[$name]}" || return 1
  run_probe "$name" "$WORK/$name.pixit.toml" "${TPS_SECAGREE[@]}" >/dev/null
  local rc=$?
  kill "$PID" 2>/dev/null
  expect "$name" "$rc" 1 "$@"
}

# The core asks for close (403 on an unbound connection's REGISTER failure,
# unbound idle timer); the mutant adapter never closes.
ignores_close() {
  start_pcscf ignores_close "$IGNORES_CLOSE" pcscf-ec ca-ec || return 1
  run_probe ignores_close "$WORK/ignores_close.pixit.toml" "${TPS_CLOSE[@]}" >/dev/null
  local rc=$?
  kill "$PID" 2>/dev/null
  expect ignores_close "$rc" 1 TP_PC_SIP_001=pass TP_PC_SIP_009=fail TP_PC_SIP_021=fail
}

# The start-up check of the pcscf's own certificate (RD-82) is skipped: a
# wildcard certificate, then one with two CNs, is served.
skips_own_cert_profile() {
  refuses_cert wildcard && refuses_cert twocn || return 1
  start_pcscf skips_wildcard "$SKIPS_OWN_CERT" wildcard ca-ec || return 1
  run_probe skips_wildcard "$WORK/skips_wildcard.pixit.toml" "${TPS_CERT[@]}" >/dev/null
  local rc=$?
  kill "$PID" 2>/dev/null
  expect skips_wildcard "$rc" 1 TP_PC_TLS_013=pass TP_PC_CERT_001=fail TP_PC_CERT_002=fail \
    TP_PC_CERT_003=pass || return 1
  start_pcscf skips_twocn "$SKIPS_OWN_CERT" twocn ca-ec || return 1
  run_probe skips_twocn "$WORK/skips_twocn.pixit.toml" "${TPS_CERT[@]}" >/dev/null
  rc=$?
  kill "$PID" 2>/dev/null
  expect skips_twocn "$rc" 1 TP_PC_TLS_013=pass TP_PC_CERT_001=fail TP_PC_CERT_002=fail \
    TP_PC_CERT_003=pass
}

# A core mutant (core/cert_policy.cc, linked ahead of //core): RSA keys from
# 1024 bits pass the certificate policy, so the pcscf serves an RSA-1024
# certificate; the probe's own (unmutated) core refuses it.
rsa_1024_allowed() {
  refuses_cert rsa1024 || return 1
  start_pcscf rsa_1024 "$RSA_1024" rsa1024 ca-rsa || return 1
  run_probe rsa_1024 "$WORK/rsa_1024.pixit.toml" "${TPS_CERT[@]}" >/dev/null
  local rc=$?
  kill "$PID" 2>/dev/null
  expect rsa_1024 "$rc" 1 TP_PC_TLS_013=pass TP_PC_CERT_001=fail TP_PC_CERT_002=pass \
    TP_PC_CERT_003=fail
}

# A proof mutant (core/pcscf_machine.h, header mode): a terminating request
# for the flow of an unbound connection is delivered. TP_PC_SIP_012's first
# leg de-registers on a live connection, then routes an INVITE along the old
# Path: the mutant delivers it (evidence: the INVITE at the UE), unmutated
# answers 430.
deliver_unbound() {
  start_pcscf deliver_unbound "$DELIVER_UNBOUND" pcscf-ec ca-ec || return 1
  run_probe deliver_unbound "$WORK/deliver_unbound.pixit.toml" "${TPS_FLOW[@]}" >/dev/null
  local rc=$?
  kill "$PID" 2>/dev/null
  expect deliver_unbound "$rc" 1 TP_PC_SIP_011=pass TP_PC_SIP_012=fail || return 1
  grep -A2 '^TP_PC_SIP_012 fail' "$WORK/deliver_unbound.out" | grep -q 'evidence: iut->ue .* INVITE' ||
    { echo "TP_PC_SIP_012's evidence does not show the INVITE at the UE"; return 1; }
}

# A proof mutant (header mode): renegotiation does not replace the bound
# Session ID. TP_PC_SIP_010 renegotiates at the session lifetime (20 s here)
# and resumes the old Session ID from another port.
keep_old_session_id() {
  start_pcscf keep_old_sid "$KEEP_OLD_SID" pcscf-ec ca-ec || return 1
  run_probe keep_old_sid "$WORK/keep_old_sid.pixit.toml" "${TPS_LIFETIME[@]}" >/dev/null
  local rc=$?
  kill "$PID" 2>/dev/null
  expect keep_old_sid "$rc" 1 TP_PC_SIP_010=fail
}

# An adapter mutant of the SIP parser (adapters/sip/headers.cc, linked ahead
# of its archive): TS 24.229's initial Authorization (IMPI, empty nonce and
# response) is refused as malformed again (RD-226). A plain Digest
# registration still works.
initial_form_refused() {
  start_pcscf initial_refused "$INITIAL_FORM_REFUSED" pcscf-ec ca-ec || return 1
  run_probe initial_refused "$WORK/initial_refused.pixit.toml" "${TPS_INITIAL[@]}" >/dev/null
  local rc=$?
  kill "$PID" 2>/dev/null
  expect initial_refused "$rc" 1 TP_PC_SIP_002=pass TP_PC_SIP_027=fail
}

# run_two_impus NAME BINARY: TP_PC_SIP_022 against NAME's pcscf, PIXIT user 1
# with two IMPUs; returns the probe's exit status.
run_two_impus() {
  start_pcscf "$1" "$2" pcscf-ec ca-ec || return 3
  second_impu "$WORK/$1.pixit.toml" || return 3
  run_probe "$1" "$WORK/$1.pixit.toml" TP_PC_SIP_022 >/dev/null
  local rc=$?
  kill "$PID" 2>/dev/null
  return $rc
}

# A proof mutant (header mode): a 2xx for another IMPU of the bound IMPI
# replaces the association's IMPU set. The default identity (the first IMPU)
# stays the fallback for a P-Preferred-Identity outside the set, so the lost
# first IMPU is still asserted; TP_PC_SIP_022 registers the first IMPU again
# and the mutant then asserts it for the second's P-Preferred-Identity
# (RD-251). The unmutated pcscf passes the same TP with the same PIXIT.
add_impu_replaces_set() {
  run_two_impus add_impu_annexo "$PCSCF"
  expect add_impu_annexo $? 0 TP_PC_SIP_022=pass || return 1
  run_two_impus add_impu_mutant "$ADD_IMPU_REPLACES"
  expect add_impu_mutant $? 1 TP_PC_SIP_022=fail || return 1
  grep -q '^TP_PC_SIP_022 fail sip:alice.two@annexo.test is not asserted after the first was registered again' \
    "$WORK/add_impu_mutant.out" ||
    { echo "TP_PC_SIP_022 failed at another step:"; head -1 "$WORK/add_impu_mutant.out"; return 1; }
}

annexo_case "probe mutants: the TPs of the pcscf mutant cases all pass against the unmutated pcscf" \
  unmutated_passes
annexo_case "probe mutants: pcscf_ignores_close is caught by TP_PC_SIP_009 and TP_PC_SIP_021" \
  ignores_close
annexo_case "probe mutants: pcscf_skips_own_cert_profile is caught by TP_PC_CERT_001 and TP_PC_CERT_002" \
  skips_own_cert_profile
annexo_case "probe mutants: cert_rsa_1024_allowed (core) is caught by TP_PC_CERT_001 and TP_PC_CERT_003" \
  rsa_1024_allowed
annexo_case "probe mutants: pcscf_deliver_unbound (proof, core header) is caught by TP_PC_SIP_012" \
  deliver_unbound
annexo_case "probe mutants: pcscf_keep_old_session_id (proof, core header) is caught by TP_PC_SIP_010" \
  keep_old_session_id
annexo_case "probe mutants: digest_initial_form_refused (SIP parser) is caught by TP_PC_SIP_027" \
  initial_form_refused
# The mutants below were caught by hand first (README table); each names the
# TPs that must fail.
annexo_case "probe mutants: pcscf_session_expiry_closes (proof, core header) is caught by TP_PC_SIP_010" \
  caught pcscf_session_expiry_closes TPS_LIFETIME TP_PC_SIP_010=fail
annexo_case "probe mutants: pcscf_bind_without_port (proof, core header) is caught by TP_PC_SIP_010" \
  caught pcscf_bind_without_port TPS_LIFETIME TP_PC_SIP_010=fail
annexo_case "probe mutants: pcscf_ignores_timers is caught by TP_PC_SIP_021" \
  caught pcscf_ignores_timers TPS_CLOSE TP_PC_SIP_001=pass TP_PC_SIP_009=pass TP_PC_SIP_021=fail
# RD-331: an IUT whose PICS lifetime ends inside the budget and that sends no
# HelloRequest fails TP_PC_SIP_010.
annexo_case "probe mutants: pcscf_no_hello_request is caught by TP_PC_SIP_010" \
  caught pcscf_no_hello_request TPS_LIFETIME TP_PC_SIP_010=fail
annexo_case "probe mutants: pcscf_flow_refused_when_bound (core header) is caught by TP_PC_SIP_011" \
  caught pcscf_flow_refused_when_bound TPS_FLOW TP_PC_SIP_011=fail
annexo_case "probe mutants: pcscf_impi_not_compared (core header) is caught by TP_PC_SIP_020" \
  caught pcscf_impi_not_compared TPS_BINDING TP_PC_SIP_019=pass TP_PC_SIP_020=fail
annexo_case "probe mutants: pcscf_rereg_marked_pending (core header) is caught by TP_PC_SIP_019" \
  caught pcscf_rereg_marked_pending TPS_BINDING TP_PC_SIP_019=fail TP_PC_SIP_020=pass
# Without Authorization the mutant's binding has no IMPI and the table
# refuses it (026 inconc, fail-closed); TS 24.229's initial form names the
# IMPI, so the mutant binds and asserts (028 fails).
annexo_case "probe mutants: pcscf_bind_without_digest (core header) is caught by TP_PC_SIP_028" \
  caught pcscf_bind_without_digest TPS_UNAUTH TP_PC_SIP_026=inconc TP_PC_SIP_028=fail
annexo_case "probe mutants: pcscf_tls12_needs_supported_versions (core/profile.cc) is caught by TP_PC_TLS_012 and _013" \
  caught pcscf_tls12_needs_supported_versions TPS_HELLO TP_PC_TLS_012=fail TP_PC_TLS_013=fail
annexo_case "probe mutants: pcscf_add_impu_replaces_set (proof, core header) is caught by TP_PC_SIP_022" \
  add_impu_replaces_set
# The originating INVITE forwarded without the P-CSCF's Record-Route (flow
# token); ';ob' on the Path although the REGISTER came through another hop
# (RD-281).
annexo_case "probe mutants: pcscf_no_originating_rr is caught by TP_PC_SIP_003" \
  caught pcscf_no_originating_rr TPS_PATH TP_PC_SIP_003=fail TP_PC_SIP_004=pass
annexo_case "probe mutants: pcscf_path_counts_one_via is caught by TP_PC_SIP_004" \
  caught pcscf_path_counts_one_via TPS_PATH TP_PC_SIP_003=pass TP_PC_SIP_004=fail
# RD-320: the sec-agree answers (core/sec_agree.cc, the adapter's 401), the
# flow token's MAC, the Service-Route and Max-Forwards of forwarded requests.
annexo_case "probe mutants: secagree_answer_without_tls_offer (core/sec_agree.cc) is caught by TP_PC_SIP_017" \
  caught_embedded secagree_answer_without_tls_offer TP_PC_SIP_016=pass TP_PC_SIP_017=fail \
  TP_PC_SIP_029=pass
annexo_case "probe mutants: pcscf_secagree_echoes_offer is caught by TP_PC_SIP_029" \
  caught_embedded pcscf_secagree_echoes_offer TP_PC_SIP_016=pass TP_PC_SIP_017=pass \
  TP_PC_SIP_029=fail
annexo_case "probe mutants: secagree_verify_prefix_only (core/sec_agree.cc) is caught by TP_PC_SIP_016" \
  caught_embedded secagree_verify_prefix_only TP_PC_SIP_016=fail TP_PC_SIP_017=pass \
  TP_PC_SIP_029=pass
annexo_case "probe mutants: flow_token_mac_truncated (core/flow_token.cc) is caught by TP_PC_SIP_013" \
  caught flow_token_mac_truncated TPS_TOKEN TP_PC_SIP_013=fail
annexo_case "probe mutants: pcscf_service_route_not_used is caught by TP_PC_SIP_030" \
  caught pcscf_service_route_not_used TPS_ROUTING TP_PC_SIP_030=fail TP_PC_SIP_031=pass
annexo_case "probe mutants: pcscf_max_forwards_not_decremented (remote_next_hop.cc) is caught by TP_PC_SIP_031" \
  caught pcscf_max_forwards_not_decremented TPS_ROUTING TP_PC_SIP_030=pass TP_PC_SIP_031=fail
# RD-360: no close after a 403 to a bound connection's re-REGISTER (the
# unbound case, TP_PC_SIP_009, still closes); a refresh that leaves the
# first expiry (the issue-11 escape); no answer to the UE's close_notify
# (TLS 1.2 here; on OpenSSL also TLS 1.3, shown by hand on both stacks);
# 504 instead of 408 for a silent next hop; no Timer C for a ringing UE.
annexo_case "probe mutants: pcscf_no_close_on_auth_failure (proof, core header) is caught by TP_PC_SIP_032" \
  caught pcscf_no_close_on_auth_failure TPS_REREG TP_PC_SIP_032=fail TP_PC_SIP_033=pass
annexo_case "probe mutants: pcscf_rereg_keeps_expiry (proof, core header) is caught by TP_PC_SIP_033" \
  caught pcscf_rereg_keeps_expiry TPS_REREG TP_PC_SIP_032=pass TP_PC_SIP_033=fail
annexo_case "probe mutants: pcscf_ignores_peer_close_notify is caught by TP_PC_SIP_034" \
  caught pcscf_ignores_peer_close_notify TPS_CLOSE_NOTIFY TP_PC_SIP_034=fail
annexo_case "probe mutants: pcscf_next_hop_timeout_504 (remote_next_hop.cc) is caught by TP_PC_SIP_035" \
  caught pcscf_next_hop_timeout_504 TPS_NEXT_HOP TP_PC_SIP_035=fail TP_PC_SIP_036=pass
annexo_case "probe mutants: pcscf_no_timer_c_terminating is caught by TP_PC_SIP_036" \
  caught pcscf_no_timer_c_terminating TPS_NEXT_HOP TP_PC_SIP_035=pass TP_PC_SIP_036=fail
# RD-361: the core-side entry left in the answer to a re-INVITE.
annexo_case "probe mutants: pcscf_rr_rewrite_initial_only is caught by TP_PC_SIP_037" \
  caught pcscf_rr_rewrite_initial_only TPS_DIALOG TP_PC_SIP_037=fail
# RD-381: the UE's sec-agree fields forwarded to the S-CSCF side.
annexo_case "probe mutants: pcscf_forwards_sec_agree_fields (sec_agree_sip.cc) is caught by TP_PC_SIP_038" \
  caught_secagree_fwd pcscf_forwards_sec_agree_fields TP_PC_SIP_015=pass TP_PC_SIP_038=fail
annexo_finish
