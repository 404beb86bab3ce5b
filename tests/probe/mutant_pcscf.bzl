"""A `pcscf` built with one mutant applied to one file: an adapter mutant
of tools/mutation/adapter_mutants.toml or a proof mutant of
proofs/mutants/mutants.bzl (the probe's own tests: a mutant visible from
outside must be caught by a named TP). The text is the catalogue's own
(tests/probe/ue/apply_mutant.py runs tools/mutation/mutate.py's loader).

A .cc mutant: the mutated file is linked ahead of the archive that holds
the original (//adapters/pcscf:pcscf_server or //core), so the archive's copy
is never pulled in (every symbol it defines is already defined).

A header mutant (core/pcscf_machine.h: most proof mutants) cannot shadow the
original (Bazel puts `-iquote .` ahead of a target's copts and the headers
use `#pragma once`), so header mode copies the mutated header and every file
of //core and //adapters/pcscf that includes it, directly or through another
header (HEADER_CLOSURES; tests/probe/header_mutant.py fails the build when
the list is not exactly that set), rewriting their includes of one another to
the copies. Every translation unit that sees the header is recompiled against
the mutant and no unit sees both copies; the copies are linked ahead of the
archives as above. No other package includes core/pcscf_machine.h (the P-CSCF
machine is the pcscf's own)."""

load("//tools:copts.bzl", "ADAPTER_COPTS")

# The files that include a core header, transitively, within //core and
# //adapters/pcscf (checked by header_mutant.py at build time).
HEADER_CLOSURES = {
    "core/pcscf_machine.h": [
        "adapters/pcscf/home_network.cc",
        "adapters/pcscf/home_network.h",
        "adapters/pcscf/main.cc",
        "adapters/pcscf/next_hop.h",
        "adapters/pcscf/pcscf_server.cc",
        "adapters/pcscf/pcscf_server.h",
        "adapters/pcscf/register_forwarding.cc",
        "adapters/pcscf/register_forwarding.h",
        "adapters/pcscf/remote_next_hop.cc",
        "adapters/pcscf/remote_next_hop.h",
        "adapters/pcscf/sec_agree_sip.cc",
        "adapters/pcscf/sec_agree_sip.h",
        "core/pcscf_config.cc",
        "core/pcscf_config.h",
        "core/pcscf_driver.cc",
        "core/pcscf_driver.h",
        "core/pcscf_machine.cc",
        "core/sec_agree.cc",
        "core/sec_agree.h",
    ],
}

# What pcscf's main links besides the mutated units (their archives come
# after the units, so the archives' own copies are never pulled in).
_PCSCF_DEPS = [
    "//adapters/log:decision_log",
    "//adapters/net:event_loop",
    "//adapters/pcscf:pcscf_server",
    "//core",
]

def _label(path):
    pkg, _, base = path.rpartition("/")
    return "//%s:%s" % (pkg, base)

def _header_mutant_pcscf(name, file, mutant):
    closure = HEADER_CLOSURES[file]
    outdir = name + "_src"
    prefix = native.package_name() + "/" + outdir
    outs = [outdir + "/" + f for f in [file] + closure]
    native.genrule(
        name = name + "_src",
        srcs = [_label(f) for f in closure] + [
            "//adapters/pcscf:sources",
            "//core:traced_sources",
            "//proofs/mutants:mutants.bzl",
            "//tools/mutation:adapter_mutants.toml",
            "//tools/mutation:mutate.py",
        ],
        outs = outs,
        cmd = "python3 $(location //tests/probe:header_mutant.py) " +
              "$(location //tests/probe/ue:apply_mutant.py) " +
              "$(location //tools/mutation:mutate.py) %s %s %s $(RULEDIR)/%s --closure %s --scan %s" % (
                  mutant,
                  file,
                  prefix,
                  outdir,
                  " ".join(["$(location %s)" % _label(f) for f in closure]),
                  "$(locations //adapters/pcscf:sources) $(locations //core:traced_sources)",
              ),
        tools = [
            "//tests/probe:header_mutant.py",
            "//tests/probe/ue:apply_mutant.py",
        ],
    )
    native.cc_binary(
        name = name,
        srcs = outs,
        copts = ADAPTER_COPTS,
        linkstatic = True,
        deps = _PCSCF_DEPS,
    )

def mutant_pcscf(name, file, mutant = None):
    """NAME: the target (a pcscf); FILE: the repository path of the .cc file
    or HEADER_CLOSURES header the mutant changes (adapters/pcscf/... or core/...); MUTANT: the
    catalogue name (default NAME)."""
    mutant = mutant or name
    if file in HEADER_CLOSURES:
        _header_mutant_pcscf(name, file, mutant)
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
