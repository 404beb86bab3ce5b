// TPs on the identity the IUT asserts (issue 13): PAI from the binding
// (TP_PC_SIP_005), a foreign P-Preferred-Identity (TP_PC_SIP_006), a second
// connection (TP_PC_SIP_007), an additional IMPU (TP_PC_SIP_022),
// de-registration (TP_PC_SIP_023) and a registration without Digest
// (TP_PC_SIP_026).
#include <optional>

#include "adapters/probe/pcscf_sip/tps.h"
#include "adapters/probe/pcscf_sip/tps_common.h"

namespace annexo::probe::pcscf_sip {

namespace {

// One request and what became of it: its final answer at the UE and what
// the IUT forwarded (waits for the answer, or a close, within the budget).
struct Observed {
  bool sent = false;
  std::optional<Sip_Seen> answer;
  std::vector<Scscf_Seen> forwarded;
};

Observed observe(Rig& rig, Ue_Sip& sip, const std::string& method, const std::string& from,
                 const std::string& ppi) {
  Observed o;
  const std::size_t mark = rig.scscf().mark();
  const std::string id = sip.send_request(method, from, ppi);
  if (id.empty()) return o;
  o.sent = true;
  o.answer = sip.wait_final(id, rig.sip_budget());
  o.forwarded = sip.forwarded(id, mark);
  return o;
}

void add_evidence(std::vector<Evidence>& ev, const Probe_Ue& ue, const Observed& o) {
  if (o.answer) ev.push_back(evidence_of(ue, *o.answer));
  for (const auto& f : o.forwarded) ev.push_back(evidence_of(f, "P-Asserted-Identity"));
}

// "No forwarded request asserts an identity" (TP_PC_SIP_007, 023).
Tp_Outcome judge_unasserted(const Probe_Ue& ue, const Observed& o, const char* where) {
  std::vector<Evidence> ev;
  add_evidence(ev, ue, o);
  for (const auto& f : o.forwarded)
    if (!asserted(f.s.msg).empty())
      return verdict(Verdict::fail, std::string("forwarded with a PAI ") + where, ev);
  if (!o.forwarded.empty()) return verdict(Verdict::pass, "forwarded without PAI", ev);
  if (o.answer && o.answer->msg.status >= 300)
    return verdict(Verdict::pass, "rejected, nothing forwarded", ev);
  if (ue.peer_closed()) return verdict(Verdict::pass, "connection closed, nothing forwarded", ev);
  if (o.answer)  // a 2xx to a request the S-CSCF side never saw: nothing observable
    return verdict(Verdict::inconc, "answered 2xx but not forwarded to the S-CSCF side", ev);
  return verdict(Verdict::inconc, "no answer and nothing forwarded within the budget", ev);
}

// A REGISTER of `impu` on the registered connection (TP_PC_SIP_022); the
// inconc verdict when it did not complete.
std::optional<Tp_Outcome> register_again(Setup& s, const std::string& impu,
                                         std::vector<Evidence>& ev) {
  Reg_Options ro;
  ro.impu = impu;
  const Reg_Result r = s.sip->register_user(ro);
  for (const auto& a : r.answers) ev.push_back(evidence_of(*s.ue, a));
  if (r.registered()) return std::nullopt;
  return verdict(Verdict::inconc, "the registration of " + impu + " did not complete", ev);
}

// An INVITE with P-Preferred-Identity `ppi` is forwarded asserting it; else
// fail, or inconc when nothing was forwarded (TP_PC_SIP_022).
std::optional<Tp_Outcome> expect_asserted(Setup& s, const std::string& ppi, const std::string& when,
                                          std::vector<Evidence>& ev) {
  const Observed o = observe(s.rig, *s.sip, "INVITE", ppi, ppi);
  add_evidence(ev, *s.ue, o);
  if (o.forwarded.empty())
    return verdict(Verdict::inconc,
                   "the INVITE preferring " + ppi + " " + when + " was not forwarded", ev);
  if (!in_set(asserted(o.forwarded.front().s.msg), ppi))
    return verdict(Verdict::fail, ppi + " is not asserted " + when, ev);
  return std::nullopt;
}

}  // namespace

// TP_PC_SIP_005 (O.2.2-PC-ASSERT-FROM-ASSOC, N.2-PC-IP-ASSOC-CHECK,
// O.2.2-PC-ASSOC-IMPU-SET): INVITE with and without P-Preferred-Identity.
Tp_Outcome tp_sip_005(const Tp_Context& ctx) {
  Setup s(ctx);
  Tp_Outcome out;
  if (!registered_ue(s, 0, out)) return out;
  const auto& u = ctx.pixit.users.front();
  std::vector<Evidence> ev;
  for (const std::string& ppi : {u.impus.front(), std::string()}) {
    const Observed o = observe(s.rig, *s.sip, "INVITE", u.impus.front(), ppi);
    add_evidence(ev, *s.ue, o);
    if (o.forwarded.empty())
      return verdict(Verdict::inconc, "INVITE not forwarded within timers.sip_response_s", ev);
    const auto pai = asserted(o.forwarded.front().s.msg);
    if (pai.empty()) return verdict(Verdict::fail, "forwarded without PAI", ev);
    for (const auto& p : pai)
      if (!in_set(u.impus, p))
        return verdict(Verdict::fail, "PAI " + p + " is not a registered IMPU of user 1", ev);
  }
  return verdict(Verdict::pass, "PAI from user 1's registered set, with and without PPI", ev);
}

// TP_PC_SIP_006 (O.2.2-PC-ASSERT-FROM-ASSOC): PPI = the unregistered IMPU,
// then user 2's IMPU.
Tp_Outcome tp_sip_006(const Tp_Context& ctx) {
  Setup s(ctx);
  Tp_Outcome out;
  if (ctx.pixit.users.size() < 2) return verdict(Verdict::error, "PIXIT needs two users");
  if (!registered_ue(s, 0, out)) return out;
  const auto& u = ctx.pixit.users.front();
  std::vector<Evidence> ev;
  bool all_decided = true;
  for (const std::string& ppi : {ctx.pixit.unregistered_impu, ctx.pixit.users[1].impus.front()}) {
    if (s.ue->peer_closed()) break;
    const Observed o = observe(s.rig, *s.sip, "INVITE", u.impus.front(), ppi);
    add_evidence(ev, *s.ue, o);
    for (const auto& f : o.forwarded)
      for (const auto& p : asserted(f.s.msg))
        if (!in_set(u.impus, p))
          return verdict(Verdict::fail, "PAI " + p + " asserted for PPI " + ppi, ev);
    // Rejected, closed, or forwarded: decided. Silence, or a 2xx for a
    // request the S-CSCF side never saw, shows nothing (RD-160).
    const bool rejected = (o.answer && o.answer->msg.status >= 300) || s.ue->peer_closed();
    if (o.forwarded.empty() && !rejected) all_decided = false;
  }
  if (!all_decided)
    return verdict(Verdict::inconc, "neither rejected nor forwarded within the budget", ev);
  return verdict(Verdict::pass, "no identity outside user 1's set asserted", ev);
}

// TP_PC_SIP_007 (O.2.2-PC-ASSOC-ONLY-ON-AUTH-CONN, O.2.2-PC-MATCH-FULL-TUPLE):
// connection B from another port, full handshake, INVITE from user 1.
Tp_Outcome tp_sip_007(const Tp_Context& ctx) {
  Setup s(ctx);
  Tp_Outcome out;
  if (!registered_ue(s, 0, out)) return out;
  Probe_Ue& b = s.rig.add_ue();
  if (!s.rig.handshake(b, out)) return out;
  const auto& u = ctx.pixit.users.front();
  Ue_Sip sip_b(s.rig, b, u);
  const Observed o = observe(s.rig, sip_b, "INVITE", u.impus.front(), u.impus.front());
  return judge_unasserted(b, o, "from connection B (another source port)");
}

// TP_PC_SIP_008 (O.2.2-PC-MATCH-FULL-TUPLE, O.2.2-PC-UNBOUND-NO-ASSERT):
// connection B from another port offering A's session (TLS 1.2, OpenSSL).
Tp_Outcome tp_sip_008(const Tp_Context& ctx) {
  Setup s(ctx);
  Tp_Outcome out;
  if (!registered_ue(s, 0, out, /*openssl=*/true)) return out;
  SSL_SESSION* old = s.ue->session();
  if (old == nullptr) return verdict(Verdict::inconc, "connection A has no session to offer");
  Evidence resumed;
  Probe_Ue* b = resuming_connection(s, old, out, resumed);
  SSL_SESSION_free(old);
  if (b == nullptr) return out;
  const auto& u = ctx.pixit.users.front();
  Ue_Sip sip_b(s.rig, *b, u);
  const Observed o = observe(s.rig, sip_b, "INVITE", u.impus.front(), u.impus.front());
  Tp_Outcome v = judge_unasserted(*b, o, "from connection B (A's session offered)");
  v.evidence.insert(v.evidence.begin(), resumed);
  return v;
}

// TP_PC_SIP_022 (O.2.2-PC-ASSOC-ADD-IMPU): a second IMPU of user 1
// registered on the same connection is asserted, and stays asserted when the
// first is registered again. Each PIXIT IMPU is its own registration set at
// the S-CSCF side, so each 2xx lists one IMPU, which must be added to the
// association, not replace it. A lost first IMPU cannot be seen by asserting
// it: a P-Preferred-Identity outside the set is answered with the default
// identity (O.2.2-PC-ASSERT-FROM-ASSOC), which is the first IMPU; a lost
// second IMPU can (RD-251).
Tp_Outcome tp_sip_022(const Tp_Context& ctx) {
  const auto& u = ctx.pixit.users.front();
  if (u.impus.size() < 2) return verdict(Verdict::inconc, "PIXIT user 1 has one IMPU only");
  Setup s(ctx);
  Tp_Outcome out;
  if (!registered_ue(s, 0, out)) return out;
  std::vector<Evidence> ev;
  if (auto v = register_again(s, u.impus[1], ev)) return *v;
  if (auto v = expect_asserted(s, u.impus[1], "after it was added", ev)) return *v;
  // Also for a product that drops the first IMPU from its table.
  if (auto v = expect_asserted(s, u.impus[0], "after the second was added", ev)) return *v;
  if (auto v = register_again(s, u.impus[0], ev)) return *v;
  if (auto v = expect_asserted(s, u.impus[1], "after the first was registered again", ev))
    return *v;
  return verdict(Verdict::pass,
                 "PAI of the second IMPU, of the first still, and of the second after the first "
                 "was registered again",
                 ev);
}

// TP_PC_SIP_023 (O.2.2-PC-ASSOC-DELETE): REGISTER Expires: 0, then INVITE.
Tp_Outcome tp_sip_023(const Tp_Context& ctx) {
  Setup s(ctx);
  Tp_Outcome out;
  if (!registered_ue(s, 0, out)) return out;
  Reg_Options ro;
  ro.expires = 0;
  const Reg_Result r = s.sip->register_user(ro);
  if (!r.registered())
    return verdict(Verdict::inconc, "the de-registration was not answered 2xx within the budget");
  const auto& u = ctx.pixit.users.front();
  const Observed o = observe(s.rig, *s.sip, "INVITE", u.impus.front(), u.impus.front());
  return judge_unasserted(*s.ue, o, "after de-registration");
}

namespace {

// The S-CSCF side answers user 1's REGISTER without a Digest response 200 at
// once (without Authorization, or with TS 24.229's initial form naming the
// IMPI); the connection is not Digest-authenticated, so it asserts nothing.
Tp_Outcome unauthenticated_2xx_asserts_nothing(const Tp_Context& ctx, bool initial_form) {
  Setup s(ctx);
  Tp_Outcome out;
  if (!fresh_connection(s, out)) return out;
  s.rig.scscf().registrar().accept_without_credentials();
  const auto& u = ctx.pixit.users.front();
  s.sip = std::make_unique<Ue_Sip>(s.rig, *s.ue, u);
  Reg_Options o;
  o.initial_authorization = initial_form;
  const Reg_Result r = s.sip->register_user(o);
  std::vector<Evidence> ev;
  for (const auto& a : r.answers) ev.push_back(evidence_of(*s.ue, a));
  if (r.first_status < 200 || r.first_status >= 300)
    return verdict(Verdict::inconc,
                   "the REGISTER without a Digest response was not answered 2xx (" +
                       std::to_string(r.first_status) +
                       "): the IUT challenges itself or the S-CSCF side never saw it",
                   ev);
  const Observed o2 = observe(s.rig, *s.sip, "INVITE", u.impus.front(), u.impus.front());
  Tp_Outcome v = judge_unasserted(*s.ue, o2, "after a registration without Digest");
  v.evidence.insert(v.evidence.begin(), ev.begin(), ev.end());
  return v;
}

}  // namespace

// TP_PC_SIP_026 (O.1.1-ALL-DIGEST-REQUIRED, O.2.1-PC-TRUST-ENDPOINT-VIA-ASSOC):
// a REGISTER without Authorization answered 200 by the S-CSCF side.
Tp_Outcome tp_sip_026(const Tp_Context& ctx) {
  return unauthenticated_2xx_asserts_nothing(ctx, false);
}

// TP_PC_SIP_028 (the same requirements): the REGISTER carries TS 24.229's
// initial Authorization (the IMPI, empty nonce and response, RD-226), so the
// IUT knows an IMPI, but still no Digest response was verified.
Tp_Outcome tp_sip_028(const Tp_Context& ctx) {
  return unauthenticated_2xx_asserts_nothing(ctx, true);
}

}  // namespace annexo::probe::pcscf_sip
