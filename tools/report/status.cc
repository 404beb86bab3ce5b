#include "tools/report/status.h"

#include <algorithm>
#include <iomanip>
#include <set>
#include <sstream>

namespace annexo::report {

const std::vector<std::string> kStatusOrder = {
    "failing", "proved",      "tested",    "core-tested", "by-construction",
    "run",     "implemented", "exception", "informative", "missing"};

const std::vector<std::string> kLevelOrder = {"proof", "third-party",     "program",
                                              "core",  "by-construction", "live"};

const std::vector<std::string> kVariantOrder = {"botan", "tls-openssl", "asan", "asan-tls-openssl",
                                                "plain"};

namespace {

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

std::string quoted(const std::string& s) {
  return "\"" + s + "\"";
}

std::string join(const std::vector<std::string>& v, const std::string& sep) {
  std::string s;
  for (std::size_t i = 0; i < v.size(); ++i) s += (i ? sep : "") + v[i];
  return s;
}

}  // namespace

std::vector<Row> compute_rows(const trace::Spec& spec, const trace::ScanResult& scan,
                              const TestRun& tests, const ProofRun& proofs,
                              const LiveRun& liverun) {
  std::map<std::string, const ProofOutcome*> proof_by_name;
  for (const auto& p : proofs.properties) proof_by_name[p.name] = &p;

  // Assertions first: what each test case asserted and whether it held.
  std::map<std::string, std::vector<Credit>> credits;
  std::map<std::string, std::vector<std::string>> failing;
  for (const auto& [name, c] : tests.cases) {
    if (c.mayfail) continue;  // may-fail cases earn nothing
    const auto t = tests.targets.find(c.target);
    const bool crashed = t != tests.targets.end() && t->second.crashed();
    const std::string where = quoted(name) + " in " + c.target;
    for (const auto& id : c.held) {
      if (crashed) {
        failing[id].push_back("asserted by " + where + ", but the target " + t->second.why_not());
      } else if (!c.passed) {
        failing[id].push_back("asserted by " + where + ", which FAILED" +
                              (c.failure.empty() ? "" : ": " + c.failure));
      } else {
        credits[id].push_back({c.level, where, c.variant_label()});
      }
    }
    for (const auto& id : c.failed) {
      failing[id].push_back("assertion did not hold in " + where +
                            (c.failure.empty() ? "" : ": " + c.failure));
    }
  }

  std::vector<Row> rows;
  for (const auto& req : spec.requirements) {
    Row row;
    row.req = &req;
    row.failing = failing[req.id];
    row.tested = credits[req.id];
    {
      std::set<std::string> seen;
      for (const auto& c : row.tested) seen.insert(c.variant);
      for (const auto& v : kVariantOrder) {
        if (seen.erase(v)) row.variants.push_back(v);
      }
      row.variants.insert(row.variants.end(), seen.begin(), seen.end());
    }
    for (const auto& c : scan.citations) {
      if (c.id != req.id) continue;
      const std::string at = c.file + ":" + std::to_string(c.line);
      if (c.type == trace::CitationType::implementation) {
        row.implemented.push_back(at);
      } else if (c.type == trace::CitationType::test) {
        const auto it = tests.cases.find(c.target);
        if (it != tests.cases.end()) {
          const CaseResult& cr = it->second;
          const bool asserted = contains(cr.held, req.id) || contains(cr.failed, req.id);
          if (cr.mayfail) {
            row.cited_no_assertion.push_back(quoted(c.target) + " (" + at +
                                             ") is marked may-fail: it earns nothing");
          } else if (!asserted) {
            row.cited_no_assertion.push_back(quoted(c.target) + " (" + at + ") ran in " +
                                             cr.target + " but asserts nothing about " + req.id);
            // A failed citing case is shown even without an assertion.
            if (!cr.passed) {
              row.failing.push_back("cited by " + quoted(c.target) + " in " + cr.target +
                                    ", which FAILED" +
                                    (cr.failure.empty() ? "" : ": " + cr.failure));
            }
          }
          continue;
        }
        // The case is absent from this run's results: find out why from the
        // targets that build its file.
        const auto tf = tests.targets_of_file.find(c.file);
        if (tf == tests.targets_of_file.end()) {
          row.did_not_run.push_back(quoted(c.target) + " (" + at +
                                    "): no test target of this run builds " + c.file);
          continue;
        }
        std::vector<std::string> broke, absent;
        for (const auto& label : tf->second) {
          const auto tt = tests.targets.find(label);
          if (tt == tests.targets.end()) {
            absent.push_back(label + " did not run in this invocation");
            continue;
          }
          const TargetRun& tr = tt->second;
          const std::string why = tr.why_not();
          if (!tr.built || tr.crashed() || (tr.ran && tr.status != "PASSED")) {
            broke.push_back(label + " " + why);
          } else {
            absent.push_back(why.empty() ? "not among the results of " + label : label + " " + why);
          }
        }
        if (!broke.empty()) {
          row.failing.push_back("cited by " + quoted(c.target) + " (" + at +
                                "): " + join(broke, "; "));
        } else {
          row.did_not_run.push_back(quoted(c.target) + " (" + at + "): " + join(absent, "; "));
        }
      } else {
        const auto it = proof_by_name.find(c.target);
        const bool listed = it != proof_by_name.end() && contains(it->second->requirements, req.id);
        if (!listed) {
          row.did_not_run.push_back("proof " + quoted(c.target) + " (" + at +
                                    ") was not run for this ID");
        } else if (it->second->status == "proved") {
          std::ostringstream s;
          s << quoted(c.target) << " (" << std::fixed << std::setprecision(2) << it->second->seconds
            << " s)";
          if (it->second->basis != "by-construction") {  // induction or exhaustive
            row.proved.push_back(s.str() +
                                 (it->second->basis == "exhaustive" ? ", exhaustive" : ""));
          } else {
            row.by_construction.push_back(s.str() + ", over constant data");
          }
        } else {
          row.failing.push_back(
              "proof " + quoted(c.target) + " " + it->second->status +
              (it->second->counterexample.empty() ? "" : ": " + it->second->counterexample));
        }
      }
    }
    for (const auto& chk : liverun.checks) {
      if (chk.id != req.id) continue;
      // Which stack the programs ran (issue 14): a live result holds for it.
      const std::string live = "live loopback registration" +
                               (chk.stack.empty() ? std::string() : " [" + chk.stack + "]");
      if (!chk.passed) {
        row.failing.push_back(live + " FAILED: " + chk.observed);
      } else if (chk.counted) {
        row.run.push_back(live + ", observed at " + chk.observed_at + ": " + chk.observed);
      } else {
        row.not_counted.push_back(live + " (" +
                                  (chk.observed_at.empty() ? "own log" : chk.observed_at) +
                                  ", not counted): " + chk.observed);
      }
    }

    std::set<std::string> have;
    if (!row.proved.empty()) have.insert("proof");
    for (const auto& c : row.tested) have.insert(c.level);
    if (!row.by_construction.empty()) have.insert("by-construction");
    if (!row.run.empty()) have.insert("live");
    for (const auto& l : kLevelOrder) {
      if (have.count(l)) row.levels.push_back(l);
    }
    const bool peer_tested = have.count("third-party") || have.count("program");
    if (!row.failing.empty())
      row.status = "failing";
    else if (!row.proved.empty())
      row.status = "proved";
    else if (peer_tested || (have.count("core") && !req.wire))
      row.status = "tested";
    else if (have.count("core"))
      row.status = "core-tested";
    else if (!row.by_construction.empty())
      row.status = "by-construction";
    else if (!row.run.empty())
      row.status = "run";
    else if (!row.implemented.empty())
      row.status = "implemented";
    else if (!req.exception.empty())
      row.status = "exception";
    else if (req.modality == "informative")
      row.status = "informative";
    else
      row.status = "missing";
    rows.push_back(std::move(row));
  }
  return rows;
}

std::vector<std::string> evidence_problems(const trace::Spec& spec, const TestRun& tests,
                                           const LiveRun& live) {
  std::vector<std::string> out;
  for (const auto& [name, c] : tests.cases) {
    for (const auto* ids : {&c.held, &c.failed}) {
      for (const auto& id : *ids) {
        if (spec.find(id) == nullptr) {
          out.push_back("test case \"" + name + "\" (" + c.target + ") asserts " + id +
                        ", which does not exist in spec/");
        }
      }
    }
  }
  for (const auto& chk : live.checks) {
    if (spec.find(chk.id) == nullptr) {
      out.push_back("the live run checks " + chk.id + ", which does not exist in spec/");
    }
  }
  return out;
}

}  // namespace annexo::report
