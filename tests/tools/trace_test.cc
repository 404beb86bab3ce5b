// The traceability checker (//tools/trace) on three trees: a good one, a bad
// one with one of each problem (so the checker is shown to fail), and the
// repository itself.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "tools/trace/check.h"
#include "tools/trace/tps.h"

namespace fs = std::filesystem;
using namespace annexo::trace;

namespace {

CheckResult check_tree(const std::string& root) {
  return check(load_spec(root + "/spec"), scan_tree(root, traced_dirs()));
}

bool mentions(const std::vector<std::string>& errors, const std::string& a,
              const std::string& b = "") {
  return std::any_of(errors.begin(), errors.end(), [&](const std::string& e) {
    return e.find(a) != std::string::npos && e.find(b) != std::string::npos;
  });
}

std::string dump(const std::vector<std::string>& errors) {
  std::string s;
  for (const auto& e : errors) s += e + "\n";
  return s;
}

}  // namespace

TEST_CASE("trace: a good tree passes") {
  const auto r = check_tree("tests/tools/testdata/good");
  INFO(dump(r.errors));
  CHECK(r.errors.empty());
  const auto scan = scan_tree("tests/tools/testdata/good", traced_dirs());
  REQUIRE(scan.citations.size() == 7);  // core/, proofs/, tests/ in path order
  CHECK(scan.citations[1].type == CitationType::proof);
  CHECK(scan.citations[1].target == "x1-prop");
  CHECK(scan.citations[2].type == CitationType::test);
  CHECK(scan.citations[2].target == "X.1-UE-DO: the UE does it");
  // A name clang-format split into adjacent literals on the next lines.
  CHECK(scan.citations[3].target == "X.1-UE-DO: a long name split by clang-format");
  CHECK(scan.citations[4].target == "X.1-UE-DO: a name with a comment inside");
  CHECK(scan.citations[5].target == "X.1-UE-DO: a shell case");
  CHECK(scan.citations[5].file == "tests/thing_test.sh");
  CHECK(scan.citations[6].target == "X.1-UE-DO: a case with its own level");
  // Requirement assertions with literal IDs: REQ, REQ_REQUIRE across a line
  // break, RC_REQ, and annexo_req in shell (not the one given by a variable).
  REQUIRE(scan.assertions.size() == 4);
  CHECK(scan.assertions[0].id == "X.1-UE-DO");
  CHECK(scan.assertions[0].line == 2);
  CHECK(scan.assertions[1].id == "X.1-UE-DO");
  CHECK(scan.assertions[1].line == 7);
  CHECK(scan.assertions[2].id == "X.2-PC-LATER");
  CHECK(scan.assertions[3].id == "X.2-PC-LATER");
  CHECK(scan.assertions[3].file == "tests/thing_test.sh");
  CHECK(scan.assertions[3].line == 4);
  // The wire field: from the observable's class prefix, or explicit.
  const auto spec = load_spec("tests/tools/testdata/good/spec");
  CHECK(spec.find("X.1-UE-DO")->wire);
  CHECK_FALSE(spec.find("X.1-UE-DO")->wire_explicit);
  CHECK_FALSE(spec.find("X.2-PC-LATER")->wire);
  CHECK_FALSE(spec.find("X.4-INFO")->wire);
  CHECK(spec.find("X.4-INFO")->wire_explicit);
}

TEST_CASE("trace: the observable's class prefix decides whether a requirement is on the wire") {
  CHECK(wire_by_default("SIP: the REGISTER carries it") == true);
  CHECK(wire_by_default("HS/AL: alert 40") == true);
  CHECK(wire_by_default("CFG/ST: a setting") == false);
  CHECK(wire_by_default("NET/BT: both") == true);
  CHECK(wire_by_default("CFG.") == false);
  CHECK(wire_by_default("BT negative test: ...") == false);
  CHECK_FALSE(wire_by_default("Framer tests: every split").has_value());
  CHECK_FALSE(wire_by_default("None.").has_value());
  CHECK_FALSE(wire_by_default("").has_value());
}

TEST_CASE("trace: a bad tree fails, naming each problem") {
  const auto r = check_tree("tests/tools/testdata/bad");
  INFO(dump(r.errors));
  // spec schema
  CHECK(mentions(r.errors, "X.1-UE-DO", "duplicate id"));
  CHECK(mentions(r.errors, "X.7-BAD-FIELDS", "actor 'MME'"));
  CHECK(mentions(r.errors, "X.7-BAD-FIELDS", "modality 'must'"));
  CHECK(mentions(r.errors, "X.7-BAD-FIELDS", "provenance 'recollection'"));
  CHECK(mentions(r.errors, "X.7-BAD-FIELDS", "unknown field 'colour'"));
  CHECK(mentions(r.errors, "X.8-GUESS", "confidence R"));
  CHECK(mentions(r.errors, "X.8-GUESS", "decision RD-99 does not exist"));
  CHECK(mentions(r.errors, "RD-01", "requirement X.404-NOPE does not exist"));
  // the wire field: a boolean, and required on a free-text observable
  CHECK(mentions(r.errors, "X.7-BAD-FIELDS", "'wire' must be true or false"));
  CHECK(mentions(r.errors, "X.1-UE-DO", "observable has no class prefix"));
  // requirement assertions naming IDs that are not in spec/
  CHECK(mentions(r.errors, "tests/other_test.cc:1", "asserts X.404-ASSERTED"));
  CHECK(mentions(r.errors, "tests/thing_test.sh:1", "asserts X.405-SHELL"));
  // an exception without a reason
  CHECK(mentions(r.errors, "X.6-SHORT-EXCEPTION", "exception has no reason"));
  // a shall with no evidence, no exception, not pending
  CHECK(mentions(r.errors, "X.5-NO-EVIDENCE", "no test or proof evidence"));
  // citations
  CHECK(mentions(r.errors, "core/thing.h:1", "X.404-UNKNOWN, which does not exist"));
  CHECK(mentions(r.errors, "core/thing.h:2", "malformed citation after the ID"));
  CHECK(mentions(r.errors, "core/thing.h:3", "malformed citation"));
  CHECK(mentions(r.errors, "tests/thing_test.cc:3", "is also used at"));
  CHECK(mentions(r.errors, "tests/thing_test.cc:4", "not directly above a TEST_CASE"));
  CHECK(mentions(r.errors, "tests/thing_test.cc:6", "cites nothing"));
  // the pending list only shrinks
  CHECK(mentions(r.errors, "pending.txt:1: X.1-UE-DO", "now has evidence"));
  CHECK(mentions(r.errors, "pending.txt:2: X.8-GUESS", "not shall/shall-not"));
  CHECK(mentions(r.errors, "pending.txt:3: X.404-NOPE", "does not exist"));
  CHECK(r.prunable_pending == std::vector<std::string>{"X.1-UE-DO"});
}

TEST_CASE("trace: the annexo repository passes its own traceability rules") {
  // The spec files are runfiles linked to the source tree; the tree itself is
  // found through them, so the whole repository is checked as it is now (the
  // target is tagged "external": never cached).
  const fs::path spec_file = fs::canonical("spec/decisions.toml");
  const std::string root = spec_file.parent_path().parent_path().string();
  const auto r = check_tree(root);
  INFO("root: " << root << "\n" << dump(r.errors));
  CHECK(r.errors.empty());
  const auto spec = load_spec(root + "/spec");
  CHECK(spec.requirements.size() >= 129);
}

TEST_CASE("trace: test purposes of a bad tree, each problem named") {
  const std::string root = "tests/tools/testdata/tps/spec";
  const auto r = check_test_purposes(load_spec(root), root);
  INFO(dump(r.errors));
  const std::vector<std::string> want = {
      "spec/test_purposes/pcscf.toml:1: TP_PC_SIP_001.requirements: 'O.4.9-NOPE' does not exist "
      "in spec/",
      "spec/test_purposes/pcscf.toml:1: TP_PC_SIP_001.requirements: 'O.4.9-UE-ONLY' is a "
      "requirement on the UE, not on the IUT's role pcscf",
      "spec/test_purposes/pcscf.toml:14: O.4.9-PC-COVERED: is checked by TP_PC_SIP_001: remove "
      "the unobservable entry",
      "spec/test_purposes/pcscf.toml:18: O.4.9-GONE: does not exist in spec/",
      "spec/test_purposes/pcscf.toml:26: O.4.9-PC-INTERNAL: listed twice (also at "
      "spec/test_purposes/pcscf.toml:22)",
      "spec/requirements/o4.toml: O.4.9-PC-UNCOVERED (shall-not) is observable on the wire but "
      "no test purpose checks it and spec/test_purposes has no [[unobservable]] reason for it",
      "spec/probe/x.pics.toml:1: pics.PICS_A: missing (asked of role pcscf)",
      "spec/probe/x.pixit.toml:1: probe: missing table [probe]",
      "spec/probe/x.pixit.toml:2: iut.role: 'ue' but spec/probe/x.pics.toml has PICS_ROLE = "
      "'pcscf'",
  };
  for (const auto& w : want) {
    INFO(w);
    CHECK(std::find(r.errors.begin(), r.errors.end(), w) != r.errors.end());
  }
  // (x.pixit.toml also misses [users], [[user]], [unregistered], [timers].)
  CHECK(r.in_scope == 2);  // COVERED and UNCOVERED; INTERNAL is not on the wire
  CHECK(r.tps == 1);
  CHECK(r.pics_files == 1);
  CHECK(r.pixit_files == 1);
}

TEST_CASE("trace: annexo's test purposes, PICS and PIXIT pass the checker") {
  const fs::path spec_file = fs::canonical("spec/decisions.toml");
  const std::string root = spec_file.parent_path().parent_path().string();
  const auto spec = load_spec(root + "/spec");
  const auto r = check_test_purposes(spec, root + "/spec");
  INFO("root: " << root << "\n" << dump(r.errors));
  CHECK(r.errors.empty());
  CHECK(r.tps >= 80);
  CHECK(r.in_scope >= 70);
  CHECK(r.pics_files >= 3);  // the example and annexo's pcscf and ue
  CHECK(r.pixit_files >= 3);
}
