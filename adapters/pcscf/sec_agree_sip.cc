#include "adapters/pcscf/sec_agree_sip.h"

#include <algorithm>
#include <cstdio>
#include <string_view>

namespace annexo::pcscf {

namespace {

// What a forwarded request loses (24229-5.2.2-PC-REMOVE-SECAGREE): these
// fields entirely, and the option tag from those.
constexpr const char* kSecAgreeFields[] = {"Security-Client", "Security-Verify"};
constexpr const char* kOptionTagFields[] = {"Require", "Proxy-Require"};
constexpr std::string_view kSecAgreeTag = "sec-agree";

// The option tags of one Require / Proxy-Require field without sec-agree;
// false when it had none (or does not parse: left as received).
bool without_sec_agree(const sip::HeaderField& h, std::string* rest) {
  auto tags = sip::parse_option_tags(h.value, h.name);  // lower-case tokens
  if (!tags.ok()) return false;
  const auto end = std::remove(tags->begin(), tags->end(), kSecAgreeTag);
  if (end == tags->end()) return false;
  rest->clear();
  for (auto t = tags->begin(); t != end; ++t) *rest += (rest->empty() ? "" : ", ") + *t;
  return true;
}

}  // namespace

sip::Result<std::vector<sip::SecMechanism>> security_fields(const sip::Message& m,
                                                            const char* name) {
  std::vector<sip::SecMechanism> all;
  for (const std::string* v : m.all(name)) {
    auto one = sip::parse_security(*v, name);
    if (!one.ok()) return one.error();
    all.insert(all.end(), one->begin(), one->end());
  }
  return all;
}

core::Error to_core_list(const std::vector<sip::SecMechanism>& in, core::SecMechList* out) {
  *out = core::SecMechList{};
  for (const sip::SecMechanism& s : in) {
    bool only_q = true;
    for (const sip::Param& p : s.params) only_q = only_q && p.name == "q";
    core::SecMech mech = core::SecMech::other;
    if (only_q && s.name == "tls") mech = core::SecMech::tls;
    if (only_q && s.name == "ipsec-3gpp") mech = core::SecMech::ipsec_3gpp;
    if (only_q && s.name == "digest") mech = core::SecMech::digest;
    const core::Error e = core::secagree_push(*out, mech, s.q ? *s.q : core::kNoQ);
    if (e != core::Error::ok) return e;
  }
  return core::Error::ok;
}

std::string format_core_list(const core::SecMechList& l) {
  std::string text;
  for (std::uint8_t i = 0; i < l.count; ++i) {
    const core::SecMechEntry& e = l.items[i];
    const char* name = e.mech == core::SecMech::tls          ? "tls"
                       : e.mech == core::SecMech::ipsec_3gpp ? "ipsec-3gpp"
                       : e.mech == core::SecMech::digest     ? "digest"
                                                             : "other";
    if (!text.empty()) text += ", ";
    text += name;
    if (e.q_milli != core::kNoQ) {
      char q[16];
      std::snprintf(q, sizeof q, ";q=%u.%03u", e.q_milli / 1000u, e.q_milli % 1000u);
      text += q;
    }
  }
  return text;
}

//= spec#24229-5.2.2-PC-REMOVE-SECAGREE type=implementation
std::size_t strip_sec_agree(sip::Message& m) {
  std::size_t changed = 0;
  for (const char* name : kSecAgreeFields) changed += m.remove(name);
  for (const char* name : kOptionTagFields) {
    for (auto h = m.headers.begin(); h != m.headers.end();) {
      std::string rest;
      if (h->name != name || !without_sec_agree(*h, &rest)) {
        ++h;
        continue;
      }
      ++changed;
      if (rest.empty()) {
        h = m.headers.erase(h);  // nothing left: the field goes (RD-381)
      } else {
        h->value = rest;
        ++h;
      }
    }
  }
  return changed;
}

sip::Result<core::pcscf::SecVerify> security_verify_fact(const sip::Message& m,
                                                         const core::SecMechList& sent) {
  if (m.count("Security-Verify") == 0) return core::pcscf::SecVerify::not_used;
  auto verify = security_fields(m, "Security-Verify");
  if (!verify.ok()) return verify.error();
  core::SecMechList list;
  if (to_core_list(*verify, &list) != core::Error::ok) {
    return core::pcscf::SecVerify::mismatch;  // longer than anything this P-CSCF sends
  }
  //= spec#RFC3329-PC-VERIFY-ECHO type=implementation
  return core::secagree_fact(true, sent, list);
}

}  // namespace annexo::pcscf
