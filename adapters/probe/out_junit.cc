// JUnit XML: one testcase per TP, so a lab's CI shows each TP as a test.
// fail -> <failure>, error -> <error>; none, not run and inconc -> <skipped>
// (JUnit has no inconclusive; a skipped test is not shown as passed).
#include <fstream>

#include "adapters/probe/outputs.h"

namespace annexo::probe {
namespace {

std::string x(const std::string& s) {
  std::string o;
  for (const unsigned char c : s) {
    switch (c) {
      case '&':
        o += "&amp;";
        break;
      case '<':
        o += "&lt;";
        break;
      case '>':
        o += "&gt;";
        break;
      case '"':
        o += "&quot;";
        break;
      default:
        if (c < 0x20 && c != '\n' && c != '\t') {
          o += '?';
        } else {
          o += static_cast<char>(c);
        }
    }
  }
  return o;
}

}  // namespace

void write_junit(const Run_Result& run, std::ostream& out) {
  int failures = 0, errors = 0, skipped = 0;
  for (const auto& r : run.tps) {
    const std::string v = shown_verdict(r);
    failures += v == "fail";
    errors += v == "error";
    skipped += v == "none" || v == "not run" || v == "inconc";
  }
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      << "<testsuite name=\"annexo-probe-" << x(run.role) << "\" tests=\"" << run.tps.size()
      << "\" failures=\"" << failures << "\" errors=\"" << errors << "\" skipped=\"" << skipped
      << "\" time=\"" << run.seconds << "\">\n";
  for (const auto& r : run.tps) {
    const std::string v = shown_verdict(r);
    const std::string why = r.ran() ? r.outcome.reason : r.not_run;
    out << "  <testcase classname=\"probe." << x(run.role) << "\" name=\"" << x(r.tp->id) << " "
        << x(r.tp->title) << "\" time=\"" << r.seconds << "\">\n";
    std::string details;
    for (const auto& e : r.outcome.evidence) {
      details += e.stream + " @" + std::to_string(e.offset) + ": " + e.observed + "\n";
    }
    if (v == "fail") {
      out << "    <failure message=\"" << x(why) << "\">" << x(details) << "</failure>\n";
    } else if (v == "error") {
      out << "    <error message=\"" << x(why) << "\">" << x(details) << "</error>\n";
    } else if (v == "none") {
      out << "    <skipped message=\"none: not selected by the PICS\"/>\n";
    } else if (v == "not run") {
      out << "    <skipped message=\"" << x(why) << "\"/>\n";
    } else if (v == "inconc") {
      out << "    <skipped message=\"inconc: " << x(why) << "\"/>\n"
          << "    <system-out>" << x(details) << "</system-out>\n";
    } else {
      out << "    <system-out>" << x(v + ": " + why + "\n" + details) << "</system-out>\n";
    }
    out << "  </testcase>\n";
  }
  out << "</testsuite>\n";
}

bool write_report_files(const Run_Result& run, const std::string& dir, std::string& error) {
  const struct {
    const char* name;
    void (*write)(const Run_Result&, std::ostream&);
  } files[] = {{"probe-report.md", write_markdown},
               {"probe-report.json", write_json},
               {"probe-junit.xml", write_junit}};
  for (const auto& f : files) {
    const std::string path = dir + "/" + f.name;
    std::ofstream o(path);
    f.write(run, o);
    o.close();
    if (!o) {
      error = "cannot write " + path;
      return false;
    }
  }
  return true;
}

}  // namespace annexo::probe
