// The conformance probe's verdicts for annexo's own programs (issue 13;
// tools/probe_run.sh runs adapters/probe against pcscf), read for the report.
//
// These are NOT evidence: the probe judges with the same core as the
// programs it tests, so a pass is not independent. The report prints them in
// a section of their own, after the evidence, and no requirement's status,
// count or level is computed from them (compute_rows never sees them).
// A file of another run (run id, start time) is ignored with a note.
#pragma once

#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <vector>

namespace annexo::report {

struct ProbeTp {
  std::string id, title, verdict, reason;
  std::vector<std::string> requirements;
};

struct ProbeRequirement {
  std::string id, verdict;
  std::vector<std::string> tps;
};

struct ProbeRun {
  bool given = false;  // --probe FILE was passed
  bool read = false;   // ... and it belongs to this run
  std::string path, run_id, role;
  // Which configuration of annexo's programs the run was against (the name
  // of the directory tools/probe_run.sh gave it: pcscf-embedded,
  // pcscf-next-hop, ue, and the same with -openssl, RD-276).
  std::string configuration;
  long long started = 0;
  int exit_status = -1;
  std::vector<ProbeTp> tps;
  std::vector<ProbeRequirement> requirements;
};

// Reads the probe's JSON report (probe-report.json); `notes` gets why not.
ProbeRun read_probe(const std::string& path, const std::string& run_id, long long not_before,
                    std::vector<std::string>& notes);

// The section in its three forms, for one run.
void print_probe(std::ostream& out, const ProbeRun& run);
void markdown_probe(std::ostream& md, const ProbeRun& run);
nlohmann::json json_probe(const ProbeRun& run);

// The same for every run of this report (one per configuration): one header,
// then each run; none given says the probe was not run.
void print_probes(std::ostream& out, const std::vector<ProbeRun>& runs);
void markdown_probes(std::ostream& md, const std::vector<ProbeRun>& runs);
nlohmann::json json_probes(const std::vector<ProbeRun>& runs);

}  // namespace annexo::report
