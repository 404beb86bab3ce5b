"""One cc_test per core test source: NAME.cc, the test flags, and (unless the
test brings its own main) the Catch2 main that writes JUnit for the report."""

load("//tools:copts.bzl", "TEST_COPTS")

CATCH = [
    "//tests/support:catch_main",
    "//tests/support:req",
    "@system//:catch2",
]

def core_test(name, deps, data = [], catch = True, size = None):
    native.cc_test(
        name = name,
        size = size,
        srcs = [name + ".cc"],
        copts = TEST_COPTS,
        data = data,
        deps = (CATCH if catch else []) + deps,
    )
