#!/bin/bash
# baresip as the UE under test (issue 13): the probe runs every selected UE TP
# without the long-timer ones against baresip 1.0.0, started by the PIXIT
# [ue] command template through baresip_ue.sh, with baresip's own PICS
# (baresip.pics.toml). The test asserts that the probe completes with a
# verdict for every selected TP (pass, fail or inconc, each with a reason;
# never `error`, which would be the test system's fault), not what baresip
# scores; the verdict table is printed into the test log (and recorded in
# adapters/probe/ue_iut/README.md). It credits no requirement.
#   probe_ue_baresip_test.sh PROBE MAKE_PKI TESTLIB BARESIP_UE_SH BARESIP_PICS
set -uo pipefail
PROBE=$(realpath "$1")
MAKE_PKI=$(realpath "$2")
# shellcheck source=/dev/null
source "$3"
BARESIP_UE=$(realpath "$4")
PICS=$(realpath "$5")
SPEC=$(dirname "$(realpath spec/decisions.toml)")
WORK=${TEST_TMPDIR:-$(mktemp -d)}/probe-baresip
mkdir -p "$WORK"

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

case_baresip() {
  command -v baresip >/dev/null || {
    echo "baresip is not installed (apt-get install baresip-core)"
    return 1
  }
  bash "$MAKE_PKI" "$WORK/pki" >/dev/null || {
    echo "make_pki failed"
    return 1
  }
  # annexo's UE PIXIT (spec/probe/annexo-ue.pixit.toml) with this run's PKI,
  # a free port, and the command starting baresip; no sec-agree variant
  # (baresip has none, PICS_SECAGREE = false).
  sed -e "s#^pki_dir = .*#pki_dir = \"$WORK/pki\"#" \
    -e "s#^listen_port = .*#listen_port = $(free_port)#" \
    -e "s#^secagree_port = .*#secagree_port = $(free_port)#" \
    -e "s#^command = .*#command = \"bash $BARESIP_UE {workdir} {pcscf_host} {pcscf_port} {impi} {impu} {password}\"#" \
    -e '/^secagree_command = /d' \
    "$SPEC/probe/annexo-ue.pixit.toml" >"$WORK/pixit.toml"
  grep -q "^command = \"bash $BARESIP_UE " "$WORK/pixit.toml" || {
    echo "PIXIT command not rewritten"
    return 1
  }
  local start=$SECONDS
  "$PROBE" --spec "$SPEC" --pics "$PICS" --pixit "$WORK/pixit.toml" --out "$WORK/out" \
    --implemented-only --skip-long >"$WORK/probe.out" 2>&1
  local status=$?
  echo "probe exit status $status after $((SECONDS - start)) s"
  # The verdict table (the record of what baresip scores) and the checks:
  # every TP of the UE catalogue is listed; every one selected by the PICS
  # and not long-timer ran and has pass/fail/inconc with a reason; baresip
  # reached the probe (a ClientHello in TP_UE_TLS_001's evidence).
  python3 - "$WORK/out/probe-report.json" "$SPEC/test_purposes/ue.toml" "$status" \
    >"$WORK/verdicts.txt" <<'PY'
import json, re, sys
report = json.load(open(sys.argv[1]))
catalogue = re.findall(r'^id = "(TP_UE_[A-Z]+_\d+)"', open(sys.argv[2]).read(), re.M)
status = int(sys.argv[3])
tps = {t["id"]: t for t in report["tps"]}
problems = []
if status not in (0, 1):
    problems.append(f"probe exit status {status} (2 = bad usage or input)")
missing = [i for i in catalogue if i not in tps]
if missing:
    problems.append("TPs of the catalogue missing from the report: " + " ".join(missing))
ran = 0
print(f"{'TP':16} {'verdict':8} reason")
for i in catalogue:
    t = tps.get(i)
    if t is None:
        continue
    v, reason = t["verdict"], t.get("reason", "")
    print(f"{i:16} {v:8} {reason[:160]}")
    if v in ("none", "not run"):
        continue
    ran += 1
    if v not in ("pass", "fail", "inconc"):
        problems.append(f"{i}: verdict {v}: {reason}")
    elif not reason.strip():
        problems.append(f"{i}: verdict {v} without a reason")
counts = {}
for t in tps.values():
    counts[t["verdict"]] = counts.get(t["verdict"], 0) + 1
print("counts:", ", ".join(f"{k} {counts[k]}" for k in sorted(counts)))
# Selected and not long: 43 UE TPs minus the 3 sec-agree ones (PICS_SECAGREE
# false) minus the 5 long-timer ones.
if ran != 35:
    problems.append(f"{ran} TPs ran, want 35 (43 minus 3 sec-agree minus 5 long-timer)")
ch = [e for e in tps.get("TP_UE_TLS_001", {}).get("evidence", []) if "ClientHello" in e.get("observed", "")]
if not ch:
    problems.append("no ClientHello from baresip in TP_UE_TLS_001's evidence (baresip never connected?)")
for p in problems:
    print("PROBLEM:", p)
sys.exit(1 if problems else 0)
PY
  local rc=$?
  cat "$WORK/verdicts.txt"
  if [ $rc != 0 ]; then
    echo "probe output (last lines):"
    tail -n 40 "$WORK/probe.out"
    local l
    for l in "$WORK"/out/work/*/ue*.log; do
      [ -f "$l" ] || continue
      echo "--- $l"
      tail -n 5 "$l"
    done | tail -n 60
  fi
  return $rc
}

annexo_case "probe UE TPs: baresip completes with a verdict for every selected TP" case_baresip
# The record of what baresip scores, in the test log whatever the outcome.
echo "baresip's verdicts (probe --skip-long):"
cat "$WORK/verdicts.txt" 2>/dev/null
annexo_finish
