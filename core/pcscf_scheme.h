// P.3: the P-CSCF sorts each incoming REGISTER into an authentication scheme
// before anything else happens to it. annexo supports exactly one: "SIP Digest
// with TLS" (Annex O with Annex N), on non-3GPP access only (O.1.1, N.1). The
// access type is configuration of the listening socket (RD-39).
#pragma once

#include <cstdint>

#include "core/errors.h"

namespace annexo::core {

enum class RegisterScheme : std::uint8_t { none = 0, digest_with_tls = 1 };

struct SchemeFacts {
  bool access_3gpp = false;           // the socket's configured access type is 3GPP
  bool over_tls = false;              // arrived on an Annex O TLS connection
  bool secagree_tls_offered = false;  // unprotected REGISTER whose Security-Client offers tls
  bool aka_credentials = false;       // Authorization names an IMS AKA algorithm
};

struct SchemeDecision {
  RegisterScheme scheme;
  Error error;  // ok exactly when scheme != none; else names the requirement
};

// Deny by default: the first rule that refuses wins; only a REGISTER that is
// Annex O material on non-3GPP access is "SIP Digest with TLS".
[[nodiscard]] constexpr SchemeDecision classify_register(const SchemeFacts& f) {
  //= spec#N.1-ALL-NOT-ON-3GPP-ACCESS type=implementation
  if (f.access_3gpp) return {RegisterScheme::none, Error::pcscf_digest_on_3gpp_access};
  //= spec#O.1.1-ALL-DIGEST-REQUIRED type=implementation
  if (f.aka_credentials) return {RegisterScheme::none, Error::pcscf_aka_on_annex_o};
  //= spec#P.3-PC-SCHEME-SELECTION type=implementation
  if (f.over_tls || f.secagree_tls_offered) return {RegisterScheme::digest_with_tls, Error::ok};
  return {RegisterScheme::none, Error::pcscf_no_scheme};
}

static_assert(classify_register(SchemeFacts{false, true, false, false}).scheme ==
                  RegisterScheme::digest_with_tls,
              "TLS on non-3GPP access: SIP Digest with TLS");
static_assert(classify_register(SchemeFacts{true, true, false, false}).error ==
                  Error::pcscf_digest_on_3gpp_access,
              "3GPP access: never");
static_assert(classify_register(SchemeFacts{false, false, false, false}).scheme ==
                  RegisterScheme::none,
              "neither TLS nor sec-agree tls: no scheme");

constexpr const char* scheme_name(RegisterScheme s) {
  return s == RegisterScheme::digest_with_tls ? "SIP Digest with TLS" : "none";
}

}  // namespace annexo::core
