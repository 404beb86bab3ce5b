#include "adapters/pcscf/sec_agree_sip.h"

#include <cstdio>

namespace annexo::pcscf {

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
