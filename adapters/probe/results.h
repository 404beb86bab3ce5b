// What a probe run produced: one Tp_Result per test purpose of the IUT's role
// (run, `none` by PICS, or not run and why), and the roll-up per requirement.
// The output writers (outputs.h) read only this.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "adapters/probe/tp.h"

namespace annexo::probe {

struct Tp_Result {
  const probe_data::TestPurpose* tp = nullptr;
  bool selected = false;  // by the PICS (false: verdict none, never run)
  // Not empty when a selected TP was deliberately not run ("not implemented",
  // "--skip-long"): listed everywhere, no verdict, no effect on the exit code.
  std::string not_run;
  Tp_Outcome outcome;  // verdict none when not selected or not run
  double seconds = 0;
  bool ran() const { return selected && not_run.empty(); }
};

struct Requirement_Rollup {
  Verdict verdict = Verdict::none;  // the worst verdict of the TPs that ran and cite it
  std::vector<std::string> tps;     // every listed TP citing it
};

struct Run_Result {
  std::shared_ptr<const probe_data::Catalogue> catalogue;  // Tp_Result::tp points into it
  std::string role, pics_file, pixit_file;
  std::string run_id;          // --run-id (tools/annexo's run), "" when not given
  long long started = 0;       // epoch seconds when the run began
  std::vector<Tp_Result> tps;  // catalogue order
  std::map<std::string, Requirement_Rollup> requirements;
  double seconds = 0;
};

// Fills run.requirements from run.tps.
void roll_up(Run_Result& run);
// Counts by verdict name ("pass", ..., "not run").
std::map<std::string, int> tally(const Run_Result& run);
// 0 without fail or error among the TPs that ran, else 1.
int exit_status(const Run_Result& run);
// "pass", ..., or "not run" for a deliberately skipped TP.
std::string shown_verdict(const Tp_Result& r);

}  // namespace annexo::probe
