# shellcheck shell=bash
# Shared by the probe's own tests (tests/probe/*_test.sh): a work directory
# with the test PKI, PIDs stopped on exit, a free server port, PIXIT files,
# running the probe program and reading its JSON report. The caller sets
# PROBE, MAKE_PKI, SPEC and WORK_NAME and has sourced tests/support/testlib.sh.
# No fixed sleeps: every wait polls a condition with a budget.
WORK=${TEST_TMPDIR:-$(mktemp -d)}/${WORK_NAME:-probe}
rm -rf "$WORK" && mkdir -p "$WORK"
"$MAKE_PKI" "$WORK/pki" >/dev/null 2>&1 || { echo "make_pki.sh failed"; exit 1; }
PKI=$WORK/pki
BUDGET=30
# The TLS stack annexo's pcscf runs in this target (ANNEXO_TLS_STACK, set by
# tls_stack_twins in BUILD.bazel; botan when unset) and the PICS it is judged
# with: annexo-pcscf.pics.toml (TLS 1.2), annexo-pcscf-openssl.pics.toml
# (TLS 1.2 and 1.3, RD-276).
STACK=${ANNEXO_TLS_STACK:-botan}
PICS=$SPEC/probe/annexo-pcscf.pics.toml
[ "$STACK" = botan ] || PICS=$SPEC/probe/annexo-pcscf-$STACK.pics.toml
PIDS=()
cleanup() {
  local p
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
}
trap cleanup EXIT

# A port nobody uses, below the ephemeral range (the probe's S-CSCF side
# must be given one before the IUT starts).
free_port() {
  local p lo
  lo=$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range)
  for _ in $(seq 1 200); do
    p=$((20000 + RANDOM % (lo - 20000)))
    ss -Htan "sport = :$p" | grep -q . || { echo "$p"; return 0; }
  done
  return 1
}

# wait_file FILE PATTERN PID: until FILE has PATTERN (budget), or PID died.
wait_file() {
  local end=$(($(date +%s) + BUDGET))
  while (($(date +%s) < end)); do
    grep -q "$2" "$1" 2>/dev/null && return 0
    kill -0 "$3" 2>/dev/null || { echo "pid $3 exited"; return 1; }
    sleep 0.05
  done
  echo "not seen within ${BUDGET}s in $1: $2"
  return 1
}

# write_pixit FILE IUT_PORT NEXT_HOP_PORT [SECAGREE_PORT]
write_pixit() {
  cat >"$1" <<PIXIT
[iut]
role = "pcscf"
host = "127.0.0.1"
port = $2
$([ -n "${4:-}" ] && echo "secagree_port = $4")
fqdn = "pcscf.test"
ca_file = "$PKI/ca-ec.pem"

[probe]
host = "127.0.0.1"
next_hop_port = $3

[users]
domain = "annexo.test"

[[user]]
impi = "alice@annexo.test"
password = "alice-password"
impus = ["sip:alice@annexo.test"]

[[user]]
impi = "bob@annexo.test"
password = "bob-password"
impus = ["sip:bob@annexo.test"]

[unregistered]
impu = "sip:mallory@annexo.test"

[timers]
connect_s = 3
handshake_s = 5
sip_response_s = 3
close_budget_s = 5
lifetime_budget_s = 40
unbound_idle_budget_s = 8
next_hop_timeout_budget_s = 8
PIXIT
}

# second_impu FILE: PIXIT user 1 (alice) of write_pixit's FILE gets a second
# IMPU (TP_PC_SIP_022 is inconc with one).
second_impu() {
  sed -i 's|^impus = \["sip:alice@annexo.test"\]$|impus = ["sip:alice@annexo.test", "sip:alice.two@annexo.test"]|' "$1"
  grep -q '"sip:alice.two@annexo.test"' "$1" || { echo "no second IMPU written to $1"; return 1; }
}


# start_embedded_pcscf NAME BINARY: BINARY's pcscf with its own registrar
# (--users: write_pixit's users 1 and 2) and the sec-agree listener, the only
# mode that has one (RD-160); writes WORK/NAME.pixit.toml (iut.secagree_port
# set) and sets PID (also in PIDS) and LOG.
start_embedded_pcscf() {
  local name=$1 bin=$2 nh port sa
  nh=$(free_port) || return 1
  LOG=$WORK/$name.pcscf.log
  printf '%s\n' 'alice@annexo.test alice-password sip:alice@annexo.test' \
    'bob@annexo.test bob-password sip:bob@annexo.test' >"$WORK/$name.users"
  "$bin" --tls-stack "$STACK" --listen 127.0.0.1:0 --secagree-listen 127.0.0.1:0 \
    --users "$WORK/$name.users" --cert "$PKI/pcscf-ec.pem" --key "$PKI/pcscf-ec.key" \
    --log-format json 2>"$LOG" &
  PID=$!
  PIDS+=("$PID")
  wait_file "$LOG" 'unprotected sec-agree REGISTER' "$PID" || { tail -5 "$LOG"; return 1; }
  port=$(listen_port "$LOG" '"req":"O.2.1-PC-PORT"')
  sa=$(listen_port "$LOG" 'unprotected sec-agree REGISTER')
  write_pixit "$WORK/$name.pixit.toml" "$port" "$nh" "$sa"
}

# wait_listen PORT PID: until something listens on 127.0.0.1:PORT (budget),
# or PID died.
wait_listen() {
  local end=$(($(date +%s) + BUDGET))
  while (($(date +%s) < end)); do
    ss -Htln "sport = :$1" | grep -q . && return 0
    kill -0 "$2" 2>/dev/null || { echo "pid $2 exited"; return 1; }
    sleep 0.05
  done
  echo "nothing listens on port $1 after ${BUDGET}s"
  return 1
}

# verdicts REPORT_DIR: "TP VERDICT" lines from the probe's JSON report,
# each with its evidence lines ("  evidence: STREAM @OFFSET OBSERVED").
verdicts() {
  python3 - "$1/probe-report.json" <<'PY'
import json, sys
for tp in json.load(open(sys.argv[1]))["tps"]:
    print(tp["id"], tp["verdict"], tp["reason"])
    for e in tp["evidence"]:
        print("  evidence: %s @%d %s" % (e["stream"], e["offset"], e["observed"]))
PY
}

# run_probe NAME PIXIT TP...: the probe on these TPs; NAME.out has the
# verdicts; returns the probe's exit status.
run_probe() {
  local name=$1 pixit=$2 rc
  shift 2
  local IFS=,
  timeout 300 "$PROBE" --spec "$SPEC" --pics "$PICS" \
    --pixit "$pixit" --out "$WORK/$name" --tp "$*" >"$WORK/$name.log" 2>&1
  rc=$?
  unset IFS
  verdicts "$WORK/$name" >"$WORK/$name.out" 2>&1 || { cat "$WORK/$name.log"; return 3; }
  cat "$WORK/$name.out"
  return $rc
}

# listen_port LOG PATTERN: the port of the "listen" field of the first line with PATTERN.
listen_port() {
  grep -m1 "$2" "$1" | grep -o '"listen":"127.0.0.1:[0-9]*"' | grep -o '[0-9]*"$' | tr -d '"'
}

# verdict_is OUT TP VERDICT: the report gives TP that verdict.
verdict_is() {
  grep -q "^$2 $3\\b" "$1" || { echo "expected $2 $3, got: $(grep "^$2 " "$1" | cut -c1-160)"; return 1; }
}
