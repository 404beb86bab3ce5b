// Regression-run mode: runs the registered properties for a number of cases
// or minutes, with a progress line and a summary. See README.md.
//
//   bazel run -c opt //tests/property:soak -- --cases 1000000
//   bazel run -c opt //tests/property:soak -- --minutes 60 --seed 42
//   bazel run -c opt //tests/property:soak -- --property pcscf --cases 100000
//
// Cases are spread round-robin over the properties in batches; batch b of a
// run with master seed S uses seed S + b, so any failing batch is rerun alone
// with the printed `seed` line (RC_PARAMS or a regression file).
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <random>
#include <string>
#include <vector>

#include "tests/property/harness.h"

namespace {

void usage() {
  std::cerr << "usage: soak [--cases N | --minutes M | --each N | --ci] [--seed S] [--max-size Z]\n"
               "            [--batch B] [--property SUBSTRING]... [--keep-going] [--list]\n"
               "            [--regressions]\n"
               "  --each N       run every selected property once, N cases, seed S\n"
               "  --ci           run every selected property once at its CI size (the\n"
               "                 max_success and max_size property_test uses), seed S\n"
               "  --keep-going   do not stop at the first failing property\n";
}

}  // namespace

int main(int argc, char** argv) {
  using namespace annexo::prop;
  long long cases = 0;
  bool cases_given = false;
  double minutes = 0;
  std::uint64_t seed = std::random_device{}();
  seed = (seed << 32) ^ std::random_device{}();
  int max_size = 100;
  int batch = 1000;
  bool list = false;
  bool regressions = false;
  bool keep_going = false;
  long long each = 0;
  bool ci = false;
  std::vector<std::string> filters;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&]() -> const char* {
      if (i + 1 >= argc) {
        usage();
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--cases") {
      cases = std::atoll(next());
      cases_given = true;
    } else if (a == "--minutes") {
      minutes = std::atof(next());
    } else if (a == "--seed") {
      seed = std::strtoull(next(), nullptr, 10);
    } else if (a == "--max-size") {
      max_size = std::atoi(next());
    } else if (a == "--batch") {
      batch = std::atoi(next());
    } else if (a == "--property") {
      filters.push_back(next());
    } else if (a == "--each") {
      each = std::atoll(next());
    } else if (a == "--ci") {
      ci = true;
    } else if (a == "--keep-going") {
      keep_going = true;
    } else if (a == "--list") {
      list = true;
    } else if (a == "--regressions") {
      regressions = true;
    } else {
      usage();
      return 2;
    }
  }
  std::vector<const PropertyDef*> props;
  for (const auto& d : registry()) {
    bool keep = filters.empty();
    for (const auto& f : filters) keep = keep || d.key.find(f) != std::string::npos;
    if (keep) props.push_back(&d);
  }
  if (list) {
    for (const auto* d : props) std::cout << d->key << "\n";
    return 0;
  }
  if (props.empty()) {
    std::cerr << "soak: no property matches\n";
    return 2;
  }
  if (each > 0 || ci) {
    // One run per property: used by the mutant checks (which property catches what).
    int failed = 0;
    for (const auto* d : props) {
      RunParams p;
      p.seed = seed;
      p.max_success = ci ? d->ci_cases : static_cast<int>(each);
      p.max_size = ci ? d->ci_max_size : max_size;
      const Outcome o = run_property(*d, p);
      std::printf("%s %s %ld cases %.2f s\n", o.passed ? "passed:" : "FAILED:", d->key.c_str(),
                  o.cases, o.seconds);
      if (!o.passed) {
        ++failed;
        std::cerr << o.report;
        if (!keep_going) break;
      }
    }
    return failed == 0 ? 0 : 1;
  }

  int failures = 0;
  if (regressions) {
    for (const auto* d : props) {
      const Outcome o = run_regressions(d->key);
      if (!o.passed) {
        ++failures;
        std::cerr << o.report;
      }
    }
  }
  if (regressions && cases_given && cases == 0) {
    std::printf("soak summary: %s (stored regression cases only)\n",
                failures == 0 ? "PASSED" : "FAILED");
    return failures == 0 ? 0 : 1;
  }
  if (cases <= 0 && minutes <= 0) cases = 10000;
  if (batch < 1) batch = 1;

  std::cerr << "soak: " << props.size() << " properties, master seed " << seed << ", "
            << (cases > 0 ? std::to_string(cases) + " cases" : std::to_string(minutes) + " minutes")
            << ", max_size " << max_size << ", batch " << batch << "\n";
  const auto t0 = std::chrono::steady_clock::now();
  const auto deadline = t0 + std::chrono::duration<double>(minutes * 60.0);
  auto last_print = t0;
  long long done = 0, discards = 0;
  std::vector<long long> per_prop_cases(props.size(), 0);
  std::vector<double> per_prop_secs(props.size(), 0);
  std::uint64_t b = 0;
  bool stop = false;
  while (!stop) {
    for (std::size_t i = 0; i < props.size() && !stop; ++i, ++b) {
      RunParams p;
      p.seed = seed + b;
      p.max_size = max_size;
      p.max_success = batch;
      if (cases > 0 && cases - done < batch) p.max_success = static_cast<int>(cases - done);
      const long long base_done = done, base_disc = discards;
      const Outcome o = run_property(*props[i], p, [&](long c, long d) {
        const auto now = std::chrono::steady_clock::now();
        if (now - last_print > std::chrono::seconds(2)) {
          last_print = now;
          const double s = std::chrono::duration<double>(now - t0).count();
          std::fprintf(stderr, "\r[soak] %lld cases  %lld discards  %.0f s  %.0f cases/s  %s   ",
                       base_done + c, base_disc + d, s, (base_done + c) / (s > 0 ? s : 1),
                       props[i]->key.c_str());
          std::fflush(stderr);
        }
      });
      done += o.cases;
      discards += o.discards;
      per_prop_cases[i] += o.cases;
      per_prop_secs[i] += o.seconds;
      if (!o.passed) {
        ++failures;
        std::cerr << "\n" << o.report;
        if (!keep_going) stop = true;  // the shrunk counterexample and seed are printed above
      }
      if (cases > 0 && done >= cases) stop = true;
      if (minutes > 0 && std::chrono::steady_clock::now() >= deadline) stop = true;
    }
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::fprintf(stderr, "\n");
  std::printf("soak summary: %s\n", failures == 0 ? "PASSED" : "FAILED");
  std::printf("  master seed   %llu\n", static_cast<unsigned long long>(seed));
  std::printf("  cases         %lld\n", done);
  std::printf("  discards      %lld\n", discards);
  std::printf("  time          %.1f s\n", secs);
  std::printf("  rate          %.0f cases/s\n", done / (secs > 0 ? secs : 1));
  for (std::size_t i = 0; i < props.size(); ++i) {
    std::printf("  %-60s %10lld cases %8.0f cases/s\n", props[i]->key.c_str(), per_prop_cases[i],
                per_prop_cases[i] / (per_prop_secs[i] > 0 ? per_prop_secs[i] : 1));
  }
  return failures == 0 ? 0 : 1;
}
