// TPs on an unbound connection (issue 13): the O.4.2 gate (TP_PC_SIP_001),
// the idle unbound connection (TP_PC_SIP_021) and the emergency exception
// (TP_PC_SIP_024).
#include <chrono>

#include "adapters/probe/pcscf_sip/tps.h"
#include "adapters/probe/pcscf_sip/tps_common.h"

namespace annexo::probe::pcscf_sip {

// TP_PC_SIP_001 (O.4.2-PC-HANDSHAKE-GATE, O.2.2-PC-UNBOUND-NO-ASSERT): INVITE
// and MESSAGE on a fresh connection, then a MESSAGE right behind a REGISTER
// the S-CSCF side has not answered yet (the S-CSCF side runs only when the
// probe pumps it, so the IUT holds that REGISTER pending: still unbound).
// Only the REGISTER may reach the S-CSCF side.
Tp_Outcome tp_sip_001(const Tp_Context& ctx) {
  Setup s(ctx);
  Tp_Outcome out;
  if (!fresh_connection(s, out)) return out;
  const auto& u = ctx.pixit.users.front();
  Ue_Sip sip(s.rig, *s.ue, u);
  const std::size_t mark = s.rig.scscf().mark();
  const auto start = std::chrono::steady_clock::now();
  std::vector<Evidence> ev;
  std::vector<std::string> sent;  // Call-IDs of the requests the gate must hold
  bool refused = false;
  bool unanswered = false;
  auto judge_answer = [&](const std::string& id) {
    const auto r = sip.wait_final(id, s.rig.sip_budget());
    if (r) ev.push_back(evidence_of(*s.ue, *r));
    if (r && r->msg.status >= 300) refused = true;
    if (!r && !s.ue->peer_closed()) unanswered = true;
  };
  for (const char* method : {"INVITE", "MESSAGE"}) {
    if (s.ue->peer_closed()) break;
    const std::string id = sip.send_request(method, u.impus.front(), u.impus.front());
    if (id.empty()) break;
    sent.push_back(id);
    judge_answer(id);
  }
  std::string pending;  // the REGISTER's Call-ID
  if (!s.ue->peer_closed()) {
    pending = sip.send_register();
    const std::string id =
        pending.empty() ? "" : sip.send_request("MESSAGE", u.impus.front(), u.impus.front());
    if (!id.empty()) {
      sent.push_back(id);
      judge_answer(id);
    }
  }
  // Nothing of `sent` forwarded within timers.sip_response_s of the first request.
  auto gated_at_scscf = [&] {
    std::vector<Scscf_Seen> got;
    for (const std::string& id : sent)
      for (const Scscf_Seen& f : sip.forwarded(id, mark)) got.push_back(f);
    return got;
  };
  const int left =
      s.rig.sip_budget() - static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                                std::chrono::steady_clock::now() - start)
                                                .count());
  s.rig.pump_until([&] { return !gated_at_scscf().empty(); }, left > 0 ? left : 0);
  const auto leaked = gated_at_scscf();
  if (!leaked.empty()) {
    for (const Scscf_Seen& f : leaked) {
      ev.push_back(evidence_of(f, "P-Asserted-Identity"));
      ev.push_back(evidence_of(f, "From"));
    }
    const bool behind = !pending.empty() && leaked.back().s.msg.call_id == sent.back() &&
                        leaked.size() == 1 && sent.size() == 3;
    return verdict(Verdict::fail,
                   behind ? "a request behind a pending REGISTER on an unbound connection "
                            "reached the S-CSCF side"
                          : "a request on an unbound connection reached the S-CSCF side",
                   ev);
  }
  if (s.ue->peer_closed()) {
    ev.push_back(Evidence{s.ue->in_stream(), s.ue->close_offset(),
                          s.ue->close_notify() ? "close_notify" : "FIN"});
    return verdict(Verdict::pass, "connection closed, nothing forwarded", ev);
  }
  if (refused && !unanswered)
    return verdict(Verdict::pass, "error responses at the UE, nothing forwarded", ev);
  return verdict(Verdict::inconc, "no error response and no close within timers.sip_response_s",
                 ev);
}

// TP_PC_SIP_021 (O.4.2-PC-UNBOUND-IDLE-CLOSE): a fresh connection left idle.
Tp_Outcome tp_sip_021(const Tp_Context& ctx) {
  Setup s(ctx);
  Tp_Outcome out;
  if (!fresh_connection(s, out)) return out;
  s.rig.pump_until([&] { return s.ue->peer_closed(); }, ctx.budget_ms("unbound_idle_budget_s", 45));
  if (!s.ue->peer_closed())
    return verdict(Verdict::fail, "still open after timers.unbound_idle_budget_s");
  const Evidence e{s.ue->in_stream(), s.ue->close_offset(),
                   s.ue->close_notify() ? "close_notify"
                   : s.ue->reset()      ? "reset"
                                        : "FIN"};
  if (s.ue->reset() && !s.ue->close_notify())
    return verdict(Verdict::inconc, "reset without close_notify (cause not attributable)", {e});
  return verdict(Verdict::pass, "the IUT closed the idle unbound connection", {e});
}

// TP_PC_SIP_024 (O.4.2-PC-HANDSHAKE-GATE, emergency exception): INVITE to
// urn:service:sos on a fresh connection is forwarded without PAI.
Tp_Outcome tp_sip_024(const Tp_Context& ctx) {
  Setup s(ctx);
  Tp_Outcome out;
  if (!fresh_connection(s, out)) return out;
  const auto& u = ctx.pixit.users.front();
  Ue_Sip sip(s.rig, *s.ue, u);
  const std::size_t mark = s.rig.scscf().mark();
  const std::string id = sip.send_request("INVITE", u.impus.front(), "", "urn:service:sos");
  s.rig.pump_until([&] { return !sip.forwarded(id, mark).empty() || s.ue->peer_closed(); },
                   s.rig.sip_budget());
  const auto fwd = sip.forwarded(id, mark);
  if (fwd.empty()) return verdict(Verdict::inconc, "not forwarded within timers.sip_response_s");
  const Evidence e = evidence_of(fwd.front(), "P-Asserted-Identity");
  if (!asserted(fwd.front().s.msg).empty())
    return verdict(Verdict::fail, "the emergency request was forwarded with a PAI", {e});
  return verdict(Verdict::pass, "forwarded without PAI", {e});
}

}  // namespace annexo::probe::pcscf_sip
