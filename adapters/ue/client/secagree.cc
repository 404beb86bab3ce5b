#include <cstring>
#include <string>
#include <vector>

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

void Ue_Client::send_secagree_register() {
  close_plain();
  if (!m_o.secagree) {
    refuse(kPolicy, Error::ue_event_not_allowed, "sec-agree variant without --secagree");
    return;
  }
  if (++m_plain_sends > kMaxSecagreeSends) {
    refuse(kNetwork, Error::ue_transaction_timeout,
           "sec-agree: no final answer to the unprotected REGISTER after " +
               std::to_string(kMaxSecagreeSends) + " attempts");
    return;
  }
  m_secagree_detail.clear();
  m_plain_connected = false;
  m_plain_framer = sip::Framer(sip::FramerRole::client);
  m_plain_wq = net::Write_Queue();
  std::string err;
  m_plain_fd = net::connect_tcp(*m_o.secagree, &err);
  if (m_plain_fd < 0) {
    plain_failed("TCP connect to " + m_o.secagree->str() + " failed: " + err);
    return;
  }
  m_loop.add(m_plain_fd, true, [this](net::Ready r) { on_plain_ready(r); });
}

std::optional<std::string> Ue_Client::secagree_register_text(const net::Endpoint& local) {
  sip::Message m = register_skeleton(local, "TCP");
  m.add("Supported", "path, outbound, sec-agree");
  //= spec#O.2-UE-VARIANT-SECAGREE type=implementation
  //= spec#S.3-SECAGREE-TLS-SELECTS-ANNEX-O type=implementation
  m.add("Require", "sec-agree");
  m.add("Proxy-Require", "sec-agree");
  // Annex O: the one mechanism the UE lists is tls (TS 24.229 5.1.1.1); the
  // TLS-first REGISTER (send_register) lists none.
  //= spec#24229-5.1.1.1-NO-SECMECH-WITHOUT-TLS type=implementation
  m.add("Security-Client", "tls");
  return wire_or_refuse(m, Error::ue_registration_failed);
}

void Ue_Client::on_plain_ready(net::Ready r) {
  if (m_plain_fd < 0) return;
  if (!m_plain_connected) {
    if (!r.writable && !r.hangup) return;
    const int e = net::connect_result(m_plain_fd);
    if (e != 0) {
      plain_failed("TCP connect to " + m_o.secagree->str() + " failed: " + std::strerror(e));
      return;
    }
    m_plain_connected = true;
    const auto local = net::local_endpoint(m_plain_fd);
    if (!local) {
      plain_failed("no local address for the sec-agree connection");
      return;
    }
    const auto wire = secagree_register_text(*local);
    if (!wire) return;
    m_plain_wq.append(reinterpret_cast<const std::uint8_t*>(wire->data()), wire->size());
    m_log.decision(
        Verdict::allow, "O.2-UE-VARIANT-SECAGREE",
        "unprotected REGISTER with Security-Client: tls sent over plain TCP",
        {{"to", m_o.secagree->str()}, {"call_id", m_call_id}, {"cseq", std::to_string(m_cseq)}});
  }
  if (r.readable) {
    std::string in;
    const long n = net::read_available(m_plain_fd, in);
    if (!in.empty()) {
      m_plain_framer.feed(in);
      process_plain();
      if (m_plain_fd < 0 || m_exit >= 0) return;
    }
    if (n == 0 || n == -1) {
      plain_failed("sec-agree connection closed by the P-CSCF before a final answer");
      return;
    }
  }
  if (r.hangup) {
    plain_failed("sec-agree connection hung up before a final answer");
    return;
  }
  if (!m_plain_wq.flush(m_plain_fd)) {
    plain_failed("write to the sec-agree connection failed");
    return;
  }
  m_loop.want_write(m_plain_fd, !m_plain_wq.empty());
}

void Ue_Client::process_plain() {
  while (m_exit < 0 && m_plain_fd >= 0) {
    auto ev = m_plain_framer.next();
    if (!ev.ok()) {
      m_log.decision(Verdict::deny, "ADP-SIP-STREAM-FRAMING",
                     "framing error on the sec-agree connection", {{"reason", ev.error().text()}});
      plain_failed("framing error on the sec-agree connection: " + ev.error().text());
      return;
    }
    if (!ev.value().has_value()) return;
    const sip::FrameEvent fe = std::move(*ev.value());
    if (fe.kind != sip::FrameKind::message) continue;
    auto m = sip::parse_message(fe.bytes);
    if (!m.ok()) {
      m_log.decision(Verdict::deny, "ADP-SIP-MALFORMED-400",
                     "malformed SIP on the sec-agree connection", {{"reason", m.error().text()}});
      continue;
    }
    if (m->is_request) {
      // Nothing but the one REGISTER goes out on this connection: requests
      // are not answered here.
      m_log.decision(Verdict::deny, "O.2-UE-VARIANT-SECAGREE",
                     "request on the unprotected sec-agree connection ignored",
                     {{"method", m->method}});
      continue;
    }
    if (m->call_id != m_call_id || m->cseq.number != m_cseq || m->cseq.method != "REGISTER" ||
        m_machine.state_id() != UeStateId::secagree_sent) {
      m_log.decision(Verdict::info, "", "response to no outstanding sec-agree REGISTER ignored",
                     {{"status", std::to_string(m->status)}});
      continue;
    }
    if (m->status < 200) continue;
    close_plain();  // its job is done: nothing else is sent on it
    on_secagree_response(*m);
    return;
  }
}

void Ue_Client::on_secagree_response(const sip::Message& m) {
  m_last_status = std::to_string(m.status) + " " + m.reason;
  UeInput in;
  in.conn = 0;  // the unprotected REGISTER is on no TLS connection
  const char* what = "";
  if (m.status == 401) {
    const std::string text = m.joined("Security-Server");
    auto list = text.empty()
                    ? sip::Result<std::vector<sip::SecMechanism>>(sip::sip_error(
                          "Security-Server", "missing in the 401 to the sec-agree REGISTER"))
                    : sip::parse_security(text, "Security-Server");
    bool tls = false;
    if (list.ok()) {
      for (const auto& mech : *list) tls = tls || mech.name == "tls";
    }
    in.event = UeEvent::response_401;
    what = "response_401";
    in.security_server_tls = tls;
    if (!tls) {
      m_secagree_detail = list.ok() ? "Security-Server: " + text : list.error().text();
      m_log.decision(Verdict::deny, "O.3.2-SECSETUP-ERRORS",
                     "401 to the sec-agree REGISTER offers no tls",
                     {{"security_server", text}, {"reason", m_secagree_detail}});
    } else {
      const auto ch =
          usable_challenge(m, "401 to the sec-agree REGISTER without a usable Digest challenge");
      if (!ch) {
        in.event = UeEvent::response_other_failure;
        what = "response_other_failure";
      } else {
        //= spec#RFC3329-UE-PICK-MECH type=implementation
        // tls is the only mechanism this UE supports, so it is the most
        // preferred one it can use; the whole list is kept for the echo.
        m_security_server = text;
        m_challenge = *ch;
        m_nc = 0;
        in.stale = ch->stale;
        m_plain_sends = 0;
        m_log.decision(Verdict::allow, "RFC3329-UE-PICK-MECH",
                       "Security-Server offers tls: TLS to the P-CSCF for the credentials",
                       {{"security_server", text}, {"pcscf", m_o.pcscf.str()}});
      }
    }
  } else if (m.status >= 200 && m.status < 300) {
    m_secagree_detail = "the P-CSCF answered " + m_last_status + " without TLS";
    in.event = UeEvent::response_2xx;
    what = "response_2xx";
  } else if (m.status == 403) {
    in.event = UeEvent::response_auth_failure;
    what = "response_auth_failure";
  } else {
    in.event = UeEvent::response_other_failure;
    what = "response_other_failure";
  }
  handle(in, what);
}

bool Ue_Client::add_security_verify(sip::Message& m) {
  if (!m_machine.state().secagree) return true;
  if (m_security_server.empty()) {
    refuse(kPolicy, Error::secagree_verify_mismatch,
           "sec-agree request without a Security-Server list to echo");
    return false;
  }
  //= spec#O.2-UE-VARIANT-SECAGREE type=implementation
  //= spec#RFC3329-PC-VERIFY-ECHO type=implementation
  m.add("Security-Verify", m_security_server);
  m.add("Require", "sec-agree");
  m.add("Proxy-Require", "sec-agree");
  return true;
}

void Ue_Client::note_secagree_refusal(const sip::Message& m) {
  if (m.status != 494 || !m_sent_verify) return;
  m_refusal = Error::secagree_verify_mismatch;
  const std::string* ss = m.first("Security-Server");
  m_log.decision(
      Verdict::deny, "RFC3329-PC-VERIFY-ECHO", "the P-CSCF refused the Security-Verify echo (494)",
      {{"security_verify", m_security_server}, {"security_server", ss != nullptr ? *ss : ""}});
}

void Ue_Client::plain_failed(const std::string& why) {
  m_log.decision(Verdict::error, "", "sec-agree connection failed", {{"reason", why}});
  close_plain();
  if (m_exit < 0 && m_machine.state_id() == UeStateId::secagree_sent) {
    refuse(kNetwork, Error::ue_connection_lost, "sec-agree: " + why);
  }
}

void Ue_Client::close_plain() {
  if (m_plain_fd < 0) return;
  m_loop.remove(m_plain_fd);
  net::close_fd(m_plain_fd);
  m_plain_fd = -1;
  m_plain_connected = false;
}

}  // namespace annexo::ue
