// probe: runs annexo's conformance test purposes against a P-CSCF or UE
// under test (issue 13). See adapters/probe/runner.h.
//
//   probe --spec DIR --pics FILE --pixit FILE [--out DIR] [--tp ID[,ID...]]
//         [--skip-long] [--implemented-only] [--verbose] [--run-id ID]
//
// Exit 0 without fail or error, 1 with any, 2 on bad usage or bad input
// (each problem named "<file>:<line>: <key>: ...").
#include <sys/stat.h>

#include <filesystem>
#include <iostream>
#include <sstream>

#include "adapters/probe/outputs.h"
#include "adapters/probe/runner.h"

using namespace annexo::probe;

namespace {

const char kUsage[] =
    "usage: probe --spec DIR --pics FILE --pixit FILE [--out DIR] [--tp ID[,ID...]]\n"
    "             [--skip-long] [--implemented-only] [--verbose] [--run-id ID]\n";

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> v;
  std::stringstream in(s);
  for (std::string item; std::getline(in, item, ',');) {
    if (!item.empty()) v.push_back(item);
  }
  return v;
}

}  // namespace

int main(int argc, char** argv) {
  Options opt;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    const bool has_value = i + 1 < argc;
    if (a == "--spec" && has_value) {
      opt.spec_dir = argv[++i];
    } else if (a == "--pics" && has_value) {
      opt.pics_file = argv[++i];
    } else if (a == "--pixit" && has_value) {
      opt.pixit_file = argv[++i];
    } else if (a == "--out" && has_value) {
      opt.out_dir = argv[++i];
    } else if (a == "--tp" && has_value) {
      for (auto& id : split(argv[++i])) opt.only.push_back(id);
    } else if (a == "--skip-long") {
      opt.skip_long = true;
    } else if (a == "--implemented-only") {
      opt.implemented_only = true;
    } else if (a == "--run-id" && has_value) {
      opt.run_id = argv[++i];
    } else if (a == "--verbose") {
      opt.verbose = true;
    } else {
      std::cerr << "probe: unknown or incomplete argument " << a << "\n" << kUsage;
      return 2;
    }
  }
  if (opt.spec_dir.empty() || opt.pics_file.empty() || opt.pixit_file.empty()) {
    std::cerr << kUsage;
    return 2;
  }
  std::error_code ec;
  std::filesystem::create_directories(opt.out_dir, ec);
  if (ec) {
    std::cerr << "probe: cannot create " << opt.out_dir << ": " << ec.message() << "\n";
    return 2;
  }
  Run_Result run;
  std::vector<std::string> errors;
  if (run_probe(opt, all_implementations(), run, errors) != 0) {
    for (const auto& e : errors) std::cerr << e << "\n";
    return 2;
  }
  write_terminal_summary(run, std::cout);
  std::string error;
  if (!write_report_files(run, opt.out_dir, error)) {
    std::cerr << "probe: " << error << "\n";
    return 2;
  }
  std::cout << "probe: reports in " << opt.out_dir << "/probe-report.{md,json}, probe-junit.xml\n";
  return exit_status(run);
}
