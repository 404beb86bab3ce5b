#include "tools/trace/check.h"

#include <map>
#include <set>

namespace annexo::trace {

const std::vector<std::string>& traced_dirs() {
  static const std::vector<std::string> dirs = {"core", "adapters", "proofs", "tests"};
  return dirs;
}

bool has_evidence(const ScanResult& scan, const std::string& id) {
  for (const auto& c : scan.citations) {
    if (c.id == id && c.type != CitationType::implementation) return true;
  }
  return false;
}

CheckResult check(const Spec& spec, const ScanResult& scan) {
  CheckResult r;
  r.errors = spec.errors;
  r.errors.insert(r.errors.end(), scan.errors.begin(), scan.errors.end());

  for (const auto& c : scan.citations) {
    if (spec.find(c.id) == nullptr) {
      r.errors.push_back(c.file + ":" + std::to_string(c.line) + ": cites " + c.id +
                         ", which does not exist in spec/");
    }
  }

  for (const auto& a : scan.assertions) {
    if (spec.find(a.id) == nullptr) {
      r.errors.push_back(a.file + ":" + std::to_string(a.line) + ": asserts " + a.id +
                         ", which does not exist in spec/");
    }
  }

  std::map<std::string, const TestCaseDecl*> names;
  for (const auto& t : scan.test_cases) {
    auto [it, fresh] = names.emplace(t.name, &t);
    if (!fresh) {
      r.errors.push_back(t.file + ":" + std::to_string(t.line) + ": test case name \"" + t.name +
                         "\" is also used at " + it->second->file + ":" +
                         std::to_string(it->second->line) + " (names must be unique)");
    }
  }

  std::set<std::string> pending;
  for (const auto& p : spec.pending) pending.insert(p.id);

  for (const auto& req : spec.requirements) {
    if (!req.normative()) continue;
    const bool evidence = has_evidence(scan, req.id);
    const bool excepted = !req.exception.empty();
    if (!evidence && !excepted && pending.count(req.id) == 0) {
      r.errors.push_back(req.file + ": " + req.id + " (" + req.modality +
                         ") has no test or proof evidence, no recorded exception, and is not on "
                         "spec/pending.txt");
    }
  }

  for (const auto& p : spec.pending) {
    const std::string where = "spec/pending.txt:" + std::to_string(p.line) + ": " + p.id;
    const Requirement* req = spec.find(p.id);
    if (req == nullptr) {
      r.errors.push_back(where + " does not exist in spec/");
    } else if (!req->normative()) {
      r.errors.push_back(where + " is '" + req->modality + "', not shall/shall-not: remove it");
    } else if (!req->exception.empty()) {
      r.errors.push_back(where + " has a recorded exception: remove it from the pending list");
    } else if (has_evidence(scan, p.id)) {
      r.errors.push_back(where + " now has evidence: remove it from the pending list (it shrinks)");
      r.prunable_pending.push_back(p.id);
    }
  }
  return r;
}

}  // namespace annexo::trace
