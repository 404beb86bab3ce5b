// TPs of the RFC 3329 sec-agree variant of O.2 (issue 13; PICS_SECAGREE):
// Security-Client tls answered with Security-Server tls and the REGISTER
// completed over TLS (TP_PC_SIP_015), a Security-Verify that does not echo
// (TP_PC_SIP_016), no acceptable mechanism (TP_PC_SIP_017), credentials on
// the plain connection (TP_PC_SIP_018), the sec-agree fields kept from the
// S-CSCF (TP_PC_SIP_038).
#include <algorithm>

#include "adapters/probe/pcscf_sip/tps.h"
#include "adapters/probe/pcscf_sip/tps_common.h"
#include "adapters/sip/digest.h"

namespace annexo::probe::pcscf_sip {

namespace {

// The plain connection to PIXIT iut.secagree_port, connected within timers.connect_s.
Plain_Sip* plain_connection(Setup& s, Tp_Outcome& out) {
  if (!s.rig.open()) {
    out = verdict(Verdict::error, "S-CSCF side: " + s.rig.error());
    return nullptr;
  }
  if (s.rig.ctx().pixit.iut_secagree_port == 0) {
    out = verdict(Verdict::error, "PIXIT iut.secagree_port is not set");
    return nullptr;
  }
  Plain_Sip& p = s.rig.add_plain();
  s.rig.pump_until([&] { return p.connected() || !p.error().empty(); },
                   s.rig.ctx().budget_ms("connect_s", 3));
  if (!p.connected()) {
    out = verdict(Verdict::error, "IUT sec-agree port unreachable: " +
                                      (p.error().empty() ? "no connection" : p.error()));
    return nullptr;
  }
  return &p;
}

// One request on the plain connection and its final answer (or nullopt).
std::optional<Sip_Seen> plain_request(Rig& rig, Plain_Sip& p, const probe_data::TestUser& u,
                                      const std::string& method, const std::string& sec_client,
                                      const std::string& authz) {
  const std::string impu = u.impus.front();
  const std::string call_id = "probe-plain-" + sip::random_hex(8);
  sip::Message m =
      sip::make_request(method, method == "REGISTER" ? "sip:" + rig.ctx().pixit.domain : impu);
  m.add("Via", "SIP/2.0/TCP " + probe_host(rig.ctx().pixit) + ":" + std::to_string(p.local_port()) +
                   ";branch=z9hG4bK" + sip::random_hex(8) + ";rport");
  m.add("From", "<" + impu + ">;tag=" + sip::random_hex(4));
  m.add("To", "<" + impu + ">");
  m.add("Call-ID", call_id);
  m.add("CSeq", "1 " + method);
  m.add("Contact", "<sip:probe@" + probe_host(rig.ctx().pixit) + ":" +
                       std::to_string(p.local_port()) + ";transport=tcp>");
  if (!sec_client.empty()) {
    m.add("Security-Client", sec_client);
    m.add("Require", "sec-agree");
    m.add("Proxy-Require", "sec-agree");
    m.add("Supported", "path, sec-agree");
  }
  if (method == "REGISTER") m.add("Expires", "600");
  if (!authz.empty()) m.add("Authorization", authz);
  if (method != "REGISTER") m.add("P-Preferred-Identity", "<" + impu + ">");
  auto wire = sip::serialize(m);
  if (!wire.ok()) return std::nullopt;
  p.send(*wire);
  std::optional<Sip_Seen> got;
  rig.pump_until(
      [&] {
        for (const auto& r : p.received())
          if (!r.msg.is_request && r.msg.status >= 200 && r.msg.call_id == call_id) {
            got = r;
            return true;
          }
        return p.closed();
      },
      rig.sip_budget());
  return got;
}

bool lists(const Sip_Seen& r, const char* mech) {
  auto l = sip::parse_security(r.msg.joined("Security-Server"), "Security-Server");
  if (!l.ok()) return false;
  for (const auto& m : *l)
    if (m.name == mech) return true;
  return false;
}

Evidence plain_evidence(const Plain_Sip& p, const Sip_Seen& r) {
  const std::string ss = r.line("Security-Server");
  return Evidence{p.in_stream(), r.offset, r.start_line() + (ss.empty() ? "" : " | " + ss)};
}

// TP_PC_SIP_015 / 016 up to the 494 (or 401): the Security-Server received.
bool agreement(Setup& s, Plain_Sip& p, std::vector<Evidence>& ev, std::string& security_server,
               Tp_Outcome& out) {
  const auto r = plain_request(s.rig, p, s.rig.ctx().pixit.users.front(), "REGISTER", "tls", "");
  if (!r) {
    out = verdict(Verdict::inconc, "no answer to the unprotected REGISTER", ev);
    return false;
  }
  ev.push_back(plain_evidence(p, *r));
  if ((r->msg.status != 494 && r->msg.status != 401) || !lists(*r, "tls")) {
    out = verdict(Verdict::fail, "no 494/401 with Security-Server: tls", ev);
    return false;
  }
  security_server = r->msg.joined("Security-Server");
  return true;
}

// TP_PC_SIP_015 / 038: the agreement on the plain connection, then user 1's
// registration over a new TLS connection whose REGISTERs carry
// Security-Verify (the list received) and Require / Proxy-Require: sec-agree
// (RFC 3329 2.3.1). Nullopt, with `out` set, when it stops before the
// registration.
std::optional<Reg_Result> register_after_agreement(Setup& s, Plain_Sip& p,
                                                   std::vector<Evidence>& ev, Tp_Outcome& out) {
  std::string server;
  if (!agreement(s, p, ev, server, out)) return std::nullopt;
  s.ue = &s.rig.add_ue();
  if (!s.rig.handshake(*s.ue, out)) return std::nullopt;
  Ue_Sip sip(s.rig, *s.ue, s.rig.ctx().pixit.users.front());
  Reg_Options o;
  o.headers = {
      {"Security-Verify", server}, {"Require", "sec-agree"}, {"Proxy-Require", "sec-agree"}};
  return sip.register_user(o);
}

}  // namespace

// TP_PC_SIP_015 (O.2-ALL-SM7-OVER-TLS, O.2-PC-INTEGRITY-PROTECTED-PARAM).
Tp_Outcome tp_sip_015(const Tp_Context& ctx) {
  Setup s(ctx);
  Tp_Outcome out;
  Plain_Sip* p = plain_connection(s, out);
  if (p == nullptr) return out;
  std::vector<Evidence> ev;
  const std::optional<Reg_Result> reg = register_after_agreement(s, *p, ev, out);
  if (!reg) return out;
  const Reg_Result& r = *reg;
  for (const auto& f : r.forwarded) ev.push_back(evidence_of(f, "Authorization"));
  for (const auto& a : r.answers) ev.push_back(evidence_of(*s.ue, a));
  if (r.first_status == 0)
    return verdict(Verdict::inconc, "no answer to the REGISTER over TLS", ev);
  if (!r.registered())
    return verdict(Verdict::fail, "the registration over TLS did not complete", ev);
  // The marking (O.2-PC-INTEGRITY-PROTECTED-PARAM) is seen only on a
  // forwarded REGISTER: an IUT with its own registrar leaves it unobservable
  // (RD-160).
  const Scscf_Seen* cred = nullptr;
  for (const auto& f : r.forwarded)
    if (f.s.msg.first("Authorization") != nullptr) cred = &f;
  if (cred == nullptr)
    return verdict(Verdict::inconc,
                   "registered, but no credentialed REGISTER reached the S-CSCF side: the "
                   "integrity-protected marking is not observable",
                   ev);
  const std::string ip = integrity_protected(cred->s.msg);
  if (ip != "tls-pending")
    return verdict(Verdict::fail, "forwarded REGISTER marked \"" + ip + "\", not \"tls-pending\"",
                   ev);
  return verdict(Verdict::pass, "Security-Server: tls, then registered over TLS (tls-pending)", ev);
}

namespace {

// One REGISTER over a new TLS connection with Security-Verify `verify`,
// which is not the list received: refused and nothing bound (nullopt), else
// the TP's verdict.
std::optional<Tp_Outcome> verify_refused(Setup& s, const std::string& verify,
                                         std::vector<Evidence>& ev) {
  Tp_Outcome out;
  Probe_Ue& ue = s.rig.add_ue();
  if (!s.rig.handshake(ue, out)) return out;
  const auto& u = s.rig.ctx().pixit.users.front();
  Ue_Sip sip(s.rig, ue, u);
  Reg_Options o;
  o.headers = {
      {"Security-Verify", verify}, {"Require", "sec-agree"}, {"Proxy-Require", "sec-agree"}};
  const Reg_Result r = sip.register_user(o);
  for (const auto& a : r.answers) ev.push_back(evidence_of(ue, a));
  if (r.registered())
    return verdict(Verdict::fail, "a REGISTER with Security-Verify \"" + verify + "\" was accepted",
                   ev);
  if (r.first_status == 0 && !ue.peer_closed())
    return verdict(Verdict::inconc, "no answer to the REGISTER over TLS", ev);
  if (ue.peer_closed()) return std::nullopt;  // rejected, connection closed
  const std::size_t mark = s.rig.scscf().mark();
  const std::string id = sip.send_request("INVITE", u.impus.front(), u.impus.front());
  const auto answer = sip.wait_final(id, s.rig.sip_budget());
  for (const auto& f : sip.forwarded(id, mark)) {
    ev.push_back(evidence_of(f, "P-Asserted-Identity"));
    if (!asserted(f.s.msg).empty())
      return verdict(Verdict::fail, "the connection asserts an identity", ev);
  }
  if (answer) ev.push_back(evidence_of(ue, *answer));
  const bool forwarded = !sip.forwarded(id, mark).empty();
  if (!forwarded && !ue.peer_closed() && (!answer || answer->msg.status < 300))
    return verdict(Verdict::inconc,
                   answer ? "the INVITE was answered 2xx without reaching the S-CSCF side"
                          : "no answer to the INVITE",
                   ev);
  return std::nullopt;
}

}  // namespace

// TP_PC_SIP_016 (RFC3329-PC-VERIFY-ECHO): a Security-Verify that differs
// (RFC 3329 2.3.1 step 5), on a new TLS connection each: another parameter,
// then the list received with one more mechanism appended (a comparison
// that stops at the end of the list sent would take it, RD-320).
Tp_Outcome tp_sip_016(const Tp_Context& ctx) {
  Setup s(ctx);
  Tp_Outcome out;
  Plain_Sip* p = plain_connection(s, out);
  if (p == nullptr) return out;
  std::vector<Evidence> ev;
  std::string server;
  if (!agreement(s, *p, ev, server, out)) return out;
  const std::string other_q = server.find("q=0.5") == std::string::npos ? "tls;q=0.5" : "tls;q=0.4";
  for (const std::string& wrong : {other_q, server + ", digest"}) {
    if (auto bad = verify_refused(s, wrong, ev)) return *bad;
  }
  return verdict(Verdict::pass, "both rejected and not bound", ev);
}

// TP_PC_SIP_017 (O.3.2-SECSETUP-ERRORS, N.1-NO-IPSEC-WITH-DIGEST): no
// mechanism the P-CSCF can accept, so RFC 3329 2.3.1's 494 with its
// Security-Server (RD-320): a 401 would be an agreement on a mechanism the
// client did not offer.
Tp_Outcome tp_sip_017(const Tp_Context& ctx) {
  Setup s(ctx);
  Tp_Outcome out;
  std::vector<Evidence> ev;
  for (const char* offer :
       {"digest", "ipsec-3gpp;alg=hmac-sha-1-96;spi-c=1;spi-s=2;port-c=5062;port-s=5064"}) {
    Plain_Sip* p = plain_connection(s, out);
    if (p == nullptr) return out;
    const auto r = plain_request(s.rig, *p, ctx.pixit.users.front(), "REGISTER", offer, "");
    if (!r)
      return verdict(Verdict::inconc, std::string("no answer to Security-Client: ") + offer, ev);
    ev.push_back(plain_evidence(*p, *r));
    if (r->msg.status < 300)
      return verdict(Verdict::fail, std::string("2xx to Security-Client: ") + offer, ev);
    if (lists(*r, "ipsec-3gpp"))
      return verdict(Verdict::fail, "ipsec-3gpp offered in Security-Server with SIP Digest", ev);
    if (r->msg.status != 494)
      return verdict(
          Verdict::fail,
          "answered " + std::to_string(r->msg.status) + ", not 494, to Security-Client: " + offer,
          ev);
  }
  return verdict(Verdict::pass, "494 to both, no ipsec-3gpp offered", ev);
}

// TP_PC_SIP_018 (O.2-ALL-SM7-OVER-TLS): Digest credentials on the plain
// connection, then an INVITE on it.
Tp_Outcome tp_sip_018(const Tp_Context& ctx) {
  Setup s(ctx);
  Tp_Outcome out;
  Plain_Sip* p = plain_connection(s, out);
  if (p == nullptr) return out;
  const auto& u = ctx.pixit.users.front();
  std::vector<Evidence> ev;
  const auto first = plain_request(s.rig, *p, u, "REGISTER", "tls", "");
  if (!first) return verdict(Verdict::inconc, "no answer to the unprotected REGISTER", ev);
  ev.push_back(plain_evidence(*p, *first));
  std::string authz;
  if (const std::string* www = first->msg.first("WWW-Authenticate")) {
    auto ch = sip::parse_challenge(*www);
    if (ch.ok()) {
      auto c =
          sip::answer_challenge(*ch, u.impi, u.password, "REGISTER", "sip:" + ctx.pixit.domain, 1);
      if (c.ok()) authz = sip::format_credentials(*c);
    }
  }
  if (authz.empty()) {
    // No challenge to answer: credentials computed for a nonce of our own.
    sip::DigestChallenge ch;
    ch.realm = ctx.pixit.domain;
    ch.nonce = sip::random_hex(16);
    ch.qop = {"auth"};
    auto c =
        sip::answer_challenge(ch, u.impi, u.password, "REGISTER", "sip:" + ctx.pixit.domain, 1);
    if (c.ok()) authz = sip::format_credentials(*c);
  }
  const std::size_t mark = s.rig.scscf().mark();
  if (!p->closed()) {
    const auto second = plain_request(s.rig, *p, u, "REGISTER", "tls", authz);
    if (second) {
      ev.push_back(plain_evidence(*p, *second));
      if (second->msg.status < 300)
        return verdict(Verdict::fail, "2xx to a REGISTER over the plain connection", ev);
    }
  }
  if (!p->closed()) {
    const auto invite = plain_request(s.rig, *p, u, "INVITE", "", "");
    if (invite) ev.push_back(plain_evidence(*p, *invite));
  }
  const auto& all = s.rig.scscf().requests();
  for (std::size_t i = mark; i < all.size(); ++i) {
    if (all[i].s.msg.method == "REGISTER") continue;
    ev.push_back(evidence_of(all[i], "P-Asserted-Identity"));
    if (!asserted(all[i].s.msg).empty())
      return verdict(Verdict::fail, "a request of the plain connection was asserted", ev);
  }
  return verdict(Verdict::pass, "no binding and no asserted request on the plain connection", ev);
}

// TP_PC_SIP_029 (N.1-NO-IPSEC-WITH-DIGEST, S.3-SECAGREE-TLS-SELECTS-ANNEX-O):
// Security-Client ipsec-3gpp and tls, first ipsec-3gpp with its TS 33.203
// parameters, then with a q value only (a P-CSCF echoing the client's list
// may drop a mechanism whose parameters it does not read, RD-320); each
// answer agrees on tls and never lists ipsec-3gpp.
Tp_Outcome tp_sip_029(const Tp_Context& ctx) {
  Setup s(ctx);
  Tp_Outcome out;
  std::vector<Evidence> ev;
  for (const char* offer :
       {"ipsec-3gpp;alg=hmac-sha-1-96;spi-c=1;spi-s=2;port-c=5062;port-s=5064, tls",
        "ipsec-3gpp;q=0.5, tls;q=0.1"}) {
    Plain_Sip* p = plain_connection(s, out);
    if (p == nullptr) return out;
    const auto r = plain_request(s.rig, *p, ctx.pixit.users.front(), "REGISTER", offer, "");
    if (!r)
      return verdict(Verdict::inconc, std::string("no answer to Security-Client: ") + offer, ev);
    ev.push_back(plain_evidence(*p, *r));
    if (r->msg.status < 300)
      return verdict(Verdict::fail, std::string("2xx to Security-Client: ") + offer, ev);
    if (lists(*r, "ipsec-3gpp"))
      return verdict(Verdict::fail, "ipsec-3gpp offered in Security-Server with SIP Digest", ev);
    if ((r->msg.status != 494 && r->msg.status != 401) || !lists(*r, "tls"))
      return verdict(
          Verdict::fail,
          std::string("no 494/401 with Security-Server: tls to Security-Client: ") + offer, ev);
  }
  return verdict(Verdict::pass, "Security-Server lists tls, not ipsec-3gpp, for both offers", ev);
}

namespace {

// What a request the IUT forwarded still carries of the UE's sec-agree
// fields (24229-5.2.2-PC-REMOVE-SECAGREE): the header's name, "" for none.
// A Require / Proxy-Require whose tags do not parse counts as carrying it.
std::string sec_agree_left(const sip::Message& m) {
  for (const char* h : {"Security-Client", "Security-Verify"})
    if (m.first(h) != nullptr) return h;
  for (const char* h : {"Require", "Proxy-Require"}) {
    if (m.first(h) == nullptr) continue;
    auto tags = sip::parse_option_tags(m.joined(h), h);
    if (!tags.ok() || std::find(tags->begin(), tags->end(), "sec-agree") != tags->end()) return h;
  }
  return "";
}

}  // namespace

// TP_PC_SIP_038 (24229-5.2.2-PC-REMOVE-SECAGREE, RD-381): TP_PC_SIP_015's
// registration, every REGISTER the UE sends carrying sec-agree fields; none
// of them may reach the S-CSCF side. Only an IUT that forwards REGISTERs can
// be judged (an embedded registrar: inconc, as TP_PC_SIP_015, RD-160).
Tp_Outcome tp_sip_038(const Tp_Context& ctx) {
  Setup s(ctx);
  Tp_Outcome out;
  Plain_Sip* p = plain_connection(s, out);
  if (p == nullptr) return out;
  const std::size_t mark = s.rig.scscf().mark();
  std::vector<Evidence> ev;
  const std::optional<Reg_Result> r = register_after_agreement(s, *p, ev, out);
  if (!r) {
    // No agreement is TP_PC_SIP_015's failure; here nothing can be judged.
    if (out.verdict == Verdict::fail && s.ue == nullptr) out.verdict = Verdict::inconc;
    return out;
  }
  for (const auto& a : r->answers) ev.push_back(evidence_of(*s.ue, a));
  // Every REGISTER the S-CSCF side received since the TP began: the
  // unprotected one (when the IUT forwards it) and those over TLS.
  const auto& all = s.rig.scscf().requests();
  std::size_t seen = 0;
  for (std::size_t i = mark; i < all.size(); ++i) {
    if (all[i].s.msg.method != "REGISTER") continue;
    ++seen;
    const std::string left = sec_agree_left(all[i].s.msg);
    ev.push_back(evidence_of(all[i], left.empty() ? "Security-Verify" : left.c_str()));
    if (!left.empty())
      return verdict(Verdict::fail, "a forwarded REGISTER still carries the UE's " + left, ev);
  }
  if (seen == 0)
    return verdict(Verdict::inconc,
                   "no REGISTER reached the S-CSCF side: nothing forwarded to judge", ev);
  return verdict(Verdict::pass,
                 std::to_string(seen) +
                     " forwarded REGISTERs, none with Security-Client, Security-Verify or "
                     "sec-agree in Require/Proxy-Require",
                 ev);
}

}  // namespace annexo::probe::pcscf_sip
