# Shared by the loopback end-to-end scripts in tests/adapters: a work
# directory with the test PKI and a users file, the pcscf/ue launchers and
# expectation helpers. The caller sets PCSCF, UE, MAKE_PKI and E2E_NAME and
# has sourced tests/support/testlib.sh. Every pcscf started here listens on a
# port the kernel picks (--listen 127.0.0.1:0) and is stopped by its PID.
#
# No fixed sleeps: readiness is awaited with wait_until (a condition and a
# budget). A failing case calls show, which prints every command the case ran
# with its exit code and the last lines of each peer's log (RAN, LOGS).
WORK=${TEST_TMPDIR:-$(mktemp -d)}/${E2E_NAME:-e2e}
rm -rf "$WORK" && mkdir -p "$WORK"
"$MAKE_PKI" "$WORK/pki" >/dev/null 2>&1 || { echo "make_pki.sh failed"; exit 1; }
PKI=$WORK/pki
# Issue 14: the TLS stack pcscf runs is ANNEXO_TLS_STACK (set per target by
# e2e_test's tls_stacks): PCSCF becomes a launcher that execs the same
# program with --tls-stack first (same PID, same exit code, same output).
if [ -n "${ANNEXO_TLS_STACK:-}" ] && [ -n "${PCSCF:-}" ]; then
  printf '#!/bin/sh\nexec "%s" --tls-stack "%s" "$@"\n' "$PCSCF" "$ANNEXO_TLS_STACK" >"$WORK/pcscf"
  chmod +x "$WORK/pcscf"
  PCSCF=$WORK/pcscf
fi
cat >"$WORK/users" <<'EOF'
# IMPI PASSWORD IMPU[,IMPU...]
alice@annexo.test secret sip:alice@annexo.test,tel:+15551234
EOF

# The e2e_test macro's tls_stacks twins (e2e.bzl) set ANNEXO_TLS_STACK: every
# ue this script starts ($UE) runs that TLS stack (ue --tls-stack, RD-180),
# the options a case gives coming after it. UE_STACK names it.
UE_STACK=${ANNEXO_TLS_STACK:-botan}
if [[ -n "${ANNEXO_TLS_STACK:-}" && -n "${UE:-}" ]]; then
  printf '#!/bin/bash\nexec %q --tls-stack %q "$@"\n' "$(realpath "$UE")" "$ANNEXO_TLS_STACK" >"$WORK/ue-$UE_STACK"
  chmod +x "$WORK/ue-$UE_STACK"
  UE=$WORK/ue-$UE_STACK
fi

# Budget of every readiness wait, in seconds (generous: the machine may be loaded).
E2E_BUDGET=${E2E_BUDGET:-30}

PIDS=()
RAN=()   # "command -> exit N" of each program a case ran
LOGS=()  # the files show prints the end of
FAILED=()  # the expectations that did not hold (repeated last by show)
cleanup() {
  local p
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
}
trap cleanup EXIT

# wait_until BUDGET command...: polls the command until it succeeds, for at
# most BUDGET seconds; says what it waited for when it gives up.
wait_until() {
  local budget=$1 end
  shift
  end=$(($(date +%s%N) + budget * 1000000000))
  while (($(date +%s%N) < end)); do
    "$@" 2>/dev/null && return 0
    sleep 0.05
  done
  echo "timed out after ${budget}s waiting for: $*"
  return 1
}

# ran COMMAND-TEXT RC: remembered for show.
ran() { RAN+=("$1 -> exit $2"); }

# start_pcscf NAME [extra pcscf options...]: sets PC_PID, PC_PORT, PC_LOG.
start_pcscf() {
  local name=$1
  shift
  # Inside a case (a subshell) the EXIT trap is not inherited: stop what this case starts.
  trap cleanup EXIT
  PC_LOG=$WORK/$name.pcscf.log
  LOGS+=("$PC_LOG")
  "$PCSCF" --listen 127.0.0.1:0 --cert "$PKI/pcscf-ec.pem" --key "$PKI/pcscf-ec.key" \
    --users "$WORK/users" --log-format json "$@" 2>"$PC_LOG" >"$WORK/$name.pcscf.out" &
  PC_PID=$!
  PIDS+=("$PC_PID")
  RAN+=("pcscf --listen 127.0.0.1:0 $* (pid $PC_PID, log $PC_LOG)")
  PC_PORT=""
  local end=$(($(date +%s%N) + E2E_BUDGET * 1000000000))
  while (($(date +%s%N) < end)); do
    PC_PORT=$(grep -o '"listen":"127.0.0.1:[0-9]*"' "$PC_LOG" 2>/dev/null | head -1 | sed 's/.*://; s/"//')
    [[ -n "$PC_PORT" ]] && return 0
    kill -0 "$PC_PID" 2>/dev/null || break
    sleep 0.05
  done
  echo "pcscf did not start:"
  cat "$PC_LOG"
  return 1
}

stop_pcscf() {
  kill "$PC_PID" 2>/dev/null
  wait "$PC_PID" 2>/dev/null
}

# run_ue NAME [ue options...]: runs ue in the foreground; UE_RC, UE_OUT, UE_LOG.
run_ue() {
  local name=$1
  shift
  UE_OUT=$WORK/$name.ue.out
  UE_LOG=$WORK/$name.ue.log
  timeout 60 "$UE" --pcscf "127.0.0.1:$PC_PORT" --pcscf-fqdn pcscf.test --ca "$PKI/ca-ec.pem" \
    --impi alice@annexo.test --impu sip:alice@annexo.test --log-format json "$@" \
    >"$UE_OUT" 2>"$UE_LOG"
  UE_RC=$?
  return $UE_RC
}

# bg_ue NAME [ue options...]: run_ue in the background; UE_JOB; collect with wait_ue.
bg_ue() {
  UE_OUT=$WORK/$1.ue.out
  UE_LOG=$WORK/$1.ue.log
  UE_CMD="ue --pcscf 127.0.0.1:$PC_PORT ${*:2}"
  run_ue "$@" &
  UE_JOB=$!
}
wait_ue() {
  wait "$UE_JOB"
  UE_RC=$?
  ran "$UE_CMD" "$UE_RC"
}

# peer OUT command...: runs a scripted peer (sip_peer.py, openssl...) in the
# foreground, output to OUT; PEER_RC. Remembered for show.
peer() {
  local out=$1
  shift
  LOGS+=("$out")
  "$@" >"$out" 2>&1
  PEER_RC=$?
  ran "${1##*/} ${*:2}" "$PEER_RC"
  return 0
}

# bg_peer OUT command...: the same in the background; PEER_PID (wait_peer).
bg_peer() {
  local out=$1
  shift
  LOGS+=("$out")
  trap cleanup EXIT
  "$@" >"$out" 2>&1 &
  PEER_PID=$!
  PIDS+=("$PEER_PID")
  PEER_CMD="$*"
}
wait_peer() {
  wait "$PEER_PID"
  PEER_RC=$?
  ran "$PEER_CMD" "$PEER_RC"
}

expect() {  # description command...
  if ! "${@:2}"; then
    echo "expected: $1"
    FAILED+=("$1")
    return 1
  fi
}

# req ID description command...: the requirement assertion (annexo_req) with
# a description printed when it does not hold.
req() {
  local id=$1 what=$2
  shift 2
  annexo_req "$id" "$@" && return 0
  echo "expected ($id): $what"
  FAILED+=("$id: $what")
  return 1
}

# The peer's report of how a watched connection ended (sip_peer.py --watch):
# closed_by_peer OUT [HOW]: the other side closed it (HOW: close_notify or eof,
# default either) and no TCP connection on its port is left ESTABLISHED.
closed_by_peer() {
  local how=${2:-'\(close_notify\|eof\)'}
  grep -q "^CLOSE $how " "$1" && grep -qx 'ESTABLISHED 0' "$1"
}
# stayed_open OUT: nothing closed the watched connection.
stayed_open() { grep -q '^OPEN ' "$1"; }
# alert_seen OUT DESCRIPTION: a fatal alert (level 2) with that number came
# from the client, in the clear, and no application data at all.
alert_seen() { grep -qx "ALERT 2 $2" "$1" && grep -qx 'APPDATA 0' "$1"; }

# lines_ge N PATTERN FILE: at least N lines of FILE match PATTERN.
lines_ge() { (($(grep -c -- "$2" "$3" 2>/dev/null) >= $1)); }
export -f closed_by_peer stayed_open alert_seen lines_ge

show() {
  local r f
  [[ -n "${UE_OUT:-}" ]] && { echo "--- ue (exit ${UE_RC:-?}) stdout"; tail -5 "$UE_OUT" 2>/dev/null; }
  [[ -n "${UE_LOG:-}" ]] && { echo "--- ue log"; tail -8 "$UE_LOG" 2>/dev/null; }
  for f in "${LOGS[@]}"; do
    echo "--- ${f##*/}"
    tail -10 "$f" 2>/dev/null | cut -c1-400
  done
  echo "--- commands run (exit codes)"
  for r in "${RAN[@]}"; do echo "  $r"; done
  echo "--- not met"
  for r in "${FAILED[@]}"; do echo "  $r"; done
}

# side_port MESSAGE: the port of the pcscf listener whose start-up line has
# MESSAGE (--secagree-listen / --core-listen with port 0).
side_port() {
  grep "$1" "$PC_LOG" | grep -o '"listen":"127.0.0.1:[0-9]*"' | head -1 | sed 's/.*://; s/"//'
}

# wait_for FILE PATTERN: up to E2E_BUDGET s for a line of FILE to match PATTERN.
wait_for() {
  wait_until "$E2E_BUDGET" grep -q "$2" "$1"
}

# pcscf_dump OUT DEST: one SIGUSR1 dump of the running pcscf (PC_PID), whose
# JSON stdout is OUT, copied to DEST once whole: the JSON dump ends with its
# {"bindings":N,"capacity":M} line (adapters/pcscf/pcscf_server.cc
# dump_bindings), awaited up to 5 s.
dump_ended() { tail -n +$(($2 + 1)) "$1" | grep -q '^{"bindings":'; }
pcscf_dump() {
  local before
  before=$(wc -l <"$1")
  kill -USR1 "$PC_PID"
  if ! wait_until 5 dump_ended "$1" "$before" >/dev/null; then
    echo "no complete binding dump from pcscf (pid $PC_PID) within 5 s after SIGUSR1; its stdout: $1"
    return 1
  fi
  tail -n +$((before + 1)) "$1" | sed '/^{"bindings":/q' >"$2"
}

# wait_file FILE: up to E2E_BUDGET s for FILE to exist and be non-empty.
wait_file() {
  wait_until "$E2E_BUDGET" test -s "$1"
}

# s_dialog OUT STEP...: openssl s_client (TLS 1.2, -nocommands -ign_eof plus
# S_OPTS) to the pcscf, its input fed step by step: "send:FILE" writes FILE,
# "wait:N:PATTERN" waits until N lines of OUT match PATTERN, "file:F" waits
# until F is non-empty, "eof" waits until the pcscf ended the connection
# (S_EOF=0 if it did). Then s_client is stopped. Every wait has E2E_BUDGET.
s_dialog() {
  local out=$1 fifo fd step n pat rc=0
  shift
  fifo=$(mktemp -u "$WORK/fifo.XXXXXX")
  mkfifo "$fifo"
  rm -f "$out.exit"
  (
    timeout 120 openssl s_client -connect "127.0.0.1:$PC_PORT" -tls1_2 -nocommands -ign_eof \
      "${S_OPTS[@]}" <"$fifo" >"$out" 2>"$out.err"
    echo $? >"$out.exit"
  ) &
  local pid=$!
  exec {fd}>"$fifo"
  S_EOF=1
  for step in "$@"; do
    case $step in
      send:*) cat "${step#send:}" >&"$fd" ;;
      wait:*)
        n=${step#wait:}
        pat=${n#*:}
        n=${n%%:*}
        wait_until "$E2E_BUDGET" lines_ge "$n" "$pat" "$out" || rc=1
        ;;
      file:*) wait_file "${step#file:}" || rc=1 ;;
      eof) wait_until "$E2E_BUDGET" test -s "$out.exit" && S_EOF=0 ;;
    esac
  done
  exec {fd}>&-
  pkill -P "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  rm -f "$fifo"
  LOGS+=("$out" "$out.err")
  ran "openssl s_client ${S_OPTS[*]} (steps: $*)" "$(cat "$out.exit" 2>/dev/null || echo killed)"
  return $rc
}

# serve_ue NAME CERT KEY [serve options...] -- [ue options...]: a scripted TLS
# P-CSCF (sip_peer.py serve, one connection, watching it afterwards) with
# CERT/KEY, and the ue against it; SERVE_OUT (what the server saw), UE_RC.
serve_ue() {
  local name=$1 cert=$2 key=$3
  shift 3
  local sopts=()
  while (($#)) && [[ "$1" != "--" ]]; do sopts+=("$1"); shift; done
  shift
  SERVE_OUT=$WORK/$name.serve.out
  rm -f "$WORK/$name.serve.port"
  bg_peer "$SERVE_OUT" "$PEER" serve --cert "$cert" --key "$key" --port-file "$WORK/$name.serve.port" \
    --www-authenticate 'Digest realm="annexo.test", nonce="c2VydmUtbm9uY2U=", algorithm=MD5, qop="auth"' \
    --once --watch 10 "${sopts[@]}"
  wait_file "$WORK/$name.serve.port" || return 1
  PC_PORT=$(cat "$WORK/$name.serve.port")
  run_ue "$name" "$@"
  ran "ue --pcscf 127.0.0.1:$PC_PORT $*" "$UE_RC"
  wait_peer
}
