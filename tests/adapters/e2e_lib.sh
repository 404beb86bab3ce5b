# Shared by the loopback end-to-end scripts in tests/adapters: a work
# directory with the test PKI and a users file, the pcscf/ue launchers and
# expectation helpers. The caller sets PCSCF, UE, MAKE_PKI and E2E_NAME and
# has sourced tests/support/testlib.sh. Every pcscf started here listens on a
# port the kernel picks (--listen 127.0.0.1:0) and is stopped by its PID.
WORK=${TEST_TMPDIR:-$(mktemp -d)}/${E2E_NAME:-e2e}
rm -rf "$WORK" && mkdir -p "$WORK"
"$MAKE_PKI" "$WORK/pki" >/dev/null 2>&1 || { echo "make_pki.sh failed"; exit 1; }
PKI=$WORK/pki
cat >"$WORK/users" <<'EOF'
# IMPI PASSWORD IMPU[,IMPU...]
alice@annexo.test secret sip:alice@annexo.test,tel:+15551234
EOF

PIDS=()
cleanup() {
  local p
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
}
trap cleanup EXIT

# start_pcscf NAME [extra pcscf options...]: sets PC_PID, PC_PORT, PC_LOG.
start_pcscf() {
  local name=$1
  shift
  PC_LOG=$WORK/$name.pcscf.log
  "$PCSCF" --listen 127.0.0.1:0 --cert "$PKI/pcscf-ec.pem" --key "$PKI/pcscf-ec.key" \
    --users "$WORK/users" --log-format json "$@" 2>"$PC_LOG" >"$WORK/$name.pcscf.out" &
  PC_PID=$!
  PIDS+=("$PC_PID")
  PC_PORT=""
  local i
  for i in $(seq 1 100); do
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
  run_ue "$@" &
  UE_JOB=$!
}
wait_ue() {
  wait "$UE_JOB"
  UE_RC=$?
}

expect() {  # description command...
  if ! "${@:2}"; then
    echo "expected: $1"
    return 1
  fi
}

show() {
  echo "--- ue stdout"; cat "$UE_OUT" 2>/dev/null
  echo "--- ue log"; tail -20 "$UE_LOG" 2>/dev/null
  echo "--- pcscf log"; tail -30 "$PC_LOG" 2>/dev/null
}

# side_port MESSAGE: the port of the pcscf listener whose start-up line has
# MESSAGE (--secagree-listen / --core-listen with port 0).
side_port() {
  grep "$1" "$PC_LOG" | grep -o '"listen":"127.0.0.1:[0-9]*"' | head -1 | sed 's/.*://; s/"//'
}

# wait_for FILE PATTERN: up to 10 s for a line of FILE to match PATTERN.
wait_for() {
  local i
  for i in $(seq 1 200); do
    grep -q "$2" "$1" 2>/dev/null && return 0
    sleep 0.05
  done
  echo "timed out waiting for $2 in $1"
  return 1
}

# wait_file FILE: up to 10 s for FILE to exist and be non-empty.
wait_file() {
  local i
  for i in $(seq 1 200); do
    [[ -s "$1" ]] && return 0
    sleep 0.05
  done
  echo "timed out waiting for $1"
  return 1
}
