# shellcheck shell=bash
# Shared helpers of annexo's interop tests (sourced, not run).
#
# Rules (issue 7, test-peers.md): everything on loopback on free ports; tools
# that bind all interfaces run in a private network namespace; every server
# a test starts is recorded and stopped by its own PID on exit.

set -uo pipefail
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:$PATH

# (A re-run inside a network namespace, iop_in_netns, keeps its caller's.)
IOP_TMP=${IOP_INHERIT_TMP:-${TEST_TMPDIR:-$(mktemp -d)}/interop.$$}
mkdir -p "$IOP_TMP"
IOP_PIDS=()
IOP_FAILS=0
IOP_CASES=0

# Stops every server this shell started (by PID), waiting for each to exit.
iop_cleanup() {
  local p
  for p in "${IOP_PIDS[@]:-}"; do
    [ -n "$p" ] && iop_stop "$p"
  done
  IOP_PIDS=()
}
trap iop_cleanup EXIT

# Issue 14: the TLS stack pcscf runs is ANNEXO_TLS_STACK (set per target by
# interop_test's tls_stacks). A script that set PCSCF before sourcing this
# file gets a launcher in its place that execs the same program with
# --tls-stack first (same PID, same exit code, same output).
iop_tls_stack_launcher() { # program dir -> prints the launcher's path
  if [ -z "${ANNEXO_TLS_STACK:-}" ]; then
    printf '%s' "$1"
    return
  fi
  printf '#!/bin/sh\nexec "%s" --tls-stack "%s" "$@"\n' "$1" "$ANNEXO_TLS_STACK" >"$2/pcscf"
  chmod +x "$2/pcscf"
  printf '%s' "$2/pcscf"
}
[ -n "${PCSCF:-}" ] && PCSCF=$(iop_tls_stack_launcher "$PCSCF" "$IOP_TMP")

iop_log() { echo "[interop] $*"; }
iop_pass() { IOP_CASES=$((IOP_CASES + 1)); echo "PASS $*"; }
iop_fail() { IOP_CASES=$((IOP_CASES + 1)); IOP_FAILS=$((IOP_FAILS + 1)); echo "FAIL $*"; }
iop_check() { # description command... : passes when the command succeeds
  local d=$1
  shift
  if "$@"; then iop_pass "$d"; else iop_fail "$d"; iop_diag; fi
}

# Ends the test: non-zero when a case failed or none ran.
iop_finish() {
  iop_cleanup
  echo "[interop] $IOP_CASES case(s), $IOP_FAILS failure(s)"
  [ "$IOP_CASES" -gt 0 ] && [ "$IOP_FAILS" -eq 0 ]
}

# Budget (seconds) for anything awaited: a server listening, an answer, a
# capture starting. Generous, because a loaded machine is slow; nothing ever
# sleeps for a fixed time, so a fast machine does not pay for it.
IOP_BUDGET=${IOP_BUDGET:-30}

# iop_await BUDGET-SECONDS command...: polls the command every 20 ms until it
# succeeds (0) or the budget runs out (1).
iop_await() {
  local budget=$1
  shift
  local end=$((SECONDS + budget))
  while :; do
    "$@" && return 0
    ((SECONDS >= end)) && break
    sleep 0.02
  done
  "$@"
}

# Commands and exit codes of this case's peers, for iop_diag.
iop_note() { printf '%s\n' "$*" >>"$IOP_TMP/commands.txt"; }

# iop_diag: why a case failed: the commands run with their exit codes and the
# last lines of every peer log of this case ($IOP_TMP).
iop_diag() {
  echo "--- commands run (exit codes):"
  tail -12 "$IOP_TMP/commands.txt" 2>/dev/null
  local f
  for f in "$IOP_TMP"/*.log "$IOP_TMP"/*.out "$IOP_TMP"/*.txt "$IOP_TMP"/*/*.log; do
    [ -f "$f" ] || continue
    case ${f##*/} in commands.txt | case.err) continue ;; esac
    echo "--- last lines of ${f#"$IOP_TMP"/}:"
    # (tshark's capture canaries left out)
    grep -av -e '^$' -e ' UDP .*Len=[17]$' "$f" | tail -8 | cut -c1-300
  done
}

# iop_case fn args...: runs one case in its own directory ($IOP_TMP/case.N,
# so every log and output belongs to this case), stops every server it
# started, and on failure (non-zero return or a failed annexo_req) prints
# the function and its exit code, the peers' commands with their exit codes
# and the last lines of each peer's log.
IOP_CASE_N=0
iop_case() {
  IOP_CASE_N=$((IOP_CASE_N + 1))
  local IOP_TMP=$IOP_TMP/case.$IOP_CASE_N.$BASHPID
  mkdir -p "$IOP_TMP"
  local rc=0
  # The case's own stderr (failed assertions, its reasons) is printed last,
  # after the peers' logs, so that a truncated report still shows it.
  "$@" 2>"$IOP_TMP/case.err" || rc=$?
  iop_cleanup 2>>"$IOP_TMP/case.err"
  local failed_req=0
  if [ -n "${ANNEXO_REQ_NOTES:-}" ] && grep -q $'\tfailed$' "$ANNEXO_REQ_NOTES" 2>/dev/null; then failed_req=1; fi
  # 77 with annexo_skip's reason written: the case was skipped in this
  # variant (testlib.sh); annexo_case treats any other 77 as a failure.
  local skipped=0
  if ((rc == 77)) && [ -s "${ANNEXO_SKIP_NOTE:-/nonexistent}" ]; then skipped=1; fi
  if (((rc != 0 && skipped == 0) || failed_req != 0)); then
    echo "=== case command: $* -> exit $rc"
    iop_diag
    echo "=== why (failed assertions and errors of the case):"
  fi
  cat "$IOP_TMP/case.err" >&2
  return $rc
}

# True when nothing uses TCP/UDP PORT on this host (listening or connected).
iop_port_unused() {
  ! ss -Htuan "( sport = :$1 or dport = :$1 )" | grep -q .
}

# A TCP port nobody uses (checked with ss), in 20000-32767: below the
# kernel's ephemeral range (32768-60999), so no outgoing connection of
# another process on this busy machine takes it between check and bind.
iop_free_port() {
  local p
  for _ in $(seq 1 200); do
    p=$((20000 + RANDOM % 12768))
    if iop_port_unused "$p"; then
      echo "$p"
      return 0
    fi
  done
  echo "no free port" >&2
  return 1
}

# Fails loudly when something already listens on PORT (a server that failed to
# bind would otherwise let the probe talk to whoever holds the port).
iop_require_free() {
  if ss -Htln "sport = :$1" | grep -q .; then
    echo "[interop] port $1 is already taken (listening): $(ss -Htlnp "sport = :$1")" >&2
    return 1
  fi
}

_iop_listening() { # port [pid-in-netns]
  if [ -n "${2:-}" ]; then
    nsenter -t "$2" -n ss -Htln "sport = :$1" | grep -q .
  else
    ss -Htln "sport = :$1" | grep -q .
  fi
}
_iop_listening_or_dead() { # port ns pid
  _iop_listening "$1" "$2" && return 0
  [ -n "$3" ] && ! kill -0 "$3" 2>/dev/null && return 0
  return 1
}

# iop_wait_listen PORT [NETNS_PID] [SERVER_PID] [SERVER_LOG]: waits (budget
# $IOP_BUDGET s) until something listens on PORT (TCP); with SERVER_PID it
# fails as soon as that server has exited (and prints its log's last lines).
iop_wait_listen() {
  local port=$1 ns=${2:-} pid=${3:-} log=${4:-}
  iop_await "$IOP_BUDGET" _iop_listening_or_dead "$port" "$ns" "$pid"
  if _iop_listening "$port" "$ns" && { [ -z "$pid" ] || kill -0 "$pid" 2>/dev/null; }; then
    return 0
  fi
  if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then
    echo "server pid $pid exited before listening on port $port" >&2
  else
    echo "nothing listens on port $port after ${IOP_BUDGET}s" >&2
  fi
  [ -n "$log" ] && [ -f "$log" ] && tail -5 "$log" >&2
  return 1
}

# Starts a background server, recording its PID: iop_start NAME cmd...
# Output goes to $IOP_TMP/NAME.log; the PID is in $IOP_LAST_PID; stdin is
# $IOP_STDIN (default /dev/null).
iop_start() {
  local name=$1
  shift
  # Truncated here, not only by the background job's redirection: a waiter
  # must never read an earlier run's log.
  : >"$IOP_TMP/$name.log"
  "$@" <"${IOP_STDIN:-/dev/null}" >"$IOP_TMP/$name.log" 2>&1 &
  IOP_LAST_PID=$!
  IOP_PIDS+=("$IOP_LAST_PID")
  iop_note "started $name (pid $IOP_LAST_PID): $*"
}

# iop_run NAME cmd...: runs a client to completion, its exit code noted for
# iop_diag and returned.
iop_run() {
  local name=$1 rc=0
  shift
  "$@" || rc=$?
  iop_note "$name: $* -> exit $rc"
  return $rc
}

_iop_gone() { ! kill -0 "$1" 2>/dev/null; }
# Stops one server by its PID (TERM, then KILL after 5 s).
iop_stop() {
  local p=$1
  kill "$p" 2>/dev/null
  iop_await 5 _iop_gone "$p" || kill -9 "$p" 2>/dev/null
  wait "$p" 2>/dev/null
  return 0
}

# The interop_test macro's tls_stacks twins (defs.bzl) set ANNEXO_TLS_STACK:
# `UE=$(iop_ue_stack "$UE")` makes every ue the script starts run that TLS
# stack (ue --tls-stack, RD-180; a case's own options come after it).
# IOP_UE_STACK names it.
IOP_UE_STACK=${ANNEXO_TLS_STACK:-botan}
iop_ue_stack() {
  [ -z "${ANNEXO_TLS_STACK:-}" ] && { echo "$1"; return 0; }
  local w=$IOP_TMP/ue-$IOP_UE_STACK
  printf '#!/bin/bash\nexec %q --tls-stack %q "$@"\n' "$(realpath "$1")" "$IOP_UE_STACK" >"$w"
  chmod +x "$w"
  echo "$w"
}

# Generates the test PKI once per test into $IOP_TMP/pki.
iop_pki() { # make_pki.sh
  IOP_PKI=$IOP_TMP/pki
  "$1" "$IOP_PKI" >/dev/null || { echo "make_pki.sh failed" >&2; exit 1; }
}

# A users file for pcscf with one subscriber.
IOP_IMPI=alice@ims.test
IOP_IMPU=sip:alice@ims.test
IOP_PASSWORD=alice-secret-1
IOP_REALM=ims.test
iop_users_file() {
  printf '# annexo interop test user\n%s %s %s\n' "$IOP_IMPI" "$IOP_PASSWORD" "$IOP_IMPU" >"$IOP_TMP/users.txt"
  echo "$IOP_TMP/users.txt"
}

# --- drivers of pcscf alone ----------------------------------------------------
# pcscf_tls_peers.sh, pcscf_sip_peers.sh, pcscf_tls13_peers.sh,
# pcscf_baresip_tls13.sh and pcscf_scanners.sh get PCSCF MAKE_PKI TESTLIB
# (interop_test, defs.bzl) and begin with
#   IOP_SCRIPT=$(realpath "${BASH_SOURCE[0]}")
#   source "$(dirname "$IOP_SCRIPT")/lib.sh"
#   source "$3"  # testlib.sh: at top level, it names the script that sources it
#   iop_pcscf_driver "$1" "$2"
# iop_pcscf_driver PCSCF MAKE_PKI: PCSCF (a launcher on the target's TLS
# stack, iop_tls_stack_launcher), the test PKI (IOP_PKI), USERS (one
# subscriber) and CA (ca-ec.pem, the root of pcscf-ec).
iop_pcscf_driver() {
  PCSCF=$(iop_tls_stack_launcher "$(realpath "$1")" "$IOP_TMP")
  iop_pki "$2"
  USERS=$(iop_users_file)
  # shellcheck disable=SC2034 # read by the drivers
  CA=$IOP_PKI/ca-ec.pem
}
# iop_start_pcscf NAME [KEY-TYPE [pcscf args...]]: PC_PID, PC_PORT, PC_LOG
# (JSON decision log). KEY-TYPE ec (default) or rsa: the pcscf-ec /
# pcscf-rsa certificate. Waits until it listens; if it exited first (its
# port taken meanwhile), tries another port.
iop_start_pcscf() {
  local kt=${2:-ec} try
  PC_LOG=$IOP_TMP/$1.pcscf.log
  for try in 1 2 3 4 5; do
    PC_PORT=$(iop_free_port) || return 1
    "$PCSCF" --listen "127.0.0.1:$PC_PORT" --cert "$IOP_PKI/pcscf-$kt.pem" --key "$IOP_PKI/pcscf-$kt.key" \
      --users "$USERS" --realm "$IOP_REALM" --log-format json "${@:3}" 2>"$PC_LOG" &
    PC_PID=$!
    IOP_PIDS+=("$PC_PID")
    iop_note "started pcscf $1 (pid $PC_PID) on 127.0.0.1:$PC_PORT"
    iop_wait_listen "$PC_PORT" "" "$PC_PID" "$PC_LOG" && return 0
    kill -0 "$PC_PID" 2>/dev/null && return 1
  done
  return 1
}
# not command...: true when the command fails (an assertion that something
# did not happen: `annexo_req ID not grep ...`).
not() { ! "$@"; }

# Hosts file mapping pcscf.test (and ims.test) to 127.0.0.1, for tools that
# must resolve the name (sipsak); used with iop_with_hosts.
iop_hosts_file() {
  printf '127.0.0.1 localhost\n127.0.0.1 pcscf.test\n127.0.0.1 ims.test\n' >"$IOP_TMP/hosts"
  echo "$IOP_TMP/hosts"
}
# Runs a command in a private mount namespace where /etc/hosts is ours.
iop_with_hosts() {
  local h
  h=$(iop_hosts_file)
  unshare -m sh -c 'mount --bind "$0" /etc/hosts && exec "$@"' "$h" "$@"
}

# --- Kamailio -----------------------------------------------------------------
# iop_kamailio NAME PORT CERT KEY ALGORITHM METHOD [PASSWORD]
# Starts Kamailio as a TLS registrar with Digest on 127.0.0.1:PORT (config
# tests/interop/kamailio/registrar.cfg, with "#!define X" for each X in
# $IOP_KAM_DEFINES); METHOD is its TLS method (TLSv1.2,
# TLSv1.2+). Sets IOP_KAM_PID and IOP_KAM_LOG. Kamailio stays in the
# foreground (-DD) so its PID is the one we stop.
IOP_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
iop_kamailio() {
  local name=$1 port=$2 cert=$3 key=$4 alg=$5 method=$6 pw=${7:-$IOP_PASSWORD}
  local d=$IOP_TMP/$name
  mkdir -p "$d"
  sed -e "s|@KEY@|$key|; s|@CERT@|$cert|; s|@METHOD@|$method|g" "$IOP_DIR/kamailio/tls.cfg.in" >"$d/tls.cfg"
  sed -e "s|@PORT@|$port|; s|@TLSCFG@|$d/tls.cfg|; s|@REALM@|$IOP_REALM|g; s|@PASSWORD@|$pw|g; s|@ALGORITHM@|$alg|" \
    "$IOP_DIR/kamailio/registrar.cfg" >"$d/kamailio.cfg"
  local def
  for def in ${IOP_KAM_DEFINES:-}; do sed -i "1a #!define $def" "$d/kamailio.cfg"; done
  iop_require_free "$port" || return 1
  kamailio -c -f "$d/kamailio.cfg" >"$d/check.log" 2>&1 || { cat "$d/check.log"; return 1; }
  iop_start "$name" kamailio -DD -E -f "$d/kamailio.cfg" -w "$d" -Y "$d" -P "$d/kamailio.pid"
  IOP_KAM_PID=$IOP_LAST_PID
  IOP_KAM_LOG=$IOP_TMP/$name.log
  iop_wait_listen "$port" "" "$IOP_KAM_PID" "$IOP_KAM_LOG"
}

# --- SIP user agents --------------------------------------------------------------
# iop_sipsak PORT CAFILE PASSWORD -> exit code of sipsak (0 registered, 2 auth
# failed, 3 certificate problem); output in $IOP_TMP/sipsak.out. Verifies the
# server certificate against CAFILE for pcscf.test (needs -vvv, test-peers.md).
iop_sipsak() {
  local port=$1 ca=$2 pw=$3
  iop_with_hosts sipsak -U -vvv -H 127.0.0.1 -s "sip:alice@pcscf.test" --remote-port "$port" \
    --transport tls --tls-ca-cert "$ca" -a "$pw" --auth-username "$IOP_IMPI" -x 60 \
    >"$IOP_TMP/sipsak.out" 2>&1
}

# iop_baresip PORT PASSWORD -> 0 when baresip printed "200 OK ... [1 binding]".
# baresip always exits 0 and never verifies the certificate (test-peers.md), so
# the verdict is read from its output ($IOP_TMP/baresip.out, line-buffered).
# baresip stays until its registration has an outcome (a 200, or a final
# 401/403) or the budget runs out, and is then stopped: no fixed run time.
# It listens on LOCALPORT and LOCALPORT+1 (TLS), so both must be free.
# While this harness was developed, baresip 1.0.0 sometimes reported
# "Register: Connection refused" although the server listened (checked with
# ss). That was seen together with a since-fixed race (the outcome was read
# from the previous run's output file, so baresip was stopped while it
# connected) and has not been seen since; as a safety net such a run is
# repeated, up to 3 times, and noted in commands.txt. A SIP outcome is never
# repeated.
_iop_baresip_outcome() { # out pid
  grep -Eq '200 OK .*\[[0-9]+ bindings?\]|: 40[0-9] |: 5[0-9][0-9] |Register: Connection refused' "$1" 2>/dev/null ||
    ! kill -0 "$2" 2>/dev/null
}
iop_baresip() {
  local port=$1 pw=$2 lp try
  local d=$IOP_TMP/baresip
  for try in 1 2 3; do
    rm -rf "$d"
    mkdir -p "$d"
    for _ in $(seq 1 50); do
      lp=$(iop_free_port) || return 1
      iop_port_unused $((lp + 1)) && break
    done
    sed -e "s/@LOCALPORT@/$lp/" "$IOP_DIR/baresip/config.in" >"$d/config"
    sed -e "s|@IMPU@|$IOP_IMPU|; s|@IMPI@|$IOP_IMPI|; s|@PASSWORD@|$pw|; s|@PORT@|$port|" \
      "$IOP_DIR/baresip/accounts.in" >"$d/accounts"
    printf '%s' 5a0b7a96-7b9e-4e54-9b53-1f2a3c4d5e6f >"$d/uuid"
    : >"$IOP_TMP/baresip.out"
    stdbuf -oL -eL baresip -f "$d" -t $((IOP_BUDGET + 30)) >"$IOP_TMP/baresip.out" 2>&1 &
    local pid=$!
    iop_await "$IOP_BUDGET" _iop_baresip_outcome "$IOP_TMP/baresip.out" "$pid" ||
      echo "[interop] baresip had no registration outcome within ${IOP_BUDGET}s"
    iop_stop "$pid"
    grep -q 'Register: Connection refused' "$IOP_TMP/baresip.out" || break
    iop_note "baresip run $try: 'Register: Connection refused' with the server listening: $(ss -Htln "sport = :$port" | tr -s ' ')"
    cat "$IOP_TMP/baresip.out" >>"$IOP_TMP/baresip.refused.txt"
  done
  if grep -Eq '200 OK .*\[[0-9]+ bindings?\]' "$IOP_TMP/baresip.out"; then return 0; fi
  echo "[interop] baresip did not register; its last lines:"
  grep -v '^$' "$IOP_TMP/baresip.out" | tail -4 | sed 's/^/[interop]   /'
  return 1
}

# --- OpenSSL / GnuTLS peers -----------------------------------------------------
# iop_s_server NAME PORT CERT KEY [openssl s_server args...]
# Starts `openssl s_server -trace` on 127.0.0.1:PORT with stdin held open
# through a FIFO (s_server must not see EOF); `iop_s_server_say NAME TEXT`
# writes to it ("r" sends a HelloRequest). PORT "-" picks a free port, and
# picks another when the server could not bind it. Sets IOP_LAST_PID and
# IOP_PORT once the server listens.
iop_s_server() {
  local name=$1 port=$2 cert=$3 key=$4 try
  shift 4
  for try in 1 2 3 4 5; do
    if [ "$port" = - ] || ((try > 1)); then
      IOP_PORT=$(iop_free_port) || return 1
    else
      IOP_PORT=$port
    fi
    iop_require_free "$IOP_PORT" || { [ "$port" = - ] && continue; return 1; }
    local fifo=$IOP_TMP/$name.stdin
    rm -f "$fifo"
    mkfifo "$fifo"
    exec {IOP_FIFO_FD}<>"$fifo"
    IOP_FIFO_FDS+=("$IOP_FIFO_FD")
    IOP_STDIN=$fifo iop_start "$name" openssl s_server -accept "127.0.0.1:$IOP_PORT" -cert "$cert" -key "$key" -no_ticket -trace "$@"
    iop_wait_listen "$IOP_PORT" "" "$IOP_LAST_PID" "$IOP_TMP/$name.log" && return 0
    # Exited before listening (the port was taken meanwhile): a new port, if ours to pick.
    kill -0 "$IOP_LAST_PID" 2>/dev/null && return 1
    [ "$port" = - ] || return 1
  done
  return 1
}
IOP_FIFO_FDS=()
# iop_s_server_wait_exit PID: waits (budget) until an s_server started with
# -naccept 1 has ended on its own (its -trace output is then complete),
# stopping it otherwise.
iop_s_server_wait_exit() {
  iop_await "$IOP_BUDGET" _iop_gone "$1" || echo "s_server $1 did not exit after its connection" >&2
  iop_stop "$1"
}
iop_s_server_say() { printf '%s\n' "$2" >"$IOP_TMP/$1.stdin"; }

# Events of an OpenSSL -trace output, one per line: "recv|sent MESSAGE" for
# each handshake message and "recv|sent alert N" for each alert (N the
# AlertDescription number as it was on the wire).
iop_trace_events() {
  awk '/^Received Record/ { d = "recv" } /^Sent Record/ { d = "sent" }
    /Level=.*description=/ { n = $0; sub(/.*\(/, "", n); sub(/\).*/, "", n); print d, "alert", n }
    /^    [A-Za-z]+, Length=[0-9]+$/ { m = $1; sub(/,$/, "", m); print d, m }' "$1"
}
# Alert numbers the peer whose -trace output is FILE received.
iop_trace_alerts_received() { iop_trace_events "$1" | awk '$1 == "recv" && $2 == "alert" { print $3 }'; }
# iop_trace_alert_received FILE N: the peer received alert N and no other fatal one.
iop_trace_alert_received() {
  local got
  got=$(iop_trace_alerts_received "$1" | tr '\n' ' ')
  [ "$got" = "$2 " ] && return 0
  echo "alerts received by the peer: '${got}', want exactly $2" >&2
  return 1
}

_iop_expect_or_gone() { # file pattern pid
  { [ -n "$2" ] && grep -Eq "$2" "$1"; } && return 0
  ! kill -0 "$3" 2>/dev/null
}

# _iop_tls_client OUT INPUT EXPECT cmd...: runs a TLS client whose stdin is
# a FIFO; writes INPUT (printf %b) to it, keeps it open until OUT matches the
# extended regex EXPECT (or the client exits; budget $IOP_BUDGET s), then
# closes it and waits for the client. Returns the client's exit code.
_iop_tls_client() {
  local out=$1 input=$2 expect=$3
  shift 3
  local fifo=$IOP_TMP/client.$BASHPID.stdin fd pid rc=0
  rm -f "$fifo"
  mkfifo "$fifo"
  exec {fd}<>"$fifo"
  : >"$out"  # never let the waiter below read the previous client's output
  timeout $((IOP_BUDGET + 10)) "$@" <"$fifo" >"$out" 2>&1 {fd}>&- &
  pid=$!
  [ -n "$input" ] && printf '%b' "$input" >&"$fd"
  [ -n "$expect" ] && iop_await "$IOP_BUDGET" _iop_expect_or_gone "$out" "$expect" "$pid"
  exec {fd}>&-
  wait "$pid" || rc=$?
  rm -f "$fifo"
  iop_note "$* -> exit $rc"
  return $rc
}

# iop_s_client PORT CAFILE INPUT [openssl s_client args...] -> s_client's exit
# code; output (with -trace) in $IOP_TMP/s_client.out. Verifies the server as
# pcscf.test against CAFILE and fails on a verification error. INPUT is sent
# after the handshake; when INPUT is not empty s_client stays until a SIP
# status line arrives (or the regex $IOP_EXPECT, "" for none) or the server
# closes.
iop_s_client() {
  local port=$1 ca=$2 input=$3
  shift 3
  local expect=""
  [ -n "$input" ] && expect='^SIP/2.0 [0-9]{3} '
  expect=${IOP_EXPECT-$expect}
  _iop_tls_client "$IOP_TMP/s_client.out" "$input" "$expect" \
    openssl s_client -connect "127.0.0.1:$port" -servername pcscf.test \
    -verify_hostname pcscf.test -verify_return_error -CAfile "$ca" -no_ticket -nocommands -trace "$@"
}

# Protocol and cipher negotiated by the last s_client ("" when none).
# (s_client prints the attempted protocol even when the handshake failed, so
# a "Cipher is (NONE)" session counts as none.)
iop_s_client_protocol() {
  grep -q 'Cipher is (NONE)' "$IOP_TMP/s_client.out" && return 0
  sed -n 's/^ *Protocol *: *//p' "$IOP_TMP/s_client.out" | head -1
}
iop_s_client_cipher() {
  grep -q 'Cipher is (NONE)' "$IOP_TMP/s_client.out" && return 0
  sed -n 's/^ *Cipher *: *//p' "$IOP_TMP/s_client.out" | head -1
}
# Session-ID printed by the last s_client ("" when empty).
iop_s_client_session_id() { sed -n 's/^ *Session-ID: *//p' "$IOP_TMP/s_client.out" | head -1; }
# True when the last s_client received a CertificateRequest (on the wire, -trace).
iop_s_client_saw_certreq() { iop_trace_events "$IOP_TMP/s_client.out" | grep -qx 'recv CertificateRequest'; }

# Runs this test script again inside a private network namespace with lo up,
# calling the function named by $1 with the remaining arguments. For tools
# that bind all interfaces (gnutls-serv). The script must call
# iop_netns_dispatch "$@" before its own main part.
iop_in_netns() {
  IOP_INHERIT_TMP=$IOP_TMP unshare -n -- bash -c 'ip link set lo up && exec bash "$0" --iop-netns "$@"' "$IOP_SCRIPT" "$@"
}
iop_netns_dispatch() {
  if [ "${1:-}" = "--iop-netns" ]; then
    shift
    local fn=$1
    shift
    "$fn" "$@"
    exit $?
  fi
}

# gnutls-serv on PORT (all interfaces: only inside iop_in_netns).
# iop_gnutls_serv NAME PORT CERT KEY [gnutls-serv args...]
iop_gnutls_serv() {
  local name=$1 port=$2 cert=$3 key=$4
  shift 4
  iop_require_free "$port" || return 1
  iop_start "$name" gnutls-serv -p "$port" --x509certfile "$cert" --x509keyfile "$key" "$@"
  iop_wait_listen "$port" "" "$IOP_LAST_PID" "$IOP_TMP/$name.log"
}
# iop_gnutls_cli PORT CAFILE INPUT [gnutls-cli args...] -> exit code; output in
# $IOP_TMP/gnutls-cli.out. Verifies the server as pcscf.test against CAFILE.
# Waits for an answer like iop_s_client.
iop_gnutls_cli() {
  local port=$1 ca=$2 input=$3
  shift 3
  local expect=""
  [ -n "$input" ] && expect='SIP/2.0 [0-9]{3} '
  expect=${IOP_EXPECT-$expect}
  _iop_tls_client "$IOP_TMP/gnutls-cli.out" "$input" "$expect" \
    gnutls-cli -p "$port" --x509cafile "$ca" --verify-hostname pcscf.test --noticket "$@" 127.0.0.1
}

# A SIP REGISTER without credentials, for raw TLS clients. Arguments:
# branch (empty: no branch parameter), extra header lines. The text is
# printed with backslash escapes (\r\n as two characters each), because
# iop_s_client / iop_gnutls_cli expand them with printf %b and a command
# substitution would strip a real trailing CRLF.
iop_register_text() {
  local branch=$1 extra=${2:-}
  local b="" c='\r\n'
  [ -n "$branch" ] && b=";branch=$branch"
  printf '%s' "REGISTER sip:ims.test SIP/2.0${c}Via: SIP/2.0/TLS 127.0.0.1:5070${b}${c}Max-Forwards: 70${c}"
  printf '%s' "From: <$IOP_IMPU>;tag=t1${c}To: <$IOP_IMPU>${c}Call-ID: iop-$RANDOM@127.0.0.1${c}CSeq: 1 REGISTER${c}"
  printf '%s' "Contact: <sip:alice@127.0.0.1:5070;transport=tls>${c}Expires: 600${c}${extra}Content-Length: 0${c}${c}"
}

# --- tshark: passive observer on lo (root) -----------------------------------------
# iop_tshark_start NAME PORT: captures TCP PORT on lo into $IOP_TMP/NAME.pcap
# and returns once the capture really runs: tshark prints "Capturing on"
# before it does, so UDP canaries to a second port are sent until tshark
# shows one (no fixed pause). iop_tshark_stop NAME sends an end canary,
# waits until tshark has seen it (so every packet before it is in the
# capture), stops tshark by PID and writes one line per handshake record to
# $IOP_TMP/NAME.txt: "types<TAB>session_id_length<TAB>ciphersuites".
_iop_canary() { # log src dst len: sends one canary, true once tshark printed one
  printf '%*s' "$4" '' >/dev/udp/127.0.0.1/"$3" 2>/dev/null
  grep -E "Len=$4([^0-9]|$)" "$1" | grep -Eq "(^|[^0-9])$3([^0-9]|$)"
}
iop_tshark_start() {
  local name=$1 port=$2
  IOP_TSHARK_CANARY=$(iop_free_port) || return 1
  iop_start "$name" tshark -i lo -f "tcp port $port or udp port $IOP_TSHARK_CANARY" -w "$IOP_TMP/$name.pcap" -P -l
  IOP_TSHARK_PID=$IOP_LAST_PID
  if iop_await "$IOP_BUDGET" _iop_canary "$IOP_TMP/$name.log" 0 "$IOP_TSHARK_CANARY" 1; then return 0; fi
  echo "tshark did not capture its start canary within ${IOP_BUDGET}s:" >&2
  tail -5 "$IOP_TMP/$name.log" >&2
  return 1
}
iop_tshark_stop() {
  local name=$1
  iop_await "$IOP_BUDGET" _iop_canary "$IOP_TMP/$name.log" 0 "$IOP_TSHARK_CANARY" 7 ||
    echo "tshark did not capture its end canary within ${IOP_BUDGET}s" >&2
  iop_stop "$IOP_TSHARK_PID"
  tshark -r "$IOP_TMP/$name.pcap" -Y tls.handshake -T fields -e tls.handshake.type \
    -e tls.handshake.session_id_length -e tls.handshake.ciphersuite >"$IOP_TMP/$name.txt"
}
# iop_tshark_tcp NAME: one line per TCP segment of the capture:
# "frame<TAB>srcport<TAB>fin<TAB>tls content types" (FIN 1/0; 21 is an alert,
# 23 application data, encrypted alerts included).
# TLS 1.3 (issue 14) hides the content type: every record after the
# ServerHello is application_data (23) on the wire. When the peer wrote its
# session keys to $IOP_TMP/NAME.keys (SSLKEYLOGFILE, NSS key log format:
# GnuTLS and OpenSSL's s_client -keylogfile write it), tshark decrypts the
# records with the peer's keys and prints the inner content type, so an
# encrypted close_notify shows as 21: still read off the wire, at the peer's
# side of it (a wrong key would fail the AEAD check and show nothing).
iop_tshark_tcp() {
  local keys=()
  [ -s "$IOP_TMP/$1.keys" ] && keys=(-o "tls.keylog_file:$IOP_TMP/$1.keys")
  tshark -r "$IOP_TMP/$1.pcap" "${keys[@]}" -Y tcp -T fields -e frame.number -e tcp.srcport \
    -e tcp.flags.fin -e tls.record.content_type
}
# iop_tshark_closed_first NAME PORT [other]: on the wire, the side on PORT
# (with "other": the side that is not on PORT) sent a TLS alert record (its
# close_notify, or a fatal alert) and a FIN, and its alert came before any
# FIN of the other side: that side closed the connection, it did not merely
# answer the other side's close.
iop_tshark_closed_first() {
  local t
  t=$(iop_tshark_tcp "$1")
  awk -F'\t' -v p="$2" -v inv="${3:-}" '
    { me = (inv == "other") ? ($2 != p) : ($2 == p) }
    me && $4 ~ /(^|,)21(,|$)/ && !alert { alert = $1 }
    me && ($3 == 1 || $3 == "True") && !fin { fin = $1 }
    !me && ($3 == 1 || $3 == "True") && !other { other = $1 }
    END { exit !(alert && fin && (!other || alert < other)) }' <<<"$t" && return 0
  echo "on the wire (frame, srcport, fin, tls types), want an alert record and a FIN from ${3:+the side other than }port $2 before the other side's FIN:" >&2
  printf '%s\n' "$t" | tail -12 >&2
  return 1
}
# iop_no_established PORT: no ESTABLISHED (or CLOSE-WAIT) TCP connection
# with PORT is left on this host, waiting up to $IOP_BUDGET s for the close.
_iop_no_conn() { ! ss -Htn state established state close-wait "( sport = :$1 or dport = :$1 )" | grep -q .; }
iop_no_established() {
  iop_await "$IOP_BUDGET" _iop_no_conn "$1" && return 0
  echo "connections still open on port $1:" >&2
  ss -Htnp state established state close-wait "( sport = :$1 or dport = :$1 )" >&2
  return 1
}
# Handshake message types seen (comma/newline separated numbers).
iop_tshark_saw_type() { cut -f1 "$IOP_TMP/$1.txt" | tr ',' '\n' | grep -qx "$2"; }
# Session ID length of the ServerHello (type 2).
iop_tshark_server_session_id_len() { awk -F'\t' '$1 ~ /(^|,)2(,|$)/ { print $2; exit }' "$IOP_TMP/$1.txt"; }

# --- TLS 1.3 on the wire (issue 14): Hello fields of a tshark capture --------------
IOP_TLS13=0x0304
# RFC 8446 9.1 suites: TLS_AES_128_GCM_SHA256 (MUST), TLS_AES_256_GCM_SHA384,
# TLS_CHACHA20_POLY1305_SHA256 (SHOULD).
IOP_TLS13_PROFILE_SUITES="0x1301 0x1302 0x1303"
# TS 33.210 6.2.2 via RFC 8446 9.1: secp256r1 (MUST), x25519, secp384r1 (SHOULD).
IOP_TLS13_PROFILE_GROUPS="0x0017 0x001d 0x0018"
# iop_server_hello_version_is CAPTURE VERSION, iop_server_hello_suite_in_profile
# CAPTURE, iop_server_hello_group_in_profile CAPTURE: the first ServerHello of
# an iop_tshark_start capture (a HelloRetryRequest counts as one: it carries
# the same fields); iop_client_hello_no_early_data CAPTURE: every ClientHello.
# iop_hello NAME TYPE FIELD: the FIELD values of the first handshake message
# of TYPE (1 ClientHello, 2 ServerHello) in capture NAME, one a line.
iop_hello() {
  tshark -r "$IOP_TMP/$1.pcap" -Y "tls.handshake.type == $2" -T fields -E occurrence=a -E aggregator=' ' \
    -e "$3" 2>/dev/null | head -1 | tr ' ,' '\n\n' | grep -v '^$'
}
# iop_in_list NUMBER LIST...: NUMBER (decimal or 0x hex, as tshark prints it)
# equals one of LIST.
iop_in_list() {
  local w=$1 x
  shift
  if [[ "$w" =~ ^(0x[0-9a-fA-F]+|[0-9]+)$ ]]; then
    for x in $*; do (( w == x )) && return 0; done
  fi
  echo "'$w' is not one of: $*" >&2
  return 1
}
iop_server_hello_version_is() { # capture version
  local v
  v=$(iop_hello "$1" 2 tls.handshake.extensions.supported_version)
  [ "$v" = "$2" ] && return 0
  echo "the ServerHello: supported_versions '${v}' (want $2; empty is TLS 1.2 or none)" >&2
  return 1
}
iop_server_hello_suite_in_profile() { iop_in_list "$(iop_hello "$1" 2 tls.handshake.ciphersuite)" $IOP_TLS13_PROFILE_SUITES; }
iop_server_hello_group_in_profile() { iop_in_list "$(iop_hello "$1" 2 tls.handshake.extensions_key_share_group)" $IOP_TLS13_PROFILE_GROUPS; }
# No ClientHello of the capture carries the early_data extension (type 42,
# RFC 8446 4.2.10); there is at least one.
iop_client_hello_no_early_data() {
  local t
  t=$(tshark -r "$IOP_TMP/$1.pcap" -Y 'tls.handshake.type == 1' -T fields -E occurrence=a \
    -E aggregator=, -e tls.handshake.extension.type 2>/dev/null)
  [ -n "$t" ] || { echo "no ClientHello in the capture" >&2; return 1; }
  ! tr ',' '\n' <<<"$t" | grep -qx 42 || { echo "a ClientHello carries early_data (42): $t" >&2; return 1; }
}
