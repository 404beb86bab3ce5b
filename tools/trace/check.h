// The traceability rules (issue #2, section 3). A tree passes when:
//  - the spec is schema-valid (spec.h);
//  - every citation is well formed and cites an ID that exists in spec/;
//  - every requirement assertion with a literal ID (REQ, REQ_REQUIRE, RC_REQ,
//    annexo_req) names an ID that exists in spec/;
//  - test case names are unique across the repository (the report matches
//    test results by name);
//  - every shall / shall-not requirement has evidence (a test or proof
//    citation), or a recorded exception with a reason, or is on the explicit
//    pending list spec/pending.txt;
//  - the pending list only shrinks: an entry that has evidence, an exception,
//    is not normative or does not exist is an error.
#pragma once

#include <string>
#include <vector>

#include "tools/trace/citations.h"
#include "tools/trace/spec.h"

namespace annexo::trace {

// Directories scanned for citations, relative to the repository root.
const std::vector<std::string>& traced_dirs();

struct CheckResult {
  std::vector<std::string> errors;
  std::vector<std::string> prunable_pending;  // pending IDs that now have evidence
};

CheckResult check(const Spec& spec, const ScanResult& scan);

// True when the requirement has test or proof evidence cited somewhere.
bool has_evidence(const ScanResult& scan, const std::string& id);

}  // namespace annexo::trace
