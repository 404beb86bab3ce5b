// Scanning code, tests and proofs for requirement citations.
//
// Syntax (one per line, nothing else on the line):
//   //= spec#<ID> type=<implementation|test|proof>      C++ (.h .cc .cpp .def)
//   #= spec#<ID> type=<implementation|test|proof>       shell, Python, Starlark
// A test citation sits directly above the test it cites (only other citation
// lines between): a Catch2 TEST_CASE / TEST_CASE_METHOD / SCENARIO, or a shell
// `annexo_case "NAME"` line (tests/support/testlib.sh). A proof citation sits
// directly above the line naming the proof property: its first string literal
// is the property name. Any other line that starts with the marker is an error.
#pragma once

#include <string>
#include <vector>

namespace annexo::trace {

enum class CitationType { implementation, test, proof };

const char* to_string(CitationType t);

struct Citation {
  std::string id;
  CitationType type;
  std::string file;  // relative to the root
  int line = 0;
  std::string target;  // test case name or proof property name (empty for implementation)
};

struct TestCaseDecl {
  std::string name;
  std::string file;
  int line = 0;
};

// A requirement assertion with a literal ID: REQ("ID", ...), REQ_REQUIRE("ID",
// ...), RC_REQ("ID", ...) in C++ (tests/support/req.h), `annexo_req ID ...` in
// shell (tests/support/testlib.sh). The report credits only these.
struct Assertion {
  std::string id;
  std::string file;
  int line = 0;
};

struct ScanResult {
  std::vector<Citation> citations;
  std::vector<Assertion> assertions;
  std::vector<TestCaseDecl> test_cases;  // every test case declared (cited or not)
  std::vector<std::string> errors;
};

// Scans one file's text. `path` is shown in messages.
void scan_text(const std::string& path, const std::string& text, ScanResult& out);

// Scans every source file below root/<dir> for each dir, skipping any
// directory named "testdata" (bad trees kept for the checker's own tests).
ScanResult scan_tree(const std::string& root, const std::vector<std::string>& dirs);

// `trace --list-citations`: one line per citation, "ID\ttype\tfile\tline\tcase".
// The mutation run selects a mutant's tests with it, and the report hands it to
// `tools/mutation/mutate.py --verify` (a new citing case makes a result stale).
std::string citation_list(const ScanResult& scan);

}  // namespace annexo::trace
