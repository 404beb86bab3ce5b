#!/bin/bash
# The probe's P-CSCF SIP group against an IUT nobody here wrote (issue 13):
# Kamailio configured as a naive TLS edge proxy (kamailio/edge.cfg) in front
# of the probe's S-CSCF side. It has no O.2.2 binding (every TLS connection
# may send anything and gets its From asserted), no flow token, no
# integrity-protected marking, no close on a 403 (bound or not: TP_PC_SIP_009,
# 032), no close_notify of its own to a UE's (its TLS module closes TCP
# only: TP_PC_SIP_034, RFC 5246 7.2.1) and no Service-Route
# routing (edge.cfg relays to its next hop whatever the registrar's 2xx
# said), so the tuple, binding and Service-Route TPs must fail; what it does
# do (relay a 2xx registration, deliver a terminating request over the UE's
# connection, answer a CRLF ping, decrement Max-Forwards, assert the From of
# a refreshed registration: TP_PC_SIP_033, 408 to an INVITE its next hop
# leaves unanswered and Timer C for a ringing UE with tm's fr_timer at the
# PIXIT's 4 s: TP_PC_SIP_035, 036, its Record-Route unchanged in the answer
# to a re-INVITE: 037) must pass. The case asserts each TP's verdict and the reason's key words. The
# PICS is annexo's pcscf's (run_probe): the same claims are made for the
# edge proxy (RFC 5626 outbound, CRLF keep-alive, TLS 1.2). It
# checks the probe, not annexo: no requirement credit.
#   probe_kamailio_edge_test.sh PROBE MAKE_PKI TESTLIB EDGE_CFG TLS_CFG_IN SPEC_FILE
set -uo pipefail
PROBE=$(realpath "$1")
MAKE_PKI=$2
# shellcheck source=/dev/null
source "$3"
EDGE_CFG=$(realpath "$4")
TLS_CFG_IN=$(realpath "$5")
SPEC=$(dirname "$(dirname "$(realpath "$6")")")
WORK_NAME=probe_kamailio_edge
# shellcheck source=tests/probe/probe_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/probe_lib.sh"

# TP, expected verdict, a word of the expected reason (what Kamailio lacks).
EXPECTED=(
  "TP_PC_SIP_001 fail reached the S-CSCF side"
  "TP_PC_SIP_002 fail tls-pending"
  "TP_PC_SIP_003 fail no flow token"
  "TP_PC_SIP_005 pass registered set"
  "TP_PC_SIP_006 pass no identity outside"
  "TP_PC_SIP_007 fail connection B"
  "TP_PC_SIP_009 fail still open"
  "TP_PC_SIP_011 pass arrived on the UE's registered connection"
  "TP_PC_SIP_012 fail not 430"
  "TP_PC_SIP_014 pass CRLF pong"
  "TP_PC_SIP_019 fail not \"tls-yes\""
  "TP_PC_SIP_020 pass never forwarded as tls-yes"
  "TP_PC_SIP_023 fail after de-registration"
  "TP_PC_SIP_030 fail is not used"
  "TP_PC_SIP_031 pass forwarded as 69"
  "TP_PC_SIP_032 fail still open"
  "TP_PC_SIP_033 pass still asserted"
  "TP_PC_SIP_034 fail no close_notify answered"
  "TP_PC_SIP_035 pass 408 after"
  "TP_PC_SIP_036 pass after the transaction timer"
  "TP_PC_SIP_037 pass same Record-Route"
)

against_kamailio_edge() {
  local nh tls core d pid rc
  nh=$(free_port) && tls=$(free_port) && core=$(free_port) || return 1
  d=$WORK/kamailio
  mkdir -p "$d"
  sed -e "s|@KEY@|$PKI/pcscf-ec.key|; s|@CERT@|$PKI/pcscf-ec.pem|" "$TLS_CFG_IN" >"$d/tls.cfg"
  sed -e "s|@TLSPORT@|$tls|g; s|@COREPORT@|$core|g; s|@NEXTHOP@|$nh|g; s|@TLSCFG@|$d/tls.cfg|" \
    "$EDGE_CFG" >"$d/edge.cfg"
  kamailio -c -f "$d/edge.cfg" >"$d/check.log" 2>&1 || { cat "$d/check.log"; return 1; }
  kamailio -DD -E -f "$d/edge.cfg" -w "$d" -Y "$d" -P "$d/kamailio.pid" >"$d/kamailio.log" 2>&1 &
  pid=$!
  PIDS+=("$pid")
  wait_listen "$tls" "$pid" || { tail -5 "$d/kamailio.log"; return 1; }
  write_pixit "$WORK/kamailio.pixit.toml" "$tls" "$nh"
  local tps=() e
  for e in "${EXPECTED[@]}"; do tps+=("${e%% *}"); done
  run_probe kamailio "$WORK/kamailio.pixit.toml" "${tps[@]}"
  rc=$?
  kill "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  local bad=0 why="" tp verdict word
  for e in "${EXPECTED[@]}"; do
    read -r tp verdict word <<<"$e"
    why+=$(verdict_is "$WORK/kamailio.out" "$tp" "$verdict") || bad=1
    grep "^$tp $verdict" "$WORK/kamailio.out" | grep -qF -- "$word" ||
      { why+=$'\n'"$tp: reason without '$word'"; bad=1; }
  done
  ((rc == 1)) || { why+=$'\n'"probe exit $rc, expected 1 (fails present)"; bad=1; }
  ((bad == 0)) || { echo "--- kamailio"; grep 'annexo-edge\|ERROR' "$d/kamailio.log" | tail -4 | cut -c1-160; echo "$why"; }
  return $bad
}

annexo_case "probe pcscf_sip: Kamailio as a TLS edge proxy without binding fails exactly the binding, marking and flow TPs" \
  against_kamailio_edge
annexo_finish
