// The Markdown report: a table of TPs with verdict and reason, the evidence of
// each TP that ran, and the roll-up per requirement.
#include "adapters/probe/outputs.h"

namespace annexo::probe {
namespace {

std::string cell(std::string s) {
  std::string o;
  for (const char c : s) {
    if (c == '|') {
      o += "\\|";
    } else if (c == '\n') {
      o += ' ';
    } else {
      o += c;
    }
  }
  return o;
}

std::string joined(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return s;
}

}  // namespace

void write_markdown(const Run_Result& run, std::ostream& out) {
  out << "# Probe verdicts (role " << run.role << ")\n\n"
      << "PICS `" << run.pics_file << "`, PIXIT `" << run.pixit_file << "`.\n\n";
  for (const auto& [name, count] : tally(run)) out << "- " << name << ": " << count << "\n";
  out << "\n| TP | verdict | title | requirements | reason |\n|---|---|---|---|---|\n";
  for (const auto& r : run.tps) {
    out << "| " << r.tp->id << " | " << shown_verdict(r) << " | " << cell(r.tp->title) << " | "
        << joined(r.tp->requirements) << " | " << cell(r.ran() ? r.outcome.reason : r.not_run)
        << " |\n";
  }
  out << "\n## Evidence\n";
  for (const auto& r : run.tps) {
    if (r.outcome.evidence.empty()) continue;
    out << "\n### " << r.tp->id << " (" << shown_verdict(r) << ")\n\n";
    for (const auto& e : r.outcome.evidence) {
      out << "- `" << cell(e.stream) << "` @" << e.offset << ": " << cell(e.observed) << "\n";
    }
  }
  out << "\n## Per requirement (worst verdict of the TPs that ran)\n\n"
      << "| requirement | verdict | TPs |\n|---|---|---|\n";
  for (const auto& [req, roll] : run.requirements) {
    out << "| " << req << " | " << probe_data::verdict_name(roll.verdict) << " | "
        << joined(roll.tps) << " |\n";
  }
}

}  // namespace annexo::probe
