// One run of the UE under test against the probe's P-CSCF side: start the
// listener with the TP's TLS and registrar profiles, start the UE from the
// PIXIT command, observe, stop the UE. And the two judgements most UE TPs
// share: "refused before any SIP" and "accepted and registered".
#pragma once

#include <memory>
#include <string>

#include "adapters/probe/tp.h"
#include "adapters/probe/ue_iut/probe_pcscf.h"
#include "adapters/probe/ue_iut/ue_process.h"
#include "adapters/probe/ue_iut/ue_wire.h"

namespace annexo::probe::ue_iut {

// A boolean PICS item answered true.
bool pics_true(const Tp_Context& ctx, const std::string& item);

// A file of the PIXIT probe.pki_dir.
std::string pki(const Tp_Context& ctx, const std::string& name);
// The UE's trust store for every TP (decision RD-150): ca-ec, ca-rsa and
// ca-odd of pki_dir in one PEM file under work_dir, passed as {ca}.
std::string trust_bundle(const Tp_Context& ctx, std::string& error);

// A TLS profile presenting pki_dir NAME.pem (chain) with NAME.key.
Tls_Profile chain_profile(const Tp_Context& ctx, const std::string& name, bool ecdsa = true);

struct Ue_Run {
  std::unique_ptr<Probe_Pcscf> pcscf;
  Ue_Process ue;
  std::string log;   // the UE's output file
  std::string what;  // which run (for evidence streams), e.g. "rsa"

  // The first connection (nullptr before the UE connected).
  Ue_Conn* conn(std::size_t i = 0) const;
  // Waits for the UE's first connection and a whole ClientHello on it.
  bool wait_client_hello(int budget_ms);
  // The UE process ended and every connection it opened is closed: nothing
  // more can arrive, so waits end early.
  bool ue_gone();
  // "... exit=N log: <last lines>" for reasons.
  std::string ue_state();
};

// No ClientHello arrived: `error` when the PIXIT command could not be run
// (exit 126/127 from the shell), otherwise `inconc`.
Tp_Outcome no_client_hello(Ue_Run& run);

// Starts both sides; false with `out` set to `error` when the test system
// cannot (bind, files, command).
// `secagree`: the UE's sec-agree variant (PIXIT [ue] secagree_command) and
// the probe's plain port (probe.secagree_port) too.
bool start_run(const Tp_Context& ctx, Tls_Profile tls, Registrar_Profile sip, Ue_Run& run,
               Tp_Outcome& out, std::size_t user = 0, bool secagree = false);

// The refusal TPs (TP_UE_CERT_002..015, TP_UE_TLS_004..008): after the
// stimulus, the UE must abort with a fatal alert (`alert_required`) or at
// least close, and no application data record may leave it. Evidence: the
// alert record's bytes at their offset, or the first application data record.
Tp_Outcome judge_refusal(const Tp_Context& ctx, Ue_Run& run, const std::string& rule,
                         bool alert_required);

// The acceptance TPs (TP_UE_TLS_002, TP_UE_CERT_001, _016): the handshake
// completes and a REGISTER arrives over it.
Tp_Outcome judge_accepted(const Tp_Context& ctx, Ue_Run& run, const std::string& rule);

// --- SIP-level helpers (TP_UE_SIP_*) ---

// "ue->probe sip cN": a connection's decrypted SIP stream.
std::string sip_stream(std::size_t conn);
// The request's first line at its offset, with `extra` appended.
Evidence seen_evidence(const Sip_Seen& s, const std::string& extra = {});
// ue_start_s + handshake_s + 2 x sip_response_s: start to registered.
int registration_budget(const Tp_Context& ctx);
// Runs until the registrar sent `count` 200s to REGISTER.
bool wait_registrations(Ue_Run& run, int count, int budget_ms);
// inconc: no registration (`what`), with every request seen as evidence.
Tp_Outcome not_registered(Ue_Run& run, const std::string& what);

// The SIP TPs' common start (TP_UE_SIP_003, _005, _006, _011, TP_UE_TLS_010):
// start_run with the pcscf-ec chain and registrar profile `sip`, then the
// first registration awaited (wait_registrations, registration_budget).
// False with `out` set when either fails: start_run's `error`, or
// not_registered(run, what).
bool start_registered(const Tp_Context& ctx, const Registrar_Profile& sip, Ue_Run& run,
                      Tp_Outcome& out, const std::string& what);

// Combines several runs of one TP: the worst verdict, reasons joined,
// evidence appended.
void merge(Tp_Outcome& into, const Tp_Outcome& part, const std::string& label);

}  // namespace annexo::probe::ue_iut
