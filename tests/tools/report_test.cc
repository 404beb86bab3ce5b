// The conformance report's status rules: a test case credits a requirement
// only through an assertion that ran and held in THIS run (its Bazel
// invocation's build events name the results), evidence levels decide tested
// versus core-tested for requirements on the wire, proofs over constant data
// are by-construction, a stale live file is never read, and failing evidence
// (failed assertion, crashed or unbuilt target) is never hidden.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "tools/report/evidence.h"
#include "tools/report/status.h"
#include "tools/trace/check.h"

namespace fs = std::filesystem;
using namespace annexo;

namespace {

const char* kRoot = "tests/tools/testdata/good";
const char* kRun = "tests/tools/testdata/run";

const report::Row& row_of(const std::vector<report::Row>& rows, const std::string& id) {
  for (const auto& r : rows) {
    if (r.req->id == id) return r;
  }
  FAIL("no row " << id);
  return rows.front();
}

std::string status_of(const std::vector<report::Row>& rows, const std::string& id) {
  return row_of(rows, id).status;
}

bool any_has(const std::vector<std::string>& v, const std::string& a, const std::string& b = "") {
  return std::any_of(v.begin(), v.end(), [&](const std::string& s) {
    return s.find(a) != std::string::npos && s.find(b) != std::string::npos;
  });
}

std::string dump(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& e : v) s += e + "\n";
  return s;
}

// The fixture's build event file with @DIR@ made this directory's absolute
// path (build events name results by absolute file:// URIs).
std::string bep_fixture(const std::string& name) {
  std::ifstream in(std::string(kRun) + "/" + name);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  const std::string dir = fs::absolute(kRun).string();
  for (std::size_t p = 0; (p = text.find("@DIR@", p)) != std::string::npos; p += dir.size()) {
    text.replace(p, 5, dir);
  }
  const char* tmp = std::getenv("TEST_TMPDIR");
  const fs::path out = fs::path(tmp ? tmp : "/tmp") / name;
  std::ofstream(out) << text;
  return out.string();
}

report::TestRun test_run(const std::string& bep, std::vector<std::string>& problems) {
  report::TestRun run;
  report::read_targets(std::string(kRun) + "/targets.tsv", run, problems);
  report::read_bep(bep_fixture(bep), run, problems);
  return run;
}

struct Tree {
  trace::Spec spec = trace::load_spec(std::string(kRoot) + "/spec");
  trace::ScanResult scan = trace::scan_tree(kRoot, trace::traced_dirs());
};

report::ProofRun proof_run(const std::string& status, std::vector<std::string> reqs,
                           const std::string& basis = "induction") {
  report::ProofRun run;
  run.ran = true;
  report::ProofOutcome p;
  p.name = "x1-prop";
  p.requirements = std::move(reqs);
  p.status = status;
  p.seconds = 0.5;
  p.counterexample = "e1; e2";
  p.basis = basis;
  run.properties.push_back(p);
  return run;
}

}  // namespace

TEST_CASE("report: with no results, cited tests did not run and earn nothing") {
  const Tree t;
  const auto rows = report::compute_rows(t.spec, t.scan, {}, {}, {});
  CHECK(status_of(rows, "X.1-UE-DO") == "implemented");
  CHECK(row_of(rows, "X.1-UE-DO").did_not_run.size() == 6);  // 5 cases, 1 proof
  CHECK(status_of(rows, "X.2-PC-LATER") == "missing");
  CHECK(status_of(rows, "X.3-OUT") == "exception");
  CHECK(status_of(rows, "X.4-INFO") == "informative");
}

TEST_CASE("report: JUnit cases give held and failed requirements, level, file and may-fail") {
  std::vector<std::string> problems;
  report::TestRun run;
  std::ifstream in(std::string(kRun) + "/thing_test.xml");
  std::stringstream ss;
  ss << in.rdbuf();
  report::read_junit_text(ss.str(), "//tests:thing_test", run, problems);
  REQUIRE(run.cases.size() == 5);
  const auto& c = run.cases.at("X.1-UE-DO: the UE does it");
  CHECK(c.passed);
  CHECK(c.file == "tests/thing_test.cc");
  CHECK(c.level == "core");
  CHECK(c.target == "//tests:thing_test");
  CHECK(c.held == std::vector<std::string>{"X.1-UE-DO"});
  CHECK(run.cases.at("X.1-UE-DO: a long name split by clang-format").held.empty());
  CHECK(run.cases.at("X.1-UE-DO: a name with a comment inside").mayfail);
  CHECK_FALSE(run.cases.at("X.1-UE-DO: a name with a comment inside").passed);
  CHECK(run.cases.count("the P-CSCF does not & <never>") == 1);
  CHECK(run.targets.at("//tests:thing_test").xml_complete);
  // Its only failure is the may-fail case's: that does not explain a failed
  // status, so a FAILED status would make the target crashed.
  CHECK_FALSE(run.targets.at("//tests:thing_test").xml_has_failure);
  run.targets.at("//tests:thing_test").ran = true;
  run.targets.at("//tests:thing_test").status = "FAILED";
  CHECK(run.targets.at("//tests:thing_test").crashed());

  std::ifstream in2(std::string(kRun) + "/thing_sh_failed.xml");
  std::stringstream ss2;
  ss2 << in2.rdbuf();
  report::read_junit_text(ss2.str(), "//tests:thing_sh_test", run, problems);
  const auto& s = run.cases.at("X.1-UE-DO: a shell case");
  CHECK(s.level == "third-party");  // the case's own level wins over the suite's
  CHECK(s.failed == std::vector<std::string>{"X.1-UE-DO"});
  CHECK(s.held.empty());
  CHECK_FALSE(s.passed);
  CHECK(s.failure == "exit 1: requirement X.1-UE-DO not met");

  // Bazel's own file (a binary that wrote none) credits nothing.
  report::TestRun bazel;
  report::read_junit_text(
      "<testsuites><testsuite name=\"t\" tests=\"1\"><testcase name=\"t\" status=\"run\">"
      "</testcase></testsuite></testsuites>",
      "//t:t", bazel, problems);
  CHECK(bazel.cases.empty());
  CHECK_FALSE(bazel.targets.at("//t:t").xml_annexo);
}

TEST_CASE("report: only held assertions of this invocation's fresh results credit") {
  const Tree t;
  std::vector<std::string> problems;
  const auto run = test_run("bep_ok.json", problems);
  INFO(dump(problems));
  CHECK(problems.empty());
  const auto rows = report::compute_rows(t.spec, t.scan, run, {}, {});

  // Asserted in a core case and a program case: tested, both levels shown.
  const auto& x1 = row_of(rows, "X.1-UE-DO");
  CHECK(x1.status == "tested");
  CHECK(x1.levels == std::vector<std::string>{"program", "core"});
  REQUIRE(x1.tested.size() == 2);
  // A case that cites without asserting earns nothing and is listed; a may-fail
  // case earns nothing and its failure does not make the requirement failing.
  CHECK(any_has(x1.cited_no_assertion, "a long name split by clang-format", "asserts nothing"));
  CHECK(any_has(x1.cited_no_assertion, "a name with a comment inside", "may-fail"));
  CHECK(x1.failing.empty());

  // Not on the wire: core evidence is enough for tested.
  CHECK(status_of(rows, "X.2-PC-LATER") == "tested");
  CHECK(row_of(rows, "X.2-PC-LATER").levels == std::vector<std::string>{"core"});

  // A cached result is an earlier run's: its file is not read, its case not credited.
  CHECK(status_of(rows, "X.3-OUT") == "exception");
  CHECK(run.cases.count("an old green result") == 0);
  CHECK(run.targets.at("//tests:cached_test").cached);
  CHECK(run.targets.at("//tests:cached_test").why_not().find("cache") != std::string::npos);
  // Listed but absent from the build events: did not run.
  CHECK(run.targets.at("//tests:absent_test").why_not() == "did not run in this invocation");
  CHECK(run.passed == 2);
  CHECK(run.failed == 3);  // cached, crash_test and absent_test did not run here

  // An asserted ID that is not in spec/ is a problem.
  const auto ev = report::evidence_problems(t.spec, run, {});
  CHECK(any_has(ev, "X.9-NOT-IN-SPEC", "does not exist"));
}

TEST_CASE("report: a result whose attempt started before this run is not read") {
  std::vector<std::string> problems;
  report::TestRun before, after;
  report::read_bep(bep_fixture("bep_ok.json"), before, problems, 4000);
  CHECK(before.targets.at("//tests:thing_test").ran);
  CHECK(before.cases.size() == 6);
  report::read_bep(bep_fixture("bep_ok.json"), after, problems, 6000);
  CHECK_FALSE(after.targets.at("//tests:thing_test").ran);
  CHECK(after.targets.at("//tests:thing_test").cached);
  CHECK(after.cases.empty());
  CHECK(after.passed == 0);
}

TEST_CASE("report: a wire requirement with core evidence only is core-tested") {
  const Tree t;
  std::vector<std::string> problems;
  const auto run = test_run("bep_core.json", problems);
  const auto rows = report::compute_rows(t.spec, t.scan, run, {}, {});
  const auto& x1 = row_of(rows, "X.1-UE-DO");
  CHECK(t.spec.find("X.1-UE-DO")->wire);
  CHECK(x1.status == "core-tested");
  CHECK(x1.levels == std::vector<std::string>{"core"});
  // The shell case's target is absent from this invocation.
  CHECK(any_has(x1.did_not_run, "a shell case", "did not run in this invocation"));
}

TEST_CASE("report: a target that did not build or crashed makes its requirements failing") {
  const Tree t;
  std::vector<std::string> problems;
  const auto run = test_run("bep_bad.json", problems);
  CHECK_FALSE(run.targets.at("//tests:thing_sh_test").built);
  CHECK(run.targets.at("//tests:crash_test").crashed());
  CHECK_FALSE(run.targets.at("//tests:thing_test").crashed());
  const auto rows = report::compute_rows(t.spec, t.scan, run, {}, {});
  // X.1 held in a passing core case, but a citing target did not build.
  const auto& x1 = row_of(rows, "X.1-UE-DO");
  CHECK(x1.status == "failing");
  CHECK(any_has(x1.failing, "//tests:thing_sh_test", "did not build"));
  // X.2 held in a passing case of a binary that then died (complete="false").
  const auto& x2 = row_of(rows, "X.2-PC-LATER");
  CHECK(x2.status == "failing");
  CHECK(any_has(x2.failing, "//tests:crash_test", "crashed"));
}

TEST_CASE("report: a failed requirement assertion is failing") {
  const Tree t;
  std::vector<std::string> problems;
  const auto run = test_run("bep_failed.json", problems);
  const auto rows = report::compute_rows(t.spec, t.scan, run, {}, {});
  const auto& x1 = row_of(rows, "X.1-UE-DO");
  CHECK(x1.status == "failing");
  CHECK(any_has(x1.failing, "did not hold", "a shell case"));
  CHECK(run.targets.at("//tests:thing_sh_test").why_not() == "status FAILED");
}

TEST_CASE("report: proved needs an induction proof listing the requirement") {
  const Tree t;
  CHECK(status_of(report::compute_rows(t.spec, t.scan, {}, proof_run("proved", {"X.1-UE-DO"}), {}),
                  "X.1-UE-DO") == "proved");
  // The property ran but does not claim this requirement: not proved.
  CHECK(
      status_of(report::compute_rows(t.spec, t.scan, {}, proof_run("proved", {"X.2-PC-LATER"}), {}),
                "X.1-UE-DO") == "implemented");
  CHECK(status_of(report::compute_rows(t.spec, t.scan, {}, proof_run("refuted", {"X.1-UE-DO"}), {}),
                  "X.1-UE-DO") == "failing");
  // A proof over constant data is by construction, never proved.
  const auto bc = report::compute_rows(t.spec, t.scan, {},
                                       proof_run("proved", {"X.1-UE-DO"}, "by-construction"), {});
  CHECK(status_of(bc, "X.1-UE-DO") == "by-construction");
  CHECK(row_of(bc, "X.1-UE-DO").levels == std::vector<std::string>{"by-construction"});
}

TEST_CASE("report: the prover's basis field is read, a missing one is induction") {
  std::vector<std::string> problems;
  report::ProofRun run;
  std::ifstream in(std::string(kRun) + "/proofs.json");
  std::stringstream ss;
  ss << in.rdbuf();
  REQUIRE(report::parse_proofs(ss.str(), run, problems));
  REQUIRE(run.properties.size() == 1);
  CHECK(run.properties[0].basis == "by-construction");
  report::ProofRun old;
  REQUIRE(report::parse_proofs(
      R"({"properties": [{"name": "p", "requirements": ["X.1-UE-DO"], "status": "proved"}]})", old,
      problems));
  CHECK(old.properties[0].basis == "induction");
  CHECK(problems.empty());
}

TEST_CASE("report: a live file from another run or an earlier time is never read") {
  const std::string live = std::string(kRun) + "/live.json";
  std::vector<std::string> problems;
  CHECK_FALSE(report::read_live(live, "run-2", 0, problems).ran);
  CHECK(any_has(problems, "run-1", "stale"));
  problems.clear();
  CHECK_FALSE(report::read_live(live, "run-1", 1001, problems).ran);
  CHECK(any_has(problems, "before this run", "stale"));
  problems.clear();
  CHECK_FALSE(report::read_live(live, "", 0, problems).ran);
  problems.clear();
  const auto ok = report::read_live(live, "run-1", 1000, problems);
  CHECK(ok.ran);
  CHECK(problems.empty());
  // Issue 14: the stacks the live run ran, and each check's; a check that
  // names none reads as empty, never as a stack.
  CHECK(ok.stacks == std::vector<std::string>{"botan", "openssl"});
  CHECK(ok.checks[0].stack == "openssl");
  CHECK(ok.checks[1].stack.empty());

  // Only peer-observed checks count; an own-log check is listed, not counted.
  const Tree t;
  const auto rows = report::compute_rows(t.spec, t.scan, {}, {}, ok);
  CHECK(status_of(rows, "X.2-PC-LATER") == "run");
  CHECK(row_of(rows, "X.2-PC-LATER").levels == std::vector<std::string>{"live"});
  // The evidence names the stack it came from.
  CHECK(any_has(row_of(rows, "X.2-PC-LATER").run, "[openssl]"));
  CHECK(status_of(rows, "X.1-UE-DO") == "implemented");
  CHECK(any_has(row_of(rows, "X.1-UE-DO").not_counted, "a verdict line"));
  auto failed = ok;
  failed.checks[0].passed = false;
  CHECK(status_of(report::compute_rows(t.spec, t.scan, {}, {}, failed), "X.2-PC-LATER") ==
        "failing");
}

TEST_CASE("report: the Variants of a requirement are the runs whose held assertions credited it") {
  const Tree t;
  std::vector<std::string> problems;
  report::TestRun run;
  // suite attributes, case name, requirement held, failed?
  auto suite = [&](const std::string& target, const std::string& attrs, const std::string& name,
                   const std::string& id, bool failed = false) {
    report::read_junit_text(
        "<testsuites><testsuite name=\"annexo\" tests=\"1\" level=\"program\" " + attrs +
            " complete=\"true\" file=\"tests/x.sh\"><testcase name=\"" + name +
            "\" file=\"tests/x.sh\" level=\"program\"><properties><property name=\"requirement\" "
            "value=\"" +
            id + "\"/></properties>" + (failed ? "<failure message=\"exit 1\"/>" : "") +
            "</testcase></testsuite></testsuites>",
        target, run, problems);
  };
  // One script, its twins: the default stack, OpenSSL, sanitized, and an unknown variant.
  suite("//t:x", "variant=\"\" tls_stack=\"botan\"", "X.1-UE-DO: twin", "X.1-UE-DO");
  suite("//t:x_openssl", "variant=\"tls-openssl\" tls_stack=\"openssl\"", "X.1-UE-DO: twin",
        "X.1-UE-DO");
  suite("//t:x_zz", "variant=\"zz-other\"", "X.1-UE-DO: twin", "X.1-UE-DO");
  suite("//t:x_asan", "variant=\"asan\"", "X.1-UE-DO: twin", "X.1-UE-DO");
  // A Catch2 binary names no stack (plain); a failed case credits no variant.
  suite("//t:y", "variant=\"\"", "X.2-PC-LATER: unit", "X.2-PC-LATER");
  suite("//t:z", "variant=\"\" tls_stack=\"botan\"", "X.2-PC-LATER: failed", "X.2-PC-LATER", true);
  INFO(dump(problems));
  CHECK(problems.empty());
  REQUIRE(run.cases.count("X.1-UE-DO: twin [tls-openssl]") == 1);
  CHECK(run.cases.at("X.1-UE-DO: twin [tls-openssl]").variant_label() == "tls-openssl");
  CHECK(run.cases.at("X.1-UE-DO: twin").variant_label() == "botan");
  CHECK(run.cases.at("X.2-PC-LATER: unit").variant_label() == "plain");

  const auto rows = report::compute_rows(t.spec, t.scan, run, {}, {});
  const auto& x1 = row_of(rows, "X.1-UE-DO");
  CHECK(x1.variants == std::vector<std::string>{"botan", "tls-openssl", "asan", "zz-other"});
  REQUIRE(x1.tested.size() == 4);
  for (const auto& c : x1.tested) {
    CHECK((c.variant == "botan") == (c.what == "\"X.1-UE-DO: twin\" in //t:x"));
  }
  const auto& x2 = row_of(rows, "X.2-PC-LATER");
  CHECK(x2.status == "failing");
  CHECK(x2.variants == std::vector<std::string>{"plain"});
}
