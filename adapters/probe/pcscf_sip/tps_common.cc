#include "adapters/probe/pcscf_sip/tps_common.h"

#include <algorithm>

namespace annexo::probe::pcscf_sip {

Tp_Outcome verdict(Verdict v, std::string reason, std::vector<Evidence> evidence) {
  Tp_Outcome o;
  o.verdict = v;
  o.reason = std::move(reason);
  o.evidence = std::move(evidence);
  return o;
}

bool fresh_connection(Setup& s, Tp_Outcome& out, bool openssl) {
  if (!s.rig.open()) {
    out = verdict(Verdict::error, "S-CSCF side: " + s.rig.error());
    return false;
  }
  s.ue = &s.rig.add_ue(openssl);
  if (!s.rig.handshake(*s.ue, out)) return false;
  return true;
}

Probe_Ue* resuming_connection(Setup& s, SSL_SESSION* session, Tp_Outcome& out, Evidence& ev) {
  // Only a session with a Session ID is put into the ClientHello: without
  // one nothing would be offered and "full handshake" would prove nothing.
  unsigned int id_len = 0;
  SSL_SESSION_get_id(session, &id_len);
  if (SSL_SESSION_is_resumable(session) != 1 || id_len == 0) {
    out = verdict(Verdict::inconc, "the earlier connection's session cannot be offered");
    return nullptr;
  }
  Probe_Ue& b = s.rig.add_ue(true, session);
  if (!s.rig.handshake(b, out)) return nullptr;
  ev = Evidence{
      b.tls_stream(), b.handshake_offset(),
      "handshake on a new connection offering the old session (" + std::to_string(id_len) +
          "-byte Session ID): " + (b.handshake().resumed ? "abbreviated (resumed)" : "full")};
  return &b;
}

bool registered_ue(Setup& s, std::size_t user, Tp_Outcome& out, bool openssl) {
  const auto& users = s.rig.ctx().pixit.users;
  if (user >= users.size() || users[user].impus.empty()) {
    out =
        verdict(Verdict::error, "PIXIT has no user " + std::to_string(user + 1) + " with an IMPU");
    return false;
  }
  if (!fresh_connection(s, out, openssl)) return false;
  s.sip = std::make_unique<Ue_Sip>(s.rig, *s.ue, users[user]);
  s.reg = s.sip->register_user();
  if (!s.reg.registered()) {
    std::vector<Evidence> ev;
    for (const auto& a : s.reg.answers) ev.push_back(evidence_of(*s.ue, a));
    out = verdict(Verdict::inconc,
                  "initial condition not reached: registration of " + users[user].impi +
                      " ended with " +
                      (s.reg.final_status   ? std::to_string(s.reg.final_status)
                       : s.reg.first_status ? std::to_string(s.reg.first_status)
                                            : std::string("no answer")),
                  ev);
    return false;
  }
  if (s.rig.ctx().note) s.rig.ctx().note("registered " + users[user].impi + " on " + s.ue->name());
  return true;
}

bool in_set(const std::vector<std::string>& impus, const std::string& uri) {
  return std::find(impus.begin(), impus.end(), uri) != impus.end();
}

std::vector<std::string> asserted(const sip::Message& m) {
  std::vector<std::string> out;
  for (const std::string* v : m.all("P-Asserted-Identity")) {
    auto list = sip::parse_name_addr_list(*v, "P-Asserted-Identity");
    if (!list.ok()) {
      out.push_back(*v);  // unparseable: still asserted
      continue;
    }
    for (const auto& na : *list) out.push_back(na.uri_text);
  }
  return out;
}

}  // namespace annexo::probe::pcscf_sip
