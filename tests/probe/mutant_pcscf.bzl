"""A `pcscf` built with one mutant applied to one file: an adapter mutant
of tools/mutation/adapter_mutants.toml or a proof mutant of
proofs/mutants/mutants.bzl (the probe's own tests: a mutant visible from
outside must be caught by a named TP). The text is the catalogue's own
(tests/probe/ue/apply_mutant.py runs tools/mutation/mutate.py's loader).

A .cc mutant: the mutated file is linked ahead of the archive that holds
the original (//adapters/pcscf:pcscf_server or //core), so the archive's copy
is never pulled in (every symbol it defines is already defined).

A header mutant (core/pcscf_machine.h: most proof mutants) is built from
copies of the header and of every file that includes it
(tests/probe/header_mutant.bzl, RD-231); //adapters/pcscf and //core are
scanned for includers."""

load("//tools:copts.bzl", "ADAPTER_COPTS")
load(":header_mutant.bzl", "HEADER_CLOSURES", "header_mutant_srcs")

# What pcscf's main links besides the mutated units (their archives come
# after the units, so the archives' own copies are never pulled in).
_PCSCF_DEPS = [
    "//adapters/log:decision_log",
    "//adapters/net:event_loop",
    "//adapters/pcscf:pcscf_server",
    "//core",
]

def mutant_pcscf(name, file, mutant = None):
    """NAME: the target (a pcscf); FILE: the repository path of the .cc file
    or HEADER_CLOSURES header the mutant changes (adapters/pcscf/... or core/...); MUTANT: the
    catalogue name (default NAME)."""
    mutant = mutant or name
    if file in HEADER_CLOSURES:
        native.cc_binary(
            name = name,
            srcs = header_mutant_srcs(
                name,
                file,
                mutant,
                ["//adapters/pcscf:sources", "//core:traced_sources"],
            ),
            copts = ADAPTER_COPTS,
            linkstatic = True,
            deps = _PCSCF_DEPS,
        )
        return
    if not file.endswith(".cc"):
        fail("mutant_pcscf: %s: a header without HEADER_CLOSURES entry" % file)
    pkg, _, base = file.rpartition("/")
    src = "//%s:%s" % (pkg, base)
    native.genrule(
        name = name + "_src",
        srcs = [
            src,
            "//proofs/mutants:mutants.bzl",
            "//tools/mutation:adapter_mutants.toml",
            "//tools/mutation:mutate.py",
            "//tools/mutation:freshness.py",  # imported by mutate.py
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
        deps = _PCSCF_DEPS,
    )
