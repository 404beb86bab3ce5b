#!/bin/bash
# Third-party TLS servers as the misbehaving P-CSCF of the UE TPs' negative
# cases (issue 13; PIXIT [ue_servers], decision RD-211): OpenSSL s_server and
# GnuTLS gnutls-serv, not the probe's own TLS code, produce the adversarial
# server behaviour; the probe relays the UE to them and judges the UE's bytes
# as usual. These cases check the probe itself and credit no requirement.
#   probe_ue_servers_test.sh PROBE UE UE_SKIPS_CERT_VERDICT MAKE_PKI TESTLIB BROKEN_UE_PY
set -uo pipefail
PROBE=$(realpath "$1")
UE=$(realpath "$2")
MUT_CERT=$(realpath "$3")
MAKE_PKI=$(realpath "$4")
# shellcheck source=/dev/null
source "$5"
BROKEN=$(realpath "$6")
SPEC=$(dirname "$(realpath spec/decisions.toml)")
WORK=${TEST_TMPDIR:-$(mktemp -d)}/probe-ue-servers
mkdir -p "$WORK"
bash "$MAKE_PKI" "$WORK/pki" >/dev/null || {
  echo "make_pki failed"
  exit 1
}

# TLS stack twins (BUILD.bazel, tls_stack_twins): ANNEXO_TLS_STACK is the
# stack annexo's ue and the mutant run (ue --tls-stack) and picks the PICS
# (annexo-ue-openssl.pics.toml: TLS 1.2 and 1.3, RD-276). The broken Python
# UE is the same in both targets.
STACK=${ANNEXO_TLS_STACK:-botan}
PICS=$SPEC/probe/annexo-ue.pics.toml
[ "$STACK" = botan ] || PICS=$SPEC/probe/annexo-ue-$STACK.pics.toml

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# s_server and gnutls-serv command templates ({host} {port} {pki_dir}:
# PIXIT [ue_servers] placeholders). s_server keeps its stdin open (it ends
# the connection at EOF), serves one connection, and runs without the
# system's openssl.cnf (Debian's MinProtocol TLSv1.2 would forbid -tls1)
# at security level 0 for the legacy versions. gnutls-serv does not ask for
# a client certificate (-a); it binds every interface (it has no option to
# choose one), on a free port, for the second or so the TP lasts.
S_SERVER="sleep 30 | OPENSSL_CONF=/dev/null openssl s_server -accept {host}:{port} -naccept 1"
sserv() { # NAME [options]: s_server presenting pki_dir NAME.pem/.key
  local name=$1
  shift
  echo "$S_SERVER -cert {pki_dir}/$name.pem -key {pki_dir}/$name.key $*"
}
gserv() { # NAME [options]: gnutls-serv presenting pki_dir NAME.pem/.key
  local name=$1
  shift
  echo "gnutls-serv -p {port} --x509certfile {pki_dir}/$name.pem --x509keyfile {pki_dir}/$name.key -a $*"
}

# The third-party server per TP.
servers() {
  cat <<TOML

[ue_servers]
TP_UE_TLS_004 = "$(sserv pcscf-ec -tls1 -cipher ALL:@SECLEVEL=0)"
TP_UE_TLS_005 = "$(sserv pcscf-ec -tls1_1 -cipher ALL:@SECLEVEL=0)"
TP_UE_TLS_009 = "$(sserv pcscf-ec -tls1_2 -verify 1)"
TP_UE_CERT_002 = "$(gserv wronghost)"
TP_UE_CERT_003 = "$(sserv expired -tls1_2)"
TP_UE_CERT_005 = "$(gserv unknownca)"
TP_UE_CERT_006 = "$(sserv selfsigned -tls1_2)"
TOML
}
TPS=TP_UE_TLS_004,TP_UE_TLS_005,TP_UE_TLS_009,TP_UE_CERT_002,TP_UE_CERT_003,TP_UE_CERT_005,TP_UE_CERT_006

# pixit NAME COMMAND: annexo's UE PIXIT with this run's PKI, a free port,
# the UE command, and the third-party servers.
pixit() {
  sed -e "s#^pki_dir = .*#pki_dir = \"$WORK/pki\"#" \
    -e "s#^listen_port = .*#listen_port = $(free_port)#" \
    -e "s#^secagree_port = .*#secagree_port = $(free_port)#" \
    -e "s#^command = .*#command = \"$2\"#" \
    "$SPEC/probe/annexo-ue.pixit.toml" >"$WORK/$1.pixit.toml"
  servers >>"$WORK/$1.pixit.toml"
}

run_probe() { # NAME COMMAND
  pixit "$1" "$2"
  "$PROBE" --spec "$SPEC" --pics "$PICS" \
    --pixit "$WORK/$1.pixit.toml" --out "$WORK/$1" --tp "$TPS" >"$WORK/$1.out" 2>&1
  echo $? >"$WORK/$1.status"
}

# expect NAME "TP=verdict ...": exactly these verdicts, each reason naming
# the third-party server that ran; on failure the probe's output and each
# server's log.
expect() {
  python3 - "$WORK/$1/probe-report.json" "$2" <<'PY'
import json, sys
want = dict(w.split("=") for w in sys.argv[2].split())
got = {t["id"]: t for t in json.load(open(sys.argv[1]))["tps"] if t["id"] in want}
bad = 0
for tp, v in want.items():
    t = got.get(tp, {"verdict": "missing", "reason": ""})
    third = t["reason"].startswith("third-party server `")
    print(f"{tp} {t['verdict']} (want {v}): {t['reason'][-220:]}")
    if t["verdict"] != v or not third:
        bad = 1
        print(f"  MISMATCH{'' if third else ' (not run with the third-party server)'}")
sys.exit(bad)
PY
  local rc=$?
  if [ $rc != 0 ]; then
    tail -n 20 "$WORK/$1.out"
    for l in "$WORK/$1"/work/*/server.log; do
      echo "--- $l"
      tail -n 4 "$l"
    done
  fi
  return $rc
}

UE_CMD="{pcscf_fqdn} --ca {ca} --impi {impi} --impu {impu} --password {password} --stay 30"

# annexo's ue refuses every certificate the third-party servers present
# (wrong host, expired, unknown CA, self-signed) with a fatal alert, and
# answers s_server's CertificateRequest with an empty Certificate.
# TP_UE_TLS_004/005 are inconc, not pass: the ue's ClientHello carries
# supported_versions = {TLS 1.2}, so a conforming server (s_server -tls1)
# answers protocol_version instead of a legacy ServerHello; the probe sees
# that the stimulus never happened (only its crafted ServerHello can send
# it to such a UE).
case_annexo_ue() {
  run_probe annexo "$UE --tls-stack $STACK --pcscf {pcscf_host}:{pcscf_port} --pcscf-fqdn $UE_CMD"
  expect annexo "TP_UE_TLS_004=inconc TP_UE_TLS_005=inconc TP_UE_TLS_009=pass \
TP_UE_CERT_002=pass TP_UE_CERT_003=pass TP_UE_CERT_005=pass TP_UE_CERT_006=pass" || return 1
  grep -q "did not send the stimulus" "$WORK/annexo/probe-report.json" || return 1
}

# The ue mutant that ignores the core's certificate verdict completes the
# handshake with every bad certificate the third-party servers present.
case_mutant() {
  run_probe mutant "$MUT_CERT --tls-stack $STACK --pcscf {pcscf_host}:{pcscf_port} --pcscf-fqdn $UE_CMD"
  expect mutant "TP_UE_CERT_002=fail TP_UE_CERT_003=fail TP_UE_CERT_005=fail \
TP_UE_CERT_006=fail TP_UE_TLS_009=pass"
}

# The broken Python UE (TLS 1.0-1.3 at security level 0, no certificate
# check): s_server -tls1 / -tls1_1 do bring it to TLS 1.0 / 1.1 and it sends
# SIP over them; every certificate is accepted.
case_broken_ue() {
  run_probe broken "python3 $BROKEN --pcscf {pcscf_host}:{pcscf_port} --impi {impi} --impu {impu} --password {password} --domain {domain} --stay 20"
  expect broken "TP_UE_TLS_004=fail TP_UE_TLS_005=fail TP_UE_CERT_002=fail TP_UE_CERT_003=fail \
TP_UE_CERT_005=fail TP_UE_CERT_006=fail"
}

annexo_case "probe UE TPs with s_server/gnutls-serv: annexo's ue refuses each bad server" \
  case_annexo_ue
annexo_case "probe UE TPs with s_server/gnutls-serv: ue_skips_cert_verdict is caught" case_mutant
# The broken Python UE does not run annexo's TLS stack: in the OpenSSL twin
# (twin_scope "tls") this case is skipped and the botan target's counts.
annexo_case "probe UE TPs with s_server/gnutls-serv: a broken Python UE is caught" \
  annexo_stack_neutral case_broken_ue
annexo_finish
