#!/bin/bash
# The probe (adapters/probe) checked as a program, P-CSCF TLS and certificate
# test purposes (TP_PC_TLS_*, TP_PC_CERT_*): against annexo's own pcscf every
# selected, implemented TP passes; it can fail (scripted broken P-CSCFs fail
# exactly the TPs about what they break); an unreachable or hung IUT and a
# malformed PIXIT end quickly with a clear message. These cases check the
# probe, not annexo: they cite no requirement and earn no credit.
# TLS stack twins (BUILD.bazel): pcscf runs --tls-stack $ANNEXO_TLS_STACK
# (e2e_lib.sh's launcher) and is judged with that stack's PICS: on openssl
# (TLS 1.3 claimed, RD-276) TP_PC_TLS_015 and _022 pass and TP_PC_TLS_016 is
# inconc (no ticket, RD-119). With the NULL opt-in TP_PC_TLS_005 passes on
# openssl and is inconc on botan (no NULL suite in Botan 2.19, RD-350, RD-390).
# The cases against scripted or third-party
# servers do not depend on pcscf's stack: botan target only (twin_scope "tls").
#   probe_pcscf_tls_e2e_test.sh PCSCF PROBE MAKE_PKI TESTLIB E2E_LIB MISBEHAVING PROFORMA
set -uo pipefail
PCSCF=$(realpath "$1")
PROBE=$(realpath "$2")
MAKE_PKI=$3
source "$4"
E2E_LIB=$5
MISBEHAVING=$(realpath "$6")
SPEC=$(realpath "$(dirname "$(dirname "$7")")")
UE=/bin/false  # e2e_lib.sh's ue launcher is not used here
E2E_NAME=probe_pcscf_tls
source "$E2E_LIB"
PICS=$SPEC/probe/annexo-pcscf.pics.toml
[ "$UE_STACK" = botan ] || PICS=$SPEC/probe/annexo-pcscf-$UE_STACK.pics.toml

# Every TLS and certificate TP of the catalogue (26), run with --tp.
TPS=$(grep -o '^id = "TP_PC_\(TLS\|CERT\)_[0-9]*"' "$SPEC/test_purposes/pcscf.toml" | cut -d'"' -f2 | paste -sd,)

# write_iut NAME PORT CA: $WORK/NAME.pics.toml (annexo's shipped PICS, $PICS, with the
# port, and the sed expression $PICS_EDIT if set) and $WORK/NAME.pixit.toml
# for an IUT on 127.0.0.1:PORT.
write_iut() {
  local name=$1 port=$2 ca=$3
  sed "s/^PICS_LISTEN_PORT = .*/PICS_LISTEN_PORT = $port/; ${PICS_EDIT:-}" \
    "$PICS" >"$WORK/$name.pics.toml"
  cat >"$WORK/$name.pixit.toml" <<PIXIT
[iut]
role = "pcscf"
host = "127.0.0.1"
port = $port
fqdn = "pcscf.test"
ca_file = "$ca"

[probe]
host = "127.0.0.1"
next_hop_port = 5070

[users]
domain = "annexo.test"

[[user]]
impi = "alice@annexo.test"
password = "secret"
impus = ["sip:alice@annexo.test"]

[[user]]
impi = "bob@annexo.test"
password = "bob-password"
impus = ["sip:bob@annexo.test"]

[unregistered]
impu = "sip:mallory@annexo.test"

[timers]
connect_s = 3
handshake_s = ${HANDSHAKE_S:-5}
sip_response_s = 5
close_budget_s = 5
lifetime_budget_s = 40
unbound_idle_budget_s = 45
tp_budget_s = ${TP_BUDGET_S:-60}
PIXIT
}

# run_probe NAME [probe options...]: PROBE_RC, PROBE_OUT (terminal), $WORK/NAME.out/.
run_probe() {
  local name=$1
  shift
  PROBE_OUT=$WORK/$name.probe.txt
  LOGS+=("$PROBE_OUT")
  local t0=$(date +%s%N)
  timeout 300 "$PROBE" --spec "$SPEC" --pics "$WORK/$name.pics.toml" \
    --pixit "$WORK/$name.pixit.toml" --out "$WORK/$name.out" "$@" >"$PROBE_OUT" 2>&1
  PROBE_RC=$?
  PROBE_MS=$((($(date +%s%N) - t0) / 1000000))
  ran "probe --pixit $name.pixit.toml $* (${PROBE_MS} ms)" "$PROBE_RC"
}

# verdicts NAME: "TP verdict" lines from the JSON report.
verdicts() {
  python3 -c 'import json,sys
for t in json.load(open(sys.argv[1]))["tps"]: print(t["id"], t["verdict"])' "$WORK/$1.out/probe-report.json"
}

# only_failing NAME TP...: the TPs with verdict fail are exactly TP..., and no
# TP ended error.
only_failing() {
  local name=$1
  shift
  local got want
  got=$(verdicts "$name" | awk '$2 == "fail" {print $1}' | sort | paste -sd' ')
  want=$(printf '%s\n' "$@" | sort | paste -sd' ')
  [[ "$got" == "$want" ]] || { echo "failing TPs: '$got', expected '$want'"; return 1; }
  ! verdicts "$name" | grep -q ' error$' || { echo "a TP ended error"; return 1; }
}

all_pass() {  # NAME [TP_INCONC...]: TP_INCONC may also be inconc
  local bad name=$1
  shift
  bad=$(verdicts "$name" | grep -v ' pass$\| none$\| not run$')
  local tp
  for tp in "$@"; do bad=$(grep -v "^$tp inconc$" <<<"$bad"); done
  [[ -z "$bad" ]] || { echo "not pass: $bad"; return 1; }
}

verdict_is() {  # NAME TP VERDICT
  verdicts "$1" | grep -qx "$2 $3" || { echo "$2: expected $3, got $(verdicts "$1" | grep "^$2 ")"; return 1; }
}

# A free loopback port nobody listens on (bound, then released).
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# start_misbehaving NAME MODE ARGS...: MB_PORT.
start_misbehaving() {
  local name=$1
  shift
  trap cleanup EXIT
  rm -f "$WORK/$name.port"
  python3 "$MISBEHAVING" "$1" "$WORK/$name.port" "${@:2}" >"$WORK/$name.mb.log" 2>&1 &
  PIDS+=("$!")
  LOGS+=("$WORK/$name.mb.log")
  wait_until "$E2E_BUDGET" test -s "$WORK/$name.port" || return 1
  MB_PORT=$(cat "$WORK/$name.port")
}

# TP_PC_TLS_014 passes since the core answers a TLS 1.2 offer of
# {DEFLATE, null} with null (RD-135; before, it refused it and the probe gave
# inconc, RD-140).
# A 3 s session lifetime: TP_PC_TLS_017 sees the pcscf's renegotiation of a
# registered UE's connection too.
annexo_passes() {
  start_pcscf good --session-lifetime 3 || return 1
  PICS_EDIT='s/^PICS_SESSION_LIFETIME_S = .*/PICS_SESSION_LIFETIME_S = 3/' \
    write_iut good "$PC_PORT" "$PKI/ca-ec.pem"
  run_probe good --implemented-only --tp "$TPS"
  local ok=0
  expect "probe exits 0 against annexo's pcscf" test "$PROBE_RC" -eq 0 || ok=1
  expect "TP_PC_TLS_014 passes (null answered to {DEFLATE, null})" verdict_is good TP_PC_TLS_014 pass || ok=1
  expect "TP_PC_TLS_023 passes (no NULL suite without the opt-in, RD-390)" verdict_is good TP_PC_TLS_023 pass || ok=1
  expect "TP_PC_TLS_023 saw the offer with RSA-only encrypting suites refused" grep -q 'TP_PC_TLS_023  pass .*RSA-only encrypting suites refused: fatal alert 40' "$PROBE_OUT" || ok=1
  if [ "$UE_STACK" = botan ]; then
    expect "every TP that ran passed" all_pass good || ok=1
    expect "22 TPs passed (26 implemented; TP_PC_TLS_005, _015, _016, _022 none)" test "$(verdicts good | grep -c ' pass$')" -eq 22 || ok=1
    expect "the TLS 1.3 TPs are none (PICS_TLS13 false)" verdict_is good TP_PC_TLS_015 none || ok=1
  else
    expect "every TP that ran passed but TP_PC_TLS_016" all_pass good TP_PC_TLS_016 || ok=1
    expect "24 TPs passed (26 implemented; TP_PC_TLS_005 none, _016 inconc)" test "$(verdicts good | grep -c ' pass$')" -eq 24 || ok=1
    expect "TP_PC_TLS_015 passes at TLS 1.3" verdict_is good TP_PC_TLS_015 pass || ok=1
    expect "TP_PC_TLS_022 passes at TLS 1.3" verdict_is good TP_PC_TLS_022 pass || ok=1
    expect "TP_PC_TLS_016 inconc: pcscf issues no ticket (RD-119)" grep -q 'TP_PC_TLS_016  inconc .*issues no ticket' "$PROBE_OUT" || ok=1
  fi
  expect "TP_PC_TLS_018 registered alice, then saw the refusal" grep -q 'TP_PC_TLS_018  pass .*client renegotiation refused' "$PROBE_OUT" || ok=1
  expect "TP_PC_TLS_017 saw the pcscf's renegotiation" grep -q 'TP_PC_TLS_017  pass .*and in the IUT.s renegotiation' "$PROBE_OUT" || ok=1
  expect "JUnit has one testcase per TP" test "$(grep -c '<testcase ' "$WORK/good.out/probe-junit.xml")" -eq 26 || ok=1
  expect "Markdown has the per-requirement roll-up" grep -q '^| 33210-6.2.1-NO-LEGACY-VERSIONS | pass |' "$WORK/good.out/probe-report.md" || ok=1
  stop_pcscf
  ((ok == 0)) || show
  return $ok
}

# pcscf with the operator's NULL opt-in (--allow-null-encryption) and a PICS
# saying so (PICS_NULL_ENABLED true): TP_PC_TLS_004 and _023 are none; on
# OpenSSL TP_PC_TLS_005 passes, the ServerHello naming 0xC006 for the offer
# whose encrypting suites need an RSA certificate (pcscf's is ECDSA; a
# NULL-only offer is refused by RD-21); Botan 2.19 has no NULL suite (RD-350),
# so there every hello is refused or gets AES-GCM and TP_PC_TLS_005 is
# inconc. The profile TPs still pass: an encrypting suite wins (RD-01).
annexo_null_opt_in() {
  local tps=TP_PC_TLS_004,TP_PC_TLS_005,TP_PC_TLS_011,TP_PC_TLS_012,TP_PC_TLS_013,TP_PC_TLS_023
  start_pcscf nullok --allow-null-encryption || return 1
  PICS_EDIT='s/^PICS_NULL_ENABLED = .*/PICS_NULL_ENABLED = true/' write_iut nullok "$PC_PORT" "$PKI/ca-ec.pem"
  run_probe nullok --tp "$tps"
  local ok=0
  expect "probe exits 0" test "$PROBE_RC" -eq 0 || ok=1
  expect "TP_PC_TLS_004 none with the opt-in" verdict_is nullok TP_PC_TLS_004 none || ok=1
  expect "TP_PC_TLS_023 none with the opt-in" verdict_is nullok TP_PC_TLS_023 none || ok=1
  local tp
  for tp in TP_PC_TLS_011 TP_PC_TLS_012 TP_PC_TLS_013; do
    expect "$tp passes with the opt-in" verdict_is nullok $tp pass || ok=1
  done
  expect "TP_PC_TLS_012 still gets a profile suite" grep -q 'TP_PC_TLS_012  pass .*chose the profile suite 0xC02B' "$PROBE_OUT" || ok=1
  if [ "$UE_STACK" = openssl ]; then
    expect "TP_PC_TLS_005 passes" verdict_is nullok TP_PC_TLS_005 pass || ok=1
    expect "with 0xC006 for the RSA-only offer" grep -q 'TP_PC_TLS_005  pass .*RSA-only encrypting suites: chose the offered integrity-protected NULL suite 0xC006' "$PROBE_OUT" || ok=1
  else
    expect "TP_PC_TLS_005 inconc (Botan 2.19 has no NULL suite, RD-350)" verdict_is nullok TP_PC_TLS_005 inconc || ok=1
  fi
  stop_pcscf
  ((ok == 0)) || show
  return $ok
}

unreachable_is_error() {
  write_iut gone "$(free_port)" "$PKI/ca-ec.pem"
  run_probe gone --implemented-only --tp "$TPS"
  local ok=0
  expect "probe exits 1" test "$PROBE_RC" -eq 1 || ok=1
  expect "within 10 s (took $PROBE_MS ms)" test "$PROBE_MS" -lt 10000 || ok=1
  expect "TP_PC_TLS_001 is error" verdict_is gone TP_PC_TLS_001 error || ok=1
  expect "TP_PC_CERT_001 is error" verdict_is gone TP_PC_CERT_001 error || ok=1
  expect "the message names the refused connection" grep -q 'TP_PC_TLS_001  error .*IUT unreachable: connect to 127.0.0.1:[0-9]*: Connection refused' "$PROBE_OUT" || ok=1
  # TP_PC_TLS_019's own rule: connection refused on the declared port is fail.
  expect "TP_PC_TLS_019 is fail" verdict_is gone TP_PC_TLS_019 fail || ok=1
  ((ok == 0)) || show
  return $ok
}

# A hung IUT: the TP ends inconc at timers.handshake_s; a TP outliving the
# runner's wall budget (timers.tp_budget_s) is killed and ends error.
hung_iut_bounded() {
  start_misbehaving hung silent || return 1
  HANDSHAKE_S=2 write_iut hung "$MB_PORT" "$PKI/ca-ec.pem"
  run_probe hung --tp TP_PC_TLS_001
  local ok=0
  expect "TP_PC_TLS_001 inconc against a silent IUT" verdict_is hung TP_PC_TLS_001 inconc || ok=1
  HANDSHAKE_S=30 TP_BUDGET_S=2 write_iut hungkill "$MB_PORT" "$PKI/ca-ec.pem"
  run_probe hungkill --tp TP_PC_TLS_001
  expect "TP_PC_TLS_001 error when it outlives its 2 s budget" verdict_is hungkill TP_PC_TLS_001 error || ok=1
  expect "killed within 10 s (took $PROBE_MS ms)" test "$PROBE_MS" -lt 10000 || ok=1
  expect "the reason names the wall budget" grep -q 'wall budget of 2 s' "$PROBE_OUT" || ok=1
  ((ok == 0)) || show
  return $ok
}

malformed_pixit() {
  write_iut bad 5061 "$PKI/ca-ec.pem"
  sed -i 's/^port = 5061/port = "5061"/' "$WORK/bad.pixit.toml"
  run_probe bad
  local ok=0
  expect "probe exits 2" test "$PROBE_RC" -eq 2 || ok=1
  expect "the message is file:line:key" grep -q "bad.pixit.toml:4: iut.port: must be an integer" "$PROBE_OUT" || ok=1
  sed -i '/^fqdn = /d' "$WORK/bad.pixit.toml"
  sed -i 's/^port = "5061"/port = 5061/' "$WORK/bad.pixit.toml"
  run_probe bad
  expect "a missing key is named at its table" grep -q "bad.pixit.toml:1: iut.fqdn: missing" "$PROBE_OUT" || ok=1
  expect "probe exits 2 again" test "$PROBE_RC" -eq 2 || ok=1
  ((ok == 0)) || show
  return $ok
}

# A P-CSCF that answers SSL 3.0 / TLS 1.0 / TLS 1.1 hellos with a ServerHello
# (the rest relayed to the real pcscf): exactly TP_PC_TLS_001..003 fail.
legacy_acceptor_fails() {
  start_pcscf legacyreal --session-lifetime 3 || return 1
  start_misbehaving legacy legacy "$PC_PORT" || return 1
  write_iut legacy "$MB_PORT" "$PKI/ca-ec.pem"
  run_probe legacy --implemented-only --tp "$TPS"
  stop_pcscf
  local ok=0
  expect "probe exits 1" test "$PROBE_RC" -eq 1 || ok=1
  expect "exactly TP_PC_TLS_001, _002, _003 fail" only_failing legacy TP_PC_TLS_001 TP_PC_TLS_002 TP_PC_TLS_003 || ok=1
  expect "the reason names the ServerHello" grep -q 'TP_PC_TLS_001  fail .*ServerHello version=0x0300' "$PROBE_OUT" || ok=1
  ((ok == 0)) || show
  return $ok
}

# TLS servers presenting certificates outside the O.5 / TS 33.310 profile.
# cert_case NAME CERT CA FAILING...: exactly FAILING among the CERT TPs fail.
cert_case() {
  local name=$1 cert=$2 ca=$3
  shift 3
  start_misbehaving "$name" cert "$PKI/$cert.pem" "$PKI/$cert.key" || return 1
  write_iut "$name" "$MB_PORT" "$PKI/$ca.pem"
  run_probe "$name" --tp TP_PC_CERT_001,TP_PC_CERT_002,TP_PC_CERT_003
  expect "$cert: exactly $* fail" only_failing "$name" "$@"
}
bad_certificates_fail() {
  local ok=0
  cert_case expired expired ca-ec TP_PC_CERT_001 || ok=1
  cert_case wildcard wildcard ca-ec TP_PC_CERT_001 TP_PC_CERT_002 || ok=1
  cert_case sha1 sha1 ca-rsa TP_PC_CERT_001 TP_PC_CERT_003 || ok=1
  cert_case rsa1024 rsa1024 ca-rsa TP_PC_CERT_001 TP_PC_CERT_003 || ok=1
  ((ok == 0)) || show
  return $ok
}

# A TLS 1.2 server that also accepts ECDHE-ECDSA-NULL-SHA though nobody
# opted in (its PICS says NULL is off) fails exactly TP_PC_TLS_004 and _023;
# claiming the opt-in, it passes TP_PC_TLS_005 (RD-390).
null_chooser_fails() {
  local ok=0 tps=TP_PC_TLS_004,TP_PC_TLS_005,TP_PC_TLS_011,TP_PC_TLS_012,TP_PC_TLS_013,TP_PC_TLS_023,TP_PC_CERT_001
  start_misbehaving nulls null "$PKI/pcscf-ec.pem" "$PKI/pcscf-ec.key" || return 1
  write_iut nulls "$MB_PORT" "$PKI/ca-ec.pem"
  run_probe nulls --tp "$tps"
  expect "exactly TP_PC_TLS_004 and _023 fail" only_failing nulls TP_PC_TLS_004 TP_PC_TLS_023 || ok=1
  expect "the reason names the NULL suite chosen" grep -q 'TP_PC_TLS_023  fail .*chose 0xC006 TLS_ECDHE_ECDSA_WITH_NULL_SHA without the NULL opt-in' "$PROBE_OUT" || ok=1
  PICS_EDIT='s/^PICS_NULL_ENABLED = .*/PICS_NULL_ENABLED = true/' write_iut nullsok "$MB_PORT" "$PKI/ca-ec.pem"
  run_probe nullsok --tp "$tps"
  expect "claiming the opt-in: nothing fails" only_failing nullsok || ok=1
  expect "and TP_PC_TLS_005 passes" verdict_is nullsok TP_PC_TLS_005 pass || ok=1
  ((ok == 0)) || show
  return $ok
}

# TLS 1.3 against scripted servers (the OpenSSL twin runs annexo's pcscf at
# TLS 1.3): a well-behaved TLS 1.3 server passes TP_PC_TLS_015 and _022; a
# TLS 1.2-only server claiming TLS 1.3 fails TP_PC_TLS_015 (and TP_PC_TLS_022
# is inconc: no TLS 1.3 connection to test).
tls13_tps() {
  local ok=0 tps=TP_PC_TLS_013,TP_PC_TLS_015,TP_PC_TLS_016,TP_PC_TLS_017,TP_PC_TLS_019,TP_PC_TLS_022,TP_PC_CERT_001
  start_misbehaving t13 tls13 "$PKI/pcscf-ec.pem" "$PKI/pcscf-ec.key" || return 1
  PICS_EDIT='s/^PICS_TLS13 = .*/PICS_TLS13 = true/' write_iut t13 "$MB_PORT" "$PKI/ca-ec.pem"
  run_probe t13 --tp "$tps"
  expect "a TLS 1.3 server passes TP_PC_TLS_015" verdict_is t13 TP_PC_TLS_015 pass || ok=1
  expect "and TP_PC_TLS_022 (its unexpected_message to a protected ClientHello)" verdict_is t13 TP_PC_TLS_022 pass || ok=1
  expect "and TP_PC_TLS_016 (its tickets allow no early data; the probe sends some anyway)" verdict_is t13 TP_PC_TLS_016 pass || ok=1
  expect "and nothing fails" only_failing t13 || ok=1
  start_misbehaving t12 cert "$PKI/pcscf-ec.pem" "$PKI/pcscf-ec.key" || return 1
  PICS_EDIT='s/^PICS_TLS13 = .*/PICS_TLS13 = true/' write_iut t12 "$MB_PORT" "$PKI/ca-ec.pem"
  run_probe t12 --tp "$tps"
  expect "a TLS 1.2-only server claiming TLS 1.3 fails exactly TP_PC_TLS_015" only_failing t12 TP_PC_TLS_015 || ok=1
  expect "the reason names the version chosen" grep -q 'TP_PC_TLS_015  fail .*chose 0x0303' "$PROBE_OUT" || ok=1
  expect "TP_PC_TLS_022 inconc there" verdict_is t12 TP_PC_TLS_022 inconc || ok=1
  expect "TP_PC_TLS_016 inconc there" verdict_is t12 TP_PC_TLS_016 inconc || ok=1
  ((ok == 0)) || show
  return $ok
}

# A server sending a CertificateRequest fails exactly TP_PC_TLS_017: seen in
# the cleartext TLS 1.2 flight, and in the encrypted TLS 1.3 flight.
certificate_request_fails() {
  local ok=0 tps=TP_PC_TLS_013,TP_PC_TLS_015,TP_PC_TLS_017,TP_PC_TLS_019,TP_PC_CERT_001
  start_misbehaving cr certreq "$PKI/pcscf-ec.pem" "$PKI/pcscf-ec.key" "$PKI/ca-ec.pem" || return 1
  write_iut cr12 "$MB_PORT" "$PKI/ca-ec.pem"
  run_probe cr12 --tp "$tps"
  expect "TLS 1.2: exactly TP_PC_TLS_017 fails" only_failing cr12 TP_PC_TLS_017 || ok=1
  PICS_EDIT='s/^PICS_TLS13 = .*/PICS_TLS13 = true/; s/^PICS_TLS12 = .*/PICS_TLS12 = false/' \
    write_iut cr13 "$MB_PORT" "$PKI/ca-ec.pem"
  run_probe cr13 --tp "$tps"
  expect "TLS 1.3: exactly TP_PC_TLS_017 fails" only_failing cr13 TP_PC_TLS_017 || ok=1
  expect "seen in the TLS 1.3 handshake" grep -q 'tls c2 (TLS 1.3 offer).*CertificateRequest' "$WORK/cr13.out/probe-report.md" || ok=1
  ((ok == 0)) || show
  return $ok
}

# A P-CSCF that lets a registered UE renegotiate fails exactly TP_PC_TLS_018.
renegotiation_accepted_fails() {
  start_misbehaving reneg renegotiating "$PKI/pcscf-ec.pem" "$PKI/pcscf-ec.key" || return 1
  write_iut reneg "$MB_PORT" "$PKI/ca-ec.pem"
  run_probe reneg --tp TP_PC_TLS_013,TP_PC_TLS_018,TP_PC_TLS_019,TP_PC_CERT_001
  local ok=0
  expect "exactly TP_PC_TLS_018 fails" only_failing reneg TP_PC_TLS_018 || ok=1
  expect "the reason names the completed renegotiation" grep -q 'TP_PC_TLS_018  fail .*renegotiation completed' "$PROBE_OUT" || ok=1
  ((ok == 0)) || show
  return $ok
}

# OpenSSL's s_server accepting 0-RTT (a third-party server configured to
# misbehave) fails exactly TP_PC_TLS_016.
early_data_accepted_fails() {
  local port
  port=$(free_port)
  trap cleanup EXIT
  openssl s_server -accept "127.0.0.1:$port" -tls1_3 -early_data -quiet \
    -cert "$PKI/pcscf-ec.pem" -key "$PKI/pcscf-ec.key" </dev/null >"$WORK/0rtt.s_server.log" 2>&1 &
  PIDS+=("$!")
  LOGS+=("$WORK/0rtt.s_server.log")
  wait_until "$E2E_BUDGET" bash -c "exec 3<>/dev/tcp/127.0.0.1/$port" || return 1
  PICS_EDIT='s/^PICS_TLS13 = .*/PICS_TLS13 = true/' write_iut 0rtt "$port" "$PKI/ca-ec.pem"
  run_probe 0rtt --tp TP_PC_TLS_016
  local ok=0
  expect "exactly TP_PC_TLS_016 fails" only_failing 0rtt TP_PC_TLS_016 || ok=1
  expect "the reason names the accepted early data" grep -q 'TP_PC_TLS_016  fail .*accepted 0-RTT' "$PROBE_OUT" || ok=1
  expect "s_server received the OPTIONS as early data" grep -q '^OPTIONS sip:' "$WORK/0rtt.s_server.log" || ok=1
  ((ok == 0)) || show
  return $ok
}

annexo_case "probe: annexo's pcscf passes every selected, implemented P-CSCF TLS/CERT TP" annexo_passes
annexo_case "probe: annexo's pcscf with the NULL opt-in: TP_PC_TLS_005 passes on OpenSSL (inconc on Botan), the profile TPs still pass" annexo_null_opt_in
annexo_case "probe: an unreachable P-CSCF gives error quickly, naming the refused connection" annexo_stack_neutral unreachable_is_error
annexo_case "probe: a silent P-CSCF ends inconc at the handshake budget; the runner kills a TP at its wall budget" annexo_stack_neutral hung_iut_bounded
annexo_case "probe: a malformed or incomplete PIXIT is named by file, line and key (exit 2)" annexo_stack_neutral malformed_pixit
annexo_case "probe: a P-CSCF accepting SSL 3.0/TLS 1.0/TLS 1.1 fails exactly TP_PC_TLS_001-003" annexo_stack_neutral legacy_acceptor_fails
annexo_case "probe: expired, wildcard, SHA-1 and RSA-1024 P-CSCF certificates fail exactly their CERT TPs" annexo_stack_neutral bad_certificates_fail
annexo_case "probe: a P-CSCF choosing NULL without the opt-in fails exactly TP_PC_TLS_004 and _023" annexo_stack_neutral null_chooser_fails
annexo_case "probe: a TLS 1.3 server passes TP_PC_TLS_015, a TLS 1.2-only one claiming TLS 1.3 fails exactly it" annexo_stack_neutral tls13_tps
annexo_case "probe: a P-CSCF sending a CertificateRequest (TLS 1.2 or 1.3) fails exactly TP_PC_TLS_017" annexo_stack_neutral certificate_request_fails
annexo_case "probe: a P-CSCF accepting a client renegotiation fails exactly TP_PC_TLS_018" annexo_stack_neutral renegotiation_accepted_fails
annexo_case "probe: openssl s_server accepting 0-RTT fails exactly TP_PC_TLS_016" annexo_stack_neutral early_data_accepted_fails
annexo_finish
