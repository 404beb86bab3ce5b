#!/usr/bin/env python3
"""Writes one file of a mutant (tools/mutation/adapter_mutants.toml, or a proof
mutant of proofs/mutants/mutants.bzl)
with the catalogue's own loader and replacement (tools/mutation/mutate.py):
    apply_mutant.py MUTATE_PY NAME SOURCE OUT
so the probe's tests build a mutant `ue` or `pcscf` from the very text the mutation run
uses (tools/mutation/README.md). Fails unless NAME mutates SOURCE's file."""
import importlib.util
import os
import sys


def main():
    mutate_py, name, source, out = sys.argv[1:5]
    spec = importlib.util.spec_from_file_location("mutate", mutate_py)
    mutate = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mutate)
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(mutate_py))))
    found = [m for m in mutate.load_core_mutants(root) + mutate.load_adapter_mutants(root)
             if m["name"] == name]
    if len(found) != 1:
        sys.exit("apply_mutant: no mutant named %s" % name)
    m = found[0]
    if not source.endswith(m["file"]):
        sys.exit("apply_mutant: mutant %s mutates %s, not %s" % (name, m["file"], source))
    with open(source) as f:
        text = mutate.mutate_text(m, f.read())
    with open(out, "w") as f:
        f.write(text)


if __name__ == "__main__":
    main()
