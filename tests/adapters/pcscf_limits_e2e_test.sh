#!/bin/bash
# The pcscf's resource limits against hostile clients (issue 15), on
# 127.0.0.1 only, observed at the client (limits_peer.py):
# - the total lifetime of a connection that has not bound (RD-129);
# - failed-authentication limits per (IMPI, source) and per source (RD-130).
#   pcscf_limits_e2e_test.sh PCSCF UE MAKE_PKI TESTLIB LIMITS_PEER SIP_PEER
set -uo pipefail
PCSCF=$(realpath "$1")
UE=$(realpath "$2")
MAKE_PKI=$3
source "$4"
LIMITS_PEER=$(realpath "$5")
E2E_NAME=limits
source "$(dirname "$0")/e2e_lib.sh"

# The "CLOSE <how> <s>" line of a linger run: the seconds since it began to connect.
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

# RD-129: the budget is for connections that have not bound: a client that
# registers (200) on a pcscf with a 2 s budget keeps its connection 5 s
# (the pcscf closes nothing: the client sees it still open).
bound_not_limited() {
  start_pcscf lifetime-bound --unbound-lifetime 2 || return 1
  peer "$WORK/bound.out" python3 "$LIMITS_PEER" register --port "$PC_PORT" --ca "$PKI/ca-ec.pem" \
    --impi alice@annexo.test --password secret --hold 5
  stop_pcscf
  local ok=0
  expect "the client registered (200: $(attempt "$WORK/bound.out" 1))" \
    code_is "$WORK/bound.out" 1 200 || ok=1
  annexo_req IMPL-PC-UNBOUND-LIFETIME \
    expect "the bound connection stayed open 5 s, past the 2 s budget ($(grep -E '^(OPEN|CLOSE)' "$WORK/bound.out"))" \
    grep -q '^OPEN ' "$WORK/bound.out" || ok=1
  ((ok == 0)) || show
  return $ok
}

# attempt OUT I: "CODE RETRY-AFTER MS" of the I-th attempt of a register run.
attempt() { awk -v i="$2" '$1 == "ATTEMPT" && $2 == i { sub("retry-after=", "", $4); sub("ms=", "", $5); print $3, $4, $5 }' "$1"; }
# code_is OUT I CODE
code_is() { [[ "$(attempt "$1" "$2" | cut -d' ' -f1)" == "$3" ]]; }
# retry_after_in OUT I LO HI: the attempt's Retry-After is a number in range.
retry_after_in() {
  local r
  r=$(attempt "$1" "$2" | cut -d' ' -f2)
  [[ "$r" =~ ^[0-9]+$ ]] && ((r >= $3 && r <= $4))
}
# fast OUT I MS: the attempt took at most MS milliseconds.
fast() { local t; t=$(attempt "$1" "$2" | cut -d' ' -f3); [[ "$t" =~ ^[0-9]+$ ]] && ((t <= $3)); }

# register_from OUT SOURCE IMPI PASSWORD...: one limits_peer.py register run.
register_from() {
  local out=$1 src=$2 impi=$3
  shift 3
  local pw=() p
  for p in "$@"; do pw+=(--password "$p"); done
  peer "$out" python3 "$LIMITS_PEER" register --port "$PC_PORT" --ca "$PKI/ca-ec.pem" \
    --source "$src" --impi "$impi" "${pw[@]}"
}

# RD-130: limits 3 per (IMPI, source) and 5 per source, blocks of 30 s.
# A guesser on 127.0.0.1 gets 403 three times, then 503 with Retry-After,
# and 503 even for alice's right password (unchecked); alice's right password
# from 127.0.0.2 registers at once (200). A guesser on 127.0.0.3 trying alice
# 3 times and bob twice reaches the per-source limit: bob's third try is 503
# although that pair has only 2 failures; alice from 127.0.0.2 still registers.
auth_failure_limit() {
  start_pcscf authlimit --auth-fail-max 3 --auth-fail-max-source 5 --auth-fail-block 30 || return 1
  local ok=0 g=$WORK/guess.out l1=$WORK/legit1.out s1=$WORK/src-alice.out s2=$WORK/src-bob.out
  local l2=$WORK/legit2.out
  register_from "$g" 127.0.0.1 alice@annexo.test w1 w2 w3 w4 secret
  expect "the guesser ran (exit $PEER_RC)" test "$PEER_RC" -eq 0 || ok=1
  register_from "$l1" 127.0.0.2 alice@annexo.test secret
  register_from "$s1" 127.0.0.3 alice@annexo.test x1 x2 x3
  register_from "$s2" 127.0.0.3 bob@annexo.test y1 y2 y3
  register_from "$l2" 127.0.0.2 alice@annexo.test secret
  stop_pcscf
  local i
  for i in 1 2 3; do
    annexo_req IMPL-PC-AUTH-FAILURE-LIMIT \
      expect "guess $i from 127.0.0.1 is refused 403 ($(attempt "$g" $i))" code_is "$g" $i 403 || ok=1
  done
  annexo_req IMPL-PC-AUTH-FAILURE-LIMIT \
    expect "guess 4 from 127.0.0.1 (over the limit of 3) is answered 503 with Retry-After 1..30 ($(attempt "$g" 4))" \
    bash -c "$(declare -f attempt code_is retry_after_in); code_is '$g' 4 503 && retry_after_in '$g' 4 1 30" || ok=1
  annexo_req IMPL-PC-AUTH-FAILURE-LIMIT \
    expect "the right password from the blocked 127.0.0.1 is refused 503 too, unchecked ($(attempt "$g" 5))" \
    code_is "$g" 5 503 || ok=1
  annexo_req IMPL-PC-AUTH-FAILURE-LIMIT \
    expect "alice's right password from 127.0.0.2 registers (200) at once, under 3 s ($(attempt "$l1" 1))" \
    bash -c "$(declare -f attempt code_is fast); code_is '$l1' 1 200 && fast '$l1' 1 3000" || ok=1
  annexo_req IMPL-PC-AUTH-FAILURE-LIMIT \
    expect "from 127.0.0.3: alice 403 x3, then bob 403 403 ($(cat "$s1" "$s2" | tr '\n' ' '))" \
    bash -c "$(declare -f attempt code_is); code_is '$s1' 1 403 && code_is '$s1' 2 403 && code_is '$s1' 3 403 && code_is '$s2' 1 403 && code_is '$s2' 2 403" || ok=1
  annexo_req IMPL-PC-AUTH-FAILURE-LIMIT \
    expect "bob's third try from 127.0.0.3 is 503 with Retry-After: the per-source limit of 5 ($(attempt "$s2" 3))" \
    bash -c "$(declare -f attempt code_is retry_after_in); code_is '$s2' 3 503 && retry_after_in '$s2' 3 1 30" || ok=1
  annexo_req IMPL-PC-AUTH-FAILURE-LIMIT \
    expect "alice from 127.0.0.2 still registers (200) after both blocks ($(attempt "$l2" 1))" \
    code_is "$l2" 1 200 || ok=1
  ((ok == 0)) || show
  return $ok
}

#= spec#IMPL-PC-UNBOUND-LIFETIME type=test
annexo_case "IMPL-PC-UNBOUND-LIFETIME: a client sending REGISTERs without credentials faster than the idle timeout is closed (close_notify + FIN) at its lifetime budget" unbound_lifetime
#= spec#IMPL-PC-UNBOUND-LIFETIME type=test
annexo_case "IMPL-PC-UNBOUND-LIFETIME: a connection that bound is not closed at the budget (a ue stays 5 s past a 2 s budget)" bound_not_limited
#= spec#IMPL-PC-AUTH-FAILURE-LIMIT type=test
annexo_case "IMPL-PC-AUTH-FAILURE-LIMIT: password guesses are refused 503 + Retry-After after the limit per (IMPI, source) and per source, while the right password from another address registers at once" auth_failure_limit
annexo_finish
