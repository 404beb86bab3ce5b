#!/usr/bin/env python3
"""Writes a header mutant's private copy of the sources that see the header
(tests/probe/mutant_pcscf.bzl, header mode):
    header_mutant.py APPLY_PY MUTATE_PY NAME HEADER PREFIX OUTDIR --closure F... --scan F...
HEADER mutated by APPLY_PY (tests/probe/ue/apply_mutant.py: the catalogue's
own loader and replacement), and a copy of every file of --closure, each
`#include "X"` of a file in the closure (or of HEADER) rewritten to
`#include "PREFIX/X"`, all written under OUTDIR. So every translation unit that
sees the header is recompiled against the mutated copy and none sees both
copies (the headers use #pragma once, which keys on the file, not the path).
Fails unless --closure is exactly the set of --scan files that include HEADER,
directly or through other headers, so a new includer cannot be forgotten."""
import os
import re
import subprocess
import sys

INCLUDE = re.compile(r'^(\s*#\s*include\s+")([^"]+)(")', re.M)


def repo_path(path):
    """The repository path of a Bazel input (source or generated)."""
    m = re.search(r"(?:^|/)(?:bazel-out/[^/]+/bin/)?((?:core|adapters|tests|tools)/.*)$", path)
    return m.group(1) if m else path


def closure(header, texts):
    """The files of texts (repo path -> text) that include header, transitively."""
    includes = {p: set(m.group(2) for m in INCLUDE.finditer(t)) for p, t in texts.items()}
    found, todo = set(), [header]
    while todo:
        h = todo.pop()
        for p, inc in includes.items():
            if h in inc and p not in found:
                found.add(p)
                todo.append(p)
    return found


def main():
    apply_py, mutate_py, name, header, prefix, outdir = sys.argv[1:7]
    rest = sys.argv[7:]
    cut = rest.index("--scan")
    declared = rest[1:cut]
    scan = rest[cut + 1:]
    texts = {}
    for f in scan + declared:
        with open(f) as fh:
            texts[repo_path(f)] = fh.read()
    want = sorted(closure(header, texts))
    have = sorted(repo_path(f) for f in declared)
    if want != have:
        sys.exit("header_mutant: %s: files that include %s: %s; the macro lists %s "
                 "(update HEADER_CLOSURES in tests/probe/header_mutant.bzl)"
                 % (name, header, want, have))
    copied = set(want) | {header}

    def rewrite(text):
        return INCLUDE.sub(
            lambda m: m.group(1) + (prefix + "/" + m.group(2) if m.group(2) in copied
                                    else m.group(2)) + m.group(3), text)

    header_src = [f for f in scan if repo_path(f) == header]
    if len(header_src) != 1:
        sys.exit("header_mutant: %s is not among the --scan files" % header)
    # The mutated header: apply_mutant.py checks the name and the file.
    mutated = os.path.join(outdir, header)
    os.makedirs(os.path.dirname(mutated), exist_ok=True)
    subprocess.run([sys.executable, apply_py, mutate_py, name, header_src[0], mutated], check=True)
    with open(mutated) as fh:
        outputs = {header: fh.read()}
    for p in want:
        outputs[p] = texts[p]
    for p, text in outputs.items():
        out = os.path.join(outdir, p)
        os.makedirs(os.path.dirname(out), exist_ok=True)
        with open(out, "w") as fh:
            fh.write(rewrite(text))


if __name__ == "__main__":
    main()
