#include "adapters/probe/pcscf_sip/rig.h"

#include <poll.h>

#include <chrono>

namespace annexo::probe::pcscf_sip {

bool Rig::open() {
  m_scscf = Scscf::shared(m_ctx.pixit, m_error);
  return m_scscf != nullptr;
}

Probe_Ue& Rig::add_ue(bool openssl, SSL_SESSION* resume, bool tls13) {
  m_ues.push_back(std::make_unique<Probe_Ue>(m_ctx.pixit, "c" + std::to_string(m_ues.size() + 1)));
  if (openssl) m_ues.back()->use_openssl();
  if (openssl && tls13) m_ues.back()->use_tls13();
  if (resume != nullptr) m_ues.back()->offer_session(resume);
  m_ues.back()->start();
  return *m_ues.back();
}

Plain_Sip& Rig::add_plain() {
  m_plains.push_back(std::make_unique<Plain_Sip>("p" + std::to_string(m_plains.size() + 1)));
  m_plains.back()->start(m_ctx.pixit.iut_host, m_ctx.pixit.iut_secagree_port);
  return *m_plains.back();
}

bool Rig::pump_until(const std::function<bool()>& done, int budget_ms) {
  using clock = std::chrono::steady_clock;
  const auto end = clock::now() + std::chrono::milliseconds(budget_ms);
  std::vector<Poll_Slot> slots;
  std::vector<pollfd> fds;
  for (;;) {
    if (done()) return true;
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(end - clock::now()).count();
    if (left <= 0) return false;
    slots.clear();
    if (m_scscf != nullptr) m_scscf->slots(slots);
    for (auto& ue : m_ues) ue->slots(slots);
    for (auto& p : m_plains) p->slots(slots);
    fds.clear();
    for (const auto& s : slots) fds.push_back(pollfd{s.fd, s.events, 0});
    const int n = ::poll(fds.data(), fds.size(), static_cast<int>(left < 50 ? left : 50));
    if (n <= 0) continue;
    for (std::size_t i = 0; i < fds.size(); ++i) {
      if (fds[i].revents != 0) slots[i].owner->ready(slots[i].tag, fds[i].revents);
    }
  }
}

bool Rig::handshake(Probe_Ue& ue, Tp_Outcome& out) {
  const bool done = pump_until([&] { return ue.established() || ue.failed() || ue.peer_closed(); },
                               handshake_budget());
  if (ue.established()) return true;
  if (ue.failed() && ue.error().rfind("TCP connect", 0) == 0) {
    out.verdict = Verdict::error;
    out.reason = "IUT unreachable: " + ue.error();
  } else if (ue.failed()) {
    out.verdict = Verdict::error;
    out.reason = "probe UE " + ue.name() + ": " + ue.error();
  } else {
    out.verdict = Verdict::inconc;
    out.reason = done ? "the IUT closed the connection during the handshake"
                      : "no handshake within timers.handshake_s";
  }
  return false;
}

}  // namespace annexo::probe::pcscf_sip
