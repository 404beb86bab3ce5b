// TPs on how the IUT forwards a registered UE's originating request towards
// the core network (issue 13, RD-320): by the registration's Service-Route
// (TP_PC_SIP_030), with Max-Forwards decremented (TP_PC_SIP_031), and
// answered 408 when the next hop never answers (TP_PC_SIP_035, RD-360), and
// the Record-Route the UE sees in the answer to a target refresh
// (TP_PC_SIP_037, RD-361).
#include <optional>

#include "adapters/probe/pcscf_sip/tps.h"
#include "adapters/probe/pcscf_sip/tps_common.h"

namespace annexo::probe::pcscf_sip {

namespace {

// User 1 registered (the registration forwarded, so the S-CSCF side gave its
// Service-Route), then an INVITE from user 1 on that connection: the INVITE
// as the S-CSCF side received it, or `out` set.
std::optional<Scscf_Seen> forwarded_invite(Setup& s, Tp_Outcome& out) {
  if (!registered_ue(s, 0, out)) return std::nullopt;
  if (s.reg.forwarded.empty()) {
    out = verdict(Verdict::inconc,
                  "registered, but no REGISTER reached the S-CSCF side: no Service-Route given");
    return std::nullopt;
  }
  const auto& u = s.rig.ctx().pixit.users.front();
  const std::size_t mark = s.rig.scscf().mark();
  const std::string id = s.sip->send_request("INVITE", u.impus.front(), u.impus.front());
  s.rig.pump_until([&] { return !s.sip->forwarded(id, mark).empty() || s.ue->peer_closed(); },
                   s.rig.sip_budget());
  const auto fwd = s.sip->forwarded(id, mark);
  if (fwd.empty()) {
    out = verdict(Verdict::inconc, "the INVITE was not forwarded");
    return std::nullopt;
  }
  return fwd.front();
}

}  // namespace

// TP_PC_SIP_030 (24229-5.2.1-PATH-SUPPORT): the forwarded INVITE's first
// Route is the Service-Route of the registrar's 2xx (TS 24.229 5.2.6.3.2).
Tp_Outcome tp_sip_030(const Tp_Context& ctx) {
  Setup s(ctx);
  Tp_Outcome out;
  const auto fwd = forwarded_invite(s, out);
  if (!fwd) return out;
  const std::string service_route = first_uri(s.rig.scscf().registrar().service_route());
  std::vector<Evidence> ev{evidence_of(*fwd, "Route")};
  const std::string* route = fwd->s.msg.first("Route");
  if (route == nullptr)
    return verdict(Verdict::fail, "no Route: the Service-Route " + service_route + " is not used",
                   ev);
  if (first_uri(*route) != service_route)
    return verdict(Verdict::fail,
                   "first Route " + first_uri(*route) + ", not the Service-Route " + service_route,
                   ev);
  return verdict(Verdict::pass, "routed by the Service-Route " + service_route, ev);
}

// TP_PC_SIP_031 (3261-16.3-PC-MAXFWD-LOOP): the UE's INVITE carries
// Max-Forwards 70; the IUT forwards it with 69 (RFC 3261 16.6 item 3).
Tp_Outcome tp_sip_031(const Tp_Context& ctx) {
  Setup s(ctx);
  Tp_Outcome out;
  const auto fwd = forwarded_invite(s, out);
  if (!fwd) return out;
  std::vector<Evidence> ev{evidence_of(*fwd, "Max-Forwards")};
  const auto all = fwd->s.msg.all("Max-Forwards");
  if (all.size() != 1)
    return verdict(Verdict::fail,
                   std::to_string(all.size()) + " Max-Forwards fields on the forwarded INVITE", ev);
  if (*all.front() != "69")
    return verdict(Verdict::fail, "Max-Forwards " + *all.front() + " for the UE's 70, not 69", ev);
  return verdict(Verdict::pass, "Max-Forwards 70 forwarded as 69", ev);
}

// TP_PC_SIP_035 (3261-16.7-PC-NEXT-HOP-FAILURE): the S-CSCF side receives
// the registered UE's INVITE and stays silent (no 100 Trying, no final
// response); the IUT's client transaction times out (Timer B, 64 x T1) and
// RFC 3261 16.8 has it act as if a 408 had arrived: the UE gets 408 (RD-360).
// An INVITE, since RFC 4320 4.1 forbids a 408 to a non-INVITE request.
Tp_Outcome tp_sip_035(const Tp_Context& ctx) {
  Setup s(ctx);
  Tp_Outcome out;
  if (!registered_ue(s, 0, out)) return out;
  s.rig.scscf().stay_silent("INVITE");
  const auto& u = ctx.pixit.users.front();
  const std::size_t mark = s.rig.scscf().mark();
  const std::string id = s.sip->send_request("INVITE", u.impus.front(), "");
  if (id.empty()) return verdict(Verdict::inconc, "the registered connection is gone");
  const std::optional<Sip_Seen> answer =
      s.sip->wait_final(id, ctx.budget_ms("next_hop_timeout_budget_s", 40));
  const std::vector<Scscf_Seen> fwd = s.sip->forwarded(id, mark);
  std::vector<Evidence> ev;
  for (const auto& f : fwd) ev.push_back(evidence_of(f));
  if (answer) ev.push_back(evidence_of(*s.ue, *answer));
  if (fwd.empty()) return verdict(Verdict::inconc, "the INVITE did not reach the S-CSCF side", ev);
  if (!answer)
    return verdict(Verdict::inconc, "no final response within timers.next_hop_timeout_budget_s",
                   ev);
  if (answer->msg.status != 408)
    return verdict(
        Verdict::fail,
        "the unanswered INVITE was answered " + std::to_string(answer->msg.status) + ", not 408",
        ev);
  return verdict(Verdict::pass, "408 after the next hop's silence", ev);
}

namespace {

// The final answer at the UE to the request with that Call-ID and CSeq number.
std::optional<Sip_Seen> final_for(Setup& s, const std::string& call_id, int cseq) {
  std::optional<Sip_Seen> got;
  const std::string prefix = std::to_string(cseq) + " ";
  s.rig.pump_until(
      [&] {
        for (const Sip_Seen& r : s.ue->received()) {
          const std::string* cs = r.msg.first("CSeq");
          if (!r.msg.is_request && r.msg.status >= 200 && r.msg.call_id == call_id &&
              cs != nullptr && cs->rfind(prefix, 0) == 0) {
            got = r;
            return true;
          }
        }
        return s.ue->peer_closed();
      },
      s.rig.sip_budget());
  return got;
}

// The first Record-Route URI of a message, "" when none.
std::string top_record_route(const sip::Message& m) {
  const std::string* rr = m.first("Record-Route");
  return rr == nullptr ? "" : first_uri(*rr);
}

}  // namespace

// TP_PC_SIP_037 (24229-5.2.6.3.6-RR-REWRITE): a registered UE's INVITE is
// answered 200 by the S-CSCF side with the INVITE's Record-Route copied (RFC
// 3261 12.1.1); the UE then sends a re-INVITE (a target refresh) along the
// route set, answered the same way. The P-CSCF's entry the UE sees in the
// answer to the re-INVITE must be the one it saw in the answer to the INVITE
// (TS 24.229 5.2.6.3.6: rewritten to the value of the initial answer).
Tp_Outcome tp_sip_037(const Tp_Context& ctx) {
  Setup s(ctx);
  Tp_Outcome out;
  if (!registered_ue(s, 0, out)) return out;
  const auto& u = ctx.pixit.users.front();
  const std::string id = s.sip->send_request("INVITE", u.impus.front(), "");
  if (id.empty()) return verdict(Verdict::inconc, "the registered connection is gone");
  std::vector<Evidence> ev;
  const auto first = final_for(s, id, 1);
  if (first) ev.push_back(evidence_of(*s.ue, *first));
  if (!first || first->msg.status != 200)
    return verdict(Verdict::inconc, "no 200 to the INVITE within timers.sip_response_s", ev);
  const std::string initial = top_record_route(first->msg);
  if (initial.empty())
    return verdict(Verdict::inconc, "no Record-Route in the 200 to the INVITE (TP_PC_SIP_003's)",
                   ev);
  ev.push_back({s.ue->in_stream(), first->offset, "Record-Route (INVITE's 200): " + initial});
  if (s.sip->send_reinvite(first->msg, 2).empty())
    return verdict(Verdict::inconc, "the re-INVITE could not be sent", ev);
  const auto second = final_for(s, id, 2);
  if (second) ev.push_back(evidence_of(*s.ue, *second));
  if (!second || second->msg.status != 200)
    return verdict(Verdict::inconc, "no 200 to the re-INVITE within timers.sip_response_s", ev);
  const std::string refreshed = top_record_route(second->msg);
  ev.push_back({s.ue->in_stream(), second->offset, "Record-Route (re-INVITE's 200): " + refreshed});
  if (refreshed.empty())
    return verdict(Verdict::inconc,
                   "no Record-Route in the 200 to the re-INVITE (the IUT did not Record-Route "
                   "the target refresh)",
                   ev);
  if (refreshed != initial)
    return verdict(
        Verdict::fail,
        "the entry in the answer to the target refresh is " + refreshed + ", not " + initial, ev);
  return verdict(Verdict::pass, "the same Record-Route entry in both answers", ev);
}

}  // namespace annexo::probe::pcscf_sip
