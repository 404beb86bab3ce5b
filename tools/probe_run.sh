#!/usr/bin/env bash
# The conformance probe against annexo's own pcscf, for the report's section
# "Probe verdicts for annexo's own programs" (tools/annexo report).
#
#   tools/probe_run.sh OUTDIR RUN_ID
#
# Builds nothing: expects bazel-bin/adapters/pcscf/pcscf and
# bazel-bin/adapters/probe/probe (tools/annexo builds them first). Generates a
# test PKI in a temporary directory (tests/pki/make_pki.sh), starts pcscf on
# free loopback ports as spec/probe/annexo-pcscf.pixit.toml describes (TLS and
# sec-agree listeners, embedded home network with the PIXIT's users, session
# lifetime of the PICS), writes the PICS and PIXIT with those ports, runs
#   probe --implemented-only --skip-long --run-id RUN_ID --out OUTDIR
# and stops pcscf by its PID. OUTDIR gets probe-report.{md,json},
# probe-junit.xml and probe.log (the terminal output).
#
# These verdicts are NOT evidence for the conformance report: the probe judges
# with the same core as the pcscf, so the report prints them apart and credits
# no requirement with them. Exit status: the probe's (0 without fail or error).
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:?usage: tools/probe_run.sh OUTDIR RUN_ID}"
run_id="${2:?usage: tools/probe_run.sh OUTDIR RUN_ID}"
PCSCF="${root}/bazel-bin/adapters/pcscf/pcscf"
PROBE="${root}/bazel-bin/adapters/probe/probe"
rm -rf "${out}"
mkdir -p "${out}"
log="${out}/probe.log"
for p in "${PCSCF}" "${PROBE}"; do
  [[ -x "$p" ]] || { echo "probe_run: $p not built" | tee "${log}" >&2; exit 1; }
done
work="$(mktemp -d)"
pc_pid=""
cleanup() {
  [[ -n "${pc_pid}" ]] && kill "${pc_pid}" 2>/dev/null && wait "${pc_pid}" 2>/dev/null
  rm -rf "${work}"
}
trap cleanup EXIT

"${root}/tests/pki/make_pki.sh" "${work}/pki" >/dev/null 2>&1 ||
  { echo "probe_run: make_pki.sh failed" | tee "${log}" >&2; exit 1; }
pixit="${root}/spec/probe/annexo-pcscf.pixit.toml"
pics="${root}/spec/probe/annexo-pcscf.pics.toml"
# The PIXIT's users, in pcscf's users file format (IMPI PASSWORD IMPU[,IMPU...]).
python3 - "${pixit}" >"${work}/users" <<'PY'
import sys, tomllib
p = tomllib.load(open(sys.argv[1], "rb"))
for u in p["user"]:
    print(u["impi"], u["password"], ",".join(u["impus"]))
PY
lifetime=$(sed -n 's/^PICS_SESSION_LIFETIME_S = \([0-9]*\).*/\1/p' "${pics}")
"${PCSCF}" --listen 127.0.0.1:0 --secagree-listen 127.0.0.1:0 \
  --cert "${work}/pki/pcscf-ec.pem" --key "${work}/pki/pcscf-ec.key" --users "${work}/users" \
  --session-lifetime "${lifetime:-20}" --log-format json 2>"${work}/pcscf.log" >/dev/null &
pc_pid=$!
port="" sa_port=""
end=$(($(date +%s) + 30))
while (($(date +%s) < end)); do
  port=$(grep '"O.2.1-PC-PORT"' "${work}/pcscf.log" | grep -o '"listen":"127.0.0.1:[0-9]*"' | head -1 | sed 's/.*://; s/"//')
  sa_port=$(grep '"O.2-UE-VARIANT-SECAGREE"' "${work}/pcscf.log" | grep -o '"listen":"127.0.0.1:[0-9]*"' | head -1 | sed 's/.*://; s/"//')
  [[ -n "${port}" && -n "${sa_port}" ]] && break
  kill -0 "${pc_pid}" 2>/dev/null || break
  sleep 0.05
done
if [[ -z "${port}" || -z "${sa_port}" ]]; then
  { echo "probe_run: pcscf did not start"; tail -5 "${work}/pcscf.log"; } | tee "${log}" >&2
  exit 1
fi
sed "s/^PICS_LISTEN_PORT = .*/PICS_LISTEN_PORT = ${port}/" "${pics}" >"${work}/pics.toml"
sed "s/^port = .*/port = ${port}/; s/^secagree_port = .*/secagree_port = ${sa_port}/; s#^ca_file = .*#ca_file = \"${work}/pki/ca-ec.pem\"#" \
  "${pixit}" >"${work}/pixit.toml"
"${PROBE}" --spec "${root}/spec" --pics "${work}/pics.toml" --pixit "${work}/pixit.toml" \
  --out "${out}" --implemented-only --skip-long --run-id "${run_id}" >"${log}" 2>&1
rc=$?
tail -n +1 "${log}" | grep -E '^probe:' >&2
exit ${rc}
