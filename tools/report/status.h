// One status per requirement from the evidence of this build (the rules the
// report states at its top; README "Reading the report").
#pragma once

#include <map>
#include <string>
#include <vector>

#include "tools/report/evidence.h"
#include "tools/trace/citations.h"
#include "tools/trace/spec.h"

namespace annexo::report {

// Strongest first. "failing" outranks everything: a cited test that failed or
// a refuted proof is shown, never hidden behind other evidence.
extern const std::vector<std::string> kStatusOrder;

struct Row {
  const trace::Requirement* req;
  std::string status;
  std::vector<std::string> proved, tested, run, implemented, failing, unrun;
};

std::vector<Row> compute_rows(const trace::Spec& spec, const trace::ScanResult& scan,
                              const std::map<std::string, TestOutcome>& tests,
                              const ProofRun& proofs, const LiveRun& live);

}  // namespace annexo::report
