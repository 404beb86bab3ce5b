// The terminal summary: counts by verdict, then every TP that did not pass.
#include <iomanip>

#include "adapters/probe/outputs.h"

namespace annexo::probe {

void write_terminal_summary(const Run_Result& run, std::ostream& out) {
  out << "\nprobe: role " << run.role << ", " << run.tps.size() << " test purposes in "
      << std::fixed << std::setprecision(1) << run.seconds << " s\n";
  for (const auto& [name, count] : tally(run))
    out << "  " << std::setw(8) << name << "  " << count << "\n";
  for (const auto& r : run.tps) {
    const std::string v = shown_verdict(r);
    if (v == "pass" || v == "none") continue;
    out << "  " << r.tp->id << "  " << v << "  " << (r.ran() ? r.outcome.reason : r.not_run)
        << "\n";
  }
  out << "probe: " << (exit_status(run) == 0 ? "no fail, no error" : "FAIL or ERROR present")
      << "\n";
}

}  // namespace annexo::probe
