"""fuzz_target: a libFuzzer target of tests/fuzz and its corpus test.

fuzz_<name>.cc is run by //tests/fuzz:<name>_corpus_test over corpus/<name>/
and regressions/<name>/ (corpus_test.cc), built with ASan and UBSan together
with the sanitized core and SIP libraries of this package; tools/fuzz builds
the same source with clang -fsanitize=fuzzer for coverage-guided runs."""

load("//tools:copts.bzl", "TEST_COPTS")

# gcc 12 cannot evaluate the core's constexpr suite table (cipher_suites.h
# static_asserts comparing table addresses with nullptr) under its null and
# nonnull-attribute checks ("not a constant expression"), so those three UBSan
# checks are off in this gcc build; every other UBSan check and ASan stay on,
# and tools/fuzz (clang) runs the full -fsanitize=undefined.
SANITIZE = [
    "-fsanitize=address,undefined",
    "-fno-sanitize=null,nonnull-attribute,returns-nonnull-attribute",
    "-fno-sanitize-recover=all",
    "-fno-omit-frame-pointer",
]

def fuzz_target(name, deps):
    native.cc_test(
        name = name + "_corpus_test",
        size = "small",
        srcs = [
            "corpus_test.cc",
            "fuzz_%s.cc" % name,
            "fuzz_target.h",
        ],
        copts = TEST_COPTS + SANITIZE + ["-DFUZZ_TARGET_%s" % name.upper()],
        linkopts = SANITIZE,
        data = native.glob(["corpus/%s/*" % name, "regressions/%s/*" % name]),
        env = {
            "FUZZ_CORPUS": "tests/fuzz/corpus/" + name,
            "FUZZ_REGRESSIONS": "tests/fuzz/regressions/" + name,
            # Leaks are reported too; UBSan findings abort with a stack.
            "ASAN_OPTIONS": "detect_leaks=1:abort_on_error=1",
            "UBSAN_OPTIONS": "print_stacktrace=1:halt_on_error=1",
        },
        deps = deps + [
            "//tests/support:catch_main",
            "//tests/support:req",
            "@system//:catch2",
        ],
    )
