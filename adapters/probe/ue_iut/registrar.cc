#include "adapters/probe/ue_iut/registrar.h"

#include <ctime>

#include "adapters/sip/headers.h"

namespace annexo::probe::ue_iut {

namespace {

std::uint32_t now_s() {
  return static_cast<std::uint32_t>(std::time(nullptr));
}

std::string wire(const sip::Message& m) {
  auto w = sip::serialize(m);
  return w.ok() ? *w : std::string();
}

}  // namespace

const probe_data::TestUser* Registrar::user(const std::string& impi) const {
  for (const auto& u : m_pixit.users) {
    if (u.impi == impi) return &u;
  }
  return nullptr;
}

std::string Registrar::challenge(const sip::Message& req, bool stale) {
  sip::DigestChallenge c;
  c.realm = m_pixit.domain;
  c.nonce = m_nonces.issue(now_s());
  c.algorithm = m_profile.algorithm;
  c.algorithm_present = true;
  c.qop = {"auth"};
  c.stale = stale;
  m_last_nonce = c.nonce;
  ++m_challenges;
  sip::Message r = sip::make_response(req, 401, sip::default_reason(401), "probe401");
  r.add("WWW-Authenticate", sip::format_challenge(c));
  return wire(r);
}

std::optional<std::string> Registrar::on_request(Sip_Seen& seen) {
  const sip::Message& req = seen.message;
  using Answer = Registrar_Profile::Answer;
  if (req.method != "REGISTER") {
    seen.answered = 200;
    return wire(sip::make_response(req, 200, sip::default_reason(200), "probe200"));
  }
  if (m_profile.answer == Answer::silent) return std::nullopt;
  if (seen.plain) {
    // RD-153: the sec-agree REGISTER is challenged; what Security-Server
    // carries is the TP's stimulus. Credentials never count here.
    seen.has_credentials = req.first("Authorization") != nullptr;
    using S = Registrar_Profile::Secagree;
    std::string r = challenge(req, false);
    if (m_profile.secagree != S::no_security_server) {
      m_security_server = m_profile.secagree == S::offer_tls ? "tls;q=0.1" : "ipsec-3gpp;q=0.1";
      sip::Message m = *sip::parse_message(r);
      m.add("Security-Server", m_security_server);
      r = wire(m);
    }
    seen.answered = 401;
    return r;
  }
  const std::string* auth = req.first("Authorization");
  if (auth == nullptr) {
    seen.answered = 401;
    return challenge(req, false);
  }
  seen.has_credentials = true;
  if (m_profile.answer == Answer::silent_after_challenge) return std::nullopt;
  auto creds = sip::parse_credentials(*auth);
  if (!creds.ok()) {
    seen.digest_verdict = "unparsable: " + creds.error().text();
    seen.answered = 403;
    return wire(sip::make_response(req, 403, sip::default_reason(403), "probe403"));
  }
  seen.nonce = creds->nonce;
  const probe_data::TestUser* u = user(creds->username);
  if (u == nullptr) {
    seen.digest_verdict = "unknown username " + creds->username;
    seen.answered = 403;
    return wire(sip::make_response(req, 403, sip::default_reason(403), "probe403"));
  }
  sip::DigestServerCheck check;
  check.realm = m_pixit.domain;
  check.algorithm = m_profile.algorithm;
  check.method = req.method;
  check.request_uri = req.request_uri;
  check.password = u->password;
  check.now = now_s();
  const sip::DigestVerdict v = sip::verify_credentials(*creds, check, m_nonces);
  seen.digest_verdict = sip::digest_verdict_name(v);
  if (v == sip::DigestVerdict::stale_nonce || v == sip::DigestVerdict::unknown_nonce) {
    seen.answered = 401;
    return challenge(req, v == sip::DigestVerdict::stale_nonce);
  }
  if (m_profile.answer == Answer::stale_once && !m_stale_sent && v == sip::DigestVerdict::ok) {
    // O.3.1.3: the nonce is declared stale once; the UE must retry with the new one.
    m_stale_sent = true;
    m_stale_nonce = creds->nonce;
    seen.answered = 401;
    return challenge(req, true);
  }
  if (v != sip::DigestVerdict::ok || m_profile.answer == Answer::forbidden) {
    seen.answered = 403;
    return wire(sip::make_response(req, 403, sip::default_reason(403), "probe403"));
  }
  sip::Message ok = sip::make_response(req, 200, sip::default_reason(200), "probe200");
  sip::AuthenticationInfo info = sip::make_authentication_info(*creds, u->password);
  if (m_profile.answer == Answer::bad_rspauth && info.rspauth) {
    // N.2-UE-VERIFY-RSPAUTH: one hex digit changed.
    std::string& r = *info.rspauth;
    r[0] = r[0] == '0' ? '1' : '0';
  }
  ok.add("Authentication-Info", sip::format_authentication_info(info));
  for (const std::string* c : req.all("Contact")) {
    auto cs = sip::parse_contacts(*c);
    if (!cs.ok()) continue;
    for (auto na : cs->list) {
      sip::Params kept;
      for (const auto& p : na.params) {
        if (p.name != "expires") kept.push_back(p);
      }
      na.params = kept;
      ok.add("Contact",
             sip::format_name_addr(na) + ";expires=" + std::to_string(m_profile.expires_s));
    }
  }
  ok.add("Expires", std::to_string(m_profile.expires_s));
  if (m_profile.flow_timer_s != 0) {
    ok.add("Require", "outbound");
    ok.add("Flow-Timer", std::to_string(m_profile.flow_timer_s));
  }
  ++m_registrations;
  seen.answered = 200;
  return wire(ok);
}

}  // namespace annexo::probe::ue_iut
