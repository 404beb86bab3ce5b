// The UE client library: one Annex O UE (adapters/README.md) that registers
// with a P-CSCF over TLS with SIP Digest, in both O.2 variants, and stays
// registered (re-registration, renegotiation, CRLF keep-alive, RFC 5626 4.5
// flow recovery). Every decision comes from core/ue_machine.h and
// core/cert_policy.h; this library carries bytes and facts.
//
// Several UEs can live in one process on one event loop: a Ue_Client holds no
// global or static state; the event loop, the decision log and an observer
// (report lines, registration and end events) are passed in, and the program
// drives the timer (deadline() / tick()), so one loop timer can serve many
// clients. Programs on it: `ue` (adapters/ue/main.cc), the load tool, and the
// conformance probe (issue 13).
//
// One class, one file per job:
//   ue_client.cc     the core's UE machine driven: start, timers, outputs run,
//                    exit codes and refusals (the close action: run())
//   tls_events.cc    the TLS endpoint's events (adapters/tls/endpoint.h)
//                    turned into machine events: the certificate verdict
//                    (tls_peer_chain), CertificateRequest, HelloRequest,
//                    handshake finished, KeyUpdate (RD-117)
//   connection.cc    the TCP/TLS connection (the flow): open, read, write,
//                    close, the ServerHello gate's refusal, loss
//   registration.cc  SIP over the flow: REGISTER with Digest, the 2xx, the
//                    MESSAGE, terminating requests, keep-alive draws
//   secagree.cc      the unprotected leg of the RFC 3329 sec-agree variant
//   recovery.cc      RFC 5626 4.5 flow recovery with back-off (RD-103)
// Seams for adversarial variants (the probe, later): the REGISTER is built in
// one place (register_skeleton), the TLS endpoint is made in one place
// (on_ready), every SIP request leaves through send_plain, every machine
// output is carried out in run().
//
// The TLS stack (--tls-stack, decision RD-180): Botan 2.19 (TLS 1.2) or
// OpenSSL 3.0 (TLS 1.2 and 1.3), both behind atls::Endpoint; the raw
// ServerHello goes through the core's Server_Hello_Gate inside either
// endpoint, the certificate verdict is core::cert_verdict on the stack's
// Peer_Chain facts, 0-RTT is never offered (RD-118).
#pragma once

#include <cstdint>
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
#include "adapters/sip/message.h"
#include "adapters/tls/endpoint.h"
#include "adapters/tls/stack.h"
#include "adapters/ue/client/options.h"
#include "core/profile.h"
#include "core/ue_machine.h"

namespace annexo::ue {

namespace atls = ::annexo::tls;

class Ue_Client;

// What a program learns from a client. report() gets the lines `ue` prints on
// stdout (without the newline; "ue: REGISTERED ...", "ue: REFUSED ...").
// finished() is called once, when the client has ended with an exit code
// (Exit); the client must not be destroyed inside any of these calls.
class Ue_Observer {
 public:
  virtual ~Ue_Observer() = default;
  virtual void report(const std::string& line) = 0;
  virtual void finished(Ue_Client& ue, int exit_code) = 0;
  // Registered (first: the first registration of this client; else a
  // re-registration or a registration after flow recovery).
  virtual void registered(Ue_Client&, bool /*first*/) {}
  // The final answer to a MESSAGE this client sent.
  virtual void message_answered(Ue_Client&, int /*status*/) {}
  // A request the P-CSCF delivered over the registered flow.
  virtual void request_received(Ue_Client&, const std::string& /*method*/) {}
};

class Ue_Client final : public atls::Endpoint_Events {
 public:
  using Error = core::Error;
  using UeInput = core::UeInput;
  using UeResult = core::UeResult;

  Ue_Client(Options o, log::Decision_Log& log, net::Event_Loop& loop, Ue_Observer& observer);
  ~Ue_Client() override;
  Ue_Client(const Ue_Client&) = delete;
  Ue_Client& operator=(const Ue_Client&) = delete;

  // Start-up: TLS configuration checked by the core, then access selection.
  // false: the client has already ended (exit_code()).
  bool start();
  // The exit code (Exit) once ended; kNetwork while still running.
  int exit_code() const;
  bool ended() const { return m_exit >= 0; }
  // The requirement ID and error name of the refusal that ended the client
  // ("" when none).
  const std::string& refusal_requirement() const { return m_refusal_req; }
  const std::string& refusal_error() const { return m_refusal_name; }
  const Options& options() const { return m_o; }
  const std::string& session_id() const { return m_session_id; }

  // For programs that drive many clients (the load tool), from outside any of
  // this client's handlers:
  // one MESSAGE to `to` over the registered session (the machine's
  // send_request; the answer goes to Ue_Observer::message_answered). false:
  // not allowed now (not registered, or ended).
  bool send_message(const std::string& to);
  // Churn: the flow is cut from this side as a network would cut it (no
  // close_notify); the machine decides what next — while --stay lasts, a new
  // registration over a new connection (O.4.1-UE-REREG-ON-CONN-LOSS).
  void drop_connection();

  // The timer: the earliest time this client needs tick() (nothing once ended).
  std::optional<core::Seconds> deadline() const;
  void tick(core::Seconds t);

  // ------------------------------------------------------- Endpoint_Events
  void tls_out(const std::uint8_t d[], std::size_t n) override { m_wq.append(d, n); }
  void tls_plaintext(const std::uint8_t d[], std::size_t n) override {
    m_plain.append(reinterpret_cast<const char*>(d), n);
  }
  void tls_alert_received(const atls::Alert_Fact& a) override;
  Error tls_peer_chain(const atls::Peer_Chain& facts) override;
  Error tls_certificate_request() override;
  // On the UE this is the P-CSCF's HelloRequest inside an established TLS
  // 1.2 connection (Botan: our own renegotiation ClientHello, sent only in
  // answer to a HelloRequest; OpenSSL: the HelloRequest itself): the moment
  // it is handed to the machine. A refusal declines it (no_renegotiation).
  Error tls_renegotiation_client_hello(const std::vector<std::uint16_t>&) override;
  Error tls_handshake_complete(const atls::Handshake_Facts& f) override;
  void tls_key_update(bool received, bool update_requested) override;
  void tls_peer_closed() override { m_peer_closed = true; }

 private:
  static core::Seconds now() { return net::monotonic_seconds(); }
  // The bound the keep-alive interval derives from: the registrar's
  // Flow-Timer when it sent one, else the configured upper bound (RD-78),
  // else 0 (the core's RFC 5626 default of 95-120 s).
  std::uint32_t keepalive_basis() const;
  std::uint32_t keepalive_draw();
  void end_stay();
  UeResult handle(const UeInput& in, const char* what);
  void log_result(const UeResult& r, const char* what);
  void run(const UeResult& r);
  void abort_with(Error e);
  void refuse(int code, Error e, const std::string& detail);
  void finish(int code);
  // ------------------------------------------------------------ connection
  void open(std::uint32_t conn);
  // Anything below may lose the connection and open a new one (the machine's
  // immediate restart): from then on this call is about a connection that no
  // longer exists and must not touch the new one (its fd, its TLS state).
  bool superseded(std::uint64_t gen) const { return gen != m_generation || m_fd < 0; }
  void on_ready(net::Ready r);
  // The core refused the P-CSCF's ServerHello before the TLS library saw it
  // (the endpoint's gate wrote the fatal alert): connection closed, the
  // machine is told the handshake failed.
  void server_hello_refused();
  // The endpoint failed (its failure()), or could not be made (`what`).
  void tls_failed(const std::string& what = std::string());
  // The connection is gone (or never came up): the machine decides what next.
  void lost_event();
  // ------------------------------------------------------------ flow recovery
  // RFC 5626 4.5 (RD-103): once registered and while --stay lasts, a failed
  // attempt to replace the lost flow (no TCP connection, a close without
  // alert, no answer within the handshake timeout) is followed by a wait of
  // core::ue_flow_recovery_wait and a new registration on a new connection.
  // Refusals (certificate, alert, TLS failure, SIP) still end the program with
  // their own exit code.
  bool recovery_applies() const;
  void retry_later(const std::string& why);
  void retry_now();
  void drop_fd();
  void close_conn();
  void flush();
  void send_plain(const std::string& text);
  void process_plaintext();
  // A terminating request the P-CSCF delivered over this TLS connection (RFC
  // 5626 5.3: the flow the UE registered). The UE is an endpoint with no
  // dialog support: MESSAGE and OPTIONS are answered 200, anything else 501;
  // ACK is never answered.
  void on_request(const sip::Message& m);
  void on_response(const sip::Message& m);
  // The Digest challenge of a 401, or nothing when it has none the UE can
  // answer; the refusal is logged as `what`. O.1.1: with Annex O the only
  // authentication is SIP Digest, so an IMS AKA challenge is logged against
  // O.1.1-ALL-DIGEST-REQUIRED, any other unusable one against RFC 7616.
  std::optional<sip::DigestChallenge> usable_challenge(const sip::Message& m, const char* what);
  void registered();
  // One MESSAGE over the registered session (the machine's send_request).
  void send_message_request();
  void on_message_response(const sip::Message& m);
  // The wire form of a request this UE builds, or a refusal naming `e` (a
  // header value the serialiser refuses, e.g. from a malformed option).
  std::optional<std::string> wire_or_refuse(const sip::Message& m, Error e);
  // The REGISTER both variants send: Via over `transport` from `local`, the
  // first IMPU, this registration's Call-ID and next CSeq, and the RFC 5626
  // outbound Contact (+sip.instance, reg-id, ob; 5626-4.2-UE-INSTANCE-REGID)
  // asking for --expires (TS 24.229 5.1.1.2).
  sip::Message register_skeleton(const net::Endpoint& local, const char* transport);
  void send_register(bool with_credentials);
  // ------------------------------------------------------------ sec-agree (RFC 3329)
  // The unprotected leg of the sec-agree variant (O.2-UE-VARIANT-SECAGREE): one
  // REGISTER over a plain TCP connection to --secagree and its final answer.
  // Nothing else is ever sent on that connection; it is closed once the final
  // answer arrived. The machine decides what the answer means.

  // Attempts of the unprotected REGISTER per registration (the machine restarts
  // it on Timer F); a P-CSCF that accepts and never answers is given up on.
  static constexpr int kMaxSecagreeSends = 4;
  void send_secagree_register();
  // The unprotected REGISTER (RFC 3329 2.3.1 step 1, TS 24.229 5.1.1.2): no
  // Authorization (the Digest response travels over TLS only,
  // O.2-ALL-SM7-OVER-TLS), Security-Client offering tls only, sec-agree
  // required of the P-CSCF.
  std::optional<std::string> secagree_register_text(const net::Endpoint& local);
  void on_plain_ready(net::Ready r);
  void process_plain();
  // The final answer to the unprotected REGISTER, reduced to the machine's
  // facts: which final class, and whether Security-Server lists tls.
  void on_secagree_response(const sip::Message& m);
  // RFC 3329 2.3.1 step 5 (TS 24.229 5.1.1.2): once the agreement ran, every
  // request to the P-CSCF carries Security-Verify mirroring the Security-Server
  // list received (same mechanisms, parameters and order: the received text)
  // and requires sec-agree. The machine's `secagree` says whether this
  // procedure is a sec-agree one. false: refused (nothing to echo).
  bool add_security_verify(sip::Message& m);
  // A 494 to a REGISTER that carried Security-Verify: the P-CSCF found the
  // echo wrong (RFC 3329 2.3.1); the refusal names that check.
  void note_secagree_refusal(const sip::Message& m);
  void plain_failed(const std::string& why);
  void close_plain();
  Options m_o;
  annexo::log::Decision_Log& m_log;
  net::Event_Loop& m_loop;
  Ue_Observer& m_observer;
  core::UeMachine m_machine;
  core::UeTlsConfig m_tls_config;
  core::Offer m_offer;
  // The stack --tls-stack names, with all its state (Botan's credentials and
  // RNG, OpenSSL's SSL_CTX from the core's tables).
  atls::Client_Stack m_stack;
  std::mt19937 m_random{std::random_device{}()};
  // Current connection.
  int m_fd = -1;
  std::uint32_t m_conn = 0;
  bool m_tcp_connected = false;
  bool m_closed_by_peer_without_alert = false;
  net::Endpoint m_local;
  std::unique_ptr<atls::Endpoint> m_tls;
  net::Write_Queue m_wq;
  sip::Framer m_framer;
  std::string m_plain;
  std::string m_pending_plain;
  std::string m_last_alert;
  std::string m_tls_failure;
  std::string m_session_id;
  Error m_cert_error = Error::ok;
  Error m_gate_error = Error::ok;
  std::string m_gate_detail;
  bool m_peer_closed = false;  // close_notify or a fatal alert from the P-CSCF
  int m_cert_requests = 0;
  int m_opens = 0;
  bool m_in_tls = false;  // inside the endpoint (its events run)
  bool m_close_pending = false;
  std::uint64_t m_generation = 0;  // one per open(): who a handler's connection is
  // The previous connection's endpoint, never used again (open()).
  std::unique_ptr<atls::Endpoint> m_old_tls;
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
  std::string m_refusal_req;  // of the refusal that ended the client
  std::string m_refusal_name;
};

}  // namespace annexo::ue
