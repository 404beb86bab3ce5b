// The stack-neutral face of a TLS connection (issue 14): what the programs,
// the SIP layer and the event loop see, whichever TLS library runs
// underneath (Botan 2.19 today through callbacks.h, OpenSSL 3.0 through
// adapters/tls/openssl). An Endpoint is fed the bytes read from the socket
// and hands back, through Endpoint_Events, the bytes to write, the plaintext,
// the alerts the peer sent and the facts the core decides on. It owns no
// socket, no clock and no thread. Refusals come back as core::Error from the
// events; the endpoint turns them into the core's alert (core/tls_alert.h,
// IANA numbers) as far as its library lets it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "adapters/tls/chain_report.h"
#include "core/errors.h"
#include "core/profile.h"

namespace annexo::tls {

// What identifies the TLS session in the O.2.2 binding (decision RD-05,
// RD-116): TLS 1.2 the P-CSCF's non-empty Session ID; TLS 1.3 (no Session
// ID, RFC 8446 4.1.2) a 32-byte value of the TLS exporter (RFC 8446 7.5)
// with the private label kSessionHandleLabel and no context. Both ends of one
// connection compute the same value; two handshakes never do.
enum class Handle_Kind { session_id, exporter };
inline constexpr char kSessionHandleLabel[] = "EXPERIMENTAL-annexo-O.2.2-session-handle";
inline constexpr std::size_t kExporterHandleSize = 32;

struct Handshake_Facts {
  std::uint16_t version = 0;  // wire value: 0x0303 TLS 1.2, 0x0304 TLS 1.3
  std::uint16_t suite = 0;    // IANA code
  std::uint16_t group = 0;    // IANA NamedGroup of the key exchange (0: none/unknown)
  Handle_Kind handle_kind = Handle_Kind::session_id;
  std::vector<std::uint8_t> session_handle;
  bool renegotiation = false;  // TLS 1.2: not the first handshake on this connection
  bool resumed = false;        // an abbreviated handshake (never with our policies)
  std::string peer;            // "ip:port" of the TCP connection
};

// An alert the peer sent, with its IANA number (RFC 8446 6, RFC 5246 7.2).
struct Alert_Fact {
  int description = 0;
  bool fatal = false;
};

class Endpoint_Events {
 public:
  virtual ~Endpoint_Events() = default;
  virtual void tls_out(const std::uint8_t data[], std::size_t size) = 0;        // to the socket
  virtual void tls_plaintext(const std::uint8_t data[], std::size_t size) = 0;  // SIP bytes
  virtual void tls_alert_received(const Alert_Fact& alert) = 0;
  // UE: the P-CSCF's chain, for core::cert_verdict (via to_core_facts).
  virtual core::Error tls_peer_chain(const Peer_Chain& chain) = 0;
  // UE: a CertificateRequest arrived; refusing aborts the handshake.
  virtual core::Error tls_certificate_request() = 0;
  // P-CSCF: a ClientHello inside an established TLS 1.2 connection.
  virtual core::Error tls_renegotiation_client_hello(const std::vector<std::uint16_t>& suites) = 0;
  // A handshake finished (first, or a TLS 1.2 renegotiation).
  virtual core::Error tls_handshake_complete(const Handshake_Facts& facts) = 0;
  // TLS 1.3 KeyUpdate (RD-117): `received` from the peer or sent by us;
  // `update_requested` as on the wire. The session handle does not change.
  virtual void tls_key_update(bool /*received*/, bool /*update_requested*/) {}
  // The peer sent close_notify.
  virtual void tls_peer_closed() {}
};

enum class Failure_Source {
  none,
  gate,            // the core's reader refused the raw first Hello (before the library)
  core_rejection,  // an event returned a core::Error
  tls_protocol,    // the library refused the peer's TLS
  peer_alert,      // the peer sent a fatal alert
  internal,
};

struct Endpoint_Failure {
  Failure_Source source = Failure_Source::none;
  core::Error error = core::Error::ok;  // gate / core_rejection
  int alert_sent = -1;                  // IANA number of the fatal alert we sent, -1 none
  int alert_received = -1;              // IANA number of the fatal alert the peer sent
  std::string what;                     // for the log
};

const char* failure_source_name(Failure_Source s);

// Handshake_Facts::session_handle as the programs log it: lower-case hex.
std::string handle_hex(const std::vector<std::uint8_t>& handle);

class Endpoint {
 public:
  virtual ~Endpoint() = default;
  // Client: writes the ClientHello (through tls_out). Server: nothing.
  virtual void start() = 0;
  // Bytes read from the socket. False once the endpoint failed (failure()).
  virtual bool received(const std::uint8_t data[], std::size_t size) = 0;
  // Plaintext to protect and send (after the handshake).
  virtual bool send(const std::uint8_t data[], std::size_t size) = 0;
  // O.4.2 session refresh, what the P-CSCF machine's hello_request means
  // (RD-04, RD-117): TLS 1.2 server HelloRequest; TLS 1.3 KeyUpdate with
  // update_requested. False if the library refused.
  virtual bool refresh_session() = 0;
  // close_notify.
  virtual void close() = 0;
  virtual bool established() const = 0;
  virtual bool failed() const = 0;
  virtual const Endpoint_Failure& failure() const = 0;
  virtual const char* stack_name() const = 0;
  // P-CSCF: the core's choice (core::pcscf_check_client_hello) read from the
  // raw first ClientHello by the endpoint's Client_Hello_Gate, whichever
  // stack runs. Version 0 while the gate is still reading, after a refusal,
  // and always on a client endpoint (it has no ClientHello gate).
  virtual const core::Choice& gate_choice() const = 0;
};

}  // namespace annexo::tls
