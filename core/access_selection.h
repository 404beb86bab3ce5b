// UE access-security selection (TS 33.203 O.1.1 and its NOTE 2, N.1).
//
// Inputs: the access type (3GPP-defined or not), which mechanisms are
// available (Annex O TLS: implemented, enabled by configuration and offered by
// the network; IPsec per the main body / IMS AKA) and the operator policy
// `require_signalling_security`. Output: one mechanism, or none (abort).
//
// The decision is written once as a template over the value domain D
// (core/domain.h) so the proofs reason about the very function that runs.
// Decision order (deny by default):
//   3GPP access:      IPsec, else none.  Never Annex O, never SIP Digest.
//   non-3GPP access:  Annex O TLS, else IPsec, else (policy unset only)
//                     unprotected SIP Digest, else none.
#pragma once

#include <cstdint>

#include "core/domain.h"
#include "core/errors.h"

namespace annexo::core {

enum class Mechanism : std::uint8_t {
  none = 0,         // no acceptable mechanism: abort
  annex_o_tls = 1,  // TLS per Annex O with SIP Digest (the UE machine runs it)
  ipsec = 2,        // IPsec per the main body (handed off; not this machine)
  unprotected = 3,  // SIP Digest without TLS (handed off; only without the policy)
};
inline constexpr std::uint8_t kMechanismCount = 4;

template <class D>
typename D::U8 select_mechanism(typename D::Bool access_3gpp, typename D::Bool tls_available,
                                typename D::Bool ipsec_available,
                                typename D::Bool require_signalling_security) {
  const auto none = D::enum8(Mechanism::none);
  const auto tls = D::enum8(Mechanism::annex_o_tls);
  const auto ipsec = D::enum8(Mechanism::ipsec);
  const auto unprot = D::enum8(Mechanism::unprotected);
  //= spec#O.1.1-ALL-NOT-ON-3GPP-ACCESS type=implementation
  //= spec#N.1-UE-NO-DIGEST-ON-3GPP type=implementation
  // On 3GPP access only IPsec is a candidate: Annex O and SIP Digest (with or
  // without TLS) are never selected there.
  const auto on_3gpp = D::select(ipsec_available, ipsec, none);
  //= spec#O.1.1-OP-NO-BIDDOWN type=implementation
  // With the policy set the fallback after TLS and IPsec is "none" (abort),
  // never unprotected signalling.
  const auto last_resort = D::select(require_signalling_security, none, unprot);
  //= spec#UE-IMPL-ACCESS-PREFERENCE type=implementation
  const auto off_3gpp =
      D::select(tls_available, tls, D::select(ipsec_available, ipsec, last_resort));
  return D::select(access_3gpp, on_3gpp, off_3gpp);
}

struct AccessFacts {
  bool access_3gpp = false;
  bool tls_available = false;    // Annex O implemented, enabled and offered
  bool ipsec_available = false;  // IPsec (main body) possible on this access
};

struct AccessDecision {
  Mechanism mechanism;
  Error error;  // Error::ok unless mechanism == none; then names the requirement
};

// Concrete wrapper with a precise error when nothing acceptable is left.
[[nodiscard]] AccessDecision select_access_security(const AccessFacts& facts,
                                                    bool require_signalling_security);

}  // namespace annexo::core
