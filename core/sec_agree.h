// RFC 3329 security agreement as the P-CSCF runs it for Annex O with SIP
// Digest: only the mechanism `tls` is ever offered or selected; `ipsec-3gpp`
// never, because Digest yields no keys for IPsec SAs (N.1-NO-IPSEC-WITH-DIGEST,
// catalogue A22). Header text is parsed by the adapter into SecMechList.
#pragma once

#include <cstdint>

#include "core/bytes.h"
#include "core/errors.h"
#include "core/pcscf_machine.h"

namespace annexo::core {

enum class SecMech : std::uint8_t { tls = 0, ipsec_3gpp = 1, digest = 2, other = 3 };

inline constexpr std::uint16_t kNoQ = 0xFFFF;  // no q parameter
inline constexpr std::uint8_t kMaxSecMechs = 8;

struct SecMechEntry {
  SecMech mech = SecMech::other;
  std::uint16_t q_milli = kNoQ;  // q in thousandths (q=0.1 -> 100)
};

struct SecMechList {
  SecMechEntry items[kMaxSecMechs];
  std::uint8_t count = 0;
};

// Appends; secagree_too_many_mechanisms when full.
[[nodiscard]] Error secagree_push(SecMechList& l, SecMech m, std::uint16_t q_milli = kNoQ);

// Whether the P-CSCF may put m in Security-Server for this authentication.
[[nodiscard]] Error secagree_may_offer(SecMech m, bool sip_digest);

// Security-Client -> Security-Server. The answer is exactly [tls]. Error
// secagree_no_tls_offered when the client lists no `tls` (O.3.2 -> 7.3.2.1:
// the P-CSCF answers SM1 with an error, nothing is negotiated).
[[nodiscard]] Error secagree_answer(const SecMechList& security_client, bool sip_digest,
                                    SecMechList* security_server);

// RFC 3329 2.3.1: Security-Verify must equal the Security-Server list sent
// (same mechanisms, same parameters, same order); otherwise
// secagree_verify_mismatch (the machine answers 494, no binding).
[[nodiscard]] Error secagree_check_verify(const SecMechList& sent, const SecMechList& verify);

// The machine's fact for a REGISTER: not_used when this registration did not
// use sec-agree (TLS-first variant), else matches/mismatch.
[[nodiscard]] pcscf::SecVerify secagree_fact(bool secagree_used, const SecMechList& sent,
                                             const SecMechList& verify);

}  // namespace annexo::core
