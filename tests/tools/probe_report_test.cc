// The report's reading of the probe's verdicts on annexo's own programs
// (tools/report/probe.h): only this run's file is read, and the section says
// the verdicts are not evidence.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "tools/report/probe.h"

using namespace annexo;
namespace fs = std::filesystem;

namespace {

fs::path write(const std::string& name, const std::string& text) {
  const char* tmp = std::getenv("TEST_TMPDIR");
  const fs::path p = fs::path(tmp ? tmp : "/tmp") / name;
  std::ofstream(p) << text;
  return p;
}

const char* kProbe = R"J({
  "run_id": "RUN1", "started": 1000, "role": "pcscf", "exit_status": 0,
  "tps": [
    {"id": "TP_PC_TLS_001", "title": "SSL 3.0 refused", "requirements": ["R-1"],
     "verdict": "pass", "reason": "fatal alert 70", "evidence": []},
    {"id": "TP_PC_TLS_014", "title": "no compression", "requirements": ["R-2"],
     "verdict": "inconc", "reason": "refused", "evidence": []},
    {"id": "TP_PC_TLS_018", "title": "reneg", "requirements": ["R-2"],
     "verdict": "not run", "reason": "not run (not implemented)", "evidence": []}
  ],
  "requirements": {"R-1": {"verdict": "pass", "tps": ["TP_PC_TLS_001"]},
                   "R-2": {"verdict": "inconc", "tps": ["TP_PC_TLS_014", "TP_PC_TLS_018"]}}
})J";

}  // namespace

TEST_CASE("report: the probe's verdicts of this run are read and shown apart as not evidence") {
  const fs::path p = write("probe_ok.json", kProbe);
  std::vector<std::string> notes;
  const report::ProbeRun run = report::read_probe(p.string(), "RUN1", 900, notes);
  REQUIRE(run.read);
  CHECK(notes.empty());
  REQUIRE(run.tps.size() == 3);
  CHECK(run.tps[1].id == "TP_PC_TLS_014");
  CHECK(run.tps[1].verdict == "inconc");
  REQUIRE(run.requirements.size() == 2);
  CHECK(run.requirements[1].verdict == "inconc");
  std::ostringstream md;
  report::markdown_probe(md, run);
  CHECK(md.str().find("## Probe verdicts for annexo's own programs") != std::string::npos);
  CHECK(md.str().find("Not evidence") != std::string::npos);
  CHECK(md.str().find("| TP_PC_TLS_014 | inconc |") != std::string::npos);
  CHECK(md.str().find("| R-2 | inconc | TP_PC_TLS_014, TP_PC_TLS_018 |") != std::string::npos);
  const auto j = report::json_probe(run);
  CHECK(j.at("evidence") == false);
  CHECK(j.at("requirements").at("R-1").at("verdict") == "pass");
}

TEST_CASE("report: probe results of another run are not read") {
  const fs::path p = write("probe_stale.json", kProbe);
  std::vector<std::string> notes;
  const report::ProbeRun other = report::read_probe(p.string(), "RUN2", 900, notes);
  CHECK_FALSE(other.read);
  CHECK(other.tps.empty());
  REQUIRE(notes.size() == 1);
  CHECK(notes[0].find("stale") != std::string::npos);
  notes.clear();
  const report::ProbeRun early = report::read_probe(p.string(), "RUN1", 2000, notes);
  CHECK_FALSE(early.read);
  REQUIRE(notes.size() == 1);
  std::ostringstream md;
  report::markdown_probe(md, early);
  CHECK(md.str().find("No results of this run") != std::string::npos);
}

TEST_CASE("report: a missing or unreadable probe file is a note, no section content") {
  std::vector<std::string> notes;
  CHECK_FALSE(report::read_probe("", "RUN1", 0, notes).given);
  CHECK(notes.empty());
  CHECK_FALSE(report::read_probe("/nonexistent/probe.json", "RUN1", 0, notes).read);
  const fs::path p = write("probe_bad.json", R"J({"run_id": "RUN1", "started": 1000, "tps": 3})J");
  const report::ProbeRun bad = report::read_probe(p.string(), "RUN1", 0, notes);
  CHECK_FALSE(bad.read);
  CHECK(bad.tps.empty());
  CHECK(notes.size() == 2);
}

TEST_CASE("report: several probe runs, one per configuration, each under its own heading") {
  const fs::path dir = write("probe_cfg_dummy", "").parent_path();
  fs::create_directories(dir / "pcscf-next-hop");
  fs::create_directories(dir / "ue");
  std::ofstream(dir / "pcscf-next-hop" / "probe-report.json") << kProbe;
  std::ofstream(dir / "ue" / "probe-report.json") << kProbe;
  std::vector<std::string> notes;
  std::vector<report::ProbeRun> runs;
  runs.push_back(report::read_probe((dir / "pcscf-next-hop" / "probe-report.json").string(), "RUN1",
                                    900, notes));
  runs.push_back(
      report::read_probe((dir / "ue" / "probe-report.json").string(), "RUN1", 900, notes));
  CHECK(notes.empty());
  CHECK(runs[0].configuration == "pcscf-next-hop");
  CHECK(runs[1].configuration == "ue");
  std::ostringstream md;
  report::markdown_probes(md, runs);
  const std::string text = md.str();
  CHECK(text.find("## Probe verdicts for annexo's own programs") ==
        text.rfind("## Probe verdicts"));
  CHECK(text.find("### pcscf-next-hop") != std::string::npos);
  CHECK(text.find("### ue") != std::string::npos);
  CHECK(text.find("#### Per requirement") != std::string::npos);
  const auto j = report::json_probes(runs);
  CHECK(j.at("evidence") == false);
  CHECK(j.at("runs").size() == 2);
  CHECK(j.at("runs")[1].at("configuration") == "ue");
  std::ostringstream none;
  report::markdown_probes(none, {});
  CHECK(none.str().find("The probe was not run") != std::string::npos);
}
