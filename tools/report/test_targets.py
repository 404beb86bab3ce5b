#!/usr/bin/env python3
"""Test targets and the workspace source files each one compiles or runs.

   bazel query --output=xml 'deps(T)' | test_targets.py TESTS_FILE > targets.tsv

TESTS_FILE lists the test labels (bazel query 'T'), one per line. Output, one
line per test: LABEL<TAB>FILE<TAB>FILE... (workspace-relative), the srcs and
hdrs of the test and of every rule of this workspace it depends on through
`deps`. tools/report --targets reads it to place the citations of a target
that produced no results (it did not build, or did not run)."""
import sys
import xml.etree.ElementTree as ET


def path(label):
    if not label.startswith("//"):
        return None
    pkg, _, name = label[2:].partition(":")
    return f"{pkg}/{name}" if pkg else name


def main():
    tests = [l.strip() for l in open(sys.argv[1]) if l.strip()]
    files, deps = {}, {}
    for rule in ET.parse(sys.stdin).getroot().iter("rule"):
        name = rule.get("name")
        files[name], deps[name] = [], []
        for lst in rule.findall("list"):
            labels = [l.get("value", "") for l in lst.findall("label")]
            if lst.get("name") in ("srcs", "hdrs"):
                files[name] += [p for p in map(path, labels) if p]
            elif lst.get("name") == "deps":
                deps[name] += [l for l in labels if l.startswith("//")]
    for test in tests:
        seen, todo, out = set(), [test], []
        while todo:
            r = todo.pop()
            if r in seen:
                continue
            seen.add(r)
            out += [f for f in files.get(r, []) if f not in out]
            todo += deps.get(r, [])
        print("\t".join([test] + out))


if __name__ == "__main__":
    main()
