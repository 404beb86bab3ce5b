// UE machine logic written once over the value domain D (core/domain.h):
// guards, the state update of each action, the invariant and the whole step.
// Nothing here branches on a D::Bool; guard and action *names* (UeGuard,
// UeAction) are concrete table data and may be switched on.
#pragma once

#include <cstdint>

#include "core/access_selection.h"
#include "core/domain.h"
#include "core/ue_table.h"
#include "core/ue_types.h"

namespace annexo::core {

template <class D>
UeState<D> ue_initial_state(const UeConfig<D>& c) {
  UeState<D> s{};
  s.state = D::enum8(UeStateId::idle);
  s.mechanism = D::enum8(Mechanism::none);
  s.require_security = c.require_signalling_security;
  s.access_3gpp = D::f();
  s.secagree = D::f();
  s.have_challenge = D::f();
  s.procedure_active = D::f();
  s.cert_accepted = D::f();
  s.sip_allowed = D::f();
  s.conn_registered = D::f();
  s.tls13 = D::f();
  s.step_armed = D::f();
  s.rereg_armed = D::f();
  s.keepalive_armed = D::f();
  s.pong_armed = D::f();
  s.conn = D::u32(0);
  s.next_conn = D::u32(1);
  s.step_deadline = D::u32(0);
  s.rereg_deadline = D::u32(0);
  s.keepalive_deadline = D::u32(0);
  s.pong_deadline = D::u32(0);
  s.violations = D::u32(0);
  return s;
}

// ---- guards --------------------------------------------------------------------

template <class D>
typename D::Bool ue_conn_match(const UeState<D>& s, const UeFacts<D>& f) {
  //= spec#O.4.1-UE-PURGE-INCOMPLETE type=implementation
  // Events about any other connection (e.g. one purged by a restart) are
  // rejected: a purged procedure leaves nothing that can still act.
  return (f.conn == s.conn) && !(s.conn == D::u32(0));
}

// sec-agree (secagree_sent): the unprotected REGISTER went out on no TLS
// connection (state.conn == 0), so its responses are reported with conn 0.
// A response reported for any connection (a purged procedure's late answer,
// one the UE never opened) is not the answer to it and is rejected as stale
// like in every other state (RD-50), so it cannot abort the procedure or make
// the UE open TLS.
template <class D>
typename D::Bool ue_unprotected_match(const UeState<D>& s, const UeFacts<D>& f) {
  //= spec#O.4.1-UE-ONE-REGISTRATION type=implementation
  return (f.conn == D::u32(0)) && (s.conn == D::u32(0));
}

template <class D>
typename D::U8 ue_selection(const UeFacts<D>& f, const UeConfig<D>& c) {
  return select_mechanism<D>(f.access_3gpp, f.tls_available, f.ipsec_available,
                             c.require_signalling_security);
}

template <class D>
typename D::Bool ue_guard(UeGuard g, const UeState<D>& s, const UeFacts<D>& f,
                          const UeConfig<D>& c) {
  const auto is_sel = [&](Mechanism m) { return ue_selection<D>(f, c) == D::enum8(m); };
  switch (g) {
    case UeGuard::always:
      return D::t();
    case UeGuard::conn_match:
      return ue_conn_match<D>(s, f);
    case UeGuard::select_tls_first:
      return is_sel(Mechanism::annex_o_tls) && !c.use_sec_agree;
    case UeGuard::select_tls_secagree:
      return is_sel(Mechanism::annex_o_tls) && c.use_sec_agree;
    case UeGuard::select_ipsec:
      return is_sel(Mechanism::ipsec);
    case UeGuard::select_unprotected:
      return is_sel(Mechanism::unprotected);
    case UeGuard::select_none:
      return is_sel(Mechanism::none);
    case UeGuard::restart_keep_conn:
      //= spec#O.4.1-UE-ONE-REGISTRATION type=implementation
      // A restart re-runs the selection; it stays on Annex O only if TLS is
      // still the answer (otherwise stop, then start).
      return is_sel(Mechanism::annex_o_tls) && s.conn_registered;
    case UeGuard::restart_new_tls_first:
      return is_sel(Mechanism::annex_o_tls) && !s.conn_registered && !c.use_sec_agree;
    case UeGuard::restart_new_secagree:
      return is_sel(Mechanism::annex_o_tls) && !s.conn_registered && c.use_sec_agree;
    case UeGuard::conn_cert_ok:
      return ue_conn_match<D>(s, f) && f.cert_ok;
    case UeGuard::conn_cert_bad:
      return ue_conn_match<D>(s, f) && !f.cert_ok;
    case UeGuard::conn_certreq_continue:
      return ue_conn_match<D>(s, f) && !c.abort_on_certificate_request;
    case UeGuard::conn_certreq_abort:
      return ue_conn_match<D>(s, f) && c.abort_on_certificate_request;
    case UeGuard::conn_accepted_no_challenge:
      //= spec#O.2.1-UE-AUTH-PC-BY-CERT type=implementation
      // The first SIP byte on a connection needs the certificate verdict "accept".
      return ue_conn_match<D>(s, f) && s.cert_accepted && !s.have_challenge;
    case UeGuard::conn_accepted_have_challenge:
      //= spec#O.2.1-UE-AUTH-PC-BY-CERT type=implementation
      return ue_conn_match<D>(s, f) && s.cert_accepted && s.have_challenge;
    case UeGuard::unprot_secserver_tls:
      //= spec#RFC3329-UE-PICK-MECH type=implementation
      return ue_unprotected_match<D>(s, f) && f.secserver_tls;
    case UeGuard::unprot_secserver_no_tls:
      //= spec#O.3.2-SECSETUP-ERRORS type=implementation
      return ue_unprotected_match<D>(s, f) && !f.secserver_tls;
    case UeGuard::unprot_match:
      return ue_unprotected_match<D>(s, f);
    case UeGuard::conn_stale:
      //= spec#O.3.1.3-UE-STALE-RETRY-SAME-SESSION type=implementation
      return ue_conn_match<D>(s, f) && f.stale;
    case UeGuard::conn_not_stale:
      return ue_conn_match<D>(s, f) && !f.stale;
    case UeGuard::conn_rspauth_ok:
      //= spec#N.2-UE-VERIFY-RSPAUTH type=implementation
      return ue_conn_match<D>(s, f) && f.rspauth_ok;
    case UeGuard::conn_rspauth_bad:
      return ue_conn_match<D>(s, f) && !f.rspauth_ok;
    case UeGuard::conn_registered_conn:
      return ue_conn_match<D>(s, f) && s.conn_registered;
    case UeGuard::conn_own_conn:
      return ue_conn_match<D>(s, f) && !s.conn_registered;
    case UeGuard::registered_conn:
      return s.conn_registered;
    case UeGuard::own_tls_first:
      return !s.conn_registered && !c.use_sec_agree;
    case UeGuard::own_secagree:
      return !s.conn_registered && c.use_sec_agree;
    case UeGuard::conn_tls_first:
      return ue_conn_match<D>(s, f) && !c.use_sec_agree;
    case UeGuard::conn_secagree:
      return ue_conn_match<D>(s, f) && c.use_sec_agree;
    case UeGuard::tls_first:
      return !c.use_sec_agree;
    case UeGuard::secagree:
      return c.use_sec_agree;
    case UeGuard::conn_tls12:
      //= spec#RFC8446-NO-RENEG type=implementation
      // TLS 1.3 has no HelloRequest/renegotiation (RD-04 (A4)).
      return ue_conn_match<D>(s, f) && !s.tls13;
    case UeGuard::conn_sip_allowed:
      //= spec#O.2.2-UE-ALL-SIP-OVER-SESSION type=implementation
      return ue_conn_match<D>(s, f) && s.sip_allowed;
    case UeGuard::conn_pong_armed:
      return ue_conn_match<D>(s, f) && s.pong_armed;
    case UeGuard::conn_cert_accepted:
      //= spec#O.2.1-UE-AUTH-PC-BY-CERT type=implementation
      return ue_conn_match<D>(s, f) && s.cert_accepted;
  }
  return D::f();  // not reached: every UeGuard is handled above
}

// ---- state updates of the actions -------------------------------------------------

namespace ue_detail {

// Forget the current connection (the adapter closes it; outputs say so).
template <class D>
void drop_conn(UeState<D>& s) {
  s.conn = D::u32(0);
  s.cert_accepted = D::f();
  s.sip_allowed = D::f();
  s.conn_registered = D::f();
  s.tls13 = D::f();
  s.keepalive_armed = D::f();
  s.pong_armed = D::f();
}

// Take a fresh connection id (never 0, so 0 keeps meaning "none").
template <class D>
void take_conn(UeState<D>& s) {
  drop_conn<D>(s);
  s.conn = s.next_conn;
  s.next_conn =
      D::select(s.next_conn == D::u32(0xFFFFFFFFu), D::u32(1), D::add(s.next_conn, D::u32(1)));
}

//= spec#O.4.1-UE-ONE-REGISTRATION type=implementation
// A procedure occupies the single procedure slot: starting one replaces any
// unfinished one (its challenge, its timers) and stops periodic work.
template <class D>
void begin_procedure(UeState<D>& s, const UeFacts<D>& f, typename D::U32 step_span) {
  s.procedure_active = D::t();
  s.have_challenge = D::f();
  s.step_armed = D::t();
  s.step_deadline = D::add(f.now, step_span);
  s.rereg_armed = D::f();
  s.keepalive_armed = D::f();
  s.pong_armed = D::f();
}

template <class D>
void end_all(UeState<D>& s) {
  drop_conn<D>(s);
  s.procedure_active = D::f();
  s.have_challenge = D::f();
  s.step_armed = D::f();
  s.rereg_armed = D::f();
}

template <class D>
void take_access(UeState<D>& s, const UeFacts<D>& f, const UeConfig<D>& c, Mechanism m) {
  s.mechanism = D::enum8(m);
  s.access_3gpp = f.access_3gpp;
  s.require_security = c.require_signalling_security;
}

template <class D>
typename D::U32 inc_sat(typename D::U32 v) {
  return D::select(v == D::u32(0xFFFFFFFFu), v, D::add(v, D::u32(1)));
}

}  // namespace ue_detail

template <class D>
UeState<D> ue_apply(UeAction a, const UeState<D>& in, const UeFacts<D>& f, const UeConfig<D>& c) {
  using namespace ue_detail;
  UeState<D> s = in;
  switch (a) {
    case UeAction::open_tls:
      //= spec#O.2-UE-VARIANT-TLS-FIRST type=implementation
      take_access<D>(s, f, c, Mechanism::annex_o_tls);
      s.secagree = D::f();
      take_conn<D>(s);
      begin_procedure<D>(s, f, c.handshake_timeout_s);
      break;
    case UeAction::send_secagree:
      //= spec#O.2-UE-VARIANT-SECAGREE type=implementation
      take_access<D>(s, f, c, Mechanism::annex_o_tls);
      s.secagree = D::t();
      drop_conn<D>(s);
      begin_procedure<D>(s, f, c.timer_f_s);
      break;
    case UeAction::handoff_ipsec:
      take_access<D>(s, f, c, Mechanism::ipsec);
      end_all<D>(s);
      break;
    case UeAction::handoff_unprotected:
      take_access<D>(s, f, c, Mechanism::unprotected);
      end_all<D>(s);
      break;
    case UeAction::abort_no_mechanism:
      take_access<D>(s, f, c, Mechanism::none);
      end_all<D>(s);
      break;
    case UeAction::restart_keep_conn:
      //= spec#O.4.1-UE-PURGE-INCOMPLETE type=implementation
      // RD-24 (A24): the connection of an earlier successful registration is
      // not part of the unfinished procedure and stays; the new registration
      // runs over it (O.4.3).
      s.secagree = D::f();
      begin_procedure<D>(s, f, c.timer_f_s);
      break;
    case UeAction::restart_open_tls:
      //= spec#O.4.1-UE-PURGE-INCOMPLETE type=implementation
      //= spec#O.4.1-UE-REREG-ON-CONN-LOSS type=implementation
      s.secagree = D::f();
      take_conn<D>(s);
      begin_procedure<D>(s, f, c.handshake_timeout_s);
      break;
    case UeAction::restart_secagree:
      //= spec#O.4.1-UE-PURGE-INCOMPLETE type=implementation
      s.secagree = D::t();
      drop_conn<D>(s);
      begin_procedure<D>(s, f, c.timer_f_s);
      break;
    case UeAction::secagree_open_tls:
      //= spec#RFC3329-UE-PICK-MECH type=implementation
      take_conn<D>(s);
      s.have_challenge = D::t();
      s.step_deadline = D::add(f.now, c.handshake_timeout_s);
      break;
    case UeAction::abort_secagree_no_tls:
    case UeAction::abort_unprotected_2xx:
    case UeAction::abort_tls_failed:
    case UeAction::abort_rspauth:
    case UeAction::cert_reject:
      end_all<D>(s);
      break;
    case UeAction::cert_accept:
      s.cert_accepted = D::t();
      break;
    case UeAction::certreq_empty:
      //= spec#RFC5246-EMPTY-CLIENT-CERT type=implementation
      s.violations = inc_sat<D>(s.violations);
      break;
    case UeAction::certreq_abort:
      s.violations = inc_sat<D>(s.violations);
      end_all<D>(s);
      break;
    case UeAction::send_register_initial:
      s.sip_allowed = D::t();
      s.tls13 = f.tls13;
      s.step_deadline = D::add(f.now, c.timer_f_s);
      break;
    case UeAction::send_credentials_verify:
      //= spec#O.2-ALL-SM7-OVER-TLS type=implementation
      s.sip_allowed = D::t();
      s.tls13 = f.tls13;
      s.have_challenge = D::f();
      s.step_deadline = D::add(f.now, c.timer_f_s);
      break;
    case UeAction::send_credentials:
      //= spec#O.3.1.4-UE-NEW-REG-ON-TIMEOUT type=implementation
      // Timer F runs for the REGISTER carrying the credentials.
      s.step_armed = D::t();
      s.step_deadline = D::add(f.now, c.timer_f_s);
      break;
    case UeAction::registered:
      //= spec#24229-5.1.1.4.1-REREG-TIMING type=implementation
      //= spec#5626-4.4.1-UE-KEEPALIVE type=implementation
      s.procedure_active = D::f();
      s.have_challenge = D::f();
      s.step_armed = D::f();
      s.conn_registered = D::t();
      s.rereg_armed = D::t();
      s.rereg_deadline = D::add(f.now, f.rereg_delay);
      s.keepalive_armed = D::t();
      s.keepalive_deadline = D::add(f.now, f.keepalive_delay);
      s.pong_armed = D::f();
      break;
    case UeAction::auth_fail_close:
      //= spec#O.3.1.1-UE-CLOSE-ON-AUTH-FAIL type=implementation
      end_all<D>(s);
      break;
    case UeAction::proc_fail_keep:
      // The earlier registration stays (RD-24 (A24)); retry after Timer F.
      s.procedure_active = D::f();
      s.have_challenge = D::f();
      s.step_armed = D::f();
      s.rereg_armed = D::t();
      s.rereg_deadline = D::add(f.now, c.timer_f_s);
      break;
    case UeAction::proc_fail_purge:
      end_all<D>(s);
      break;
    case UeAction::send_reregister:
      //= spec#O.4.3-UE-REREG-OVER-ACTIVE-SESSION type=implementation
      begin_procedure<D>(s, f, c.timer_f_s);
      break;
    case UeAction::send_keepalive:
      //= spec#5626-4.4.1-UE-PONG-TIMEOUT type=implementation
      s.keepalive_armed = D::f();
      s.pong_armed = D::t();
      s.pong_deadline = D::add(f.now, c.pong_timeout_s);
      break;
    case UeAction::pong:
      s.pong_armed = D::f();
      s.keepalive_armed = D::t();
      s.keepalive_deadline = D::add(f.now, f.keepalive_delay);
      break;
    case UeAction::renegotiate:
      //= spec#O.4.1-UE-RENEG-ON-HELLOREQUEST type=implementation
      //= spec#O.4.1-UE-RENEG-INSIDE-CONN type=implementation
      // Same connection; the new handshake's certificate needs a fresh verdict
      // before SIP flows again.
      s.cert_accepted = D::f();
      s.sip_allowed = D::f();
      s.step_armed = D::t();
      s.step_deadline = D::add(f.now, c.handshake_timeout_s);
      s.keepalive_armed = D::f();
      s.pong_armed = D::f();
      break;
    case UeAction::reneg_done:
      s.sip_allowed = D::t();
      s.step_armed = D::f();
      s.keepalive_armed = D::t();
      s.keepalive_deadline = D::add(f.now, f.keepalive_delay);
      break;
    case UeAction::send_request:
      break;
    case UeAction::stop:
      end_all<D>(s);
      break;
  }
  return s;
}

template <class D>
UeState<D> ue_row_apply(const UeRow& row, const UeState<D>& s, const UeFacts<D>& f,
                        const UeConfig<D>& c) {
  UeState<D> out = ue_apply<D>(row.action, s, f, c);
  out.state = D::enum8(row.next);
  return out;
}

// ---- which actions put bytes of SIP on the wire -------------------------------

constexpr bool ue_action_sends_sip_over_tls(UeAction a) {
  return a == UeAction::send_register_initial || a == UeAction::send_credentials_verify ||
         a == UeAction::send_credentials || a == UeAction::send_reregister ||
         a == UeAction::send_request || a == UeAction::send_keepalive ||
         a == UeAction::restart_keep_conn;
}
constexpr bool ue_action_sends_sip_unprotected(UeAction a) {
  return a == UeAction::send_secagree || a == UeAction::restart_secagree;
}

// ---- the invariant ----------------------------------------------------------------

template <class D>
typename D::Bool check_invariants(const UeState<D>& s) {
  const auto in = [&](UeStateId x) { return s.state == D::enum8(x); };
  const auto mech = [&](Mechanism m) { return s.mechanism == D::enum8(m); };
  const auto no_conn = s.conn == D::u32(0);
  const auto proc = in(UeStateId::secagree_sent) || in(UeStateId::tls_connecting) ||
                    in(UeStateId::register_sent) || in(UeStateId::credentials_sent) ||
                    in(UeStateId::reregistering);
  const auto on_tls = proc || in(UeStateId::registered) || in(UeStateId::renegotiating);
  const auto sip_states = in(UeStateId::register_sent) || in(UeStateId::credentials_sent) ||
                          in(UeStateId::registered) || in(UeStateId::reregistering);
  const auto reg_states =
      in(UeStateId::registered) || in(UeStateId::reregistering) || in(UeStateId::renegotiating);

  auto ok = D::ult(s.state, D::u8(kUeStateCount)) && D::ult(s.mechanism, D::u8(kMechanismCount));
  ok = ok && !(s.next_conn == D::u32(0));
  //= spec#O.2.1-UE-AUTH-PC-BY-CERT type=implementation
  // No SIP before the server certificate was accepted, and only on a connection.
  ok = ok && D::implies(s.sip_allowed, s.cert_accepted);
  ok = ok && D::implies(s.cert_accepted, !no_conn);
  ok = ok && D::implies(s.conn_registered, !no_conn);
  ok = ok && D::implies(s.conn_registered, s.cert_accepted || in(UeStateId::renegotiating));
  //= spec#O.1.1-OP-NO-BIDDOWN type=implementation
  ok = ok && D::implies(s.require_security, !mech(Mechanism::unprotected));
  //= spec#O.1.1-ALL-NOT-ON-3GPP-ACCESS type=implementation
  //= spec#N.1-UE-NO-DIGEST-ON-3GPP type=implementation
  ok = ok &&
       D::implies(s.access_3gpp, !mech(Mechanism::annex_o_tls) && !mech(Mechanism::unprotected));
  //= spec#O.4.1-UE-ONE-REGISTRATION type=implementation
  ok = ok && (s.procedure_active == proc);
  ok = ok && D::implies(on_tls, mech(Mechanism::annex_o_tls));
  ok = ok && D::implies(in(UeStateId::handed_off),
                        mech(Mechanism::ipsec) || mech(Mechanism::unprotected));
  ok = ok && D::implies(in(UeStateId::idle) || in(UeStateId::aborted) ||
                            in(UeStateId::handed_off) || in(UeStateId::secagree_sent),
                        no_conn);
  //= spec#O.2.2-UE-ALL-SIP-OVER-SESSION type=implementation
  ok = ok && D::implies(sip_states, s.sip_allowed && !no_conn);
  ok = ok && D::implies(reg_states, s.conn_registered);
  ok = ok &&
       D::implies(in(UeStateId::tls_connecting), !no_conn && !s.conn_registered && !s.sip_allowed);
  ok = ok && D::implies(in(UeStateId::renegotiating), !s.sip_allowed);
  ok = ok && D::implies(in(UeStateId::secagree_sent), s.secagree);
  ok = ok && D::implies(s.have_challenge, in(UeStateId::tls_connecting) && s.secagree);
  // Timers: each armed exactly where a row consumes it.
  ok = ok && (s.step_armed == (proc || in(UeStateId::renegotiating)));
  ok = ok && D::implies(s.rereg_armed, in(UeStateId::registered) || in(UeStateId::renegotiating));
  ok = ok && D::implies(in(UeStateId::registered) || in(UeStateId::renegotiating), s.rereg_armed);
  ok = ok && D::implies(s.keepalive_armed || s.pong_armed, in(UeStateId::registered));
  ok = ok && !(s.keepalive_armed && s.pong_armed);
  return ok;
}

// ---- the whole step as one formula -------------------------------------------------

template <class D>
UeState<D> ue_select_state(typename D::Bool c, const UeState<D>& a, const UeState<D>& b) {
  UeState<D> r = b;
  r.state = D::select(c, a.state, b.state);
  r.mechanism = D::select(c, a.mechanism, b.mechanism);
  r.require_security = D::select(c, a.require_security, b.require_security);
  r.access_3gpp = D::select(c, a.access_3gpp, b.access_3gpp);
  r.secagree = D::select(c, a.secagree, b.secagree);
  r.have_challenge = D::select(c, a.have_challenge, b.have_challenge);
  r.procedure_active = D::select(c, a.procedure_active, b.procedure_active);
  r.cert_accepted = D::select(c, a.cert_accepted, b.cert_accepted);
  r.sip_allowed = D::select(c, a.sip_allowed, b.sip_allowed);
  r.conn_registered = D::select(c, a.conn_registered, b.conn_registered);
  r.tls13 = D::select(c, a.tls13, b.tls13);
  r.step_armed = D::select(c, a.step_armed, b.step_armed);
  r.rereg_armed = D::select(c, a.rereg_armed, b.rereg_armed);
  r.keepalive_armed = D::select(c, a.keepalive_armed, b.keepalive_armed);
  r.pong_armed = D::select(c, a.pong_armed, b.pong_armed);
  r.conn = D::select(c, a.conn, b.conn);
  r.next_conn = D::select(c, a.next_conn, b.next_conn);
  r.step_deadline = D::select(c, a.step_deadline, b.step_deadline);
  r.rereg_deadline = D::select(c, a.rereg_deadline, b.rereg_deadline);
  r.keepalive_deadline = D::select(c, a.keepalive_deadline, b.keepalive_deadline);
  r.pong_deadline = D::select(c, a.pong_deadline, b.pong_deadline);
  r.violations = D::select(c, a.violations, b.violations);
  return r;
}

template <class D>
typename D::Bool ue_row_matches(const UeRow& row, const UeState<D>& s, const UeFacts<D>& f,
                                const UeConfig<D>& c) {
  return (s.state == D::enum8(row.state)) && (f.event == D::enum8(row.event)) &&
         ue_guard<D>(row.guard, s, f, c);
}

// First matching row, as a formula: nested selects over every row in table
// order. The runtime takes the same first row (UeMachine scans the rows of the
// current state in the same order).
template <class D>
UeState<D> ue_step(const UeState<D>& s, const UeFacts<D>& f, const UeConfig<D>& c,
                   typename D::Bool& accepted) {
  UeState<D> out = s;
  auto fired = D::f();
  for (const UeRow& row : kUeTable) {
    const auto m = ue_row_matches<D>(row, s, f, c) && !fired;
    out = ue_select_state<D>(m, ue_row_apply<D>(row, s, f, c), out);
    fired = fired || m;
  }
  accepted = fired;
  return out;
}

}  // namespace annexo::core
