# shellcheck shell=bash
# Shared helpers of annexo's interop tests (sourced, not run).
#
# Rules (issue 7, test-peers.md): everything on loopback on free ports; tools
# that bind all interfaces run in a private network namespace; every server
# a test starts is recorded and stopped by its own PID on exit.

set -uo pipefail
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:$PATH

IOP_TMP=${TEST_TMPDIR:-$(mktemp -d)}/interop.$$
mkdir -p "$IOP_TMP"
IOP_PIDS=()
IOP_FAILS=0
IOP_CASES=0

iop_cleanup() {
  local p
  for p in "${IOP_PIDS[@]:-}"; do
    [ -n "$p" ] || continue
    kill "$p" 2>/dev/null
  done
  sleep 0.2
  for p in "${IOP_PIDS[@]:-}"; do
    [ -n "$p" ] || continue
    kill -9 "$p" 2>/dev/null
    wait "$p" 2>/dev/null
  done
  IOP_PIDS=()
}
trap iop_cleanup EXIT

iop_log() { echo "[interop] $*"; }
iop_pass() { IOP_CASES=$((IOP_CASES + 1)); echo "PASS $*"; }
iop_fail() { IOP_CASES=$((IOP_CASES + 1)); IOP_FAILS=$((IOP_FAILS + 1)); echo "FAIL $*"; }
iop_check() { # description command... : passes when the command succeeds
  local d=$1
  shift
  if "$@"; then iop_pass "$d"; else iop_fail "$d"; fi
}

# Ends the test: non-zero when a case failed or none ran.
iop_finish() {
  iop_cleanup
  echo "[interop] $IOP_CASES case(s), $IOP_FAILS failure(s)"
  [ "$IOP_CASES" -gt 0 ] && [ "$IOP_FAILS" -eq 0 ]
}

# A TCP port nobody listens on (checked with ss), in 20000-59999.
iop_free_port() {
  local p
  for _ in $(seq 1 200); do
    p=$((20000 + RANDOM % 40000))
    if ! ss -Htln "sport = :$p" | grep -q .; then
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
    echo "[interop] port $1 is still taken: a previous server was not stopped" >&2
    iop_fail "port $1 free before starting a server"
    return 1
  fi
}

# Waits until something listens on 127.0.0.1:PORT (TCP), or fails after ~5 s.
# Optional NETNS_PID: look inside that process's network namespace.
iop_wait_listen() { # port [pid-in-netns]
  local port=$1 ns=${2:-}
  for _ in $(seq 1 100); do
    if [ -n "$ns" ]; then
      nsenter -t "$ns" -n ss -Htln "sport = :$port" | grep -q . && return 0
    else
      ss -Htln "sport = :$port" | grep -q . && return 0
    fi
    sleep 0.05
  done
  echo "nothing listens on port $port" >&2
  return 1
}

# Starts a background server, recording its PID: iop_start NAME cmd...
# Output goes to $IOP_TMP/NAME.log; the PID is in $IOP_LAST_PID.
iop_start() {
  local name=$1
  shift
  "$@" >"$IOP_TMP/$name.log" 2>&1 &
  IOP_LAST_PID=$!
  IOP_PIDS+=("$IOP_LAST_PID")
}

# Stops one server by its PID.
iop_stop() {
  local p=$1
  kill "$p" 2>/dev/null
  for _ in $(seq 1 40); do
    kill -0 "$p" 2>/dev/null || break
    sleep 0.05
  done
  kill -9 "$p" 2>/dev/null
  wait "$p" 2>/dev/null
  return 0
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
# tests/interop/kamailio/registrar.cfg); METHOD is its TLS method (TLSv1.2,
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
  iop_require_free "$port" || return 1
  kamailio -c -f "$d/kamailio.cfg" >"$d/check.log" 2>&1 || { cat "$d/check.log"; return 1; }
  iop_start "$name" kamailio -DD -E -f "$d/kamailio.cfg" -w "$d" -Y "$d" -P "$d/kamailio.pid"
  IOP_KAM_PID=$IOP_LAST_PID
  IOP_KAM_LOG=$IOP_TMP/$name.log
  iop_wait_listen "$port"
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

# iop_baresip PORT PASSWORD SECONDS -> 0 when baresip printed "200 OK ... [1 binding]".
# baresip always exits 0 and never verifies the certificate (test-peers.md), so
# the verdict is read from its output ($IOP_TMP/baresip.out).
iop_baresip() {
  local port=$1 pw=$2 secs=${3:-3}
  local d=$IOP_TMP/baresip
  rm -rf "$d"
  mkdir -p "$d"
  sed -e "s/@LOCALPORT@/$(iop_free_port)/" "$IOP_DIR/baresip/config.in" >"$d/config"
  sed -e "s|@IMPU@|$IOP_IMPU|; s|@IMPI@|$IOP_IMPI|; s|@PASSWORD@|$pw|; s|@PORT@|$port|" \
    "$IOP_DIR/baresip/accounts.in" >"$d/accounts"
  printf '%s' 5a0b7a96-7b9e-4e54-9b53-1f2a3c4d5e6f >"$d/uuid"
  timeout $((secs + 10)) baresip -f "$d" -t "$secs" >"$IOP_TMP/baresip.out" 2>&1
  if grep -Eq '200 OK .*\[[0-9]+ bindings?\]' "$IOP_TMP/baresip.out"; then return 0; fi
  echo "[interop] baresip did not register; its last lines:"
  grep -v '^$' "$IOP_TMP/baresip.out" | tail -4 | sed 's/^/[interop]   /'
  return 1
}

# --- OpenSSL / GnuTLS peers -----------------------------------------------------
# iop_s_server NAME PORT CERT KEY [openssl s_server args...]
# Starts `openssl s_server` on 127.0.0.1:PORT with stdin held open through a
# FIFO (s_server must not see EOF); `iop_s_server_say NAME TEXT` writes to it
# ("r" sends a HelloRequest). Sets IOP_LAST_PID.
iop_s_server() {
  local name=$1 port=$2 cert=$3 key=$4
  shift 4
  iop_require_free "$port" || return 1
  local fifo=$IOP_TMP/$name.stdin
  rm -f "$fifo"
  mkfifo "$fifo"
  exec {IOP_FIFO_FD}<>"$fifo"
  openssl s_server -accept "127.0.0.1:$port" -cert "$cert" -key "$key" -no_ticket "$@" \
    <"$fifo" >"$IOP_TMP/$name.log" 2>&1 &
  IOP_LAST_PID=$!
  IOP_PIDS+=("$IOP_LAST_PID")
  iop_wait_listen "$port" || { tail -3 "$IOP_TMP/$name.log" >&2; return 1; }
}
iop_s_server_say() { printf '%s\n' "$2" >"$IOP_TMP/$1.stdin"; }

# iop_s_client PORT CAFILE INPUT [openssl s_client args...] -> s_client's exit
# code; output (with -msg) in $IOP_TMP/s_client.out. Verifies the server as
# pcscf.test against CAFILE and fails on a verification error. INPUT is sent
# after the handshake; the client waits 1 s for answers.
iop_s_client() {
  local port=$1 ca=$2 input=$3
  shift 3
  { printf '%b' "$input"; sleep 1; } |
    timeout 15 openssl s_client -connect "127.0.0.1:$port" -servername pcscf.test \
      -verify_hostname pcscf.test -verify_return_error -CAfile "$ca" -no_ticket -nocommands -msg "$@" \
      >"$IOP_TMP/s_client.out" 2>&1
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
# True when the last s_client received a CertificateRequest.
iop_s_client_saw_certreq() { grep -Eq '<<< .*CertificateRequest|Client Certificate Types:' "$IOP_TMP/s_client.out"; }

# Runs this test script again inside a private network namespace with lo up,
# calling the function named by $1 with the remaining arguments. For tools
# that bind all interfaces (gnutls-serv). The script must call
# iop_netns_dispatch "$@" before its own main part.
iop_in_netns() {
  unshare -n -- bash -c 'ip link set lo up && exec bash "$0" --iop-netns "$@"' "$IOP_SCRIPT" "$@"
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
  iop_wait_listen "$port"
}
# iop_gnutls_cli PORT CAFILE INPUT [gnutls-cli args...] -> exit code; output in
# $IOP_TMP/gnutls-cli.out. Verifies the server as pcscf.test against CAFILE.
iop_gnutls_cli() {
  local port=$1 ca=$2 input=$3
  shift 3
  { printf '%b' "$input"; sleep 1; } |
    timeout 15 gnutls-cli -p "$port" --x509cafile "$ca" --verify-hostname pcscf.test --noticket "$@" 127.0.0.1 \
      >"$IOP_TMP/gnutls-cli.out" 2>&1
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
# iop_tshark_start NAME PORT: captures TCP PORT on lo into $IOP_TMP/NAME.pcap,
# returns once tshark prints "Capturing on". iop_tshark_stop NAME: stops it
# by PID and writes one line per handshake record to $IOP_TMP/NAME.txt:
# "types<TAB>session_id_length<TAB>ciphersuites" (tshark 4.0 field names).
iop_tshark_start() {
  local name=$1 port=$2
  iop_start "$name" tshark -i lo -f "tcp port $port" -w "$IOP_TMP/$name.pcap"
  IOP_TSHARK_PID=$IOP_LAST_PID
  for _ in $(seq 1 100); do
    if grep -q 'Capturing on' "$IOP_TMP/$name.log"; then
      # "Capturing on" comes before the capture really runs: without this
      # pause the first packets of the next connection are missed.
      sleep 1
      return 0
    fi
    sleep 0.05
  done
  echo "tshark did not start:" >&2
  cat "$IOP_TMP/$name.log" >&2
  return 1
}
iop_tshark_stop() {
  local name=$1
  sleep 0.5
  iop_stop "$IOP_TSHARK_PID"
  tshark -r "$IOP_TMP/$name.pcap" -Y tls.handshake -T fields -e tls.handshake.type \
    -e tls.handshake.session_id_length -e tls.handshake.ciphersuite >"$IOP_TMP/$name.txt"
}
# Handshake message types seen (comma/newline separated numbers).
iop_tshark_saw_type() { cut -f1 "$IOP_TMP/$1.txt" | tr ',' '\n' | grep -qx "$2"; }
# Session ID length of the ServerHello (type 2).
iop_tshark_server_session_id_len() { awk -F'\t' '$1 ~ /(^|,)2(,|$)/ { print $2; exit }' "$IOP_TMP/$1.txt"; }
