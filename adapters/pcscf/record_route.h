// The P-CSCF's Record-Route entry on dialogs (issue 12; RFC 5626 5.3, TS
// 24.229 5.2.6.3 / 5.2.6.4; decisions RD-200, RD-201, RD-202). Pure functions
// on SIP messages; the connection decides when to call them.
//
// The entry has two faces, both carrying the connection's flow token (RD-38)
// as user part, so that whichever side sends an in-dialog request, the P-CSCF
// finds the UE's own TLS connection again:
//  - the core face <sip:TOKEN@core-side-host:port;lr;transport=tcp>: what the
//    next hop and the far end see (in-dialog requests from them reach the
//    core-side listener and are routed by the token, like terminating
//    requests routed by the Path);
//  - the UE face <sip:TOKEN@tls-host:port;transport=tls;lr>: what the UE sees
//    (its in-dialog requests name the P-CSCF's TLS listener as first hop,
//    which the P-CSCF consumes, RFC 3261 16.4).
// Every request the P-CSCF Record-Routes gets the face of the side it is sent
// to; every response carrying the entry is rewritten to the face of the side
// it is relayed to (so the entry the UE sees in the answer to a target refresh
// is the one it saw in the answer to the initial request: 24.229 5.2.6.3.6).
#pragma once

#include <string>

#include "adapters/sip/message.h"

namespace annexo::pcscf {

enum class Dialog_Role {
  none,            // no dialog (MESSAGE, OPTIONS, ...) or not one that changes it (BYE, ACK, ...)
  dialog_forming,  // INVITE, SUBSCRIBE, REFER without a To tag
  target_refresh,  // INVITE, UPDATE, SUBSCRIBE, NOTIFY, REFER with a To tag (RFC 3261, 6665, 3311)
};
Dialog_Role dialog_role(const sip::Message& request);

// "<sip:TOKEN@HOST_PORT;lr PARAMS>": an entry naming a face.
std::string record_route_entry(const std::string& token, const std::string& host_port,
                               const std::string& params);

// Puts `entry` as the top Record-Route of a request.
void add_record_route(sip::Message& request, const std::string& entry);

// Rewrites in `message` every Record-Route entry whose URI user part is
// `token` (this P-CSCF's entry for that flow) to `entry`; other entries and
// fields are left as they were. Returns how many were rewritten.
int rewrite_record_route(sip::Message& message, const std::string& token, const std::string& entry);

// The first Record-Route entry whose user part is `token` ("" when none).
std::string own_record_route(const sip::Message& message, const std::string& token);

// RFC 3261 16.6 item 11 / 16.7 item 2 (RD-203): a proxied INVITE's timer is
// Timer C, more than 3 minutes, restarted by every provisional response other
// than 100; the transaction timer (Timer B, 64 x T1) applies until then.
inline constexpr unsigned kTimerCSeconds = 185;
// Does `response` to `request` restart Timer C?
bool restarts_timer_c(const sip::Message& request, const sip::Message& response);

}  // namespace annexo::pcscf
