// annexo traceability checker.
//
//   trace --root DIR            check the tree at DIR (exit 1 on any problem)
//   trace --root DIR --prune    also rewrite spec/pending.txt without the IDs
//                               that now have evidence (it only ever removes)
//   trace --root DIR --seed-pending
//                               write spec/pending.txt listing every shall /
//                               shall-not with no evidence and no exception
//                               (for bootstrapping a new spec only)
//   trace --root DIR --list-citations
//                               print every citation, one per line:
//                               ID TAB type TAB file TAB line TAB target
//                               (test case or proof property; used by
//                               tools/mutation to find a requirement's tests)
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>
#include <string>

#include "tools/trace/check.h"
#include "tools/trace/citations.h"
#include "tools/trace/spec.h"
#include "tools/trace/tps.h"

namespace fs = std::filesystem;
using namespace annexo::trace;

namespace {

int usage() {
  std::cerr << "usage: trace --root DIR [--prune | --seed-pending | --list-citations]\n";
  return 2;
}

void rewrite_pending(const fs::path& file, const std::set<std::string>& remove) {
  std::ifstream in(file);
  std::stringstream kept;
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream words(line.substr(0, line.find('#')));
    std::string id;
    if (words >> id && remove.count(id)) continue;
    kept << line << "\n";
  }
  in.close();
  std::ofstream(file) << kept.str();
}

}  // namespace

int main(int argc, char** argv) {
  std::string root;
  bool prune = false, seed = false, list = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--root" && i + 1 < argc) {
      root = argv[++i];
    } else if (a == "--prune") {
      prune = true;
    } else if (a == "--seed-pending") {
      seed = true;
    } else if (a == "--list-citations") {
      list = true;
    } else {
      return usage();
    }
  }
  if (const char* ws = std::getenv("BUILD_WORKSPACE_DIRECTORY"); root.empty() && ws) root = ws;
  if (root.empty() || (prune && seed)) return usage();

  const Spec spec = load_spec((fs::path(root) / "spec").string());
  const ScanResult scan = scan_tree(root, traced_dirs());

  if (list) {
    std::cout << citation_list(scan);
    return 0;
  }

  if (seed) {
    std::ofstream out(fs::path(root) / "spec" / "pending.txt");
    out << "# Normative requirements that have no test or proof evidence yet and no recorded\n"
           "# exception. Maintained by //tools/trace: this list only shrinks (an entry with\n"
           "# evidence is an error; `bazel run //tools/trace -- --prune` removes those).\n";
    std::size_t n = 0;
    for (const auto& r : spec.requirements) {
      if (r.normative() && r.exception.empty() && !has_evidence(scan, r.id)) {
        out << r.id << "\n";
        ++n;
      }
    }
    std::cout << "wrote " << n << " pending IDs\n";
    return 0;
  }

  const CheckResult result = check(spec, scan);
  if (prune && !result.prunable_pending.empty()) {
    rewrite_pending(
        fs::path(root) / "spec" / "pending.txt",
        std::set<std::string>(result.prunable_pending.begin(), result.prunable_pending.end()));
    std::cout << "removed " << result.prunable_pending.size() << " IDs from spec/pending.txt\n";
    const Spec again = load_spec((fs::path(root) / "spec").string());
    const CheckResult second = check(again, scan);
    for (const auto& e : second.errors) std::cerr << e << "\n";
    return second.errors.empty() ? 0 : 1;
  }
  for (const auto& e : result.errors) std::cerr << e << "\n";
  // The probe's test purposes, PICS and PIXIT (tools/trace/tps.h).
  const TpCheckResult tps = check_test_purposes(spec, (fs::path(root) / "spec").string());
  for (const auto& e : tps.errors) std::cerr << e << "\n";
  std::cout << "trace: " << tps.tps << " test purposes, " << tps.unobservable << " unobservable, "
            << tps.in_scope << " wire shall/shall-not in scope, " << tps.errors.size()
            << " problems\n";
  std::size_t normative = 0;
  for (const auto& r : spec.requirements) normative += r.normative() ? 1 : 0;
  std::cout << "trace: " << spec.requirements.size() << " requirements (" << normative
            << " shall/shall-not), " << spec.decisions.size() << " decisions, "
            << scan.citations.size() << " citations, " << scan.assertions.size()
            << " requirement assertions, " << spec.pending.size() << " pending, "
            << result.errors.size() << " problems\n";
  return result.errors.empty() && tps.errors.empty() ? 0 : 1;
}
