// The signature schemes both TLS stacks offer and accept, from the core's one
// table (RD-120, RD-240): core::kDefaultSignatureSchemes in its order, with a
// P-CSCF's own ECDSA scheme first (RD-171). The stack adapters keep what
// their library can run (name tables, Botan's known schemes) and nothing else.
#pragma once

#include <cstdint>
#include <vector>

namespace annexo::tls {

// The ECDSA scheme TLS 1.3 binds to a curve (RFC 8446 4.2.3), by the curve's
// IANA NamedGroup number: secp256r1 -> ecdsa_secp256r1_sha256, secp384r1 ->
// ecdsa_secp384r1_sha384; 0 for any other group (no scheme moved).
std::uint16_t ecdsa_scheme_of_group(std::uint16_t group);

// core::kDefaultSignatureSchemes, with `own` moved to the front when it is
// one of them (RD-171: a P-CSCF with an ECDSA key signs at TLS 1.2 with the
// hash TLS 1.3 pairs with its curve); `own` 0 keeps the core's order.
std::vector<std::uint16_t> signature_schemes(std::uint16_t own = 0);

}  // namespace annexo::tls
