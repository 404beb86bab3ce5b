// Set-up shared by the SIP TPs (issue 13): the catalogue's initial
// conditions "Fresh TLS connection" and "Registered UE (user N)", and the
// verdict helpers. A set-up that does not complete is the TP's `inconc` (or
// `error` when the test system itself failed), never `pass`.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "adapters/probe/pcscf_sip/rig.h"
#include "adapters/probe/pcscf_sip/ue_sip.h"

namespace annexo::probe::pcscf_sip {

Tp_Outcome verdict(Verdict v, std::string reason, std::vector<Evidence> evidence = {});

// One TP's test system: the rig and its first UE.
struct Setup {
  explicit Setup(const Tp_Context& ctx) : rig(ctx) {}
  Rig rig;
  Probe_Ue* ue = nullptr;
  std::unique_ptr<Ue_Sip> sip;
  Reg_Result reg;
};

// "Fresh TLS connection": S-CSCF side listening, probe UE c1 handshaken.
// `openssl`: TLS on OpenSSL (its session can be offered again later).
bool fresh_connection(Setup& s, Tp_Outcome& out, bool openssl = false);
// "Registered UE (user N)" (N = 0 for PIXIT user 1): a fresh connection,
// then the Digest registration of that user completed with a 2xx at the UE.
bool registered_ue(Setup& s, std::size_t user, Tp_Outcome& out, bool openssl = false);
// A new connection from another source port offering `session` (an earlier
// connection's): handshake within the budget, else `out` set. Evidence:
// whether the IUT granted the abbreviated handshake.
Probe_Ue* resuming_connection(Setup& s, SSL_SESSION* session, Tp_Outcome& out, Evidence& ev);
// The IMPUs of PIXIT user N.
bool in_set(const std::vector<std::string>& impus, const std::string& uri);
// The P-Asserted-Identity URIs of a forwarded request (every field).
std::vector<std::string> asserted(const sip::Message& m);

}  // namespace annexo::probe::pcscf_sip
