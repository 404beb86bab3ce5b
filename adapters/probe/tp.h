// The probe's one interface between its runner and the test purposes it
// implements (issue 13). The catalogue (spec/test_purposes/*.toml, loaded by
// tools/probe_data) says WHAT each TP checks; an implementation here says HOW,
// against a live IUT, and returns a verdict with the evidence it saw. The
// runner (adapters/probe/runner.*) selects TPs by PICS, runs each with its
// budget, and writes the terminal, Markdown, JSON and JUnit outputs.
//
// Rules every implementation keeps (spec/README.md, "Test purposes"):
// - The verdict comes from what was observed at the probe's side of the wire
//   (bytes, alerts, closes, SIP lines), judged where possible by the core's
//   own readers (core/handshake_reader.h, core/cert_policy.h, ...).
// - Every wait has a budget (Tp_Context::budget_ms); running out of budget is
//   `inconc` unless the TP says otherwise, never a hang.
// - `error` is the test system's own failure (cannot bind, cannot start the
//   UE command, unreachable IUT): say which and why in `reason`.
// - Evidence names where it was seen: the stream and the byte offset of a TLS
//   record or the SIP line, so a lab can find it in a capture.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "tools/probe_data/probe_data.h"

namespace annexo::probe {

using probe_data::Verdict;

// One observation behind a verdict.
struct Evidence {
  std::string stream;      // e.g. "iut->probe tls c1", "iut->scscf sip"
  std::size_t offset = 0;  // byte offset in that stream
  std::string observed;    // "ServerHello version=0x0303 suite=0xC02F", a SIP line
};

struct Tp_Outcome {
  Verdict verdict = Verdict::error;
  std::string reason;  // one line: why this verdict (names the requirement's rule)
  std::vector<Evidence> evidence;
};

// What a TP implementation gets: the IUT's description and the budgets.
struct Tp_Context {
  const probe_data::TestPurpose& tp;
  const probe_data::Pics& pics;
  const probe_data::Pixit& pixit;
  std::string spec_dir;  // spec/ (catalogue, proforma)
  std::string work_dir;  // a fresh scratch directory for this TP (logs, made files)
  // PIXIT [timers] NAME in milliseconds, `fallback_s` seconds when absent.
  int budget_ms(const std::string& name, int fallback_s) const;
  // Progress/debug lines (shown with --verbose, kept in the TP's log).
  std::function<void(const std::string&)> note;
};

using Tp_Fn = std::function<Tp_Outcome(const Tp_Context&)>;

struct Tp_Impl {
  std::string id;  // must name a TP of the catalogue with the same role
  Tp_Fn run;
};

// One table per group, each in its own package (kept apart so each group can
// grow on its own): P-CSCF under test at the TLS and certificate level, P-CSCF
// under test at the SIP level (the probe also plays the S-CSCF), UE under test
// (the probe plays the P-CSCF).
std::vector<Tp_Impl> pcscf_tls_tps();  // adapters/probe/pcscf_tls
std::vector<Tp_Impl> pcscf_sip_tps();  // adapters/probe/pcscf_sip
std::vector<Tp_Impl> ue_tps();         // adapters/probe/ue_iut

}  // namespace annexo::probe
