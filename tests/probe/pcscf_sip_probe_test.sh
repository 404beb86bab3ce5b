#!/bin/bash
# The probe's P-CSCF SIP group checked against known IUTs (issue 13). These
# cases test the probe itself, not annexo's requirements: they earn no
# requirement credit.
#  1. annexo's pcscf --next-hop pointing at the probe's S-CSCF side: every
#     implemented, selected TP of the group passes.
#     With --secagree-listen, TP_PC_SIP_015 included (RD-370), and
#     TP_PC_SIP_038: no sec-agree field reaches the S-CSCF side (RD-381).
#  2. The sec-agree TPs against pcscf with its own registrar (RD-160).
#  3. A stand-in P-CSCF that relays without a binding gate, Path or PAI
#     (open_gate_proxy.py): TP_PC_SIP_001, 002 and 005 fail; 006 and 007
#     (which such a proxy cannot break: it asserts nothing) pass.
# The probe program (//adapters/probe:probe) runs the TPs; its JSON report
# (probe-report.json) is what the cases read.
# TLS stack twins (BUILD.bazel): pcscf runs --tls-stack $ANNEXO_TLS_STACK
# and is judged with that stack's PICS (probe_lib.sh). On openssl (TLS 1.3)
# TP_PC_SIP_025 (KeyUpdate at the session lifetime) runs and passes; case 3
# does not run pcscf and runs in the botan target only (twin_scope "tls").
#   pcscf_sip_probe_test.sh PCSCF PROBE MAKE_PKI TESTLIB PROXY SPEC_FILE
set -uo pipefail
PCSCF=$(realpath "$1")
PROBE=$(realpath "$2")
MAKE_PKI=$3
# shellcheck source=/dev/null
source "$4"
PROXY=$(realpath "$5")
SPEC=$(dirname "$(dirname "$(realpath "$6")")")
WORK_NAME=pcscf_sip_probe
# shellcheck source=tests/probe/probe_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/probe_lib.sh"

# The TPs of the group implemented today, in the catalogue's order.
TPS=(TP_PC_SIP_001 TP_PC_SIP_002 TP_PC_SIP_003 TP_PC_SIP_004 TP_PC_SIP_005 TP_PC_SIP_006
  TP_PC_SIP_007 TP_PC_SIP_008 TP_PC_SIP_009 TP_PC_SIP_010 TP_PC_SIP_011 TP_PC_SIP_012
  TP_PC_SIP_013 TP_PC_SIP_014 TP_PC_SIP_015 TP_PC_SIP_019 TP_PC_SIP_020 TP_PC_SIP_021 TP_PC_SIP_022 TP_PC_SIP_023 TP_PC_SIP_024 TP_PC_SIP_025
  TP_PC_SIP_026 TP_PC_SIP_027 TP_PC_SIP_028 TP_PC_SIP_030 TP_PC_SIP_031
  TP_PC_SIP_032 TP_PC_SIP_033 TP_PC_SIP_034 TP_PC_SIP_035 TP_PC_SIP_036 TP_PC_SIP_037
  TP_PC_SIP_038)

against_annexo_pcscf() {
  local nh log out rc tp expect
  nh=$(free_port) || return 1
  log=$WORK/pcscf.log
  out=$WORK/annexo.out
  # --unbound-idle 3: TP_PC_SIP_021 fits its PIXIT budget (8 s);
  # --session-lifetime 20: PICS_SESSION_LIFETIME_S (TP_PC_SIP_010, budget 40 s);
  # --transaction-timeout 4: TP_PC_SIP_035 (next_hop_timeout_budget_s 8).
  # --secagree-listen: TP_PC_SIP_015 sees the sec-agree REGISTER forwarded (RD-370).
  "$PCSCF" --tls-stack "$STACK" --listen 127.0.0.1:0 --core-listen 127.0.0.1:0 --next-hop "127.0.0.1:$nh" \
    --secagree-listen 127.0.0.1:0 \
    --cert "$PKI/pcscf-ec.pem" --key "$PKI/pcscf-ec.key" \
    --unbound-idle 3 --session-lifetime 20 --transaction-timeout 4 --log-format json 2>"$log" &
  local pid=$!
  PIDS+=("$pid")
  wait_file "$log" 'unprotected sec-agree REGISTER' "$pid" || { tail -5 "$log"; return 1; }
  local port sa
  port=$(listen_port "$log" '"req":"O.2.1-PC-PORT"')
  sa=$(listen_port "$log" 'unprotected sec-agree REGISTER')
  write_pixit "$WORK/annexo.pixit.toml" "$port" "$nh" "$sa"
  # Two IMPUs for user 1, as annexo's PIXIT has: TP_PC_SIP_022 is judged.
  second_impu "$WORK/annexo.pixit.toml" || return 1
  run_probe annexo "$WORK/annexo.pixit.toml" "${TPS[@]}"
  rc=$?
  kill "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  local bad=0 why=""
  for tp in "${TPS[@]}"; do
    expect=pass
    # PICS_EMERGENCY is false for annexo's pcscf; PICS_TLS13 only on openssl.
    [ "$tp" = TP_PC_SIP_024 ] && expect=none
    [ "$tp" = TP_PC_SIP_025 ] && [ "$STACK" = botan ] && expect=none
    why+=$(verdict_is "$out" "$tp" "$expect") || bad=1
  done
  ((rc == 0)) || { why+=$'\n'"probe exit $rc"; bad=1; }
  # On failure: the pcscf's last lines, then what did not hold (kept last:
  # the case output is cut to its end).
  ((bad == 0)) || { echo "--- pcscf log"; tail -4 "$log" | cut -c1-160; echo "$why"; }
  return $bad
}

# The sec-agree TPs also against pcscf with its embedded home network (its
# own registrar, --users). Nothing is forwarded to the probe's S-CSCF side
# there, so TP_PC_SIP_015's marking is not observable: inconc, never pass
# (RD-160); with --next-hop (case 1, RD-370) it passes. TP_PC_SIP_038 too
# (nothing forwarded to judge, RD-381).
secagree_against_embedded_pcscf() {
  local rc tp
  start_embedded_pcscf embedded "$PCSCF" || return 1
  run_probe embedded "$WORK/embedded.pixit.toml" TP_PC_SIP_015 TP_PC_SIP_016 TP_PC_SIP_017 \
    TP_PC_SIP_018 TP_PC_SIP_029 TP_PC_SIP_038
  rc=$?
  kill "$PID" 2>/dev/null
  wait "$PID" 2>/dev/null
  local bad=0 why=""
  why+=$(verdict_is "$WORK/embedded.out" TP_PC_SIP_015 inconc) || bad=1
  why+=$(verdict_is "$WORK/embedded.out" TP_PC_SIP_038 inconc) || bad=1
  for tp in TP_PC_SIP_016 TP_PC_SIP_017 TP_PC_SIP_018 TP_PC_SIP_029; do
    why+=$(verdict_is "$WORK/embedded.out" "$tp" pass) || bad=1
  done
  ((rc == 0)) || { why+=$'\n'"probe exit $rc"; bad=1; }
  ((bad == 0)) || { echo "--- pcscf log"; tail -4 "$LOG" | cut -c1-160; echo "$why"; }
  return $bad
}

against_open_gate_proxy() {
  local nh rc pid
  nh=$(free_port) || return 1
  python3 "$PROXY" "$PKI/pcscf-ec.pem" "$PKI/pcscf-ec.key" "$nh" "$WORK/proxy.port" \
    2>"$WORK/proxy.log" &
  pid=$!
  PIDS+=("$pid")
  local end=$(($(date +%s) + BUDGET))
  while [ ! -s "$WORK/proxy.port" ] && (($(date +%s) < end)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.05
  done
  [ -s "$WORK/proxy.port" ] || { echo "proxy did not start"; cat "$WORK/proxy.log"; return 1; }
  write_pixit "$WORK/proxy.pixit.toml" "$(cat "$WORK/proxy.port")" "$nh"
  run_probe proxy "$WORK/proxy.pixit.toml" TP_PC_SIP_001 TP_PC_SIP_002 TP_PC_SIP_005 \
    TP_PC_SIP_006 TP_PC_SIP_007
  rc=$?
  kill "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  local bad=0 why=""
  # Broken by a relay: the gate (001), Path and marking (002), PAI (005).
  for tp in TP_PC_SIP_001 TP_PC_SIP_002 TP_PC_SIP_005; do
    why+=$(verdict_is "$WORK/proxy.out" "$tp" fail) || bad=1
  done
  # Not broken by it (it asserts nothing, so asserts nothing wrong).
  for tp in TP_PC_SIP_006 TP_PC_SIP_007; do
    why+=$(verdict_is "$WORK/proxy.out" "$tp" pass) || bad=1
  done
  # The evidence of 001 is the request the S-CSCF side received.
  grep -A4 '^TP_PC_SIP_001 fail' "$WORK/proxy.out" | grep -q 'evidence: iut->scscf .* INVITE' ||
    { why+=$'\n'"no INVITE evidence at the S-CSCF side"; bad=1; }
  ((rc == 1)) || { why+=$'\n'"probe exit $rc, expected 1 (a fail)"; bad=1; }
  ((bad == 0)) || echo "$why"
  return $bad
}

annexo_case "probe pcscf_sip: every implemented SIP-level TP passes against annexo's pcscf --next-hop" \
  against_annexo_pcscf
annexo_case "probe pcscf_sip: the sec-agree TPs against annexo's pcscf with its own registrar" \
  secagree_against_embedded_pcscf
annexo_case "probe pcscf_sip: a relay without binding, Path or PAI fails exactly TP_PC_SIP_001, 002 and 005" \
  annexo_stack_neutral against_open_gate_proxy
annexo_finish
