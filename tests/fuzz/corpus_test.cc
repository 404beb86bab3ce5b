// The fuzz targets in the regular test run: each //tests/fuzz:<name>_corpus_test
// is one fuzz_<name>.cc linked with this file, built with ASan and UBSan
// (the core and SIP sources included: tests/fuzz/BUILD.bazel), and runs the
// target over every file of its seed corpus (corpus/<name>/) and of its
// stored crash regressions (regressions/<name>/). Any memory error, undefined
// behaviour or broken invariant aborts the binary, so the case never reports
// green (the JUnit file stays complete="false"); the REQ at the end holds only
// after every stored input ran clean under the sanitizers.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "tests/fuzz/fuzz_target.h"
#include "tests/support/req.h"

namespace {

namespace fs = std::filesystem;

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kAddressSanitizer = true;
#else
constexpr bool kAddressSanitizer = false;
#endif

struct Run {
  std::size_t inputs = 0;
  std::size_t seeds = 0;  // of which from the seed corpus
};

// FUZZ_CORPUS and FUZZ_REGRESSIONS: directories relative to the runfiles root.
Run run_stored_inputs() {
  Run run;
  for (const char* var : {"FUZZ_CORPUS", "FUZZ_REGRESSIONS"}) {
    const char* dir = std::getenv(var);
    REQUIRE(dir != nullptr);
    if (!fs::exists(dir)) continue;  // no regressions stored yet
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(dir)) {
      if (e.is_regular_file() && e.path().filename() != "README.md") files.push_back(e.path());
    }
    std::sort(files.begin(), files.end());
    for (const auto& f : files) {
      std::ifstream in(f, std::ios::binary);
      const std::string bytes((std::istreambuf_iterator<char>(in)),
                              std::istreambuf_iterator<char>());
      INFO("input " << f.string());
      LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
      ++run.inputs;
      if (std::string(var) == "FUZZ_CORPUS") ++run.seeds;
    }
  }
  return run;
}

}  // namespace

#if defined(FUZZ_TARGET_HANDSHAKE)
//= spec#IMPL-READER-BOUNDS type=test
//= spec#IMPL-READER-RECORD type=test
TEST_CASE(
    "IMPL-READER-BOUNDS: fuzz corpus: the handshake reader takes every stored input under ASan and "
    "UBSan") {
  const Run r = run_stored_inputs();
  REQ("IMPL-READER-BOUNDS", (kAddressSanitizer && r.seeds >= 10));
  REQ("IMPL-READER-RECORD", (kAddressSanitizer && r.seeds >= 10));
}
#elif defined(FUZZ_TARGET_SIP_MESSAGE)
//= spec#ADP-SIP-STREAM-FRAMING type=test
//= spec#ADP-SIP-MALFORMED-400 type=test
TEST_CASE(
    "ADP-SIP-STREAM-FRAMING: fuzz corpus: framer and parser take every stored stream under ASan "
    "and UBSan, split-invariant") {
  const Run r = run_stored_inputs();
  REQ("ADP-SIP-STREAM-FRAMING", (kAddressSanitizer && r.seeds >= 5));
  REQ("ADP-SIP-MALFORMED-400", (kAddressSanitizer && r.seeds >= 5));
}
#elif defined(FUZZ_TARGET_SIP_HEADERS)
//= spec#ADP-SIP-MALFORMED-400 type=test
TEST_CASE(
    "ADP-SIP-MALFORMED-400: fuzz corpus: every header parser takes every stored value under ASan "
    "and UBSan") {
  const Run r = run_stored_inputs();
  REQ("ADP-SIP-MALFORMED-400", (kAddressSanitizer && r.seeds >= 13));
}
#elif defined(FUZZ_TARGET_FLOW_TOKEN)
//= spec#5626-5.3-PC-403-BAD-TOKEN type=test
TEST_CASE(
    "5626-5.3-PC-403-BAD-TOKEN: fuzz corpus: flow-token decoding is total and exact on every "
    "stored input under ASan and UBSan") {
  const Run r = run_stored_inputs();
  REQ("5626-5.3-PC-403-BAD-TOKEN", (kAddressSanitizer && r.seeds >= 4));
}
#elif defined(FUZZ_TARGET_USERS)
//= spec#ADP-SIP-USERS-FILE type=test
TEST_CASE(
    "ADP-SIP-USERS-FILE: fuzz corpus: the users-file parser takes every stored file under ASan and "
    "UBSan") {
  const Run r = run_stored_inputs();
  REQ("ADP-SIP-USERS-FILE", (kAddressSanitizer && r.seeds >= 4));
}
#else
#error "define FUZZ_TARGET_<NAME> (tests/fuzz/BUILD.bazel)"
#endif
