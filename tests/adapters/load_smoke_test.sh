#!/bin/bash
# The load tool (adapters/load) in the regular run, on 127.0.0.1 only: 20 UEs
# of the UE client library in one process against one pcscf for a few
# seconds, with re-registrations, MESSAGEs and churn. Oracles: the pcscf's
# binding dump (SIGUSR1) taken while the UEs are registered, and the summary's
# own arithmetic. Benchmark figures (1 000 / 10 000 UEs) are in
# tests/bench/README.md, not here.
#   load_smoke_test.sh PCSCF LOAD MAKE_PKI TESTLIB
set -uo pipefail
PCSCF=$(realpath "$1")
LOAD=$(realpath "$2")
UE=$LOAD # e2e_lib.sh wants one; no ue runs here
MAKE_PKI=$3
source "$4"
E2E_NAME=loadsmoke
source "$(dirname "$0")/e2e_lib.sh"
: >"$WORK/users"
for i in $(seq -w 1 20); do
  echo "user$i@annexo.test pw$i sip:user$i@annexo.test" >>"$WORK/users"
done

# field LINE-PREFIX NAME FILE: the value of NAME= on the summary line.
field() {
  grep "^$1 " "$3" | head -1 | tr ' ' '\n' | grep "^$2=" | head -1 | cut -d= -f2
}

# dump_lists N: one SIGUSR1 dump of the pcscf (into $DUMP_OUT) lists N
# distinct IMPIs; DUMP_BOUND is the number it listed.
DUMP_BOUND=0
dump_lists() {
  pcscf_dump "$DUMP_OUT" "$DUMP_OUT.last" >/dev/null || return 1
  DUMP_BOUND=$(grep -o '"impi":"user[0-9]*@annexo.test"' "$DUMP_OUT.last" | sort -u | wc -l)
  ((DUMP_BOUND == $1))
}

# run_load NAME USERS [load options...]: the load tool in the background
# against the running pcscf; LOAD_PID, NAME.load.out (summary), NAME.load.err
# (progress). The UEs run the TLS stack $ANNEXO_TLS_STACK (the twin, RD-180).
run_load() {
  local name=$1 users=$2
  shift 2
  timeout 60 "$LOAD" --pcscf "127.0.0.1:$PC_PORT" --pcscf-fqdn pcscf.test --ca "$PKI/ca-ec.pem" \
    --users "$users" --log "$WORK/$name.load.log" --log-format json \
    --tls-stack "${ANNEXO_TLS_STACK:-botan}" "$@" \
    >"$WORK/$name.load.out" 2>"$WORK/$name.load.err" &
  LOAD_PID=$!
  LOGS+=("$WORK/$name.load.err")
}

# 20 UEs register (each IMPI bound once at the pcscf, seen in its dump while
# the run lasts), re-register every ~2 s, send MESSAGEs and are churned; the
# summary says all 20 registered, nothing failed, and its counts add up.
smoke() {
  local ok=0 rc
  start_pcscf smoke --registration-expires 4 || return 1
  run_load smoke "$WORK/users" --ues 20 --rate 50 --duration 7 --expires 4 \
    --message-rate 5 --churn-rate 1
  wait_for "$WORK/smoke.load.err" 'registered=20 ' || ok=1
  # Churn drops one UE a second, so one dump may miss a UE between its drop
  # and its return: dumps are taken until one lists all 20 (each dump read
  # alone, up to its closing {"bindings":N} line) or the budget ends.
  DUMP_OUT=$WORK/smoke.pcscf.out
  wait_until "$E2E_BUDGET" dump_lists 20 || ok=1
  expect "one binding dump of the pcscf lists the 20 IMPIs while the run lasts (last dump: $DUMP_BOUND)" \
    test "$DUMP_BOUND" -eq 20 || ok=1
  wait "$LOAD_PID"
  rc=$?
  ran "load (smoke)" "$rc"
  local s=$WORK/smoke.load.out
  expect "load exits 0: $rc" test "$rc" -eq 0 || ok=1
  local ues reg ff pend ns regs rereg sent mok mfail mcut unans fails drop recov
  ues=$(field "load: summary" ues "$s")
  reg=$(field "load: summary" registered "$s")
  ff=$(field "load: summary" failed_unregistered "$s")
  pend=$(field "load: summary" pending "$s")
  ns=$(field "load: summary" not_started "$s")
  regs=$(grep -o '^load: registrations=[0-9]*' "$s" | cut -d= -f2)
  rereg=$(grep -o '^load: reregistrations=[0-9]*' "$s" | cut -d= -f2)
  sent=$(field "load: messages" sent "$s")
  mok=$(field "load: messages" ok "$s")
  mfail=$(field "load: messages" failed "$s")
  mcut=$(field "load: messages" cut "$s")
  unans=$(field "load: messages" unanswered "$s")
  drop=$(field "load: churn" dropped "$s")
  recov=$(field "load: churn" recovered "$s")
  fails=$(grep -o '^load: failures=[0-9]*' "$s" | cut -d= -f2)
  expect "every UE registered: ues=$ues registered=$reg" test "${reg:-x}" = 20 -a "${ues:-y}" = 20 || ok=1
  expect "no failure: failures=$fails" test "${fails:-x}" = 0 || ok=1
  expect "ues = registered + failed_unregistered + pending + not_started" \
    test "$ues" -eq $((reg + ff + pend + ns)) || ok=1
  expect "one first registration per registered UE: $regs" test "$regs" -eq "$reg" || ok=1
  expect "re-registrations happened (expires 4 s): $rereg" test "${rereg:-0}" -gt 0 || ok=1
  expect "MESSAGEs sent, each answered 2xx or cut by churn: sent=$sent ok=$mok failed=$mfail cut=$mcut unanswered=$unans" \
    test "${sent:-0}" -gt 0 -a "$sent" -eq $((mok + mfail + mcut + unans)) -a "$mfail" -eq 0 -a "$unans" -eq 0 || ok=1
  expect "churn: every dropped UE registered again: dropped=$drop recovered=$recov" \
    test "${drop:-0}" -gt 0 -a "${recov:-x}" = "${drop:-y}" || ok=1
  ((ok == 0)) || { cat "$s"; tail -2 "$WORK/smoke.load.err"; tail -2 "$PC_LOG" | cut -c1-200; }
  stop_pcscf
  return $ok
}

# One user of the load's file has a wrong password: the summary counts that
# failure by cause (the ue's exit 4 with its requirement), the 19 others
# register, the counts still add up, and the tool exits 2.
wrong_password() {
  local ok=0 rc
  start_pcscf wrongpw || return 1
  sed 's/^user07@annexo.test pw07 /user07@annexo.test wrong /' "$WORK/users" >"$WORK/users.bad"
  run_load wrongpw "$WORK/users.bad" --ues 20 --rate 50 --duration 3
  wait "$LOAD_PID"
  rc=$?
  ran "load (wrong password)" "$rc"
  local s=$WORK/wrongpw.load.out
  expect "load exits 2: $rc" test "$rc" -eq 2 || ok=1
  expect "19 registered" grep -q '^load: summary ues=20 registered=19 failed_unregistered=1 pending=0 not_started=0 ' "$s" || ok=1
  expect "one failure, by cause: exit 4 and the authentication requirement" \
    grep -q '^load: failure count=1 cause=exit 4 O.3.1.1' "$s" || ok=1
  expect "failures=1" grep -q '^load: failures=1$' "$s" || ok=1
  ((ok == 0)) || { cat "$s"; tail -2 "$PC_LOG" | cut -c1-200; }
  stop_pcscf
  return $ok
}

# A trust-anchor file the UEs cannot read: each UE ends at start-up (the ue's
# exit 1) and the summary counts every one of them, exit 2.
bad_ca() {
  local ok=0 rc
  start_pcscf badca || return 1
  timeout 60 "$LOAD" --pcscf "127.0.0.1:$PC_PORT" --pcscf-fqdn pcscf.test --ca "$WORK/no-such-ca.pem" \
    --users "$WORK/users" --ues 3 --duration 2 >"$WORK/badca.load.out" 2>"$WORK/badca.load.err"
  rc=$?
  local s=$WORK/badca.load.out
  expect "load exits 2: $rc" test "$rc" -eq 2 || ok=1
  expect "the 3 UEs failed before registering" \
    grep -q '^load: summary ues=3 registered=0 failed_unregistered=3 pending=0 not_started=0 ' "$s" || ok=1
  expect "one cause, 3 times: the ue's start-up exit 1" grep -q '^load: failure count=3 cause=exit 1$' "$s" || ok=1
  ((ok == 0)) || cat "$s"
  stop_pcscf
  return $ok
}

annexo_case "load: 20 UEs on one loop all register (the pcscf's dump has each IMPI), re-register, send MESSAGEs, survive churn; the summary adds up" smoke
annexo_case "load: a wrong password is one failure by cause in the summary, the others register, exit 2" wrong_password
annexo_case "load: UEs that cannot start (unreadable --ca) are all counted as failures, exit 2" bad_ca
annexo_finish
