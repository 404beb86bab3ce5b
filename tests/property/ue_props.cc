// Stateful property of the UE machine (core/ue_machine.h) against a plain
// model of the UE's environment and duties, written from the issue text and
// catalogue 2.1, 2.5, 2.6, 2.12 (O.1.1 + NOTE 2, O.3.1.x, O.4.1, O.4.3,
// RFC 5626 4.4.1, 24.229 5.1.1.4.1). The model tracks connections (which one
// the procedure opened, which one is registered, whose certificate was
// accepted in the current handshake, which are closed) and the phase; after
// every command it checks the core's outputs against the duties those facts
// impose, and that check_invariants holds.
#include <rapidcheck.h>
#include <rapidcheck/state.h>

#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "core/errors.h"
#include "core/ue_machine.h"
#include "tests/property/harness.h"
#include "tests/support/req.h"

namespace annexo::prop {
namespace {

using namespace annexo::core;
using K = UeOutputKind;

enum class Phase { idle, connecting, awaiting, registered, reneg, terminal };

// Facts about the environment, learned from the core's outputs (which
// connection was opened, closed, registered): held beside the machine.
struct World {
  bool require = false, abort_certreq = false, secagree = false;
  std::uint32_t now = 0;
  Phase phase = Phase::idle;
  std::uint32_t proc_conn = 0;  // connection opened by the running procedure
  std::uint32_t reg_conn = 0;   // connection of an earlier successful registration
  std::uint32_t cur = 0;        // the connection the machine works on (last opened / kept)
  std::set<std::uint32_t> opened, closed, cert_ok;
  bool creds_sent = false;  // Digest response outstanding on cur
  std::uint32_t flow_timer = 0;
};

struct Sut {
  UeMachine ue;
  World w;
  explicit Sut(const UeConfig<Concrete>& c) : ue(c) {}
};

// The generation-time model: only the configuration (commands carry roles
// such as "the current connection", resolved against the World at run time).
struct Model {
  bool secagree = false;
};

using Cmd = rc::state::Command<Model, Sut>;

bool sends_sip(K k) {
  return k == K::send_register_initial || k == K::send_register_credentials ||
         k == K::send_reregister || k == K::send_request || k == K::send_keepalive;
}
bool new_registration(const UeOutputs& o) {
  for (std::uint8_t i = 0; i < o.count; ++i)
    if (o.items[i].kind == K::open_tls || o.items[i].kind == K::send_register_secagree ||
        o.items[i].kind == K::send_reregister || o.items[i].kind == K::send_register_initial)
      return true;
  return false;
}
bool has(const UeOutputs& o, K k, std::uint32_t conn = 0) {
  for (std::uint8_t i = 0; i < o.count; ++i)
    if (o.items[i].kind == k && (conn == 0 || o.items[i].conn == conn)) return true;
  return false;
}

std::string show_outputs(const UeResult& r) {
  static const char* kNames[] = {"new_registration",
                                 "open_tls",
                                 "send_alert",
                                 "answer_empty_certificate",
                                 "send_register_secagree",
                                 "send_register_initial",
                                 "send_register_credentials",
                                 "send_reregister",
                                 "send_request",
                                 "send_keepalive",
                                 "renegotiate",
                                 "close_and_discard",
                                 "report_registered",
                                 "report_pcscf_violation",
                                 "use_ipsec",
                                 "use_unprotected",
                                 "abort"};
  std::ostringstream os;
  os << (r.accepted ? "accepted" : "rejected") << " verdict " << error_info(r.verdict).name << " [";
  for (std::uint8_t i = 0; i < r.outputs.count; ++i)
    os << kNames[static_cast<int>(r.outputs.items[i].kind)] << "(" << r.outputs.items[i].conn
       << ") ";
  os << "]";
  return os.str();
}

Phase phase_of(UeStateId s) {
  switch (s) {
    case UeStateId::idle:
      return Phase::idle;
    case UeStateId::secagree_sent:
    case UeStateId::tls_connecting:
      return Phase::connecting;
    case UeStateId::register_sent:
    case UeStateId::credentials_sent:
    case UeStateId::reregistering:
      return Phase::awaiting;
    case UeStateId::registered:
      return Phase::registered;
    case UeStateId::renegotiating:
      return Phase::reneg;
    case UeStateId::handed_off:
    case UeStateId::aborted:
      return Phase::terminal;
  }
  return Phase::terminal;
}

// Duties that hold after any step, given the model before it (m0) and the
// outputs; then the model learns the environment facts the outputs create.
void check_and_learn(World& m, const World& m0, const UeResult& r, const UeMachine& ue,
                     bool cert_accept_event, std::uint32_t event_conn) {
  RC_LOG() << show_outputs(r) << " -> state " << static_cast<int>(ue.state_id()) << "\n";
  // Terminal states accept nothing.
  if (m0.phase == Phase::terminal) {
    RC_ASSERT(!r.accepted);
    RC_ASSERT(r.outputs.count == 0);
  }
  if (!r.accepted) RC_ASSERT(r.outputs.count == 0);  // a rejection changes nothing, sends nothing
  for (std::uint8_t i = 0; i < r.outputs.count; ++i) {
    const UeOutput& o = r.outputs.items[i];
    if (o.kind == K::open_tls) {
      RC_ASSERT(m.opened.count(o.conn) == 0u);  // always a new connection
      RC_ASSERT(o.conn != 0u);
      m.opened.insert(o.conn);
      m.proc_conn = m.cur = o.conn;
    }
    if (o.kind == K::close_and_discard) {
      m.closed.insert(o.conn);
      m.cert_ok.erase(o.conn);
      if (o.conn == m.reg_conn) m.reg_conn = 0;
      if (o.conn == m.proc_conn) m.proc_conn = 0;
    }
    if (o.kind == K::renegotiate) m.cert_ok.erase(o.conn);  // a new handshake needs a new verdict
    if (o.kind == K::send_alert) RC_ASSERT(o.alert != TlsAlert::none);
    if (sends_sip(o.kind)) {
      // O.2.1-UE-AUTH-PC-BY-CERT / O.3.1.2: no SIP byte before the server
      // certificate of this connection (this handshake) was accepted, never
      // on a closed one.
      RC_REQ("O.2.1-UE-AUTH-PC-BY-CERT",
             m.cert_ok.count(o.conn) == 1u || (cert_accept_event && o.conn == event_conn));
      RC_ASSERT(m.closed.count(o.conn) == 0u);
    }
    if (o.kind == K::use_unprotected) RC_REQ("O.1.1-OP-NO-BIDDOWN", !m.require);
  }
  if (has(r.outputs, K::report_registered)) {
    m.reg_conn = m.cur;
    m.proc_conn = 0;
  }
  RC_ASSERT(check_invariants<Concrete>(ue.state()));
  m.phase = phase_of(ue.state_id());
  // SIP may flow only on a live connection whose certificate was accepted.
  if (ue.state().sip_allowed) {
    RC_REQ("O.2.1-UE-AUTH-PC-BY-CERT", m.cert_ok.count(ue.state().conn) == 1u);
    RC_ASSERT(m.closed.count(ue.state().conn) == 0u);
  }
  if (m.phase == Phase::registered) {
    RC_ASSERT(ue.state().conn != 0u);
    RC_ASSERT(m.closed.count(ue.state().conn) == 0u);
  }
  m.cur = ue.state().conn;
}

// The conn an event is about: the machine's own, the registered one, or a
// stale/foreign one (a late event of a purged connection, an attacker).
enum class Role { current, registered, stale, foreign };
rc::Gen<Role> gen_role() {
  return rc::gen::weightedElement<Role>(
      {{12, Role::current}, {1, Role::registered}, {1, Role::stale}, {1, Role::foreign}});
}
std::uint32_t resolve(const World& m, Role r) {
  switch (r) {
    case Role::current:
      return m.cur;
    case Role::registered:
      return m.reg_conn;
    case Role::stale:
      return m.closed.empty() ? 0u : *m.closed.rbegin();
    case Role::foreign:
      return 0x7777u;
  }
  return 0;
}

struct Start : Cmd {
  bool g3pp = *rc::gen::weightedElement<bool>({{1, true}, {5, false}});
  bool tls = *rc::gen::weightedElement<bool>({{6, true}, {1, false}});
  bool ipsec = *rc::gen::arbitrary<bool>();
  void apply(Model&) const override {}
  void run(const Model&, Sut& s) const override {
    const World m0 = s.w;
    World m = m0;
    UeInput in;
    in.event = UeEvent::start_registration;
    in.access = AccessFacts{g3pp, tls, ipsec};
    const UeResult r = s.ue.handle(in, m0.now);
    const auto& o = r.outputs;
    // O.1.1-ALL-NOT-ON-3GPP-ACCESS: never Annex O or SIP Digest on 3GPP access.
    if (g3pp) {
      RC_REQ("O.1.1-ALL-NOT-ON-3GPP-ACCESS",
             !has(o, K::open_tls) && !has(o, K::send_register_secagree));
      RC_REQ("O.1.1-ALL-NOT-ON-3GPP-ACCESS", !has(o, K::use_unprotected));
    }
    if (m0.phase == Phase::idle) {
      // Access selection (O.1.1 NOTE 2): TLS, else IPsec, else unprotected only without the policy.
      if (g3pp) {
        RC_ASSERT(has(o, ipsec ? K::use_ipsec : K::abort));
      } else if (tls) {
        RC_ASSERT(has(o, m0.secagree ? K::send_register_secagree : K::open_tls));
      } else if (ipsec) {
        RC_ASSERT(has(o, K::use_ipsec));
      } else if (m0.require) {
        RC_REQ("O.1.1-OP-NO-BIDDOWN", has(o, K::abort) && !has(o, K::use_unprotected));
      } else {
        RC_ASSERT(has(o, K::use_unprotected));
      }
    }
    if (r.accepted && m0.phase != Phase::idle) {
      // O.4.1: one procedure; the unfinished one's own connection is purged,
      // the connection of an earlier successful registration is kept (A24).
      if (m0.proc_conn != 0 && m0.proc_conn != m0.reg_conn)
        RC_REQ("O.4.1-UE-PURGE-INCOMPLETE", has(o, K::close_and_discard, m0.proc_conn));
      if (m0.reg_conn != 0)
        RC_REQ("O.4.1-UE-ONE-REGISTRATION", !has(o, K::close_and_discard, m0.reg_conn));
    }
    check_and_learn(m, m0, r, s.ue, false, 0);
    s.w = m;
  }
  void show(std::ostream& os) const override {
    os << "start(" << (g3pp ? "3GPP" : "non-3GPP") << ", tls " << tls << ", ipsec " << ipsec << ")";
  }
};

// Generic adapter event.
struct Input : Cmd {
  UeInput in;
  Role role = *gen_role();
  // uniform (harness.h): drawn size-scaled, at the CI max_size 80 the
  // fraction never passed 0.8, so a keep-alive in the top fifth of the RFC 5626 4.4.1
  // interval (its upper bound included) was never drawn.
  double keepalive_frac = *uniform(0, 101) / 100.0;
  mutable std::uint32_t resolved = 0;
  mutable UeEvent shown = UeEvent::stop;  // the event run (Steer chooses it at run time)
  explicit Input(const Model&) {
    in.event = *rc::gen::weightedElement<UeEvent>({{1, UeEvent::stop},
                                                   {6, UeEvent::cert_verdict},
                                                   {1, UeEvent::certificate_request},
                                                   {6, UeEvent::handshake_done},
                                                   {1, UeEvent::handshake_failed},
                                                   {4, UeEvent::response_401},
                                                   {6, UeEvent::response_2xx},
                                                   {1, UeEvent::response_auth_failure},
                                                   {1, UeEvent::response_other_failure},
                                                   {1, UeEvent::connection_lost},
                                                   {2, UeEvent::hello_request},
                                                   {2, UeEvent::reneg_done},
                                                   {2, UeEvent::pong_received},
                                                   {3, UeEvent::send_request}});
    in.cert_error = *rc::gen::weightedElement<Error>(
        {{6, Error::ok}, {1, Error::cert_path_unknown_ca}, {1, Error::cert_path_expired}});
    in.stale = *rc::gen::arbitrary<bool>();
    in.security_server_tls = *rc::gen::weightedElement<bool>({{5, true}, {1, false}});
    in.rspauth_ok = *rc::gen::weightedElement<bool>({{6, true}, {1, false}});
    in.tls13 = *rc::gen::arbitrary<bool>();
    in.expires_s = *rc::gen::element<std::uint32_t>(600, 1200, 3600, 600000);
    in.flow_timer_s = *rc::gen::element<std::uint32_t>(0, 0, 30, 120);
  }
  void apply(Model&) const override {}
  void run(const Model&, Sut& s) const override { run_event(this->in, s); }
  // The event `in0` (its event kind possibly chosen at run time, see Steer).
  void run_event(const UeInput& in0, Sut& s) const {
    shown = in0.event;
    const World m0 = s.w;
    World m = m0;
    UeInput in = in0;
    in.conn = resolved = resolve(m0, role);
    // The caller's random keep-alive draw, inside the RFC 5626 4.4.1 bounds.
    const KeepaliveBounds kb =
        ue_keepalive_bounds(in.event == UeEvent::response_2xx ? in.flow_timer_s : m0.flow_timer);
    in.keepalive_s = kb.min_s + static_cast<std::uint32_t>(keepalive_frac * (kb.max_s - kb.min_s));
    const UeStateId before = s.ue.state_id();
    const std::uint32_t conn_before = s.ue.state().conn;
    const bool cert_ok_event = in.event == UeEvent::cert_verdict && in.cert_error == Error::ok &&
                               in.conn == s.ue.state().conn;
    const UeResult r = s.ue.handle(in, m0.now);
    const auto& o = r.outputs;
    if (cert_ok_event && r.accepted) m.cert_ok.insert(in.conn);
    const bool mine = in.conn == conn_before;
    // O.4.1: the data of a purged procedure is gone, so a late event about a
    // closed connection, or one about a connection the UE never opened, acts
    // on nothing (one connection at a time is the machine's).
    if (!mine && in.event != UeEvent::stop) {
      RC_REQ("O.4.1-UE-PURGE-INCOMPLETE", !r.accepted);
    }
    // O.3.1.2: a certificate failure sends the alert that names it and aborts, no SIP.
    if (in.event == UeEvent::cert_verdict && in.cert_error != Error::ok && r.accepted) {
      // The alert numbers of RFC 5246 7.2.2, written here, not read from the
      // core's own mapping: expired 45 certificate_expired, unknown CA 48.
      const int want_alert = in.cert_error == Error::cert_path_expired ? 45 : 48;
      RC_REQ("O.3.1.2-UE-ALERT-ON-CERT-FAIL", o.count >= 1);
      RC_REQ("O.3.1.2-UE-ALERT-ON-CERT-FAIL", o.items[0].kind == K::send_alert);
      RC_REQ("O.3.1.2-UE-ALERT-ON-CERT-FAIL", static_cast<int>(o.items[0].alert) == want_alert);
      RC_REQ("O.3.1.2-UE-ALERT-ON-CERT-FAIL", has(o, K::close_and_discard, in.conn));
      RC_REQ("O.3.1.2-UE-ALERT-ON-CERT-FAIL", has(o, K::abort));
    }
    // A2 / RFC5246-EMPTY-CLIENT-CERT: a CertificateRequest is answered empty and
    // reported, or aborts by policy; never a certificate.
    if (in.event == UeEvent::certificate_request && r.accepted) {
      if (m0.abort_certreq) {
        RC_REQ("RFC5246-EMPTY-CLIENT-CERT", has(o, K::abort));
      } else {
        RC_REQ("RFC5246-EMPTY-CLIENT-CERT", has(o, K::answer_empty_certificate, in.conn));
        RC_ASSERT(has(o, K::report_pcscf_violation));
      }
    }
    // O.3.1.1: after the 4xx the connection is closed and the session discarded.
    if (in.event == UeEvent::response_auth_failure && r.accepted && in.conn != 0 && mine)
      RC_REQ("O.3.1.1-UE-CLOSE-ON-AUTH-FAIL", has(o, K::close_and_discard, in.conn));
    // O.3.1.3: stale=true is answered with fresh credentials over the same session.
    if (in.event == UeEvent::response_401 && in.stale && before == UeStateId::credentials_sent &&
        mine && r.accepted) {
      RC_REQ("O.3.1.3-UE-STALE-RETRY-SAME-SESSION", has(o, K::send_register_credentials, in.conn));
      RC_REQ("O.3.1.3-UE-STALE-RETRY-SAME-SESSION", !has(o, K::open_tls));
      RC_REQ("O.3.1.3-UE-STALE-RETRY-SAME-SESSION", !has(o, K::close_and_discard));
    }
    // O.4.1: HelloRequest on a registered TLS 1.2 connection: renegotiate inside it.
    if (in.event == UeEvent::hello_request && before == UeStateId::registered && r.accepted) {
      RC_REQ("O.4.1-UE-RENEG-INSIDE-CONN", has(o, K::renegotiate, in.conn));
      RC_REQ("O.4.1-UE-RENEG-INSIDE-CONN", !has(o, K::open_tls));
    }
    // O.4.1-UE-REREG-ON-CONN-LOSS: losing the registered connection starts a new registration.
    if (in.event == UeEvent::connection_lost && before == UeStateId::registered && mine &&
        r.accepted)
      RC_REQ("O.4.1-UE-REREG-ON-CONN-LOSS",
             has(o, K::open_tls) || has(o, K::send_register_secagree));
    // O.4.3 / 24.229 5.1.1.4.1: after a 2xx, re-registration is armed at the TS 24.229 point.
    if (in.event == UeEvent::response_2xx && r.accepted && has(o, K::report_registered)) {
      // TS 24.229 5.1.1.4.1, written here (not the core's ue_rereg_delay_s):
      // 600 s before expiry when it lasted more than 1200 s, else at half time.
      const std::uint32_t want_delay =
          in.expires_s > 1200u ? in.expires_s - 600u : in.expires_s / 2u;
      RC_REQ("24229-5.1.1.4.1-REREG-TIMING", s.ue.state().rereg_armed);
      RC_REQ("24229-5.1.1.4.1-REREG-TIMING", s.ue.state().rereg_deadline == m0.now + want_delay);
      RC_ASSERT(s.ue.state().keepalive_armed);
      RC_ASSERT(s.ue.state().keepalive_deadline == m0.now + in.keepalive_s);
      m.flow_timer = in.flow_timer_s;
    }
    check_and_learn(m, m0, r, s.ue, cert_ok_event, in.conn);
    s.w = m;
  }
  void show(std::ostream& os) const override {
    static const char* kNames[] = {"start_registration",
                                   "stop",
                                   "cert_verdict",
                                   "certificate_request",
                                   "handshake_done",
                                   "handshake_failed",
                                   "response_401",
                                   "response_2xx",
                                   "response_auth_failure",
                                   "response_other_failure",
                                   "connection_lost",
                                   "hello_request",
                                   "reneg_done",
                                   "pong_received",
                                   "send_request"};
    static const char* kRoles[] = {"current", "registered", "stale", "foreign"};
    os << kNames[static_cast<int>(shown)] << "(" << kRoles[static_cast<int>(role)] << " conn "
       << resolved;
    if (in.event == UeEvent::cert_verdict) os << ", " << error_info(in.cert_error).name;
    if (in.event == UeEvent::response_401)
      os << ", stale " << in.stale << ", security-server tls " << in.security_server_tls;
    if (in.event == UeEvent::response_2xx)
      os << ", rspauth " << in.rspauth_ok << ", expires " << in.expires_s << ", flow-timer "
         << in.flow_timer_s << ", keepalive at " << keepalive_frac << " of the interval";
    if (in.event == UeEvent::handshake_done) os << ", tls13 " << in.tls13;
    os << ")";
  }
};

// An adapter event chosen at run time from the machine's state: the events
// that move a registration on (certificate verdict, handshake done, 401, 2xx,
// HelloRequest, connection loss, ...), so registered and renegotiating states
// and the duties that live there are reached in most runs. The choice is a
// pure function of the state and the drawn `pick`, so shrinking stays exact.
struct Steer : Input {
  int pick = *uniform(0, 1000);
  explicit Steer(const Model& m) : Input(m) { role = Role::current; }
  static UeEvent choose(const UeMachine& ue, int pick, UeEvent otherwise) {
    const UeState<Concrete>& st = ue.state();
    const int p = pick % 20;
    switch (ue.state_id()) {
      case UeStateId::tls_connecting:
        if (p == 0) return UeEvent::certificate_request;
        if (p == 1) return UeEvent::handshake_failed;
        return st.cert_accepted ? UeEvent::handshake_done : UeEvent::cert_verdict;
      case UeStateId::secagree_sent:
        return p < 17 ? UeEvent::response_401 : UeEvent::response_other_failure;
      case UeStateId::register_sent:
        return p < 14   ? UeEvent::response_401
               : p < 17 ? UeEvent::response_2xx
               : p < 19 ? UeEvent::response_auth_failure
                        : UeEvent::response_other_failure;
      case UeStateId::credentials_sent:
      case UeStateId::reregistering:
        return p < 11   ? UeEvent::response_2xx
               : p < 16 ? UeEvent::response_401
               : p < 18 ? UeEvent::response_auth_failure
                        : UeEvent::response_other_failure;
      case UeStateId::registered:
        return p < 6    ? UeEvent::hello_request
               : p < 9  ? UeEvent::connection_lost
               : p < 12 ? UeEvent::send_request
               : p < 14 ? UeEvent::pong_received
                        : otherwise;
      case UeStateId::renegotiating:
        if (p == 0) return UeEvent::handshake_failed;
        return st.cert_accepted ? UeEvent::reneg_done : UeEvent::cert_verdict;
      default:
        return otherwise;
    }
  }
  void run(const Model&, Sut& s) const override {
    UeInput in2 = in;
    in2.event = choose(s.ue, pick, in.event);
    // Mostly a stale nonce for a 401 to the Digest response (O.3.1.3).
    if (s.ue.state_id() == UeStateId::credentials_sent && in2.event == UeEvent::response_401)
      in2.stale = in.stale || pick % 20 < 14;
    run_event(in2, s);
  }
  void show(std::ostream& os) const override {
    os << "steered ";
    Input::show(os);
  }
};

// Time passes; the adapter calls tick() at the machine's deadline.
struct Tick : Cmd {
  std::uint32_t dt = *rc::gen::weightedElement<std::uint32_t>(
      {{3, 0}, {2, 9}, {2, 10}, {3, 32}, {1, 95}, {1, 121}, {1, 300}, {1, 599}, {1, 3000}});
  bool to_deadline = *rc::gen::weightedElement<bool>({{3, true}, {1, false}});
  void apply(Model&) const override {}
  void run(const Model&, Sut& s) const override {
    const World m0 = s.w;
    World m = m0;
    const UeDeadline d = s.ue.next_deadline();
    const UeStateId before = s.ue.state_id();
    const UeState<Concrete> st = s.ue.state();
    m.now = (to_deadline && d.armed) ? d.at : m0.now + dt;
    const UeResult r = s.ue.tick(m.now);
    // A tick before any armed deadline fires nothing (no early timers).
    if (!d.armed || !time_reached(m.now, d.at)) RC_ASSERT(!r.accepted);
    // O.3.1.4: Timer F expiry with the Digest response outstanding starts a new registration.
    if (before == UeStateId::credentials_sent && st.step_armed &&
        time_reached(m.now, st.step_deadline))
      RC_REQ("O.3.1.4-UE-NEW-REG-ON-TIMEOUT", r.accepted && new_registration(r.outputs));
    // 5626-4.4.1-UE-PONG-TIMEOUT: no pong within 10 s is a flow failure: new registration.
    if (before == UeStateId::registered && st.pong_armed && time_reached(m.now, st.pong_deadline) &&
        !(st.step_armed && time_reached(m.now, st.step_deadline))) {
      RC_REQ("5626-4.4.1-UE-PONG-TIMEOUT", r.accepted && new_registration(r.outputs));
    }
    // A ping arms the pong timer at exactly 10 s (RFC 5626 4.4.1), written here.
    if (has(r.outputs, K::send_keepalive)) {
      RC_REQ("5626-4.4.1-UE-PONG-TIMEOUT",
             s.ue.state().pong_armed && s.ue.state().pong_deadline == m.now + 10u);
    }
    check_and_learn(m, m0, r, s.ue, false, 0);
    s.w = m;
  }
  void show(std::ostream& os) const override {
    os << "tick(" << (to_deadline ? "at next deadline" : "+" + std::to_string(dt) + " s") << ")";
  }
};

// The whole UE property's set-up, for both command mixes below.
template <class... Cmds>
void ue_property() {
  World m;
  m.now = *rc::gen::weightedOneOf<std::uint32_t>(
      {{3, rc::gen::map(rc::gen::inRange<std::uint32_t>(0, 4000),
                        [](std::uint32_t d) { return 0xFFFFFFFFu - d; })},
       {1, rc::gen::arbitrary<std::uint32_t>()}});
  m.require = *rc::gen::arbitrary<bool>();
  m.abort_certreq = *rc::gen::weightedElement<bool>({{3, false}, {1, true}});
  m.secagree = *rc::gen::weightedElement<bool>({{2, false}, {1, true}});
  UeConfig<Concrete> cfg = kUeDefaultConfig;
  cfg.require_signalling_security = m.require;
  cfg.abort_on_certificate_request = m.abort_certreq;
  cfg.use_sec_agree = m.secagree;
  RC_ASSERT(check_ue_config(cfg) == Error::ok);
  Sut sut(cfg);
  sut.w = m;
  rc::state::check(Model{m.secagree}, sut, rc::state::gen::execOneOfWithArgs<Cmds...>());
}

// Random events (the stored regression cases are tied to this mix).
ANNEXO_PROPERTY("O.4.1-UE-ONE-REGISTRATION.ue-machine", 600, 80,
                [] { ue_property<Start, Input, Input, Input, Input, Input, Tick, Tick>(); });

// Mostly steered events: registrations complete, then renegotiate, lose the
// connection, re-register, miss a pong.
ANNEXO_PROPERTY("O.4.1-UE-ONE-REGISTRATION.ue-steered", 1000, 80,
                [] { ue_property<Start, Input, Steer, Steer, Steer, Steer, Tick, Tick>(); });

}  // namespace
}  // namespace annexo::prop
