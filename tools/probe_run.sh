#!/usr/bin/env bash
# The conformance probe against annexo's own programs, for the report's
# section "Probe verdicts for annexo's own programs" (tools/annexo report).
#
#   tools/probe_run.sh OUTDIR RUN_ID
#
# Builds nothing: expects bazel-bin/adapters/{pcscf/pcscf,ue/ue,probe/probe}
# (tools/annexo builds them first). Generates a test PKI in a temporary
# directory (tests/pki/make_pki.sh) and runs
#   probe --implemented-only --skip-long --run-id RUN_ID --out OUTDIR/CONFIG
# once per configuration of annexo's programs, each IUT on free loopback ports
# as spec/probe/annexo-{pcscf,ue}.pixit.toml describe, stopped by its PID:
#   pcscf-embedded  pcscf with its embedded home network and the sec-agree
#                   listener: the TLS and certificate TPs and the sec-agree
#                   TPs (pcscf takes --secagree-listen only in this mode);
#   pcscf-next-hop  pcscf --next-hop pointing at the probe's S-CSCF side (and
#                   --core-listen): the other SIP-level TPs, which judge what
#                   the IUT forwards (embedded, nothing is forwarded: RD-160);
#   ue              the probe as the P-CSCF, starting annexo's ue from the
#                   PIXIT's command template.
# and the same three on the OpenSSL stack (--tls-stack openssl, issue 14):
# pcscf-embedded-openssl, pcscf-next-hop-openssl, ue-openssl, judged with
# spec/probe/annexo-{pcscf,ue}-openssl.pics.toml (TLS 1.3 claimed, RD-276).
# Each OUTDIR/CONFIG gets probe-report.{md,json}, probe-junit.xml and
# probe.log (the terminal output).
#
# These verdicts are NOT evidence for the conformance report: the probe judges
# with the same core as the programs, so the report prints them apart and
# credits no requirement with them. Exit status: 0 when every run's probe
# exited 0 (no fail or error), else 1.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:?usage: tools/probe_run.sh OUTDIR RUN_ID}"
run_id="${2:?usage: tools/probe_run.sh OUTDIR RUN_ID}"
PCSCF="${root}/bazel-bin/adapters/pcscf/pcscf"
UE="${root}/bazel-bin/adapters/ue/ue"
PROBE="${root}/bazel-bin/adapters/probe/probe"
spec="${root}/spec"
rm -rf "${out}"
mkdir -p "${out}"
for p in "${PCSCF}" "${UE}" "${PROBE}"; do
  [[ -x "$p" ]] || { echo "probe_run: $p not built" | tee "${out}/probe.log" >&2; exit 1; }
done
work="$(mktemp -d)"
pc_pid=""
stop_pcscf() {
  [[ -n "${pc_pid}" ]] && kill "${pc_pid}" 2>/dev/null && wait "${pc_pid}" 2>/dev/null
  pc_pid=""
}
trap 'stop_pcscf; rm -rf "${work}"' EXIT

"${root}/tests/pki/make_pki.sh" "${work}/pki" >/dev/null 2>&1 ||
  { echo "probe_run: make_pki.sh failed" | tee "${out}/probe.log" >&2; exit 1; }

# A loopback port free now (the probe's S-CSCF side and listeners must be
# named before the IUT starts).
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# The TP ids of a catalogue file whose id matches a pattern, comma-separated.
tp_ids() {
  sed -n 's/^id = "\(TP_[A-Z_0-9]*\)"$/\1/p' "$1" | grep -E "$2" | paste -sd, -
}

# start_pcscf LOG ARGS...: pcscf in the background; PC_PORT once it listens
# (budget 30 s); SA_PORT when a sec-agree listener was asked for.
start_pcscf() {
  local log=$1
  shift
  "${PCSCF}" --cert "${work}/pki/pcscf-ec.pem" --key "${work}/pki/pcscf-ec.key" \
    --log-format json "$@" 2>"${log}" >/dev/null &
  pc_pid=$!
  PC_PORT="" SA_PORT=""
  local end=$(($(date +%s) + 30))
  while (($(date +%s) < end)); do
    PC_PORT=$(grep '"O.2.1-PC-PORT"' "${log}" | grep -o '"listen":"127.0.0.1:[0-9]*"' | head -1 | sed 's/.*://; s/"//')
    SA_PORT=$(grep '"O.2-UE-VARIANT-SECAGREE"' "${log}" | grep -o '"listen":"127.0.0.1:[0-9]*"' | head -1 | sed 's/.*://; s/"//')
    [[ -n "${PC_PORT}" ]] && { [[ " $* " != *" --secagree-listen "* ]] || [[ -n "${SA_PORT}" ]]; } && return 0
    kill -0 "${pc_pid}" 2>/dev/null || break
    sleep 0.05
  done
  echo "probe_run: pcscf $* did not start; last lines of its log:"
  tail -5 "${log}"
  return 1
}

# run_probe CONFIG PICS PIXIT [probe args...]: one probe run into OUTDIR/CONFIG.
failed=0
run_probe() {
  local config=$1 pics=$2 pixit=$3
  shift 3
  mkdir -p "${out}/${config}"
  "${PROBE}" --spec "${spec}" --pics "${pics}" --pixit "${pixit}" --out "${out}/${config}" \
    --implemented-only --skip-long --run-id "${run_id}" "$@" >"${out}/${config}/probe.log" 2>&1
  local rc=$?
  echo "probe_run: ${config}: probe exit ${rc}" >&2
  grep -E '^probe:' "${out}/${config}/probe.log" | sed "s/^/  ${config}: /" >&2
  ((rc == 0)) || failed=1
}

# ------------------------------------------------------------ the P-CSCF
pixit="${spec}/probe/annexo-pcscf.pixit.toml"
# The PIXIT's users, in pcscf's users file format (IMPI PASSWORD IMPU[,IMPU...]).
python3 - "${pixit}" >"${work}/users" <<'PY'
import sys, tomllib
p = tomllib.load(open(sys.argv[1], "rb"))
for u in p["user"]:
    print(u["impi"], u["password"], ",".join(u["impus"]))
PY
# pcscf_files NAME NEXT_HOP_PORT: PICS ($pics) and PIXIT of this run (the
# ports, the CA, the next hop). A port the IUT does not use is still a valid
# free one: the PIXIT requires it.
pcscf_files() {
  sed "s/^PICS_LISTEN_PORT = .*/PICS_LISTEN_PORT = ${PC_PORT}/" "${pics}" >"${work}/$1.pics.toml"
  sed -e "s/^port = .*/port = ${PC_PORT}/" -e "s/^secagree_port = .*/secagree_port = ${SA_PORT:-$(free_port)}/" \
    -e "s#^ca_file = .*#ca_file = \"${work}/pki/ca-ec.pem\"#" \
    -e "s/^next_hop_port = .*/next_hop_port = $2/" "${pixit}" >"${work}/$1.pixit.toml"
}
catalogue="${spec}/test_purposes/pcscf.toml"

# pcscf_configs STACK SUFFIX PICS: the two pcscf configurations on one TLS
# stack (--tls-stack STACK), named pcscf-embedded SUFFIX, pcscf-next-hop SUFFIX.
pcscf_configs() {
  local stack=$1 sfx=$2
  pics=$3
  local lifetime nh
  lifetime=$(sed -n 's/^PICS_SESSION_LIFETIME_S = \([0-9]*\).*/\1/p' "${pics}")
  if start_pcscf "${work}/embedded${sfx}.log" --tls-stack "${stack}" --listen 127.0.0.1:0 \
    --secagree-listen 127.0.0.1:0 --users "${work}/users" --session-lifetime "${lifetime:-20}" >&2; then
    pcscf_files "embedded${sfx}" "$(free_port)"
    run_probe "pcscf-embedded${sfx}" "${work}/embedded${sfx}.pics.toml" "${work}/embedded${sfx}.pixit.toml" \
      --tp "$(tp_ids "${catalogue}" '^TP_PC_(TLS|CERT)_|^TP_PC_SIP_(01[5-8]|029)$')"
  else
    failed=1
  fi
  stop_pcscf

  nh=$(free_port)
  # --unbound-idle 3: TP_PC_SIP_021 fits its PIXIT budget; --transaction-timeout 4:
  # TP_PC_SIP_035/036 fit timers.next_hop_timeout_budget_s (8 s, RD-360).
  if start_pcscf "${work}/next-hop${sfx}.log" --tls-stack "${stack}" --listen 127.0.0.1:0 \
    --core-listen 127.0.0.1:0 --next-hop "127.0.0.1:${nh}" --unbound-idle 3 --transaction-timeout 4 \
    --session-lifetime "${lifetime:-20}" >&2; then
    pcscf_files "next-hop${sfx}" "${nh}"
    run_probe "pcscf-next-hop${sfx}" "${work}/next-hop${sfx}.pics.toml" "${work}/next-hop${sfx}.pixit.toml" \
      --tp "$(tp_ids "${catalogue}" '^TP_PC_SIP_' | tr ',' '\n' | grep -Ev '^TP_PC_SIP_(01[5-8]|029)$' | paste -sd, -)"
  else
    failed=1
  fi
  stop_pcscf
}
pcscf_configs botan "" "${spec}/probe/annexo-pcscf.pics.toml"
pcscf_configs openssl -openssl "${spec}/probe/annexo-pcscf-openssl.pics.toml"

# ------------------------------------------------------------ the UE
# ue_config STACK SUFFIX: annexo's ue started with --tls-stack STACK by the
# PIXIT's command templates, judged with spec/probe/annexo-ue SUFFIX.pics.toml.
ue_config() {
  local ue_pixit="${work}/ue$2.pixit.toml"
  sed -e "s#^pki_dir = .*#pki_dir = \"${work}/pki\"#" \
    -e "s#^listen_port = .*#listen_port = $(free_port)#" \
    -e "s#^secagree_port = .*#secagree_port = $(free_port)#" \
    -e "s#^command = \"ue #command = \"${UE} --tls-stack $1 #" \
    -e "s#^secagree_command = \"ue #secagree_command = \"${UE} --tls-stack $1 #" \
    -e 's#--stay 30"$#--stay 120 --reconnect-base 1 --reconnect-max 4"#' \
    "${spec}/probe/annexo-ue.pixit.toml" >"${ue_pixit}"
  run_probe "ue$2" "${spec}/probe/annexo-ue$2.pics.toml" "${ue_pixit}"
}
ue_config botan ""
ue_config openssl -openssl
exit ${failed}
