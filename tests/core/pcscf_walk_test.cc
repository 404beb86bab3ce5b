// Random walks over the P-CSCF machine: check_invariants holds after every
// step, the formula step<Concrete> (what the proofs instantiate) agrees with
// the runtime step_fast, every row of kRows fires, and the security
// properties of issue 5 hold on every visited step.
#include <rapidcheck/catch.h>
#include <catch2/catch.hpp>
#include <random>

#include "tests/core/pcscf_test_support.h"
#include "tests/support/req.h"

using namespace annexo::test;

namespace {

struct Walker {
  std::mt19937_64 rng;
  explicit Walker(std::uint64_t seed) : rng(seed) {}
  std::uint64_t u(std::uint64_t n) { return rng() % n; }
  bool chance(int pct) { return static_cast<int>(u(100)) < pct; }

  RtPolicy policy() {
    PcscfConfig c;
    c.allow_client_reneg = chance(30);
    c.abort_on_no_reneg = chance(70);
    c.tls_session_lifetime_s = static_cast<std::uint32_t>(chance(50) ? 1 + u(20) : 1 + u(5000));
    c.reneg_wait_s = static_cast<std::uint32_t>(1 + u(60));
    c.unbound_idle_s = static_cast<std::uint32_t>(1 + u(60));
    return policy_of<Concrete>(c);
  }

  RtEvent event(const RtState& s, Seconds& now) {
    // Mostly small steps, sometimes long ones (expiries, wrap-around).
    const std::uint64_t r = u(100);
    now = static_cast<Seconds>(now + (r < 90 ? u(6) : r < 97 ? 30 + u(31) : 600 + u(4400)));
    // Weighted event kinds so that walks reach and stay in bound/renegotiating.
    const int weights[kEventCount] = {10, 1, 5, 5, 3, 25, 20, 4, 5, 3, 10, 1};
    int total = 0;
    for (int w8 : weights) total += w8;
    int pick = static_cast<int>(u(static_cast<std::uint64_t>(total)));
    std::uint8_t kind = 0;
    while (pick >= weights[kind]) pick -= weights[kind++];
    // A REGISTER in flight on a bound connection: answer it soon, so that the
    // rare (renegotiating, register_response) rows are visited too.
    if (s.pending_same_impi && chance(25))
      kind = static_cast<std::uint8_t>(EventKind::register_response);
    RtEvent e = make_event(static_cast<EventKind>(kind), now);
    // Mostly the connection's own tuple, sometimes an attacker's variation.
    e.session = s.session;
    e.ip_hi = s.ip_hi;
    e.ip_lo = s.ip_lo;
    e.port = s.port;
    if (chance(15)) {
      switch (u(4)) {
        case 0:
          e.session ^= 1 + u(3);
          break;
        case 1:
          e.port = static_cast<std::uint16_t>(e.port + 1);
          break;
        case 2:
          e.ip_lo ^= 1;
          break;
        default:
          e.ip_hi ^= 1ull << 40;
          break;
      }
    }
    if (e.kind == static_cast<std::uint8_t>(EventKind::handshake_ok) ||
        e.kind == static_cast<std::uint8_t>(EventKind::reneg_done)) {
      e.session = 1 + u(1000);
      e.port = static_cast<std::uint16_t>(1 + u(65535));
      e.ip_lo = u(4);
    }
    e.method = static_cast<std::uint8_t>(u(3));
    e.credentials = chance(60);
    e.impi_same = chance(70);
    e.preferred_impu = chance(20) ? kNoImpu : static_cast<std::uint8_t>(u(10));
    e.sec_verify = static_cast<std::uint8_t>(u(3));
    e.table_room = chance(90);
    e.response = static_cast<std::uint8_t>(u(4));
    e.txn_here = chance(80);
    e.expires_s = chance(40) ? 0 : static_cast<std::uint32_t>(u(7200));
    for (auto& b : e.impu) b = chance(35);
    e.impi = static_cast<std::uint32_t>(u(100));
    e.store_ok = chance(90);
    // A de-REGISTER of the whole contact names every bound IMPU.
    if (s.has_binding && chance(30)) {
      for (std::uint8_t i = 0; i < kMaxImpus; ++i) e.impu[i] = s.impu[i];
    }
    return e;
  }
};

bool same_state(const RtState& a, const RtState& b) {
  bool eq = a.state == b.state && a.session == b.session && a.ip_hi == b.ip_hi &&
            a.ip_lo == b.ip_lo && a.port == b.port && a.has_binding == b.has_binding &&
            a.b_session == b.b_session && a.b_ip_hi == b.b_ip_hi && a.b_ip_lo == b.b_ip_lo &&
            a.b_port == b.b_port && a.impi == b.impi && a.default_impu == b.default_impu &&
            a.pending_digest == b.pending_digest && a.pending_same_impi == b.pending_same_impi &&
            a.session_expiry == b.session_expiry && a.reg_expiry == b.reg_expiry &&
            a.deadline == b.deadline;
  for (std::uint8_t i = 0; i < kMaxImpus; ++i) eq = eq && a.impu[i] == b.impu[i];
  return eq;
}

// One walk; returns the rows fired.
void walk(std::uint64_t seed, std::vector<bool>& fired, int steps) {
  Walker w(seed);
  const RtPolicy p = w.policy();
  Seconds now = static_cast<Seconds>(w.rng());  // anywhere, wrap-around included
  RtState s = initial_state<Concrete>(p, now);
  for (int i = 0; i < steps; ++i) {
    const RtEvent e = w.event(s, now);
    const RtState before = s;
    const StepResult<Concrete> formula = step<Concrete>(p, before, e);
    const Outcome o = step_fast(p, s, e);
    // The proofs' formula and the runtime path agree.
    RC_ASSERT(formula.accepted == o.accepted);
    RC_ASSERT(formula.row == o.row);
    RC_ASSERT(same_state(formula.next, s));
    // An event the table does not take leaves the state as it was.
    if (!o.accepted) RC_REQ("IMPL-PC-DENY-UNLISTED", same_state(before, s));
    // The invariant is preserved.
    RC_ASSERT(check_invariants<Concrete>(s));
    RC_ASSERT(!request_client_certificate<Concrete>(s.state));
    if (o.accepted) fired[o.row] = true;
    // Issue 5 properties, on this step:
    const Action* f = find_action(o, Out::forward_request);
    if (f != nullptr && f->impu != kNoImpu) {
      // Asserted identity only on a bound connection, with full tuple match,
      // an unexpired session, and an identity in the bound set.
      RC_ASSERT(before.state == static_cast<std::uint8_t>(State::bound));
      // Stated independently of the machine's own helpers, so that a broken
      // helper cannot vouch for itself.
      RC_REQ("O.2.2-PC-ASSERT-FROM-ASSOC",
             e.session == before.b_session && e.ip_hi == before.b_ip_hi &&
                 e.ip_lo == before.b_ip_lo && e.port == before.b_port);
      RC_ASSERT(static_cast<std::int32_t>(e.now - before.session_expiry) < 0);
      RC_ASSERT(static_cast<std::int32_t>(e.now - before.reg_expiry) < 0);
      RC_REQ("O.2.2-PC-ASSERT-FROM-ASSOC", f->impu < kMaxImpus && before.impu[f->impu]);
      RC_ASSERT(formula.fx.assert_identity && formula.fx.asserted == f->impu);
    }
    if (s.has_binding && !before.has_binding) {
      // Created only by a 2xx to a Digest REGISTER of this connection.
      RC_REQ("O.2.2-PC-ASSOC-ONLY-ON-AUTH-CONN",
             e.kind == static_cast<std::uint8_t>(EventKind::register_response));
      RC_REQ("O.2.2-PC-ASSOC-ONLY-ON-AUTH-CONN", e.txn_here && before.pending_digest);
      RC_REQ("O.2.2-PC-ASSOC-ONLY-ON-AUTH-CONN",
             e.response == static_cast<std::uint8_t>(Response::success));
    }
    if (s.state == static_cast<std::uint8_t>(State::closed)) RC_ASSERT(!s.has_binding);
    if (s.state == static_cast<std::uint8_t>(State::closed)) return;
  }
}

// Its 100 walks of 200 steps seldom create a binding (in most runs no O.2.2
// assertion runs at all; when one does, the JUnit output records it), so it
// cites only what it always checks; the 8000 walks of the next case do reach
// bindings.
//= spec#IMPL-PC-DENY-UNLISTED type=test
TEST_CASE(
    "IMPL-PC-DENY-UNLISTED: random walks: invariant kept, formula step equals runtime step, "
    "issue-5 properties hold") {
  rc::prop("walk", [](std::uint64_t seed) {
    std::vector<bool> fired(kRowCount);
    walk(seed, fired, 200);
  });
}

// A random state that satisfies check_invariants (what an inductive proof
// starts from), with the connection's tuple fixed.
RtState sampled_state(Walker& w, const RtPolicy& p) {
  for (;;) {
    RtState s = initial_state<Concrete>(p, static_cast<Seconds>(w.rng()));
    s.state = static_cast<std::uint8_t>(w.u(kStateCount));
    s.session = 1 + w.u(3);
    s.port = 5060;
    const bool bound = s.state == 3 || s.state == 4;
    s.has_binding = bound;
    if (bound) {
      s.b_session = s.session;
      s.b_port = s.port;
      for (auto& b : s.impu) b = w.chance(40);
      s.default_impu = lowest_position<Concrete>(s.impu);
      s.pending_same_impi = w.chance(50);
    }
    s.pending_digest = s.state == 2 && w.chance(60);
    const Seconds base = static_cast<Seconds>(w.rng());
    s.session_expiry = static_cast<Seconds>(base + w.u(20));
    s.reg_expiry = static_cast<Seconds>(base + w.u(20));
    s.deadline = static_cast<Seconds>(base + w.u(20));
    if (check_invariants<Concrete>(s)) return s;
  }
}

}  // namespace

// The walks assert the same properties as above (walk()).
//= spec#IMPL-PC-DENY-UNLISTED type=test
//= spec#O.2.2-PC-ASSOC-ONLY-ON-AUTH-CONN type=test
//= spec#O.2.2-PC-ASSERT-FROM-ASSOC type=test
TEST_CASE(
    "IMPL-PC-DENY-UNLISTED: every row of the transition table fires, in walks from the initial "
    "state or from sampled invariant states") {
  std::vector<bool> fired(kRowCount);
  for (std::uint64_t seed = 1; seed <= 8000; ++seed) walk(seed, fired, 300);
  std::vector<bool> walked = fired;
  Walker w(7);
  for (int i = 0; i < 200000; ++i) {
    const RtPolicy p = w.policy();
    RtState s = sampled_state(w, p);
    Seconds now = static_cast<Seconds>(s.deadline - 10);
    const RtEvent e = w.event(s, now);
    const RtState before = s;
    const Outcome o = step_fast(p, s, e);
    const StepResult<Concrete> f = step<Concrete>(p, before, e);
    REQUIRE(f.row == o.row);
    REQUIRE(check_invariants<Concrete>(s));
    if (o.accepted) fired[o.row] = true;
  }
  std::size_t by_walk = 0;
  for (bool b : walked) by_walk += b;
  WARN("rows reached by walks from the initial state: " << by_walk << " of " << kRowCount);
  for (std::size_t i = 0; i < kRowCount; ++i) {
    if (!walked[i]) WARN("row " << i << " reached only from a sampled invariant state");
  }
  for (std::size_t i = 0; i < kRowCount; ++i) {
    INFO("row " << i << " from " << int(kRows[i].from) << " event " << int(kRows[i].event)
                << " guard " << int(kRows[i].guard));
    CHECK(fired[i]);
  }
}

TEST_CASE(
    "O.2.1-ALL-LIFETIME-LOCAL-POLICY: next_deadline is the earliest pending timer, wrap-safe") {
  RtPolicy p = policy_of<Concrete>(PcscfConfig{});
  RtState s = initial_state<Concrete>(p, 0xFFFFFFFFu);
  Deadline<Concrete> d = next_deadline<Concrete>(s);
  CHECK(d.armed);
  CHECK(d.at == 31u);  // 0xFFFFFFFF + 32 wraps
  s.state = static_cast<std::uint8_t>(State::bound);
  s.reg_expiry = 0xFFFFFFF0u;
  s.session_expiry = 5u;  // later, after the wrap
  CHECK(next_deadline<Concrete>(s).at == 0xFFFFFFF0u);
  s.session_expiry = 0xFFFFFFE0u;
  CHECK(next_deadline<Concrete>(s).at == 0xFFFFFFE0u);
  s.state = static_cast<std::uint8_t>(State::closed);
  CHECK_FALSE(next_deadline<Concrete>(s).armed);
}
