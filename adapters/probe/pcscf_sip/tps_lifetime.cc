// TPs on the session lifetime (issue 13; long-timer: the IUT's lifetime is
// PICS_SESSION_LIFETIME_S, the wait PIXIT timers.lifetime_budget_s): TLS 1.2
// renegotiation on the connection with a new Session ID (TP_PC_SIP_010) and
// the TLS 1.3 KeyUpdate (TP_PC_SIP_025).
#include "adapters/probe/pcscf_sip/tps.h"
#include "adapters/probe/pcscf_sip/tps_common.h"

namespace annexo::probe::pcscf_sip {

namespace {

// An INVITE from user 1 on `ue`: what the IUT forwarded and answered.
struct Sent {
  std::optional<Scscf_Seen> forwarded;
  std::optional<Sip_Seen> answer;
};

Sent invite(Setup& s, Probe_Ue& ue) {
  Sent out;
  const auto& u = s.rig.ctx().pixit.users.front();
  Ue_Sip sip(s.rig, ue, u);
  const std::size_t mark = s.rig.scscf().mark();
  const std::string id = sip.send_request("INVITE", u.impus.front(), u.impus.front());
  if (id.empty()) return out;
  out.answer = sip.wait_final(id, s.rig.sip_budget());
  const auto fwd = sip.forwarded(id, mark);
  if (!fwd.empty()) out.forwarded = fwd.front();
  return out;
}

std::string hex(const std::vector<std::uint8_t>& b) {
  static const char* d = "0123456789abcdef";
  std::string o;
  for (const auto x : b) {
    o += d[x >> 4];
    o += d[x & 15];
  }
  return o;
}

// "Requests on the connection keep their PAI" after the refresh: a refusal
// or a close is the expected not observed (fail); silence is inconc.
bool keeps_pai(Setup& s, std::vector<Evidence>& ev, Tp_Outcome& out) {
  const Sent r = invite(s, *s.ue);
  if (r.answer) ev.push_back(evidence_of(*s.ue, *r.answer));
  if (!r.forwarded) {
    if (s.ue->peer_closed() || (r.answer && r.answer->msg.status >= 300)) {
      out =
          verdict(Verdict::fail, "after the refresh the request on the connection was refused", ev);
    } else {
      out = verdict(Verdict::inconc, "the INVITE after the refresh was not forwarded", ev);
    }
    return false;
  }
  ev.push_back(evidence_of(*r.forwarded, "P-Asserted-Identity"));
  const auto pai = asserted(r.forwarded->s.msg);
  if (pai.empty() || !in_set(s.rig.ctx().pixit.users.front().impus, pai.front())) {
    out = verdict(Verdict::fail, "after the refresh the connection's request lost its PAI", ev);
    return false;
  }
  return true;
}

// PICS_SESSION_LIFETIME_S (0 when absent).
long long pics_lifetime_s(const Tp_Context& ctx) {
  const auto it = ctx.pics.answers.find("PICS_SESSION_LIFETIME_S");
  return it == ctx.pics.answers.end() ? 0 : it->second.i;
}

}  // namespace

// TP_PC_SIP_010 (O.4.2-PC-RENEG-INSIDE-CONN, O.4.2-PC-REPLACE-SESSION-ID,
// O.4.2-PC-LIFETIME-POLICY, RFC5746-SECURE-RENEG, O.2.1-ALL-RENEG-PER-O4).
Tp_Outcome tp_sip_010(const Tp_Context& ctx) {
  Setup s(ctx);
  Tp_Outcome out;
  if (!registered_ue(s, 0, out, /*openssl=*/true)) return out;
  SSL_SESSION* old = s.ue->session();
  const std::vector<std::uint8_t> first = s.ue->handshake().session_handle;
  std::vector<Evidence> ev{
      Evidence{s.ue->tls_stream(), s.ue->handshake_offset(), "first Session ID " + hex(first)}};
  s.rig.pump_until([&] { return s.ue->handshakes() >= 2 || s.ue->peer_closed() || s.ue->failed(); },
                   ctx.budget_ms("lifetime_budget_s", 40));
  if (s.ue->handshakes() < 2) {
    if (old != nullptr) SSL_SESSION_free(old);
    if (s.ue->peer_closed())
      return verdict(Verdict::fail, "the IUT closed the connection instead of renegotiating", ev);
    // RD-331: the PICS claims renegotiation at PICS_SESSION_LIFETIME_S; when
    // that lifetime (plus RD-152's 1 s tolerance) ends inside the wait, which
    // starts after the handshake, no HelloRequest is the claim not kept.
    const long long lifetime_s = pics_lifetime_s(ctx);
    const int budget_ms = ctx.budget_ms("lifetime_budget_s", 40);
    if (lifetime_s > 0 && (lifetime_s + 1) * 1000 <= budget_ms)
      return verdict(Verdict::fail,
                     "no HelloRequest within timers.lifetime_budget_s, though "
                     "PICS_SESSION_LIFETIME_S (" +
                         std::to_string(lifetime_s) + " s) ends inside it",
                     ev);
    return verdict(Verdict::inconc,
                   "no HelloRequest within timers.lifetime_budget_s (PICS_SESSION_LIFETIME_S "
                   "does not end inside it)",
                   ev);
  }
  const tls::Handshake_Facts& f = s.ue->handshake();
  ev.push_back(Evidence{
      s.ue->tls_stream(), s.ue->handshake_offset(),
      std::string("renegotiation on the connection, Session ID ") + hex(f.session_handle)});
  if (!f.renegotiation || f.session_handle.empty() || f.session_handle == first) {
    if (old != nullptr) SSL_SESSION_free(old);
    return verdict(Verdict::fail, "the renegotiation kept or emptied the Session ID", ev);
  }
  if (!keeps_pai(s, ev, out)) {
    if (old != nullptr) SSL_SESSION_free(old);
    return out;
  }
  // The old Session ID from another port authorises nothing.
  if (old == nullptr) return verdict(Verdict::inconc, "the first session cannot be offered", ev);
  Evidence resumed;
  Probe_Ue* b = resuming_connection(s, old, out, resumed);
  SSL_SESSION_free(old);
  if (b == nullptr) return out;
  ev.push_back(resumed);
  const Sent r = invite(s, *b);
  if (r.forwarded) {
    ev.push_back(evidence_of(*r.forwarded, "P-Asserted-Identity"));
    if (!asserted(r.forwarded->s.msg).empty())
      return verdict(Verdict::fail, "the old Session ID authorised a PAI on another connection",
                     ev);
  } else if (!b->peer_closed() && (!r.answer || r.answer->msg.status < 300)) {
    return verdict(Verdict::inconc, "no refusal and nothing forwarded from the other connection",
                   ev);
  }
  return verdict(Verdict::pass,
                 "renegotiated on the connection with a new Session ID; the old one authorises "
                 "nothing",
                 ev);
}

// TP_PC_SIP_025 (O.4.2-PC-LIFETIME-POLICY, O.4.2-PC-RENEG-INSIDE-CONN): TLS
// 1.3, KeyUpdate(update_requested) on the connection (OpenSSL answers it).
Tp_Outcome tp_sip_025(const Tp_Context& ctx) {
  Setup s(ctx);
  Tp_Outcome out;
  if (!s.rig.open()) return verdict(Verdict::error, "S-CSCF side: " + s.rig.error());
  s.ue = &s.rig.add_ue(/*openssl=*/true, nullptr, /*tls13=*/true);
  if (!s.rig.handshake(*s.ue, out)) return out;
  if (s.ue->handshake().version != 0x0304)
    return verdict(Verdict::inconc, "the IUT did not negotiate TLS 1.3");
  s.sip = std::make_unique<Ue_Sip>(s.rig, *s.ue, ctx.pixit.users.front());
  if (!s.sip->register_user().registered())
    return verdict(Verdict::inconc, "initial condition not reached: registration failed");
  std::vector<Evidence> ev;
  s.rig.pump_until([&] { return s.ue->key_updates_requested() > 0 || s.ue->peer_closed(); },
                   ctx.budget_ms("lifetime_budget_s", 40));
  if (s.ue->key_updates_requested() == 0) {
    if (s.ue->peer_closed())
      return verdict(Verdict::fail, "the IUT closed the connection without KeyUpdate");
    return verdict(Verdict::inconc, "no KeyUpdate within timers.lifetime_budget_s");
  }
  ev.push_back(Evidence{s.ue->tls_stream(), 0, "KeyUpdate(update_requested) received"});
  if (!keeps_pai(s, ev, out)) return out;
  return verdict(Verdict::pass, "KeyUpdate on the connection; the request keeps its PAI", ev);
}

}  // namespace annexo::probe::pcscf_sip
