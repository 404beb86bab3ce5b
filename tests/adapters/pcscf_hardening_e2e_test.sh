#!/bin/bash
# The pcscf under hostile or unusual clients (issue 15), on 127.0.0.1 only:
# the RD-29 suite profile with an RSA certificate (OpenSSL s_client offering
# DHE only) and the descriptor limit (many idle connections, a low
# `ulimit -n`, a good ue still registering promptly, no CPU spin).
#   pcscf_hardening_e2e_test.sh PCSCF UE MAKE_PKI TESTLIB IDLE_CLIENTS
set -uo pipefail
PCSCF=$(realpath "$1")
UE=$(realpath "$2")
MAKE_PKI=$3
source "$4"
IDLE_CLIENTS=$(realpath "$5")
E2E_NAME=hardening
source "$(dirname "$0")/e2e_lib.sh"

pc_show() {
  echo "--- pcscf log (last 20 lines)"
  tail -20 "$PC_LOG" 2>/dev/null
}

# s_client NAME CIPHERS: a TLS 1.2 handshake with the pcscf offering CIPHERS only.
s_client() {
  timeout 10 openssl s_client -connect "127.0.0.1:$PC_PORT" -servername pcscf.test \
    -CAfile "$PKI/ca-rsa.pem" -tls1_2 -cipher "$2" </dev/null >"$WORK/$1.sclient" 2>&1
}

# The peer's view of a handshake: the suite s_client reports ("(NONE)" when
# none was agreed).
sclient_cipher() {
  grep -o 'Cipher is [^ ]*' "$WORK/$1.sclient" | head -1 | sed 's/Cipher is //'
}

# RD-29: no DHE suite, whatever the certificate. An RSA-certificate pcscf
# refuses an offer of DHE-RSA-AES-GCM only (0x009E, 0x009F) with a
# handshake_failure alert, and completes with ECDHE-RSA for the same client.
dhe_refused() {
  start_pcscf dhe --cert "$PKI/pcscf-rsa.pem" --key "$PKI/pcscf-rsa.key" || return 1
  s_client dhe-only 'DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384'
  local dhe_rc=$?
  s_client ecdhe 'ECDHE-RSA-AES128-GCM-SHA256'
  local ecdhe_rc=$?
  stop_pcscf
  local ok=0
  expect "control: s_client offering ECDHE-RSA-AES128-GCM completes (rc $ecdhe_rc)" \
    test "$ecdhe_rc" -eq 0 || ok=1
  expect "control: the suite agreed is ECDHE-RSA-AES128-GCM-SHA256" \
    test "$(sclient_cipher ecdhe)" = ECDHE-RSA-AES128-GCM-SHA256 || ok=1
  annexo_req 33210-6.2.3-TLS12-PROFILE \
    expect "s_client offering DHE-RSA-AES-GCM only fails its handshake (rc $dhe_rc)" \
    test "$dhe_rc" -ne 0 || ok=1
  annexo_req 33210-6.2.3-TLS12-PROFILE \
    expect "no DHE suite was agreed (s_client: cipher '$(sclient_cipher dhe-only)')" \
    bash -c "! grep -q 'Cipher is DHE' '$WORK/dhe-only.sclient'" || ok=1
  annexo_req 33210-6.2.3-TLS12-PROFILE \
    expect "the pcscf answered with a handshake_failure alert" \
    grep -q 'alert handshake failure' "$WORK/dhe-only.sclient" || ok=1
  ((ok == 0)) || { pc_show; echo "--- s_client (DHE only)"; tail -20 "$WORK/dhe-only.sclient"; }
  return $ok
}

# CPU ticks (utime + stime, /proc/PID/stat fields 14 and 15) of process $1.
cpu_ticks() {
  awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0
}

# RD-102: at the descriptor limit the pcscf neither spins nor locks a good UE
# out. pcscf runs with `ulimit -n 64` (so its connection cap is 64 - 32 = 32);
# 150 idle TCP connections that never send a byte fill it and its backlog.
# With them open, the pcscf's CPU time over a 2 s window, measured from
# /proc, stays under a quarter of it (a spinning accept loop uses all it
# gets); then a good ue registers within 10 s (exit 0, and its binding is in
# the pcscf's SIGUSR1 dump).
# fd_limit [secagree]: the idle connections go to the TLS listener, or to
# the plain sec-agree listener (which counts towards the same cap).
fd_limit() {
  local side=${1:-tls} name=fdlimit-${1:-tls}
  local wrap=$WORK/pcscf-ulimit.sh
  printf '#!/bin/bash\nulimit -n 64 || exit 99\nexec "%s" "$@"\n' "$PCSCF" >"$wrap"
  chmod +x "$wrap"
  local real=$PCSCF
  PCSCF=$wrap
  if [[ $side == secagree ]]; then
    start_pcscf "$name" --unbound-idle 120 --secagree-listen 127.0.0.1:0
  else
    start_pcscf "$name" --unbound-idle 120
  fi
  local started=$?
  PCSCF=$real
  ((started == 0)) || return 1
  local target=$PC_PORT
  [[ $side == secagree ]] && target=$(side_port 'sec-agree REGISTER')
  rm -f "$WORK/idle.ready"
  python3 "$IDLE_CLIENTS" 127.0.0.1 "$target" 150 "$WORK/idle.ready" >/dev/null 2>&1 &
  local idle=$!
  PIDS+=("$idle")
  wait_file "$WORK/idle.ready" || { kill "$idle"; return 1; }
  # A 2 s window with the idle connections open and nothing else happening:
  # the pcscf has nothing to do, a spinning accept loop burns the window.
  local tck t0 c0 t1 c1 i
  tck=$(getconf CLK_TCK)
  t0=$(date +%s%N)
  c0=$(cpu_ticks "$PC_PID")
  for i in $(seq 1 20); do sleep 0.1; done
  c1=$(cpu_ticks "$PC_PID")
  t1=$(date +%s%N)
  local wall_ticks=$(((t1 - t0) * tck / 1000000000)) cpu=$((c1 - c0))
  local ue_t0 ue_ms=-1
  ue_t0=$(date +%s%N)
  bg_ue "$name" --password secret --stay 5
  for i in $(seq 1 200); do
    grep -q '^ue: REGISTERED' "$UE_OUT" 2>/dev/null && { ue_ms=$((($(date +%s%N) - ue_t0) / 1000000)); break; }
    sleep 0.05
  done
  kill -USR1 "$PC_PID"
  wait_for "$WORK/$name.pcscf.out" 'alice@annexo.test' >/dev/null
  wait_ue
  kill "$idle" 2>/dev/null
  echo "pcscf CPU: $cpu ticks in $wall_ticks wall ticks at rest; ue registered after ${ue_ms} ms"
  local ok=0
  expect "the pcscf is still running" kill -0 "$PC_PID" || ok=1
  expect "the idle clients connected ($(cat "$WORK/idle.ready" 2>/dev/null) of 150)" \
    test "$(cat "$WORK/idle.ready" 2>/dev/null || echo 0)" -ge 100 || ok=1
  annexo_req IMPL-PC-MAX-CONNECTIONS \
    expect "the good ue registered within 10 s (took ${ue_ms} ms; -1: not at all) and stayed (exit $UE_RC)" \
    test "$UE_RC" -eq 0 -a "$ue_ms" -ge 0 || ok=1
  # The pcscf's own dump: checked, not credited.
  expect "the pcscf's binding dump lists alice" \
    grep -q 'alice@annexo.test' "$WORK/$name.pcscf.out" || ok=1
  annexo_req IMPL-PC-MAX-CONNECTIONS \
    expect "the pcscf used $cpu CPU ticks in a $wall_ticks-tick rest window: under a quarter (no spin)" \
    test $((cpu * 4)) -lt "$wall_ticks" || ok=1
  stop_pcscf
  ((ok == 0)) || {
    echo "--- ue stdout"; cat "$UE_OUT"
    echo "--- ue log (last 2 lines)"; tail -2 "$UE_LOG" | cut -c1-200
    echo "--- pcscf log (last 2 lines)"; tail -2 "$PC_LOG" | cut -c1-200
    echo "--- pcscf cap lines"; grep IMPL-PC-MAX-CONNECTIONS "$PC_LOG" | head -3 | cut -c1-200
  }
  return $ok
}

#= spec#33210-6.2.3-TLS12-PROFILE type=test
annexo_case "33210-6.2.3-TLS12-PROFILE: an RSA-certificate pcscf refuses an s_client offering only DHE-RSA-AES-GCM (RD-29)" dhe_refused
#= spec#IMPL-PC-MAX-CONNECTIONS type=test
annexo_case "IMPL-PC-MAX-CONNECTIONS: at the descriptor limit with 150 idle connections a good ue registers promptly and the pcscf does not spin" fd_limit
#= spec#IMPL-PC-MAX-CONNECTIONS type=test
annexo_case "IMPL-PC-MAX-CONNECTIONS: 150 idle connections to the sec-agree listener count towards the cap; a good ue still registers over TLS and the pcscf does not spin" fd_limit secagree
annexo_finish
