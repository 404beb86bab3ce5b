// The probe's runner (issue 13): loads and validates the catalogue, the PICS
// and the PIXIT (tools/probe_data), selects the TPs of the IUT's role by the
// PICS, runs each implementation in a forked child with a fresh work
// directory and a wall budget the runner enforces (a hung TP is killed and
// ends `error`, never hangs the run), and collects a Run_Result for the
// output writers (outputs.h).
#pragma once

#include <string>
#include <vector>

#include "adapters/probe/results.h"
#include "adapters/probe/tp.h"

namespace annexo::probe {

struct Options {
  std::string spec_dir;  // spec/ (test_purposes/, probe/proforma.toml)
  std::string pics_file, pixit_file;
  std::string out_dir = "probe-out";
  std::vector<std::string> only;  // --tp: these TP IDs only (empty: all)
  bool skip_long = false;         // long-timer TPs listed as not run
  bool implemented_only = false;  // unimplemented TPs listed as not run
  bool verbose = false;           // TP notes on the terminal
  std::string run_id;             // --run-id: a caller's label, written into the JSON
};

// Every TP implementation the probe has (the three groups' tables).
std::vector<Tp_Impl> all_implementations();

// Problems with the implementation tables against the catalogue: an ID the
// catalogue does not have, a TP of the other role, a duplicate.
std::vector<std::string> check_implementations(const std::vector<Tp_Impl>& impls,
                                               const probe_data::Catalogue& cat);

// The TP's wall budget: PIXIT timers.tp_budget_s (default 60 s); a
// long-timer TP gets that plus the largest PIXIT timer.
int tp_wall_budget_ms(const probe_data::TestPurpose& tp, const probe_data::Pixit& pixit);

// Runs the probe. Returns 2 with messages in `errors` when the input is bad
// (file:line:key), 0 otherwise (the verdicts are in `run`).
int run_probe(const Options& opt, const std::vector<Tp_Impl>& impls, Run_Result& run,
              std::vector<std::string>& errors);

}  // namespace annexo::probe
