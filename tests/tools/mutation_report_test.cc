// The report's reading of tools/mutate results (tools/report/mutation.h):
// results recorded for other sources are refused, a kill needs the case that
// did it, and the summary counts shall / shall-not requirements with an
// implementation site that have a killed mutant.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "tools/report/mutation.h"

using namespace annexo;
namespace fs = std::filesystem;

namespace {

// A tree whose tools/mutation/source-id prints `id`.
fs::path fake_root(const std::string& id) {
  const char* tmp = std::getenv("TEST_TMPDIR");
  const fs::path root = fs::path(tmp ? tmp : "/tmp") / ("mutation_root_" + id);
  fs::create_directories(root / "tools" / "mutation");
  const fs::path script = root / "tools" / "mutation" / "source-id";
  std::ofstream(script) << "#!/bin/sh\necho " << id << "\n";
  fs::permissions(script, fs::perms::owner_all);
  return root;
}

const char* kResults = R"J({
  "format": 1, "source_id": "SRC1", "head": "0123456789abcdef",
  "mutants": {
    "m_killed": {"kind": "adapter", "file": "adapters/x.cc", "description": "d1",
                 "status": "killed", "breaks": ["X.1-UE-DO"], "seconds": 12.5,
                 "requirements": {"X.1-UE-DO": {"killed": true,
                                                "killed_by": ["case A (//t:a)"],
                                                "citing_cases": 2
}
}
}
, "m_claims" : {
  "kind" : "core",
  "file" : "core/y.h",
  "description" : "d2",
  "status" : "killed",
  "breaks" : ["X.2-PC-LATER"],
  "requirements" : {"X.2-PC-LATER" : {"killed" : true, "killed_by" : []}}
},
               "m_survived" : {
  "kind" : "core",
           "file" : "core/y.h",
                    "description" : "d3",
                                    "status" : "survived",
                                               "breaks" : ["X.2-PC-LATER"],
                                                          "survives" : "why not",
                                                                       "requirements" : {
    "X.2-PC-LATER" : {
      "killed" : false, "killed_by" : []
    }
  }
}
}
})J";

fs::path write_results(const fs::path& dir, const std::string& text) {
  const fs::path p = dir / "results.json";
  std::ofstream(p) << text;
  return p;
}

trace::Spec small_spec() {
  trace::Spec spec;
  for (const char* id : {"X.1-UE-DO", "X.2-PC-LATER", "X.3-NO-SITE"}) {
    trace::Requirement r;
    r.id = id;
    r.modality = "shall";
    spec.by_id[id] = spec.requirements.size();
    spec.requirements.push_back(r);
  }
  return spec;
}

trace::ScanResult sites() {
  trace::ScanResult scan;
  scan.citations.push_back({"X.1-UE-DO", trace::CitationType::implementation, "core/a.cc", 1, ""});
  scan.citations.push_back(
      {"X.2-PC-LATER", trace::CitationType::implementation, "core/b.cc", 1, ""});
  return scan;
}

}  // namespace

TEST_CASE("mutation report: results for the current sources are read") {
  const fs::path root = fake_root("SRC1");
  std::vector<std::string> problems;
  const auto run =
      report::read_mutation(write_results(root, kResults).string(), root.string(), problems);
  REQUIRE(run.read);
  CHECK(problems.empty());
  CHECK(run.mutants.size() == 3);
}

TEST_CASE("mutation report: results recorded for other sources are refused as stale") {
  const fs::path root = fake_root("SRC2");
  std::vector<std::string> problems;
  const auto run =
      report::read_mutation(write_results(root, kResults).string(), root.string(), problems);
  CHECK_FALSE(run.read);
  CHECK(run.mutants.empty());
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].find("stale") != std::string::npos);
  CHECK(report::mutation_by_requirement(run).empty());
  std::ostringstream md;
  report::markdown_mutation(md, run, small_spec(), sites());
  CHECK(md.str().find("not valid for these sources") != std::string::npos);
}

TEST_CASE("mutation report: a missing file or unknown format is no evidence") {
  const fs::path root = fake_root("SRC1");
  std::vector<std::string> problems;
  CHECK_FALSE(report::read_mutation((root / "absent.json").string(), root.string(), problems).read);
  CHECK_FALSE(report::read_mutation(write_results(root, R"({"format": 7})").string(), root.string(),
                                    problems)
                  .read);
  CHECK(problems.size() == 2);
  CHECK_FALSE(report::read_mutation("", root.string(), problems).given);
}

TEST_CASE("mutation report: a kill without the case that did it is not believed") {
  const fs::path root = fake_root("SRC1");
  std::vector<std::string> problems;
  const auto run =
      report::read_mutation(write_results(root, kResults).string(), root.string(), problems);
  const auto by_req = report::mutation_by_requirement(run);
  REQUIRE(by_req.count("X.1-UE-DO") == 1);
  CHECK(by_req.at("X.1-UE-DO").killed == std::vector<std::string>{"m_killed"});
  REQUIRE(by_req.count("X.2-PC-LATER") == 1);
  CHECK(by_req.at("X.2-PC-LATER").killed.empty());
  CHECK(by_req.at("X.2-PC-LATER").survived.size() == 2);
}

TEST_CASE("mutation report: the summary counts requirements with a site and a killed mutant") {
  const fs::path root = fake_root("SRC1");
  std::vector<std::string> problems;
  const auto run =
      report::read_mutation(write_results(root, kResults).string(), root.string(), problems);
  const auto s = report::summarize_mutation(run, small_spec(), sites());
  CHECK(s.normative_with_site == 2);  // X.3-NO-SITE has no implementation citation
  CHECK(s.with_killed == 1);
  CHECK(s.without_killed == std::vector<std::string>{"X.2-PC-LATER"});
  CHECK(s.survivors.size() ==
        2);  // m_survived, and m_claims (status says killed, the cases do not)
  const auto j = report::json_mutation(run, small_spec(), sites());
  CHECK(j["summary"]["with_killed_mutant"] == 1);
  std::ostringstream md;
  report::markdown_mutation(md, run, small_spec(), sites());
  CHECK(md.str().find("**1 of 2**") != std::string::npos);
  CHECK(md.str().find("why not") != std::string::npos);
}
