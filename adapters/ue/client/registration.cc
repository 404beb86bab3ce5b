#include <cstdio>
#include <random>
#include <string>

#include "adapters/sip/digest.h"
#include "adapters/sip/headers.h"
#include "adapters/ue/client/ue_client.h"

namespace annexo::ue {

using core::Error;
using core::UeEvent;
using core::UeInput;
using core::UeOutputKind;
using core::UeResult;
using core::UeStateId;
using log::Verdict;
namespace sip = ::annexo::sip;

//= spec#5626-4.4.1-UE-KEEPALIVE type=implementation
std::uint32_t Ue_Client::keepalive_basis() const {
  return m_flow_timer_s != 0 ? m_flow_timer_s : m_o.keepalive_bound_s;
}

std::uint32_t Ue_Client::keepalive_draw() {
  const auto b = core::ue_keepalive_bounds(keepalive_basis());
  std::uniform_int_distribution<std::uint32_t> d(b.min_s, b.max_s);
  return d(m_random);
}

void Ue_Client::process_plaintext() {
  if (!m_pending_plain.empty() && m_tls && m_tls->established()) {
    std::string p;
    p.swap(m_pending_plain);
    send_plain(p);
  }
  if (m_plain.empty()) return;
  m_framer.feed(m_plain);
  m_plain.clear();
  while (m_exit < 0 && m_fd >= 0) {
    auto ev = m_framer.next();
    if (!ev.ok()) {
      m_log.decision(Verdict::deny, "ADP-SIP-STREAM-FRAMING", "framing error from the P-CSCF",
                     {{"reason", ev.error().text()}});
      close_conn();
      lost_event();
      return;
    }
    if (!ev.value().has_value()) return;
    const sip::FrameEvent fe = std::move(*ev.value());
    if (fe.kind == sip::FrameKind::pong) {
      UeInput in;
      in.event = UeEvent::pong_received;
      in.conn = m_conn;
      in.keepalive_s = keepalive_draw();
      const UeResult r = handle(in, "pong_received");
      if (r.accepted) {
        m_log.decision(
            Verdict::info, "5626-4.4.1-UE-KEEPALIVE", "CRLF pong received; next ping armed",
            {{"conn", std::to_string(m_conn)}, {"in_s", std::to_string(in.keepalive_s)}});
      }
      continue;
    }
    if (fe.kind != sip::FrameKind::message) continue;
    auto m = sip::parse_message(fe.bytes);
    if (!m.ok()) {
      m_log.decision(Verdict::deny, "ADP-SIP-MALFORMED-400", "malformed SIP from the P-CSCF",
                     {{"reason", m.error().text()}});
      continue;
    }
    if (m->is_request) {
      on_request(*m);
      continue;
    }
    on_response(*m);
  }
}

void Ue_Client::on_request(const sip::Message& m) {
  if (m.method == "ACK") return;
  const bool ok = m.method == "MESSAGE" || m.method == "OPTIONS";
  m_log.decision(Verdict::info, "5626-5.3-PC-FORWARD-OVER-FLOW",
                 "request from the P-CSCF over the registered flow",
                 {{"method", m.method}, {"from", m.from.uri_text}, {"answer", ok ? "200" : "501"}});
  m_observer.report("ue: received " + m.method + " from " + m.from.uri_text);
  m_observer.request_received(*this, m.method);
  sip::Message r =
      sip::make_response(m, ok ? 200 : 501, ok ? "OK" : "Not Implemented", sip::random_hex(4));
  auto wire = sip::serialize(r);
  if (wire.ok()) send_plain(*wire);
}

void Ue_Client::on_response(const sip::Message& m) {
  if (m.cseq.method == "MESSAGE" && m.call_id == m_msg_call_id) {
    on_message_response(m);
    return;
  }
  if (m.call_id != m_call_id || m.cseq.number != m_cseq || m.cseq.method != "REGISTER") {
    m_log.decision(Verdict::info, "", "response to no outstanding REGISTER ignored",
                   {{"status", std::to_string(m.status)}});
    return;
  }
  if (m.status < 200) return;
  m_last_status = std::to_string(m.status) + " " + m.reason;
  UeInput in;
  in.conn = m_conn;
  const char* what = "";
  if (m.status == 401) {
    const auto ch = usable_challenge(m, "401 without a usable challenge");
    if (!ch) {
      in.event = UeEvent::response_other_failure;
      what = "response_other_failure";
    } else {
      m_challenge = *ch;
      m_nc = 0;
      in.event = UeEvent::response_401;
      in.stale = ch->stale;
      what = "response_401";
    }
  } else if (m.status >= 200 && m.status < 300) {
    in.event = UeEvent::response_2xx;
    what = "response_2xx";
    in.expires_s = m_o.expires_s;
    if (const std::string* ex = m.first("Expires")) {
      auto v = sip::parse_uint32(*ex, "Expires");
      if (v.ok()) in.expires_s = *v;
    }
    for (const std::string* c : m.all("Contact")) {
      auto cs = sip::parse_contacts(*c);
      if (!cs.ok()) continue;
      for (const auto& na : cs->list) {
        if (auto e = sip::contact_expires(na)) in.expires_s = *e;
      }
    }
    m_flow_timer_s = 0;
    if (const std::string* ft = m.first("Flow-Timer")) {
      auto v = sip::parse_uint32(*ft, "Flow-Timer");
      if (v.ok()) m_flow_timer_s = *v;
    }
    // The core checks the draw against the same basis (5626-4.4.1-UE-KEEPALIVE).
    in.flow_timer_s = keepalive_basis();
    in.keepalive_s = keepalive_draw();
    bool rspauth = false;
    if (m_sent_creds) {
      if (const std::string* ai = m.first("Authentication-Info")) {
        auto info = sip::parse_authentication_info(*ai);
        rspauth = info.ok() && sip::verify_rspauth(*info, *m_sent_creds, m_o.password);
      }
    }
    in.rspauth_ok = rspauth;
    m_log.decision(rspauth ? Verdict::allow : Verdict::info, "N.2-UE-VERIFY-RSPAUTH",
                   rspauth ? "rspauth verified" : "no verified rspauth in the 2xx",
                   {{"expires", std::to_string(in.expires_s)}});
    if (const std::string* pau = m.first("P-Associated-URI")) m_associated = *pau;
    // RFC 3327 5.3: the registrar returns the Path the P-CSCF added.
    if (const std::string* path = m.first("Path")) {
      const std::string* sr = m.first("Service-Route");
      m_log.decision(Verdict::info, "24229-5.2.1-PATH-SUPPORT",
                     "Path and Service-Route in the 2xx to REGISTER",
                     {{"path", *path}, {"service_route", sr != nullptr ? *sr : ""}});
    }
  } else if (m.status == 403) {
    in.event = UeEvent::response_auth_failure;
    what = "response_auth_failure";
  } else {
    in.event = UeEvent::response_other_failure;
    what = "response_other_failure";
  }
  note_secagree_refusal(m);
  handle(in, what);
  m_refusal = Error::ok;
}

std::optional<sip::DigestChallenge> Ue_Client::usable_challenge(const sip::Message& m,
                                                                const char* what) {
  const std::string* h = m.first("WWW-Authenticate");
  auto ch = h ? sip::parse_challenge(*h)
              : sip::Result<sip::DigestChallenge>(sip::sip_error("WWW-Authenticate", "missing"));
  if (ch.ok()) return *ch;
  const bool aka = h != nullptr && sip::names_aka_algorithm(*h);
  m_log.decision(Verdict::deny, aka ? "O.1.1-ALL-DIGEST-REQUIRED" : "N.1-DIGEST-RFC7616", what,
                 {{"reason", ch.error().text()}});
  return std::nullopt;
}

void Ue_Client::send_message_request() {
  sip::Message m = sip::make_request("MESSAGE", m_o.message_to);
  const std::string host =
      m_local.host.find(':') != std::string::npos ? "[" + m_local.host + "]" : m_local.host;
  m_msg_call_id = sip::random_hex(8) + "@annexo-ue";
  m.add("Via", "SIP/2.0/TLS " + host + ":" + std::to_string(m_local.port) + ";branch=z9hG4bK" +
                   sip::random_hex(8) + ";rport");
  m.add("From", "<" + m_o.impus.front() + ">;tag=" + sip::random_hex(4));
  m.add("To", "<" + m_o.message_to + ">");
  m.add("Call-ID", m_msg_call_id);
  m.add("CSeq", "1 MESSAGE");
  if (!m_o.preferred_identity.empty()) {
    m.add("P-Preferred-Identity", "<" + m_o.preferred_identity + ">");
  }
  m.add("Content-Type", "text/plain");
  m.body = "annexo ue";
  if (!add_security_verify(m)) return;
  if (auto wire = wire_or_refuse(m, Error::ue_request_not_allowed)) send_plain(*wire);
}

void Ue_Client::on_message_response(const sip::Message& m) {
  if (m.status < 200) return;
  const std::string* pai = m.first("P-Asserted-Identity");
  const std::string asserted = pai ? *pai : "";
  m_log.decision(m.status < 300 ? Verdict::info : Verdict::deny, "O.2.2-PC-ASSERT-FROM-ASSOC",
                 "answer to the MESSAGE sent over the session",
                 {{"status", std::to_string(m.status)},
                  {"preferred", m_o.preferred_identity},
                  {"asserted", asserted}});
  m_observer.report("ue: MESSAGE " + std::to_string(m.status) + " asserted=" + asserted);
  m_observer.message_answered(*this, m.status);
  if (m_o.stay_s != 0) return;
  if (m.status >= 200 && m.status < 300) {
    finish(kRegistered);
  } else {
    refuse(kPolicy, Error::ue_request_not_allowed,
           "MESSAGE answered " + std::to_string(m.status) + " " + m.reason);
  }
}

std::optional<std::string> Ue_Client::wire_or_refuse(const sip::Message& m, Error e) {
  auto wire = sip::serialize(m);
  if (!wire.ok()) {
    refuse(kPolicy, e, m.method + " not serialisable: " + wire.error().text());
    return std::nullopt;
  }
  return *wire;
}

sip::Message Ue_Client::register_skeleton(const net::Endpoint& local, const char* transport) {
  sip::Message m = sip::make_request("REGISTER", "sip:" + m_domain);
  const std::string host =
      local.host.find(':') != std::string::npos ? "[" + local.host + "]" : local.host;
  m.add("Via", std::string("SIP/2.0/") + transport + " " + host + ":" + std::to_string(local.port) +
                   ";branch=z9hG4bK" + sip::random_hex(8) + ";rport");
  m.add("From", "<" + m_o.impus.front() + ">;tag=" + m_from_tag);
  m.add("To", "<" + m_o.impus.front() + ">");
  m.add("Call-ID", m_call_id);
  m.add("CSeq", std::to_string(++m_cseq) + " REGISTER");
  const auto at = m_o.impi.find('@');
  const std::string user = at == std::string::npos ? m_o.impi : m_o.impi.substr(0, at);
  //= spec#5626-4.2-UE-INSTANCE-REGID type=implementation
  //= spec#24229-UE-OUTBOUND-CONTACT type=implementation
  m.add("Contact", "<sip:" + user + "@" + host + ":" + std::to_string(local.port) +
                       ";transport=tls;ob>;+sip.instance=\"<" + m_instance +
                       ">\";reg-id=1;expires=" + std::to_string(m_o.expires_s));
  m.add("Expires", std::to_string(m_o.expires_s));
  return m;
}

void Ue_Client::send_register(bool with_credentials) {
  const std::string uri = "sip:" + m_domain;
  sip::Message m = register_skeleton(m_local, "TLS");
  m.add("Supported", "path, outbound");
  m_sent_creds.reset();
  if (with_credentials && m_challenge) {
    char nc[9];
    std::snprintf(nc, sizeof(nc), "%08x", ++m_nc);
    auto c = sip::answer_challenge(*m_challenge, m_o.impi, m_o.password, "REGISTER", uri, m_nc);
    if (!c.ok()) {
      refuse(kPolicy, Error::ue_registration_failed,
             "challenge not answerable: " + c.error().text());
      return;
    }
    m_sent_creds = *c;
    m.add("Authorization", sip::format_credentials(*c));
  }
  if (!add_security_verify(m)) return;
  m_sent_verify = m.first("Security-Verify") != nullptr;
  if (auto wire = wire_or_refuse(m, Error::ue_registration_failed)) send_plain(*wire);
}

}  // namespace annexo::ue
