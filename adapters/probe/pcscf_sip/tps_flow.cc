// TPs on the UE's flow (issue 13): terminating requests along the Path
// (TP_PC_SIP_011), 430 once the flow is gone (TP_PC_SIP_012), a tampered
// flow token (TP_PC_SIP_013), the CRLF keep-alive (TP_PC_SIP_014) and a
// ringing UE's call outliving the transaction timer (TP_PC_SIP_036, RD-360).
#include <optional>

#include "adapters/probe/pcscf_sip/tps.h"
#include "adapters/probe/pcscf_sip/tps_common.h"

namespace annexo::probe::pcscf_sip {

namespace {

// The terminating leg's outcome: the request at the UE, the IUT's final
// answer at the S-CSCF side.
struct Leg {
  std::string call_id;
  std::string error;          // the S-CSCF side could not send it (test system)
  bool unregistered = false;  // no Path known at the S-CSCF side: inconc
  const Sip_Seen* at_ue = nullptr;
  std::optional<Scscf_Seen> answer;
};

const Sip_Seen* request_at(const Probe_Ue& ue, const std::string& call_id) {
  for (const auto& s : ue.received())
    if (s.msg.is_request && s.msg.call_id == call_id) return &s;
  return nullptr;
}

std::optional<Scscf_Seen> final_answer(Scscf& sc, std::size_t mark, const std::string& call_id) {
  const auto& all = sc.responses();
  for (std::size_t i = mark; i < all.size(); ++i)
    if (all[i].s.msg.call_id == call_id && all[i].s.msg.status >= 200) return all[i];
  return std::nullopt;
}

// Sends INVITE to `contact` (default: user 1's registered contact) with
// `route` as top Route and waits until it reached the UE or a final answer
// came back.
Leg terminate(Setup& s, const std::string& route, std::string contact = "") {
  Leg leg;
  Scscf& sc = s.rig.scscf();
  const Reg_Binding* b = sc.registrar().binding(s.sip->user().impi);
  if (contact.empty() && b != nullptr) contact = b->contact_uri;
  if (contact.empty() || route.empty()) {
    leg.unregistered = true;  // the IUT forwarded no registration, or no Path
    return leg;
  }
  const std::size_t mark = sc.mark_responses();
  const auto& pixit = s.rig.ctx().pixit;
  leg.call_id = sc.send_terminating(
      "INVITE", contact, route,
      pixit.users.size() > 1 ? pixit.users[1].impus.front() : pixit.unregistered_impu, leg.error);
  if (leg.call_id.empty()) return leg;
  s.rig.pump_until(
      [&] {
        leg.at_ue = request_at(*s.ue, leg.call_id);
        leg.answer = final_answer(sc, mark, leg.call_id);
        return leg.answer.has_value();
      },
      s.rig.sip_budget());
  leg.at_ue = request_at(*s.ue, leg.call_id);
  return leg;
}

Tp_Outcome not_at_scscf() {
  return verdict(Verdict::inconc,
                 "registered, but no Path reached the S-CSCF side (registration not forwarded, "
                 "or forwarded without Path): nothing to route along");
}

std::string registered_path(Setup& s) {
  const Reg_Binding* b = s.rig.scscf().registrar().binding(s.sip->user().impi);
  return b == nullptr ? "" : b->path;
}

}  // namespace

// TP_PC_SIP_011 (O.2.1-PC-RFC5626-FORWARDING, 5626-5.3-PC-FORWARD-OVER-FLOW).
Tp_Outcome tp_sip_011(const Tp_Context& ctx) {
  Setup s(ctx);
  Tp_Outcome out;
  if (!registered_ue(s, 0, out)) return out;
  const Leg leg = terminate(s, registered_path(s));
  if (leg.unregistered) return not_at_scscf();
  if (!leg.error.empty()) return verdict(Verdict::error, "S-CSCF side: " + leg.error);
  std::vector<Evidence> ev;
  if (leg.at_ue) ev.push_back(evidence_of(*s.ue, *leg.at_ue));
  if (leg.answer) ev.push_back(evidence_of(*leg.answer));
  if (leg.at_ue)
    return verdict(Verdict::pass, "the INVITE arrived on the UE's registered connection", ev);
  if (leg.answer)
    return verdict(Verdict::fail, "not delivered while the UE's connection is up", ev);
  return verdict(Verdict::inconc, "nothing within timers.sip_response_s", ev);
}

// TP_PC_SIP_012 (5626-5.3-PC-430-FLOW-GONE, O.2.2-PC-ASSOC-DELETE): first
// the flow of a registration the UE removed (REGISTER Expires: 0 answered
// 2xx, connection still up: no association, so the flow carries nothing,
// RD-15, RD-230), then, registered again, the flow of a closed connection.
Tp_Outcome tp_sip_012(const Tp_Context& ctx) {
  Setup s(ctx);
  Tp_Outcome out;
  if (!registered_ue(s, 0, out)) return out;
  std::string path = registered_path(s);
  const Reg_Binding* b = s.rig.scscf().registrar().binding(s.sip->user().impi);
  const std::string contact = b == nullptr ? "" : b->contact_uri;
  Reg_Options dereg;
  dereg.expires = 0;
  if (!s.sip->register_user(dereg).registered())
    return verdict(Verdict::inconc, "the de-registration was not answered 2xx within the budget");
  std::vector<Evidence> ev;
  const Leg gone = terminate(s, path, contact);
  if (gone.unregistered) return not_at_scscf();
  if (!gone.error.empty()) return verdict(Verdict::error, "S-CSCF side: " + gone.error);
  if (gone.at_ue) ev.push_back(evidence_of(*s.ue, *gone.at_ue));
  if (gone.answer) ev.push_back(evidence_of(*gone.answer));
  if (gone.at_ue)
    return verdict(Verdict::fail, "after de-registration: delivered over the connection, not 430",
                   ev);
  if (!gone.answer)
    return verdict(Verdict::inconc,
                   "after de-registration: no response within "
                   "timers.sip_response_s",
                   ev);
  if (gone.answer->s.msg.status != 430)
    return verdict(Verdict::fail,
                   "after de-registration: answered " + std::to_string(gone.answer->s.msg.status) +
                       ", not 430",
                   ev);
  // Registered again on the same connection, then the UE leaves.
  if (!s.sip->register_user().registered())
    return verdict(Verdict::inconc,
                   "the registration after the de-registration was not answered "
                   "2xx within the budget",
                   ev);
  path = registered_path(s);
  // The UE leaves: close_notify, and the IUT's own close awaited (so the
  // flow is gone on its side before the INVITE arrives), then the socket.
  s.ue->send_close_notify();
  s.rig.pump_until([&] { return s.ue->peer_closed(); }, s.rig.close_budget());
  s.ue->close();
  const Leg leg = terminate(s, path);
  if (leg.unregistered) return not_at_scscf();
  if (!leg.error.empty()) return verdict(Verdict::error, "S-CSCF side: " + leg.error);
  if (!leg.answer) return verdict(Verdict::inconc, "no response within timers.sip_response_s", ev);
  ev.push_back(evidence_of(*leg.answer));
  if (leg.answer->s.msg.status != 430)
    return verdict(Verdict::fail,
                   "answered " + std::to_string(leg.answer->s.msg.status) + ", not 430", ev);
  return verdict(Verdict::pass, "430 after de-registration and once the connection is gone", ev);
}

// TP_PC_SIP_013 (5626-5.3-PC-403-BAD-TOKEN, 5626-5.2-PC-TOKEN-TAMPERPROOF):
// the Path's token with one bit flipped, truncated, then its last character
// changed.
Tp_Outcome tp_sip_013(const Tp_Context& ctx) {
  Setup s(ctx);
  Tp_Outcome out;
  if (!registered_ue(s, 0, out)) return out;
  const std::string path = registered_path(s);
  if (path.empty()) return not_at_scscf();
  auto list = sip::parse_name_addr_list(path, "Path");
  if (!list.ok() || list->empty() || list->front().uri.user.empty())
    return verdict(Verdict::inconc, "no flow token in the registered Path: " + path);
  const std::string token = list->front().uri.user;
  const std::size_t at = path.find(token);
  std::string flipped = token;
  flipped[0] = static_cast<char>(flipped[0] ^ 0x01);  // one bit of the first character
  const std::string truncated = token.substr(0, token.size() / 2);
  // The last character changed to another of its kind (digit, letter), so
  // the token keeps its alphabet: a check of part of the MAC (a token ending
  // in its MAC, annexo's: the high bits) would take it (RD-320).
  std::string last = token;
  char& c = last.back();
  if (c >= '0' && c <= '9')
    c = static_cast<char>('0' + (c - '0' + 1) % 10);
  else if (c >= 'a' && c <= 'f')
    c = static_cast<char>('a' + (c - 'a' + 1) % 6);
  else if (c >= 'A' && c <= 'F')
    c = static_cast<char>('A' + (c - 'A' + 1) % 6);
  else
    c = c == 'x' ? 'y' : 'x';
  std::vector<Evidence> ev;
  for (const std::string& t : {flipped, truncated, last}) {
    std::string route = path;
    route.replace(at, token.size(), t);
    const Leg leg = terminate(s, route);
    if (leg.unregistered) return not_at_scscf();
    if (!leg.error.empty()) return verdict(Verdict::error, "S-CSCF side: " + leg.error);
    if (leg.answer) ev.push_back(evidence_of(*leg.answer));
    if (leg.at_ue) {
      ev.push_back(evidence_of(*s.ue, *leg.at_ue));
      return verdict(Verdict::fail, "a request with token " + t + " was delivered to the UE", ev);
    }
    if (!leg.answer)
      return verdict(Verdict::inconc, "no response within timers.sip_response_s", ev);
    if (leg.answer->s.msg.status < 300)
      return verdict(Verdict::fail,
                     "tampered token accepted (" + std::to_string(leg.answer->s.msg.status) + ")",
                     ev);
  }
  return verdict(Verdict::pass, "the three tampered tokens refused, nothing delivered", ev);
}

// TP_PC_SIP_014 (5626-5.4-PC-CRLF-PONG): CRLFCRLF on the registered
// connection; a CRLF back and the connection stays up.
Tp_Outcome tp_sip_014(const Tp_Context& ctx) {
  Setup s(ctx);
  Tp_Outcome out;
  if (!registered_ue(s, 0, out)) return out;
  const std::size_t before = s.ue->stream().pongs().size();
  if (!s.ue->send("\r\n\r\n"))
    return verdict(Verdict::inconc, "the connection could not carry the ping");
  s.rig.pump_until([&] { return s.ue->stream().pongs().size() > before || s.ue->peer_closed(); },
                   s.rig.sip_budget());
  if (s.ue->stream().pongs().size() > before && !s.ue->peer_closed())
    return verdict(Verdict::pass, "CRLF pong, connection up",
                   {Evidence{s.ue->in_stream(), s.ue->stream().pongs()[before], "CRLF"}});
  if (s.ue->peer_closed())
    return verdict(Verdict::fail, "the connection closed after the ping",
                   {Evidence{s.ue->in_stream(), s.ue->close_offset(), "close"}});
  return verdict(Verdict::fail, "no pong within timers.sip_response_s");
}

// TP_PC_SIP_036 (3261-16.7-PC-TIMER-C): a terminating INVITE along user 1's
// Path; the UE answers 180 and rings past the IUT's transaction timer
// (timers.next_hop_timeout_budget_s), then answers 200. RFC 3261 16.6 item
// 11 / 16.7 item 2: the 180 restarts the proxy's timer as Timer C (over
// three minutes), so the S-CSCF side gets the 180, then the 200, never a 408.
Tp_Outcome tp_sip_036(const Tp_Context& ctx) {
  Setup s(ctx);
  Tp_Outcome out;
  if (!registered_ue(s, 0, out)) return out;
  const std::string path = registered_path(s);
  const Reg_Binding* b = s.rig.scscf().registrar().binding(s.sip->user().impi);
  if (path.empty() || b == nullptr) return not_at_scscf();
  s.ue->ring_invites();
  Scscf& sc = s.rig.scscf();
  const std::size_t mark = sc.mark_responses();
  std::string err;
  const auto& pixit = ctx.pixit;
  const std::string id = sc.send_terminating(
      "INVITE", b->contact_uri, path,
      pixit.users.size() > 1 ? pixit.users[1].impus.front() : pixit.unregistered_impu, err);
  if (id.empty()) return verdict(Verdict::error, "S-CSCF side: " + err);
  const auto status_at_scscf = [&](int lo, int hi) -> std::optional<Scscf_Seen> {
    const auto& all = sc.responses();
    for (std::size_t i = mark; i < all.size(); ++i)
      if (all[i].s.msg.call_id == id && all[i].s.msg.status >= lo && all[i].s.msg.status <= hi)
        return all[i];
    return std::nullopt;
  };
  std::vector<Evidence> ev;
  s.rig.pump_until([&] { return status_at_scscf(180, 199) || status_at_scscf(200, 699); },
                   s.rig.sip_budget());
  if (const auto early = status_at_scscf(200, 699)) {
    ev.push_back(evidence_of(*early));
    return verdict(Verdict::fail,
                   "final " + std::to_string(early->s.msg.status) + " before the UE answered", ev);
  }
  const auto ringing = status_at_scscf(180, 199);
  if (!ringing) return verdict(Verdict::inconc, "the UE's 180 did not reach the S-CSCF side", ev);
  ev.push_back(evidence_of(*ringing));
  // Ringing past the transaction timer: any final answer now is the IUT's own.
  s.rig.pump_until([&] { return status_at_scscf(200, 699).has_value(); },
                   ctx.budget_ms("next_hop_timeout_budget_s", 40));
  if (const auto timeout = status_at_scscf(200, 699)) {
    ev.push_back(evidence_of(*timeout));
    return verdict(Verdict::fail,
                   "answered " + std::to_string(timeout->s.msg.status) +
                       " while the UE was ringing (no Timer C)",
                   ev);
  }
  if (!s.ue->answer_held(200, "OK"))
    return verdict(Verdict::inconc, "the INVITE did not reach the UE", ev);
  s.rig.pump_until([&] { return status_at_scscf(200, 699).has_value(); }, s.rig.sip_budget());
  const auto fin = status_at_scscf(200, 699);
  if (!fin) return verdict(Verdict::inconc, "the UE's late 200 did not reach the S-CSCF side", ev);
  ev.push_back(evidence_of(*fin));
  if (fin->s.msg.status != 200)
    return verdict(Verdict::fail,
                   "the UE's 200 reached the S-CSCF side as " + std::to_string(fin->s.msg.status),
                   ev);
  return verdict(Verdict::pass, "180, then the UE's 200 after the transaction timer", ev);
}

}  // namespace annexo::probe::pcscf_sip
