// The conformance report's status rules: nothing is "tested" or "proved" on
// the strength of a comment alone, and failing evidence is never hidden.
#include <catch2/catch.hpp>

#include <string>

#include "tools/report/evidence.h"
#include "tools/report/status.h"
#include "tools/trace/check.h"

using namespace annexo;

namespace {

const char* kRoot = "tests/tools/testdata/good";

std::string status_of(const std::vector<report::Row>& rows, const std::string& id) {
  for (const auto& r : rows) {
    if (r.req->id == id) return r.status;
  }
  return "<absent>";
}

report::ProofRun proof_run(const std::string& status, std::vector<std::string> reqs) {
  report::ProofRun run;
  run.ran = true;
  run.properties.push_back({"x1-prop", std::move(reqs), status, 0.5, "e1; e2"});
  return run;
}

}  // namespace

TEST_CASE("report: a cited test that did not run leaves the requirement only implemented") {
  const auto spec = trace::load_spec(std::string(kRoot) + "/spec");
  const auto scan = trace::scan_tree(kRoot, trace::traced_dirs());
  const auto rows = report::compute_rows(spec, scan, {}, {}, {});
  CHECK(status_of(rows, "X.1-UE-DO") == "implemented");
  CHECK(status_of(rows, "X.2-PC-LATER") == "missing");
  CHECK(status_of(rows, "X.3-OUT") == "exception");
  CHECK(status_of(rows, "X.4-INFO") == "informative");
}

TEST_CASE("report: test results are read from JUnit files and decide tested or failing") {
  std::vector<std::string> problems;
  const auto results = report::read_test_results("tests/tools/testdata/testlogs", problems);
  REQUIRE(results.size() == 3);
  CHECK(results.at("X.1-UE-DO: the UE does it").passed);
  CHECK(results.at("X.1-UE-DO: the UE does it").target == "//tests/x:x_test");
  CHECK(results.at("a & b <c>").passed);
  CHECK_FALSE(results.at("broken").passed);
  CHECK(results.at("broken").failure == "x.cc:3: REQUIRE( a == b )");

  const auto spec = trace::load_spec(std::string(kRoot) + "/spec");
  const auto scan = trace::scan_tree(kRoot, trace::traced_dirs());
  CHECK(status_of(report::compute_rows(spec, scan, results, {}, {}), "X.1-UE-DO") == "tested");

  auto failed = results;
  failed.at("X.1-UE-DO: the UE does it").passed = false;
  CHECK(status_of(report::compute_rows(spec, scan, failed, {}, {}), "X.1-UE-DO") == "failing");

  std::vector<std::string> none;
  CHECK(report::read_test_results("tests/tools/testdata/no-such-dir", none).empty());
  CHECK(none.size() == 1);
}

TEST_CASE("report: proved needs the proof run to list the requirement, refuted is failing") {
  const auto spec = trace::load_spec(std::string(kRoot) + "/spec");
  const auto scan = trace::scan_tree(kRoot, trace::traced_dirs());
  CHECK(status_of(report::compute_rows(spec, scan, {}, proof_run("proved", {"X.1-UE-DO"}), {}),
                  "X.1-UE-DO") == "proved");
  // The property ran but does not claim this requirement: not proved.
  CHECK(status_of(report::compute_rows(spec, scan, {}, proof_run("proved", {"X.2-PC-LATER"}), {}),
                  "X.1-UE-DO") == "implemented");
  const auto refuted =
      report::compute_rows(spec, scan, {}, proof_run("refuted", {"X.1-UE-DO"}), {});
  CHECK(status_of(refuted, "X.1-UE-DO") == "failing");
}

TEST_CASE("report: the live run marks requirements run, and a failed check failing") {
  const auto spec = trace::load_spec(std::string(kRoot) + "/spec");
  const auto scan = trace::scan_tree(kRoot, trace::traced_dirs());
  report::LiveRun live;
  live.ran = true;
  live.passed = true;
  live.checks.push_back({"X.2-PC-LATER", true, "binding created"});
  CHECK(status_of(report::compute_rows(spec, scan, {}, {}, live), "X.2-PC-LATER") == "run");
  live.checks[0].passed = false;
  CHECK(status_of(report::compute_rows(spec, scan, {}, {}, live), "X.2-PC-LATER") == "failing");
}
