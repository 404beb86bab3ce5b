// UeMachine: the concrete runtime over kUeTable and the templates of
// ue_logic.h (D = Concrete), plus the output lists of each action.
#include "core/ue_machine.h"

namespace annexo::core {

namespace {

using C = Concrete;

struct OutBuilder {
  UeOutputs& o;
  void add(UeOutputKind k, std::uint32_t conn, Error e = Error::ok, TlsAlert alert = TlsAlert::none,
           bool security_verify = false) {
    // kUeMaxOutputs bounds every action's list below (at most 4).
    if (o.count >= kUeMaxOutputs) return;
    o.items[o.count] = UeOutput{k, alert, security_verify, e, conn};
    ++o.count;
  }
};

bool guard_needs_conn(UeGuard g) {
  switch (g) {
    case UeGuard::conn_match:
    case UeGuard::conn_cert_ok:
    case UeGuard::conn_cert_bad:
    case UeGuard::conn_certreq_continue:
    case UeGuard::conn_certreq_abort:
    case UeGuard::conn_accepted_no_challenge:
    case UeGuard::conn_accepted_have_challenge:
    case UeGuard::conn_stale:
    case UeGuard::conn_not_stale:
    case UeGuard::conn_rspauth_ok:
    case UeGuard::conn_rspauth_bad:
    case UeGuard::conn_registered_conn:
    case UeGuard::conn_own_conn:
    case UeGuard::conn_tls_first:
    case UeGuard::conn_secagree:
    case UeGuard::conn_tls12:
    case UeGuard::conn_sip_allowed:
    case UeGuard::conn_pong_armed:
    case UeGuard::conn_cert_accepted:
    case UeGuard::unprot_secserver_tls:
    case UeGuard::unprot_secserver_no_tls:
    case UeGuard::unprot_match:
      return true;
    default:
      return false;
  }
}

// Why a restart happened, from the event that caused it.
Error restart_reason(const UeState<C>& before, UeEvent ev) {
  switch (ev) {
    case UeEvent::connection_lost:
      return before.state == ue_u8(UeStateId::renegotiating) ? Error::ue_reneg_failed
                                                             : Error::ue_connection_lost;
    case UeEvent::pong_timeout:
      return Error::ue_pong_timeout;
    case UeEvent::handshake_failed:
      return Error::ue_reneg_failed;
    case UeEvent::step_timeout:
      return before.state == ue_u8(UeStateId::renegotiating) ? Error::ue_reneg_failed
                                                             : Error::ue_transaction_timeout;
    default:
      return before.procedure_active ? Error::ue_restarted : Error::ok;
  }
}

// The outputs of one action and the verdict of the transition.
Error emit(UeAction a, UeEvent ev, const UeState<C>& b, const UeState<C>& s, Error cert_error,
           UeOutputs& outs) {
  OutBuilder o{outs};
  switch (a) {
    case UeAction::open_tls:
      o.add(UeOutputKind::new_registration, 0);
      o.add(UeOutputKind::open_tls, s.conn);
      return Error::ok;
    case UeAction::send_secagree:
      //= spec#O.2-UE-VARIANT-SECAGREE type=implementation
      o.add(UeOutputKind::new_registration, 0);
      o.add(UeOutputKind::send_register_secagree, 0);
      return Error::ok;
    case UeAction::handoff_ipsec:
      o.add(UeOutputKind::use_ipsec, 0);
      return Error::ok;
    case UeAction::handoff_unprotected:
      o.add(UeOutputKind::use_unprotected, 0);
      return Error::ok;
    case UeAction::abort_no_mechanism: {
      const Error e =
          s.access_3gpp ? Error::ue_no_mechanism_3gpp : Error::ue_no_protected_mechanism;
      o.add(UeOutputKind::abort, 0, e);
      return e;
    }
    case UeAction::restart_keep_conn:
      o.add(UeOutputKind::new_registration, 0);
      o.add(UeOutputKind::send_register_initial, s.conn);
      return restart_reason(b, ev);
    case UeAction::restart_open_tls:
      //= spec#O.4.1-UE-PURGE-INCOMPLETE type=implementation
      if (b.conn != 0) o.add(UeOutputKind::close_and_discard, b.conn);
      o.add(UeOutputKind::new_registration, 0);
      o.add(UeOutputKind::open_tls, s.conn);
      return restart_reason(b, ev);
    case UeAction::restart_secagree:
      if (b.conn != 0) o.add(UeOutputKind::close_and_discard, b.conn);
      o.add(UeOutputKind::new_registration, 0);
      o.add(UeOutputKind::send_register_secagree, 0);
      return restart_reason(b, ev);
    case UeAction::secagree_open_tls:
      o.add(UeOutputKind::open_tls, s.conn);
      return Error::ok;
    case UeAction::abort_secagree_no_tls:
      o.add(UeOutputKind::abort, 0, Error::ue_secagree_no_tls);
      return Error::ue_secagree_no_tls;
    case UeAction::abort_unprotected_2xx:
      //= spec#O.1.1-OP-NO-BIDDOWN type=implementation
      o.add(UeOutputKind::abort, 0, Error::ue_unprotected_2xx);
      return Error::ue_unprotected_2xx;
    case UeAction::cert_accept:
      return Error::ok;
    case UeAction::cert_reject: {
      //= spec#O.3.1.2-UE-ALERT-ON-CERT-FAIL type=implementation
      // The alert conveys the reason as the certificate policy classified it;
      // a verdict without an alert of its own gets certificate_unknown.
      TlsAlert alert = error_alert(cert_error);
      if (alert == TlsAlert::none || alert == TlsAlert::close_notify) {
        alert = TlsAlert::certificate_unknown;
      }
      o.add(UeOutputKind::send_alert, b.conn, cert_error, alert);
      o.add(UeOutputKind::close_and_discard, b.conn);
      o.add(UeOutputKind::abort, 0, cert_error);
      return Error::ue_cert_rejected;
    }
    case UeAction::certreq_empty:
      //= spec#RFC5246-EMPTY-CLIENT-CERT type=implementation
      //= spec#O.2.1-PC-NO-CLIENT-CERT-REQ type=implementation
      // RD-02 (A2): answer with an empty Certificate and record the violation.
      o.add(UeOutputKind::answer_empty_certificate, s.conn);
      o.add(UeOutputKind::report_pcscf_violation, s.conn, Error::ue_pcscf_requested_certificate);
      return Error::ue_pcscf_requested_certificate;
    case UeAction::certreq_abort:
      //= spec#O.2.1-PC-NO-CLIENT-CERT-REQ type=implementation
      o.add(UeOutputKind::report_pcscf_violation, b.conn, Error::ue_pcscf_requested_certificate);
      o.add(UeOutputKind::send_alert, b.conn, Error::ue_certificate_request_abort,
            error_alert(Error::ue_certificate_request_abort));
      o.add(UeOutputKind::close_and_discard, b.conn);
      o.add(UeOutputKind::abort, 0, Error::ue_certificate_request_abort);
      return Error::ue_certificate_request_abort;
    case UeAction::send_register_initial:
      o.add(UeOutputKind::send_register_initial, s.conn);
      return Error::ok;
    case UeAction::send_credentials_verify:
      o.add(UeOutputKind::send_register_credentials, s.conn, Error::ok, TlsAlert::none, true);
      return Error::ok;
    case UeAction::abort_tls_failed:
      //= spec#O.1.1-OP-NO-BIDDOWN type=implementation
      if (b.conn != 0) o.add(UeOutputKind::close_and_discard, b.conn);
      o.add(UeOutputKind::abort, 0, Error::ue_tls_setup_failed);
      return Error::ue_tls_setup_failed;
    case UeAction::send_credentials:
      //= spec#O.3.1.3-UE-STALE-RETRY-SAME-SESSION type=implementation
      // Same connection; RFC 3329: Security-Verify on every request of a
      // sec-agree registration.
      o.add(UeOutputKind::send_register_credentials, s.conn, Error::ok, TlsAlert::none, s.secagree);
      return Error::ok;
    case UeAction::registered:
      o.add(UeOutputKind::report_registered, s.conn);
      return Error::ok;
    case UeAction::abort_rspauth:
      //= spec#N.2-UE-VERIFY-RSPAUTH type=implementation
      o.add(UeOutputKind::close_and_discard, b.conn);
      o.add(UeOutputKind::abort, 0, Error::ue_rspauth_failed);
      return Error::ue_rspauth_failed;
    case UeAction::auth_fail_close:
      //= spec#O.3.1.1-UE-CLOSE-ON-AUTH-FAIL type=implementation
      // RD-11 (A11): also when the connection carried an earlier registration.
      o.add(UeOutputKind::close_and_discard, b.conn, Error::ue_auth_failed);
      return Error::ue_auth_failed;
    case UeAction::proc_fail_keep:
      return Error::ue_registration_failed;
    case UeAction::proc_fail_purge:
      if (b.conn != 0) o.add(UeOutputKind::close_and_discard, b.conn);
      return Error::ue_registration_failed;
    case UeAction::send_reregister:
      //= spec#O.4.3-UE-REREG-OVER-ACTIVE-SESSION type=implementation
      o.add(UeOutputKind::send_reregister, s.conn);
      return Error::ok;
    case UeAction::send_keepalive:
      //= spec#5626-4.4.1-UE-KEEPALIVE type=implementation
      o.add(UeOutputKind::send_keepalive, s.conn);
      return Error::ok;
    case UeAction::pong:
      return Error::ok;
    case UeAction::renegotiate:
      //= spec#O.4.1-UE-RENEG-INSIDE-CONN type=implementation
      o.add(UeOutputKind::renegotiate, s.conn);
      return Error::ok;
    case UeAction::reneg_done:
      return Error::ok;
    case UeAction::send_request:
      o.add(UeOutputKind::send_request, s.conn);
      return Error::ok;
    case UeAction::stop:
      if (b.conn != 0) o.add(UeOutputKind::close_and_discard, b.conn);
      return Error::ok;
  }
  return Error::ue_event_not_allowed;  // not reached: every UeAction is handled
}

// A precise reason for an event no row accepted.
//= spec#UE-IMPL-TABLE-DENY type=implementation
Error rejection(const UeState<C>& s, const UeFacts<C>& f, bool has_rows, bool needs_conn) {
  const auto ev = static_cast<UeEvent>(f.event);
  // An event about a connection that is not (or no longer) ours.
  if (f.conn != 0 && f.conn != s.conn) return Error::ue_stale_connection;
  if (!has_rows) {
    //= spec#RFC5246-HELLOREQ-IGNORABLE type=implementation
    if (ev == UeEvent::hello_request) return Error::ue_hello_request_declined;
    //= spec#O.2.2-UE-ALL-SIP-OVER-SESSION type=implementation
    if (ev == UeEvent::send_request) return Error::ue_request_not_allowed;
    return Error::ue_event_not_allowed;
  }
  if (needs_conn && !ue_conn_match<C>(s, f)) return Error::ue_stale_connection;
  switch (ev) {
    case UeEvent::handshake_done:
      return Error::ue_sip_before_cert;
    case UeEvent::reneg_done:
      return Error::ue_reneg_before_cert;
    case UeEvent::hello_request:
      return Error::ue_hello_request_tls13;
    case UeEvent::send_request:
      return Error::ue_request_not_allowed;
    case UeEvent::pong_received:
      return Error::ue_unexpected_pong;
    case UeEvent::start_registration:
      return Error::ue_restart_mechanism_changed;
    default:
      return Error::ue_event_not_allowed;
  }
}

bool earlier(Seconds a, Seconds b) {
  return !time_reached(a, b);
}

}  // namespace

UeMachine::UeMachine(const UeConfig<Concrete>& cfg)
    : cfg_(cfg), cfg_error_(check_ue_config(cfg)), state_(ue_initial_state<Concrete>(cfg)) {}

UeResult UeMachine::run(const UeFacts<Concrete>& f, Error cert_error) {
  UeResult r;
  const std::uint8_t st = state_.state;
  if (ue_is_terminal(static_cast<UeStateId>(st))) {
    r.verdict = Error::ue_terminal_state;
    return r;
  }
  bool has_rows = false;
  bool needs_conn = false;
  for (std::uint8_t i = kUeRowIndex.first[st]; i < kUeRowIndex.first[st + 1]; ++i) {
    const UeRow& row = kUeTable[i];
    if (ue_u8(row.event) != f.event) continue;
    has_rows = true;
    needs_conn = needs_conn || guard_needs_conn(row.guard);
    if (!ue_guard<Concrete>(row.guard, state_, f, cfg_)) continue;
    const UeState<Concrete> before = state_;
    state_ = ue_row_apply<Concrete>(row, state_, f, cfg_);
#ifndef NDEBUG
    // The one invariant, checked after every transition in debug builds.
    if (!check_invariants<Concrete>(state_)) __builtin_trap();
#endif
    r.accepted = true;
    r.verdict = emit(row.action, row.event, before, state_, cert_error, r.outputs);
    return r;
  }
  r.verdict = rejection(state_, f, has_rows, needs_conn);
  return r;
}

UeResult UeMachine::handle(const UeInput& in, Seconds now) {
  UeResult r;
  if (cfg_error_ != Error::ok) {
    r.verdict = cfg_error_;
    return r;
  }
  const auto ev = static_cast<std::uint8_t>(in.event);
  if (ev >= kUeEventCount) {
    r.verdict = Error::ue_invalid_event;
    return r;
  }
  if (ev >= kUeFirstTimerEvent) {
    r.verdict = Error::ue_timer_event_from_caller;
    return r;
  }
  UeFacts<Concrete> f{};
  f.event = ev;
  f.now = now;
  f.conn = in.conn;
  f.cert_ok = in.cert_error == Error::ok;
  f.stale = in.stale;
  f.secserver_tls = in.security_server_tls;
  f.rspauth_ok = in.rspauth_ok;
  f.tls13 = in.tls13;
  f.access_3gpp = in.access.access_3gpp;
  f.tls_available = in.access.tls_available;
  f.ipsec_available = in.access.ipsec_available;

  const UeStateId st = state_id();
  const bool may_register = st == UeStateId::register_sent || st == UeStateId::credentials_sent ||
                            st == UeStateId::reregistering;
  if (in.event == UeEvent::response_2xx && may_register && in.conn == state_.conn) {
    //= spec#24229-5.1.1.4.1-REREG-TIMING type=implementation
    if (in.expires_s == 0 || in.expires_s > kUeMaxSpan) {
      r.verdict = Error::ue_expires_out_of_range;
      return r;
    }
    const KeepaliveBounds kb = ue_keepalive_bounds(in.flow_timer_s);
    //= spec#5626-4.4.1-UE-KEEPALIVE type=implementation
    // The random draw comes from the caller (no RNG in the core); the core
    // checks it lies in the interval RFC 5626 4.4.1 allows.
    if (in.keepalive_s < kb.min_s || in.keepalive_s > kb.max_s) {
      r.verdict = Error::ue_keepalive_out_of_range;
      return r;
    }
    f.rereg_delay = ue_rereg_delay_s(in.expires_s);
    f.keepalive_delay = in.keepalive_s;
    const std::uint32_t saved_flow_timer = flow_timer_s_;
    flow_timer_s_ = in.flow_timer_s;
    r = run(f, in.cert_error);
    if (!r.accepted) flow_timer_s_ = saved_flow_timer;
    return r;
  }
  if (in.event == UeEvent::pong_received || in.event == UeEvent::reneg_done) {
    const KeepaliveBounds kb = ue_keepalive_bounds(flow_timer_s_);
    //= spec#5626-4.4.1-UE-KEEPALIVE type=implementation
    if (in.conn == state_.conn && (in.keepalive_s < kb.min_s || in.keepalive_s > kb.max_s)) {
      r.verdict = Error::ue_keepalive_out_of_range;
      return r;
    }
    f.keepalive_delay = in.keepalive_s;
  }
  return run(f, in.cert_error);
}

UeResult UeMachine::tick(Seconds now) {
  UeResult r;
  if (cfg_error_ != Error::ok) {
    r.verdict = cfg_error_;
    return r;
  }
  struct Candidate {
    bool armed;
    Seconds at;
    UeEvent event;
  };
  const bool reneg = state_id() == UeStateId::renegotiating;
  // Order matters when several are due: the step timer (a procedure that
  // cannot finish) first, then the flow failure, then periodic work.
  const Candidate cands[] = {
      {state_.step_armed, state_.step_deadline, UeEvent::step_timeout},
      {state_.pong_armed, state_.pong_deadline, UeEvent::pong_timeout},
      // Re-registration waits while a renegotiation is under way.
      {state_.rereg_armed && !reneg, state_.rereg_deadline, UeEvent::rereg_due},
      {state_.keepalive_armed, state_.keepalive_deadline, UeEvent::keepalive_due},
  };
  for (const Candidate& c : cands) {
    if (!c.armed || !time_reached(now, c.at)) continue;
    UeFacts<Concrete> f{};
    f.event = static_cast<std::uint8_t>(c.event);
    f.now = now;
    f.conn = state_.conn;
    r = run(f, Error::ok);
    if (r.accepted) return r;
  }
  return UeResult{};
}

UeDeadline UeMachine::next_deadline() const {
  UeDeadline d;
  const bool reneg = state_id() == UeStateId::renegotiating;
  const UeDeadline all[] = {
      {state_.step_armed, state_.step_deadline},
      {state_.pong_armed, state_.pong_deadline},
      {state_.rereg_armed && !reneg, state_.rereg_deadline},
      {state_.keepalive_armed, state_.keepalive_deadline},
  };
  for (const UeDeadline& x : all) {
    if (!x.armed) continue;
    if (!d.armed || earlier(x.at, d.at)) d = x;
  }
  return d;
}

}  // namespace annexo::core
