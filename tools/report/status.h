// One status per requirement from the evidence of this run (the rules the
// report states at its top; README "Reading the report").
#pragma once

#include <map>
#include <string>
#include <vector>

#include "tools/report/evidence.h"
#include "tools/trace/citations.h"
#include "tools/trace/spec.h"

namespace annexo::report {

// Strongest first. "failing" outranks everything: a failed assertion, a
// crashed or unbuilt test target, or a refuted proof is shown, never hidden
// behind other evidence.
//   proved          a Z3 property over the machines' behaviour (basis induction)
//   tested          a held assertion at program or third-party level, or at
//                   core level for a requirement that is not on the wire
//   core-tested     only core-level (unit/property) assertions, for a
//                   requirement whose observable is on the wire
//   by-construction a proof over constant data (basis by-construction)
//   run             a peer-observed check of the live loopback registration
extern const std::vector<std::string> kStatusOrder;

// Evidence levels, strongest first: proof (Z3, induction), third-party (a peer
// nobody here wrote), program (annexo's own programs on loopback), core
// (unit/property tests), by-construction (a proof over constant data), live
// (the live loopback registration, peer-observed checks only).
extern const std::vector<std::string> kLevelOrder;

struct Credit {
  std::string level;    // third-party | program | core
  std::string what;     // "case" in //target
  std::string variant;  // CaseResult::variant_label(): botan, tls-openssl, asan, plain
};

// The variants whose cases credited a requirement, in this order, then any
// other variant alphabetically.
extern const std::vector<std::string> kVariantOrder;

struct Row {
  const trace::Requirement* req = nullptr;
  std::string status;
  std::vector<std::string> levels;  // levels backing it (non-failing evidence), strongest first
  std::vector<std::string> proved, by_construction;
  std::vector<Credit> tested;
  std::vector<std::string> variants;  // distinct Credit::variant of `tested` (kVariantOrder)
  std::vector<std::string> run, implemented, failing;
  std::vector<std::string> cited_no_assertion;  // cited by a case that asserts nothing about it
  std::vector<std::string> did_not_run;         // a citing case or its target did not run here
  std::vector<std::string> not_counted;         // live checks read from a program's own log

  // The strongest level backing the requirement ("" when none).
  std::string strongest_level() const { return levels.empty() ? "" : levels.front(); }
};

std::vector<Row> compute_rows(const trace::Spec& spec, const trace::ScanResult& scan,
                              const TestRun& tests, const ProofRun& proofs, const LiveRun& live);

// Problems with the evidence itself: requirement IDs asserted by test cases
// or checked by the live run that are not in spec/.
std::vector<std::string> evidence_problems(const trace::Spec& spec, const TestRun& tests,
                                           const LiveRun& live);

}  // namespace annexo::report
