// TPs on re-REGISTERs over a bound connection (issue 13): an authentication
// failure there closes the connection as on an unbound one
// (TP_PC_SIP_032; TP_PC_SIP_009 is the unbound case), and a refreshed
// registration moves the binding's expiry (TP_PC_SIP_033).
#include <chrono>
#include <optional>

#include "adapters/probe/pcscf_sip/tps.h"
#include "adapters/probe/pcscf_sip/tps_common.h"

namespace annexo::probe::pcscf_sip {

namespace {

long long now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// The expiry the UE asks for in TP_PC_SIP_033 (the probe's registrar grants
// what is asked up to 600 s): PIXIT timers.short_expires_s, 6 s by default,
// so the TP waits about 1.5 times that.
int short_expires_s(const Tp_Context& ctx) {
  return ctx.budget_ms("short_expires_s", 6) / 1000;
}

}  // namespace

// TP_PC_SIP_032 (O.3.1.1-PC-CLOSE-ON-AUTH-FAIL): user 1 registered; a
// re-REGISTER on that connection answered with wrong credentials; the
// S-CSCF side answers 403 (an authentication failure, TS 24.229
// 5.4.1.2.2), which reaches the UE, then the IUT closes the connection.
Tp_Outcome tp_sip_032(const Tp_Context& ctx) {
  Setup s(ctx);
  Tp_Outcome out;
  if (!registered_ue(s, 0, out)) return out;
  Reg_Options o;
  o.password = ctx.pixit.users.front().password + "-wrong";
  const Reg_Result r = s.sip->register_user(o);
  std::vector<Evidence> ev;
  for (const auto& a : r.answers) ev.push_back(evidence_of(*s.ue, a));
  if (r.final_status != 403) {
    if (s.ue->peer_closed() && r.answers.empty())
      return verdict(Verdict::fail, "the connection closed before the 403 reached the UE", ev);
    return verdict(Verdict::inconc,
                   "no 403 to the wrong credentials (" + std::to_string(r.final_status) + ")", ev);
  }
  s.rig.pump_until([&] { return s.ue->peer_closed(); }, s.rig.close_budget());
  if (!s.ue->peer_closed())
    return verdict(Verdict::fail, "bound connection still open timers.close_budget_s after the 403",
                   ev);
  ev.push_back(Evidence{s.ue->in_stream(), s.ue->close_offset(),
                        s.ue->close_notify() ? "close_notify" : "FIN"});
  return verdict(Verdict::pass, "403 to the re-REGISTER, then close of the bound connection", ev);
}

// TP_PC_SIP_033 (O.2.2-PC-ASSOC-DELETE, O.2.2-PC-ASSOC-IMPU-SET): user 1
// registers for E s (timers.short_expires_s), re-registers after E/2 and
// gets E s again; at the first expiry plus 1 s (before the second) an
// INVITE must still be forwarded asserting user 1's IMPU. An IUT that kept
// the first expiry refuses it (403) or forwards it unasserted.
Tp_Outcome tp_sip_033(const Tp_Context& ctx) {
  Setup s(ctx);
  Tp_Outcome out;
  const int e = short_expires_s(ctx);
  if (e < 4) return verdict(Verdict::error, "PIXIT timers.short_expires_s must be at least 4");
  if (ctx.pixit.users.empty() || ctx.pixit.users.front().impus.empty())
    return verdict(Verdict::error, "PIXIT has no user 1 with an IMPU");
  if (!fresh_connection(s, out)) return out;
  const auto& u = ctx.pixit.users.front();
  s.sip = std::make_unique<Ue_Sip>(s.rig, *s.ue, u);
  Reg_Options o;
  o.expires = static_cast<std::uint32_t>(e);
  std::vector<Evidence> ev;
  const long long t0 = now_ms();
  const Reg_Result first = s.sip->register_user(o);
  for (const auto& a : first.answers) ev.push_back(evidence_of(*s.ue, a));
  if (!first.registered())
    return verdict(Verdict::inconc, "initial condition not reached: the registration failed", ev);
  // Half-way: the refresh (the poll loop keeps the connection served).
  s.rig.pump_until([&] { return now_ms() >= t0 + e * 500LL; }, e * 1000);
  const Reg_Result again = s.sip->register_user(o);
  for (const auto& a : again.answers) ev.push_back(evidence_of(*s.ue, a));
  if (!again.registered())
    return verdict(Verdict::inconc, "the re-registration did not complete", ev);
  const long long t1 = now_ms();
  // The first registration's expiry (counted from before its REGISTER was
  // sent, so the IUT's is no later) plus 1 s; still before the refreshed one.
  const long long probe_at = t0 + e * 1000LL + 1000;
  if (probe_at >= t1 + e * 1000LL - 500)
    return verdict(Verdict::inconc, "the re-registration took too long to tell the expiries apart",
                   ev);
  s.rig.pump_until([&] { return now_ms() >= probe_at; }, e * 1000 + 1000);
  const std::size_t mark = s.rig.scscf().mark();
  const std::string id = s.sip->send_request("INVITE", u.impus.front(), "");
  if (id.empty())
    return verdict(Verdict::fail, "the connection was gone before the first expiry passed", ev);
  const std::optional<Sip_Seen> answer = s.sip->wait_final(id, s.rig.sip_budget());
  const std::vector<Scscf_Seen> fwd = s.sip->forwarded(id, mark);
  if (answer) ev.push_back(evidence_of(*s.ue, *answer));
  for (const auto& f : fwd) ev.push_back(evidence_of(f, "P-Asserted-Identity"));
  if (fwd.empty()) {
    if (answer && answer->msg.status >= 300)
      return verdict(Verdict::fail,
                     "refused after the first expiry although the registration was refreshed", ev);
    if (s.ue->peer_closed())
      return verdict(Verdict::fail, "connection closed after the first expiry", ev);
    return verdict(Verdict::inconc, "the INVITE was not forwarded within timers.sip_response_s",
                   ev);
  }
  if (!in_set(asserted(fwd.front().s.msg), u.impus.front()))
    return verdict(Verdict::fail,
                   "forwarded without asserting " + u.impus.front() + " after the first expiry",
                   ev);
  return verdict(Verdict::pass, "still asserted after the first expiry: the refresh moved it", ev);
}

}  // namespace annexo::probe::pcscf_sip
