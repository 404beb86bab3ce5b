"""A `pcscf` built with one mutant applied to one .cc file: an adapter mutant
of tools/mutation/adapter_mutants.toml or a proof mutant of
proofs/mutants/mutants.bzl (the probe's own tests: a mutant visible from
outside must be caught by a named TP). The text is the catalogue's own
(tests/probe/ue/apply_mutant.py runs tools/mutation/mutate.py's loader).

Only .cc files: the mutated file is linked ahead of the archive that holds
the original (//adapters/pcscf:pcscf_server or //core), so the archive's copy
is never pulled in (every symbol it defines is already defined). A mutant in
a header (core/pcscf_machine.h: most proof mutants) cannot be built this way:
Bazel puts `-iquote .` ahead of a target's copts and the headers use
`#pragma once`, so a mutated copy cannot shadow the original, and every
object that instantiates the header would have to be recompiled (the
mutation run, tools/mutate, builds such mutants in a scratch copy of the
workspace)."""

load("//tools:copts.bzl", "ADAPTER_COPTS")

def mutant_pcscf(name, file, mutant = None):
    """NAME: the target (a pcscf); FILE: the repository path of the .cc file
    the mutant changes (adapters/pcscf/... or core/...); MUTANT: the
    catalogue name (default NAME)."""
    mutant = mutant or name
    if not file.endswith(".cc"):
        fail("mutant_pcscf: %s: only .cc files can be replaced at link time" % file)
    pkg, _, base = file.rpartition("/")
    src = "//%s:%s" % (pkg, base)
    native.genrule(
        name = name + "_src",
        srcs = [
            src,
            "//proofs/mutants:mutants.bzl",
            "//tools/mutation:adapter_mutants.toml",
            "//tools/mutation:mutate.py",
        ],
        outs = [name + "_src/" + base],
        cmd = "python3 $(location //tests/probe/ue:apply_mutant.py) " +
              "$(location //tools/mutation:mutate.py) " + mutant +
              " $(location " + src + ") $@",
        tools = ["//tests/probe/ue:apply_mutant.py"],
    )
    native.cc_binary(
        name = name,
        srcs = [
            "//adapters/pcscf:main.cc",
            ":" + name + "_src",
        ],
        copts = ADAPTER_COPTS,
        linkstatic = True,
        deps = [
            "//adapters/log:decision_log",
            "//adapters/net:event_loop",
            "//adapters/pcscf:pcscf_server",
            "//core",
        ],
    )
