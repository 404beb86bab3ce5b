// The P-CSCF templates instantiated with a strict domain whose values have no
// default constructor and no conversion to bool — as z3::expr — so that any
// branch on a D::Bool or any default-constructed value fails to compile. The
// results must equal the Concrete instantiation on random inputs.
#include <catch2/catch.hpp>
#include <random>

#include "tests/core/pcscf_test_support.h"

using namespace annexo::test;

namespace {

struct SB {
  bool v;
  explicit SB(bool b) : v(b) {}
};
inline SB operator&&(SB a, SB b) {
  return SB(a.v && b.v);
}
inline SB operator||(SB a, SB b) {
  return SB(a.v || b.v);
}
inline SB operator!(SB a) {
  return SB(!a.v);
}
inline SB operator==(SB a, SB b) {
  return SB(a.v == b.v);
}

template <int N>
struct SU {
  std::uint64_t v;
  explicit SU(std::uint64_t x) : v(N == 64 ? x : (x & ((1ull << N) - 1))) {}
};
template <int N>
SB operator==(SU<N> a, SU<N> b) {
  return SB(a.v == b.v);
}
template <int N>
SB operator!=(SU<N> a, SU<N> b) {
  return SB(a.v != b.v);
}
template <int N>
SU<N> operator+(SU<N> a, SU<N> b) {
  return SU<N>(a.v + b.v);
}
template <int N>
SU<N> operator-(SU<N> a, SU<N> b) {
  return SU<N>(a.v - b.v);
}

struct Strict {
  using Bool = SB;
  using U8 = SU<8>;
  using U16 = SU<16>;
  using U32 = SU<32>;
  using U64 = SU<64>;
  static Bool t() { return SB(true); }
  static Bool f() { return SB(false); }
  static Bool lit(bool b) { return SB(b); }
  static U8 u8(std::uint8_t v) { return U8(v); }
  static U16 u16(std::uint16_t v) { return U16(v); }
  static U32 u32(std::uint32_t v) { return U32(v); }
  static U64 u64(std::uint64_t v) { return U64(v); }
  template <int N>
  static Bool ult(SU<N> a, SU<N> b) {
    return SB(a.v < b.v);
  }
  template <int N>
  static Bool ule(SU<N> a, SU<N> b) {
    return SB(a.v <= b.v);
  }
  template <class T>
  static T select(Bool c, T a, T b) {
    return c.v ? a : b;
  }
  static Bool implies(Bool a, Bool b) { return SB(!a.v || b.v); }
  static Bool reached(U32 now, U32 d) {
    return SB(static_cast<std::int32_t>(static_cast<std::uint32_t>(now.v - d.v)) >= 0);
  }
  static U32 add(U32 a, U32 b) { return U32(a.v + b.v); }
  template <class E>
  static U8 enum8(E e) {
    return U8(static_cast<std::uint8_t>(e));
  }
};

ConnState<Strict> lift(const RtState& c) {
  auto b = [](bool x) { return SB(x); };
  return ConnState<Strict>{SU<8>(c.state),
                           SU<64>(c.session),
                           SU<64>(c.ip_hi),
                           SU<64>(c.ip_lo),
                           SU<16>(c.port),
                           b(c.has_binding),
                           SU<64>(c.b_session),
                           SU<64>(c.b_ip_hi),
                           SU<64>(c.b_ip_lo),
                           SU<16>(c.b_port),
                           SU<32>(c.impi),
                           {b(c.impu[0]), b(c.impu[1]), b(c.impu[2]), b(c.impu[3]), b(c.impu[4]),
                            b(c.impu[5]), b(c.impu[6]), b(c.impu[7])},
                           SU<8>(c.default_impu),
                           b(c.pending_digest),
                           b(c.pending_same_impi),
                           SU<32>(c.session_expiry),
                           SU<32>(c.reg_expiry),
                           SU<32>(c.deadline)};
}

Event<Strict> lift(const RtEvent& e) {
  auto b = [](bool x) { return SB(x); };
  return Event<Strict>{SU<8>(e.kind),
                       SU<32>(e.now),
                       SU<64>(e.session),
                       SU<64>(e.ip_hi),
                       SU<64>(e.ip_lo),
                       SU<16>(e.port),
                       SU<8>(e.method),
                       b(e.credentials),
                       b(e.impi_same),
                       SU<8>(e.preferred_impu),
                       SU<8>(e.sec_verify),
                       b(e.table_room),
                       SU<8>(e.response),
                       b(e.txn_here),
                       SU<32>(e.expires_s),
                       {b(e.impu[0]), b(e.impu[1]), b(e.impu[2]), b(e.impu[3]), b(e.impu[4]),
                        b(e.impu[5]), b(e.impu[6]), b(e.impu[7])},
                       SU<32>(e.impi),
                       b(e.store_ok)};
}

bool same(const ConnState<Strict>& a, const RtState& c) {
  bool eq = a.state.v == c.state && a.session.v == c.session && a.ip_hi.v == c.ip_hi &&
            a.ip_lo.v == c.ip_lo && a.port.v == c.port && a.has_binding.v == c.has_binding &&
            a.b_session.v == c.b_session && a.b_ip_hi.v == c.b_ip_hi && a.b_ip_lo.v == c.b_ip_lo &&
            a.b_port.v == c.b_port && a.impi.v == c.impi && a.default_impu.v == c.default_impu &&
            a.pending_digest.v == c.pending_digest &&
            a.pending_same_impi.v == c.pending_same_impi &&
            a.session_expiry.v == c.session_expiry && a.reg_expiry.v == c.reg_expiry &&
            a.deadline.v == c.deadline;
  for (int i = 0; i < kMaxImpus; ++i) eq = eq && a.impu[i].v == c.impu[i];
  return eq;
}

}  // namespace

TEST_CASE(
    "IMPL-PC-DENY-UNLISTED: the machine's templates compile for a z3-like domain and agree with "
    "Concrete") {
  std::mt19937_64 rng(99);
  auto u = [&](std::uint64_t n) { return rng() % n; };
  for (int i = 0; i < 60000; ++i) {
    PcscfConfig cfg;
    cfg.allow_client_reneg = u(2);
    cfg.abort_on_no_reneg = u(2);
    cfg.tls_session_lifetime_s = static_cast<std::uint32_t>(1 + u(100));
    cfg.reneg_wait_s = static_cast<std::uint32_t>(1 + u(100));
    cfg.unbound_idle_s = static_cast<std::uint32_t>(1 + u(100));
    const RtPolicy pc = policy_of<Concrete>(cfg);
    const Policy<Strict> ps = policy_of<Strict>(cfg);
    // Arbitrary (not only invariant-satisfying) states: the formula must
    // agree everywhere.
    RtState s{};
    s.state = static_cast<std::uint8_t>(u(7));
    s.session = u(3);
    s.port = static_cast<std::uint16_t>(u(3));
    s.ip_lo = u(2);
    s.has_binding = u(2);
    s.b_session = u(3);
    s.b_port = static_cast<std::uint16_t>(u(3));
    s.b_ip_lo = u(2);
    for (auto& b : s.impu) b = u(2);
    s.default_impu = static_cast<std::uint8_t>(u(10));
    s.pending_digest = u(2);
    s.pending_same_impi = u(2);
    const std::uint32_t base = static_cast<std::uint32_t>(rng());
    s.session_expiry = static_cast<std::uint32_t>(base + u(40));
    s.reg_expiry = static_cast<std::uint32_t>(base + u(40));
    s.deadline = static_cast<std::uint32_t>(base + u(40));
    RtEvent e = make_event(static_cast<EventKind>(u(kEventCount)),
                           static_cast<std::uint32_t>(base + u(40)));
    e.session = u(3);
    e.port = static_cast<std::uint16_t>(u(3));
    e.ip_lo = u(2);
    e.method = static_cast<std::uint8_t>(u(3));
    e.credentials = u(2);
    e.impi_same = u(2);
    e.preferred_impu = static_cast<std::uint8_t>(u(10));
    e.sec_verify = static_cast<std::uint8_t>(u(3));
    e.table_room = u(2);
    e.response = static_cast<std::uint8_t>(u(4));
    e.txn_here = u(2);
    e.expires_s = static_cast<std::uint32_t>(u(3));
    for (auto& b : e.impu) b = u(2);
    e.store_ok = u(2);

    const StepResult<Concrete> rc = step<Concrete>(pc, s, e);
    const StepResult<Strict> rs = step<Strict>(ps, lift(s), lift(e));
    REQUIRE(rs.accepted.v == rc.accepted);
    REQUIRE(rs.row.v == rc.row);
    REQUIRE(same(rs.next, rc.next));
    REQUIRE(rs.fx.assert_identity.v == rc.fx.assert_identity);
    REQUIRE(rs.fx.asserted.v == rc.fx.asserted);
    REQUIRE(rs.fx.sip_code.v == rc.fx.sip_code);
    REQUIRE(check_invariants<Strict>(lift(s)).v == check_invariants<Concrete>(s));
    REQUIRE(next_deadline<Strict>(lift(s)).at.v == next_deadline<Concrete>(s).at);
    REQUIRE_FALSE(request_client_certificate<Strict>(SU<8>(s.state)).v);
    // The runtime step agrees with the formula on every input, not only on
    // reachable ones.
    RtState f = s;
    const Outcome o = step_fast(pc, f, e);
    if (s.state < kStateCount) {
      REQUIRE(o.row == rc.row);
      REQUIRE(same(rs.next, f));
    }
  }
  const ConnState<Strict> init = initial_state<Strict>(policy_of<Strict>(PcscfConfig{}), SU<32>(5));
  CHECK(init.deadline.v == 37);
  CHECK(check_invariants<Strict>(init).v);
}
