// What the P-CSCF puts into a REGISTER it forwards and what it reads from the
// next hop's answer (TS 24.229 5.2.2; RD-109, RD-110). Pure functions on SIP
// messages, the same for both next hops (next_hop.h); the connection's machine
// decides what the facts mean.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "adapters/sip/headers.h"
#include "adapters/sip/message.h"
#include "core/pcscf_machine.h"

namespace annexo::pcscf {

// The REGISTER as forwarded: `path` (when not empty) as the top Path,
// Supported: path added when the UE did not list it, and the first
// Authorization rewritten from `creds` (the UE's parsed credentials) with its
// integrity-protected parameter removed and set as the machine says
// (O.2-PC-INTEGRITY-PROTECTED-PARAM, RD-33; none inserted without one, RD-110),
// without the UE's sec-agree fields (strip_sec_agree, RD-381).
sip::Message register_to_forward(const sip::Message& reg, const std::string& path,
                                 const std::optional<sip::DigestCredentials>& creds,
                                 core::pcscf::Integrity integrity);

// The machine's Response class of a final answer to `reg`: a 2xx is success
// only when the REGISTER has a Contact (a query changes nothing: other);
// 401/407 challenge; 403 auth_failure; anything else other.
core::pcscf::Response register_response_kind(const sip::Message& reg, const sip::Message& r);

// The registration a 2xx grants to the REGISTER's Contact: its expires
// parameter in the 2xx, else the 2xx's Expires (3600 without); 0 when the 2xx
// no longer lists that Contact (deregistered) or the REGISTER removed all ('*').
std::uint32_t granted_expires(const sip::Message& reg, const sip::Message& r);

// The IMPUs a 2xx registered: every P-Associated-URI in order; without any,
// the To URI (RD-109).
std::vector<std::string> registered_impus(const sip::Message& r);

}  // namespace annexo::pcscf
