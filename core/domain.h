// The value domain that guards, state updates and check_invariants are
// written over, once, as templates.
//
// Why: the proofs (proofs/) must speak about the code that runs, not about a
// hand-kept copy. Every piece of machine logic that a proof needs is written
// as `template <class D> ...` using only the operations below. The runtime
// instantiates it with `Concrete` (plain integers and bool, all constexpr);
// proofs/ instantiates the same template with a Z3 domain whose Bool is a
// z3::expr of sort Bool and whose integers are bit-vectors of the same width.
//
// Contract a domain D provides (Concrete is the reference):
//   D::Bool                    && || ! == on Bool
//   D::U8, D::U16, D::U32, D::U64   == != on equal types, + - (wrap-around)
//   D::t(v) / D::f()           Bool literals true/false
//   D::u8(v) ... D::u64(v)     integer literals
//   D::ult(a, b), D::ule(a, b) unsigned < and <=
//   D::select(c, a, b)         c ? a : b, for any of the value types
//   D::implies(a, b)           !a || b
//   D::reached(now, deadline)  wrap-safe "now is at or past deadline"
//                              (serial-number arithmetic, RFC 1982 style:
//                              true iff (int32)(now - deadline) >= 0)
//   D::enum8(E::x)             an enum (underlying uint8_t) as a D::U8
// Code written against D must not branch (if/switch/?:) on a D::Bool: use
// D::select, so the same text is a formula when D is symbolic.
#pragma once

#include <cstdint>
#include <type_traits>

namespace annexo::core {

struct Concrete {
  using Bool = bool;
  using U8 = std::uint8_t;
  using U16 = std::uint16_t;
  using U32 = std::uint32_t;
  using U64 = std::uint64_t;

  static constexpr Bool t() { return true; }
  static constexpr Bool f() { return false; }
  static constexpr Bool lit(bool b) { return b; }
  static constexpr U8 u8(std::uint8_t v) { return v; }
  static constexpr U16 u16(std::uint16_t v) { return v; }
  static constexpr U32 u32(std::uint32_t v) { return v; }
  static constexpr U64 u64(std::uint64_t v) { return v; }

  template <class T>
  static constexpr Bool ult(T a, T b) {
    return a < b;
  }
  template <class T>
  static constexpr Bool ule(T a, T b) {
    return a <= b;
  }
  template <class T>
  static constexpr T select(Bool c, T a, T b) {
    return c ? a : b;
  }
  static constexpr Bool implies(Bool a, Bool b) { return !a || b; }

  // Time is seconds in a uint32_t that may wrap (the adapter's monotonic clock
  // mod 2^32). Deadlines are at most 2^31 - 1 seconds ahead.
  static constexpr Bool reached(U32 now, U32 deadline) {
    return static_cast<std::int32_t>(static_cast<std::uint32_t>(now - deadline)) >= 0;
  }
  static constexpr U32 add(U32 a, U32 b) { return static_cast<U32>(a + b); }

  template <class E>
  static constexpr U8 enum8(E e) {
    static_assert(std::is_enum<E>::value && sizeof(E) == 1, "enum8 wants a uint8_t enum");
    return static_cast<U8>(e);
  }
};

// Wrap-safe time helpers for plain code (the adapters' seconds clock mod 2^32).
using Seconds = std::uint32_t;
constexpr bool time_reached(Seconds now, Seconds deadline) {
  return Concrete::reached(now, deadline);
}
constexpr Seconds time_add(Seconds t, Seconds d) {
  return static_cast<Seconds>(t + d);
}

static_assert(time_reached(5u, 5u), "deadline itself counts as reached");
static_assert(!time_reached(4u, 5u), "one second early is not reached");
static_assert(time_reached(3u, 0xFFFFFFFEu), "reached across wrap-around");
static_assert(!time_reached(0xFFFFFFFEu, 3u), "not reached across wrap-around");

}  // namespace annexo::core
