"""The sources of a program built on a core header mutant (header mode of
tests/probe/mutant_pcscf.bzl and tests/probe/ue/mutant_ue.bzl, RD-231).

A mutated copy of a header cannot shadow the original (Bazel puts `-iquote .`
ahead of a target's copts and the headers use `#pragma once`), so the
mutated header and a copy of every file that includes it, directly or
through another header, are written under NAME_src/ with their includes of
one another rewritten to the copies (tests/probe/header_mutant.py). Every
translation unit that sees the header is compiled against the mutant and no
unit sees both copies; the copies are linked ahead of the archives that hold
the originals, so those are never pulled in."""

# The files that include a core header, transitively, within the packages the
# program's mutant build scans (//core and the program's own package);
# header_mutant.py fails the build when a list is not exactly that set. No
# other package linked into pcscf or ue includes these headers.
_UE_LOGIC_INCLUDERS = [
    "adapters/ue/client/connection.cc",
    "adapters/ue/client/options.cc",
    "adapters/ue/client/options.h",
    "adapters/ue/client/recovery.cc",
    "adapters/ue/client/registration.cc",
    "adapters/ue/client/secagree.cc",
    "adapters/ue/client/tls_events.cc",
    "adapters/ue/client/ue_client.cc",
    "adapters/ue/client/ue_client.h",
    "adapters/ue/main.cc",
    "core/ue_config.cc",
    "core/ue_machine.cc",
    "core/ue_machine.h",
]

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
    "core/ue_logic.h": _UE_LOGIC_INCLUDERS,
    # core/ue_logic.h includes core/ue_table.h.
    "core/ue_table.h": _UE_LOGIC_INCLUDERS + ["core/ue_logic.h"],
    # Through adapters/ue/client/options.h and ue_client.h.
    "core/ue_machine.h": [f for f in _UE_LOGIC_INCLUDERS if f != "core/ue_machine.h"],
    # The ue's options (ue_default_expires_3600).
    "adapters/ue/client/options.h": [
        f
        for f in _UE_LOGIC_INCLUDERS
        if f.startswith("adapters/") and f != "adapters/ue/client/options.h"
    ],
    # Through core/ue_logic.h, core/ue_table.h and core/ue_types.h.
    "core/access_selection.h": _UE_LOGIC_INCLUDERS + [
        "core/access_selection.cc",
        "core/ue_logic.h",
        "core/ue_table.h",
        "core/ue_types.h",
    ],
}

def _label(path):
    pkg, _, base = path.rpartition("/")
    return "//%s:%s" % (pkg, base)

def header_mutant_srcs(name, header, mutant, scan):
    """Makes NAME_src (the genrule) and returns its outputs, the cc sources
    of the mutant program. HEADER: a key of HEADER_CLOSURES; MUTANT: the
    catalogue name; SCAN: labels of every source the closure is checked
    against."""
    closure = HEADER_CLOSURES[header]
    outdir = name + "_src"
    prefix = native.package_name() + "/" + outdir
    outs = [outdir + "/" + f for f in [header] + closure]
    native.genrule(
        name = name + "_src",
        srcs = [_label(f) for f in closure] + [s for s in scan if s not in [_label(f) for f in closure]] + [
            "//proofs/mutants:mutants.bzl",
            "//tools/mutation:adapter_mutants.toml",
            "//tools/mutation:mutate.py",
            "//tools/mutation:freshness.py",  # imported by mutate.py
        ],
        outs = outs,
        cmd = "python3 $(location //tests/probe:header_mutant.py) " +
              "$(location //tests/probe/ue:apply_mutant.py) " +
              "$(location //tools/mutation:mutate.py) %s %s %s $(RULEDIR)/%s --closure %s --scan %s" % (
                  mutant,
                  header,
                  prefix,
                  outdir,
                  " ".join(["$(location %s)" % _label(f) for f in closure]),
                  " ".join(["$(locations %s)" % s for s in scan]),
              ),
        tools = [
            "//tests/probe:header_mutant.py",
            "//tests/probe/ue:apply_mutant.py",
        ],
    )
    return outs
