#!/bin/bash
# The pcscf's resource limits against hostile clients (issue 15), on
# 127.0.0.1 only, observed at the client (limits_peer.py):
# - the total lifetime of a connection that has not bound (RD-129);
#   pcscf_limits_e2e_test.sh PCSCF UE MAKE_PKI TESTLIB LIMITS_PEER SIP_PEER
set -uo pipefail
PCSCF=$(realpath "$1")
UE=$(realpath "$2")
MAKE_PKI=$3
source "$4"
LIMITS_PEER=$(realpath "$5")
E2E_NAME=limits
source "$(dirname "$0")/e2e_lib.sh"

# The "CLOSE <how> <s>" line of a linger run: the seconds since connect.
close_seconds() { grep -o '^CLOSE [^ ]* [0-9.]*' "$1" | awk '{ print $3 }'; }
# in_range X LO HI: LO <= X <= HI (decimals).
in_range() { awk -v x="$1" -v lo="$2" -v hi="$3" 'BEGIN { exit !(x != "" && x >= lo && x <= hi) }'; }

# RD-129: a client that sends a REGISTER without credentials every second
# (each answered 401, each restarting the 3 s idle timer) is still closed
# when its 6 s lifetime from accept runs out: close_notify, then FIN, at
# 6 s (not before: the idle timer alone would never close it).
unbound_lifetime() {
  start_pcscf lifetime --unbound-idle 3 --unbound-lifetime 6 || return 1
  peer "$WORK/linger.out" python3 "$LIMITS_PEER" linger --port "$PC_PORT" \
    --ca "$PKI/ca-ec.pem" --every 1 --watch 20
  stop_pcscf
  local s ok=0
  s=$(close_seconds "$WORK/linger.out")
  expect "the lingering client ran (exit $PEER_RC)" test "$PEER_RC" -eq 0 || ok=1
  annexo_req IMPL-PC-UNBOUND-LIFETIME \
    expect "the client kept sending: at least 5 REGISTERs answered 401 before the close" \
    lines_ge 1 '^CHALLENGED \([5-9]\|[1-9][0-9]\)' "$WORK/linger.out" || ok=1
  annexo_req IMPL-PC-UNBOUND-LIFETIME \
    expect "the pcscf closed it with close_notify and FIN (no TCP connection left)" \
    closed_by_peer "$WORK/linger.out" close_notify || ok=1
  annexo_req IMPL-PC-UNBOUND-LIFETIME \
    expect "the close came at the 6 s budget after connect (at ${s:-never} s; 5.5 to 9 s)" \
    in_range "${s:-}" 5.5 9 || ok=1
  ((ok == 0)) || show
  return $ok
}

#= spec#IMPL-PC-UNBOUND-LIFETIME type=test
annexo_case "IMPL-PC-UNBOUND-LIFETIME: a client sending REGISTERs without credentials faster than the idle timeout is closed (close_notify + FIN) at its lifetime budget" unbound_lifetime
annexo_finish
