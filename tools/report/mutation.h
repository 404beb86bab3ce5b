// Mutation-confirmed evidence: the results of `tools/mutate` (every mutant of
// the core and the adapters run against the tests citing the requirements it
// breaks; tools/mutation/README.md), read for the conformance report.
//
// The results live in a directory (tools/mutation/results, committed): one
// file per baseline target and per mutant, each keyed by a hash of exactly
// what it depends on (tools/mutation/freshness.py). read_mutation has
// `tools/mutation/mutate.py --verify` rehash them against --root (with the
// report's own scan of the citations) and credits only the current ones; a
// stale result is ignored with a note saying why, never credited.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <vector>

#include "tools/trace/citations.h"
#include "tools/trace/spec.h"

namespace annexo::report {

struct MutantRequirement {
  bool killed = false;
  std::vector<std::string> killed_by;     // "case (target)" or "target ended without ..."
  std::vector<std::string> not_credited;  // failed on the unmutated sources too
  int citing_cases = 0;
};

struct MutantResult {
  std::string name, kind, catalogue, file, description;
  std::string status;    // killed | partly-killed | survived | build-failed | no-tests
  std::string survives;  // the catalogue's reason a survivor is acceptable, if any
  std::vector<std::string> breaks;
  double seconds = 0, build_seconds = 0, test_seconds = 0;
  bool baseline_checked = false;
  std::map<std::string, MutantRequirement> requirements;
};

struct MutationRun {
  bool given = false;  // --mutation DIR was passed
  bool read = false;   // ... and its results could be checked against the sources
  std::string path;
  std::vector<MutantResult> mutants;  // the current ones only
  int stale_mutants = 0;              // results ignored: their key does not match the files
  int stale_baseline = 0;             // baseline entries ignored, same reason
};

// Reads the results directory DIR (empty: none given). `root` is the tree the
// report is about, `scan` its citations (they chose each mutant's tests).
MutationRun read_mutation(const std::string& path, const std::string& root,
                          const trace::ScanResult& scan, std::vector<std::string>& problems);

// Per requirement: "mutant: killed by ..." / "mutant: SURVIVED" lines.
struct RequirementMutation {
  std::vector<std::string> killed;    // mutant names whose run killed it for this requirement
  std::vector<std::string> survived;  // mutant names that break it and were not killed for it
  std::vector<std::string> evidence;  // one line per mutant, for people
};
std::map<std::string, RequirementMutation> mutation_by_requirement(const MutationRun& run);

struct MutationSummary {
  int normative_with_site = 0;                 // shall / shall-not with an implementation citation
  int with_killed = 0;                         // ... of which at least one mutant was killed for it
  std::vector<std::string> without_killed;     // the others
  std::vector<const MutantResult*> survivors;  // status other than killed
};
MutationSummary summarize_mutation(const MutationRun& run, const trace::Spec& spec,
                                   const trace::ScanResult& scan);

// The report's mutation section in its three forms.
void print_mutation(std::ostream& out, const MutationRun& run, const trace::Spec& spec,
                    const trace::ScanResult& scan);
void markdown_mutation(std::ostream& md, const MutationRun& run, const trace::Spec& spec,
                       const trace::ScanResult& scan);
nlohmann::json json_mutation(const MutationRun& run, const trace::Spec& spec,
                             const trace::ScanResult& scan);

}  // namespace annexo::report
