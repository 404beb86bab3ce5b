// What happened in this build: which test cases ran green (from the JUnit
// files Bazel keeps in bazel-testlogs), which proof properties the report's
// own proof run proved, and what the live loopback registration exercised.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace annexo::report {

struct TestOutcome {
  bool passed = false;
  std::string target;   // the Bazel test target, from the testlogs path
  std::string failure;  // first failure message, when it failed
};

// Walks <testlogs>/**/test.xml. Test case names are unique across the repo
// (the traceability checker enforces it).
std::map<std::string, TestOutcome> read_test_results(const std::string& testlogs,
                                                     std::vector<std::string>& problems);

struct ProofOutcome {
  std::string name;
  std::vector<std::string> requirements;
  std::string status;  // proved | refuted | unknown | error
  double seconds = 0;
  std::string counterexample;
};

struct MutantOutcome {
  std::string name;
  bool caught = false;
  std::vector<std::string> refuted_by;
};

struct ProofRun {
  bool ran = false;
  int exit_code = -1;
  double seconds = 0;
  std::vector<ProofOutcome> properties;
  std::vector<MutantOutcome> mutants;
};

// Runs `<prove_binary> --json <tmpfile>` and reads the file.
ProofRun run_proofs(const std::string& prove_binary, std::vector<std::string>& problems);

struct LiveCheck {
  std::string id;
  bool passed = false;
  std::string observed;
};

struct LiveRun {
  bool ran = false;
  bool passed = false;
  std::string description;
  std::vector<LiveCheck> checks;
};

// Reads the JSON the live loopback registration writes (tools/live_run.sh).
LiveRun read_live(const std::string& path, std::vector<std::string>& problems);

}  // namespace annexo::report
