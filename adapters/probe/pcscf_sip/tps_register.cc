// TPs on the REGISTERs the IUT forwards (issue 13): Digest registration and
// its marking (TP_PC_SIP_002), the Path's flow token and ;ob
// (TP_PC_SIP_003, 004), a wrong password (TP_PC_SIP_009), re-registration
// (TP_PC_SIP_019) and another IMPI on a bound connection (TP_PC_SIP_020).
#include "adapters/probe/pcscf_sip/tps.h"
#include "adapters/probe/pcscf_sip/tps_common.h"

namespace annexo::probe::pcscf_sip {

namespace {

const Scscf_Seen* credentialed(const Reg_Result& r) {
  for (auto it = r.forwarded.rbegin(); it != r.forwarded.rend(); ++it)
    if (it->s.msg.first("Authorization") != nullptr && it->s.msg.method == "REGISTER") return &*it;
  return nullptr;
}

// The top Path URI of a forwarded REGISTER.
std::optional<sip::SipUri> top_path(const sip::Message& m) {
  const std::string* p = m.first("Path");
  if (p == nullptr) return std::nullopt;
  auto list = sip::parse_name_addr_list(*p, "Path");
  if (!list.ok() || list->empty()) return std::nullopt;
  return list->front().uri;
}

}  // namespace

// TP_PC_SIP_002 (O.1.1-ALL-DIGEST-REQUIRED, O.2-PC-INTEGRITY-PROTECTED-PARAM,
// 24229-5.2.1-PATH-SUPPORT, O.2.1-PC-TRUST-ENDPOINT-VIA-ASSOC,
// O.2.2-PC-ASSOC-CREATE): challenge, credentials, 2xx; every forwarded
// REGISTER has a Path, the credentialed one integrity-protected="tls-pending".
Tp_Outcome tp_sip_002(const Tp_Context& ctx) {
  Setup s(ctx);
  Tp_Outcome out;
  if (!fresh_connection(s, out)) return out;
  Ue_Sip sip(s.rig, *s.ue, ctx.pixit.users.front());
  const Reg_Result r = sip.register_user();
  std::vector<Evidence> ev;
  for (const auto& f : r.forwarded) {
    ev.push_back(evidence_of(f, "Authorization"));
    ev.push_back(evidence_of(f, "Path"));
  }
  for (const auto& a : r.answers) ev.push_back(evidence_of(*s.ue, a));
  if (r.first_status == 0) return verdict(Verdict::inconc, "no answer to the REGISTER", ev);
  const Scscf_Seen* cred = credentialed(r);
  if (r.first_status == 401 && r.final_status == 0)
    return verdict(Verdict::inconc, "no answer to the REGISTER with credentials", ev);
  if (!r.registered())
    return verdict(Verdict::fail,
                   "the registration failed (" + std::to_string(r.final_status) + ")", ev);
  // Registered without forwarding (an IUT with its own registrar): the
  // marking and the Path are not observable (RD-160).
  if (cred == nullptr)
    return verdict(Verdict::inconc,
                   "registered, but no REGISTER with credentials reached the S-CSCF side", ev);
  for (const auto& f : r.forwarded) {
    if (f.s.msg.first("Path") == nullptr)
      return verdict(Verdict::fail, "a forwarded REGISTER has no Path", ev);
    const std::string ip = integrity_protected(f.s.msg);
    // Before the 2xx the connection is not bound: tls-pending, or (no
    // Authorization from the UE) no marking at all (RD-110).
    if (f.s.msg.first("Authorization") != nullptr && ip != "tls-pending")
      return verdict(Verdict::fail,
                     "forwarded REGISTER marked integrity-protected=\"" + ip +
                         "\", not \"tls-pending\", on an unbound connection",
                     ev);
  }
  return verdict(Verdict::pass, "Digest registration completed; tls-pending and Path forwarded",
                 ev);
}

// TP_PC_SIP_027 (24229-5.1.1.2-PC-INITIAL-DIGEST-AUTHORIZATION, RD-226): the
// initial REGISTER in TS 24.229's form (Authorization with the IMPI and an
// empty nonce and response) is challenged, not refused as malformed, and the
// UE then registers. What the IUT forwarded of it is in the evidence.
Tp_Outcome tp_sip_027(const Tp_Context& ctx) {
  Setup s(ctx);
  Tp_Outcome out;
  if (!fresh_connection(s, out)) return out;
  Ue_Sip sip(s.rig, *s.ue, ctx.pixit.users.front());
  Reg_Options o;
  o.initial_authorization = true;
  const Reg_Result r = sip.register_user(o);
  std::vector<Evidence> ev;
  for (const auto& f : r.forwarded) ev.push_back(evidence_of(f, "Authorization"));
  for (const auto& a : r.answers) ev.push_back(evidence_of(*s.ue, a));
  if (r.first_status == 0) return verdict(Verdict::inconc, "no answer to the REGISTER", ev);
  if (r.first_status != 401)
    return verdict(Verdict::fail,
                   "the REGISTER with nonce=\"\" and response=\"\" was answered " +
                       std::to_string(r.first_status) + ", not challenged (401)",
                   ev);
  if (r.final_status == 0)
    return verdict(Verdict::inconc, "no answer to the REGISTER with credentials", ev);
  if (!r.registered())
    return verdict(
        Verdict::fail,
        "the registration after the challenge failed (" + std::to_string(r.final_status) + ")", ev);
  return verdict(Verdict::pass, "challenged (401), then registered", ev);
}

// TP_PC_SIP_003 (5626-5.1-PC-PATH-FLOW-TOKEN, 24229-PC-OUTBOUND-PATH,
// 5626-5.3-PC-RR-FLOW-TOKEN): Path user part is a flow token with ;ob, and
// the Record-Route of a dialog-forming INVITE carries the same token.
Tp_Outcome tp_sip_003(const Tp_Context& ctx) {
  Setup s(ctx);
  Tp_Outcome out;
  if (!registered_ue(s, 0, out)) return out;
  const Scscf_Seen* cred = credentialed(s.reg);
  if (cred == nullptr) return verdict(Verdict::inconc, "no forwarded REGISTER recorded");
  std::vector<Evidence> ev{evidence_of(*cred, "Path")};
  const auto path = top_path(cred->s.msg);
  if (!path || path->user.empty())
    return verdict(Verdict::fail, "the Path has no flow token as user part", ev);
  if (sip::find_param(path->params, "ob") == nullptr)
    return verdict(Verdict::fail, "the Path has no ;ob", ev);
  const auto& u = ctx.pixit.users.front();
  const std::size_t mark = s.rig.scscf().mark();
  const std::string id = s.sip->send_request("INVITE", u.impus.front(), u.impus.front());
  s.rig.pump_until([&] { return !s.sip->forwarded(id, mark).empty() || s.ue->peer_closed(); },
                   s.rig.sip_budget());
  const auto fwd = s.sip->forwarded(id, mark);
  if (fwd.empty()) return verdict(Verdict::inconc, "the INVITE was not forwarded", ev);
  ev.push_back(evidence_of(fwd.front(), "Record-Route"));
  const std::string* rr = fwd.front().s.msg.first("Record-Route");
  if (rr == nullptr) return verdict(Verdict::fail, "no Record-Route on the INVITE", ev);
  auto rrs = sip::parse_name_addr_list(*rr, "Record-Route");
  if (!rrs.ok() || rrs->empty() || rrs->front().uri.user != path->user)
    return verdict(Verdict::fail, "the Record-Route does not carry the Path's flow token", ev);
  return verdict(Verdict::pass, "flow token with ;ob on the Path and on the Record-Route", ev);
}

// TP_PC_SIP_004 (5626-5.1-PC-NO-OB-IF-NOT-FIRST): a REGISTER with two Vias.
Tp_Outcome tp_sip_004(const Tp_Context& ctx) {
  Setup s(ctx);
  Tp_Outcome out;
  if (!fresh_connection(s, out)) return out;
  Ue_Sip sip(s.rig, *s.ue, ctx.pixit.users.front());
  Reg_Options o;
  o.extra_via = true;
  const Reg_Result r = sip.register_user(o);
  std::vector<Evidence> ev;
  for (const auto& f : r.forwarded) ev.push_back(evidence_of(f, "Path"));
  for (const auto& f : r.forwarded) {
    const auto path = top_path(f.s.msg);
    if (path && sip::find_param(path->params, "ob") != nullptr)
      return verdict(Verdict::fail, "Path with ;ob although the P-CSCF is not the first hop", ev);
  }
  if (!r.forwarded.empty()) return verdict(Verdict::pass, "forwarded without ;ob on the Path", ev);
  if (r.first_status >= 300 && r.first_status != 401) {
    ev.push_back(evidence_of(*s.ue, r.answers.front()));
    return verdict(Verdict::pass, "refused with an error response", ev);
  }
  return verdict(Verdict::inconc,
                 r.first_status ? "answered, but nothing reached the S-CSCF side"
                                : "nothing within timers.sip_response_s",
                 ev);
}

// TP_PC_SIP_009 (O.3.1.1-PC-CLOSE-ON-AUTH-FAIL): a wrong password; the 403
// reaches the UE and the IUT closes the connection.
Tp_Outcome tp_sip_009(const Tp_Context& ctx) {
  Setup s(ctx);
  Tp_Outcome out;
  if (!fresh_connection(s, out, /*openssl=*/true)) return out;
  Ue_Sip sip(s.rig, *s.ue, ctx.pixit.users.front());
  Reg_Options o;
  o.password = ctx.pixit.users.front().password + "-wrong";
  const Reg_Result r = sip.register_user(o);
  std::vector<Evidence> ev;
  for (const auto& a : r.answers) ev.push_back(evidence_of(*s.ue, a));
  if (r.final_status != 403)
    return verdict(Verdict::inconc,
                   "no 403 to the wrong credentials (" + std::to_string(r.final_status) + ")", ev);
  s.rig.pump_until([&] { return s.ue->peer_closed(); }, s.rig.close_budget());
  if (!s.ue->peer_closed())
    return verdict(Verdict::fail, "connection still open timers.close_budget_s after the 403", ev);
  ev.push_back(Evidence{s.ue->in_stream(), s.ue->close_offset(),
                        s.ue->close_notify() ? "close_notify" : "FIN"});
  // The old session offered again on a new connection: a full handshake.
  SSL_SESSION* old = s.ue->session();
  if (old == nullptr) return verdict(Verdict::inconc, "the closed connection left no session", ev);
  Evidence resumed;
  Probe_Ue* c = resuming_connection(s, old, out, resumed);
  SSL_SESSION_free(old);
  if (c == nullptr) {
    out.evidence = ev;
    return out;
  }
  ev.push_back(resumed);
  if (c->handshake().resumed)
    return verdict(Verdict::fail, "the session of the failed authentication resumed", ev);
  return verdict(Verdict::pass, "403 then close; the old session is not resumed", ev);
}

// TP_PC_SIP_019 (O.4.3-PC-REREG-ON-BOUND-SESSION): re-REGISTER on the bound
// connection is forwarded as tls-yes.
Tp_Outcome tp_sip_019(const Tp_Context& ctx) {
  Setup s(ctx);
  Tp_Outcome out;
  if (!registered_ue(s, 0, out)) return out;
  const Reg_Result r = s.sip->register_user();
  std::vector<Evidence> ev;
  for (const auto& f : r.forwarded) ev.push_back(evidence_of(f, "Authorization"));
  const Scscf_Seen* cred = credentialed(r);
  if (cred == nullptr)
    return verdict(Verdict::inconc, "no re-REGISTER with credentials forwarded", ev);
  const std::string ip = integrity_protected(cred->s.msg);
  if (ip != "tls-yes")
    return verdict(Verdict::fail, "re-REGISTER marked \"" + ip + "\", not \"tls-yes\"", ev);
  return verdict(Verdict::pass, "re-REGISTER forwarded as tls-yes", ev);
}

// TP_PC_SIP_020 (O.4.3-PC-IMPI-MISMATCH): REGISTER for user 2 on user 1's
// bound connection is never forwarded as tls-yes.
Tp_Outcome tp_sip_020(const Tp_Context& ctx) {
  Setup s(ctx);
  Tp_Outcome out;
  if (ctx.pixit.users.size() < 2) return verdict(Verdict::error, "PIXIT needs two users");
  if (!registered_ue(s, 0, out)) return out;
  Ue_Sip other(s.rig, *s.ue, ctx.pixit.users[1]);
  const Reg_Result r = other.register_user();
  std::vector<Evidence> ev;
  for (const auto& f : r.forwarded) ev.push_back(evidence_of(f, "Authorization"));
  for (const auto& a : r.answers) ev.push_back(evidence_of(*s.ue, a));
  for (const auto& f : r.forwarded)
    if (integrity_protected(f.s.msg) == "tls-yes")
      return verdict(Verdict::fail, "another IMPI's REGISTER forwarded as tls-yes", ev);
  if (r.forwarded.empty() && r.answers.empty() && !s.ue->peer_closed())
    return verdict(Verdict::inconc, "nothing within timers.sip_response_s", ev);
  return verdict(Verdict::pass, "never forwarded as tls-yes", ev);
}

}  // namespace annexo::probe::pcscf_sip
