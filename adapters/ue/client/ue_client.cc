#include "adapters/ue/client/ue_client.h"

#include <stdexcept>
#include <string>

#include "adapters/net/clock.h"
#include "core/cert_policy.h"

namespace annexo::ue {

using core::Error;
using core::UeEvent;
using core::UeInput;
using core::UeOutputKind;
using core::UeResult;
using core::UeStateId;
using log::Verdict;
namespace sip = ::annexo::sip;

namespace {

const char* output_name(UeOutputKind k) {
  switch (k) {
    case UeOutputKind::new_registration:
      return "new_registration";
    case UeOutputKind::open_tls:
      return "open_tls";
    case UeOutputKind::send_alert:
      return "send_alert";
    case UeOutputKind::answer_empty_certificate:
      return "answer_empty_certificate";
    case UeOutputKind::send_register_secagree:
      return "send_register_secagree";
    case UeOutputKind::send_register_initial:
      return "send_register_initial";
    case UeOutputKind::send_register_credentials:
      return "send_register_credentials";
    case UeOutputKind::send_reregister:
      return "send_reregister";
    case UeOutputKind::send_request:
      return "send_request";
    case UeOutputKind::send_keepalive:
      return "send_keepalive";
    case UeOutputKind::renegotiate:
      return "renegotiate";
    case UeOutputKind::close_and_discard:
      return "close_and_discard";
    case UeOutputKind::report_registered:
      return "report_registered";
    case UeOutputKind::report_pcscf_violation:
      return "report_pcscf_violation";
    case UeOutputKind::use_ipsec:
      return "use_ipsec";
    case UeOutputKind::use_unprotected:
      return "use_unprotected";
    case UeOutputKind::abort:
      return "abort";
  }
  return "?";
}

// Requirement behind each output the UE logs as ALLOW/INFO.
const char* output_requirement(UeOutputKind k) {
  switch (k) {
    case UeOutputKind::open_tls:
      return "O.1.1-ALL-OPTIONAL-USE";
    case UeOutputKind::send_register_initial:
    case UeOutputKind::send_register_credentials:
      return "O.2.2-UE-ALL-SIP-OVER-SESSION";
    case UeOutputKind::send_register_secagree:
      return "O.2-UE-VARIANT-SECAGREE";
    case UeOutputKind::send_reregister:
      return "O.4.3-UE-REREG-OVER-ACTIVE-SESSION";
    case UeOutputKind::send_keepalive:
      return "5626-4.4.1-UE-KEEPALIVE";
    case UeOutputKind::renegotiate:
      return "O.4.1-UE-RENEG-INSIDE-CONN";
    case UeOutputKind::answer_empty_certificate:
      return "O.2.1-PC-NO-CLIENT-CERT-REQ";
    case UeOutputKind::report_registered:
      return "O.2.1-HN-AUTH-UE-DIGEST";
    default:
      return "";
  }
}

}  // namespace

Ue_Client::Ue_Client(Options o, log::Decision_Log& log, net::Event_Loop& loop,
                     Ue_Observer& observer)
    : m_o(std::move(o)),
      m_log(log),
      m_loop(loop),
      m_observer(observer),
      m_framer(sip::FramerRole::client) {
  core::UeConfig<core::Concrete> cfg = core::kUeDefaultConfig;
  cfg.require_signalling_security = m_o.require_security;
  cfg.abort_on_certificate_request = m_o.abort_on_cert_req;
  cfg.handshake_timeout_s = m_o.handshake_timeout_s;
  //= spec#O.2-UE-VARIANT-SECAGREE type=implementation
  cfg.use_sec_agree = m_o.secagree.has_value();
  m_machine = core::UeMachine(cfg);
  const auto at = m_o.impus.front().find('@');
  m_domain = at == std::string::npos ? m_o.impus.front() : m_o.impus.front().substr(at + 1);
  m_instance = "urn:uuid:" + sip::random_hex(4) + "-" + sip::random_hex(2) + "-4" +
               sip::random_hex(2).substr(1) + "-a" + sip::random_hex(2).substr(1) + "-" +
               sip::random_hex(6);
}

// A client destroyed while running leaves the loop quietly: its descriptors
// are unregistered and closed, nothing is sent and nothing logged.
Ue_Client::~Ue_Client() {
  drop_fd();
  close_plain();
}

int Ue_Client::exit_code() const {
  return m_exit < 0 ? kNetwork : m_exit;
}

bool Ue_Client::start() {
  // Botan 2.19 speaks TLS 1.2 only; OpenSSL 3.0 offers TLS 1.3 and 1.2 (RD-180).
  //= spec#33210-6.2.1-TLS13-MANDATORY type=implementation
  const bool tls13 = atls::tls_stack_speaks_tls13(m_o.tls_stack);
  m_tls_config.enable_tls13 = tls13;
  m_tls_config.offer_null_encryption = m_o.offer_null;
  if (const Error e = core::build_offer(m_tls_config, m_offer); e != Error::ok) {
    refuse(kPolicy, e, "TLS offer refused at start-up");
    return false;
  }
  if (std::string err;
      !m_stack.start(m_o.tls_stack, m_tls_config, m_offer, m_o.ca, m_o.crls, &err)) {
    m_observer.report("ue: REFUSED - start-up: " + err);
    finish(kUsageError);  // nothing open yet: only the observer hears of it
    return false;
  }
  m_log.decision(Verdict::info, "", "TLS stack",
                 {{"stack", atls::tls_stack_name(m_o.tls_stack)},
                  {"versions", tls13 ? "TLS1.3,TLS1.2" : "TLS1.2"}});
  //= spec#O.5.2-UE-RFC5280-PATH type=implementation
  m_log.decision(Verdict::info, "O.5.2-UE-RFC5280-PATH",
                 m_o.crls.empty() ? "revocation checking off (no --crl; RD-83)"
                                  : "revocation checking on: every certificate of the path "
                                    "but the trust anchor needs a current CRL (RD-83)",
                 {{"crl_files", std::to_string(m_o.crls.size())}});
  if (m_o.keepalive_bound_s != 0) {
    const auto b = core::ue_keepalive_bounds(m_o.keepalive_bound_s);
    m_log.decision(Verdict::info, "5626-4.4.1-UE-KEEPALIVE",
                   "keep-alive interval configured (used when the 2xx has no Flow-Timer; RD-78)",
                   {{"min_s", std::to_string(b.min_s)}, {"max_s", std::to_string(b.max_s)}});
  }
  UeInput in;
  in.event = UeEvent::start_registration;
  in.access.access_3gpp = m_o.access_3gpp;
  in.access.tls_available = true;  // Annex O implemented, enabled and offered here
  in.access.ipsec_available = false;
  handle(in, "start_registration");
  return m_exit < 0;
}

bool Ue_Client::send_message(const std::string& to) {
  if (m_exit >= 0 || m_fd < 0) return false;
  m_o.message_to = to;
  UeInput in;
  in.event = UeEvent::send_request;
  in.conn = m_conn;
  return handle(in, "send_request").accepted;
}

void Ue_Client::drop_connection() {
  if (m_exit >= 0 || m_fd < 0) return;
  m_log.decision(Verdict::info, "", "connection dropped by this side (churn)",
                 {{"conn", std::to_string(m_conn)}});
  drop_fd();
  lost_event();
}

std::optional<core::Seconds> Ue_Client::deadline() const {
  if (m_exit >= 0) return std::nullopt;
  std::optional<core::Seconds> best;
  const auto d = m_machine.next_deadline();
  if (d.armed) best = d.at;
  if (m_stay_armed && (!best || core::time_reached(*best, m_stay_end))) best = m_stay_end;
  if (m_retry_armed && (!best || core::time_reached(*best, m_retry_at))) best = m_retry_at;
  return best;
}

void Ue_Client::tick(core::Seconds t) {
  if (m_exit >= 0) return;
  if (m_stay_armed && core::time_reached(t, m_stay_end)) {
    end_stay();
    return;
  }
  if (m_retry_armed && core::time_reached(t, m_retry_at)) {
    retry_now();
    flush();
    return;
  }
  // A TLS set-up that got no answer in time is a failed attempt to replace
  // the flow, not a refusal: recovery goes on (RD-103).
  const auto d = m_machine.next_deadline();
  if (d.armed && core::time_reached(t, d.at) && m_machine.state_id() == UeStateId::tls_connecting &&
      recovery_applies()) {
    retry_later("no answer to the TLS handshake within " + std::to_string(m_o.handshake_timeout_s) +
                " s");
    return;
  }
  m_setup_timed_out =
      d.armed && core::time_reached(t, d.at) && m_machine.state_id() == UeStateId::tls_connecting;
  const UeResult r = m_machine.tick(t);
  if (r.accepted || r.verdict != Error::ok || r.outputs.count > 0) {
    log_result(r, "timer");
    run(r);
  }
  flush();
}

void Ue_Client::end_stay() {
  const auto st = m_machine.state_id();
  const bool registered = st == UeStateId::registered || st == UeStateId::reregistering ||
                          st == UeStateId::renegotiating;
  m_log.decision(Verdict::info, "", "stay over", {{"registered", registered ? "yes" : "no"}});
  if (st != UeStateId::idle) {  // idle (waiting to retry a flow, RD-103): nothing to stop
    UeInput in;
    in.event = UeEvent::stop;
    const UeResult r = handle(in, "stop");
    (void)r;
  }
  m_retry_armed = false;
  if (registered) {
    finish(kRegistered);
  } else {
    m_observer.report("ue: REFUSED O.4.1-UE-REREG-ON-CONN-LOSS not registered when the stay ended");
    finish(kNetwork);
  }
}

UeResult Ue_Client::handle(const UeInput& in, const char* what) {
  const UeResult r = m_machine.handle(in, now());
  log_result(r, what);
  run(r);
  return r;
}

void Ue_Client::log_result(const UeResult& r, const char* what) {
  std::string outs;
  for (std::uint8_t i = 0; i < r.outputs.count; ++i) {
    outs += (outs.empty() ? "" : ",") + std::string(output_name(r.outputs.items[i].kind));
  }
  annexo::log::Fields f{{"event", what}, {"outputs", outs}, {"conn", std::to_string(m_conn)}};
  if (!r.accepted) {
    f.emplace_back("error", core::error_info(r.verdict).name);
    m_log.decision(Verdict::deny, core::error_requirement(r.verdict),
                   core::error_message(r.verdict), f);
  } else if (r.verdict != Error::ok) {
    f.emplace_back("error", core::error_info(r.verdict).name);
    m_log.decision(Verdict::deny, core::error_requirement(r.verdict),
                   core::error_message(r.verdict), f);
  }
  for (std::uint8_t i = 0; i < r.outputs.count; ++i) {
    const char* req = output_requirement(r.outputs.items[i].kind);
    if (*req != '\0') {
      m_log.decision(Verdict::allow, req, output_name(r.outputs.items[i].kind),
                     {{"conn", std::to_string(r.outputs.items[i].conn)}});
    }
  }
}

void Ue_Client::run(const UeResult& r) {
  for (std::uint8_t i = 0; i < r.outputs.count && m_exit < 0; ++i) {
    const auto& o = r.outputs.items[i];
    switch (o.kind) {
      case UeOutputKind::new_registration:
        m_call_id = sip::random_hex(8) + "@annexo-ue";
        m_from_tag = sip::random_hex(4);
        m_challenge.reset();
        m_security_server.clear();  // a new procedure agrees afresh (RFC 3329 2.3.1)
        break;
      case UeOutputKind::open_tls:
        open(o.conn);
        break;
      case UeOutputKind::send_alert:
      case UeOutputKind::answer_empty_certificate:
      case UeOutputKind::renegotiate:
        break;  // the stack does these inside the handshake (the event's return value)
      case UeOutputKind::send_register_secagree:
        send_secagree_register();
        break;
      case UeOutputKind::send_register_initial:
        send_register(false);
        break;
      case UeOutputKind::send_register_credentials:
      case UeOutputKind::send_reregister:
        send_register(m_challenge.has_value());
        break;
      case UeOutputKind::send_request:
        send_message_request();
        break;
      case UeOutputKind::send_keepalive:
        send_plain("\r\n\r\n");
        break;
      case UeOutputKind::close_and_discard:
        close_conn();
        if (o.error == Error::ue_auth_failed) refuse(kAuthFailed, o.error, "authentication failed");
        break;
      case UeOutputKind::report_registered:
        registered();
        break;
      case UeOutputKind::report_pcscf_violation:
        m_log.decision(Verdict::deny, core::error_requirement(o.error),
                       core::error_message(o.error), {{"conn", std::to_string(o.conn)}});
        break;
      case UeOutputKind::use_ipsec:
      case UeOutputKind::use_unprotected:
        refuse(kPolicy, Error::ue_no_protected_mechanism,
               std::string("access selection chose ") + output_name(o.kind) +
                   ", which this program does not implement");
        break;
      case UeOutputKind::abort:
        abort_with(o.error);
        break;
    }
  }
  if (r.verdict == Error::ue_registration_failed && m_exit < 0 &&
      m_machine.state_id() == UeStateId::idle) {
    refuse(kPolicy, m_refusal != Error::ok ? m_refusal : r.verdict,
           "registration refused: " + m_last_status);
  }
}

//= spec#ADP-UE-EXIT-CODES type=implementation
void Ue_Client::abort_with(Error e) {
  int code = kPolicy;
  switch (e) {
    case Error::ue_cert_rejected:
      code = kCertRejected;
      break;
    case Error::ue_certificate_request_abort:
      code = kPolicy;
      break;
    case Error::ue_tls_setup_failed:
      if (m_gate_error != Error::ok) {
        refuse(kTlsRefused, m_gate_error,
               std::string(core::error_message(m_gate_error)) + " (" + m_gate_detail + ")");
        return;
      }
      // A refusal (exit 3) is something the P-CSCF or the TLS library said:
      // an alert or a TLS failure. No connection, a close without alert or
      // no answer at all within the handshake timeout is a network error.
      code = !m_tcp_connected                                ? kNetwork
             : m_cert_error != Error::ok                     ? kCertRejected
             : m_closed_by_peer_without_alert                ? kNetwork
             : m_last_alert.empty() && m_tls_failure.empty() ? kNetwork
                                                             : kTlsRefused;
      if (code == kNetwork && m_setup_timed_out) {
        refuse(kNetwork, e,
               std::string(core::error_message(e)) + " (network: no answer to the TLS " +
                   "handshake within " + std::to_string(m_o.handshake_timeout_s) + " s)");
        return;
      }
      break;
    case Error::ue_auth_failed:
    case Error::ue_rspauth_failed:
      code = kAuthFailed;
      break;
    default:
      // The certificate policy's own verdicts (3000-3999) abort a registration too.
      code =
          (static_cast<int>(e) >= 3000 && static_cast<int>(e) < 4000) || m_cert_error != Error::ok
              ? kCertRejected
              : kPolicy;
  }
  std::string detail = core::error_message(e);
  if ((e == Error::ue_secagree_no_tls || e == Error::ue_unprotected_2xx) &&
      !m_secagree_detail.empty()) {
    detail += " (" + m_secagree_detail + ")";
  }
  if (code == kTlsRefused && !m_last_alert.empty()) detail += " (alert " + m_last_alert + ")";
  if (code == kTlsRefused && !m_tls_failure.empty()) detail += " (" + m_tls_failure + ")";
  if (code == kCertRejected && m_cert_error != Error::ok) {
    refuse(code, m_cert_error, core::error_message(m_cert_error));
    return;
  }
  refuse(code, e, detail);
}

void Ue_Client::refuse(int code, Error e, const std::string& detail) {
  if (m_exit >= 0) return;
  m_refusal_req = core::error_requirement(e);
  m_refusal_name = core::error_info(e).name;
  m_observer.report("ue: REFUSED " + m_refusal_req + " " + m_refusal_name + ": " + detail);
  m_log.decision(Verdict::deny, core::error_requirement(e), "UE verdict",
                 {{"exit", std::to_string(code)}, {"detail", detail}});
  finish(code);
}

void Ue_Client::finish(int code) {
  if (m_exit >= 0) return;
  m_exit = code;
  close_conn();
  close_plain();
  m_observer.finished(*this, code);
}

void Ue_Client::registered() {
  const bool first = !m_ever_registered;
  m_ever_registered = true;
  m_opens = 0;
  if (m_failures > 0 || m_recovering) {
    m_log.decision(Verdict::allow, "5626-4.5-UE-FLOW-RECOVERY",
                   "flow replaced: registered again over a new TLS connection",
                   {{"failed_attempts", std::to_string(m_failures)}, {"session_id", m_session_id}});
  }
  m_failures = 0;
  m_recovering = false;
  m_observer.report(std::string("ue: ") + (first ? "REGISTERED" : "REREGISTERED") + " " +
                    m_o.impus.front() + " via " + m_o.pcscf.str() + " session_id=" + m_session_id +
                    " associated=" + m_associated);
  m_observer.registered(*this, first);
  for (std::size_t i = 1; i < m_o.impus.size(); ++i) {
    if (m_associated.find(m_o.impus[i]) == std::string::npos) {
      m_log.decision(Verdict::info, "O.2.2-PC-ASSOC-IMPU-SET",
                     "configured IMPU not in P-Associated-URI", {{"impu", m_o.impus[i]}});
    }
  }
  if (first && !m_o.message_to.empty()) {
    UeInput in;
    in.event = UeEvent::send_request;
    in.conn = m_conn;
    const UeResult r = handle(in, "send_request");
    if (!r.accepted) refuse(kPolicy, r.verdict, "request not allowed");
    if (m_o.stay_s == 0) return;  // leave when the answer has come
  }
  if (m_o.stay_s == 0) {
    finish(kRegistered);
    return;
  }
  if (first) {
    m_stay_end = core::time_add(now(), m_o.stay_s);
    m_stay_armed = true;
  }
}

}  // namespace annexo::ue
