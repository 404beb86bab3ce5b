#include "adapters/pcscf/register_forwarding.h"

#include <algorithm>

#include "adapters/pcscf/sec_agree_sip.h"

namespace annexo::pcscf {

namespace cp = core::pcscf;

sip::Message register_to_forward(const sip::Message& m, const std::string& path,
                                 const std::optional<sip::DigestCredentials>& creds,
                                 cp::Integrity integrity) {
  sip::Message fwd = m;
  // The UE's sec-agree fields were for this P-CSCF, not the registrar
  // (24229-5.2.2-PC-REMOVE-SECAGREE, RD-381); the checks read `m`.
  strip_sec_agree(fwd);
  if (!path.empty()) {
    const auto first_path =
        std::find_if(fwd.headers.begin(), fwd.headers.end(),
                     [](const sip::HeaderField& h) { return h.name == "Path"; });
    fwd.headers.insert(first_path, sip::HeaderField{"Path", path});
  }
  auto supported = sip::parse_option_tags(m.joined("Supported"), "Supported");
  if (!supported.ok() ||
      std::find(supported->begin(), supported->end(), "path") == supported->end()) {
    fwd.add("Supported", "path");
  }
  if (creds) {
    sip::DigestCredentials c = *creds;
    // One assignment: the UE's own value never survives (gcc 12 -O2 also
    // misreads a reset() followed by a conditional assignment as a read of an
    // uninitialised string, -Wmaybe-uninitialized).
    c.integrity_protected =
        integrity == cp::Integrity::tls_yes       ? std::optional<std::string>("tls-yes")
        : integrity == cp::Integrity::tls_pending ? std::optional<std::string>("tls-pending")
                                                  : std::nullopt;
    const auto h =
        std::find_if(fwd.headers.begin(), fwd.headers.end(),
                     [](const sip::HeaderField& x) { return x.name == "Authorization"; });
    if (h != fwd.headers.end()) h->value = sip::format_credentials(c);
  }
  return fwd;
}

cp::Response register_response_kind(const sip::Message& reg, const sip::Message& r) {
  if (r.status >= 200 && r.status < 300) {
    return reg.first("Contact") != nullptr ? cp::Response::success : cp::Response::other;
  }
  if (r.status == 401 || r.status == 407) return cp::Response::challenge;
  if (r.status == 403) return cp::Response::auth_failure;
  return cp::Response::other;
}

std::uint32_t granted_expires(const sip::Message& req, const sip::Message& r) {
  const std::string* c = req.first("Contact");
  if (c == nullptr) return 0;
  auto mine = sip::parse_contacts(*c);
  if (!mine.ok() || mine->star || mine->list.empty()) return 0;
  const std::string& uri = mine->list.front().uri_text;
  std::uint32_t fallback = 3600;
  if (const std::string* ex = r.first("Expires")) {
    auto v = sip::parse_uint32(*ex, "Expires");
    if (v.ok()) fallback = *v;
  }
  for (const std::string* rc : r.all("Contact")) {
    auto cs = sip::parse_contacts(*rc);
    if (!cs.ok() || cs->star) continue;
    for (const sip::NameAddr& na : cs->list) {
      if (na.uri_text != uri) continue;
      const auto e = sip::contact_expires(na);
      return e ? *e : fallback;
    }
  }
  return 0;
}

std::vector<std::string> registered_impus(const sip::Message& r) {
  std::vector<std::string> out;
  for (const std::string* pau : r.all("P-Associated-URI")) {
    auto list = sip::parse_name_addr_list(*pau, "P-Associated-URI");
    if (!list.ok()) continue;
    for (const auto& na : *list) out.push_back(na.uri_text);
  }
  if (out.empty() && !r.to.uri_text.empty()) out.push_back(r.to.uri_text);
  return out;
}

}  // namespace annexo::pcscf
