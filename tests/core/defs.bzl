"""One cc_test per core test source: NAME.cc, the test flags, and (unless the
test brings its own main) the Catch2 main that writes JUnit for the report."""

load("//tests/sanitize:defs.bzl", "sanitized_test")
load("//tools:copts.bzl", "TEST_COPTS")

CATCH = [
    "//tests/support:catch_main",
    "//tests/support:req",
    "//tests/support:rfc_alerts",
    "@system//:catch2",
]

def core_test(name, deps, data = [], catch = True, size = None, sanitize = True):
    """NAME.cc as a cc_test, and (sanitize) NAME_asan: the same test built
    with ASan and UBSan (//tests/sanitize:defs.bzl), core included."""
    native.cc_test(
        name = name,
        size = size,
        srcs = [name + ".cc"],
        copts = TEST_COPTS,
        data = data,
        deps = (CATCH if catch else []) + deps,
    )
    if sanitize:
        sanitized_test(
            name = name + "_asan",
            size = size,
            target = ":" + name,
        )
