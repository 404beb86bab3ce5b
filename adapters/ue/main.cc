// ue: an Annex O UE that registers with a P-CSCF over TLS with SIP Digest
// (see adapters/README.md). Every decision comes from core/ue_machine.h and
// core/cert_policy.h; this file carries bytes and facts. Two variants (O.2):
// TLS-first (default) and, with --secagree, RFC 3329 sec-agree (an unprotected
// REGISTER over plain TCP, then the credentials over TLS with Security-Verify).
//
// Exit codes (distinct, documented in adapters/README.md):
//   0 registered (and, with --stay, still registered when the stay ended)
//   1 usage error
//   2 P-CSCF certificate rejected (O.2.1-UE-AUTH-PC-BY-CERT, O.3.1.2, O.5.x)
//   3 TLS handshake refused (version or cipher suite; the P-CSCF's or Botan's alert)
//   4 authentication failed (O.3.1.1: 403 / wrong password; N.2 rspauth)
//   5 refused by policy (access selection O.1.1, CertificateRequest with
//     --abort-on-certificate-request, offer without an encrypting suite, other
//     final SIP failure; sec-agree: no tls in Security-Server, a 2xx to the
//     unprotected REGISTER, a 494 to the REGISTER carrying Security-Verify)
//   6 network error (TCP connect failed, connection lost for good, no answer to
//     the TLS handshake, not registered when --stay ended; RD-103, RD-104)
// On a refusal one line goes to stdout:  ue: REFUSED <REQUIREMENT-ID> <error>: <message>
#include <botan/auto_rng.h>
#include <botan/hex.h>
#include <botan/tls_client.h>
#include <botan/tls_session_manager.h>
#include <signal.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "adapters/log/decision_log.h"
#include "adapters/net/clock.h"
#include "adapters/net/event_loop.h"
#include "adapters/sip/digest.h"
#include "adapters/sip/framer.h"
#include "adapters/sip/headers.h"
#include "adapters/sip/message.h"
#include "adapters/tls/alerts.h"
#include "adapters/tls/callbacks.h"
#include "adapters/tls/cert_facts.h"
#include "adapters/tls/credentials.h"
#include "adapters/tls/policy.h"
#include "adapters/tls/server_hello_gate.h"
#include "core/cert_policy.h"
#include "core/profile.h"
#include "core/ue_machine.h"

namespace {

using annexo::core::Error;
using annexo::core::UeEvent;
using annexo::core::UeInput;
using annexo::core::UeOutputKind;
using annexo::core::UeResult;
using annexo::core::UeStateId;
using annexo::log::Verdict;
namespace core = annexo::core;
namespace net = annexo::net;
namespace sip = annexo::sip;
namespace atls = annexo::tls;

enum Exit : int {
  kRegistered = 0,
  kUsageError = 1,
  kCertRejected = 2,
  kTlsRefused = 3,
  kAuthFailed = 4,
  kPolicy = 5,
  kNetwork = 6,
};

struct Options {
  net::Endpoint pcscf;
  std::string fqdn;
  std::string ca;
  // --crl FILE (repeatable): CRLs for the trust anchors and the intermediates
  // the P-CSCF sends. Given at least once, revocation checking is on and every
  // certificate of the path but the anchor needs a current CRL (RD-83).
  std::vector<std::string> crls;
  std::string impi;
  std::vector<std::string> impus;
  std::string password;
  std::uint32_t stay_s = 0;
  // TS 24.229 5.1.1.2: the UE asks for 600 000 s; the registrar shortens it
  // and the UE re-registers on what the 2xx grants.
  //= spec#24229-5.1.1.2-DEFAULT-EXPIRES type=implementation
  std::uint32_t expires_s = 600000;
  // --keepalive-interval: configured upper bound of the CRLF ping interval
  // when the registrar sends no Flow-Timer (0: RFC 5626 default, 95-120 s). RD-78.
  std::uint32_t keepalive_bound_s = 0;
  // RFC 5626 4.5 flow recovery while --stay lasts (RD-103): base-time and
  // max-time of the wait between attempts to replace a failed flow.
  std::uint32_t reconnect_base_s = core::kFlowRecoveryBaseS;
  std::uint32_t reconnect_max_s = core::kFlowRecoveryMaxS;
  // TLS set-up bound (the machine's handshake_timeout_s).
  std::uint32_t handshake_timeout_s = core::kUeDefaultConfig.handshake_timeout_s;
  bool offer_null = false;
  bool abort_on_cert_req = false;
  bool access_3gpp = false;
  bool require_security = false;
  std::string message_to;          // --message URI: one MESSAGE over the session once registered
  std::string preferred_identity;  // --preferred-identity URI: P-Preferred-Identity of that MESSAGE
  annexo::log::Format log_format = annexo::log::Format::text;
  // --secagree HOST:PORT: the P-CSCF's plain-TCP sec-agree address; set = the
  // RFC 3329 variant of O.2 (O.2-UE-VARIANT-SECAGREE), unset = TLS-first.
  std::optional<net::Endpoint> secagree;
};

const char* kUsage =
    "usage: ue --pcscf HOST:PORT --pcscf-fqdn NAME --ca FILE --impi IMPI --impu IMPU\n"
    "          (--password P | --password-file F) [options]\n"
    "  --pcscf HOST:PORT                numeric address of the P-CSCF (port 5061 by default)\n"
    "  --pcscf-fqdn NAME                reference identity its certificate must carry (O.5.2)\n"
    "  --ca FILE                        trust anchors (PEM)\n"
    "  --crl FILE (repeatable)          CRLs (PEM or DER): revocation checking on; every\n"
    "                                   certificate but the anchor needs a current CRL of its\n"
    "                                   issuer, else it is refused (RD-83; default: off)\n"
    "  --impi X  --impu Y (repeatable)  private and public identities (first IMPU registers)\n"
    "  --password P | --password-file F Digest password\n"
    "  --stay SECONDS                   stay registered this long (re-register, renegotiate,\n"
    "                                   keep-alive), then exit (default 0: exit once registered)\n"
    "  --expires SECONDS                registration interval asked for (default 600000, TS "
    "24.229)\n"
    "  --keepalive-interval SECONDS     upper bound U of the CRLF keep-alive interval when the\n"
    "                                   2xx has no Flow-Timer: pings at a random [U - U/5, U] s\n"
    "                                   (1-120; default: 95-120 s, RFC 5626 4.4.1; RD-78)\n"
    "  --reconnect-base SECONDS         RFC 5626 4.5 base-time of the wait before another attempt\n"
    "                                   to replace a failed flow while --stay lasts (default 30)\n"
    "  --reconnect-max SECONDS          RFC 5626 4.5 max-time of that wait (default 1800)\n"
    "  --handshake-timeout SECONDS      bound of the TLS set-up with the P-CSCF (default 32)\n"
    "  --offer-null-encryption          also offer NULL-encryption suites (O.2.1 MAY)\n"
    "  --abort-on-certificate-request   abort when the P-CSCF sends CertificateRequest\n"
    "  --access 3gpp|non-3gpp           access type (default non-3gpp; O.1.1)\n"
    "  --require-signalling-security    operator policy of O.1.1 NOTE 2\n"
    "  --message URI                    once registered, send one MESSAGE to URI over the session\n"
    "                                   and log the P-Asserted-Identity of the answer\n"
    "  --preferred-identity URI         P-Preferred-Identity of that MESSAGE\n"
    "  --secagree HOST:PORT             RFC 3329 sec-agree variant: first REGISTER unprotected\n"
    "                                   over plain TCP to HOST:PORT (Security-Client: tls),\n"
    "                                   then TLS to --pcscf (default: TLS-first)\n"
    "  --log-format text|json           decision log on stderr (default text)\n"
    "exit: 0 registered, 1 usage, 2 certificate rejected, 3 TLS handshake refused,\n"
    "      4 authentication failed, 5 refused by policy, 6 network error\n";

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

class Ue final : public atls::Tls_Events {
 public:
  Ue(Options o, annexo::log::Decision_Log& log, net::Event_Loop& loop)
      : m_o(std::move(o)), m_log(log), m_loop(loop), m_framer(sip::FramerRole::client) {
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

  int exit_code() const { return m_exit < 0 ? kNetwork : m_exit; }

  // Start-up: TLS configuration checked by the core, then access selection.
  bool start() {
    m_tls_config.enable_tls13 = false;  // Botan 2.19: TLS 1.2 only
    m_tls_config.offer_null_encryption = m_o.offer_null;
    if (const Error e = core::build_offer(m_tls_config, m_offer); e != Error::ok) {
      refuse(kPolicy, e, "TLS offer refused at start-up");
      return false;
    }
    try {
      m_creds = atls::Client_Credentials::from_file(m_o.ca, m_o.crls);
    } catch (const std::exception& e) {
      std::printf("ue: REFUSED - start-up: %s\n", e.what());
      m_exit = kUsageError;
      return false;
    }
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
    m_policy = std::make_unique<atls::Ue_Policy>(m_tls_config, m_offer);
    UeInput in;
    in.event = UeEvent::start_registration;
    in.access.access_3gpp = m_o.access_3gpp;
    in.access.tls_available = true;  // Annex O implemented, enabled and offered here
    in.access.ipsec_available = false;
    handle(in, "start_registration");
    m_loop.set_timer([this] { return deadline(); }, [this](core::Seconds now) { tick(now); });
    return m_exit < 0;
  }

  // ------------------------------------------------------------ Tls_Events
  void tls_out(const std::uint8_t d[], std::size_t n) override { m_wq.append(d, n); }
  void tls_in(const std::uint8_t d[], std::size_t n) override {
    m_plain.append(reinterpret_cast<const char*>(d), n);
  }
  void tls_alert_received(Botan::TLS::Alert a) override {
    m_last_alert = a.type_string();
    m_log.decision(Verdict::info, "", "TLS alert received", {{"alert", m_last_alert}});
  }

  Error tls_chain(const atls::Chain_Facts& facts) override {
    core::CertFacts cf = atls::to_core_facts(facts, m_o.fqdn);
    cf.revocation_required = !m_o.crls.empty();
    const Error verdict = core::cert_verdict(cf);
    const std::string leaf = facts.chain.empty() || facts.chain.front().common_names.empty()
                                 ? ""
                                 : facts.chain.front().common_names.front();
    if (verdict == Error::ok) {
      m_log.decision(Verdict::allow, "O.2.1-UE-AUTH-PC-BY-CERT", "P-CSCF certificate accepted",
                     {{"reference_identity", m_o.fqdn}, {"leaf", leaf}});
    } else {
      m_log.decision(Verdict::deny, core::error_requirement(verdict), "P-CSCF certificate rejected",
                     {{"reference_identity", m_o.fqdn},
                      {"leaf", leaf},
                      {"error", core::error_info(verdict).name},
                      {"reason", core::error_message(verdict)},
                      {"path", facts.path_status_text}});
      m_cert_error = verdict;
    }
    UeInput in;
    in.event = UeEvent::cert_verdict;
    in.conn = m_conn;
    in.cert_error = verdict;
    const UeResult r = handle(in, "cert_verdict");
    if (verdict != Error::ok) return verdict;
    return r.accepted ? Error::ok
                      : (r.verdict == Error::ok ? Error::ue_event_not_allowed : r.verdict);
  }

  Error tls_certificate_request() override {
    m_cert_requests++;
    UeInput in;
    in.event = UeEvent::certificate_request;
    in.conn = m_conn;
    const UeResult r = handle(in, "certificate_request");
    for (std::uint8_t i = 0; i < r.outputs.count; ++i) {
      if (r.outputs.items[i].kind == UeOutputKind::send_alert) return r.outputs.items[i].error;
    }
    return Error::ok;  // Botan answers with an empty Certificate (no client credentials)
  }

  // On the UE this is our own ClientHello inside an established connection:
  // Botan sends it only in answer to the P-CSCF's HelloRequest (the policy
  // allows server-initiated renegotiation and never client-initiated), so it
  // is the moment the HelloRequest is handed to the machine.
  Error tls_renegotiation_client_hello(const std::vector<std::uint16_t>&) override {
    UeInput in;
    in.event = UeEvent::hello_request;
    in.conn = m_conn;
    const UeResult r = handle(in, "hello_request");
    if (r.accepted) return Error::ok;
    return r.verdict == Error::ok ? Error::ue_event_not_allowed : r.verdict;
  }

  Error tls_established(const atls::Session_Facts& f) override {
    char suite[8];
    std::snprintf(suite, sizeof(suite), "0x%04X", f.suite);
    const std::string sid = Botan::hex_encode(f.session_id, false);
    UeInput in;
    in.conn = m_conn;
    if (!f.renegotiation) {
      in.event = UeEvent::handshake_done;
      m_log.decision(Verdict::info, "O.2.1-ALL-SESSION-ID", "TLS session established",
                     {{"version", f.version == 0x0303 ? "TLS1.2" : std::to_string(f.version)},
                      {"suite", suite},
                      {"session_id", sid}});
      if (m_cert_requests == 0) {
        m_log.decision(Verdict::allow, "O.2.1-PC-NO-CLIENT-CERT-REQ",
                       "handshake finished without a CertificateRequest from the P-CSCF",
                       {{"session_id", sid}});
      }
    } else {
      in.event = UeEvent::reneg_done;
      in.keepalive_s = keepalive_draw();
      m_log.decision(Verdict::info, "O.4.1-UE-RENEG-ON-HELLOREQUEST",
                     "renegotiation finished inside the same connection",
                     {{"suite", suite}, {"session_id", sid}, {"old_session_id", m_session_id}});
    }
    m_session_id = sid;
    const UeResult r = handle(in, f.renegotiation ? "reneg_done" : "handshake_done");
    if (r.accepted) return Error::ok;
    return r.verdict == Error::ok ? Error::ue_event_not_allowed : r.verdict;
  }

 private:
  static core::Seconds now() { return net::monotonic_seconds(); }

  //= spec#5626-4.4.1-UE-KEEPALIVE type=implementation
  // The bound the keep-alive interval derives from: the registrar's
  // Flow-Timer when it sent one, else the configured upper bound (RD-78),
  // else 0 (the core's RFC 5626 default of 95-120 s).
  std::uint32_t keepalive_basis() const {
    return m_flow_timer_s != 0 ? m_flow_timer_s : m_o.keepalive_bound_s;
  }

  std::uint32_t keepalive_draw() {
    const auto b = core::ue_keepalive_bounds(keepalive_basis());
    std::uniform_int_distribution<std::uint32_t> d(b.min_s, b.max_s);
    return d(m_random);
  }

  std::optional<core::Seconds> deadline() const {
    if (m_exit >= 0) return core::Seconds{0};
    std::optional<core::Seconds> best;
    const auto d = m_machine.next_deadline();
    if (d.armed) best = d.at;
    if (m_stay_armed && (!best || core::time_reached(*best, m_stay_end))) best = m_stay_end;
    if (m_retry_armed && (!best || core::time_reached(*best, m_retry_at))) best = m_retry_at;
    return best;
  }

  void tick(core::Seconds t) {
    if (m_exit >= 0) {
      m_loop.stop();
      return;
    }
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
    if (d.armed && core::time_reached(t, d.at) &&
        m_machine.state_id() == UeStateId::tls_connecting && recovery_applies()) {
      retry_later("no answer to the TLS handshake within " +
                  std::to_string(m_o.handshake_timeout_s) + " s");
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

  void end_stay() {
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
      std::printf("ue: REFUSED O.4.1-UE-REREG-ON-CONN-LOSS not registered when the stay ended\n");
      finish(kNetwork);
    }
  }

  UeResult handle(const UeInput& in, const char* what) {
    const UeResult r = m_machine.handle(in, now());
    log_result(r, what);
    run(r);
    return r;
  }

  void log_result(const UeResult& r, const char* what) {
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

  void run(const UeResult& r) {
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
          break;  // Botan does these inside the handshake (the callback's return value)
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
          if (o.error == Error::ue_auth_failed)
            refuse(kAuthFailed, o.error, "authentication failed");
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
  void abort_with(Error e) {
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
                 std::string(core::error_message(m_gate_error)) + " (" + m_gate->detail() + ")");
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

  void refuse(int code, Error e, const std::string& detail) {
    if (m_exit >= 0) return;
    std::printf("ue: REFUSED %s %s: %s\n", core::error_requirement(e), core::error_info(e).name,
                detail.c_str());
    std::fflush(stdout);
    m_log.decision(Verdict::deny, core::error_requirement(e), "UE verdict",
                   {{"exit", std::to_string(code)}, {"detail", detail}});
    finish(code);
  }

  void finish(int code) {
    if (m_exit >= 0) return;
    m_exit = code;
    close_conn();
    close_plain();
    m_loop.stop();
  }

  // ------------------------------------------------------------ connection
  void open(std::uint32_t conn) {
    close_conn();
    // Inside a Botan callback close_conn only marks the close: the old
    // connection goes now, without its alert, and nothing of it (its TLS
    // channel, a pending close) may act on the new one. Its Botan objects are
    // kept until the next open (Botan may still be running on them); they are
    // never used again, so no session of theirs is ever trusted again.
    if (m_fd >= 0) {
      (void)m_wq.flush(m_fd);
      drop_fd();
    }
    m_close_pending = false;
    m_old_tls = std::move(m_tls);
    m_old_cb = std::move(m_cb);
    ++m_generation;
    if (++m_opens > 4) {
      refuse(kNetwork, Error::ue_connection_lost, "gave up after repeated connection failures");
      return;
    }
    m_conn = conn;
    m_tcp_connected = false;
    m_closed_by_peer_without_alert = false;
    m_last_alert.clear();
    m_tls_failure.clear();
    m_cert_error = Error::ok;
    m_gate_error = Error::ok;
    m_gate = std::make_unique<atls::Server_Hello_Gate>(m_tls_config, m_offer);
    m_cert_requests = 0;
    m_framer = sip::Framer(sip::FramerRole::client);
    m_plain.clear();
    m_pending_plain.clear();
    m_wq = net::Write_Queue();
    std::string err;
    m_fd = net::connect_tcp(m_o.pcscf, &err);
    if (m_fd < 0) {
      m_log.decision(Verdict::error, "", "TCP connect failed", {{"reason", err}});
      lost_event();
      return;
    }
    m_loop.add(m_fd, true, [this](net::Ready r) { on_ready(r); });
  }

  // Anything below may lose the connection and open a new one (the machine's
  // immediate restart): from then on this call is about a connection that no
  // longer exists and must not touch the new one (its fd, its TLS state).
  bool superseded(std::uint64_t gen) const { return gen != m_generation || m_fd < 0; }

  void on_ready(net::Ready r) {
    if (m_fd < 0) return;
    const std::uint64_t gen = m_generation;
    if (!m_tcp_connected) {
      if (!r.writable && !r.hangup) return;
      const int e = net::connect_result(m_fd);
      if (e != 0) {
        m_log.decision(Verdict::error, "", "TCP connect failed", {{"reason", std::strerror(e)}});
        drop_fd();
        lost_event();
        return;
      }
      m_tcp_connected = true;
      const auto local = net::local_endpoint(m_fd);
      if (local) m_local = *local;
      m_cb = std::make_unique<atls::Callbacks>(*this, m_o.pcscf.str(),
                                               [] { return net::wall_clock_now(); });
      try {
        m_tls = std::make_unique<Botan::TLS::Client>(
            *m_cb, m_sessions, *m_creds, *m_policy, m_rng,
            Botan::TLS::Server_Information(m_o.fqdn, m_o.pcscf.port),
            Botan::TLS::Protocol_Version::TLS_V12);
      } catch (...) {
        tls_failed();
        return;
      }
      flush();
      return;
    }
    if (r.readable) {
      std::string in;
      const long n = net::read_available(m_fd, in);
      if (!in.empty() && m_gate && m_gate->state() == atls::Server_Hello_Gate::State::reading) {
        const auto st = m_gate->push(reinterpret_cast<const std::uint8_t*>(in.data()), in.size());
        in.clear();
        if (st == atls::Server_Hello_Gate::State::refused) {
          server_hello_refused();
          return;
        }
        if (st != atls::Server_Hello_Gate::State::reading) {
          const auto held = m_gate->take();
          in.assign(held.begin(), held.end());
          if (st == atls::Server_Hello_Gate::State::accepted) {
            char suite[8];
            std::snprintf(suite, sizeof(suite), "0x%04X", m_gate->negotiated().suite);
            m_log.decision(Verdict::allow, "O.1.2-PC-DECIDES-SUITE",
                           "ServerHello accepted by the core's handshake reader",
                           {{"suite", suite}});
          }
        }
      }
      if (!in.empty() && m_tls) {
        try {
          m_in_botan = true;
          m_tls->received_data(reinterpret_cast<const std::uint8_t*>(in.data()), in.size());
          m_in_botan = false;
        } catch (...) {
          m_in_botan = false;
          if (!superseded(gen)) tls_failed();
          return;
        }
        if (superseded(gen)) return;
        if (m_close_pending) {
          close_conn();
          return;
        }
        process_plaintext();
        if (superseded(gen)) return;
        if (m_tls && m_tls->is_closed()) {
          m_log.decision(Verdict::info, "", "TLS connection closed by the P-CSCF",
                         {{"alert", m_last_alert}});
          drop_fd();
          lost_event();
          return;
        }
      }
      if (superseded(gen)) return;
      if (n == 0 || n == -1) {
        m_closed_by_peer_without_alert = m_last_alert.empty();
        m_log.decision(Verdict::info, "", "TCP connection closed by the P-CSCF", {});
        drop_fd();
        lost_event();
        return;
      }
    }
    if (r.hangup) {
      drop_fd();
      lost_event();
      return;
    }
    flush();
  }

  // The core refused the P-CSCF's ServerHello before Botan saw it: fatal
  // alert, connection closed, the machine is told the handshake failed.
  void server_hello_refused() {
    m_gate_error = m_gate->error();
    m_log.decision(Verdict::deny, core::error_requirement(m_gate_error),
                   "ServerHello refused before the TLS library saw it",
                   {{"error", core::error_info(m_gate_error).name},
                    {"reason", core::error_message(m_gate_error)},
                    {"detail", m_gate->detail()}});
    const auto rec = m_gate->alert_record();
    m_wq.append(rec.data(), rec.size());
    (void)m_wq.flush(m_fd);
    drop_fd();
    lost_event();
  }

  void tls_failed() {
    const atls::Tls_Failure f = atls::classify_current_exception();
    m_tls_failure = f.what;
    m_log.decision(
        f.kind == atls::Failure_Kind::core_rejection ? Verdict::deny : Verdict::error,
        f.kind == atls::Failure_Kind::core_rejection ? core::error_requirement(f.error) : "",
        "TLS failure",
        {{"kind", atls::failure_kind_name(f.kind)},
         {"alert", std::to_string(f.alert)},
         {"what", f.what}});
    m_close_pending = false;
    flush();  // the alert Botan queued
    drop_fd();
    if (f.kind == atls::Failure_Kind::core_rejection) {
      // The machine already decided (cert_reject / certreq_abort / refusal);
      // if it is still running, the connection is gone for it too.
      if (m_exit < 0) lost_event();
      return;
    }
    lost_event();
  }

  // The connection is gone (or never came up): the machine decides what next.
  void lost_event() {
    if (m_exit >= 0) return;
    const auto st = m_machine.state_id();
    if (st == UeStateId::tls_connecting && recovery_applies()) {
      retry_later(!m_tcp_connected ? "TCP connect failed"
                                   : "connection closed by the P-CSCF during the TLS set-up");
      return;
    }
    if (m_ever_registered && st != UeStateId::idle) m_recovering = true;
    UeInput in;
    in.event =
        st == UeStateId::tls_connecting ? UeEvent::handshake_failed : UeEvent::connection_lost;
    in.conn = m_conn;
    const UeResult r =
        handle(in, in.event == UeEvent::handshake_failed ? "handshake_failed" : "connection_lost");
    if (!r.accepted && m_exit < 0) {
      refuse(kNetwork, Error::ue_connection_lost, "connection lost");
    }
  }

  // ------------------------------------------------------------ flow recovery
  //= spec#5626-4.5-UE-FLOW-RECOVERY type=implementation
  //= spec#O.4.1-UE-REREG-ON-CONN-LOSS type=implementation
  // RFC 5626 4.5 (RD-103): once registered and while --stay lasts, a failed
  // attempt to replace the lost flow (no TCP connection, a close without
  // alert, no answer within the handshake timeout) is followed by a wait of
  // core::ue_flow_recovery_wait and a new registration on a new connection.
  // Refusals (certificate, alert, TLS failure, SIP) still end the program with
  // their own exit code.
  bool recovery_applies() const {
    return m_exit < 0 && m_ever_registered && m_stay_armed && m_gate_error == Error::ok &&
           m_cert_error == Error::ok && m_last_alert.empty() && m_tls_failure.empty();
  }

  void retry_later(const std::string& why) {
    UeInput in;
    in.event = UeEvent::stop;  // the attempt is abandoned: the machine goes idle
    (void)handle(in, "stop (flow recovery)");
    drop_fd();
    ++m_failures;
    const auto w =
        core::ue_flow_recovery_wait(m_o.reconnect_base_s, m_o.reconnect_max_s, m_failures);
    std::uniform_int_distribution<std::uint32_t> d(w.min_s, w.max_s);
    const std::uint32_t wait = d(m_random);
    // The clock counts whole seconds: one more makes the wait at least `wait`
    // seconds (and at most one more).
    m_retry_at = core::time_add(now(), wait + 1);
    m_retry_armed = true;
    m_log.decision(Verdict::info, "5626-4.5-UE-FLOW-RECOVERY",
                   "attempt to replace the failed flow failed: next attempt after the wait",
                   {{"reason", why},
                    {"consecutive_failures", std::to_string(m_failures)},
                    {"wait_s", std::to_string(wait)},
                    {"min_s", std::to_string(w.min_s)},
                    {"max_s", std::to_string(w.max_s)}});
  }

  void retry_now() {
    m_retry_armed = false;
    m_opens = 0;
    UeInput in;
    in.event = UeEvent::start_registration;
    in.access.access_3gpp = m_o.access_3gpp;
    in.access.tls_available = true;
    in.access.ipsec_available = false;
    (void)handle(in, "start_registration (flow recovery)");
  }

  void drop_fd() {
    if (m_fd >= 0) {
      m_loop.remove(m_fd);
      net::close_fd(m_fd);
      m_fd = -1;
    }
  }

  void close_conn() {
    if (m_fd < 0) return;
    if (m_in_botan) {
      // Inside a Botan callback: Botan still has to emit what the callback's
      // verdict asks for (the fatal alert); close once it returns.
      m_close_pending = true;
      return;
    }
    m_close_pending = false;
    try {
      if (m_tls && m_tls->is_active()) m_tls->close();
    } catch (...) {
      (void)atls::classify_current_exception();
    }
    (void)m_wq.flush(m_fd);
    drop_fd();
  }

  void flush() {
    if (m_fd < 0 || !m_tcp_connected) return;
    if (!m_wq.flush(m_fd)) {
      drop_fd();
      lost_event();
      return;
    }
    m_loop.want_write(m_fd, !m_wq.empty());
  }

  void send_plain(const std::string& text) {
    if (!m_tls || !m_tls->is_active()) {
      m_pending_plain += text;  // sent once the handshake has activated the channel
      return;
    }
    try {
      m_tls->send(reinterpret_cast<const std::uint8_t*>(text.data()), text.size());
    } catch (...) {
      tls_failed();
      return;
    }
    flush();
  }

  void process_plaintext() {
    if (!m_pending_plain.empty() && m_tls && m_tls->is_active()) {
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

  // A terminating request the P-CSCF delivered over this TLS connection (RFC
  // 5626 5.3: the flow the UE registered). The UE is an endpoint with no
  // dialog support: MESSAGE and OPTIONS are answered 200, anything else 501;
  // ACK is never answered.
  void on_request(const sip::Message& m) {
    if (m.method == "ACK") return;
    const bool ok = m.method == "MESSAGE" || m.method == "OPTIONS";
    m_log.decision(
        Verdict::info, "5626-5.3-PC-FORWARD-OVER-FLOW",
        "request from the P-CSCF over the registered flow",
        {{"method", m.method}, {"from", m.from.uri_text}, {"answer", ok ? "200" : "501"}});
    std::printf("ue: received %s from %s\n", m.method.c_str(), m.from.uri_text.c_str());
    std::fflush(stdout);
    sip::Message r =
        sip::make_response(m, ok ? 200 : 501, ok ? "OK" : "Not Implemented", sip::random_hex(4));
    auto wire = sip::serialize(r);
    if (wire.ok()) send_plain(*wire);
  }

  void on_response(const sip::Message& m) {
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

  // The Digest challenge of a 401, or nothing when it has none the UE can
  // answer; the refusal is logged as `what`. O.1.1: with Annex O the only
  // authentication is SIP Digest, so an IMS AKA challenge is logged against
  // O.1.1-ALL-DIGEST-REQUIRED, any other unusable one against RFC 7616.
  std::optional<sip::DigestChallenge> usable_challenge(const sip::Message& m, const char* what) {
    const std::string* h = m.first("WWW-Authenticate");
    auto ch = h ? sip::parse_challenge(*h)
                : sip::Result<sip::DigestChallenge>(sip::sip_error("WWW-Authenticate", "missing"));
    if (ch.ok()) return *ch;
    const bool aka = h != nullptr && sip::names_aka_algorithm(*h);
    m_log.decision(Verdict::deny, aka ? "O.1.1-ALL-DIGEST-REQUIRED" : "N.1-DIGEST-RFC7616", what,
                   {{"reason", ch.error().text()}});
    return std::nullopt;
  }

  void registered() {
    const bool first = !m_ever_registered;
    m_ever_registered = true;
    m_opens = 0;
    if (m_failures > 0 || m_recovering) {
      m_log.decision(
          Verdict::allow, "5626-4.5-UE-FLOW-RECOVERY",
          "flow replaced: registered again over a new TLS connection",
          {{"failed_attempts", std::to_string(m_failures)}, {"session_id", m_session_id}});
    }
    m_failures = 0;
    m_recovering = false;
    std::printf("ue: %s %s via %s session_id=%s associated=%s\n",
                first ? "REGISTERED" : "REREGISTERED", m_o.impus.front().c_str(),
                m_o.pcscf.str().c_str(), m_session_id.c_str(), m_associated.c_str());
    std::fflush(stdout);
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

  // One MESSAGE over the registered session (the machine's send_request).
  void send_message_request() {
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

  void on_message_response(const sip::Message& m) {
    if (m.status < 200) return;
    const std::string* pai = m.first("P-Asserted-Identity");
    const std::string asserted = pai ? *pai : "";
    m_log.decision(m.status < 300 ? Verdict::info : Verdict::deny, "O.2.2-PC-ASSERT-FROM-ASSOC",
                   "answer to the MESSAGE sent over the session",
                   {{"status", std::to_string(m.status)},
                    {"preferred", m_o.preferred_identity},
                    {"asserted", asserted}});
    std::printf("ue: MESSAGE %d asserted=%s\n", m.status, asserted.c_str());
    std::fflush(stdout);
    if (m_o.stay_s != 0) return;
    if (m.status >= 200 && m.status < 300) {
      finish(kRegistered);
    } else {
      refuse(kPolicy, Error::ue_request_not_allowed,
             "MESSAGE answered " + std::to_string(m.status) + " " + m.reason);
    }
  }

  // The wire form of a request this UE builds, or a refusal naming `e` (a
  // header value the serialiser refuses, e.g. from a malformed option).
  std::optional<std::string> wire_or_refuse(const sip::Message& m, Error e) {
    auto wire = sip::serialize(m);
    if (!wire.ok()) {
      refuse(kPolicy, e, m.method + " not serialisable: " + wire.error().text());
      return std::nullopt;
    }
    return *wire;
  }

  // The REGISTER both variants send: Via over `transport` from `local`, the
  // first IMPU, this registration's Call-ID and next CSeq, and the RFC 5626
  // outbound Contact (+sip.instance, reg-id, ob; 5626-4.2-UE-INSTANCE-REGID)
  // asking for --expires (TS 24.229 5.1.1.2).
  sip::Message register_skeleton(const net::Endpoint& local, const char* transport) {
    sip::Message m = sip::make_request("REGISTER", "sip:" + m_domain);
    const std::string host =
        local.host.find(':') != std::string::npos ? "[" + local.host + "]" : local.host;
    m.add("Via", std::string("SIP/2.0/") + transport + " " + host + ":" +
                     std::to_string(local.port) + ";branch=z9hG4bK" + sip::random_hex(8) +
                     ";rport");
    m.add("From", "<" + m_o.impus.front() + ">;tag=" + m_from_tag);
    m.add("To", "<" + m_o.impus.front() + ">");
    m.add("Call-ID", m_call_id);
    m.add("CSeq", std::to_string(++m_cseq) + " REGISTER");
    const auto at = m_o.impi.find('@');
    const std::string user = at == std::string::npos ? m_o.impi : m_o.impi.substr(0, at);
    //= spec#5626-4.2-UE-INSTANCE-REGID type=implementation
    m.add("Contact", "<sip:" + user + "@" + host + ":" + std::to_string(local.port) +
                         ";transport=tls;ob>;+sip.instance=\"<" + m_instance +
                         ">\";reg-id=1;expires=" + std::to_string(m_o.expires_s));
    m.add("Expires", std::to_string(m_o.expires_s));
    return m;
  }

  void send_register(bool with_credentials) {
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

  // ------------------------------------------------------------ sec-agree (RFC 3329)
  // The unprotected leg of the sec-agree variant (O.2-UE-VARIANT-SECAGREE): one
  // REGISTER over a plain TCP connection to --secagree and its final answer.
  // Nothing else is ever sent on that connection; it is closed once the final
  // answer arrived. The machine decides what the answer means.

  // Attempts of the unprotected REGISTER per registration (the machine restarts
  // it on Timer F); a P-CSCF that accepts and never answers is given up on.
  static constexpr int kMaxSecagreeSends = 4;

  void send_secagree_register() {
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

  // The unprotected REGISTER (RFC 3329 2.3.1 step 1, TS 24.229 5.1.1.2): no
  // Authorization (the Digest response travels over TLS only,
  // O.2-ALL-SM7-OVER-TLS), Security-Client offering tls only, sec-agree
  // required of the P-CSCF.
  std::optional<std::string> secagree_register_text(const net::Endpoint& local) {
    sip::Message m = register_skeleton(local, "TCP");
    m.add("Supported", "path, outbound, sec-agree");
    //= spec#O.2-UE-VARIANT-SECAGREE type=implementation
    //= spec#S.3-SECAGREE-TLS-SELECTS-ANNEX-O type=implementation
    m.add("Require", "sec-agree");
    m.add("Proxy-Require", "sec-agree");
    m.add("Security-Client", "tls");
    return wire_or_refuse(m, Error::ue_registration_failed);
  }

  void on_plain_ready(net::Ready r) {
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

  void process_plain() {
    while (m_exit < 0 && m_plain_fd >= 0) {
      auto ev = m_plain_framer.next();
      if (!ev.ok()) {
        m_log.decision(Verdict::deny, "ADP-SIP-STREAM-FRAMING",
                       "framing error on the sec-agree connection",
                       {{"reason", ev.error().text()}});
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

  // The final answer to the unprotected REGISTER, reduced to the machine's
  // facts: which final class, and whether Security-Server lists tls.
  void on_secagree_response(const sip::Message& m) {
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

  // RFC 3329 2.3.1 step 5 (TS 24.229 5.1.1.2): once the agreement ran, every
  // request to the P-CSCF carries Security-Verify mirroring the Security-Server
  // list received (same mechanisms, parameters and order: the received text)
  // and requires sec-agree. The machine's `secagree` says whether this
  // procedure is a sec-agree one. false: refused (nothing to echo).
  bool add_security_verify(sip::Message& m) {
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

  // A 494 to a REGISTER that carried Security-Verify: the P-CSCF found the
  // echo wrong (RFC 3329 2.3.1); the refusal names that check.
  void note_secagree_refusal(const sip::Message& m) {
    if (m.status != 494 || !m_sent_verify) return;
    m_refusal = Error::secagree_verify_mismatch;
    const std::string* ss = m.first("Security-Server");
    m_log.decision(
        Verdict::deny, "RFC3329-PC-VERIFY-ECHO",
        "the P-CSCF refused the Security-Verify echo (494)",
        {{"security_verify", m_security_server}, {"security_server", ss != nullptr ? *ss : ""}});
  }

  void plain_failed(const std::string& why) {
    m_log.decision(Verdict::error, "", "sec-agree connection failed", {{"reason", why}});
    close_plain();
    if (m_exit < 0 && m_machine.state_id() == UeStateId::secagree_sent) {
      refuse(kNetwork, Error::ue_connection_lost, "sec-agree: " + why);
    }
  }

  void close_plain() {
    if (m_plain_fd < 0) return;
    m_loop.remove(m_plain_fd);
    net::close_fd(m_plain_fd);
    m_plain_fd = -1;
    m_plain_connected = false;
  }

  Options m_o;
  annexo::log::Decision_Log& m_log;
  net::Event_Loop& m_loop;
  core::UeMachine m_machine;
  core::UeTlsConfig m_tls_config;
  core::Offer m_offer;
  std::unique_ptr<atls::Ue_Policy> m_policy;
  std::unique_ptr<atls::Client_Credentials> m_creds;
  Botan::TLS::Session_Manager_Noop m_sessions;
  Botan::AutoSeeded_RNG m_rng;
  std::mt19937 m_random{std::random_device{}()};
  // Current connection.
  int m_fd = -1;
  std::uint32_t m_conn = 0;
  bool m_tcp_connected = false;
  bool m_closed_by_peer_without_alert = false;
  net::Endpoint m_local;
  std::unique_ptr<atls::Callbacks> m_cb;
  std::unique_ptr<Botan::TLS::Client> m_tls;
  net::Write_Queue m_wq;
  sip::Framer m_framer;
  std::string m_plain;
  std::string m_pending_plain;
  std::string m_last_alert;
  std::string m_tls_failure;
  std::string m_session_id;
  Error m_cert_error = Error::ok;
  Error m_gate_error = Error::ok;
  std::unique_ptr<atls::Server_Hello_Gate> m_gate;
  int m_cert_requests = 0;
  int m_opens = 0;
  bool m_in_botan = false;
  bool m_close_pending = false;
  std::uint64_t m_generation = 0;  // one per open(): who a handler's connection is
  // The previous connection's Botan objects, never used again (open()).
  std::unique_ptr<atls::Callbacks> m_old_cb;
  std::unique_ptr<Botan::TLS::Client> m_old_tls;
  // Flow recovery (RFC 5626 4.5, RD-103).
  std::uint32_t m_failures = 0;
  bool m_recovering = false;
  bool m_setup_timed_out = false;  // the TLS set-up's deadline passed (network, exit 6)
  bool m_retry_armed = false;
  core::Seconds m_retry_at = 0;
  // SIP.
  std::string m_domain;
  std::string m_instance;
  std::string m_call_id;
  std::string m_from_tag;
  std::uint32_t m_cseq = 0;
  std::optional<sip::DigestChallenge> m_challenge;
  std::optional<sip::DigestCredentials> m_sent_creds;
  std::uint32_t m_nc = 0;
  std::uint32_t m_flow_timer_s = 0;
  std::string m_associated;
  std::string m_last_status;
  std::string m_msg_call_id;
  // sec-agree (RFC 3329): the plain connection of the unprotected REGISTER and
  // the Security-Server list (as received) that every later request echoes.
  int m_plain_fd = -1;
  bool m_plain_connected = false;
  int m_plain_sends = 0;
  net::Write_Queue m_plain_wq;
  sip::Framer m_plain_framer{sip::FramerRole::client};
  std::string m_security_server;
  std::string m_secagree_detail;
  bool m_sent_verify = false;
  Error m_refusal = Error::ok;
  // Program.
  bool m_ever_registered = false;
  bool m_stay_armed = false;
  core::Seconds m_stay_end = 0;
  int m_exit = -1;
};

bool parse_u32(const char* s, std::uint32_t* out) {
  if (s == nullptr || *s == '\0' || s[0] == '-') return false;
  char* end = nullptr;
  errno = 0;
  const unsigned long long v = std::strtoull(s, &end, 10);
  if (errno != 0 || *end != '\0' || v > 0x7FFFFFFFull) return false;
  *out = static_cast<std::uint32_t>(v);
  return true;
}

int usage(const std::string& why) {
  std::fprintf(stderr, "ue: %s\n%s", why.c_str(), kUsage);
  return kUsageError;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  bool have_pcscf = false, have_password = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    const char* v = nullptr;
    auto value = [&]() {
      if (i + 1 >= argc) return false;
      v = argv[++i];
      return true;
    };
    if (a == "--help" || a == "-h") {
      std::fputs(kUsage, stdout);
      return 0;
    } else if (a == "--pcscf") {
      if (!value()) return usage("--pcscf needs HOST:PORT");
      std::string err;
      auto ep = net::parse_endpoint(v, &err);
      if (!ep) return usage("--pcscf: " + err);
      o.pcscf = *ep;
      have_pcscf = true;
    } else if (a == "--pcscf-fqdn") {
      if (!value() || *v == '\0') return usage("--pcscf-fqdn needs a name");
      o.fqdn = v;
    } else if (a == "--ca") {
      if (!value()) return usage("--ca needs a file");
      o.ca = v;
    } else if (a == "--crl") {
      if (!value() || *v == '\0') return usage("--crl needs a file");
      o.crls.push_back(v);
    } else if (a == "--impi") {
      if (!value() || *v == '\0') return usage("--impi needs a value");
      o.impi = v;
    } else if (a == "--impu") {
      if (!value() || *v == '\0') return usage("--impu needs a value");
      o.impus.emplace_back(v);
    } else if (a == "--password") {
      if (!value()) return usage("--password needs a value");
      if (have_password) return usage("give --password or --password-file once");
      o.password = v;
      have_password = true;
    } else if (a == "--password-file") {
      if (!value()) return usage("--password-file needs a file");
      if (have_password) return usage("give --password or --password-file once");
      std::ifstream f(v);
      if (!f || !std::getline(f, o.password)) return usage(std::string("cannot read ") + v);
      if (!o.password.empty() && o.password.back() == '\r') o.password.pop_back();
      have_password = true;
    } else if (a == "--stay") {
      if (!value() || !parse_u32(v, &o.stay_s)) return usage("--stay needs seconds");
    } else if (a == "--expires") {
      if (!value() || !parse_u32(v, &o.expires_s) || o.expires_s == 0)
        return usage("--expires needs seconds > 0");
    } else if (a == "--keepalive-interval") {
      // RD-78: 1-120 s; a longer bound than RFC 5626's default would let NAT
      // bindings expire, so it is refused rather than clamped.
      if (!value() || !parse_u32(v, &o.keepalive_bound_s) || o.keepalive_bound_s == 0 ||
          o.keepalive_bound_s > 120)
        return usage(
            "--keepalive-interval needs seconds in 1-120 (5626-4.4.1-UE-KEEPALIVE, RD-78)");
    } else if (a == "--reconnect-base") {
      if (!value() || !parse_u32(v, &o.reconnect_base_s) || o.reconnect_base_s == 0)
        return usage("--reconnect-base needs seconds > 0 (5626-4.5-UE-FLOW-RECOVERY, RD-103)");
    } else if (a == "--reconnect-max") {
      if (!value() || !parse_u32(v, &o.reconnect_max_s) || o.reconnect_max_s == 0)
        return usage("--reconnect-max needs seconds > 0 (5626-4.5-UE-FLOW-RECOVERY, RD-103)");
    } else if (a == "--handshake-timeout") {
      if (!value() || !parse_u32(v, &o.handshake_timeout_s) || o.handshake_timeout_s == 0)
        return usage("--handshake-timeout needs seconds > 0");
    } else if (a == "--offer-null-encryption") {
      o.offer_null = true;
    } else if (a == "--abort-on-certificate-request") {
      o.abort_on_cert_req = true;
    } else if (a == "--require-signalling-security") {
      o.require_security = true;
    } else if (a == "--message") {
      if (!value() || *v == '\0') return usage("--message needs a URI");
      o.message_to = v;
    } else if (a == "--preferred-identity") {
      if (!value() || *v == '\0') return usage("--preferred-identity needs a URI");
      o.preferred_identity = v;
    } else if (a == "--access") {
      if (!value()) return usage("--access needs 3gpp or non-3gpp");
      if (std::strcmp(v, "3gpp") == 0) {
        o.access_3gpp = true;
      } else if (std::strcmp(v, "non-3gpp") == 0) {
        o.access_3gpp = false;
      } else {
        return usage("--access needs 3gpp or non-3gpp");
      }
    } else if (a == "--secagree") {
      if (!value()) return usage("--secagree needs HOST:PORT");
      std::string err;
      auto ep = net::parse_endpoint(v, &err);
      if (!ep) return usage("--secagree: " + err);
      o.secagree = *ep;
    } else if (a == "--log-format") {
      if (!value() || !annexo::log::parse_format(v, &o.log_format))
        return usage("--log-format needs text or json");
    } else {
      return usage("unknown option " + a);
    }
  }
  if (!have_pcscf || o.fqdn.empty() || o.ca.empty() || o.impi.empty() || o.impus.empty() ||
      !have_password) {
    return usage("--pcscf, --pcscf-fqdn, --ca, --impi, --impu and a password are required");
  }
  if (o.reconnect_max_s < o.reconnect_base_s) {
    return usage("--reconnect-max must not be below --reconnect-base (RD-103)");
  }
  ::signal(SIGPIPE, SIG_IGN);
  annexo::log::Decision_Log log("ue", o.log_format, stderr);
  net::Event_Loop loop;
  Ue ue(o, log, loop);
  if (!ue.start()) return ue.exit_code();
  loop.on_signal(SIGINT, [&] { loop.stop(); });
  loop.on_signal(SIGTERM, [&] { loop.stop(); });
  if (loop.run() != 0) {
    std::fprintf(stderr, "ue: event loop: %s\n", loop.error().c_str());
    return kNetwork;
  }
  return ue.exit_code();
}
