// What happened in THIS run, and nothing older:
//  - test results from the Bazel invocation that tools/annexo ran, read from
//    its build event protocol file (--build_event_json_file): each test
//    target's status in that invocation, and only the test.xml files the
//    protocol names for it (never a walk of bazel-testlogs, which keeps the
//    files of earlier runs);
//  - the proof properties the report's own run of the prover decided;
//  - the live loopback registration of this run (its run id must match).
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

namespace annexo::report {

// One test case from a JUnit file written by tests/support/catch_main.cc or
// tests/support/testlib.sh.
struct CaseResult {
  std::string name;
  std::string file;    // source file of the case (workspace-relative)
  std::string level;   // core | program | third-party
  std::string target;  // the Bazel test target that ran it
  // The run it came from (issue 14): the suite's `variant` (a twin target's
  // ANNEXO_TEST_VARIANT: tls-openssl, asan; "" for the plain target) and
  // `tls_stack` (ANNEXO_TLS_STACK of a shell test: the stack the programs
  // ran; "" when the writer names none, e.g. a Catch2 binary).
  std::string variant;
  std::string tls_stack;
  bool passed = false;
  bool mayfail = false;             // [!mayfail] / [!shouldfail]: earns nothing
  std::string failure;              // first failure message, when it failed
  std::vector<std::string> held;    // requirements whose every assertion held
  std::vector<std::string> failed;  // requirements with an assertion that did not hold

  // The report's name for the run it came from (RD-220): the variant when there is
  // one, else the TLS stack it names (botan), else "plain".
  std::string variant_label() const {
    if (!variant.empty()) return variant;
    if (!tls_stack.empty()) return tls_stack;
    return "plain";
  }
};

// One test target's outcome in this Bazel invocation.
struct TargetRun {
  std::string label;
  std::vector<std::string> srcs;  // workspace-relative source files (from the target list)
  bool in_bep = false;            // the invocation said anything about it
  bool built = true;              // false: failed to build (targetCompleted without success)
  bool aborted = false;           // an aborted event names it
  std::string abort_reason;
  bool cached = false;  // a result served from a cache: not executed in this invocation
  bool ran = false;     // executed in this invocation (a fresh testResult)
  std::string status;   // PASSED, FAILED, TIMEOUT, FLAKY, NO_STATUS, ... (empty: none)
  std::vector<std::string> xml_files;  // test.xml files the invocation named (fresh results only)
  bool xml_annexo = false;             // at least one file written by annexo's writers
  bool xml_complete = true;            // every annexo file says complete="true"
  bool xml_has_failure = false;
  std::string exit_code;  // the testsuite's exit_code attribute, when given
  // Ran, but its binary or script died: status not PASSED while its results
  // record no failure, or a results file says complete="false".
  bool crashed() const {
    return ran && ((status != "PASSED" && !xml_has_failure) || !xml_complete);
  }
  // One phrase for the report: why this target gives no (or no good) evidence.
  std::string why_not() const;
};

struct TestRun {
  bool have_bep = false;
  std::map<std::string, TargetRun> targets;  // by label
  std::map<std::string, CaseResult> cases;   // by case name (unique, trace enforces)
  std::map<std::string, std::vector<std::string>> targets_of_file;  // source file -> labels
  int passed = 0, failed = 0;  // test targets, as Bazel's summary counts
};

// Reads the target list written by tools/annexo (tools/report/test_targets.py):
// one line per test target, "LABEL<TAB>FILE<TAB>FILE..." with the
// workspace-relative sources it compiles or runs (its own and its deps').
void read_targets(const std::string& path, TestRun& run, std::vector<std::string>& problems);

// Reads the build event protocol JSON file (one event per line) and every
// test.xml it names for a result executed in this invocation. A result served
// from a cache, or (with not_before_ms > 0) one whose attempt started before
// that time, counts as not run here.
void read_bep(const std::string& path, TestRun& run, std::vector<std::string>& problems,
              long long not_before_ms = 0);

// Parses one JUnit file (annexo's format) of `target`; exposed for the tests.
void read_junit_text(const std::string& xml, const std::string& target, TestRun& run,
                     std::vector<std::string>& problems);

struct ProofOutcome {
  std::string name;
  std::vector<std::string> requirements;
  std::string status;  // proved | refuted | unknown | error
  double seconds = 0;
  std::string counterexample;
  // induction: proved over the machine's reachable behaviour;
  // by-construction: a fact about constant data (a table), not behaviour.
  std::string basis = "induction";
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
// Reads the prover's JSON (exposed for the tests).
bool parse_proofs(const std::string& json_text, ProofRun& run, std::vector<std::string>& problems);

struct LiveCheck {
  std::string id;
  bool passed = false;
  std::string observed;
  // Counted only when observed at a peer (what the other program, a scripted
  // peer or a socket received, or an exit code): a program's own log line
  // about its own decision is not evidence.
  bool counted = false;
  std::string observed_at;
  // The TLS stack both programs ran in the run that made this check
  // (`--tls-stack`, issue 14): botan (TLS 1.2) or openssl (TLS 1.3 between
  // them). Empty in a file written before the live run named it.
  std::string stack;
};

struct LiveRun {
  bool ran = false;
  bool passed = false;
  std::string description;
  std::string run_id;
  long long started = 0;            // seconds since the epoch
  std::vector<std::string> stacks;  // the TLS stacks the live run ran, in order
  std::vector<LiveCheck> checks;
};

// Reads the JSON the live loopback registration writes (tools/live_run.sh).
// The file must carry `run_id` (the nonce tools/annexo generated for this
// run) and a `started` time no earlier than `not_before`; anything else is a
// stale file and is not read.
LiveRun read_live(const std::string& path, const std::string& run_id, long long not_before,
                  std::vector<std::string>& problems);

}  // namespace annexo::report
