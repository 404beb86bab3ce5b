// Catch2 main for every annexo test binary.
//
// Bazel reads $XML_OUTPUT_FILE; the conformance report reads it to decide
// that a requirement is "tested" (a test case citing it ran green in this
// build). Catch2 2.x has one reporter at a time, so the console reporter
// stays for people and this listener writes a JUnit-style file beside it,
// one <testcase> per TEST_CASE with its pass/fail state.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

namespace {

struct CaseResult {
  std::string name;
  bool passed;
  std::string failure;
  double seconds;
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

class JunitListener : public Catch::TestEventListenerBase {
 public:
  using TestEventListenerBase::TestEventListenerBase;

  void testCaseStarting(const Catch::TestCaseInfo& info) override {
    failure_.clear();
    (void)info;
  }

  bool assertionEnded(const Catch::AssertionStats& stats) override {
    if (!stats.assertionResult.isOk() && failure_.size() < 4000) {
      const auto& r = stats.assertionResult;
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
    results().push_back({stats.testInfo.name, ok, failure_, 0.0});
  }

 private:
  std::string failure_;
};

CATCH_REGISTER_LISTENER(JunitListener)

void write_junit(const char* path, int rc) {
  std::ofstream out(path);
  std::size_t failures = 0;
  for (const auto& r : results()) failures += r.passed ? 0 : 1;
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out << "<testsuites><testsuite name=\"annexo\" tests=\"" << results().size() << "\" failures=\""
      << failures << "\" exit_code=\"" << rc << "\">\n";
  for (const auto& r : results()) {
    out << "  <testcase name=\"" << xml_escape(r.name) << "\"";
    if (r.passed) {
      out << "/>\n";
    } else {
      out << "><failure message=\"" << xml_escape(r.failure) << "\"/></testcase>\n";
    }
  }
  out << "</testsuite></testsuites>\n";
}

}  // namespace

int main(int argc, char** argv) {
  Catch::Session session;
  const int rc = session.run(argc, argv);
  if (const char* path = std::getenv("XML_OUTPUT_FILE")) write_junit(path, rc);
  return rc;
}
