#include "tools/report/status.h"

#include <algorithm>
#include <iomanip>
#include <sstream>

namespace annexo::report {

const std::vector<std::string> kStatusOrder = {
    "failing", "proved", "tested", "run", "implemented", "exception", "informative", "missing"};

std::vector<Row> compute_rows(const trace::Spec& spec, const trace::ScanResult& scan,
                              const std::map<std::string, TestOutcome>& tests,
                              const ProofRun& proofs, const LiveRun& liverun) {
  std::map<std::string, const ProofOutcome*> proof_by_name;
  for (const auto& p : proofs.properties) proof_by_name[p.name] = &p;

  std::vector<Row> rows;
  for (const auto& req : spec.requirements) {
    Row row{&req, "", {}, {}, {}, {}, {}, {}};
    for (const auto& c : scan.citations) {
      if (c.id != req.id) continue;
      const std::string at = c.file + ":" + std::to_string(c.line);
      if (c.type == trace::CitationType::implementation) {
        row.implemented.push_back(at);
      } else if (c.type == trace::CitationType::test) {
        auto it = tests.find(c.target);
        if (it == tests.end()) {
          row.unrun.push_back("test \"" + c.target + "\" (" + at + ") did not run in this build");
        } else if (it->second.passed) {
          row.tested.push_back("\"" + c.target + "\" in " + it->second.target);
        } else {
          row.failing.push_back("test \"" + c.target + "\" FAILED in " + it->second.target +
                                (it->second.failure.empty() ? "" : ": " + it->second.failure));
        }
      } else {
        auto it = proof_by_name.find(c.target);
        const bool listed =
            it != proof_by_name.end() && std::count(it->second->requirements.begin(),
                                                    it->second->requirements.end(), req.id) > 0;
        if (!listed) {
          row.unrun.push_back("proof \"" + c.target + "\" (" + at + ") was not run for this ID");
        } else if (it->second->status == "proved") {
          std::ostringstream s;
          s << "\"" << c.target << "\" (" << std::fixed << std::setprecision(2)
            << it->second->seconds << " s)";
          row.proved.push_back(s.str());
        } else {
          row.failing.push_back(
              "proof \"" + c.target + "\" " + it->second->status +
              (it->second->counterexample.empty() ? "" : ": " + it->second->counterexample));
        }
      }
    }
    for (const auto& chk : liverun.checks) {
      if (chk.id != req.id) continue;
      if (chk.passed) {
        row.run.push_back("live loopback registration: " + chk.observed);
      } else {
        row.failing.push_back("live loopback registration FAILED: " + chk.observed);
      }
    }
    if (!row.failing.empty())
      row.status = "failing";
    else if (!row.proved.empty())
      row.status = "proved";
    else if (!row.tested.empty())
      row.status = "tested";
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

}  // namespace annexo::report
