#include "adapters/probe/pcscf_sip/registrar.h"

#include <algorithm>
#include <ctime>

namespace annexo::probe::pcscf_sip {

namespace {

std::uint32_t now_s() {
  return static_cast<std::uint32_t>(std::time(nullptr));
}

// The expiry the REGISTER asks for: the Contact's expires, else Expires, else 3600.
std::uint32_t requested_expires(const sip::Message& reg, const sip::NameAddr* contact) {
  if (contact != nullptr) {
    if (auto e = sip::contact_expires(*contact)) return *e;
  }
  if (const std::string* e = reg.first("Expires")) {
    auto v = sip::parse_uint32(*e, "Expires");
    if (v.ok()) return *v;
  }
  return 3600;
}

// The URI of the To header ("" when absent or malformed).
std::string to_uri(const sip::Message& reg) {
  const std::string* to = reg.first("To");
  if (to == nullptr) return "";
  auto list = sip::parse_name_addr_list(*to, "To");
  return list.ok() && !list->empty() ? list->front().uri_text : "";
}

}  // namespace

const probe_data::TestUser* Registrar::user(const std::string& impi) const {
  for (const auto& u : m_pixit.users)
    if (u.impi == impi) return &u;
  return nullptr;
}

const Reg_Binding* Registrar::binding(const std::string& impi) const {
  const auto it = m_bindings.find(impi);
  return it == m_bindings.end() ? nullptr : &it->second;
}

std::string Registrar::service_route() const {
  return "<sip:orig@" + m_pixit.probe_host + ":" + std::to_string(m_pixit.probe_next_hop_port) +
         ";transport=tcp;lr>";
}

sip::Message Registrar::challenge(const sip::Message& reg, bool stale) {
  sip::DigestChallenge c;
  c.realm = m_pixit.domain;
  c.nonce = m_nonces.issue(now_s());
  c.algorithm = sip::DigestAlgorithm::md5;
  c.algorithm_present = true;
  c.qop = {"auth"};
  c.stale = stale;
  sip::Message r = sip::make_response(reg, 401, "Unauthorized", "scscf" + sip::random_hex(4));
  r.add("WWW-Authenticate", sip::format_challenge(c));
  return r;
}

sip::Message Registrar::answer(const sip::Message& reg) {
  const std::string* authz = reg.first("Authorization");
  if (authz == nullptr && m_no_challenge) {
    // TP_PC_SIP_026: the user of the To IMPU, registered without a challenge.
    const std::string to = to_uri(reg);
    for (const auto& u : m_pixit.users)
      if (std::find(u.impus.begin(), u.impus.end(), to) != u.impus.end())
        return accept(reg, nullptr, u);
    return sip::make_response(reg, 403, "Forbidden (unknown IMPU)", "scscf");
  }
  if (authz != nullptr && m_no_challenge) {
    // TP_PC_SIP_028: TS 24.229's initial form (the IMPI, no Digest response)
    // registered without a challenge.
    auto initial = sip::parse_credentials(*authz);
    if (initial.ok() && initial->response.empty()) {
      if (const probe_data::TestUser* u = user(initial->username)) return accept(reg, nullptr, *u);
      return sip::make_response(reg, 403, "Forbidden (unknown IMPI)", "scscf");
    }
  }
  if (authz == nullptr) return challenge(reg, false);
  auto creds = sip::parse_credentials(*authz);
  if (!creds.ok()) return sip::make_response(reg, 400, "Bad Authorization", "scscf");
  const probe_data::TestUser* u = user(creds->username);
  if (u == nullptr) return sip::make_response(reg, 403, "Forbidden (unknown IMPI)", "scscf");
  sip::DigestServerCheck check;
  check.realm = m_pixit.domain;
  check.algorithm = sip::DigestAlgorithm::md5;
  check.method = reg.method;
  check.request_uri = reg.request_uri;
  check.password = u->password;
  check.now = now_s();
  switch (sip::verify_credentials(*creds, check, m_nonces)) {
    case sip::DigestVerdict::ok:
      return accept(reg, &*creds, *u);
    case sip::DigestVerdict::stale_nonce:
      return challenge(reg, true);
    case sip::DigestVerdict::unknown_nonce:
      return challenge(reg, false);
    default:  // wrong password (TP_PC_SIP_009), replay, wrong realm/uri
      return sip::make_response(reg, 403, "Forbidden", "scscf");
  }
}

sip::Message Registrar::accept(const sip::Message& reg, const sip::DigestCredentials* creds,
                               const probe_data::TestUser& u) {
  std::optional<sip::NameAddr> contact;
  if (const std::string* c = reg.first("Contact")) {
    auto cs = sip::parse_contacts(*c);
    if (cs.ok() && !cs->star && !cs->list.empty()) contact = cs->list.front();
  }
  const std::uint32_t expires =
      std::min<std::uint32_t>(requested_expires(reg, contact ? &*contact : nullptr), 600);
  sip::Message r = sip::make_response(reg, 200, "OK", "scscf" + sip::random_hex(4));
  if (creds != nullptr)
    r.add("Authentication-Info",
          sip::format_authentication_info(sip::make_authentication_info(*creds, u.password)));
  if (expires == 0 || !contact) {
    m_bindings.erase(u.impi);  // de-registration (TP_PC_SIP_023)
    return r;
  }
  Reg_Binding b;
  b.path = reg.joined("Path");
  b.contact_uri = contact->uri_text;
  b.impus = u.impus;
  m_bindings[u.impi] = b;
  if (!b.path.empty()) r.add("Path", b.path);
  r.add("Contact", "<" + contact->uri_text + ">;expires=" + std::to_string(expires));
  r.add("Service-Route", service_route());
  // Each PIXIT IMPU is its own implicit registration set: the 2xx lists the
  // registered IMPU alone (the To URI), so a second IMPU registered on the
  // same connection must be added to the association, not replace it
  // (TP_PC_SIP_022). A To URI that is not the user's lists them all.
  const std::string to = to_uri(reg);
  if (std::find(u.impus.begin(), u.impus.end(), to) != u.impus.end()) {
    r.add("P-Associated-URI", "<" + to + ">");
  } else {
    for (const auto& impu : u.impus) r.add("P-Associated-URI", "<" + impu + ">");
  }
  return r;
}

}  // namespace annexo::probe::pcscf_sip
