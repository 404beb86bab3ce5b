// The P-CSCF's next hop towards the home network (issue 12): where a REGISTER
// or an originating request goes once the connection's machine said
// forward_request, and where its answer comes from. Two implementations:
//  - Home_Network (home_network.h): the embedded home network (users file,
//    SIP Digest, registrar, a core network answering originating requests),
//    so pcscf runs alone (the default);
//  - Remote_Next_Hop (remote_next_hop.h): a real S-CSCF or I-CSCF over TCP
//    (pcscf --next-hop), with RFC 3261 section 16 proxy hygiene.
// The per-connection Annex O logic (Connection, the core's machine and driver)
// is the same for both: it builds the request it forwards, hands it here, and
// drives its machine from the answer handed back through Next_Hop_Client.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "adapters/log/decision_log.h"
#include "adapters/sip/headers.h"
#include "adapters/sip/message.h"
#include "core/domain.h"
#include "core/pcscf_machine.h"

namespace annexo::pcscf {

// What the P-CSCF knows about a REGISTER it forwards.
struct Register_Facts {
  std::optional<sip::DigestCredentials> creds;  // the UE's Authorization, as received
  std::string impi;                             // the IMPI it concerns (impi_of)
  core::pcscf::Integrity integrity = core::pcscf::Integrity::none;  // the machine's verdict
  std::string path;                                                 // the Path this P-CSCF added
  log::Fields who;  // the connection's log fields (conn, peer)
};

// Where answers go: the server, which hands them to the connection by id.
class Next_Hop_Client {
 public:
  virtual ~Next_Hop_Client() = default;
  // The answer to a request forwarded from conn_id: `response` carries the
  // UE's own Vias (the next hop's Via removed); `reg` is set for a REGISTER.
  // May be called before forward_* returns (the embedded home network).
  virtual void next_hop_answer(std::uint64_t conn_id, const sip::Message& ue_request,
                               const Register_Facts* reg, const sip::Message& response) = 0;
};

class Next_Hop {
 public:
  virtual ~Next_Hop() = default;
  virtual const char* kind() const = 0;  // "embedded" or "remote"
  virtual bool start(std::string* err) = 0;
  // The IMPI a REGISTER concerns: the credentials' username, else what the
  // next hop can tell from the To IMPU (empty when nothing).
  virtual std::string impi_of(const sip::Message& reg,
                              const std::optional<sip::DigestCredentials>& creds) const = 0;
  // A REGISTER the machine let through: `fwd` is the REGISTER as the P-CSCF
  // forwards it (Path, Supported: path, integrity-protected set).
  virtual void forward_register(std::uint64_t conn_id, const sip::Message& ue_request,
                                const sip::Message& fwd, const Register_Facts& facts) = 0;
  // An originating request from a bound connection (P-Asserted-Identity,
  // Route from the Service-Route, Record-Route already set).
  virtual void forward_request(std::uint64_t conn_id, const sip::Message& ue_request,
                               const sip::Message& fwd) = 0;
  // URI parameters of the Path / Record-Route URI after ";lr" ("" or
  // ";transport=tcp": how the next hop reaches the core-side listener).
  virtual std::string uri_params() const = 0;
  // Without a Route on a terminating request: the Path registered for that
  // Request-URI (the embedded registrar only; a remote S-CSCF routes itself).
  virtual std::optional<std::string> registered_path(const std::string& request_uri) const = 0;
  // The connection is gone: its pending transactions are forgotten.
  virtual void connection_closed(std::uint64_t conn_id) = 0;
  virtual std::optional<core::Seconds> next_deadline() const = 0;
  virtual void on_tick(core::Seconds now) = 0;
};

}  // namespace annexo::pcscf
