// UE transition table shape, deny-by-default, guard exclusivity, and the
// invariant: inductive over random runs and able to fail on broken states.
#include <rapidcheck/catch.h>
#include <catch2/catch.hpp>
#include <set>

#include "core/ue_machine.h"
#include "tests/core/ue_test_util.h"
#include "tests/support/req.h"

using namespace annexo::core;
using namespace annexo::core::uetest;

namespace {

bool listed(UeStateId s, UeEvent e) {
  for (const UeRow& r : kUeTable) {
    if (r.state == s && r.event == e) return true;
  }
  return false;
}

// Every state with a representative machine that reached it.
UeMachine reach(UeStateId target) {
  const bool secagree = target == UeStateId::secagree_sent;
  UeMachine m(cfg_with(false, false, secagree));
  if (target == UeStateId::idle) return m;
  if (target == UeStateId::handed_off) {
    (void)m.handle(start(AccessFacts{false, false, true}), 0);
    return m;
  }
  if (target == UeStateId::aborted) {
    (void)m.handle(start(AccessFacts{true, false, false}), 0);
    return m;
  }
  (void)m.handle(start(), 0);
  if (target == UeStateId::secagree_sent || target == UeStateId::tls_connecting) return m;
  const auto c = m.state().conn;
  (void)m.handle(cert(c), 0);
  (void)m.handle(ev(UeEvent::handshake_done, c), 0);
  if (target == UeStateId::register_sent) return m;
  (void)m.handle(r401(c), 0);
  if (target == UeStateId::credentials_sent) return m;
  (void)m.handle(r2xx(c), 0);
  if (target == UeStateId::registered) return m;
  if (target == UeStateId::reregistering) {
    (void)m.tick(ue_rereg_delay_s(3600));
    return m;
  }
  (void)m.handle(ev(UeEvent::hello_request, c), 1);  // renegotiating
  return m;
}

bool same_state(const UeState<Concrete>& a, const UeState<Concrete>& b) {
  return a.state == b.state && a.mechanism == b.mechanism && a.conn == b.conn &&
         a.next_conn == b.next_conn && a.cert_accepted == b.cert_accepted &&
         a.sip_allowed == b.sip_allowed && a.procedure_active == b.procedure_active &&
         a.conn_registered == b.conn_registered && a.have_challenge == b.have_challenge &&
         a.step_armed == b.step_armed && a.step_deadline == b.step_deadline &&
         a.rereg_armed == b.rereg_armed && a.rereg_deadline == b.rereg_deadline &&
         a.keepalive_armed == b.keepalive_armed && a.keepalive_deadline == b.keepalive_deadline &&
         a.pong_armed == b.pong_armed && a.pong_deadline == b.pong_deadline &&
         a.violations == b.violations && a.tls13 == b.tls13 && a.secagree == b.secagree &&
         a.access_3gpp == b.access_3gpp && a.require_security == b.require_security;
}

}  // namespace

// clang-format off
//= spec#UE-IMPL-TABLE-DENY type=test
TEST_CASE("UE-IMPL-TABLE-DENY: table shape — no duplicates, all states reachable, terminal states accept "
    // clang-format on
    "nothing") {
  STATIC_REQUIRE(ue_table_no_duplicates());
  STATIC_REQUIRE(ue_table_all_reachable());
  STATIC_REQUIRE(ue_table_terminal_accepts_nothing());
  REQ("UE-IMPL-TABLE-DENY", ue_table_terminal_accepts_nothing());
  STATIC_REQUIRE(ue_table_grouped_by_state());
  STATIC_REQUIRE(ue_table_fields_in_range());
  // Reachable in practice too: every state has a run that gets there.
  for (std::uint8_t s = 0; s < kUeStateCount; ++s) {
    const UeMachine m = reach(static_cast<UeStateId>(s));
    CAPTURE(int(s));
    REQUIRE(m.state().state == s);
    REQUIRE(check_invariants<Concrete>(m.state()));
  }
  // Every action and guard is used by some row (no dead vocabulary).
  for (std::uint8_t a = 0; a < kUeActionCount; ++a) {
    bool used = false;
    for (const UeRow& r : kUeTable) used = used || ue_u8(r.action) == a;
    CAPTURE(int(a));
    REQUIRE(used);
  }
  for (std::uint8_t g = 0; g < kUeGuardCount; ++g) {
    bool used = false;
    for (const UeRow& r : kUeTable) used = used || ue_u8(r.guard) == g;
    CAPTURE(int(g));
    REQUIRE(used);
  }
}

// clang-format off
//= spec#UE-IMPL-TABLE-DENY type=test
TEST_CASE("UE-IMPL-TABLE-DENY: every unlisted (state, event) pair is rejected and changes nothing") {
  // clang-format on
  int rejected = 0;
  for (std::uint8_t s = 0; s < kUeStateCount; ++s) {
    for (std::uint8_t e = 0; e < kUeFirstTimerEvent; ++e) {
      const auto st = static_cast<UeStateId>(s);
      const auto evn = static_cast<UeEvent>(e);
      if (listed(st, evn)) continue;
      UeMachine m = reach(st);
      const UeState<Concrete> before = m.state();
      UeInput in = start();
      in.event = evn;
      in.conn = before.conn;
      in.keepalive_s = 100;
      in.expires_s = 3600;
      const UeResult r = m.handle(in, 5);
      CAPTURE(int(s), int(e));
      REQ_REQUIRE("UE-IMPL-TABLE-DENY", !r.accepted);
      REQ_REQUIRE("UE-IMPL-TABLE-DENY", r.verdict != Error::ok);
      REQ_REQUIRE("UE-IMPL-TABLE-DENY", r.outputs.count == 0);
      REQ_REQUIRE("UE-IMPL-TABLE-DENY", same_state(before, m.state()));
      ++rejected;
    }
  }
  REQUIRE(rejected > 50);
}

// clang-format off
TEST_CASE("UE-IMPL-TABLE-DENY: guards of one (state, event) group never overlap") {
  // clang-format on
  // Enumerate every combination of the Boolean inputs the guards read.
  for (std::uint32_t bits = 0; bits < (1u << 14); ++bits) {
    const auto b = [&](int i) { return ((bits >> i) & 1u) != 0; };
    UeState<Concrete> s = ue_initial_state<Concrete>(kUeDefaultConfig);
    s.conn = 7;
    s.conn_registered = b(0);
    s.cert_accepted = b(1);
    s.have_challenge = b(2);
    s.tls13 = b(3);
    s.sip_allowed = b(4);
    s.pong_armed = b(5);
    UeFacts<Concrete> f{};
    f.conn = b(6) ? 7u : 8u;
    f.cert_ok = b(7);
    f.stale = b(8);
    f.secserver_tls = b(9);
    f.rspauth_ok = b(10);
    f.access_3gpp = b(11);
    f.tls_available = b(12);
    f.ipsec_available = b(13);
    for (int cfgbits = 0; cfgbits < 8; ++cfgbits) {
      const auto c = cfg_with((cfgbits & 1) != 0, (cfgbits & 2) != 0, (cfgbits & 4) != 0);
      for (std::size_t i = 0; i < kUeRowCount; ++i) {
        for (std::size_t j = i + 1; j < kUeRowCount; ++j) {
          const UeRow& x = kUeTable[i];
          const UeRow& y = kUeTable[j];
          if (x.state != y.state || x.event != y.event) continue;
          s.state = ue_u8(x.state);
          f.event = ue_u8(x.event);
          const bool both =
              ue_guard<Concrete>(x.guard, s, f, c) && ue_guard<Concrete>(y.guard, s, f, c);
          if (both) FAIL("rows " << i << " and " << j << " overlap, bits " << bits);
        }
      }
    }
  }
  SUCCEED();
}

// clang-format off
//= spec#O.2.1-UE-AUTH-PC-BY-CERT type=test
TEST_CASE("O.2.1-UE-AUTH-PC-BY-CERT: every row that sends SIP over TLS ends with SIP allowed and the "
    // clang-format on
    "certificate accepted") {
  // Start from every reachable state, fire every row whose guard holds with
  // permissive facts, and check the post-state of SIP-sending rows.
  int checked = 0;
  for (const UeRow& row : kUeTable) {
    if (!ue_action_sends_sip_over_tls(row.action)) continue;
    UeMachine m = reach(row.state);
    UeFacts<Concrete> f{};
    f.event = ue_u8(row.event);
    f.conn = m.state().conn;
    f.cert_ok = true;
    f.tls_available = true;
    f.rspauth_ok = true;
    bool fired = false;
    for (int cfgbits = 0; cfgbits < 8; ++cfgbits) {
      const auto c = cfg_with(false, false, (cfgbits & 4) != 0);
      if (!ue_guard<Concrete>(row.guard, m.state(), f, c)) continue;
      const auto next = ue_row_apply<Concrete>(row, m.state(), f, c);
      REQ_REQUIRE("O.2.1-UE-AUTH-PC-BY-CERT", next.sip_allowed);
      REQ_REQUIRE("O.2.1-UE-AUTH-PC-BY-CERT", next.cert_accepted);
      REQUIRE(next.conn != 0);
      fired = true;
    }
    if (fired) ++checked;
  }
  REQUIRE(checked >= 6);
}

// A test of the test oracle (check_invariants), not of the machine: it cites nothing.
// clang-format off
TEST_CASE("O.1.1-OP-NO-BIDDOWN: check_invariants refuses broken states (it can fail)") {
  // clang-format on
  UeMachine m;
  (void)register_tls_first(m);
  const UeState<Concrete> good = m.state();
  REQUIRE(check_invariants<Concrete>(good));
  auto s = good;
  s.cert_accepted = false;  // SIP allowed without an accepted certificate
  REQUIRE_FALSE(check_invariants<Concrete>(s));
  s = ue_initial_state<Concrete>(cfg_with(true, false, false));
  s.state = ue_u8(UeStateId::handed_off);
  s.mechanism = static_cast<std::uint8_t>(Mechanism::unprotected);  // policy set, unprotected
  REQUIRE_FALSE(check_invariants<Concrete>(s));
  s.require_security = false;
  REQUIRE(check_invariants<Concrete>(s));
  s.access_3gpp = true;  // Digest on 3GPP access
  REQUIRE_FALSE(check_invariants<Concrete>(s));
  s = good;
  s.procedure_active = true;  // registered but a procedure flagged active
  REQUIRE_FALSE(check_invariants<Concrete>(s));
  s = good;
  s.access_3gpp = true;  // Annex O on 3GPP access
  REQUIRE_FALSE(check_invariants<Concrete>(s));
  s = good;
  s.state = ue_u8(UeStateId::idle);  // idle but a connection kept
  REQUIRE_FALSE(check_invariants<Concrete>(s));
}

// clang-format off
// Its random sequences seldom open TLS and, in CI runs, never reach a SIP
// send (counted: 11 open_tls, 0 SIP outputs in 100 runs), so the
// O.2.1-UE-AUTH-PC-BY-CERT assertion below guards without citing.
//= spec#O.1.1-OP-NO-BIDDOWN type=test
TEST_CASE("O.4.1-UE-ONE-REGISTRATION: random event sequences keep the invariant; ue_step formula equals "
    // clang-format on
    "the runtime") {
  rc::prop("invariant and step agreement", [](const std::vector<std::uint8_t>& events, bool require,
                                              bool secagree, bool abort_cr) {
    const auto cfg = cfg_with(require, abort_cr, secagree);
    UeMachine m(cfg);
    Seconds now = *rc::gen::arbitrary<std::uint32_t>();
    // Oracles stated here, not through the core's check_invariants:
    std::set<std::uint32_t> cert_ok;  // connections whose certificate was accepted
    for (std::uint8_t raw : events) {
      const auto e = static_cast<UeEvent>(raw % kUeFirstTimerEvent);
      UeInput in = start(AccessFacts{*rc::gen::arbitrary<bool>(), *rc::gen::arbitrary<bool>(),
                                     *rc::gen::arbitrary<bool>()});
      in.event = e;
      in.conn = *rc::gen::element(m.state().conn, m.state().conn + 1, 0u);
      in.cert_error = *rc::gen::element(Error::ok, Error::ue_registration_failed);
      in.stale = *rc::gen::arbitrary<bool>();
      in.security_server_tls = *rc::gen::arbitrary<bool>();
      in.rspauth_ok = *rc::gen::arbitrary<bool>();
      in.tls13 = *rc::gen::arbitrary<bool>();
      in.expires_s = *rc::gen::inRange<std::uint32_t>(1, 700000);
      in.keepalive_s = *rc::gen::inRange<std::uint32_t>(95, 121);
      now += *rc::gen::inRange<std::uint32_t>(0, 4000);
      const UeState<Concrete> before = m.state();
      const bool use_tick = *rc::gen::arbitrary<bool>();
      const UeResult r = use_tick ? m.tick(now) : m.handle(in, now);
      RC_ASSERT(check_invariants<Concrete>(m.state()));
      if (!r.accepted) RC_ASSERT(same_state(before, m.state()));
      if (m.state().mechanism == static_cast<std::uint8_t>(Mechanism::unprotected)) {
        RC_REQ("O.1.1-OP-NO-BIDDOWN", !require);
      }
      if (!use_tick && r.accepted && e == UeEvent::cert_verdict && in.cert_error == Error::ok) {
        cert_ok.insert(in.conn);
      }
      for (std::size_t i = 0; i < r.outputs.count; ++i) {
        const UeOutput& o = r.outputs.items[i];
        switch (o.kind) {
          case UeOutputKind::send_register_initial:
          case UeOutputKind::send_register_credentials:
          case UeOutputKind::send_reregister:
          case UeOutputKind::send_request:
          case UeOutputKind::send_keepalive:
            // SIP over TLS only on a connection whose certificate was accepted.
            RC_REQ("O.2.1-UE-AUTH-PC-BY-CERT", cert_ok.count(o.conn) == 1);
            break;
          default:
            break;
        }
      }
      // The formula the proofs use gives the same successor for handle().
      if (!use_tick && r.accepted) {
        UeFacts<Concrete> f{};
        f.event = static_cast<std::uint8_t>(e);
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
        f.rereg_delay = ue_rereg_delay_s(in.expires_s);
        f.keepalive_delay = in.keepalive_s;
        bool acc = false;
        const auto next = ue_step<Concrete>(before, f, cfg, acc);
        RC_ASSERT(acc);
        RC_ASSERT(same_state(next, m.state()));
      }
    }
  });
}
