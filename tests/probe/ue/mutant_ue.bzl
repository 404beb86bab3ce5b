"""A `ue` built with one adapter mutant of tools/mutation/adapter_mutants.toml
applied to one file of //adapters/ue/client (the probe's own tests: a mutant
visible from outside must be caught by a named TP)."""

load("//tools:copts.bzl", "ADAPTER_COPTS")

_CLIENT_SRCS = [
    "connection.cc",
    "options.cc",
    "recovery.cc",
    "registration.cc",
    "secagree.cc",
    "tls_events.cc",
    "ue_client.cc",
]

def mutant_ue(name, file):
    """NAME: the mutant; FILE: the client source it mutates. Makes :NAME (a ue)."""
    native.genrule(
        name = name + "_src",
        srcs = [
            "//adapters/ue/client:" + file,
            "//tools/mutation:adapter_mutants.toml",
            "//tools/mutation:mutate.py",
        ],
        outs = [name + "_src/" + file],
        cmd = "python3 $(location apply_mutant.py) $(location //tools/mutation:mutate.py) " +
              name + " $(location //adapters/ue/client:" + file + ") $@",
        tools = ["apply_mutant.py"],
    )
    native.cc_binary(
        name = name,
        srcs = [
            "//adapters/ue:main.cc",
            "//adapters/ue/client:options.h",
            "//adapters/ue/client:ue_client.h",
            ":" + name + "_src",
        ] + ["//adapters/ue/client:" + s for s in _CLIENT_SRCS if s != file],
        copts = ADAPTER_COPTS,
        deps = [
            "//adapters/log:decision_log",
            "//adapters/net:clock",
            "//adapters/net:event_loop",
            "//adapters/sip",
            "//adapters/tls:alerts",
            "//adapters/tls:callbacks",
            "//adapters/tls:cert_facts",
            "//adapters/tls:credentials",
            "//adapters/tls:policy",
            "//adapters/tls:server_hello_gate",
            "//core",
            "@system//:botan",
        ],
    )
