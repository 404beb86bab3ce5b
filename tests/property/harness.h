// The property harness: one registry of named RapidCheck properties, run
// three ways with the same code:
//   - by the Catch2 test cases (property_test.cc): CI-sized, RC_PARAMS honoured,
//     plus every regression case stored under tests/property/regressions/;
//   - by the regression-run mode (soak_main.cc): many cases or minutes, with a
//     progress line and a summary;
//   - by the mutant checks (mutant_test.cc): the same properties against a
//     deliberately broken core must fail.
// Every failure prints the seed, the shrunk counterexample and a RapidCheck
// `reproduce` string, plus the line to append to the property's regression file.
#pragma once

#include <rapidcheck.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace annexo::prop {

// Choices drawn at RapidCheck's nominal size (issue 11). rc::gen::inRange
// and rc::gen::arbitrary narrow their range with the generation size
// (scaleInteger: (max - min - 1) * size / 100, rounded), so a choice drawn
// under resize(3..12) or at a small CI max_size kept to its first values:
// every IMPU was the same 1-byte "s", every registration listed sip:alice
// only, the extension bits never set SNI (tests/property/README.md,
// "Mutants"). Use these for an index, a position, a flag set or a code;
// keep the size-scaled generators for magnitudes meant to grow with the
// size (times, lengths). `uniform(min, max)` is [min, max).
template <typename T>
rc::Gen<T> uniform(T min, T max) {
  return rc::gen::resize(rc::kNominalSize, rc::gen::inRange<T>(min, max));
}
template <typename T>
rc::Gen<T> any() {
  return rc::gen::resize(rc::kNominalSize, rc::gen::arbitrary<T>());
}

struct PropertyDef {
  std::string key;                             // regression file: regressions/<key>.txt
  std::function<rc::detail::Property()> make;  // builds the RapidCheck property
  int ci_cases;                                // default max_success in the test suite
  int ci_max_size;                             // default max_size in the test suite
};

std::vector<PropertyDef>& registry();
const PropertyDef* find_property(const std::string& key);

struct Registrar {
  Registrar(const char* key, int ci_cases, int ci_max_size,
            std::function<rc::detail::Property()> make);
};

#define ANNEXO_PROP_CAT2(a, b) a##b
#define ANNEXO_PROP_CAT(a, b) ANNEXO_PROP_CAT2(a, b)
// ANNEXO_PROPERTY("key", ci_cases, ci_max_size, [] (args...) { ... });
#define ANNEXO_PROPERTY(key, ci_cases, ci_max_size, ...)                          \
  static const ::annexo::prop::Registrar ANNEXO_PROP_CAT(annexo_prop_, __LINE__)( \
      key, ci_cases, ci_max_size, [] { return ::rc::detail::toProperty(__VA_ARGS__); })

struct Outcome {
  bool passed = true;
  long cases = 0;     // successful cases
  long discards = 0;  // discarded cases
  double seconds = 0;
  std::uint64_t seed = 0;
  std::string report;  // failure text: seed, counterexample, reproduce string
};

struct RunParams {
  std::uint64_t seed = 0;
  int max_success = 100;
  int max_size = 100;
  std::string reproduce;  // RapidCheck reproduce string (empty: none)
};

// One run of a property with explicit parameters. `progress` (optional) is
// called after every case with (successes, discards).
Outcome run_property(const PropertyDef& def, const RunParams& p,
                     const std::function<void(long, long)>& progress = {});

// CI run: RC_PARAMS seed / max_success / max_size / reproduce honoured, CI
// defaults otherwise (seed random, printed).
Outcome run_ci(const std::string& key);

// Every regression case stored for `key` (regressions/<key>.txt). A missing
// file means no regressions. A malformed line is a failure, never skipped.
Outcome run_regressions(const std::string& key);

// Where regression files are read from (runfiles, or $ANNEXO_PROPERTY_REGRESSIONS).
std::string regressions_path(const std::string& key);

}  // namespace annexo::prop
