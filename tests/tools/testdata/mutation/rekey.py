"""Recomputes the key of one mutant result in a fixture tree after a test
edited its verdict, as a run that recorded that verdict would have keyed it
(//tests/tools:mutation_report_test).

  python3 rekey.py ROOT NAME
"""
import json
import os
import sys

root, name = sys.argv[1], sys.argv[2]
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(root, "tools", "mutation"))
import freshness  # noqa: E402

path = freshness.mutant_path(os.path.join(root, freshness.RESULTS_DIR), name)
with open(path) as f:
    rec = json.load(f)
rec["key"] = freshness.mutant_key(rec["key_parts"], freshness.verdict_of(rec))
freshness.write_json(path, rec)
