"""Writes the results of two pretend mutation runs into a small tree, keyed
with tools/mutation/freshness.py exactly as tools/mutate keys its own, for
//tests/tools:mutation_report_test:
  m_a breaks X.1-UE-DO,    target //src:a_test depends on src/a.cc
  m_b breaks X.2-PC-LATER, target //src:b_test depends on src/b.cc
Both killed, by the case citing what they break.

  python3 fixture.py ROOT CITATIONS   (CITATIONS: `trace --list-citations` lines)
"""
import os
import sys

root, citations = sys.argv[1], sys.argv[2]
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(root, "tools", "mutation"))
import freshness  # noqa: E402
import mutate  # noqa: E402

tree = freshness.Tree(root)
with open(citations) as f:
    cits = freshness.parse_citations(f.read())
results = os.path.join(root, freshness.RESULTS_DIR)
catalogue = {m["name"]: m for m in mutate.load_adapter_mutants(root)}
for name, target, src, req in (("m_a", "//src:a_test", "src/a.cc", "X.1-UE-DO"),
                               ("m_b", "//src:b_test", "src/b.cc", "X.2-PC-LATER")):
    base = {"format": freshness.FORMAT, "target": target, "recorded": "2026-12-02T00:00:00Z",
            "deps": freshness.deps_record(tree, [src, "src/BUILD.bazel"], ["src"]),
            "result": {"status": "PASSED", "complete": "complete", "cases": []}}
    base["result_key"] = freshness.result_key(base["result"])
    freshness.write_json(freshness.baseline_path(results, target), base)
    parts = freshness.mutant_key_parts(tree, catalogue[name], cits)
    parts["targets"] = {target: {"key": base["deps"]["key"], "recorded": base["recorded"]}}
    rec = {
        "format": freshness.FORMAT, "name": name, "kind": "adapter", "file": src,
        "description": "pretend " + name, "status": "killed", "breaks": [req],
        "survives": "", "seconds": 3, "targets": [target],
        "requirements": {req: {"killed": True, "killed_by": ["case %s (%s)" % (name, target)],
                               "not_credited": [], "citing_cases": 1}},
        "key_parts": parts}
    rec["key"] = freshness.mutant_key(parts, freshness.verdict_of(rec))
    freshness.write_json(freshness.mutant_path(results, name), rec)
