#include "adapters/probe/results.h"

namespace annexo::probe {

void roll_up(Run_Result& run) {
  run.requirements.clear();
  for (const auto& r : run.tps) {
    for (const auto& req : r.tp->requirements) {
      auto& roll = run.requirements[req];
      roll.tps.push_back(r.tp->id);
      if (r.ran()) roll.verdict = probe_data::worse(roll.verdict, r.outcome.verdict);
    }
  }
}

std::string shown_verdict(const Tp_Result& r) {
  if (r.selected && !r.not_run.empty()) return "not run";
  return probe_data::verdict_name(r.outcome.verdict);
}

std::map<std::string, int> tally(const Run_Result& run) {
  std::map<std::string, int> t;
  for (const auto& r : run.tps) t[shown_verdict(r)] += 1;
  return t;
}

int exit_status(const Run_Result& run) {
  for (const auto& r : run.tps) {
    if (!r.ran()) continue;
    if (r.outcome.verdict == Verdict::fail || r.outcome.verdict == Verdict::error) return 1;
  }
  return 0;
}

}  // namespace annexo::probe
