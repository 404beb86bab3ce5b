#!/bin/bash
# Issue 12: annexo's pcscf as the edge proxy in front of a real S-CSCF.
# Kamailio (Debian package) is configured here as the S-CSCF
# (tests/interop/kamailio/scscf.cfg: registrar/usrloc with Path, Digest with
# its own password, location lookup routing along the stored Path); pcscf runs
# with --next-hop towards it; annexo's ue and a Python ssl probe are the UEs.
# What Kamailio received (its "annexo-scscf:" log lines, its location table
# through kamcmd ul.dump) and what the UEs saw is the evidence, never pcscf's
# own log. Loopback only; every process is stopped by its PID inside its case.
#   pcscf_forward_kamailio.sh PCSCF UE MAKE_PKI TESTLIB
set -uo pipefail
PCSCF=$(realpath "$1")
UE=$(realpath "$2")
MAKE_PKI=$3
IOP_SCRIPT=$(realpath "${BASH_SOURCE[0]}")
source "$(dirname "$IOP_SCRIPT")/lib.sh"
# shellcheck source=/dev/null
source "$4"
UE=$(iop_ue_stack "$UE")
PROBE=$IOP_DIR/register_probe.py
DIALOG_UE=$IOP_DIR/dialog_ue.py
LIMITS_PEER=$IOP_DIR/../adapters/limits_peer.py  # with sip_peer.py beside it

iop_pki "$MAKE_PKI"
CA=$IOP_PKI/ca-ec.pem
BOB_IMPI=bob@ims.test
BOB_IMPU=sip:bob@ims.test
# Kamailio's ctl socket path must stay under 104 bytes (Bazel's TMPDIR is longer).
CTL_DIR=$(mktemp -d /tmp/annexo-kam.XXXXXX)
PC_LOG=/dev/null
KAM_LOG=/dev/null

# --- peers --------------------------------------------------------------------
# kam_start NAME PORT [ALGORITHM [PAU]]: Kamailio as the S-CSCF on
# 127.0.0.1:PORT (TCP), with KAM_TLS_PORT also TLS there, its tls module's
# method KAM_TLS_METHOD (default TLSv1.2). Sets KAM_PID, KAM_LOG, KAM_CTL.
kam_start() {
  local name=$1 port=$2 alg=${3:-MD5} pau=${4:-1}
  local d=$IOP_TMP/$name
  mkdir -p "$d"
  KAM_CTL=$CTL_DIR/$name.ctl
  local tls=()
  if [ -n "${KAM_TLS_PORT:-}" ]; then
    # A TLS listener too (Kamailio presents pcscf-ec: SAN pcscf.test, ca-ec).
    sed -e "s|@KEY@|$IOP_PKI/pcscf-ec.key|; s|@CERT@|$IOP_PKI/pcscf-ec.pem|; s|@METHOD@|${KAM_TLS_METHOD:-TLSv1.2}|g" \
      "$IOP_DIR/kamailio/tls.cfg.in" >"$d/tls.cfg"
    tls=(-A WITH_TLS)
  fi
  [ -z "${KAM_SHORT_EXPIRES:-}" ] || tls+=(-A SHORT_EXPIRES)
  sed -e "s|@PORT@|$port|g; s|@CTL@|$KAM_CTL|; s|@REALM@|$IOP_REALM|g; s|@PASSWORD@|$IOP_PASSWORD|g" \
    -e "s|@ALGORITHM@|$alg|; s|@PAU@|$pau|; s|@TLSPORT@|${KAM_TLS_PORT:-0}|; s|@TLSCFG@|$d/tls.cfg|" \
    "$IOP_DIR/kamailio/scscf.cfg" >"$d/kamailio.cfg"
  iop_require_free "$port" || return 1
  kamailio "${tls[@]}" -c -f "$d/kamailio.cfg" >"$d/check.log" 2>&1 || { cat "$d/check.log"; return 1; }
  KAM_LOG=$IOP_TMP/$name.kamailio.log
  kamailio "${tls[@]}" -DD -E -f "$d/kamailio.cfg" -w "$d" -Y "$d" -P "$d/kamailio.pid" >>"$KAM_LOG" 2>&1 &
  KAM_PID=$!
  iop_wait_listen "$port" || return 1
  [ -z "${KAM_TLS_PORT:-}" ] || iop_wait_listen "$KAM_TLS_PORT"
}
# A port for a server that must be given one (Kamailio, the silent next
# hop): below the kernel's ephemeral range (the machine is busy with other
# tests' connections, which take ephemeral ports), used by no socket at all.
server_port() {
  local p lo
  lo=$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range)
  for _ in $(seq 1 200); do
    p=$((20000 + RANDOM % (lo - 20000)))
    ss -Htan "sport = :$p" | grep -q . || { echo "$p"; return 0; }
  done
  echo "no free server port" >&2
  return 1
}
# pc_start NAME [pcscf options]: pcscf with --next-hop 127.0.0.1:$KAM_PORT,
# listening on ports the kernel picks (read from its log). Sets PC_PID,
# PC_PORT, CORE_PORT, PC_LOG.
pc_start() {
  local name=$1 i
  shift
  PC_LOG=$IOP_TMP/$name.pcscf.log
  PC_PORT=""
  CORE_PORT=""
  "$PCSCF" --listen 127.0.0.1:0 --core-listen 127.0.0.1:0 \
    --next-hop "127.0.0.1:${PC_NEXT_HOP_PORT:-$KAM_PORT}" --cert "$IOP_PKI/pcscf-ec.pem" --key "$IOP_PKI/pcscf-ec.key" \
    --log-format json "$@" 2>"$PC_LOG" &
  PC_PID=$!
  for ((i = 0; i < 200; i++)); do
    PC_PORT=$(grep -m1 '"req":"O.2.1-PC-PORT"' "$PC_LOG" 2>/dev/null | grep -o '"listen":"127.0.0.1:[0-9]*"' | grep -o '[0-9]*"$' | tr -d '"')
    CORE_PORT=$(grep -m1 'terminating requests from the core network' "$PC_LOG" 2>/dev/null | grep -o '"listen":"127.0.0.1:[0-9]*"' | grep -o '[0-9]*"$' | tr -d '"')
    [ -n "$PC_PORT" ] && [ -n "$CORE_PORT" ] && break
    kill -0 "$PC_PID" 2>/dev/null || break
    sleep 0.05
  done
  [ -n "$PC_PORT" ] && [ -n "$CORE_PORT" ] || { echo "pcscf did not start"; tail -3 "$PC_LOG"; return 1; }
  iop_wait_listen "$PC_PORT" && iop_wait_listen "$CORE_PORT"
}
# pc_stop: stops the pcscf by its PID; fails when a sanitizer reported
# anything in its log (the _asan twin runs pcscf built with ASan + UBSan).
pc_stop() {
  iop_stop "$PC_PID"
  if grep -q 'Sanitizer\|runtime error:' "$PC_LOG" 2>/dev/null; then
    echo "sanitizer report in $(basename "$PC_LOG"):"
    grep -A8 'Sanitizer\|runtime error:' "$PC_LOG" | head -20
    return 1
  fi
}
# ue_run IMPI IMPU [ue options]: annexo's ue towards the pcscf.
ue_run() {
  local impi=$1 impu=$2
  shift 2
  timeout 60 "$UE" --pcscf "127.0.0.1:$PC_PORT" --pcscf-fqdn pcscf.test --ca "$CA" \
    --impi "$impi" --impu "$impu" --password "$IOP_PASSWORD" --log-format json "$@"
}
# ue_bg NAME IMPI IMPU [options]: a ue in the background (UE_PID); output in NAME.ue.out.
ue_bg() {
  local name=$1
  shift
  ue_run "$@" >"$IOP_TMP/$name.ue.out" 2>"$IOP_TMP/$name.ue.log" &
  UE_PID=$!
}
# ue_fg NAME IMPI IMPU [options] -> the ue's exit code; output in NAME.ue.out.
ue_fg() {
  local name=$1
  shift
  ue_run "$@" >"$IOP_TMP/$name.ue.out" 2>"$IOP_TMP/$name.ue.log"
}
# wait_for FILE REGEX SECONDS: polls until FILE has a line matching REGEX.
wait_for() {
  local file=$1 re=$2 budget=$3 i
  for ((i = 0; i < budget * 20; i++)); do
    grep -Eq -- "$re" "$file" 2>/dev/null && return 0
    sleep 0.05
  done
  echo "not seen within ${budget}s in $(basename "$file"): $re"
  return 1
}
# Failure output: the last lines of each peer.
# why MESSAGE: a reason the case failed, printed now and again after the
# peers' logs (a failing case's output is shown by its tail).
WHY_FILE=""
why() {
  echo "$*"
  [ -n "$WHY_FILE" ] && echo "$*" >>"$WHY_FILE"
  return 0
}
evidence() {
  echo "--- kamailio (annexo-scscf lines and errors)"
  grep 'annexo-scscf\|ERROR' "$KAM_LOG" 2>/dev/null | tail -12
  echo "--- pcscf log"
  tail -8 "$PC_LOG" 2>/dev/null
  local f
  for f in "$IOP_TMP"/*.ue.out "$IOP_TMP"/*.probe.out; do
    [ -f "$f" ] || continue
    echo "--- $(basename "$f")"
    tail -5 "$f"
  done
  if [ -n "$WHY_FILE" ] && [ -s "$WHY_FILE" ]; then
    echo "--- why"
    cat "$WHY_FILE"
  fi
}
# with_core NAME FN [KAM_ALGORITHM [PAU]]: Kamailio and pcscf up, FN run,
# everything stopped by PID; the peers' log tails when FN failed.
with_core() {
  local name=$1 fn=$2 alg=${3:-MD5} pau=${4:-1}
  rm -f "$IOP_TMP"/*.ue.out "$IOP_TMP"/*.probe.out
  KAM_PORT=$(server_port) || return 1
  UE_PIDS=()
  kam_start "$name" "$KAM_PORT" "$alg" "$pau" || { evidence; return 1; }
  pc_start "$name" || { iop_stop "$KAM_PID"; evidence; return 1; }
  "$fn"
  local rc=$?
  local p
  for p in "${UE_PIDS[@]:-}"; do [ -n "$p" ] && iop_stop "$p"; done
  pc_stop || rc=1
  iop_stop "$KAM_PID"
  ((rc == 0)) || evidence
  return $rc
}
# The TLS versions Kamailio's tls module reported for the REGISTERs it
# received over TLS (scscf.cfg's "annexo-scscf: tls" line), one a line.
kam_tls_versions() { grep -o 'annexo-scscf: tls REGISTER from [0-9.:]* version=[^ ]*' "$KAM_LOG" | sed 's/.*version=//' | sort -u; }
ul_dump() { kamcmd -s "unix:$KAM_CTL" ul.dump; }
# kam_registered IMPU: Kamailio logged its save() of IMPU. scscf.cfg writes
# that line after save() has sent the 200, so the ue may have its 200 (and
# have exited) before Kamailio's worker writes it: waited for, with a budget.
_kam_registered_now() { grep -q "annexo-scscf: registered $1" "$KAM_LOG"; }
kam_registered() {
  iop_await "$IOP_BUDGET" _kam_registered_now "$1" && return 0
  echo "Kamailio logged no 'annexo-scscf: registered $1' within ${IOP_BUDGET}s" >&2
  return 1
}

# --- cases --------------------------------------------------------------------
# The Path Kamailio stored: this pcscf's core-side address with a flow token
# (RD-38: 32 hex digits) as user part, lr, ob (the ue's REGISTER has reg-id).
path_re() { echo "Path: <sip:[0-9a-f]{32}@127\.0\.0\.1:$CORE_PORT;lr;transport=tcp;ob>"; }

registers_with_path() {
  ue_bg alice "$IOP_IMPI" "$IOP_IMPU" --stay 20
  UE_PIDS+=("$UE_PID")
  wait_for "$IOP_TMP/alice.ue.out" "^ue: REGISTERED $IOP_IMPU" 15 || return 1
  ul_dump >"$IOP_TMP/uldump.txt" 2>&1
  grep -A20 "AoR: alice" "$IOP_TMP/uldump.txt" | grep -E 'Path:|Address:'
  annexo_req 24229-5.2.1-PATH-SUPPORT grep -Eq "$(path_re)" "$IOP_TMP/uldump.txt"
  annexo_req 24229-PC-OUTBOUND-PATH grep -Eq "$(path_re)" "$IOP_TMP/uldump.txt"
  # The credentialed REGISTER Kamailio received says tls-pending (a connection
  # not yet bound), and only once.
  local authz
  authz=$(grep 'annexo-scscf: request REGISTER' "$KAM_LOG" | grep 'response=' | tail -1)
  annexo_req O.2-PC-INTEGRITY-PROTECTED-PARAM grep -q 'integrity-protected="tls-pending"' <<<"$authz"
  annexo_req O.2-PC-INTEGRITY-PROTECTED-PARAM test "$(grep -o 'integrity-protected' <<<"$authz" | wc -l)" -eq 1
}

message_over_flow() {
  ue_bg alice "$IOP_IMPI" "$IOP_IMPU" --stay 20
  UE_PIDS+=("$UE_PID")
  wait_for "$IOP_TMP/alice.ue.out" "^ue: REGISTERED $IOP_IMPU" 15 || return 1
  ue_fg bob "$BOB_IMPI" "$BOB_IMPU" --message "$IOP_IMPU" --preferred-identity sip:mallory@ims.test
  local rc=$?
  [ "$rc" -eq 0 ] || { echo "bob's ue exited $rc"; return 1; }
  wait_for "$IOP_TMP/alice.ue.out" "^ue: received MESSAGE from $BOB_IMPU" 5 || return 1
  grep 'annexo-scscf: \(request MESSAGE\|reply\)' "$KAM_LOG"
  # Delivered over alice's own TLS connection (her ue has no other), and
  # Kamailio got the 200 back from the core-side hop.
  annexo_req 5626-5.3-PC-FORWARD-OVER-FLOW grep -q "^ue: received MESSAGE from $BOB_IMPU" "$IOP_TMP/alice.ue.out"
  annexo_req 5626-5.3-PC-FORWARD-OVER-FLOW grep -q "annexo-scscf: reply 200 OK for MESSAGE .*from 127.0.0.1:$CORE_PORT" "$KAM_LOG"
  grep -q '^ue: MESSAGE 200' "$IOP_TMP/bob.ue.out" || { echo "bob did not get the 200"; return 1; }
  # What Kamailio received: the binding's IMPU asserted, the UE's preferred one gone.
  local req
  req=$(grep 'annexo-scscf: request MESSAGE' "$KAM_LOG" | tail -1)
  annexo_req O.2.2-PC-ASSERT-FROM-ASSOC grep -q "pai=\[<$BOB_IMPU>\] ppi=\[<null>\]" <<<"$req"
  # Routed by the Service-Route Kamailio returned in bob's 2xx.
  annexo_req 24229-5.2.1-PATH-SUPPORT grep -q "route=\[<sip:orig@127.0.0.1:$KAM_PORT;transport=tcp;lr>\]" <<<"$req"
}

flow_gone_430() {
  ue_fg alice "$IOP_IMPI" "$IOP_IMPU" || { echo "alice's ue did not register"; return 1; }
  # alice's ue exited: its TLS connection is closed, her contact is still in Kamailio.
  ue_fg bob "$BOB_IMPI" "$BOB_IMPU" --message "$IOP_IMPU"
  grep 'annexo-scscf: \(terminating\|reply\)' "$KAM_LOG"
  annexo_req 5626-5.3-PC-430-FLOW-GONE grep -q "annexo-scscf: reply 430 .* for MESSAGE .*from 127.0.0.1:$CORE_PORT" "$KAM_LOG"
  grep -q '^ue: MESSAGE 430' "$IOP_TMP/bob.ue.out" || { echo "bob did not get the 430"; return 1; }
}

wrong_password_closes() {
  # The probe sends its own integrity-protected="tls-yes"; Kamailio must see
  # the P-CSCF's tls-pending instead. A wrong password: Kamailio's 403, then
  # the P-CSCF closes the connection while the probe keeps its side open.
  python3 "$PROBE" "$PC_PORT" "$CA" "$IOP_IMPI" "$IOP_IMPU" wrong-password tls-yes \
    >"$IOP_TMP/wrong.probe.out" 2>&1
  cat "$IOP_TMP/wrong.probe.out"
  grep -q '^status 403' "$IOP_TMP/wrong.probe.out" || { echo "no 403 at the probe"; return 1; }
  grep -q 'annexo-scscf: wrong password for alice' "$KAM_LOG" || { echo "Kamailio did not refuse"; return 1; }
  annexo_req O.3.1.1-PC-CLOSE-ON-AUTH-FAIL grep -Eq '^closed-by-peer [0-4]\.' "$IOP_TMP/wrong.probe.out"
  local authz
  authz=$(grep 'annexo-scscf: request REGISTER' "$KAM_LOG" | grep 'response=' | tail -1)
  annexo_req O.2-PC-INTEGRITY-PROTECTED-PARAM grep -q 'integrity-protected="tls-pending"' <<<"$authz"
  annexo_req O.2-PC-INTEGRITY-PROTECTED-PARAM bash -c '! grep -q "tls-yes" <<<"$1"' _ "$authz"
}

# short_expires cmd...: Kamailio grants registrations of a few seconds.
short_expires() { KAM_SHORT_EXPIRES=1 "$@"; }

# Re-registration over the bound TLS session: every REGISTER Kamailio gets
# after the first 2xx says integrity-protected="tls-yes", the first one
# "tls-pending"; the ue keeps its one TLS session.
reregisters_tls_yes() {
  ue_fg rereg "$IOP_IMPI" "$IOP_IMPU" --expires 4 --stay 7 || { echo "ue exit $?"; return 1; }
  cat "$IOP_TMP/rereg.ue.out"
  local seen
  seen=$(grep 'annexo-scscf: request REGISTER' "$KAM_LOG" | grep -o 'integrity-protected="[a-z-]*"')
  echo "$seen" | uniq -c
  grep -q '^ue: REREGISTERED' "$IOP_TMP/rereg.ue.out" || { echo "no re-registration"; return 1; }
  [ "$(grep -o 'session_id=[0-9a-f]*' "$IOP_TMP/rereg.ue.out" | sort -u | wc -l)" -eq 1 ] ||
    { echo "more than one TLS session"; return 1; }
  annexo_req O.2-PC-INTEGRITY-PROTECTED-PARAM test "$(head -1 <<<"$seen")" = 'integrity-protected="tls-pending"'
  annexo_req O.4.3-PC-REREG-ON-BOUND-SESSION test "$(tail -n +2 <<<"$seen" | grep -c 'tls-yes')" -ge 1
  annexo_req O.4.3-PC-REREG-ON-BOUND-SESSION bash -c '! tail -n +2 <<<"$1" | grep -q tls-pending' _ "$seen"
}

# RFC 3261 16.3: a MESSAGE with Max-Forwards 0 gets 483, one that already
# passed this P-CSCF (its own Via) 482, and neither reaches Kamailio.
maxfwd_and_loop() {
  python3 "$PROBE" "$PC_PORT" "$CA" "$IOP_IMPI" "$IOP_IMPU" "$IOP_PASSWORD" "" maxfwd0 \
    >"$IOP_TMP/maxfwd.probe.out" 2>&1
  python3 "$PROBE" "$PC_PORT" "$CA" "$IOP_IMPI" "$IOP_IMPU" "$IOP_PASSWORD" "" "loop:127.0.0.1:$CORE_PORT" \
    >"$IOP_TMP/loop.probe.out" 2>&1
  cat "$IOP_TMP/maxfwd.probe.out" "$IOP_TMP/loop.probe.out"
  grep -c '^status 200' "$IOP_TMP/maxfwd.probe.out" "$IOP_TMP/loop.probe.out" | grep -q ':0' &&
    { echo "a probe did not register"; return 1; }
  annexo_req 3261-16.3-PC-MAXFWD-LOOP grep -q '^message-status 483' "$IOP_TMP/maxfwd.probe.out"
  annexo_req 3261-16.3-PC-MAXFWD-LOOP grep -q '^message-status 482' "$IOP_TMP/loop.probe.out"
  annexo_req 3261-16.3-PC-MAXFWD-LOOP bash -c '! grep -q "annexo-scscf: request MESSAGE" "$1"' _ "$KAM_LOG"
}

# RFC 3261 16.6 item 3: a MESSAGE with Max-Forwards 1 is forwarded with 0, so
# Kamailio receives it and its maxfwd module (mf_process_maxfwd_header) answers
# 483 itself: the value the next hop reads was decremented.
maxfwd_decremented() {
  python3 "$PROBE" "$PC_PORT" "$CA" "$IOP_IMPI" "$IOP_IMPU" "$IOP_PASSWORD" "" maxfwd1 \
    >"$IOP_TMP/maxfwd1.probe.out" 2>&1
  cat "$IOP_TMP/maxfwd1.probe.out"
  grep -q '^status 200' "$IOP_TMP/maxfwd1.probe.out" || { echo "the probe did not register"; return 1; }
  annexo_req 3261-16.3-PC-MAXFWD-LOOP bash -c \
    'grep -q "^message-status 483" "$1" && grep -q "annexo-scscf: request MESSAGE" "$2"' _ \
    "$IOP_TMP/maxfwd1.probe.out" "$KAM_LOG"
}

# REGISTER with expires=0 through pcscf: Kamailio removes the contact, the
# 2xx lists none, so pcscf deletes the binding: the next MESSAGE on that
# connection is refused by pcscf (403) and never reaches Kamailio.
deregisters() {
  python3 "$PROBE" "$PC_PORT" "$CA" "$IOP_IMPI" "$IOP_IMPU" "$IOP_PASSWORD" "" dereg \
    >"$IOP_TMP/dereg.probe.out" 2>&1
  cat "$IOP_TMP/dereg.probe.out"
  ul_dump >"$IOP_TMP/uldump-dereg.txt" 2>&1
  grep -q '^status 200' "$IOP_TMP/dereg.probe.out" || { echo "the probe did not register"; return 1; }
  grep -q '^dereg-status 200' "$IOP_TMP/dereg.probe.out" || { echo "no 200 to the deregistration"; return 1; }
  grep -q 'AoR: alice' "$IOP_TMP/uldump-dereg.txt" && { echo "Kamailio still holds alice"; return 1; }
  annexo_req O.2.2-PC-ASSOC-DELETE grep -q '^message-status 403' "$IOP_TMP/dereg.probe.out"
  annexo_req O.2.2-PC-ASSOC-DELETE bash -c '! grep -q "annexo-scscf: request MESSAGE" "$1"' _ "$KAM_LOG"
}

# baresip (a real UA) registers through pcscf --next-hop with Kamailio as
# S-CSCF and receives bob's MESSAGE over its TLS connection.
baresip_receives() {
  local d=$IOP_TMP/baresip
  rm -rf "$d"
  mkdir -p "$d"
  sed -e "s/@LOCALPORT@/$(server_port)/" "$IOP_DIR/baresip/config.in" >"$d/config"
  sed -e "s|@IMPU@|$IOP_IMPU|; s|@IMPI@|$IOP_IMPI|; s|@PASSWORD@|$IOP_PASSWORD|; s|@PORT@|$PC_PORT|" \
    "$IOP_DIR/baresip/accounts.in" >"$d/accounts"
  printf '%s' 5a0b7a96-7b9e-4e54-9b53-1f2a3c4d5e6f >"$d/uuid"
  timeout 30 baresip -f "$d" -t 12 >"$IOP_TMP/baresip.ue.out" 2>&1 &
  UE_PIDS+=("$!")
  wait_for "$IOP_TMP/baresip.ue.out" '200 OK .*\[[0-9]+ bindings?\]' 10 || return 1
  ul_dump >"$IOP_TMP/uldump-baresip.txt" 2>&1
  # baresip's outbound-proxy Route names pcscf: consumed there (RFC 3261 16.4).
  grep 'annexo-scscf: request REGISTER' "$KAM_LOG" | grep -q 'route=\[<null>\]' ||
    { echo "pcscf's own Route reached Kamailio"; return 1; }
  ue_fg bob "$BOB_IMPI" "$BOB_IMPU" --message "$IOP_IMPU"
  cat "$IOP_TMP/bob.ue.out"
  grep 'annexo-scscf: \(terminating\|reply\)' "$KAM_LOG"
  annexo_req 24229-5.2.1-PATH-SUPPORT grep -Eq "$(path_re)" "$IOP_TMP/uldump-baresip.txt"
  annexo_req 5626-5.3-PC-FORWARD-OVER-FLOW grep -q "annexo-scscf: reply 200 OK for MESSAGE .*from 127.0.0.1:$CORE_PORT" "$KAM_LOG"
  annexo_req 5626-5.3-PC-FORWARD-OVER-FLOW grep -q '^ue: MESSAGE 200' "$IOP_TMP/bob.ue.out"
}

# pcscf --next-hop-transport tls towards Kamailio's TLS listener: the
# REGISTER reaches Kamailio over TLS (its own log says proto=tls) and the ue
# registers; with a CA that did not issue Kamailio's certificate, the
# handshake fails and the ue gets 503 at once. On the OpenSSL twin Kamailio's
# tls module runs method TLSv1.2+ (TLS 1.2 and 1.3, the highest the client
# offers): the next hop is TLS 1.3 (RD-271), as Kamailio's tls module
# reports for the REGISTER it received ($tls_version) and its ServerHello
# says on the wire (supported_versions 0x0304, tshark); the wrong CA and the
# wrong name are then refused inside a TLS 1.3 handshake. The Botan twin
# stays at TLS 1.2 (Botan 2.19), Kamailio saying so too.
tls_next_hop() {
  local r=0 want=TLSv1.2 method=TLSv1.2
  WHY_FILE=$IOP_TMP/tls_next_hop.why
  [ "$IOP_UE_STACK" = openssl ] && { want=TLSv1.3; method=TLSv1.2+; }
  KAM_PORT=$(server_port) || return 1
  KAM_TLS_PORT=$(server_port) || return 1
  KAM_TLS_METHOD=$method kam_start fwd-tls "$KAM_PORT" MD5 1 || { why "Kamailio did not start"; evidence; return 1; }
  PC_NEXT_HOP_PORT=$KAM_TLS_PORT pc_start fwd-tls --next-hop-transport tls \
    --next-hop-ca "$CA" --next-hop-name pcscf.test || { why "pcscf (fwd-tls) did not start"; r=1; }
  if ((r == 0)); then
    iop_tshark_start nexthop "$KAM_TLS_PORT" || { why "tshark did not start"; r=1; }
    ue_fg tls "$IOP_IMPI" "$IOP_IMPU" || { why "ue exit $? through the TLS next hop"; r=1; }
    iop_tshark_stop nexthop
    cat "$IOP_TMP/tls.ue.out"
    grep 'annexo-scscf: request REGISTER\|annexo-scscf: tls' "$KAM_LOG" | cut -c1-160
    grep -q "annexo-scscf: request REGISTER from 127.0.0.1:[0-9]* proto=tls" "$KAM_LOG" ||
      { why "Kamailio logged no REGISTER over TLS"; r=1; }
    kam_registered sip:alice@ims.test || { why "Kamailio logged no registration of sip:alice@ims.test"; r=1; }
    # RD-271: the TLS client towards the next hop runs on pcscf's --tls-stack.
    grep 'TLS to the next hop established' "$PC_LOG" | grep -q "\"stack\":\"$IOP_UE_STACK\"" ||
      { why "TLS to the next hop did not run on --tls-stack $IOP_UE_STACK"; grep 'next hop' "$PC_LOG" | tail -3; r=1; }
    # The version, as the peer saw it: every REGISTER Kamailio received over
    # TLS came over a connection its tls module reports as $want.
    if [ "$want" = TLSv1.3 ]; then
      annexo_req 33210-6.2.1-TLS13-MANDATORY test "$(kam_tls_versions)" = TLSv1.3 ||
        { why "Kamailio's tls module reported: $(kam_tls_versions | tr '\n' ' ')(want TLSv1.3 only)"; r=1; }
      annexo_req 33210-6.2.1-TLS13-MANDATORY iop_server_hello_version_is nexthop "$IOP_TLS13" ||
        { why "the ServerHello on the wire is not TLS 1.3"; r=1; }
    else
      [ "$(kam_tls_versions)" = TLSv1.2 ] || { why "Kamailio's tls module: $(kam_tls_versions), want TLSv1.2"; r=1; }
    fi
  fi
  pc_stop || { why "pcscf (fwd-tls) stop reported a problem"; r=1; }
  # The wrong trust anchor: Kamailio's certificate does not verify.
  if ((r == 0)); then
    PC_NEXT_HOP_PORT=$KAM_TLS_PORT pc_start fwd-tls-badca --next-hop-transport tls \
      --next-hop-ca "$IOP_PKI/ca-rsa.pem" --next-hop-name pcscf.test || r=1
    ue_fg tls-badca "$IOP_IMPI" "$IOP_IMPU"
    cat "$IOP_TMP/tls-badca.ue.out"
    annexo_req 3261-16.7-PC-NEXT-HOP-FAILURE grep -qw '503' "$IOP_TMP/tls-badca.ue.out" ||
      { why "wrong CA: the ue got no 503"; r=1; }
    [ "$(grep -c 'annexo-scscf: request' "$KAM_LOG")" -eq 2 ] ||
      { why "a REGISTER reached Kamailio over the unverified TLS connection"; r=1; }
    pc_stop || r=1
  fi
  # The right CA, another name: refused too.
  if ((r == 0)); then
    PC_NEXT_HOP_PORT=$KAM_TLS_PORT pc_start fwd-tls-badname --next-hop-transport tls \
      --next-hop-ca "$CA" --next-hop-name scscf.other.test || r=1
    ue_fg tls-badname "$IOP_IMPI" "$IOP_IMPU"
    cat "$IOP_TMP/tls-badname.ue.out"
    annexo_req 3261-16.7-PC-NEXT-HOP-FAILURE grep -qw '503' "$IOP_TMP/tls-badname.ue.out" ||
      { why "wrong name: the ue got no 503"; r=1; }
    [ "$(grep -c 'annexo-scscf: request' "$KAM_LOG")" -eq 2 ] ||
      { why "a REGISTER reached Kamailio over a TLS connection to the wrong name"; r=1; }
    pc_stop || r=1
  fi
  iop_stop "$KAM_PID"
  ((r == 0)) || evidence
  return $r
}

registers_sha256() {
  ue_fg alice "$IOP_IMPI" "$IOP_IMPU" || { echo "ue exit $?"; return 1; }
  grep -q 'annexo-scscf: auth 1 for alice' "$KAM_LOG" || { echo "Kamailio did not authenticate"; return 1; }
  annexo_req N.1-DIGEST-RFC7616 grep -q 'algorithm=SHA-256' <(grep 'annexo-scscf: request REGISTER' "$KAM_LOG")
  annexo_req N.1-DIGEST-RFC7616 grep -q "^ue: REGISTERED $IOP_IMPU" "$IOP_TMP/alice.ue.out"
}

no_pau_to_uri() {
  # Kamailio sends no P-Associated-URI: the binding holds the To URI (RD-109),
  # so bob's MESSAGE is asserted as the IMPU he registered.
  ue_fg bob "$BOB_IMPI" "$BOB_IMPU" --message "$IOP_IMPU" --preferred-identity sip:mallory@ims.test
  grep 'annexo-scscf: request MESSAGE' "$KAM_LOG"
  annexo_req O.2.2-PC-ASSERT-FROM-ASSOC grep -q "pai=\[<$BOB_IMPU>\] ppi=\[<null>\]" <(grep 'annexo-scscf: request MESSAGE' "$KAM_LOG")
}

next_hop_down_and_back() {
  iop_stop "$KAM_PID"
  local t0 t1
  t0=$(date +%s%N)
  ue_fg down "$IOP_IMPI" "$IOP_IMPU"
  local rc=$?
  t1=$(date +%s%N)
  echo "ue exit $rc after $(((t1 - t0) / 1000000)) ms: $(cat "$IOP_TMP/down.ue.out")"
  [ "$rc" -ne 0 ] || { echo "registered with the next hop down"; return 1; }
  annexo_req 3261-16.7-PC-NEXT-HOP-FAILURE grep -qw '503' "$IOP_TMP/down.ue.out"
  annexo_req 3261-16.7-PC-NEXT-HOP-FAILURE test $(((t1 - t0) / 1000000)) -lt 3000
  # The S-CSCF comes back on the same port; the same pcscf process registers
  # again (reconnect after the back-off), within a budget.
  kam_start back "$KAM_PORT" MD5 1 || return 1
  local i ok=1
  for ((i = 0; i < 10; i++)); do
    if ue_fg back "$IOP_IMPI" "$IOP_IMPU"; then
      ok=0
      break
    fi
    sleep 1
  done
  echo "registration after the next hop came back: attempt $((i + 1)), $(cat "$IOP_TMP/back.ue.out")"
  kill -0 "$PC_PID" || { echo "pcscf is gone"; return 1; }
  annexo_req 3261-16.7-PC-NEXT-HOP-FAILURE test "$ok" -eq 0
  annexo_req 3261-16.7-PC-NEXT-HOP-FAILURE kam_registered sip:alice@ims.test
}

# A next hop that accepts TCP and never answers: 408 to the UE after the
# transaction timer (--transaction-timeout 2), nothing held.
silent_next_hop_408() {
  KAM_PORT=$(server_port) || return 1
  KAM_LOG=$IOP_TMP/silent.log
  python3 -c 'import socket,sys,time
s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(4)
c, _ = s.accept(); print("annexo-scscf: silent next hop accepted", flush=True)
while c.recv(65536): pass
time.sleep(30)' "$KAM_PORT" >"$KAM_LOG" 2>&1 &
  KAM_PID=$!
  iop_wait_listen "$KAM_PORT" || return 1
  pc_start silent --transaction-timeout 2 || { iop_stop "$KAM_PID"; return 1; }
  local t0 t1 rc
  t0=$(date +%s%N)
  ue_fg silent "$IOP_IMPI" "$IOP_IMPU"
  rc=$?
  t1=$(date +%s%N)
  pc_stop || { iop_stop "$KAM_PID"; return 1; }
  iop_stop "$KAM_PID"
  echo "ue exit $rc after $(((t1 - t0) / 1000000)) ms: $(cat "$IOP_TMP/silent.ue.out")"
  grep -q 'silent next hop accepted' "$KAM_LOG" || { echo "the REGISTER never reached the next hop"; evidence; return 1; }
  annexo_req 3261-16.7-PC-NEXT-HOP-FAILURE grep -qw '408' "$IOP_TMP/silent.ue.out" || { evidence; return 1; }
  annexo_req 3261-16.7-PC-NEXT-HOP-FAILURE test $(((t1 - t0) / 1000000)) -lt 6000
}

# An INVITE dialog between two UEs through pcscf, Kamailio as the S-CSCF
# (record_route on INVITE), the UEs a Python peer (dialog_ue.py: A calls B,
# re-INVITE, B hangs up). Judged at the UEs and at Kamailio.
# tok_entry PORT TRANSPORT: this pcscf's Record-Route entry with a flow token.
tok_entry() { echo "<sip:[0-9a-f]{32}@127\.0\.0\.1:$1;lr;transport=$2>"; }
dialog_through_pcscf() {
  python3 "$DIALOG_UE" "$PC_PORT" "$CA" "$IOP_PASSWORD" "$IOP_IMPI" "$IOP_IMPU" "$BOB_IMPI" "$BOB_IMPU" \
    >"$IOP_TMP/dialog.ue.out" 2>&1
  local rc=$? out=$IOP_TMP/dialog.ue.out
  cat "$out"
  grep 'annexo-scscf: \(request \(INVITE\|ACK\|BYE\)\|reply\)' "$KAM_LOG" | cut -c1-400
  ((rc == 0)) || { echo "dialog_ue.py exited $rc"; return 1; }
  local core tls inv rr1 rr2
  core=$(tok_entry "$CORE_PORT" tcp)
  tls="<sip:[0-9a-f]{32}@127\.0\.0\.1:$PC_PORT;lr;transport=tls>"
  # Originating (RFC 5626 5.3): the INVITE Kamailio received from pcscf has
  # pcscf's Record-Route with alice's flow token and the core-side address.
  inv=$(grep 'annexo-scscf: request INVITE' "$KAM_LOG" | grep -v 'ruri=sip:bob@127' | head -1)
  annexo_req 5626-5.3-PC-RR-FLOW-TOKEN grep -Eq "rr=\[$core\]" <<<"$inv"
  local alice_rr
  alice_rr=$(grep -Eo "rr=\[$core\]" <<<"$inv" | cut -c4- | tr -d '[]')
  # ... so bob's BYE (the far end's in-dialog request) came back through
  # pcscf's core side with that entry and reached alice over her own TLS
  # connection.
  annexo_req 5626-5.3-PC-RR-FLOW-TOKEN grep -Fq "route=[<sip:127.0.0.1:$KAM_PORT;transport=tcp;lr;ftag=" \
    <(grep 'annexo-scscf: request BYE' "$KAM_LOG" | grep -F ", $alice_rr]")
  annexo_req 5626-5.3-PC-RR-FLOW-TOKEN grep -q '^A-got BYE ' "$out"
  annexo_req 5626-5.3-PC-RR-FLOW-TOKEN grep -q '^B-200-BYE 200' "$out"
  # Terminating (RD-201): the INVITE bob received carries pcscf's entry with
  # his flow token, the TLS face, on top; Kamailio got bob's 200 with the
  # entry turned to the core face, and alice's re-INVITE and ACKs reached bob.
  annexo_req IMPL-PC-RR-TERMINATING grep -Eq "^B-got INVITE sip:bob@[^ ]* SIP/2.0 rr=\[$tls, <sip:127.0.0.1:$KAM_PORT;transport=tcp;lr;ftag=[^>]*>, $core\]$" "$out"
  annexo_req IMPL-PC-RR-TERMINATING grep -Eq "annexo-scscf: reply 200 OK for INVITE .*from 127.0.0.1:$CORE_PORT rr=\[$core\]" "$KAM_LOG"
  annexo_req IMPL-PC-RR-TERMINATING grep -q '^B-got-reINVITE INVITE ' "$out"
  annexo_req IMPL-PC-RR-TERMINATING test "$(grep -c '^B-got ACK ' "$out")" -eq 2
  # TS 24.229 5.2.6.3.6: alice sees pcscf's entry with the TLS face in the 200
  # to her INVITE, and the same entry in the 200 to her re-INVITE.
  local tok
  tok=$(grep -Eo '[0-9a-f]{32}' <<<"$alice_rr")
  rr1=$(grep '^A-200-INVITE ' "$out" | grep -Eo "<sip:$tok@[^>]*>")
  rr2=$(grep '^A-200-reINVITE ' "$out" | grep -Eo "<sip:$tok@[^>]*>")
  echo "alice's entry: initial $rr1, target refresh $rr2"
  annexo_req 24229-5.2.6.3.6-RR-REWRITE grep -Eqx "$tls" <<<"$rr1"
  annexo_req 24229-5.2.6.3.6-RR-REWRITE test "$rr2" = "$rr1"
}

# RD-130 in forward mode: pcscf cannot check passwords, Kamailio does; the
# 403s it relays count. Limits 3 per (IMPI, source) and 5 per source. The
# guesser (limits_peer.py, one TLS connection per attempt) from 127.0.0.1
# gets Kamailio's 403 three times, then pcscf's 503 with Retry-After, even
# for the right password; Kamailio never sees a fourth REGISTER with
# credentials from it. alice's right password from 127.0.0.2 registers.
# kam_authz_count: REGISTERs with a Digest response Kamailio received.
kam_authz_count() { grep 'annexo-scscf: request REGISTER' "$KAM_LOG" | grep -c 'response='; }
# attempt OUT I: "CODE RETRY-AFTER" of limits_peer.py's I-th attempt.
attempt() { awk -v i="$2" '$1 == "ATTEMPT" && $2 == i { sub("retry-after=", "", $4); print $3, $4 }' "$1"; }
auth_limit_forward() {
  pc_stop || return 1
  pc_start fwd-authlimit-pc --auth-fail-max 3 --auth-fail-max-source 5 --auth-fail-block 30 || return 1
  local g=$IOP_TMP/guess.probe.out l=$IOP_TMP/legit.probe.out
  python3 "$LIMITS_PEER" register --port "$PC_PORT" --ca "$CA" --source 127.0.0.1 \
    --impi "$IOP_IMPI" --impu "$IOP_IMPU" --password w1 --password w2 --password w3 \
    --password w4 --password "$IOP_PASSWORD" >"$g" 2>&1
  cat "$g"
  local after_guesses
  after_guesses=$(kam_authz_count)
  python3 "$LIMITS_PEER" register --port "$PC_PORT" --ca "$CA" --source 127.0.0.2 \
    --impi "$IOP_IMPI" --impu "$IOP_IMPU" --password "$IOP_PASSWORD" >"$l" 2>&1
  cat "$l"
  echo "Kamailio: $after_guesses REGISTERs with credentials after the guesses, $(kam_authz_count) after alice"
  grep 'annexo-scscf: \(wrong password\|registered\)' "$KAM_LOG"
  local i
  for i in 1 2 3; do
    annexo_req IMPL-PC-AUTH-FAILURE-LIMIT test "$(attempt "$g" $i | cut -d' ' -f1)" = 403
  done
  annexo_req IMPL-PC-AUTH-FAILURE-LIMIT test "$(grep -c 'annexo-scscf: wrong password for alice' "$KAM_LOG")" -eq 3
  for i in 4 5; do
    annexo_req IMPL-PC-AUTH-FAILURE-LIMIT bash -c '[[ "$1" =~ ^503\ ([0-9]+)$ ]] && ((BASH_REMATCH[1] >= 1 && BASH_REMATCH[1] <= 30))' _ "$(attempt "$g" $i)"
  done
  # Once limited, nothing with credentials reached Kamailio: the 4th guess
  # and the right password from 127.0.0.1 were refused unchecked.
  annexo_req IMPL-PC-AUTH-FAILURE-LIMIT test "$after_guesses" -eq 3
  annexo_req IMPL-PC-AUTH-FAILURE-LIMIT test "$(attempt "$l" 1 | cut -d' ' -f1)" = 200
  annexo_req IMPL-PC-AUTH-FAILURE-LIMIT test "$(kam_authz_count)" -eq 4
}

# RD-203: bob rings for 4 s, twice pcscf's transaction timer (2 s); Timer C
# keeps both of pcscf's transactions (alice's INVITE towards Kamailio, the
# INVITE delivered to bob) open: alice gets the 200, nobody gets a 408.
ringing_past_timer() {
  pc_stop || return 1
  pc_start fwd-ring-pc --transaction-timeout 2 || return 1
  python3 "$DIALOG_UE" "$PC_PORT" "$CA" "$IOP_PASSWORD" "$IOP_IMPI" "$IOP_IMPU" "$BOB_IMPI" "$BOB_IMPU" 4 \
    >"$IOP_TMP/ring.ue.out" 2>&1
  local rc=$? out=$IOP_TMP/ring.ue.out
  cat "$out"
  grep 'annexo-scscf: reply' "$KAM_LOG" | cut -c1-200
  grep -q '^B-ringing 4' "$out" || { echo "bob did not ring"; return 1; }
  annexo_req 3261-16.7-PC-TIMER-C grep -q '^A-final-INVITE 200' "$out"
  annexo_req 3261-16.7-PC-TIMER-C test "$rc" -eq 0
  annexo_req 3261-16.7-PC-TIMER-C grep -q "annexo-scscf: reply 180 Ringing for INVITE .*from 127.0.0.1:$CORE_PORT" "$KAM_LOG"
  annexo_req 3261-16.7-PC-TIMER-C grep -q "annexo-scscf: reply 200 OK for INVITE .*from 127.0.0.1:$CORE_PORT" "$KAM_LOG"
  annexo_req 3261-16.7-PC-TIMER-C bash -c '! grep -q "annexo-scscf: reply 408" "$1"' _ "$KAM_LOG"
}

#= spec#24229-5.2.1-PATH-SUPPORT type=test
#= spec#24229-PC-OUTBOUND-PATH type=test
#= spec#O.2-PC-INTEGRITY-PROTECTED-PARAM type=test
annexo_case "24229-5.2.1-PATH-SUPPORT: ue registers through pcscf --next-hop with Kamailio as S-CSCF; Kamailio's location table holds the Path with the flow token and ob, the REGISTER it got says tls-pending" \
  with_core fwd-register registers_with_path
#= spec#5626-5.3-PC-FORWARD-OVER-FLOW type=test
#= spec#O.2.2-PC-ASSERT-FROM-ASSOC type=test
#= spec#24229-5.2.1-PATH-SUPPORT type=test
annexo_case "5626-5.3-PC-FORWARD-OVER-FLOW: a second ue's MESSAGE reaches Kamailio with the binding's P-Asserted-Identity by the Service-Route and is delivered over the first ue's TLS connection" \
  with_core fwd-message message_over_flow
#= spec#5626-5.3-PC-430-FLOW-GONE type=test
annexo_case "5626-5.3-PC-430-FLOW-GONE: the first ue has gone; Kamailio's next delivery along the stored Path gets 430 from pcscf" \
  with_core fwd-430 flow_gone_430
#= spec#O.3.1.1-PC-CLOSE-ON-AUTH-FAIL type=test
#= spec#O.2-PC-INTEGRITY-PROTECTED-PARAM type=test
annexo_case "O.3.1.1-PC-CLOSE-ON-AUTH-FAIL: a wrong password draws Kamailio's 403, pcscf relays it and closes the UE's connection; the UE's own integrity-protected is replaced" \
  with_core fwd-403 wrong_password_closes
#= spec#O.4.3-PC-REREG-ON-BOUND-SESSION type=test
#= spec#O.2-PC-INTEGRITY-PROTECTED-PARAM type=test
annexo_case "O.4.3-PC-REREG-ON-BOUND-SESSION: re-REGISTERs over the bound TLS session reach Kamailio with integrity-protected tls-yes, the first REGISTER with tls-pending" \
  short_expires with_core fwd-rereg reregisters_tls_yes
#= spec#3261-16.3-PC-MAXFWD-LOOP type=test
annexo_case "3261-16.3-PC-MAXFWD-LOOP: pcscf --next-hop answers Max-Forwards 0 with 483 and its own Via with 482; Kamailio never sees them" \
  with_core fwd-maxfwd maxfwd_and_loop
#= spec#3261-16.3-PC-MAXFWD-LOOP type=test
annexo_case "3261-16.3-PC-MAXFWD-LOOP: pcscf --next-hop forwards Max-Forwards 1 as 0: Kamailio receives the MESSAGE and answers 483 itself" \
  with_core fwd-maxfwd1 maxfwd_decremented
#= spec#O.2.2-PC-ASSOC-DELETE type=test
annexo_case "O.2.2-PC-ASSOC-DELETE: a deregistration through pcscf --next-hop answered 200 by Kamailio deletes the binding; the next MESSAGE is refused by pcscf" \
  with_core fwd-dereg deregisters
#= spec#24229-5.2.1-PATH-SUPPORT type=test
#= spec#5626-5.3-PC-FORWARD-OVER-FLOW type=test
annexo_case "5626-5.3-PC-FORWARD-OVER-FLOW: baresip registers through pcscf --next-hop with Kamailio as S-CSCF and receives a MESSAGE over its TLS connection" \
  with_core fwd-baresip baresip_receives
#= spec#N.1-DIGEST-RFC7616 type=test
annexo_case "N.1-DIGEST-RFC7616: ue registers through pcscf --next-hop with Kamailio challenging Digest SHA-256" \
  with_core fwd-sha256 registers_sha256 SHA-256
#= spec#O.2.2-PC-ASSERT-FROM-ASSOC type=test
annexo_case "O.2.2-PC-ASSERT-FROM-ASSOC: Kamailio sends no P-Associated-URI; the MESSAGE it receives is asserted as the registered To URI, not the preferred identity" \
  with_core fwd-nopau no_pau_to_uri MD5 0
#= spec#3261-16.7-PC-NEXT-HOP-FAILURE type=test
annexo_case "3261-16.7-PC-NEXT-HOP-FAILURE: Kamailio down, the ue gets 503 at once; Kamailio back, the same pcscf registers the ue again" \
  with_core fwd-down next_hop_down_and_back
#= spec#3261-16.7-PC-NEXT-HOP-FAILURE type=test
annexo_case "3261-16.7-PC-NEXT-HOP-FAILURE: a next hop that never answers: 408 to the ue after the transaction timer" \
  silent_next_hop_408
#= spec#3261-16.7-PC-NEXT-HOP-FAILURE type=test
#= spec#33210-6.2.1-TLS13-MANDATORY type=test
annexo_case "3261-16.7-PC-NEXT-HOP-FAILURE: pcscf --next-hop-transport tls registers the ue through Kamailio over TLS (TLS 1.3 on the OpenSSL stack, as Kamailio's tls module and its ServerHello say); with the wrong CA or name the handshake fails and the ue gets 503" \
  tls_next_hop
#= spec#5626-5.3-PC-RR-FLOW-TOKEN type=test
#= spec#IMPL-PC-RR-TERMINATING type=test
#= spec#24229-5.2.6.3.6-RR-REWRITE type=test
annexo_case "5626-5.3-PC-RR-FLOW-TOKEN: an INVITE dialog between two UEs through pcscf --next-hop and Kamailio: pcscf Record-Routes with the flow tokens, in-dialog requests from either end reach the other UE over its own TLS connection, and the 200 to a re-INVITE shows the UE the same pcscf entry as the 200 to the INVITE" \
  with_core fwd-dialog dialog_through_pcscf
#= spec#IMPL-PC-AUTH-FAILURE-LIMIT type=test
annexo_case "IMPL-PC-AUTH-FAILURE-LIMIT: in forward mode Kamailio's 403s count: after 3 wrong passwords from one address pcscf answers 503 with Retry-After unchecked and Kamailio gets no further REGISTER with credentials from it, while the right password from another address registers" \
  with_core fwd-authlimit auth_limit_forward
#= spec#3261-16.7-PC-TIMER-C type=test
annexo_case "3261-16.7-PC-TIMER-C: the callee rings (180) for twice pcscf's transaction timer before its 200: Timer C keeps the INVITE open both ways, the caller gets the 200 and no 408" \
  with_core fwd-ring ringing_past_timer
rm -rf "$CTL_DIR"
annexo_finish
