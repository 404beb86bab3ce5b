#!/usr/bin/env bash
# //proofs:proofs_test — runs the whole proof suite (properties and mutants)
# and fails unless every property is proved, every mutant is caught, there
# are at least eight mutants, and each property's citations list exactly the
# requirement IDs the program reports for it.
set -u
source "${TEST_SRCDIR}/annexo/tests/support/testlib.sh"

PROVE="${TEST_SRCDIR}/annexo/proofs/prove"
SRC="${TEST_SRCDIR}/annexo/proofs"
OUT="${TEST_TMPDIR:-/tmp}/proofs.json"
LOG="${TEST_TMPDIR:-/tmp}/proofs.log"

start=$(date +%s)
"${PROVE}" --json "${OUT}" > "${LOG}" 2>&1
prove_rc=$?
end=$(date +%s)
cat "${LOG}"
echo "proof suite wall time: $((end - start)) s (exit ${prove_rc})"

run_ok() { [[ ${prove_rc} -eq 0 ]]; }

json_check() {
  python3 - "${OUT}" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
bad = [p["name"] + ": " + p["status"] for p in j["properties"] if p["status"] != "proved"]
esc = [m["name"] for m in j["mutants"] if not m["caught"]]
print("%d properties, %d mutants" % (len(j["properties"]), len(j["mutants"])))
if not j["properties"]:
    print("no properties"); sys.exit(1)
if len(j["mutants"]) < 8:
    print("fewer than eight mutants"); sys.exit(1)
if bad or esc:
    print("not proved:", bad, "escaped:", esc); sys.exit(1)
for p in j["properties"]:
    if not p["requirements"]:
        print("property without requirement IDs:", p["name"]); sys.exit(1)
    if p.get("basis") not in ("induction", "exhaustive", "by-construction"):
        print("property without a basis:", p["name"], p.get("basis")); sys.exit(1)
# Over constant data (a constexpr table, already pinned by a static_assert).
if [p["basis"] for p in j["properties"] if p["name"] == "pcscf-never-requests-client-certificate"] != ["by-construction"]:
    print("pcscf-never-requests-client-certificate is not marked by-construction"); sys.exit(1)
PY
}

# Citation lines directly above each registration line vs. the IDs the
# program reports (prove --list).
citations_match() {
  python3 - "${SRC}" <(${PROVE} --list) <<'PY'
import glob, os, re, sys
src, listing = sys.argv[1], sys.argv[2]
reported = {}
for line in open(listing):
    name, ids = line.rstrip("\n").split("\t")
    reported[name] = sorted(ids.split(","))
cited = {}
for path in sorted(glob.glob(os.path.join(src, "props_*.cc"))):
    lines = open(path).read().split("\n")
    for i, l in enumerate(lines):
        m = re.match(r'\s*r\.add\("([^"]+)"', l)
        if not m:
            continue
        ids, k = [], i - 1
        while k >= 0 and lines[k].strip().startswith("//= spec#"):
            c = re.match(r"\s*//= spec#(\S+) type=proof$", lines[k])
            if not c:
                print("%s:%d: not a proof citation: %s" % (path, k + 1, lines[k])); sys.exit(1)
            ids.append(c.group(1)); k -= 1
        if m.group(1) in cited:
            print("property registered twice:", m.group(1)); sys.exit(1)
        cited[m.group(1)] = sorted(ids)
if set(cited) != set(reported):
    print("registered in source but not reported, or the reverse:", set(cited) ^ set(reported)); sys.exit(1)
for name in cited:
    if cited[name] != reported[name]:
        print("%s: cited %s, reported %s" % (name, cited[name], reported[name])); sys.exit(1)
print("%d properties: citations match the reported IDs" % len(cited))
PY
}

annexo_case "proofs: the proof program exits 0 (all proved, all mutants caught)" run_ok
annexo_case "proofs: JSON lists every property proved and at least eight mutants, all caught" json_check
annexo_case "proofs: each property's citations equal its reported requirement IDs" citations_match
annexo_finish
