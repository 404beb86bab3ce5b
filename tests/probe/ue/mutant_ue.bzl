"""A `ue` built with one adapter mutant of tools/mutation/adapter_mutants.toml
applied to one file of //adapters/ue/client (the probe's own tests: a mutant
visible from outside must be caught by a named TP), or with a proof mutant
of a core header (mutant_ue_header: tests/probe/header_mutant.bzl)."""

load("//tests/probe:header_mutant.bzl", "HEADER_CLOSURES", "header_mutant_srcs")
load("//tools:copts.bzl", "ADAPTER_COPTS")

_UE_DEPS = [
    "//adapters/log:decision_log",
    "//adapters/net:event_loop",
    "//adapters/ue/client",
    "//core",
]

# Every source of the ue a core header mutant's closure is checked against.
_UE_SCAN = ["//adapters/ue/client:sources", "//adapters/ue:main.cc", "//core:traced_sources"]

def mutant_ue_header(name, header):
    """NAME: the mutant (proof or adapter catalogue); HEADER: the core header
    it mutates (a key of HEADER_CLOSURES). Makes :NAME (a ue)."""
    native.cc_binary(
        name = name,
        srcs = header_mutant_srcs(
            name,
            header,
            name,
            _UE_SCAN,
        ),
        copts = ADAPTER_COPTS,
        linkstatic = True,
        deps = _UE_DEPS,
    )

def mutant_ue(name, file):
    """NAME: the mutant; FILE: the client source it mutates (its base name),
    or the repository path of a .cc file the ue links (core/..., adapters/...:
    linked ahead of the archive holding the original), or of a header of
    HEADER_CLOSURES (built by mutant_ue_header). Makes :NAME (a ue)."""
    if file in HEADER_CLOSURES:
        mutant_ue_header(name, file)
        return
    if "/" in file:
        pkg, _, base = file.rpartition("/")
        src = "//%s:%s" % (pkg, base)
        file = base
    else:
        src = "//adapters/ue/client:" + file
    native.genrule(
        name = name + "_src",
        srcs = [
            src,
            "//proofs/mutants:mutants.bzl",
            "//tools/mutation:adapter_mutants.toml",
            "//tools/mutation:mutate.py",
            "//tools/mutation:freshness.py",  # imported by mutate.py
        ],
        outs = [name + "_src/" + file],
        cmd = "python3 $(location apply_mutant.py) $(location //tools/mutation:mutate.py) " +
              name + " $(location " + src + ") $@",
        tools = ["apply_mutant.py"],
    )
    # The mutated file is linked ahead of //adapters/ue/client's archive, so
    # the archive's own copy of that file is never pulled in (every symbol it
    # defines is already defined); the rest of the client, its headers and
    # its dependencies come from the library itself, so this list never
    # repeats the client's BUILD.
    native.cc_binary(
        name = name,
        srcs = [
            "//adapters/ue:main.cc",
            ":" + name + "_src",
        ],
        copts = ADAPTER_COPTS,
        linkstatic = True,
        deps = _UE_DEPS,
    )

def ue_header_closure_test(name, cases):
    """NAME: an sh_test that builds only the mutated sources (not the ue) of
    each (mutant, header) in CASES, so header_mutant.py checks each header's
    closure list in HEADER_CLOSURES against the ue's sources in every test run
    (a new includer fails the build), and asserts the mutated header differs
    from the original (the mutant applied). mutant_ue_header's programs are
    built by hand only (RD-232), so without this the lists went unchecked."""
    args = []
    data = []
    for mutant, header in cases:
        outs = header_mutant_srcs(name + "_" + mutant, header, mutant, _UE_SCAN)
        args += [mutant, "$(location //core:%s)" % header[len("core/"):], "$(location %s)" % outs[0]]
        data += ["//core:" + header[len("core/"):], outs[0]]
    native.sh_test(
        name = name,
        size = "small",
        srcs = ["//tests/probe/ue:header_closure_test.sh"],
        args = args,
        data = data,
    )
