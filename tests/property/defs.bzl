"""Builds the property sources against one core library (the real //core, a
vendor's port with the same headers, or a mutant)."""

load("//tools:copts.bzl", "TEST_COPTS")

PROPERTY_SRCS = [
    "binding_props.cc",
    "pcscf_props.cc",
    "ue_props.cc",
    "profile_props.cc",
]

def property_suite(name, core):
    native.cc_library(
        name = name,
        srcs = PROPERTY_SRCS,
        copts = TEST_COPTS,
        deps = [
            ":harness",
            core,
            "@system//:rapidcheck",
        ],
        alwayslink = True,
    )
