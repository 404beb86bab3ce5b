// TP_PC_SIP_034 (RFC5246-7.2.1-PC-ANSWER-CLOSE-NOTIFY, RD-291, RD-310,
// RD-360): a registered UE ends its connection with close_notify; the IUT
// answers with its own close_notify and closes the connection, at TLS 1.2
// (RFC 5246 7.2.1: "MUST respond with a close_notify alert of its own and
// close down the connection immediately") and, when the PICS claims TLS 1.3,
// at TLS 1.3 with the same observable (RD-310). The connection is bound
// first: an unbound one may be closed by the IUT's idle timer
// (O.4.2-PC-UNBOUND-IDLE-CLOSE) within the budget anyway, which would hide an
// IUT that never answers (RD-360).
#include <optional>

#include "adapters/probe/pcscf_sip/tps.h"
#include "adapters/probe/pcscf_sip/tps_common.h"

namespace annexo::probe::pcscf_sip {

namespace {

// One registered connection at one version: close_notify, then the IUT's
// close_notify and EOF within close_budget_s. nullopt: passed.
std::optional<Tp_Outcome> close_leg(Setup& s, Probe_Ue& ue, bool tls13, std::vector<Evidence>& ev) {
  const std::string version = tls13 ? "TLS 1.3" : "TLS 1.2";
  const std::uint16_t want = tls13 ? 0x0304 : 0x0303;
  if (ue.handshake().version != want)
    return verdict(Verdict::inconc,
                   version + ": initial condition not reached (the IUT chose " +
                       std::to_string(ue.handshake().version) + ")",
                   ev);
  Ue_Sip sip(s.rig, ue, s.rig.ctx().pixit.users.front());
  const Reg_Result r = sip.register_user();
  if (!r.registered())
    return verdict(Verdict::inconc, version + ": initial condition not reached: registration", ev);
  ue.send_close_notify();
  s.rig.pump_until([&] { return ue.eof() || ue.reset(); }, s.rig.close_budget());
  const bool closed = ue.eof() || ue.reset();
  ev.push_back(Evidence{ue.tls_stream(), ue.close_offset(),
                        version + " after the UE's close_notify: " +
                            (ue.close_notify() ? "close_notify, " : "no close_notify, ") +
                            (ue.reset() ? "reset"
                             : closed   ? "FIN"
                                        : "still open")});
  if (!ue.close_notify())
    return verdict(Verdict::fail,
                   version + ": no close_notify answered the UE's within timers.close_budget_s",
                   ev);
  if (!closed)
    return verdict(Verdict::fail,
                   version + ": the connection was not closed within timers.close_budget_s", ev);
  return std::nullopt;
}

}  // namespace

Tp_Outcome tp_sip_034(const Tp_Context& ctx) {
  Setup s(ctx);
  Tp_Outcome out;
  if (ctx.pixit.users.empty() || ctx.pixit.users.front().impus.empty())
    return verdict(Verdict::error, "PIXIT has no user 1 with an IMPU");
  // OpenSSL on the probe's side at both versions: one library reads the
  // IUT's close_notify apart from its FIN.
  if (!fresh_connection(s, out, /*openssl=*/true)) return out;
  std::vector<Evidence> ev;
  if (auto o = close_leg(s, *s.ue, false, ev)) return *o;
  const auto it = ctx.pics.answers.find("PICS_TLS13");
  if (it == ctx.pics.answers.end() || !it->second.b)
    return verdict(Verdict::pass, "TLS 1.2: close_notify answered, then the connection closed", ev);
  Probe_Ue& c2 = s.rig.add_ue(true, nullptr, true);
  if (!s.rig.handshake(c2, out)) return out;
  if (auto o = close_leg(s, c2, true, ev)) return *o;
  return verdict(Verdict::pass,
                 "TLS 1.2 and 1.3: close_notify answered, then the connection closed", ev);
}

}  // namespace annexo::probe::pcscf_sip
