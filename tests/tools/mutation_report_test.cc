// The report's reading of tools/mutate results (tools/report/mutation.h): each
// result counts only while its key (tools/mutation/freshness.py) matches the
// files it depends on, a stale one is named and never credited, a kill needs
// the case that did it, and the summary counts shall / shall-not requirements
// with an implementation site that have a killed mutant.
//
// The tree is a small git checkout with the real tools/mutation/mutate.py and
// freshness.py (they do the check for the report) and results keyed by them
// (testdata/mutation/fixture.py); each case edits one thing and looks.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "tools/report/mutation.h"

using namespace annexo;
namespace fs = std::filesystem;

namespace {

const char* kCatalogue = R"T([[mutant]]
name = "m_a"
file = "src/a.cc"
breaks = ["X.1-UE-DO"]
[[mutant.subs]]
old = "int a;"
new = "int a = 1;"

[[mutant]]
name = "m_b"
file = "src/b.cc"
breaks = ["X.2-PC-LATER"]
[[mutant.subs]]
old = "int b;"
new = "int b = 1;"
)T";

void write(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p) << text;
}

std::string read(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
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

// Implementation sites of X.1 and X.2, and the one test case citing each.
trace::ScanResult scan() {
  trace::ScanResult s;
  s.citations.push_back({"X.1-UE-DO", trace::CitationType::implementation, "src/a.cc", 1, ""});
  s.citations.push_back({"X.2-PC-LATER", trace::CitationType::implementation, "src/b.cc", 1, ""});
  s.citations.push_back({"X.1-UE-DO", trace::CitationType::test, "src/a_test.sh", 3, "case m_a"});
  s.citations.push_back(
      {"X.2-PC-LATER", trace::CitationType::test, "src/b_test.sh", 3, "case m_b"});
  return s;
}

void run(const std::string& cmd) {
  REQUIRE(std::system(cmd.c_str()) == 0);
}

// A fresh checkout with both results current.
fs::path fixture(const std::string& name) {
  const char* tmp = std::getenv("TEST_TMPDIR");
  const fs::path root = fs::path(tmp ? tmp : "/tmp") / ("mutation_" + name);
  fs::remove_all(root);
  for (const char* f : {"mutate.py", "freshness.py"}) {
    fs::create_directories(root / "tools" / "mutation");
    fs::copy_file(fs::path("tools/mutation") / f, root / "tools" / "mutation" / f);
  }
  write(root / "tools" / "mutation" / "adapter_mutants.toml", kCatalogue);
  write(root / "proofs" / "mutants" / "mutants.bzl", "MUTANTS = []\n");
  write(root / "MODULE.bazel", "module(name = \"x\")\n");
  write(root / "src" / "BUILD.bazel", "# a_test, b_test\n");
  write(root / "src" / "a.cc", "int a;\n");
  write(root / "src" / "b.cc", "int b;\n");
  write(root / "src" / "a_test.sh", "# case m_a\n");
  write(root / "src" / "b_test.sh", "# case m_b\n");
  const fs::path cits = root.string() + ".citations";
  write(cits, trace::citation_list(scan()));
  run("git init -q '" + root.string() + "'");
  run("python3 tests/tools/testdata/mutation/fixture.py '" + root.string() + "' '" + cits.string() +
      "'");
  return root;
}

fs::path results(const fs::path& root) {
  return root / "tools" / "mutation" / "results";
}

report::MutationRun read_run(const fs::path& root, std::vector<std::string>& notes,
                             const trace::ScanResult& s = scan()) {
  return report::read_mutation(results(root).string(), root.string(), s, notes);
}

// Recomputes the key of a mutant's result after a test edited its verdict, as
// a run that recorded that verdict would have keyed it.
void rekey(const fs::path& root, const std::string& name) {
  run("python3 tests/tools/testdata/mutation/rekey.py '" + root.string() + "' " + name);
}

bool killed(const report::MutationRun& r, const std::string& id) {
  const auto by = report::mutation_by_requirement(r);
  return by.count(id) == 1 && !by.at(id).killed.empty();
}

}  // namespace

TEST_CASE("mutation report: current results are credited") {
  const fs::path root = fixture("current");
  std::vector<std::string> notes;
  const auto r = read_run(root, notes);
  CHECK(notes == std::vector<std::string>{});
  REQUIRE(r.read);
  CHECK(r.mutants.size() == 2);
  CHECK(r.stale_mutants == 0);
  CHECK(killed(r, "X.1-UE-DO"));
  CHECK(killed(r, "X.2-PC-LATER"));
  const auto s = report::summarize_mutation(r, small_spec(), scan());
  CHECK(s.normative_with_site == 2);  // X.3-NO-SITE has no implementation citation
  CHECK(s.with_killed == 2);
}

TEST_CASE("mutation report: an edited dependency makes only the results depending on it stale") {
  const fs::path root = fixture("edited");
  write(root / "src" / "b.cc", "int b; int c;\n");
  std::vector<std::string> notes;
  const auto r = read_run(root, notes);
  REQUIRE(r.read);
  CHECK(r.stale_mutants == 1);
  CHECK(r.stale_baseline == 1);
  CHECK(killed(r, "X.1-UE-DO"));
  CHECK_FALSE(killed(r, "X.2-PC-LATER"));  // m_b's kill is not credited
  REQUIRE(notes.size() == 1);
  CHECK(notes[0].find("m_b (//src:b_test: src/b.cc changed)") != std::string::npos);
  const auto s = report::summarize_mutation(r, small_spec(), scan());
  CHECK(s.with_killed == 1);
  CHECK(s.without_killed == std::vector<std::string>{"X.2-PC-LATER"});
  std::ostringstream md;
  report::markdown_mutation(md, r, small_spec(), scan());
  CHECK(md.str().find("1 current") != std::string::npos);
  CHECK(md.str().find("1 stale and ignored") != std::string::npos);
  CHECK(md.str().find("m_b") == std::string::npos);
}

TEST_CASE("mutation report: a new file in a package the tests depend on makes them stale") {
  const fs::path root = fixture("globbed");
  write(root / "src" / "c.cc", "int c;\n");  // a glob in src/BUILD.bazel could pick it up
  std::vector<std::string> notes;
  const auto r = read_run(root, notes);
  REQUIRE(r.read);
  CHECK(r.mutants.empty());
  CHECK(r.stale_mutants == 2);
  REQUIRE(notes.size() == 1);
  CHECK(notes[0].find("the files of package //src changed") != std::string::npos);
}

TEST_CASE("mutation report: a tampered key is stale") {
  const fs::path root = fixture("tampered");
  const fs::path f = results(root) / "mutants" / "m_a.json";
  auto j = nlohmann::json::parse(read(f));
  j["key"] = std::string(64, '0');
  std::ofstream(f) << j.dump();
  // ... and a baseline digest rewritten to a file content it never had.
  const fs::path b = results(root) / "baseline" / "src__b_test.json";
  auto jb = nlohmann::json::parse(read(b));
  jb["deps"]["files"]["src/b.cc"] = std::string(64, '1');
  std::ofstream(b) << jb.dump();
  std::vector<std::string> notes;
  const auto r = read_run(root, notes);
  REQUIRE(r.read);
  CHECK(r.mutants.empty());
  REQUIRE(notes.size() == 1);
  CHECK(notes[0].find("the recorded key does not match its parts") != std::string::npos);
  CHECK(notes[0].find("src/b.cc changed") != std::string::npos);
}

TEST_CASE("mutation report: a verdict or a baseline outcome edited after the run is stale") {
  const fs::path root = fixture("edited-verdict");
  // m_a's kill credited to another case than the run recorded ...
  const fs::path f = results(root) / "mutants" / "m_a.json";
  auto j = nlohmann::json::parse(read(f));
  j["requirements"]["X.1-UE-DO"]["killed_by"] = nlohmann::json::array({"other (//src:a_test)"});
  std::ofstream(f) << j.dump();
  // ... and m_b's baseline outcome rewritten (the key of its files unchanged).
  const fs::path b = results(root) / "baseline" / "src__b_test.json";
  auto jb = nlohmann::json::parse(read(b));
  jb["result"]["status"] = "FAILED";
  std::ofstream(b) << jb.dump();
  std::vector<std::string> notes;
  const auto r = read_run(root, notes);
  REQUIRE(r.read);
  CHECK(r.mutants.empty());
  CHECK_FALSE(killed(r, "X.1-UE-DO"));
  CHECK_FALSE(killed(r, "X.2-PC-LATER"));
  REQUIRE(notes.size() == 1);
  CHECK(notes[0].find("the recorded key does not match its parts and verdict") !=
        std::string::npos);
  CHECK(notes[0].find("its recorded outcome does not match its result key") != std::string::npos);
}

TEST_CASE("mutation report: a new citing case makes a survivor stale, not a kill") {
  const fs::path root = fixture("cited");
  // m_b as a run that did not kill it would have recorded it.
  const fs::path f = results(root) / "mutants" / "m_b.json";
  auto j = nlohmann::json::parse(read(f));
  j["status"] = "survived";
  j["requirements"]["X.2-PC-LATER"]["killed"] = false;
  j["requirements"]["X.2-PC-LATER"]["killed_by"] = nlohmann::json::array();
  std::ofstream(f) << j.dump();
  rekey(root, "m_b");
  auto s = scan();
  s.citations.push_back({"X.1-UE-DO", trace::CitationType::test, "tests/other.sh", 9, "new case"});
  s.citations.push_back(
      {"X.2-PC-LATER", trace::CitationType::test, "tests/other.sh", 19, "another new case"});
  std::vector<std::string> notes;
  const auto r = read_run(root, notes, s);
  REQUIRE(r.read);
  // m_a's kill stands: the case that killed it and its target are unchanged.
  CHECK(killed(r, "X.1-UE-DO"));
  REQUIRE(r.mutants.size() == 1);
  CHECK(r.mutants[0].name == "m_a");
  REQUIRE(notes.size() == 1);
  CHECK(notes[0].find("m_b") != std::string::npos);
  CHECK(notes[0].find("the test cases citing X.2-PC-LATER changed") != std::string::npos);
}

TEST_CASE("mutation report: a kill is stale once the target that killed it changed") {
  const fs::path root = fixture("killer-changed");
  write(root / "src" / "a.cc", "int a; int z;\n");
  std::vector<std::string> notes;
  const auto r = read_run(root, notes);
  REQUIRE(r.read);
  CHECK_FALSE(killed(r, "X.1-UE-DO"));
  CHECK(killed(r, "X.2-PC-LATER"));
}

TEST_CASE("mutation report: a changed catalogue entry makes the result stale") {
  const fs::path root = fixture("catalogue");
  std::string cat = kCatalogue;
  cat.replace(cat.find("new = \"int a = 1;\""), 18, "new = \"int a = 2;\"");
  write(root / "tools" / "mutation" / "adapter_mutants.toml", cat);
  std::vector<std::string> notes;
  const auto r = read_run(root, notes);
  CHECK_FALSE(killed(r, "X.1-UE-DO"));
  CHECK(killed(r, "X.2-PC-LATER"));
  REQUIRE(notes.size() == 1);
  CHECK(notes[0].find("m_a (its catalogue entry changed)") != std::string::npos);
}

TEST_CASE("mutation report: a kill without the case that did it is not believed") {
  const fs::path root = fixture("claims");
  const fs::path f = results(root) / "mutants" / "m_a.json";
  auto j = nlohmann::json::parse(read(f));
  j["requirements"]["X.1-UE-DO"]["killed_by"] = nlohmann::json::array();
  std::ofstream(f) << j.dump();
  rekey(root, "m_a");  // as a run that recorded this verdict would have keyed it
  // The explanation is the catalogue's current text (prose is not in the key).
  std::string cat = kCatalogue;
  cat.insert(cat.find("[[mutant.subs]]"), "survives = \"why not\"\n");
  write(root / "tools" / "mutation" / "adapter_mutants.toml", cat);
  std::vector<std::string> notes;
  const auto r = read_run(root, notes);
  REQUIRE(r.mutants.size() == 2);  // still current: the claim is what is not believed
  CHECK_FALSE(killed(r, "X.1-UE-DO"));
  const auto s = report::summarize_mutation(r, small_spec(), scan());
  REQUIRE(s.survivors.size() == 1);
  CHECK(s.survivors[0]->name == "m_a");
  CHECK(s.survivors[0]->status == "survived");  // the file said killed
  std::ostringstream md;
  report::markdown_mutation(md, r, small_spec(), scan());
  CHECK(md.str().find("**1 of 2**") != std::string::npos);
  CHECK(md.str().find("why not") != std::string::npos);
  CHECK(report::json_mutation(r, small_spec(), scan())["summary"]["with_killed_mutant"] == 1);
}

TEST_CASE("mutation report: no directory, or not a checkout, is no evidence") {
  const fs::path root = fixture("absent");
  std::vector<std::string> notes;
  CHECK_FALSE(report::read_mutation((root / "absent").string(), root.string(), scan(), notes).read);
  fs::remove_all(root / ".git");
  CHECK_FALSE(read_run(root, notes).read);
  CHECK(notes.size() == 2);
  CHECK_FALSE(report::read_mutation("", root.string(), scan(), notes).given);
}
