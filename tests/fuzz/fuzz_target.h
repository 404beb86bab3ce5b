// One libFuzzer entry point per fuzz target (tests/fuzz/README.md).
//
// Each fuzz_<name>.cc defines LLVMFuzzerTestOneInput. It is built two ways
// from the same source:
//   - by tools/fuzz with clang -fsanitize=fuzzer,address,undefined, for
//     coverage-guided runs of a chosen length;
//   - by Bazel into //tests/fuzz:<name>_corpus_test (gcc, ASan + UBSan), which
//     runs the target over its committed seed corpus and every stored crash
//     regression in the regular test run.
// An invariant a target checks beyond "no crash" fails with fuzz_check,
// which aborts in both builds (a crash is what libFuzzer records).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

#define FUZZ_CHECK(cond)                                                                       \
  do {                                                                                         \
    if (!(cond)) {                                                                             \
      std::fprintf(stderr, "fuzz invariant failed at %s:%d: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                            \
    }                                                                                          \
  } while (false)
