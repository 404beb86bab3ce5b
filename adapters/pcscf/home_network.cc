#include "adapters/pcscf/home_network.h"

#include <algorithm>

#include "adapters/net/clock.h"
#include "adapters/pcscf/sec_agree_sip.h"
#include "core/sec_agree.h"

namespace annexo::pcscf {

namespace cp = core::pcscf;
using log::Verdict;

bool Home_Network::start(std::string* err) {
  auto users = sip::load_users(m_o.users_file);
  if (!users.ok()) {
    *err = users.error().text();
    return false;
  }
  m_users = std::move(*users);
  return true;
}

std::string Home_Network::impi_of(const sip::Message& m,
                                  const std::optional<sip::DigestCredentials>& c) const {
  if (c) return c->username;
  // No credentials: the IMPI of the subscriber owning the To IMPU.
  for (const auto& u : m_users.records) {
    if (std::find(u.impus.begin(), u.impus.end(), m.to.uri_text) != u.impus.end()) return u.impi;
  }
  return {};
}

std::uint32_t Home_Network::requested_expires(const sip::Message& m) const {
  std::uint32_t req = 3600;
  if (const std::string* ex = m.first("Expires")) {
    auto v = sip::parse_uint32(*ex, "Expires");
    if (v.ok()) req = *v;
  }
  if (const std::string* c = m.first("Contact")) {
    auto cs = sip::parse_contacts(*c);
    if (cs.ok() && cs->star) return 0;
    if (cs.ok() && !cs->list.empty()) {
      if (auto ce = sip::contact_expires(cs->list.front())) req = *ce;
    }
  }
  return std::min(req, m_o.max_registration_expires_s);
}

// The S-CSCF role for a REGISTER the P-CSCF forwarded: Digest challenge,
// verification, 2xx with P-Associated-URI, Path and Service-Route.
void Home_Network::forward_register(std::uint64_t conn_id, const sip::Message& m,
                                    const sip::Message& /*fwd*/, const Register_Facts& f) {
  const sip::UserRecord* user = f.impi.empty() ? nullptr : m_users.find(f.impi);
  const auto& creds = f.creds;
  const std::uint32_t expires = requested_expires(m);
  const std::string integrity_text = f.integrity == cp::Integrity::tls_yes       ? "tls-yes"
                                     : f.integrity == cp::Integrity::tls_pending ? "tls-pending"
                                                                                 : "none";
  sip::Message r;
  bool challenge = false, stale = false, success = false;
  std::string why;
  if (!creds || creds->response.empty()) {
    // TS 24.229: a re-REGISTER the P-CSCF marked integrity-protected
    // "tls-yes" (O.4.3) may be accepted without a new challenge.
    if (f.integrity == cp::Integrity::tls_yes && user != nullptr) {
      success = true;
      why = "re-registration over the bound TLS session (integrity-protected=tls-yes)";
    } else {
      challenge = true;
      why = "no credentials";
    }
  } else if (user == nullptr) {
    why = "unknown IMPI";
  } else {
    sip::DigestServerCheck chk;
    chk.realm = m_o.realm;
    chk.algorithm = m_o.digest;
    chk.method = m.method;
    chk.request_uri = m.request_uri;
    chk.password = user->password;
    chk.now = net::monotonic_seconds();
    const sip::DigestVerdict v = sip::verify_credentials(*creds, chk, m_nonces);
    why = sip::digest_verdict_name(v);
    switch (v) {
      case sip::DigestVerdict::ok:
        success = true;
        break;
      case sip::DigestVerdict::stale_nonce:
        challenge = true;
        stale = true;
        break;
      case sip::DigestVerdict::unknown_nonce:
      case sip::DigestVerdict::replayed_nc:
        challenge = true;
        break;
      default:
        break;  // wrong response, realm, uri, algorithm, qop: authentication failed
    }
  }
  if (success) {
    r = sip::make_response(m, 200, "OK", sip::random_hex(4));
    if (const std::string* c = m.first("Contact")) {
      auto cs = sip::parse_contacts(*c);
      if (cs.ok() && !cs->star && !cs->list.empty()) {
        sip::NameAddr contact = cs->list.front();
        contact.params.erase(
            std::remove_if(contact.params.begin(), contact.params.end(),
                           [](const sip::Param& p) { return p.name == "expires"; }),
            contact.params.end());
        contact.params.push_back({"expires", std::to_string(expires)});
        r.add("Contact", sip::format_name_addr(contact));
      }
    }
    r.add("Expires", std::to_string(expires));
    // RFC 3327 5.3: the registrar returns the Path it stored in the 2xx;
    // RFC 3608: and the Service-Route for originating requests.
    if (!f.path.empty()) r.add("Path", f.path);
    r.add("Service-Route", service_route());
    std::string pau;
    for (const auto& u : user->impus) pau += (pau.empty() ? "<" : ", <") + u + ">";
    r.add("P-Associated-URI", pau);
    if (creds && !creds->response.empty()) {
      r.add("Authentication-Info",
            sip::format_authentication_info(sip::make_authentication_info(*creds, user->password)));
    }
  } else if (challenge) {
    r = sip::make_response(m, 401, "Unauthorized", sip::random_hex(4));
    r.add("WWW-Authenticate", sip::format_challenge(make_challenge(stale)));
    // A UE running sec-agree over its TLS connection gets the P-CSCF's list.
    auto client = security_fields(m, "Security-Client");
    core::SecMechList offered, answer;
    if (client.ok() && !client->empty() && to_core_list(*client, &offered) == core::Error::ok &&
        core::secagree_answer(offered, /*sip_digest=*/true, &answer) == core::Error::ok) {
      r.add("Security-Server", format_core_list(answer));
    }
  } else {
    // O.3.1.1 / N.2: the home network refuses with 403; the P-CSCF relays it
    // and then closes the connection (its machine decides).
    r = sip::make_response(m, 403, "Forbidden", sip::random_hex(4));
  }
  log::Fields fields = f.who;
  for (auto& kv : log::Fields{{"impi", f.impi},
                              {"status", std::to_string(r.status)},
                              {"digest", why},
                              {"integrity_protected", integrity_text},
                              {"expires", std::to_string(expires)}}) {
    fields.push_back(std::move(kv));
  }
  m_log.decision(Verdict::info, "O.2.1-HN-AUTH-UE-DIGEST", "home network answered REGISTER",
                 fields);
  if (success && user != nullptr && !f.path.empty()) registrar_store(user->impus, f.path, expires);
  m_client.next_hop_answer(conn_id, m, &f, r);
}

void Home_Network::forward_request(std::uint64_t conn_id, const sip::Message& ue_request,
                                   const sip::Message& fwd) {
  if (fwd.method == "ACK") return;
  m_client.next_hop_answer(conn_id, ue_request, nullptr, core_network_answer(fwd));
}

std::string Home_Network::service_route() const {
  return "<sip:orig@scscf." + m_o.realm + ";lr>";
}

// The embedded core network (S-CSCF and the far end) answers an originating
// request the P-CSCF forwarded: only when it arrives by the Service-Route the
// registrar handed out (else 403), with 200, the P-Asserted-Identity it
// received and every Record-Route (RFC 3261 12.1.1). An in-dialog request
// (To tag) follows the dialog's route set instead (RD-200); the embedded core
// Record-Routes nothing, so such a request reaches it without a Route.
sip::Message Home_Network::core_network_answer(const sip::Message& fwd) {
  const std::string* route = fwd.first("Route");
  const bool in_dialog = fwd.to.tag().has_value() && route == nullptr;
  if (!in_dialog && (route == nullptr || *route != service_route())) {
    m_log.decision(Verdict::deny, "24229-5.2.1-PATH-SUPPORT",
                   "core network: originating request not routed by the Service-Route",
                   {{"route", route != nullptr ? *route : ""}});
    return sip::make_response(fwd, 403, "Not Routed By The Service-Route", sip::random_hex(4));
  }
  sip::Message r = sip::make_response(fwd, 200, "OK", sip::random_hex(4));
  for (const std::string* pai : fwd.all("P-Asserted-Identity")) r.add("P-Asserted-Identity", *pai);
  for (const std::string* rr : fwd.all("Record-Route")) r.add("Record-Route", *rr);
  return r;
}

sip::DigestChallenge Home_Network::make_challenge(bool stale) {
  sip::DigestChallenge ch;
  ch.realm = m_o.realm;
  ch.nonce = m_nonces.issue(net::monotonic_seconds());
  ch.algorithm = m_o.digest;
  ch.algorithm_present = true;
  ch.qop = {"auth"};
  ch.stale = stale;
  return ch;
}

void Home_Network::registrar_store(const std::vector<std::string>& impus, const std::string& path,
                                   std::uint32_t expires_s) {
  const core::Seconds now = net::monotonic_seconds();
  for (const std::string& impu : impus) {
    if (expires_s == 0) {
      m_registrar.erase(impu);
    } else {
      m_registrar[impu] = Registration{path, core::time_add(now, expires_s)};
    }
  }
}

std::optional<std::string> Home_Network::registered_path(const std::string& request_uri) const {
  const auto it = m_registrar.find(request_uri);
  if (it == m_registrar.end() ||
      core::time_reached(net::monotonic_seconds(), it->second.expires_at)) {
    return std::nullopt;
  }
  return it->second.path;
}

}  // namespace annexo::pcscf
