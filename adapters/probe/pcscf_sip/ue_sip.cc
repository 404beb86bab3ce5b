#include "adapters/probe/pcscf_sip/ue_sip.h"

#include "adapters/sip/digest.h"

namespace annexo::probe::pcscf_sip {

Ue_Sip::Ue_Sip(Rig& rig, Probe_Ue& ue, const probe_data::TestUser& user)
    : m_rig(rig),
      m_ue(ue),
      m_user(user),
      m_reg_call_id("probe-reg-" + sip::random_hex(8)),
      m_from_tag(sip::random_hex(4)),
      m_instance("urn:uuid:" + sip::random_hex(4) + "-0000-4000-8000-" + sip::random_hex(6)) {}

// The probe's own address in Via and Contact: PIXIT probe.host (the IUT
// adds received/rport for what it actually saw).
std::string probe_host(const probe_data::Pixit& p) {
  return p.probe_host.empty() ? "127.0.0.1" : p.probe_host;
}

std::string Ue_Sip::via() const {
  return "SIP/2.0/TLS " + probe_host(m_rig.ctx().pixit) + ":" + std::to_string(m_ue.local_port()) +
         ";branch=z9hG4bK" + sip::random_hex(8) + ";rport";
}

std::string Ue_Sip::contact(std::uint32_t expires) const {
  const auto at = m_user.impi.find('@');
  const std::string user = m_user.impi.substr(0, at);
  return "<sip:" + user + "@" + probe_host(m_rig.ctx().pixit) + ":" +
         std::to_string(m_ue.local_port()) + ";transport=tls;ob>;+sip.instance=\"<" + m_instance +
         ">\";reg-id=1;expires=" + std::to_string(expires);
}

// The next REGISTER of the UE's registration (its Call-ID, the next CSeq),
// without credentials.
sip::Message Ue_Sip::make_register(const Reg_Options& o) {
  const std::string impu = o.impu.empty() ? m_user.impus.front() : o.impu;
  sip::Message m = sip::make_request("REGISTER", "sip:" + m_rig.ctx().pixit.domain);
  m.add("Via", via());
  if (o.extra_via) m.add("Via", "SIP/2.0/TCP 192.0.2.7:5060;branch=z9hG4bK" + sip::random_hex(8));
  m.add("From", "<" + impu + ">;tag=" + m_from_tag);
  m.add("To", "<" + impu + ">");
  m.add("Call-ID", m_reg_call_id);
  m.add("CSeq", std::to_string(++m_reg_cseq) + " REGISTER");
  m.add("Contact", contact(o.expires));
  m.add("Expires", std::to_string(o.expires));
  m.add("Supported", "path, outbound");
  for (const auto& [name, value] : o.headers) m.add(name, value);
  return m;
}

std::string Ue_Sip::send_register(const Reg_Options& o) {
  auto wire = sip::serialize(make_register(o));
  if (!wire.ok() || !m_ue.send(*wire)) return "";
  return m_reg_call_id;
}

Reg_Result Ue_Sip::register_user(const Reg_Options& o) {
  Reg_Result r;
  const std::size_t mark = m_rig.scscf().mark();
  const std::string uri = "sip:" + m_rig.ctx().pixit.domain;
  std::optional<sip::DigestChallenge> challenge;
  for (int leg = 0; leg < 2; ++leg) {
    sip::Message m = make_register(o);
    if (challenge) {
      auto c = sip::answer_challenge(*challenge, m_user.impi,
                                     o.password.empty() ? m_user.password : o.password, "REGISTER",
                                     uri, 1);
      if (!c.ok()) break;
      m.add("Authorization", sip::format_credentials(*c));
    } else if (o.initial_authorization) {
      // TS 24.229 5.1.1.2 (SIP digest): the IMPI, realm and uri with an empty
      // nonce and response, before any challenge.
      m.add("Authorization", "Digest username=\"" + m_user.impi + "\", realm=\"" +
                                 m_rig.ctx().pixit.domain + "\", uri=\"" + uri +
                                 "\", nonce=\"\", response=\"\"");
    }
    auto wire = sip::serialize(m);
    if (!wire.ok() || !m_ue.send(*wire)) break;
    const std::size_t seen = m_ue.received().size();
    const std::uint32_t cseq = m_reg_cseq;
    const Sip_Seen* final = nullptr;
    m_rig.pump_until(
        [&] {
          for (std::size_t i = seen; i < m_ue.received().size(); ++i) {
            const Sip_Seen& s = m_ue.received()[i];
            if (!s.msg.is_request && s.msg.status >= 200 && s.msg.call_id == m_reg_call_id &&
                s.msg.cseq.number == cseq) {
              final = &s;
              return true;
            }
          }
          return m_ue.peer_closed() || m_ue.failed();
        },
        m_rig.sip_budget());
    if (final == nullptr) break;
    r.answers.push_back(*final);
    (leg == 0 ? r.first_status : r.final_status) = final->msg.status;
    if (final->msg.status != 401) break;
    const std::string* www = final->msg.first("WWW-Authenticate");
    if (www == nullptr) break;
    auto ch = sip::parse_challenge(*www);
    if (!ch.ok()) break;
    challenge = *ch;
  }
  // A 2xx at once (an IUT or registrar that did not challenge) is final too.
  if (r.final_status == 0 && r.first_status >= 200 && r.first_status < 300)
    r.final_status = r.first_status;
  r.forwarded = forwarded(m_reg_call_id, mark);
  return r;
}

std::string Ue_Sip::send_request(const std::string& method, const std::string& from_impu,
                                 const std::string& ppi, const std::string& to_uri) {
  const std::string to = to_uri.empty() ? m_rig.ctx().pixit.users.back().impus.front() : to_uri;
  sip::Message m = sip::make_request(method, to);
  const std::string call_id = "probe-" + method + "-" + sip::random_hex(8);
  m.add("Via", via());
  m.add("From", "<" + from_impu + ">;tag=" + sip::random_hex(4));
  m.add("To", "<" + to + ">");
  m.add("Call-ID", call_id);
  m.add("CSeq", "1 " + method);
  m.add("Contact", "<sip:probe@" + probe_host(m_rig.ctx().pixit) + ":" +
                       std::to_string(m_ue.local_port()) + ";transport=tls;ob>");
  if (!ppi.empty()) m.add("P-Preferred-Identity", "<" + ppi + ">");
  if (method == "MESSAGE") {
    m.add("Content-Type", "text/plain");
    m.body = "annexo probe";
  }
  auto wire = sip::serialize(m);
  if (!wire.ok() || !m_ue.send(*wire)) return "";
  return call_id;
}

std::string Ue_Sip::send_reinvite(const sip::Message& answer, int cseq) {
  const std::string* from = answer.first("From");
  const std::string* to = answer.first("To");
  if (from == nullptr || to == nullptr) return "";
  const std::string* contact = answer.first("Contact");
  const std::string target = first_uri(contact != nullptr ? *contact : *to);
  sip::Message m = sip::make_request("INVITE", target);
  m.add("Via", via());
  const auto rrs = answer.all("Record-Route");
  for (auto it = rrs.rbegin(); it != rrs.rend(); ++it) m.add("Route", **it);
  m.add("From", *from);
  m.add("To", *to);
  m.add("Call-ID", answer.call_id);
  m.add("CSeq", std::to_string(cseq) + " INVITE");
  m.add("Contact", "<sip:probe@" + probe_host(m_rig.ctx().pixit) + ":" +
                       std::to_string(m_ue.local_port()) + ";transport=tls;ob>");
  auto wire = sip::serialize(m);
  if (!wire.ok() || !m_ue.send(*wire)) return "";
  return answer.call_id;
}

std::optional<Sip_Seen> Ue_Sip::wait_final(const std::string& call_id, int budget_ms) {
  std::optional<Sip_Seen> got;
  m_rig.pump_until(
      [&] {
        for (const Sip_Seen& s : m_ue.received()) {
          if (!s.msg.is_request && s.msg.status >= 200 && s.msg.call_id == call_id) {
            got = s;
            return true;
          }
        }
        return m_ue.peer_closed() || m_ue.failed();
      },
      budget_ms);
  return got;
}

std::vector<Scscf_Seen> Ue_Sip::forwarded(const std::string& call_id, std::size_t mark) const {
  std::vector<Scscf_Seen> out;
  const auto& all = m_rig.scscf().requests();
  for (std::size_t i = mark; i < all.size(); ++i)
    if (all[i].s.msg.call_id == call_id) out.push_back(all[i]);
  return out;
}

std::string first_uri(const std::string& value) {
  auto na = sip::parse_name_addr_list(value, "name-addr");
  if (na.ok() && !na->empty()) return na->front().uri_text;
  return value;
}

std::string integrity_protected(const sip::Message& m) {
  const std::string* a = m.first("Authorization");
  if (a == nullptr) return "";
  auto c = sip::parse_credentials(*a);
  return c.ok() && c->integrity_protected ? *c->integrity_protected : "";
}

Evidence evidence_of(const Scscf_Seen& s, const char* header) {
  std::string text = s.s.start_line();
  if (header != nullptr) {
    const std::string l = s.s.line(header);
    text += " | " + (l.empty() ? std::string("no ") + header : l);
  }
  return Evidence{s.stream, s.s.offset, text};
}

Evidence evidence_of(const Probe_Ue& ue, const Sip_Seen& s) {
  return Evidence{ue.in_stream(), s.offset, s.start_line()};
}

}  // namespace annexo::probe::pcscf_sip
