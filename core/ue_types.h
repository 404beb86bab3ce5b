// UE machine vocabulary: states, events, guards, actions, the machine state
// struct UeState<D>, the event facts UeFacts<D> and the configuration
// UeConfig<D>. The contract for the proofs is documented in core/ue_machine.h.
#pragma once

#include <cstdint>

#include "core/access_selection.h"
#include "core/domain.h"

namespace annexo::core {

enum class UeStateId : std::uint8_t {
  idle = 0,          // no registration, no procedure, no connection
  secagree_sent,     // sec-agree: unprotected REGISTER with Security-Client: tls sent
  tls_connecting,    // TLS handshake of a registration procedure in progress
  register_sent,     // REGISTER without credentials sent over TLS, awaiting 401 or 2xx
  credentials_sent,  // REGISTER with Digest credentials sent over TLS, awaiting final
  registered,        // registered over the TLS connection (bound at the P-CSCF)
  reregistering,     // re-REGISTER sent over the registered TLS session
  renegotiating,     // renegotiation (after HelloRequest) inside the same connection
  handed_off,        // terminal: IPsec or unprotected Digest selected; not Annex O
  aborted,           // terminal: registration abandoned with a verdict
};
inline constexpr std::uint8_t kUeStateCount = 10;

enum class UeEvent : std::uint8_t {
  start_registration = 0,  // facts: access facts
  stop,                    // caller ends everything (deregistered, shut down)
  cert_verdict,            // facts: conn, certificate policy verdict (Error::ok = accept)
  certificate_request,     // facts: conn; the P-CSCF sent CertificateRequest
  handshake_done,          // facts: conn, tls13; TLS handshake finished
  handshake_failed,        // facts: conn; TLS handshake failed (alert received, ...)
  response_401,            // facts: conn, stale, security_server_tls
  response_2xx,            // facts: conn, rspauth_ok, rereg delay, keep-alive delay
  response_auth_failure,   // facts: conn; 4xx Auth_Failure (e.g. 403) to a REGISTER
  response_other_failure,  // facts: conn; any other final non-2xx to a REGISTER
  connection_lost,         // facts: conn; TCP/TLS connection gone
  hello_request,           // facts: conn; TLS 1.2 HelloRequest received
  reneg_done,              // facts: conn, keep-alive delay; renegotiation finished
  pong_received,           // facts: conn, keep-alive delay; CRLF pong received
  send_request,            // facts: conn; the application wants to send a SIP request
  // Timer events: derived by the machine from `now` (UeMachine::tick), never
  // accepted from the caller through handle().
  step_timeout,   // handshake timer / Timer F of the outstanding step expired
  rereg_due,      // re-registration time reached (TS 24.229 5.1.1.4.1)
  keepalive_due,  // next CRLF ping due (RFC 5626 4.4.1)
  pong_timeout,   // no pong within the pong timeout (RFC 5626 4.4.1)
};
inline constexpr std::uint8_t kUeEventCount = 19;
inline constexpr std::uint8_t kUeFirstTimerEvent = static_cast<std::uint8_t>(UeEvent::step_timeout);

// Guards: named predicates over (state, facts, config); see ue_logic.h.
enum class UeGuard : std::uint8_t {
  always = 0,
  conn_match,                    // facts.conn == state.conn (event is about our connection)
  select_tls_first,              // selection = Annex O TLS, variant TLS-first
  select_tls_secagree,           // selection = Annex O TLS, variant sec-agree
  select_ipsec,                  // selection = IPsec
  select_unprotected,            // selection = unprotected Digest (policy unset only)
  select_none,                   // selection = none
  restart_keep_conn,             // selection = TLS, connection of an earlier registration exists
  restart_new_tls_first,         // selection = TLS, no registered connection, TLS-first
  restart_new_secagree,          // selection = TLS, no registered connection, sec-agree
  conn_cert_ok,                  // conn_match && certificate accepted by policy
  conn_cert_bad,                 // conn_match && certificate rejected
  conn_certreq_continue,         // conn_match && !abort_on_certificate_request
  conn_certreq_abort,            // conn_match && abort_on_certificate_request
  conn_accepted_no_challenge,    // conn_match && cert_accepted && !have_challenge
  conn_accepted_have_challenge,  // conn_match && cert_accepted && have_challenge
  unprot_secserver_tls,          // unprot_match && 401 lists tls in Security-Server
  unprot_secserver_no_tls,       // unprot_match && 401 lacks tls in Security-Server
  conn_stale,                    // conn_match && stale=true
  conn_not_stale,                // conn_match && stale=false
  conn_rspauth_ok,               // conn_match && rspauth verified
  conn_rspauth_bad,              // conn_match && rspauth not verified
  conn_registered_conn,          // conn_match && connection of an earlier registration
  conn_own_conn,                 // conn_match && connection set up by this procedure
  registered_conn,               // connection of an earlier registration (timer events)
  own_tls_first,                 // own connection (or none), variant TLS-first
  own_secagree,                  // own connection (or none), variant sec-agree
  conn_tls_first,                // conn_match && variant TLS-first
  conn_secagree,                 // conn_match && variant sec-agree
  tls_first,                     // variant TLS-first (timer events)
  secagree,                      // variant sec-agree (timer events)
  conn_tls12,                    // conn_match && connection is TLS 1.2
  conn_sip_allowed,              // conn_match && sip_allowed
  conn_pong_armed,               // conn_match && a ping is outstanding
  conn_cert_accepted,            // conn_match && cert_accepted
  unprot_match,                  // sec-agree: the event is about the unprotected REGISTER
                                 //   (facts.conn == 0 == state.conn), not about any connection
};
inline constexpr std::uint8_t kUeGuardCount = 36;

// Actions: a state update (template, ue_logic.h) plus outputs (ue_machine.cc).
enum class UeAction : std::uint8_t {
  open_tls = 0,             // start a registration: open a new TLS connection
  send_secagree,            // start a registration: unprotected REGISTER, Security-Client: tls
  handoff_ipsec,            // selection chose IPsec
  handoff_unprotected,      // selection chose unprotected Digest
  abort_no_mechanism,       // selection chose nothing
  restart_keep_conn,        // new registration over the connection of an earlier registration
  restart_open_tls,         // purge the unfinished procedure, open a new TLS connection
  restart_secagree,         // purge the unfinished procedure, unprotected sec-agree REGISTER
  secagree_open_tls,        // 401 with Security-Server: tls: open TLS for the credentials
  abort_secagree_no_tls,    // 401 without tls in Security-Server: abandon
  abort_unprotected_2xx,    // 2xx to the unprotected REGISTER: refuse
  cert_accept,              // certificate verdict accept
  cert_reject,              // certificate verdict reject: alert, close, abort
  certreq_empty,            // CertificateRequest: empty Certificate, record violation
  certreq_abort,            // CertificateRequest with abort policy: alert, close, abort
  send_register_initial,    // handshake done: first REGISTER over TLS
  send_credentials_verify,  // handshake done (sec-agree): credentials + Security-Verify
  abort_tls_failed,         // TLS set-up failed: close, abort (no unprotected fallback)
  send_credentials,         // 401: credentials over the same connection
  registered,               // 2xx: registered; arm re-registration and keep-alive
  abort_rspauth,            // 2xx with bad rspauth: close, abort
  auth_fail_close,          // 4xx auth failure: close, discard session, idle
  proc_fail_keep,           // other final failure, registered connection kept
  proc_fail_purge,          // other final failure, purge own connection, idle
  send_reregister,          // re-registration over the existing session
  send_keepalive,           // CRLF ping
  pong,                     // pong received: re-arm keep-alive
  renegotiate,              // HelloRequest: renegotiate inside the connection
  reneg_done,               // renegotiation finished: SIP allowed again
  send_request,             // application request over the registered session
  stop,                     // close everything, idle
};
inline constexpr std::uint8_t kUeActionCount = 31;

// The machine's whole state: fixed-width fields only, templated on the domain
// so the proofs can make every field symbolic. Runtime: UeState<Concrete>.
template <class D>
struct UeState {
  typename D::U8 state;               // UeStateId
  typename D::U8 mechanism;           // Mechanism selected at start (none before)
  typename D::Bool require_security;  // policy snapshot (require_signalling_security)
  typename D::Bool access_3gpp;       // access type at the last start
  typename D::Bool secagree;          // this procedure uses the sec-agree variant
  typename D::Bool have_challenge;    // sec-agree: a 401 challenge is held for the TLS leg
  typename D::Bool procedure_active;  // a registration procedure is running
  typename D::Bool cert_accepted;     // server certificate of `conn` (this handshake) accepted
  typename D::Bool sip_allowed;       // SIP may be sent on `conn`
  typename D::Bool conn_registered;   // `conn` belongs to an earlier successful registration
  typename D::Bool tls13;             // `conn` runs TLS 1.3 (no renegotiation)
  typename D::Bool step_armed;        // step_deadline is armed
  typename D::Bool rereg_armed;
  typename D::Bool keepalive_armed;
  typename D::Bool pong_armed;
  typename D::U32 conn;                // connection id, 0 = none
  typename D::U32 next_conn;           // next connection id to hand out, never 0
  typename D::U32 step_deadline;       // Seconds
  typename D::U32 rereg_deadline;      // Seconds
  typename D::U32 keepalive_deadline;  // Seconds
  typename D::U32 pong_deadline;       // Seconds
  typename D::U32 violations;          // P-CSCF violations recorded (saturating)
};

// Facts an event carries, already reduced to fixed-width values.
template <class D>
struct UeFacts {
  typename D::U8 event;              // UeEvent
  typename D::U32 now;               // Seconds
  typename D::U32 conn;              // connection the event is about (0 = none)
  typename D::Bool cert_ok;          // cert_verdict: Error::ok
  typename D::Bool stale;            // 401: stale=true
  typename D::Bool secserver_tls;    // 401 (sec-agree): Security-Server lists tls
  typename D::Bool rspauth_ok;       // 2xx: Authentication-Info rspauth verified
  typename D::Bool tls13;            // handshake_done: TLS 1.3 negotiated
  typename D::Bool access_3gpp;      // start_registration
  typename D::Bool tls_available;    // start_registration
  typename D::Bool ipsec_available;  // start_registration
  typename D::U32 rereg_delay;       // 2xx: rereg_delay_s(expires), checked by the wrapper
  typename D::U32 keepalive_delay;   // 2xx, pong, reneg_done: caller's random draw, checked
};

template <class D>
struct UeConfig {
  typename D::Bool require_signalling_security;   // O.1.1 NOTE 2 policy
  typename D::Bool abort_on_certificate_request;  // RD-02 (A2), default false
  typename D::Bool use_sec_agree;                 // registration variant, default TLS-first
  typename D::U32 timer_f_s;                      // SIP Timer F = 64*T1 = 32 s
  typename D::U32 handshake_timeout_s;            // TLS set-up / renegotiation bound
  typename D::U32 pong_timeout_s;                 // RFC 5626 4.4.1: 10 s
};

}  // namespace annexo::core
