// Digest registration of PIXIT user 1 over an established Tls_Session: the
// "Registered UE" initial condition of spec/test_purposes/pcscf.toml, for
// the TLS TPs that need it (TP_PC_TLS_018). REGISTER, the 401's challenge
// answered with adapters/sip (RFC 7616 as 33.203 Annex N uses it), 2xx.
#pragma once

#include <string>
#include <vector>

#include "adapters/probe/pcscf_tls/handshake.h"
#include "adapters/probe/tp.h"

namespace annexo::probe::pcscf_tls {

// True once a 2xx to the REGISTER arrived within timers.sip_response_s per
// step; otherwise `why` says where it stopped. Each status line seen is
// added to `evidence` (stream "iut->probe sip").
bool register_user(Tls_Session& session, const Tp_Context& ctx, std::vector<Evidence>& evidence,
                   std::string& why);

}  // namespace annexo::probe::pcscf_tls
