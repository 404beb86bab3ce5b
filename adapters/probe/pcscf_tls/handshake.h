// A complete profile handshake with the IUT: the ClientHello comes from the
// core's offer builder (core::build_offer) through annexo's OpenSSL client
// endpoint (adapters/tls/openssl), and the probe keeps what it needs to judge
// (TP_PC_TLS_013/017/019, TP_PC_CERT_*): the server's cleartext handshake
// messages read by the core's reader with their offsets, the certificate
// chain as facts for the core's certificate policy, the negotiated facts.
// The probe never refuses anything itself here: every event answers ok, so
// the handshake runs as far as the IUT takes it and the TP judges after.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "adapters/probe/tp.h"
#include "adapters/probe/wire.h"
#include "adapters/tls/chain_report.h"
#include "adapters/tls/endpoint.h"
#include "adapters/tls/openssl/context.h"
#include "adapters/tls/openssl/endpoint.h"
#include "core/profile.h"

namespace annexo::probe::pcscf_tls {

struct Server_Message {
  std::uint8_t type = 0;   // HandshakeType
  std::size_t offset = 0;  // of its record in the iut->probe stream
  std::vector<std::uint8_t> body;
};

struct Handshake_Run {
  core::UeTlsConfig config;  // what was offered (core::build_offer)
  core::Offer offer;
  bool connected = false;
  std::string error;  // connect or setup failure (the TP's `error`)
  bool established = false;
  bool timed_out = false;
  bool peer_closed = false;
  tls::Endpoint_Failure failure;
  tls::Handshake_Facts facts;
  std::vector<Server_Message> messages;  // cleartext handshake messages, in order
  bool chain_seen = false;
  tls::Peer_Chain chain;
  int certificate_requests = 0;  // seen by the client endpoint (any version)
  int handshakes = 0;            // completed on this connection (renegotiations too)
  std::vector<tls::Alert_Fact> alerts;
  std::vector<std::uint8_t> from_iut;  // the whole iut->probe stream
  int local_port = 0;
  // After the handshake: the SignatureScheme of the server's signature
  // (TLS 1.3 CertificateVerify, TLS 1.2 ServerKeyExchange) as OpenSSL saw
  // it, 0 when unknown.
  std::uint16_t peer_signature_scheme = 0;
};

// Runs the handshake against host:port (the PIXIT's by default) within
// timers.handshake_s, offering TLS 1.2 and, when the PICS claims it, TLS 1.3.
Handshake_Run profile_handshake(const Tp_Context& ctx, const std::string& host, int port,
                                bool tls13);
Handshake_Run profile_handshake(const Tp_Context& ctx);

class Recorder;

// One connection with the IUT through annexo's OpenSSL client endpoint, kept
// open after the handshake (SIP inside it, renegotiation: TP_PC_TLS_018).
class Tls_Session {
 public:
  explicit Tls_Session(const Tp_Context& ctx);
  ~Tls_Session();
  Tls_Session(const Tls_Session&) = delete;
  Tls_Session& operator=(const Tls_Session&) = delete;

  // Connects and runs the handshake within timers.handshake_s; true when established.
  bool handshake(const std::string& host, int port, bool tls13);
  // Reads from the IUT and feeds the endpoint until done() or the budget runs out
  // (timeout), or the IUT closes (closed / reset).
  Read_End pump(int budget_ms, const std::function<bool()>& done);
  bool send(const std::string& plaintext);
  std::string& plaintext();  // what the IUT sent inside TLS, not yet consumed
  tls::openssl::Openssl_Endpoint& endpoint();
  Tcp_Conn& conn() { return m_conn; }
  Handshake_Run& run() { return m_run; }
  void close();
  // Call before handshake(): keep the connection's key log (SSLKEYLOGFILE
  // lines) so the probe can protect a record itself (TP_PC_TLS_022).
  void keep_key_log() { m_key_log = true; }
  // Call before handshake(): a change to the client's SSL_CTX after the
  // core's settings (TP_PC_TLS_016 keeps tickets to attempt 0-RTT).
  void configure(std::function<void(SSL_CTX*)> f) { m_configure = std::move(f); }
  SSL_CTX* ssl_ctx() { return m_built ? m_built->ctx.get() : nullptr; }
  // The hex value of a key log label (CLIENT_TRAFFIC_SECRET_0), "" if none.
  std::string key_log(const std::string& label) const;

 private:
  const Tp_Context& m_ctx;
  Handshake_Run m_run;
  Tcp_Conn m_conn;
  std::unique_ptr<tls::openssl::Built_Context> m_built;
  std::unique_ptr<Recorder> m_events;
  std::unique_ptr<tls::openssl::Openssl_Endpoint> m_ep;
  bool m_key_log = false;
  std::function<void(SSL_CTX*)> m_configure;
};

// One line about how the handshake ended.
std::string summary(const Handshake_Run& h);

}  // namespace annexo::probe::pcscf_tls
