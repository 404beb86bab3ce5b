// The abstraction from the core's machine states to the specification
// model's views (proofs/spec_model.h), and from the core's events to the
// model's stimuli. This is the only place that knows both vocabularies.
#pragma once

#include "core/cipher_suites.h"
#include "core/pcscf_machine.h"
#include "core/ue_logic.h"
#include "core/ue_types.h"
#include "proofs/spec_model.h"

namespace annexo::proofs {

template <class D>
spec::UeView<D> ue_view(const core::UeState<D>& s) {
  using core::Mechanism;
  using core::UeStateId;
  const auto in = [&](UeStateId x) { return s.state == D::enum8(x); };
  const auto mech_is = [&](Mechanism m) { return s.mechanism == D::enum8(m); };
  spec::UeView<D> v;
  v.mech = D::select(
      mech_is(Mechanism::annex_o_tls), D::enum8(spec::Mech::annex_o),
      D::select(mech_is(Mechanism::ipsec), D::enum8(spec::Mech::ipsec),
                D::select(mech_is(Mechanism::unprotected), D::enum8(spec::Mech::unprotected),
                          D::enum8(spec::Mech::none))));
  v.on_3gpp = s.access_3gpp;
  v.policy = s.require_security;
  v.conn = s.conn;
  v.trusted = s.cert_accepted;
  v.handshake = in(UeStateId::tls_connecting) || in(UeStateId::renegotiating);
  v.awaiting = in(UeStateId::register_sent) || in(UeStateId::credentials_sent) ||
               in(UeStateId::reregistering);
  v.registered = s.conn_registered;
  v.procedure = s.procedure_active;
  v.finished = in(UeStateId::handed_off) || in(UeStateId::aborted);
  return v;
}

template <class D>
typename D::U8 ue_stim(const core::UeFacts<D>& f) {
  using core::UeEvent;
  using spec::UeStim;
  const auto ev = [&](UeEvent e) { return f.event == D::enum8(e); };
  // Pairs (core event, model stimulus); timers all map to `timeout`.
  auto r = D::enum8(UeStim::timeout);
  r = D::select(ev(UeEvent::start_registration), D::enum8(UeStim::start), r);
  r = D::select(ev(UeEvent::stop), D::enum8(UeStim::stop), r);
  r = D::select(ev(UeEvent::cert_verdict),
                D::select(f.cert_ok, D::enum8(UeStim::cert_accept), D::enum8(UeStim::cert_reject)),
                r);
  r = D::select(ev(UeEvent::certificate_request), D::enum8(UeStim::cert_request), r);
  r = D::select(ev(UeEvent::handshake_done), D::enum8(UeStim::tls_up), r);
  r = D::select(ev(UeEvent::handshake_failed), D::enum8(UeStim::tls_fail), r);
  r = D::select(ev(UeEvent::response_401), D::enum8(UeStim::challenge), r);
  r = D::select(ev(UeEvent::response_2xx), D::enum8(UeStim::ok), r);
  r = D::select(ev(UeEvent::response_auth_failure), D::enum8(UeStim::auth_fail), r);
  r = D::select(ev(UeEvent::response_other_failure), D::enum8(UeStim::other_fail), r);
  r = D::select(ev(UeEvent::connection_lost), D::enum8(UeStim::conn_lost), r);
  r = D::select(ev(UeEvent::hello_request), D::enum8(UeStim::hello_request), r);
  r = D::select(ev(UeEvent::reneg_done), D::enum8(UeStim::reneg_done), r);
  r = D::select(ev(UeEvent::pong_received), D::enum8(UeStim::pong), r);
  r = D::select(ev(UeEvent::send_request), D::enum8(UeStim::send), r);
  return r;
}

template <class D>
spec::PcView<D> pc_view(const core::pcscf::ConnState<D>& s) {
  using core::pcscf::State;
  spec::PcView<D> v;
  v.closed = s.state == D::enum8(State::closed);
  v.session = s.session;
  v.ip_hi = s.ip_hi;
  v.ip_lo = s.ip_lo;
  v.port = s.port;
  v.bound = s.has_binding;
  v.b_session = s.b_session;
  v.b_ip_hi = s.b_ip_hi;
  v.b_ip_lo = s.b_ip_lo;
  v.b_port = s.b_port;
  for (std::uint8_t i = 0; i < spec::kPcImpus; ++i) v.impu[i] = s.impu[i];
  v.digest_register_pending = s.pending_digest && s.state == D::enum8(State::reg_pending);
  v.session_expiry = s.session_expiry;
  v.reg_expiry = s.reg_expiry;
  return v;
}
static_assert(spec::kPcImpus == core::kMaxImpus, "same identity capacity");

template <class D>
spec::PcMove<D> pc_move(const core::pcscf::ConnState<D>& pre, const core::pcscf::Event<D>& e,
                        const core::pcscf::StepResult<D>& r) {
  using core::pcscf::EventKind;
  using core::pcscf::Method;
  using core::pcscf::Response;
  using spec::PcStim;
  const auto k = [&](EventKind x) { return e.kind == D::enum8(x); };
  spec::PcMove<D> m;
  auto st = D::enum8(PcStim::other);
  st = D::select(k(EventKind::handshake_ok), D::enum8(PcStim::handshake_ok), st);
  st = D::select(k(EventKind::handshake_failed), D::enum8(PcStim::handshake_failed), st);
  st = D::select(k(EventKind::client_hello), D::enum8(PcStim::client_hello), st);
  st = D::select(k(EventKind::reneg_done), D::enum8(PcStim::reneg_done), st);
  st = D::select(k(EventKind::reneg_refused), D::enum8(PcStim::reneg_refused), st);
  st = D::select(k(EventKind::sip_request), D::enum8(PcStim::request), st);
  st = D::select(k(EventKind::register_response), D::enum8(PcStim::register_answer), st);
  st = D::select(k(EventKind::deregistered), D::enum8(PcStim::deregistered), st);
  st = D::select(k(EventKind::terminating_request), D::enum8(PcStim::terminating), st);
  st = D::select(k(EventKind::crlf_ping), D::enum8(PcStim::keepalive), st);
  st = D::select(k(EventKind::timer), D::enum8(PcStim::timer), st);
  st = D::select(k(EventKind::connection_lost), D::enum8(PcStim::conn_lost), st);
  m.stim = st;
  m.now = e.now;
  m.session = e.session;
  m.ip_hi = e.ip_hi;
  m.ip_lo = e.ip_lo;
  m.port = e.port;
  m.method =
      D::select(e.method == D::enum8(Method::register_), D::enum8(spec::PcMethod::register_),
                D::select(e.method == D::enum8(Method::emergency),
                          D::enum8(spec::PcMethod::emergency), D::enum8(spec::PcMethod::other)));
  m.answer = D::select(
      e.response == D::enum8(Response::success), D::enum8(spec::PcAnswer::success),
      D::select(e.response == D::enum8(Response::auth_failure),
                D::enum8(spec::PcAnswer::auth_failure),
                D::select(e.response == D::enum8(Response::challenge),
                          D::enum8(spec::PcAnswer::challenge), D::enum8(spec::PcAnswer::other))));
  m.here = e.txn_here;
  m.forwards_request = r.fx.forward_request;
  m.asserts_identity = r.fx.assert_identity;
  m.asserted = r.fx.asserted;
  m.delivers_to_ue = r.fx.forward_to_ue;
  // The adapter asks the machine in whatever state the connection is in.
  m.requests_client_cert = core::pcscf::request_client_certificate<D>(pre.state) ||
                           core::pcscf::request_client_certificate<D>(r.next.state);
  m.closes = r.fx.close;
  return m;
}

// IANA facts of a registry row, in the model's terms.
inline spec::SuiteAlgorithms<core::Concrete> suite_algorithms(const core::SuiteInfo& s) {
  using core::Bulk;
  using core::KeyExchange;
  using core::Mac;
  using core::ServerAuth;
  spec::SuiteAlgorithms<core::Concrete> a{};
  a.forward_secret =
      s.kx == KeyExchange::ecdhe || s.kx == KeyExchange::dhe || s.kx == KeyExchange::tls13;
  a.cert_auth =
      s.auth == ServerAuth::ecdsa || s.auth == ServerAuth::rsa || s.auth == ServerAuth::certificate;
  a.aead = s.bulk == Bulk::aead;
  a.null_bulk = s.bulk == Bulk::null;
  a.integrity_mac =
      s.mac == Mac::sha1 || s.mac == Mac::sha256 || s.mac == Mac::sha384 || s.mac == Mac::aead;
  a.for_tls12 = (s.versions & core::kForTls12) != 0;
  a.for_tls13 = (s.versions & core::kForTls13) != 0;
  return a;
}

}  // namespace annexo::proofs
