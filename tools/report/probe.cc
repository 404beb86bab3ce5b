#include "tools/report/probe.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

namespace annexo::report {
namespace {

const char kNotEvidence[] =
    "Not evidence: the probe judges with the same core as the programs it tests, so these "
    "verdicts credit no requirement and are not counted anywhere above.";

std::string md_cell(std::string s) {
  for (std::size_t i = 0; (i = s.find('|', i)) != std::string::npos; i += 2) s.replace(i, 1, "\\|");
  std::replace(s.begin(), s.end(), '\n', ' ');
  return s;
}

std::map<std::string, int> tally(const ProbeRun& run) {
  std::map<std::string, int> t;
  for (const auto& tp : run.tps) t[tp.verdict] += 1;
  return t;
}

std::string tally_text(const ProbeRun& run) {
  std::string s;
  for (const auto& [v, n] : tally(run)) s += (s.empty() ? "" : ", ") + std::to_string(n) + " " + v;
  return s;
}

}  // namespace

ProbeRun read_probe(const std::string& path, const std::string& run_id, long long not_before,
                    std::vector<std::string>& notes) {
  ProbeRun run;
  run.path = path;
  if (path.empty()) return run;
  run.configuration = std::filesystem::path(path).parent_path().filename().string();
  run.given = true;
  std::ifstream in(path);
  if (!in) {
    notes.push_back("probe results " + path + " not found: the probe section is empty");
    return run;
  }
  std::stringstream text;
  text << in.rdbuf();
  try {
    const auto j = nlohmann::json::parse(text.str());
    run.run_id = j.value("run_id", "");
    run.started = j.value("started", 0LL);
    if (run_id.empty() || run.run_id != run_id) {
      notes.push_back("probe results " + path + " belong to run '" + run.run_id +
                      "', not to this run '" + run_id + "': stale, not read");
      return run;
    }
    if (run.started < not_before) {
      notes.push_back("probe results " + path + " started before this run: stale, not read");
      return run;
    }
    run.role = j.value("role", "");
    run.exit_status = j.value("exit_status", -1);
    for (const auto& t : j.at("tps")) {
      ProbeTp tp;
      tp.id = t.at("id").get<std::string>();
      tp.title = t.value("title", "");
      tp.verdict = t.at("verdict").get<std::string>();
      tp.reason = t.value("reason", "");
      tp.requirements = t.value("requirements", std::vector<std::string>{});
      run.tps.push_back(std::move(tp));
    }
    for (const auto& [id, r] : j.at("requirements").items()) {
      run.requirements.push_back(
          {id, r.at("verdict").get<std::string>(), r.value("tps", std::vector<std::string>{})});
    }
    run.read = true;
  } catch (const std::exception& e) {
    notes.push_back("probe results " + path + " unreadable: " + e.what());
    run.tps.clear();
    run.requirements.clear();
  }
  return run;
}

void print_probe(std::ostream& out, const ProbeRun& run) {
  out << "\nProbe verdicts for annexo's own programs (not evidence)";
  if (!run.read) {
    out << ": none (" << (run.given ? "results not of this run, see the notes" : "not run")
        << ")\n";
    return;
  }
  out << ": " << run.role << " (" << run.configuration << "), " << run.tps.size()
      << " TPs: " << tally_text(run) << "\n";
  for (const auto& tp : run.tps) {
    if (tp.verdict == "pass" || tp.verdict == "none" || tp.verdict == "not run") continue;
    out << "  " << tp.id << "  " << tp.verdict << "  " << tp.reason << "\n";
  }
}

namespace {

// One run's results; `sub` is the heading prefix of its sub-sections.
void markdown_probe_body(std::ostream& md, const ProbeRun& run, const std::string& sub) {
  if (!run.read) {
    md << (run.given ? "No results of this run (see Problems)."
                     : "The probe was not run (`tools/probe_run.sh`).")
       << "\n";
    return;
  }
  md << "`probe` (adapters/probe) against annexo's `" << run.role << "` (" << run.configuration
     << ") on loopback (`tools/probe_run.sh`: --implemented-only --skip-long), run " << run.run_id
     << ", exit status " << run.exit_status << ": " << tally_text(run)
     << ". `none`: not selected by annexo's PICS; `not run`: not implemented by the probe yet "
        "or a long-timer TP.\n\n"
        "| TP | Verdict | Title | Requirements | Reason |\n|---|---|---|---|---|\n";
  for (const auto& tp : run.tps) {
    std::string reqs;
    for (const auto& r : tp.requirements) reqs += (reqs.empty() ? "" : ", ") + r;
    md << "| " << tp.id << " | " << tp.verdict << " | " << md_cell(tp.title) << " | " << reqs
       << " | " << md_cell(tp.reason) << " |\n";
  }
  md << "\n"
     << sub
     << " Per requirement (worst verdict of the TPs that ran; not evidence)\n\n"
        "| Requirement | Probe verdict | TPs |\n|---|---|---|\n";
  for (const auto& r : run.requirements) {
    std::string tps;
    for (const auto& t : r.tps) tps += (tps.empty() ? "" : ", ") + t;
    md << "| " << r.id << " | " << r.verdict << " | " << tps << " |\n";
  }
}

const char kProbeHeading[] = "\n## Probe verdicts for annexo's own programs\n\n";

}  // namespace

void markdown_probe(std::ostream& md, const ProbeRun& run) {
  md << kProbeHeading << kNotEvidence << "\n\n";
  markdown_probe_body(md, run, "###");
}

nlohmann::json json_probe(const ProbeRun& run) {
  nlohmann::json j = {{"read", run.read},
                      {"path", run.path},
                      {"run_id", run.run_id},
                      {"role", run.role},
                      {"exit_status", run.exit_status},
                      {"evidence", false},
                      {"note", kNotEvidence}};
  j["configuration"] = run.configuration;
  j["tps"] = nlohmann::json::array();
  for (const auto& tp : run.tps) {
    j["tps"].push_back({{"id", tp.id},
                        {"verdict", tp.verdict},
                        {"title", tp.title},
                        {"requirements", tp.requirements},
                        {"reason", tp.reason}});
  }
  j["requirements"] = nlohmann::json::object();
  for (const auto& r : run.requirements) {
    j["requirements"][r.id] = {{"verdict", r.verdict}, {"tps", r.tps}};
  }
  return j;
}

void print_probes(std::ostream& out, const std::vector<ProbeRun>& runs) {
  if (runs.empty()) print_probe(out, ProbeRun());
  for (const auto& run : runs) print_probe(out, run);
}

void markdown_probes(std::ostream& md, const std::vector<ProbeRun>& runs) {
  if (runs.size() <= 1) {
    markdown_probe(md, runs.empty() ? ProbeRun() : runs.front());
    return;
  }
  md << kProbeHeading << kNotEvidence << "\n";
  for (const auto& run : runs) {
    md << "\n### " << (run.configuration.empty() ? run.path : run.configuration) << "\n\n";
    markdown_probe_body(md, run, "####");
  }
}

nlohmann::json json_probes(const std::vector<ProbeRun>& runs) {
  nlohmann::json j = {{"evidence", false}, {"note", kNotEvidence}};
  j["runs"] = nlohmann::json::array();
  for (const auto& run : runs) j["runs"].push_back(json_probe(run));
  return j;
}

}  // namespace annexo::report
