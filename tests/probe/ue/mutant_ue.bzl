"""A `ue` built with one adapter mutant of tools/mutation/adapter_mutants.toml
applied to one file of //adapters/ue/client (the probe's own tests: a mutant
visible from outside must be caught by a named TP)."""

load("//tools:copts.bzl", "ADAPTER_COPTS")

def mutant_ue(name, file):
    """NAME: the mutant; FILE: the client source it mutates. Makes :NAME (a ue)."""
    native.genrule(
        name = name + "_src",
        srcs = [
            "//adapters/ue/client:" + file,
            "//proofs/mutants:mutants.bzl",
            "//tools/mutation:adapter_mutants.toml",
            "//tools/mutation:mutate.py",
        ],
        outs = [name + "_src/" + file],
        cmd = "python3 $(location apply_mutant.py) $(location //tools/mutation:mutate.py) " +
              name + " $(location //adapters/ue/client:" + file + ") $@",
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
        deps = [
            "//adapters/log:decision_log",
            "//adapters/net:event_loop",
            "//adapters/ue/client",
            "//core",
        ],
    )
