// The P-CSCF per-TLS-connection machine (TS 33.203 O.2.1, O.2.2, O.3.1.1,
// O.4.2, O.4.3; RFC 5626 edge-proxy duties). Facts and `now` in, a verdict
// and actions out; no I/O, no clock, no heap.
//
// ===================== CONTRACT FOR THE PROOFS (proofs/) =====================
// Everything below marked "template <class D>" is written once over the value
// domain of core/domain.h and never branches on a D::Bool (only on constexpr
// table data such as a Guard or Act value). Instantiate with your Z3 domain:
//
//   struct ConnState<D>      the whole per-connection state (fixed-width fields)
//   struct Event<D>          one input: kind + every fact it may carry
//   struct Policy<D>         configuration as values (policy_of<D>(cfg) lifts a
//                            PcscfConfig; proofs may use symbolic fields)
//   initial_state<D>(now)    the state of a freshly accepted TCP connection
//   guard<D>(Guard, p, s, e)         the guard column of a table row
//   update<D>(Act, p, s, e)          the state update of a row's action
//                                    (without the `state` field; the row's
//                                    `to` column sets it)
//   effects<D>(Act, s, e)            observable outputs of a row (Effects<D>)
//   step<D>(p, s, e)                 the whole table as one formula: first
//                                    matching row wins; no row = rejected,
//                                    state unchanged (StepResult<D>)
//   check_invariants<D>(s)           the one invariant (debug checks, tests,
//                                    proofs: must be inductive under step<D>)
//   request_client_certificate<D>(state)  always false, from kStateInfo data
//   asserted_impu<D>(s, e), in_impu_set<D>(s, idx), session_expired<D>(s, now)
//   next_deadline<D>(s)              the machine's next timer (armed, at)
//
// Domain operations used (besides those listed in core/domain.h): D::lit(bool),
// D::add(U32, U32) (wrap-around +), D::select on Bool/U8/U16/U32/U64, == on
// Bool, && || ! on Bool; no default construction of any D value (aggregate
// initialisation only). tests/core/pcscf_domain_test.cc instantiates all of
// the above with a z3-like strict domain (no default constructor, no
// conversion to bool) and checks it equals Concrete.
//
// The table kRows (state, event, guard, next state, action) is constexpr data;
// step<D> iterates it, so a proof reads the same table the runtime runs.
// step_fast() (core/pcscf_machine.cc) is the runtime path for D = Concrete:
// it visits only the rows of (state, event) and calls the same guard<> and
// update<>; tests/core/pcscf_machine_test.cc checks it equals step<Concrete>.
//
// Identity strings are not in the state: IMPUs are positions 0..7 of the
// binding row (core/binding_table.h), the IMPI an arena handle. The adapter
// (or core/pcscf_driver.h) resolves strings to positions before an event.
// =============================================================================
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/domain.h"
#include "core/errors.h"
#include "core/pcscf_limits.h"

namespace annexo::core::pcscf {

enum class State : std::uint8_t {
  handshaking = 0,    // TCP accepted, TLS handshake running
  unbound = 1,        // TLS up, no binding: REGISTER and emergency only (O.4.2 gate)
  reg_pending = 2,    // a REGISTER from this connection awaits its final response
  bound = 3,          // binding exists (O.2.2)
  renegotiating = 4,  // session lifetime over, HelloRequest sent (O.4.2)
  closed = 5,         // terminal: accepts nothing
};
inline constexpr std::uint8_t kStateCount = 6;

enum class EventKind : std::uint8_t {
  handshake_ok = 0,         // facts: tuple, now
  handshake_failed = 1,     //
  client_hello = 2,         // a ClientHello on an established connection
  reneg_done = 3,           // renegotiation finished: facts: session (new), now
  reneg_refused = 4,        // UE answered HelloRequest with no_renegotiation
  sip_request = 5,          // from the UE: method, tuple, credentials, impi_same,
                            //   preferred_impu, sec_verify, table_room, now
  register_response = 6,    // final response to a REGISTER: response, txn_here,
                            //   expires_s, impu, impi, store_ok, now
  deregistered = 7,         // network-side removal of IMPUs (reg-event): impu
  terminating_request = 8,  // a request to deliver to the UE over this connection
  crlf_ping = 9,            // RFC 5626 double-CRLF keep-alive
  timer = 10,               // now
  connection_lost = 11,     // TCP/TLS connection gone
};
inline constexpr std::uint8_t kEventCount = 12;

enum class Method : std::uint8_t { register_ = 0, emergency = 1, other = 2 };
enum class Response : std::uint8_t { success = 0, challenge = 1, auth_failure = 2, other = 3 };
// RFC 3329 Security-Verify check of this REGISTER (core/sec_agree.h decides it):
// not_used = no sec-agree for this registration (TLS-first variant).
enum class SecVerify : std::uint8_t { not_used = 0, matches = 1, mismatch = 2 };

template <class D>
struct ConnState {
  typename D::U8 state;
  // The connection's own transport facts (fixed at handshake; session
  // replaced by renegotiation).
  typename D::U64 session;
  typename D::U64 ip_hi;
  typename D::U64 ip_lo;
  typename D::U16 port;
  // The binding (meaningful iff has_binding).
  typename D::Bool has_binding;
  typename D::U64 b_session;
  typename D::U64 b_ip_hi;
  typename D::U64 b_ip_lo;
  typename D::U16 b_port;
  typename D::U32 impi;  // arena handle of the bound IMPI
  typename D::Bool impu[kMaxImpus];
  typename D::U8 default_impu;  // position of the default IMPU (first registered)
  // The REGISTER in flight from this connection.
  typename D::Bool pending_digest;     // it carried Digest credentials
  typename D::Bool pending_same_impi;  // bound: it is for the bound IMPI
  // Time (seconds mod 2^32; compared with D::reached only).
  typename D::U32 session_expiry;  // TLS session lifetime end
  typename D::U32 reg_expiry;      // registration end (bound)
  typename D::U32 deadline;        // handshaking/unbound/reg_pending idle; renegotiating wait
};

template <class D>
struct Event {
  typename D::U8 kind;
  typename D::U32 now;
  typename D::U64 session;  // tuple the request/handshake was observed on
  typename D::U64 ip_hi;
  typename D::U64 ip_lo;
  typename D::U16 port;
  typename D::U8 method;
  typename D::Bool credentials;      // REGISTER carries a Digest Authorization response
  typename D::Bool impi_same;        // REGISTER's IMPI equals the bound IMPI
  typename D::U8 preferred_impu;     // position of P-Preferred-Identity in the set, or kNoImpu
  typename D::U8 sec_verify;         // SecVerify
  typename D::Bool table_room;       // binding table can take one more binding
  typename D::U8 response;           // Response
  typename D::Bool txn_here;         // the REGISTER of this response arrived on THIS connection
  typename D::U32 expires_s;         // granted registration expiry (0 = deregistration)
  typename D::Bool impu[kMaxImpus];  // positions registered / deregistered
  typename D::U32 impi;              // arena handle of the IMPI stored at bind
  typename D::Bool store_ok;         // the binding table stored the binding
};

template <class D>
struct Policy {
  typename D::Bool allow_client_reneg;  // default false (A7/A8)
  typename D::Bool abort_on_no_reneg;   // default true (O.4.2, A9)
  typename D::U32 lifetime_s;           // default 3600 (O.2.1, A3)
  typename D::U32 reneg_wait_s;         // default 30 (A9)
  typename D::U32 unbound_idle_s;       // default 32 = 64 x T1 (A7)
};

// Runtime configuration (checked by check_pcscf_config, core/pcscf_config.h).
struct PcscfConfig {
  bool allow_client_reneg = false;
  bool abort_on_no_reneg = true;
  std::uint32_t tls_session_lifetime_s = 3600;
  std::uint32_t reneg_wait_s = 30;
  std::uint32_t unbound_idle_s = 32;
};

template <class D>
Policy<D> policy_of(const PcscfConfig& c) {
  return Policy<D>{D::lit(c.allow_client_reneg), D::lit(c.abort_on_no_reneg),
                   D::u32(c.tls_session_lifetime_s), D::u32(c.reneg_wait_s),
                   D::u32(c.unbound_idle_s)};
}

// ---------------------------------------------------------------- per state data
struct StateInfo {
  State state;
  bool terminal;
  // O.2.1-PC-NO-CLIENT-CERT-REQ: the P-CSCF never sends a CertificateRequest,
  // in any state; the Botan adapter asks request_client_certificate().
  bool client_cert_request;
};
inline constexpr StateInfo kStateInfo[kStateCount] = {
    {State::handshaking, false, false},   {State::unbound, false, false},
    {State::reg_pending, false, false},   {State::bound, false, false},
    {State::renegotiating, false, false}, {State::closed, true, false},
};
constexpr bool no_state_requests_client_cert() {
  for (const StateInfo& i : kStateInfo) {
    if (i.client_cert_request) return false;
  }
  return true;
}
//= spec#O.2.1-PC-NO-CLIENT-CERT-REQ type=implementation
static_assert(no_state_requests_client_cert(), "O.2.1: never a CertificateRequest");

template <class D>
typename D::Bool request_client_certificate(typename D::U8 state) {
  typename D::Bool r = D::f();
  for (std::uint8_t i = 0; i < kStateCount; ++i) {
    r = D::select(state == D::u8(i), D::lit(kStateInfo[i].client_cert_request), r);
  }
  return r;
}

// ---------------------------------------------------------------- guards
enum class Guard : std::uint8_t {
  always,
  deadline_reached,        // reached(now, deadline)
  register_bad_verify,     // REGISTER whose Security-Verify mismatches (RFC 3329)
  register_creds_no_room,  // REGISTER with credentials while the table is full
  is_register,
  is_emergency,
  client_reneg_allowed,  // policy allow_client_reneg
  abort_policy,          // policy abort_on_no_reneg
  bind_ok,               // 2xx here, Digest, IMPUs, expires > 0, stored
  bind_store_failed,     // as bind_ok but the table could not store it
  success_here,          // 2xx here (no binding conditions)
  auth_failure_here,     // 4xx auth failure here
  response_here,         // any final response here
  tuple_mismatch,        // request's session/IP/port != binding
  session_expired_now,   // reached(now, session_expiry)
  register_same_impi,    // REGISTER for the bound IMPI (O.4.3)
  add_here,              // 2xx here for the bound IMPI, expires > 0
  dereg_last_here,       // 2xx here, expires 0, removes every remaining IMPU
  dereg_here,            // 2xx here, expires 0
  removes_all,           // deregistered: no IMPU would remain
  reg_expired_now,       // reached(now, reg_expiry)
  deadline_and_abort,    // deadline reached and abort policy on
};

template <class D>
typename D::Bool in_impu_set(const ConnState<D>& s, typename D::U8 pos) {
  typename D::Bool r = D::f();
  for (std::uint8_t i = 0; i < kMaxImpus; ++i) r = r || (pos == D::u8(i) && s.impu[i]);
  return r;
}

template <class D>
typename D::Bool any_impu(const typename D::Bool (&set)[kMaxImpus]) {
  typename D::Bool r = D::f();
  for (std::uint8_t i = 0; i < kMaxImpus; ++i) r = r || set[i];
  return r;
}

// True when removing e.impu from s.impu leaves nothing.
template <class D>
typename D::Bool removes_every_impu(const ConnState<D>& s, const Event<D>& e) {
  typename D::Bool r = D::t();
  for (std::uint8_t i = 0; i < kMaxImpus; ++i) r = r && D::implies(s.impu[i], e.impu[i]);
  return r;
}

// Wrap-safe (core/domain.h): an expired session authorises nothing, also
// across the 2^32 wrap of the seconds clock.
template <class D>
typename D::Bool session_expired(const ConnState<D>& s, typename D::U32 now) {
  // The Session ID's validity is the local policy's lifetime_s (O.2.1).
  //= spec#O.2.1-ALL-LIFETIME-LOCAL-POLICY type=implementation
  return D::reached(now, s.session_expiry);
}

template <class D>
typename D::Bool tuple_matches(const ConnState<D>& s, const Event<D>& e) {
  // Annex N's IP-address check in its Annex O form: session, IP and port.
  //= spec#O.2.2-PC-MATCH-FULL-TUPLE type=implementation
  //= spec#N.2-PC-IP-ASSOC-CHECK type=implementation
  return e.session == s.b_session && e.ip_hi == s.b_ip_hi && e.ip_lo == s.b_ip_lo &&
         e.port == s.b_port;
}

template <class D>
typename D::Bool guard(Guard g, const Policy<D>& p, const ConnState<D>& s, const Event<D>& e) {
  const auto is_reg = e.method == D::enum8(Method::register_);
  const auto here = e.txn_here;
  const auto success = e.response == D::enum8(Response::success);
  const auto dereg = success && here && s.pending_same_impi && e.expires_s == D::u32(0);
  const auto bind_base =
      success && here && s.pending_digest && any_impu<D>(e.impu) && !(e.expires_s == D::u32(0));
  switch (g) {
    case Guard::always:
      return D::t();
    case Guard::deadline_reached:
      return D::reached(e.now, s.deadline);
    case Guard::register_bad_verify:
      //= spec#RFC3329-PC-VERIFY-ECHO type=implementation
      return is_reg && e.sec_verify == D::enum8(SecVerify::mismatch);
    case Guard::register_creds_no_room:
      return is_reg && e.credentials && !e.table_room;
    case Guard::is_register:
      return is_reg;
    case Guard::is_emergency:
      return e.method == D::enum8(Method::emergency);
    case Guard::client_reneg_allowed:
      return p.allow_client_reneg;
    case Guard::abort_policy:
      return p.abort_on_no_reneg;
    case Guard::bind_ok:
      //= spec#O.2.2-PC-ASSOC-ONLY-ON-AUTH-CONN type=implementation
      return bind_base && e.store_ok;
    case Guard::bind_store_failed:
      return bind_base && !e.store_ok;
    case Guard::success_here:
      return success && here;
    case Guard::auth_failure_here:
      return e.response == D::enum8(Response::auth_failure) && here;
    case Guard::response_here:
      return here;
    case Guard::tuple_mismatch:
      return !tuple_matches<D>(s, e);
    case Guard::session_expired_now:
      return session_expired<D>(s, e.now);
    case Guard::register_same_impi:
      return is_reg && e.impi_same;
    case Guard::add_here:
      return success && here && s.pending_same_impi && !(e.expires_s == D::u32(0));
    case Guard::dereg_last_here:
      return dereg && removes_every_impu<D>(s, e);
    case Guard::dereg_here:
      return dereg;
    case Guard::removes_all:
      return removes_every_impu<D>(s, e);
    case Guard::reg_expired_now:
      return D::reached(e.now, s.reg_expiry);
    case Guard::deadline_and_abort:
      return D::reached(e.now, s.deadline) && p.abort_on_no_reneg;
  }
  return D::f();
}

// ---------------------------------------------------------------- actions
enum class Act : std::uint8_t {
  none,
  handshake_ok,
  handshake_failed,
  lost,
  lost_bound,
  idle_close,
  reject_494,
  reject_503_full,
  forward_register_pending,
  forward_emergency_unbound,
  reject_403_unbound,
  allow_reneg,
  refuse_reneg,
  new_session_unbound,
  pong,
  reject_430,
  bind,
  refuse_full_close,
  forward_no_bind,
  auth_fail_close,
  auth_fail_close_bound,
  forward_response_unbound,
  reject_not_here,
  reject_403_tuple,
  reject_403_expired,
  forward_register_protected,
  forward_register_other_impi,
  forward_asserted,
  add_impus,
  dereg_last,
  dereg_some,
  forward_response,
  forward_to_ue,
  new_session_bound,
  reg_expired,
  hello_request,
  accept_reneg_hello,
  abort_no_reneg,
  reneg_refused_keep,
  reject_403_reneg,
  reject_403_reg_expired,
  // Network-side deregistration (reg-event, EventKind::deregistered): the
  // binding is updated or deleted but nothing is relayed to the UE, since
  // no REGISTER response exists (dereg_some / dereg_last are the
  // REGISTER-response path and forward that response).
  net_dereg_some,
  net_dereg_last,
};
inline constexpr std::uint8_t kActCount = 43;

// Value of the `integrity-protected` Authorization parameter (O.4.3, 24.229).
enum class Integrity : std::uint8_t { none = 0, tls_pending = 1, tls_yes = 2 };

// What an action does, as data (read by step<D>, effects<D> and the runtime).
struct ActInfo {
  Act act;
  Error reason;             // Error::ok for a normal acceptance
  const char* requirement;  // the requirement the decision implements (logged)
  std::uint16_t sip_code;   // response the P-CSCF itself sends to the UE (0 = none)
  bool forward_request;     // forward the UE's request toward the core network
  bool assert_identity;     // ... with P-Asserted-Identity from the binding
  Integrity integrity;      // ... REGISTER with integrity-protected = this
  bool forward_response;    // relay the response to the UE
  bool forward_to_ue;       // deliver a terminating request over this connection
  bool hello_request;       // send HelloRequest (TLS 1.2) / KeyUpdate (TLS 1.3, A4)
  bool refuse_reneg_alert;  // answer a ClientHello with warning no_renegotiation
  bool send_crlf;           // RFC 5626 pong
  bool close;               // close the connection now
  bool close_after_flush;   // close after the response above is delivered
  bool create_binding;      // the binding was stored (table insert succeeded)
  bool add_impus;           // IMPUs e.impu joined the binding
  bool remove_impus;        // IMPUs e.impu left the binding
  bool delete_binding;      // remove the binding from the table
  bool replace_session;     // table: session := e.session
};

// clang-format off
inline constexpr ActInfo kActInfo[kActCount] = {
  // act                              reason                                     requirement                               code  fwd    pai    integrity               rsp    toUE   hello  noreneg crlf  close  flush  create add    rm     del    repl
  {Act::none,                        Error::ok,                                  "IMPL-PC-DENY-UNLISTED",                  0,   false, false, Integrity::none,        false, false, false, false, false, false, false, false, false, false, false, false},
  {Act::handshake_ok,                Error::ok,                                  "O.4.2-PC-HANDSHAKE-GATE",                0,   false, false, Integrity::none,        false, false, false, false, false, false, false, false, false, false, false, false},
  {Act::handshake_failed,            Error::pcscf_handshake_failed,              "O.4.2-PC-HANDSHAKE-GATE",                0,   false, false, Integrity::none,        false, false, false, false, false, true,  false, false, false, false, false, false},
  {Act::lost,                        Error::pcscf_connection_lost,               "O.2.2-PC-ASSOC-DELETE",                  0,   false, false, Integrity::none,        false, false, false, false, false, true,  false, false, false, false, false, false},
  {Act::lost_bound,                  Error::pcscf_connection_lost,               "O.2.2-PC-ASSOC-DELETE",                  0,   false, false, Integrity::none,        false, false, false, false, false, true,  false, false, false, false, true,  false},
  {Act::idle_close,                  Error::pcscf_unbound_idle,                  "O.4.2-PC-HANDSHAKE-GATE",                0,   false, false, Integrity::none,        false, false, false, false, false, true,  false, false, false, false, false, false},
  {Act::reject_494,                  Error::pcscf_sec_verify_mismatch,           "RFC3329-PC-VERIFY-ECHO",                 494, false, false, Integrity::none,        false, false, false, false, false, false, false, false, false, false, false, false},
  {Act::reject_503_full,             Error::pcscf_registration_refused_full,     "IMPL-PC-BINDING-TABLE-CAPACITY",         503, false, false, Integrity::none,        false, false, false, false, false, false, false, false, false, false, false, false},
  {Act::forward_register_pending,    Error::ok,                                  "O.2-PC-INTEGRITY-PROTECTED-PARAM",       0,   true,  false, Integrity::tls_pending, false, false, false, false, false, false, false, false, false, false, false, false},
  {Act::forward_emergency_unbound,   Error::ok,                                  "O.2.2-PC-UNBOUND-NO-ASSERT",             0,   true,  false, Integrity::none,        false, false, false, false, false, false, false, false, false, false, false, false},
  {Act::reject_403_unbound,          Error::pcscf_request_on_unbound,            "O.2.2-PC-UNBOUND-NO-ASSERT",             403, false, false, Integrity::none,        false, false, false, false, false, false, false, false, false, false, false, false},
  {Act::allow_reneg,                 Error::ok,                                  "IMPL-PC-REFUSE-CLIENT-RENEG",            0,   false, false, Integrity::none,        false, false, false, false, false, false, false, false, false, false, false, false},
  {Act::refuse_reneg,                Error::pcscf_client_reneg_refused,          "IMPL-PC-REFUSE-CLIENT-RENEG",            0,   false, false, Integrity::none,        false, false, false, true,  false, false, false, false, false, false, false, false},
  {Act::new_session_unbound,         Error::ok,                                  "IMPL-PC-REFUSE-CLIENT-RENEG",            0,   false, false, Integrity::none,        false, false, false, false, false, false, false, false, false, false, false, false},
  {Act::pong,                        Error::ok,                                  "5626-5.4-PC-CRLF-PONG",                  0,   false, false, Integrity::none,        false, false, false, false, true,  false, false, false, false, false, false, false},
  {Act::reject_430,                  Error::pcscf_flow_not_bound,                "5626-5.3-PC-430-FLOW-GONE",              430, false, false, Integrity::none,        false, false, false, false, false, false, false, false, false, false, false, false},
  {Act::bind,                        Error::ok,                                  "O.2.2-PC-ASSOC-CREATE",                  0,   false, false, Integrity::none,        true,  false, false, false, false, false, false, true,  false, false, false, false},
  {Act::refuse_full_close,           Error::pcscf_registration_refused_full,     "IMPL-PC-BINDING-TABLE-CAPACITY",         503, false, false, Integrity::none,        false, false, false, false, false, false, true,  false, false, false, false, false},
  {Act::forward_no_bind,             Error::pcscf_2xx_without_binding_conditions,"O.2.2-PC-ASSOC-ONLY-ON-AUTH-CONN",       0,   false, false, Integrity::none,        true,  false, false, false, false, false, false, false, false, false, false, false},
  {Act::auth_fail_close,             Error::pcscf_auth_failure_close,            "O.3.1.1-PC-CLOSE-ON-AUTH-FAIL",          0,   false, false, Integrity::none,        true,  false, false, false, false, false, true,  false, false, false, false, false},
  {Act::auth_fail_close_bound,       Error::pcscf_auth_failure_close,            "O.3.1.1-PC-CLOSE-ON-AUTH-FAIL",          0,   false, false, Integrity::none,        true,  false, false, false, false, false, true,  false, false, false, true,  false},
  {Act::forward_response_unbound,    Error::ok,                                  "O.2-ALL-SM7-OVER-TLS",                   0,   false, false, Integrity::none,        true,  false, false, false, false, false, false, false, false, false, false, false},
  {Act::reject_not_here,             Error::pcscf_response_not_for_this_connection,"O.2.2-PC-ASSOC-ONLY-ON-AUTH-CONN",     0,   false, false, Integrity::none,        false, false, false, false, false, false, false, false, false, false, false, false},
  {Act::reject_403_tuple,            Error::pcscf_tuple_mismatch,                "O.2.2-PC-MATCH-FULL-TUPLE",              403, false, false, Integrity::none,        false, false, false, false, false, false, false, false, false, false, false, false},
  {Act::reject_403_expired,          Error::pcscf_session_expired,               "O.2.1-ALL-LIFETIME-LOCAL-POLICY",        403, false, false, Integrity::none,        false, false, true,  false, false, false, false, false, false, false, false, false},
  {Act::forward_register_protected,  Error::ok,                                  "O.4.3-PC-REREG-ON-BOUND-SESSION",        0,   true,  false, Integrity::tls_yes,     false, false, false, false, false, false, false, false, false, false, false, false},
  {Act::forward_register_other_impi, Error::pcscf_other_impi_on_bound,           "O.4.3-PC-IMPI-MISMATCH",                 0,   true,  false, Integrity::tls_pending, false, false, false, false, false, false, false, false, false, false, false, false},
  {Act::forward_asserted,            Error::ok,                                  "O.2.2-PC-ASSERT-FROM-ASSOC",             0,   true,  true,  Integrity::none,        false, false, false, false, false, false, false, false, false, false, false, false},
  {Act::add_impus,                   Error::ok,                                  "O.2.2-PC-ASSOC-ADD-IMPU",                0,   false, false, Integrity::none,        true,  false, false, false, false, false, false, false, true,  false, false, false},
  {Act::dereg_last,                  Error::pcscf_registration_expired,          "O.2.2-PC-ASSOC-DELETE",                  0,   false, false, Integrity::none,        true,  false, false, false, false, false, false, false, false, true,  true,  false},
  {Act::dereg_some,                  Error::ok,                                  "O.2.2-PC-ASSOC-IMPU-SET",                0,   false, false, Integrity::none,        true,  false, false, false, false, false, false, false, false, true,  false, false},
  {Act::forward_response,            Error::ok,                                  "O.2.2-PC-ASSOC-IMPU-SET",                0,   false, false, Integrity::none,        true,  false, false, false, false, false, false, false, false, false, false, false},
  {Act::forward_to_ue,               Error::ok,                                  "5626-5.3-PC-FORWARD-OVER-FLOW",          0,   false, false, Integrity::none,        false, true,  false, false, false, false, false, false, false, false, false, false},
  {Act::new_session_bound,           Error::ok,                                  "O.4.2-PC-REPLACE-SESSION-ID",            0,   false, false, Integrity::none,        false, false, false, false, false, false, false, false, false, false, false, true},
  {Act::reg_expired,                 Error::pcscf_registration_expired,          "O.2.2-PC-ASSOC-DELETE",                  0,   false, false, Integrity::none,        false, false, false, false, false, false, false, false, false, false, true,  false},
  {Act::hello_request,               Error::ok,                                  "O.4.2-PC-MAY-RENEGOTIATE",               0,   false, false, Integrity::none,        false, false, true,  false, false, false, false, false, false, false, false, false},
  {Act::accept_reneg_hello,          Error::ok,                                  "O.4.2-PC-RENEG-INSIDE-CONN",             0,   false, false, Integrity::none,        false, false, false, false, false, false, false, false, false, false, false, false},
  {Act::abort_no_reneg,              Error::pcscf_reneg_timeout,                 "O.4.2-PC-MAY-ABORT-NO-RENEG",            0,   false, false, Integrity::none,        false, false, false, false, false, true,  false, false, false, false, true,  false},
  {Act::reneg_refused_keep,          Error::pcscf_reneg_refused_by_ue,           "O.4.2-PC-MAY-ABORT-NO-RENEG",            0,   false, false, Integrity::none,        false, false, false, false, false, false, false, false, false, false, false, false},
  {Act::reject_403_reneg,            Error::pcscf_request_while_renegotiating,   "IMPL-PC-NO-REQUESTS-WHILE-RENEGOTIATING",403, false, false, Integrity::none,        false, false, false, false, false, false, false, false, false, false, false, false},
  {Act::reject_403_reg_expired,      Error::pcscf_registration_expired,          "O.2.2-PC-ASSOC-DELETE",                  403, false, false, Integrity::none,        false, false, false, false, false, false, false, false, false, false, true,  false},
  {Act::net_dereg_some,              Error::ok,                                  "O.2.2-PC-ASSOC-IMPU-SET",                0,   false, false, Integrity::none,        false, false, false, false, false, false, false, false, false, true,  false, false},
  {Act::net_dereg_last,              Error::pcscf_registration_expired,          "O.2.2-PC-ASSOC-DELETE",                  0,   false, false, Integrity::none,        false, false, false, false, false, false, false, false, false, true,  true,  false},
};
// clang-format on

constexpr bool act_info_in_order() {
  for (std::uint8_t i = 0; i < kActCount; ++i) {
    if (static_cast<std::uint8_t>(kActInfo[i].act) != i) return false;
  }
  return true;
}
static_assert(act_info_in_order(), "kActInfo[i].act == i");

// ---------------------------------------------------------------- the table
struct Row {
  State from;
  EventKind event;
  Guard guard;
  State to;
  Act act;
};

using S = State;
using E = EventKind;
using G = Guard;
using A = Act;

// First matching row wins (rows of one (state, event) are tried in order);
// an event with no matching row is rejected with Error::pcscf_event_not_allowed
// and changes nothing (IMPL-PC-DENY-UNLISTED, cited at step()).
// clang-format off
inline constexpr Row kRows[] = {
  // ---- handshaking
  {S::handshaking,  E::handshake_ok,        G::always,                 S::unbound,       A::handshake_ok},
  {S::handshaking,  E::handshake_failed,    G::always,                 S::closed,        A::handshake_failed},
  {S::handshaking,  E::connection_lost,     G::always,                 S::closed,        A::lost},
  {S::handshaking,  E::timer,               G::deadline_reached,       S::closed,        A::idle_close},
  {S::handshaking,  E::timer,               G::always,                 S::handshaking,   A::none},
  // ---- unbound: REGISTER and emergency only (O.4.2 gate; RD-64, A7). A
  // resumed session on a new connection lands here too (A5, RD-55).
  //= spec#O.4.2-PC-HANDSHAKE-GATE type=implementation
  //= spec#O.2.2-PC-UNBOUND-NO-ASSERT type=implementation
  //= spec#IMPL-PC-REFUSE-CLIENT-RENEG type=implementation
  {S::unbound,      E::sip_request,         G::register_bad_verify,    S::unbound,       A::reject_494},
  {S::unbound,      E::sip_request,         G::register_creds_no_room, S::unbound,       A::reject_503_full},
  {S::unbound,      E::sip_request,         G::is_register,            S::reg_pending,   A::forward_register_pending},
  {S::unbound,      E::sip_request,         G::is_emergency,           S::unbound,       A::forward_emergency_unbound},
  {S::unbound,      E::sip_request,         G::always,                 S::unbound,       A::reject_403_unbound},
  {S::unbound,      E::client_hello,        G::client_reneg_allowed,   S::unbound,       A::allow_reneg},
  {S::unbound,      E::client_hello,        G::always,                 S::unbound,       A::refuse_reneg},
  {S::unbound,      E::reneg_done,          G::client_reneg_allowed,   S::unbound,       A::new_session_unbound},
  {S::unbound,      E::crlf_ping,           G::always,                 S::unbound,       A::pong},
  //= spec#5626-5.3-PC-430-FLOW-GONE type=implementation
  {S::unbound,      E::terminating_request, G::always,                 S::unbound,       A::reject_430},
  //= spec#O.4.2-PC-UNBOUND-IDLE-CLOSE type=implementation
  {S::unbound,      E::timer,               G::deadline_reached,       S::closed,        A::idle_close},
  {S::unbound,      E::timer,               G::always,                 S::unbound,       A::none},
  {S::unbound,      E::connection_lost,     G::always,                 S::closed,        A::lost},
  // ---- reg_pending: a REGISTER from this connection awaits its final response.
  // Only a 2xx of THIS connection's Digest REGISTER binds (RD-65); full
  // table: 503, nothing evicted (RD-56).
  //= spec#O.2.2-PC-ASSOC-ONLY-ON-AUTH-CONN type=implementation
  //= spec#O.2.1-PC-TRUST-ENDPOINT-VIA-ASSOC type=implementation
  //= spec#O.3.1.1-PC-CLOSE-ON-AUTH-FAIL type=implementation
  //= spec#O.2-PC-INTEGRITY-PROTECTED-PARAM type=implementation
  {S::reg_pending,  E::register_response,   G::bind_ok,                S::bound,         A::bind},
  {S::reg_pending,  E::register_response,   G::bind_store_failed,      S::closed,        A::refuse_full_close},
  {S::reg_pending,  E::register_response,   G::auth_failure_here,      S::closed,        A::auth_fail_close},
  {S::reg_pending,  E::register_response,   G::success_here,           S::unbound,       A::forward_no_bind},
  {S::reg_pending,  E::register_response,   G::response_here,          S::unbound,       A::forward_response_unbound},
  {S::reg_pending,  E::register_response,   G::always,                 S::reg_pending,   A::reject_not_here},
  {S::reg_pending,  E::sip_request,         G::register_bad_verify,    S::reg_pending,   A::reject_494},
  {S::reg_pending,  E::sip_request,         G::register_creds_no_room, S::reg_pending,   A::reject_503_full},
  {S::reg_pending,  E::sip_request,         G::is_register,            S::reg_pending,   A::forward_register_pending},
  {S::reg_pending,  E::sip_request,         G::is_emergency,           S::reg_pending,   A::forward_emergency_unbound},
  {S::reg_pending,  E::sip_request,         G::always,                 S::reg_pending,   A::reject_403_unbound},
  {S::reg_pending,  E::client_hello,        G::client_reneg_allowed,   S::reg_pending,   A::allow_reneg},
  {S::reg_pending,  E::client_hello,        G::always,                 S::reg_pending,   A::refuse_reneg},
  {S::reg_pending,  E::reneg_done,          G::client_reneg_allowed,   S::reg_pending,   A::new_session_unbound},
  {S::reg_pending,  E::crlf_ping,           G::always,                 S::reg_pending,   A::pong},
  {S::reg_pending,  E::terminating_request, G::always,                 S::reg_pending,   A::reject_430},
  {S::reg_pending,  E::timer,               G::deadline_reached,       S::closed,        A::idle_close},
  {S::reg_pending,  E::timer,               G::always,                 S::reg_pending,   A::none},
  {S::reg_pending,  E::connection_lost,     G::always,                 S::closed,        A::lost},
  // ---- bound (O.2.2): full tuple, unexpired registration and session, then
  // the asserted identity from the set (A10: the set of this connection only).
  // Auth failure on a bound connection also closes (A11, RD-68).
  //= spec#O.2.2-PC-MATCH-FULL-TUPLE type=implementation
  //= spec#O.2.2-PC-ASSERT-FROM-ASSOC type=implementation
  //= spec#O.4.3-PC-REREG-ON-BOUND-SESSION type=implementation
  //= spec#O.4.3-PC-IMPI-MISMATCH type=implementation
  //= spec#O.2.2-PC-ASSOC-DELETE type=implementation
  //= spec#5626-5.3-PC-FORWARD-OVER-FLOW type=implementation
  //= spec#O.2.1-PC-RFC5626-FORWARDING type=implementation
  {S::bound,        E::sip_request,         G::tuple_mismatch,         S::bound,         A::reject_403_tuple},
  {S::bound,        E::sip_request,         G::reg_expired_now,        S::unbound,       A::reject_403_reg_expired},
  {S::bound,        E::sip_request,         G::session_expired_now,    S::renegotiating, A::reject_403_expired},
  {S::bound,        E::sip_request,         G::register_bad_verify,    S::bound,         A::reject_494},
  {S::bound,        E::sip_request,         G::register_same_impi,     S::bound,         A::forward_register_protected},
  {S::bound,        E::sip_request,         G::is_register,            S::bound,         A::forward_register_other_impi},
  {S::bound,        E::sip_request,         G::always,                 S::bound,         A::forward_asserted},
  {S::bound,        E::register_response,   G::add_here,               S::bound,         A::add_impus},
  {S::bound,        E::register_response,   G::dereg_last_here,        S::unbound,       A::dereg_last},
  {S::bound,        E::register_response,   G::dereg_here,             S::bound,         A::dereg_some},
  {S::bound,        E::register_response,   G::auth_failure_here,      S::closed,        A::auth_fail_close_bound},
  {S::bound,        E::register_response,   G::response_here,          S::bound,         A::forward_response},
  {S::bound,        E::register_response,   G::always,                 S::bound,         A::reject_not_here},
  // Network-side deregistration (reg-event): no REGISTER response to relay.
  {S::bound,        E::deregistered,        G::removes_all,            S::unbound,       A::net_dereg_last},
  {S::bound,        E::deregistered,        G::always,                 S::bound,         A::net_dereg_some},
  {S::bound,        E::terminating_request, G::always,                 S::bound,         A::forward_to_ue},
  {S::bound,        E::crlf_ping,           G::always,                 S::bound,         A::pong},
  {S::bound,        E::client_hello,        G::client_reneg_allowed,   S::bound,         A::allow_reneg},
  {S::bound,        E::client_hello,        G::always,                 S::bound,         A::refuse_reneg},
  {S::bound,        E::reneg_done,          G::client_reneg_allowed,   S::bound,         A::new_session_bound},
  {S::bound,        E::timer,               G::reg_expired_now,        S::unbound,       A::reg_expired},
  {S::bound,        E::timer,               G::session_expired_now,    S::renegotiating, A::hello_request},
  {S::bound,        E::timer,               G::always,                 S::bound,         A::none},
  {S::bound,        E::connection_lost,     G::always,                 S::closed,        A::lost_bound},
  // ---- renegotiating (O.4.2): HelloRequest sent (TLS 1.3: KeyUpdate, A4),
  // waiting reneg_wait_s; then close + delete by policy (A9), else ask again
  // (RD-63). Requests meanwhile: 403 (RD-53). Session and connection
  // lifetimes are separate timers (A25).
  //= spec#O.4.2-PC-RENEG-INSIDE-CONN type=implementation
  //= spec#O.4.2-PC-MAY-ABORT-NO-RENEG type=implementation
  //= spec#IMPL-PC-NO-REQUESTS-WHILE-RENEGOTIATING type=implementation
  {S::renegotiating, E::client_hello,       G::always,                 S::renegotiating, A::accept_reneg_hello},
  {S::renegotiating, E::reneg_done,         G::always,                 S::bound,         A::new_session_bound},
  {S::renegotiating, E::reneg_refused,      G::abort_policy,           S::closed,        A::abort_no_reneg},
  {S::renegotiating, E::reneg_refused,      G::always,                 S::renegotiating, A::reneg_refused_keep},
  {S::renegotiating, E::sip_request,        G::is_emergency,           S::renegotiating, A::forward_emergency_unbound},
  {S::renegotiating, E::sip_request,        G::always,                 S::renegotiating, A::reject_403_reneg},
  {S::renegotiating, E::register_response,  G::add_here,               S::renegotiating, A::add_impus},
  {S::renegotiating, E::register_response,  G::dereg_last_here,        S::unbound,       A::dereg_last},
  {S::renegotiating, E::register_response,  G::dereg_here,             S::renegotiating, A::dereg_some},
  {S::renegotiating, E::register_response,  G::auth_failure_here,      S::closed,        A::auth_fail_close_bound},
  {S::renegotiating, E::register_response,  G::response_here,          S::renegotiating, A::forward_response},
  {S::renegotiating, E::register_response,  G::always,                 S::renegotiating, A::reject_not_here},
  {S::renegotiating, E::deregistered,       G::removes_all,            S::unbound,       A::net_dereg_last},
  {S::renegotiating, E::deregistered,       G::always,                 S::renegotiating, A::net_dereg_some},
  {S::renegotiating, E::terminating_request, G::always,                S::renegotiating, A::forward_to_ue},
  {S::renegotiating, E::crlf_ping,          G::always,                 S::renegotiating, A::pong},
  {S::renegotiating, E::timer,              G::reg_expired_now,        S::unbound,       A::reg_expired},
  {S::renegotiating, E::timer,              G::deadline_and_abort,     S::closed,        A::abort_no_reneg},
  {S::renegotiating, E::timer,              G::deadline_reached,       S::renegotiating, A::hello_request},
  {S::renegotiating, E::timer,              G::always,                 S::renegotiating, A::none},
  {S::renegotiating, E::connection_lost,    G::always,                 S::closed,        A::lost_bound},
  // ---- closed: terminal, no rows
};
// clang-format on
inline constexpr std::size_t kRowCount = sizeof(kRows) / sizeof(kRows[0]);
inline constexpr std::uint8_t kNoRow = 0xFF;
static_assert(kRowCount < kNoRow, "row numbers fit a U8");

// ---- shape of the table (more in tests/core/pcscf_table_test.cc)
constexpr bool rows_unique() {
  for (std::size_t i = 0; i < kRowCount; ++i) {
    for (std::size_t j = i + 1; j < kRowCount; ++j) {
      if (kRows[i].from == kRows[j].from && kRows[i].event == kRows[j].event &&
          kRows[i].guard == kRows[j].guard) {
        return false;
      }
    }
  }
  return true;
}
static_assert(rows_unique(), "no two rows with the same (state, event, guard)");

// Rows of one (state, event) are contiguous and an `always` row, if any, is last
// (otherwise later rows would be dead).
constexpr bool rows_grouped_and_always_last() {
  for (std::size_t i = 0; i < kRowCount; ++i) {
    for (std::size_t j = i + 1; j < kRowCount; ++j) {
      if (kRows[i].from == kRows[j].from && kRows[i].event == kRows[j].event) {
        if (kRows[i].guard == Guard::always) return false;
        for (std::size_t k = i + 1; k < j; ++k) {
          if (!(kRows[k].from == kRows[i].from && kRows[k].event == kRows[i].event)) return false;
        }
      }
    }
  }
  return true;
}
static_assert(rows_grouped_and_always_last(), "rows of one (state, event) together, always last");

constexpr bool terminal_states_accept_nothing() {
  for (const Row& r : kRows) {
    if (kStateInfo[static_cast<std::uint8_t>(r.from)].terminal) return false;
  }
  return true;
}
static_assert(terminal_states_accept_nothing(), "closed accepts nothing");

constexpr bool every_state_reachable() {
  bool seen[kStateCount] = {true, false, false, false, false, false};  // handshaking is initial
  for (std::size_t round = 0; round < kStateCount; ++round) {
    for (const Row& r : kRows) {
      if (seen[static_cast<std::uint8_t>(r.from)]) seen[static_cast<std::uint8_t>(r.to)] = true;
    }
  }
  for (bool b : seen) {
    if (!b) return false;
  }
  return true;
}
static_assert(every_state_reachable(), "every state reachable from handshaking");

// Only bind creates a binding; only rows into bound/renegotiating keep one.
constexpr bool binding_rows_consistent() {
  for (const Row& r : kRows) {
    const bool into_bound = r.to == State::bound || r.to == State::renegotiating;
    const bool from_bound = r.from == State::bound || r.from == State::renegotiating;
    if (into_bound && !from_bound && r.act != Act::bind) return false;
    if (r.act == Act::bind && r.from != State::reg_pending) return false;
    if (from_bound && !into_bound && !kActInfo[static_cast<std::uint8_t>(r.act)].delete_binding) {
      return false;
    }
  }
  return true;
}
static_assert(binding_rows_consistent(), "a row leaving bound deletes the binding");

// Only a REGISTER response is relayed to the UE: a row of any other event
// (e.g. the network-side deregistered event) has no response to forward.
constexpr bool forward_response_only_for_register_responses() {
  for (const Row& r : kRows) {
    if (kActInfo[static_cast<std::uint8_t>(r.act)].forward_response &&
        r.event != EventKind::register_response) {
      return false;
    }
  }
  return true;
}
static_assert(forward_response_only_for_register_responses(),
              "forward_response only on rows of register_response");

// ---------------------------------------------------------------- state updates
template <class D>
ConnState<D> initial_state(const Policy<D>& p, typename D::U32 now) {
  static_assert(kMaxImpus == 8, "the impu initialiser below lists 8 values");
  // Aggregate initialisation: a symbolic value type (z3::expr) has no
  // default constructor.
  const auto f = D::f();
  ConnState<D> s{D::enum8(State::handshaking),
                 D::u64(0),
                 D::u64(0),
                 D::u64(0),
                 D::u16(0),
                 f,
                 D::u64(0),
                 D::u64(0),
                 D::u64(0),
                 D::u16(0),
                 D::u32(0xFFFFFFFFu),
                 {f, f, f, f, f, f, f, f},
                 D::u8(kNoImpu),
                 f,
                 f,
                 now,
                 now,
                 // A handshake that does not finish is an idle connection (A7, RD-66).
                 D::add(now, p.unbound_idle_s)};
  return s;
}

template <class D>
void clear_binding(ConnState<D>& n) {
  n.has_binding = D::f();
  n.b_session = D::u64(0);
  n.b_ip_hi = D::u64(0);
  n.b_ip_lo = D::u64(0);
  n.b_port = D::u16(0);
  n.impi = D::u32(0xFFFFFFFFu);
  for (auto& b : n.impu) b = D::f();
  n.default_impu = D::u8(kNoImpu);
  n.pending_digest = D::f();
  n.pending_same_impi = D::f();
}

// Lowest position set in `set`, kNoImpu if none.
template <class D>
typename D::U8 lowest_position(const typename D::Bool (&set)[kMaxImpus]) {
  typename D::U8 r = D::u8(kNoImpu);
  for (std::uint8_t i = kMaxImpus; i-- > 0;) r = D::select(set[i], D::u8(i), r);
  return r;
}

// Default IMPU after a removal: keep it if still present, else the lowest left.
template <class D>
typename D::U8 default_after(const ConnState<D>& n) {
  return D::select(in_impu_set<D>(n, n.default_impu), n.default_impu, lowest_position<D>(n.impu));
}

template <class D>
ConnState<D> update(Act a, const Policy<D>& p, const ConnState<D>& s, const Event<D>& e) {
  ConnState<D> n = s;
  switch (a) {
    case Act::handshake_ok:
      n.session = e.session;
      n.ip_hi = e.ip_hi;
      n.ip_lo = e.ip_lo;
      n.port = e.port;
      //= spec#O.4.2-PC-LIFETIME-POLICY type=implementation
      n.session_expiry = D::add(e.now, p.lifetime_s);
      //= spec#O.4.2-PC-HANDSHAKE-GATE type=implementation
      n.deadline = D::add(e.now, p.unbound_idle_s);
      break;
    case Act::forward_register_pending:
      n.pending_digest = e.credentials;
      n.pending_same_impi = D::f();
      n.deadline = D::add(e.now, p.unbound_idle_s);
      break;
    case Act::forward_response_unbound:
    case Act::forward_no_bind:
      n.pending_digest = D::f();
      n.deadline = D::add(e.now, p.unbound_idle_s);
      break;
    case Act::new_session_unbound:
      n.session = e.session;
      n.session_expiry = D::add(e.now, p.lifetime_s);
      break;
    case Act::bind:
      //= spec#O.2.2-PC-ASSOC-CREATE type=implementation
      n.has_binding = D::t();
      n.b_session = s.session;
      n.b_ip_hi = s.ip_hi;
      n.b_ip_lo = s.ip_lo;
      n.b_port = s.port;
      n.impi = e.impi;
      //= spec#O.2.2-PC-ASSOC-IMPU-SET type=implementation
      for (std::uint8_t i = 0; i < kMaxImpus; ++i) n.impu[i] = e.impu[i];
      n.default_impu = lowest_position<D>(e.impu);
      n.pending_digest = D::f();
      n.pending_same_impi = D::f();
      n.reg_expiry = D::add(e.now, e.expires_s);
      break;
    case Act::forward_register_protected:
      n.pending_same_impi = D::t();
      break;
    case Act::forward_register_other_impi:
      //= spec#O.4.3-PC-IMPI-MISMATCH type=implementation
      n.pending_same_impi = D::f();
      break;
    case Act::add_impus:
      //= spec#O.2.2-PC-ASSOC-ADD-IMPU type=implementation
      for (std::uint8_t i = 0; i < kMaxImpus; ++i) n.impu[i] = s.impu[i] || e.impu[i];
      n.reg_expiry = D::add(e.now, e.expires_s);
      n.pending_same_impi = D::f();
      break;
    case Act::dereg_some:
    case Act::net_dereg_some:
      for (std::uint8_t i = 0; i < kMaxImpus; ++i) n.impu[i] = s.impu[i] && !e.impu[i];
      n.default_impu = default_after<D>(n);
      n.pending_same_impi = D::f();
      break;
    case Act::dereg_last:
    case Act::net_dereg_last:
    case Act::reg_expired:
    case Act::reject_403_reg_expired:
      //= spec#O.2.2-PC-ASSOC-DELETE type=implementation
      clear_binding<D>(n);
      n.deadline = D::add(e.now, p.unbound_idle_s);
      break;
    case Act::forward_response:
      n.pending_same_impi = D::f();
      break;
    case Act::new_session_bound:
      //= spec#O.4.2-PC-REPLACE-SESSION-ID type=implementation
      n.session = e.session;
      n.b_session = e.session;
      n.session_expiry = D::add(e.now, p.lifetime_s);
      break;
    case Act::reject_403_expired:
    case Act::hello_request:
      //= spec#O.4.2-PC-MAY-RENEGOTIATE type=implementation
      n.deadline = D::add(e.now, p.reneg_wait_s);
      break;
    case Act::lost:
    case Act::lost_bound:
    case Act::handshake_failed:
    case Act::idle_close:
    case Act::refuse_full_close:
    case Act::auth_fail_close:
    case Act::auth_fail_close_bound:
    case Act::abort_no_reneg:
      //= spec#O.3.1.1-PC-CLOSE-ON-AUTH-FAIL type=implementation
      clear_binding<D>(n);
      break;
    case Act::none:
    case Act::reject_494:
    case Act::reject_503_full:
    case Act::forward_emergency_unbound:
    case Act::reject_403_unbound:
    case Act::allow_reneg:
    case Act::refuse_reneg:
    case Act::pong:
    case Act::reject_430:
    case Act::reject_not_here:
    case Act::reject_403_tuple:
    case Act::forward_asserted:
    case Act::forward_to_ue:
    case Act::accept_reneg_hello:
    case Act::reneg_refused_keep:
    case Act::reject_403_reneg:
      break;
  }
  return n;
}

// The identity asserted for a request on a bound connection: the preferred
// identity when it is in the bound set, else the default IMPU — never one
// outside the set (O.2.2-PC-ASSERT-FROM-ASSOC).
template <class D>
typename D::U8 asserted_impu(const ConnState<D>& s, const Event<D>& e) {
  //= spec#O.2.2-PC-ASSERT-FROM-ASSOC type=implementation
  return D::select(in_impu_set<D>(s, e.preferred_impu), e.preferred_impu, s.default_impu);
}

// ---------------------------------------------------------------- one step as a formula
template <class D>
struct Effects {
  typename D::Bool forward_request;
  typename D::Bool assert_identity;
  typename D::U8 asserted;  // meaningful iff assert_identity
  typename D::Bool forward_to_ue;
  typename D::Bool hello_request;
  typename D::Bool close;  // close now or after flush
  typename D::Bool delete_binding;
  typename D::Bool create_binding;
  typename D::U16 sip_code;
};

template <class D>
Effects<D> effects(Act a, const ConnState<D>& s, const Event<D>& e) {
  const ActInfo& i = kActInfo[static_cast<std::uint8_t>(a)];
  return Effects<D>{D::lit(i.forward_request),
                    D::lit(i.assert_identity),
                    D::select(D::lit(i.assert_identity), asserted_impu<D>(s, e), D::u8(kNoImpu)),
                    D::lit(i.forward_to_ue),
                    D::lit(i.hello_request),
                    D::lit(i.close || i.close_after_flush),
                    D::lit(i.delete_binding),
                    D::lit(i.create_binding),
                    D::u16(i.sip_code)};
}

template <class D>
struct StepResult {
  ConnState<D> next;
  typename D::Bool accepted;  // some row matched
  typename D::U8 row;         // its number, kNoRow if none
  Effects<D> fx;
};

template <class D>
void select_state(typename D::Bool c, const ConnState<D>& a, ConnState<D>& out) {
  out.state = D::select(c, a.state, out.state);
  out.session = D::select(c, a.session, out.session);
  out.ip_hi = D::select(c, a.ip_hi, out.ip_hi);
  out.ip_lo = D::select(c, a.ip_lo, out.ip_lo);
  out.port = D::select(c, a.port, out.port);
  out.has_binding = D::select(c, a.has_binding, out.has_binding);
  out.b_session = D::select(c, a.b_session, out.b_session);
  out.b_ip_hi = D::select(c, a.b_ip_hi, out.b_ip_hi);
  out.b_ip_lo = D::select(c, a.b_ip_lo, out.b_ip_lo);
  out.b_port = D::select(c, a.b_port, out.b_port);
  out.impi = D::select(c, a.impi, out.impi);
  for (std::uint8_t i = 0; i < kMaxImpus; ++i) out.impu[i] = D::select(c, a.impu[i], out.impu[i]);
  out.default_impu = D::select(c, a.default_impu, out.default_impu);
  out.pending_digest = D::select(c, a.pending_digest, out.pending_digest);
  out.pending_same_impi = D::select(c, a.pending_same_impi, out.pending_same_impi);
  out.session_expiry = D::select(c, a.session_expiry, out.session_expiry);
  out.reg_expiry = D::select(c, a.reg_expiry, out.reg_expiry);
  out.deadline = D::select(c, a.deadline, out.deadline);
}

template <class D>
void select_effects(typename D::Bool c, const Effects<D>& a, Effects<D>& out) {
  out.forward_request = D::select(c, a.forward_request, out.forward_request);
  out.assert_identity = D::select(c, a.assert_identity, out.assert_identity);
  out.asserted = D::select(c, a.asserted, out.asserted);
  out.forward_to_ue = D::select(c, a.forward_to_ue, out.forward_to_ue);
  out.hello_request = D::select(c, a.hello_request, out.hello_request);
  out.close = D::select(c, a.close, out.close);
  out.delete_binding = D::select(c, a.delete_binding, out.delete_binding);
  out.create_binding = D::select(c, a.create_binding, out.create_binding);
  out.sip_code = D::select(c, a.sip_code, out.sip_code);
}

// The whole table as one expression (first matching row wins).
//= spec#IMPL-PC-DENY-UNLISTED type=implementation
template <class D>
StepResult<D> step(const Policy<D>& p, const ConnState<D>& s, const Event<D>& e) {
  StepResult<D> r{s, D::f(), D::u8(kNoRow), effects<D>(Act::none, s, e)};
  for (std::size_t i = 0; i < kRowCount; ++i) {
    const Row& row = kRows[i];
    const auto fire = !r.accepted && s.state == D::enum8(row.from) &&
                      e.kind == D::enum8(row.event) && guard<D>(row.guard, p, s, e);
    ConnState<D> n = update<D>(row.act, p, s, e);
    n.state = D::enum8(row.to);
    select_state<D>(fire, n, r.next);
    select_effects<D>(fire, effects<D>(row.act, s, e), r.fx);
    r.row = D::select(fire, D::u8(static_cast<std::uint8_t>(i)), r.row);
    r.accepted = r.accepted || fire;
  }
  return r;
}

// ---------------------------------------------------------------- the invariant
template <class D>
typename D::Bool check_invariants(const ConnState<D>& s) {
  const auto st = s.state;
  const auto bound_like = st == D::enum8(State::bound) || st == D::enum8(State::renegotiating);
  // State is one of the enum values.
  const auto valid_state = D::ult(st, D::u8(kStateCount));
  // A binding exists exactly in bound/renegotiating (closed holds none: O.3.1.1).
  const auto binding_iff = s.has_binding == bound_like;
  // The binding names this connection's own session, IP and port (O.2.2), so
  // an old Session ID is never the bound one after renegotiation (O.4.2).
  const auto binding_is_this_conn =
      D::implies(s.has_binding, s.b_session == s.session && s.b_ip_hi == s.ip_hi &&
                                    s.b_ip_lo == s.ip_lo && s.b_port == s.port);
  // A binding has at least one IMPU and its default IMPU is in the set.
  const auto nonempty = D::implies(s.has_binding, any_impu<D>(s.impu));
  const auto default_in = D::implies(s.has_binding, in_impu_set<D>(s, s.default_impu));
  // Without a binding no identity remains.
  const auto empty_unbound =
      D::implies(!s.has_binding, !any_impu<D>(s.impu) && s.default_impu == D::u8(kNoImpu));
  // Digest credentials pending only on a connection that can still bind.
  const auto pending_only_reg = D::implies(s.pending_digest, st == D::enum8(State::reg_pending));
  return valid_state && binding_iff && binding_is_this_conn && nonempty && default_in &&
         empty_unbound && pending_only_reg;
}

// ---------------------------------------------------------------- deadlines
template <class D>
struct Deadline {
  typename D::Bool armed;
  typename D::U32 at;
};

// Wrap-safe earlier of two instants (both within 2^31 of each other).
template <class D>
typename D::U32 earlier(typename D::U32 a, typename D::U32 b) {
  return D::select(D::reached(a, b), b, a);
}

template <class D>
Deadline<D> next_deadline(const ConnState<D>& s) {
  const auto st = s.state;
  const auto idle = st == D::enum8(State::handshaking) || st == D::enum8(State::unbound) ||
                    st == D::enum8(State::reg_pending);
  const auto bound = st == D::enum8(State::bound);
  const auto reneg = st == D::enum8(State::renegotiating);
  typename D::U32 at = D::select(idle, s.deadline, D::u32(0));
  at = D::select(bound, earlier<D>(s.reg_expiry, s.session_expiry), at);
  at = D::select(reneg, earlier<D>(s.reg_expiry, s.deadline), at);
  return Deadline<D>{idle || bound || reneg, at};
}

// ============================================================ runtime (D = Concrete)
using RtState = ConnState<Concrete>;
using RtEvent = Event<Concrete>;
using RtPolicy = Policy<Concrete>;

enum class Out : std::uint8_t {
  send_response,      // code: the P-CSCF answers the UE itself
  forward_request,    // integrity, impu (asserted position or kNoImpu)
  forward_response,   // relay the REGISTER response to the UE
  forward_to_ue,      // terminating request over this connection (never a new one)
  hello_request,      // TLS 1.2 HelloRequest (TLS 1.3: KeyUpdate, A4)
  refuse_reneg,       // warning alert no_renegotiation
  send_crlf,          // single CRLF pong
  close,              // close_notify + close now
  close_after_flush,  // close once the response above has been delivered
  create_binding,     // (done by the driver before the step; reported)
  add_impus,          // table: positions in the event joined
  remove_impus,       // table: positions in the event left
  delete_binding,     // table: remove the binding of this connection
  replace_session,    // table: session := event session
};

struct Action {
  Out kind;
  std::uint16_t code = 0;
  Integrity integrity = Integrity::none;
  std::uint8_t impu = kNoImpu;
};

inline constexpr std::size_t kMaxActions = 6;

struct ActionList {
  Action items[kMaxActions];
  std::uint8_t count = 0;
};

struct Outcome {
  bool accepted = false;  // a row matched (rejections with a SIP answer match a row too)
  State from = State::closed;
  State to = State::closed;
  std::uint8_t row = kNoRow;
  Act act = Act::none;
  Error error = Error::ok;       // why, when the decision refuses something
  const char* requirement = "";  // requirement ID the decision implements (for the log)
  ActionList actions;
};

// Runtime step: same rows, guards and updates as step<D>; visits only the
// rows of (state, event). Mutates s. Never allocates.
[[nodiscard]] Outcome step_fast(const RtPolicy& p, RtState& s, const RtEvent& e);

// An event with every fact at its neutral value.
[[nodiscard]] RtEvent make_event(EventKind k, Seconds now);

[[nodiscard]] inline bool request_client_certificate_rt(State st) {
  return request_client_certificate<Concrete>(static_cast<std::uint8_t>(st));
}

}  // namespace annexo::core::pcscf
