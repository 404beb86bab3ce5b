#!/usr/bin/env python3
"""Copies the core sources and applies one named mutation (literal text
replacements). Fails loudly when a replacement no longer applies exactly
once, so a mutant never silently becomes the unmodified core.

usage: apply_mutation.py NAME FILE OUTDIR N OLD1 NEW1 ... OLDN NEWN SRC...
  FILE  the core file (workspace-relative, e.g. core/x.h) to mutate
"""
import os
import shutil
import sys


def main():
    name, target, outdir, n = sys.argv[1:5]
    n = int(n)
    flat = sys.argv[5:5 + 2 * n]
    subs = list(zip(flat[0::2], flat[1::2]))
    srcs = sys.argv[5 + 2 * n:]
    seen_target = False
    for src in srcs:
        rel = src[src.index("core/"):]
        dst = os.path.join(outdir, rel)
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        with open(src, encoding="utf-8") as f:
            text = f.read()
        if rel == target:
            seen_target = True
            for old, new in subs:
                n = text.count(old)
                if n != 1:
                    sys.stderr.write(
                        "mutant %s: the text to replace occurs %d times in %s (want exactly 1); "
                        "the core changed, update proofs/mutants/mutants.bzl:\n%s\n" % (name, n, rel, old))
                    return 1
                text = text.replace(old, new)
        if rel == "core/domain.h":
            # Marks the mutated copy (proofs/prove_main.cc checks it).
            text += "\n#define ANNEXO_MUTANT_CORE 1\n"
        with open(dst, "w", encoding="utf-8") as f:
            f.write(text)
    if not seen_target:
        sys.stderr.write("mutant %s: %s is not a core source\n" % (name, target))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
