// The symbolic value domain: core/domain.h's contract with Z3 terms.
//
// The core writes guards, state updates and check_invariants once as
// `template <class D>`; the runtime instantiates D = Concrete (plain integers),
// the proofs instantiate D = Z3D below, so the same source text becomes a
// formula:
//   D::Bool        -> ZBool, a Z3 term of sort Bool
//   D::U8..D::U64  -> ZBv<8|16|32|64>, Z3 bit-vectors of the same width, so
//                     + and - wrap exactly like the unsigned C++ types
//   D::ult/ule     -> bvult/bvule (unsigned comparison)
//   D::select      -> ite
//   D::reached     -> (now - deadline) as a signed bit-vector >= 0, the very
//                     serial-number comparison Concrete computes, so wrap-around
//                     is modelled, not assumed away
//   D::enum8       -> an 8-bit literal
// The wrappers exist because z3::expr has no default constructor, and the
// core's state structs are aggregates that are value-initialised (`S s{};`);
// a default ZBool is `false` and a default ZBv is 0, exactly Concrete's
// value-initialisation.
//
// One Z3 context per process (z3ctx()); the prover is single-threaded.
#pragma once

#include <z3++.h>

#include <cstdint>
#include <string>
#include <type_traits>

namespace annexo::proofs {

z3::context& z3ctx();

struct ZBool {
  z3::expr e;
  ZBool() : e(z3ctx().bool_val(false)) {}
  // Only a real `bool` converts implicitly (never an integer).
  template <class B, class = std::enable_if_t<std::is_same<B, bool>::value>>
  ZBool(B b) : e(z3ctx().bool_val(b)) {}  // NOLINT(google-explicit-constructor)
  explicit ZBool(const z3::expr& x) : e(x) {}
};

inline ZBool operator&&(const ZBool& a, const ZBool& b) {
  return ZBool(a.e && b.e);
}
inline ZBool operator||(const ZBool& a, const ZBool& b) {
  return ZBool(a.e || b.e);
}
inline ZBool operator!(const ZBool& a) {
  return ZBool(!a.e);
}
inline ZBool operator==(const ZBool& a, const ZBool& b) {
  return ZBool(a.e == b.e);
}
inline ZBool operator!=(const ZBool& a, const ZBool& b) {
  return ZBool(a.e != b.e);
}

template <unsigned W>
struct ZBv {
  static constexpr unsigned kWidth = W;
  z3::expr e;
  ZBv() : e(z3ctx().bv_val(0, W)) {}
  explicit ZBv(const z3::expr& x) : e(x) {}
};

template <unsigned W>
ZBool operator==(const ZBv<W>& a, const ZBv<W>& b) {
  return ZBool(a.e == b.e);
}
template <unsigned W>
ZBool operator!=(const ZBv<W>& a, const ZBv<W>& b) {
  return ZBool(a.e != b.e);
}
template <unsigned W>
ZBv<W> operator+(const ZBv<W>& a, const ZBv<W>& b) {
  return ZBv<W>(a.e + b.e);
}
template <unsigned W>
ZBv<W> operator-(const ZBv<W>& a, const ZBv<W>& b) {
  return ZBv<W>(a.e - b.e);
}
template <unsigned W>
ZBv<W> operator&(const ZBv<W>& a, const ZBv<W>& b) {
  return ZBv<W>(a.e & b.e);
}
template <unsigned W>
ZBv<W> operator|(const ZBv<W>& a, const ZBv<W>& b) {
  return ZBv<W>(a.e | b.e);
}
template <unsigned W>
ZBv<W> operator^(const ZBv<W>& a, const ZBv<W>& b) {
  return ZBv<W>(a.e ^ b.e);
}

// The domain handed to the core's templates.
struct Z3D {
  using Bool = ZBool;
  using U8 = ZBv<8>;
  using U16 = ZBv<16>;
  using U32 = ZBv<32>;
  using U64 = ZBv<64>;

  static Bool t() { return ZBool(z3ctx().bool_val(true)); }
  static Bool f() { return ZBool(z3ctx().bool_val(false)); }
  static Bool lit(bool b) { return ZBool(z3ctx().bool_val(b)); }
  static U8 u8(std::uint8_t v) { return U8(z3ctx().bv_val(static_cast<unsigned>(v), 8)); }
  static U16 u16(std::uint16_t v) { return U16(z3ctx().bv_val(static_cast<unsigned>(v), 16)); }
  static U32 u32(std::uint32_t v) { return U32(z3ctx().bv_val(static_cast<unsigned>(v), 32)); }
  static U64 u64(std::uint64_t v) { return U64(z3ctx().bv_val(static_cast<std::uint64_t>(v), 64)); }

  template <class T>
  static Bool ult(const T& a, const T& b) {
    return ZBool(z3::ult(a.e, b.e));
  }
  template <class T>
  static Bool ule(const T& a, const T& b) {
    return ZBool(z3::ule(a.e, b.e));
  }
  template <class T>
  static T select(const Bool& c, const T& a, const T& b) {
    return T(z3::ite(c.e, a.e, b.e));
  }
  static Bool implies(const Bool& a, const Bool& b) { return ZBool(z3::implies(a.e, b.e)); }
  // Concrete: (int32)(uint32)(now - deadline) >= 0.
  static Bool reached(const U32& now, const U32& deadline) {
    return ZBool(z3::sge(now.e - deadline.e, z3ctx().bv_val(0, 32)));
  }
  template <class T>
  static T add(const T& a, const T& b) {
    return T(a.e + b.e);
  }
  template <class E>
  static U8 enum8(E e) {
    static_assert(std::is_enum<E>::value && sizeof(E) == 1, "enum8 wants a uint8_t enum");
    return u8(static_cast<std::uint8_t>(e));
  }
};

// ---- fresh symbols and model read-back ----

inline ZBool fresh(ZBool*, const std::string& name) {
  return ZBool(z3ctx().bool_const(name.c_str()));
}
template <unsigned W>
ZBv<W> fresh(ZBv<W>*, const std::string& name) {
  return ZBv<W>(z3ctx().bv_const(name.c_str(), W));
}

// Value of a term in a model (model completion on: unconstrained symbols
// get a value).
std::uint64_t model_u64(const z3::model& m, const z3::expr& e);
inline std::uint64_t model_value(const z3::model& m, const ZBool& b) {
  return model_u64(m, b.e);
}
template <unsigned W>
std::uint64_t model_value(const z3::model& m, const ZBv<W>& v) {
  return model_u64(m, v.e);
}

}  // namespace annexo::proofs
