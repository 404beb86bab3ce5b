// Correspondence of the proofs' symbolic domain (proofs/z3_domain.h) with the
// runtime domain (core/domain.h Concrete): the one piece of the proofs that is
// not the core's own code. Exhaustive over 8-bit values, RapidCheck over
// 32/64-bit values; every Z3 term is evaluated on constants by simplify().
#include <rapidcheck/catch.h>
#include <catch2/catch.hpp>
#include <cstdint>

#include "core/domain.h"
#include "proofs/z3_domain.h"

namespace {

using annexo::core::Concrete;
using annexo::proofs::Z3D;

std::uint64_t eval(const z3::expr& e) {
  const z3::expr v = e.simplify();
  if (v.is_bool()) return v.is_true() ? 1 : 0;
  std::uint64_t out = 0;
  REQUIRE(v.is_numeral_u64(out));
  return out;
}

}  // namespace

// These cases check the proofs' tooling (domain agreement), not a requirement
// of the product: they cite none.
TEST_CASE("O.2.1-ALL-LIFETIME-LOCAL-POLICY: Z3 reached/add equal Concrete across wrap") {
  rc::prop("reached and add on 32-bit seconds", [](std::uint32_t now, std::uint32_t deadline) {
    RC_ASSERT(eval(Z3D::reached(Z3D::u32(now), Z3D::u32(deadline)).e) ==
              (Concrete::reached(now, deadline) ? 1u : 0u));
    RC_ASSERT(eval(Z3D::add(Z3D::u32(now), Z3D::u32(deadline)).e) == Concrete::add(now, deadline));
  });
  // The edges: the deadline itself, one before, and half the ring away.
  for (std::uint32_t d : {0u, 1u, 0x7FFFFFFFu, 0x80000000u, 0xFFFFFFFFu}) {
    for (std::uint32_t delta : {0u, 1u, 0xFFFFFFFFu, 0x7FFFFFFFu, 0x80000000u}) {
      const std::uint32_t now = d + delta;
      REQUIRE(eval(Z3D::reached(Z3D::u32(now), Z3D::u32(d)).e) ==
              (Concrete::reached(now, d) ? 1u : 0u));
    }
  }
}

TEST_CASE("O.2.2-PC-MATCH-FULL-TUPLE: Z3 domain operations equal Concrete") {
  for (unsigned a = 0; a < 256; ++a) {
    for (unsigned b = 0; b < 256; ++b) {
      const auto x = static_cast<std::uint8_t>(a), y = static_cast<std::uint8_t>(b);
      const auto za = Z3D::u8(x), zb = Z3D::u8(y);
      REQUIRE(eval((za == zb).e) == (x == y ? 1u : 0u));
      REQUIRE(eval(Z3D::ult(za, zb).e) == (Concrete::ult(x, y) ? 1u : 0u));
      REQUIRE(eval(Z3D::ule(za, zb).e) == (Concrete::ule(x, y) ? 1u : 0u));
      REQUIRE(eval((za + zb).e) == static_cast<std::uint8_t>(x + y));
      REQUIRE(eval((za - zb).e) == static_cast<std::uint8_t>(x - y));
    }
  }
  rc::prop("16/64-bit equality, order, select", [](std::uint16_t a, std::uint16_t b,
                                                   std::uint64_t c, std::uint64_t d, bool k) {
    RC_ASSERT(eval((Z3D::u16(a) == Z3D::u16(b)).e) == (a == b ? 1u : 0u));
    RC_ASSERT(eval(Z3D::ult(Z3D::u64(c), Z3D::u64(d)).e) == (Concrete::ult(c, d) ? 1u : 0u));
    RC_ASSERT(eval(Z3D::select(Z3D::lit(k), Z3D::u64(c), Z3D::u64(d)).e) ==
              Concrete::select(k, c, d));
    RC_ASSERT(eval(Z3D::implies(Z3D::lit(k), Z3D::lit(c < d)).e) ==
              (Concrete::implies(k, c < d) ? 1u : 0u));
  });
}
