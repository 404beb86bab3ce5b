// The test system of one SIP TP (issue 13): the run's S-CSCF side and the
// TP's probe UEs on one poll loop. Every wait has a budget in milliseconds
// (Tp_Context::budget_ms); pump_until returns false when it ran out.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "adapters/probe/pcscf_sip/plain_sip.h"
#include "adapters/probe/pcscf_sip/probe_ue.h"
#include "adapters/probe/pcscf_sip/scscf.h"
#include "adapters/probe/tp.h"

namespace annexo::probe::pcscf_sip {

class Rig {
 public:
  explicit Rig(const Tp_Context& ctx) : m_ctx(ctx) {}
  // The S-CSCF side; false and `error()` when it cannot listen.
  bool open();
  Scscf& scscf() { return *m_scscf; }
  const Tp_Context& ctx() const { return m_ctx; }
  const std::string& error() const { return m_error; }
  // A probe UE (c1, c2, ...) whose TCP connect and handshake have started;
  // on OpenSSL when `openssl`, offering `resume` when not null, TLS 1.3 too
  // when `tls13` (OpenSSL only).
  Probe_Ue& add_ue(bool openssl = false, SSL_SESSION* resume = nullptr, bool tls13 = false);
  // A plain TCP SIP connection (p1, p2, ...) to the IUT's sec-agree port
  // (PIXIT iut.secagree_port), connect started; check error() for failure.
  Plain_Sip& add_plain();
  // Polls every socket until done() holds (true) or budget_ms passed (false).
  bool pump_until(const std::function<bool()>& done, int budget_ms);
  // The handshake of `ue` completed within timers.handshake_s (else the
  // outcome to return, filled in: inconc when no answer, error when the
  // IUT cannot be reached).
  bool handshake(Probe_Ue& ue, Tp_Outcome& out);
  // Budgets from the PIXIT [timers] (seconds there, milliseconds here).
  int sip_budget() const { return m_ctx.budget_ms("sip_response_s", 5); }
  int handshake_budget() const { return m_ctx.budget_ms("handshake_s", 5); }
  int close_budget() const { return m_ctx.budget_ms("close_budget_s", 5); }

 private:
  const Tp_Context& m_ctx;
  Scscf* m_scscf = nullptr;
  std::vector<std::unique_ptr<Probe_Ue>> m_ues;
  std::vector<std::unique_ptr<Plain_Sip>> m_plains;
  std::string m_error;
};

}  // namespace annexo::probe::pcscf_sip
