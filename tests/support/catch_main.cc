// Catch2 main for every annexo test binary.
//
// Bazel reads $XML_OUTPUT_FILE; the conformance report reads it to decide
// what this run evidences. Catch2 2.x has one reporter at a time, so the
// console reporter stays for people and this listener writes a JUnit-style
// file beside it: one <testcase> per TEST_CASE with its pass/fail state, its
// source file, and the requirements whose assertions (REQ, REQ_REQUIRE,
// RC_REQ: tests/support/req.h) ran in it. The file is rewritten after every
// case with complete="false" and once more at the end with complete="true",
// so a binary that crashes leaves a file that says so.
//
// Credit rules applied here (issue 11): a case marked [!mayfail] or
// [!shouldfail] earns nothing; a case with no requirement assertion earns
// nothing; a requirement is credited only when every assertion naming it held.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "tests/support/req.h"

namespace {

struct CaseResult {
  std::string name;
  std::string file;
  bool passed;
  bool may_fail;
  std::string failure;
  std::map<std::string, bool> requirements;  // ID -> every assertion naming it held
};

std::vector<CaseResult>& results() {
  static std::vector<CaseResult> r;
  return r;
}

std::string xml_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t') {
          out += ' ';
        } else {
          out += c;
        }
    }
  }
  return out;
}

// The evidence level of this binary's cases (tests/support/levels.md):
// core unless the BUILD macro says otherwise.
std::string level() {
  const char* l = std::getenv("ANNEXO_EVIDENCE_LEVEL");
  return l && *l ? l : "core";
}

// The build variant of this binary ("" for the plain build, "asan" for the
// ASan + UBSan twins of tests/sanitize): same case names, other evidence.
std::string variant() {
  const char* v = std::getenv("ANNEXO_TEST_VARIANT");
  return v && *v ? v : "";
}

void write_junit(bool complete, int rc) {
  const char* path = std::getenv("XML_OUTPUT_FILE");
  if (!path) return;
  std::ofstream out(path, std::ios::trunc);
  std::size_t failures = 0;
  for (const auto& r : results()) failures += r.passed ? 0 : 1;
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out << "<testsuites><testsuite name=\"annexo\" tests=\"" << results().size() << "\" failures=\""
      << failures << "\" level=\"" << xml_escape(level()) << "\" variant=\""
      << xml_escape(variant()) << "\" complete=\"" << (complete ? "true" : "false")
      << "\" exit_code=\"" << rc << "\">\n";
  for (const auto& r : results()) {
    out << "  <testcase name=\"" << xml_escape(r.name) << "\" file=\"" << xml_escape(r.file)
        << "\"";
    if (r.may_fail) out << " mayfail=\"true\"";
    out << ">";
    if (!r.requirements.empty() && !r.may_fail) {
      out << "<properties>";
      for (const auto& [id, held] : r.requirements) {
        out << "<property name=\"" << (held ? "requirement" : "requirement-failed") << "\" value=\""
            << xml_escape(id) << "\"/>";
      }
      out << "</properties>";
    }
    if (!r.passed) out << "<failure message=\"" << xml_escape(r.failure) << "\"/>";
    out << "</testcase>\n";
  }
  out << "</testsuite></testsuites>\n";
}

class JunitListener : public Catch::TestEventListenerBase {
 public:
  using TestEventListenerBase::TestEventListenerBase;

  void testCaseStarting(const Catch::TestCaseInfo& info) override {
    failure_.clear();
    (void)annexo::req::take();  // notes from outside any case count for none
    (void)info;
  }

  bool assertionEnded(const Catch::AssertionStats& stats) override {
    const auto& r = stats.assertionResult;
    if (const char* id = annexo::req::current()) annexo::req::note(id, r.isOk());
    if (!r.isOk() && failure_.size() < 4000) {
      failure_ += r.getSourceInfo().file;
      failure_ += ":" + std::to_string(r.getSourceInfo().line) + ": ";
      if (r.hasExpression()) failure_ += r.getExpressionInMacro() + " ";
      if (r.hasMessage()) failure_ += r.getMessage();
      failure_ += "\n";
    }
    return true;
  }

  void testCaseEnded(const Catch::TestCaseStats& stats) override {
    const bool ok = stats.totals.assertions.failed == 0 && stats.totals.testCases.failed == 0;
    CaseResult c{stats.testInfo.name,
                 stats.testInfo.lineInfo.file,
                 ok,
                 stats.testInfo.okToFail(),
                 failure_,
                 {}};
    for (const auto& [id, held] : annexo::req::take()) {
      auto [it, fresh] = c.requirements.emplace(id, held);
      if (!fresh) it->second = it->second && held;
    }
    results().push_back(std::move(c));
    write_junit(false, -1);
  }

 private:
  std::string failure_;
};

CATCH_REGISTER_LISTENER(JunitListener)

}  // namespace

int main(int argc, char** argv) {
  Catch::Session session;
  write_junit(false, -1);  // a binary that dies before its first case leaves this
  const int rc = session.run(argc, argv);
  write_junit(true, rc);
  return rc;
}
