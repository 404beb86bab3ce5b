// RFC 3329 header text <-> the core's sec-agree lists (core/sec_agree.h). The
// core decides what is offered and whether Security-Verify echoes it; this
// file only converts header fields.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "adapters/sip/headers.h"
#include "adapters/sip/message.h"
#include "adapters/sip/result.h"
#include "core/errors.h"
#include "core/pcscf_machine.h"
#include "core/sec_agree.h"

namespace annexo::pcscf {

// Every field of that name (Security-Client / -Server / -Verify), parsed and
// joined in order; nothing when the request has none. Malformed text is a
// SipError naming the header (answered 400).
sip::Result<std::vector<sip::SecMechanism>> security_fields(const sip::Message& m,
                                                            const char* name);

// The core's list for a parsed one. An entry with any parameter other than q
// becomes SecMech::other: this P-CSCF never sends such parameters, so such an
// entry can never be an echo of its Security-Server (RFC 3329 2.3.1 compares
// parameters too). Error::secagree_too_many_mechanisms past kMaxSecMechs.
core::Error to_core_list(const std::vector<sip::SecMechanism>& in, core::SecMechList* out);

// Header text of a core list ("tls", "tls;q=0.1").
std::string format_core_list(const core::SecMechList& l);

// The Security-Verify fact of a REGISTER that arrived over TLS (the machine's
// Event::sec_verify): not_used without Security-Verify (TLS-first variant),
// else whether it equals `sent` (core secagree_fact). 400 on malformed text.
sip::Result<core::pcscf::SecVerify> security_verify_fact(const sip::Message& m,
                                                         const core::SecMechList& sent);

// RD-381 (24229-5.2.2-PC-REMOVE-SECAGREE): the sec-agree header fields are
// between the UE and its first hop, the P-CSCF; a request it forwards carries
// none of them: every Security-Client and Security-Verify goes, and the option
// tag sec-agree is taken out of Require and Proxy-Require (other tags stay, a
// field left empty goes). A field whose option tags do not parse is left as
// received. Returns how many fields were removed or rewritten.
std::size_t strip_sec_agree(sip::Message& m);

}  // namespace annexo::pcscf
