// Botan::TLS::Callbacks for both sides. Botan calls these from inside
// received_data()/send(); they extract facts, hand them to a Tls_Events sink
// (the program's connection, which asks the core machines) and, when the core
// refuses, throw Core_Rejection so Botan sends the core's alert and aborts
// (Botan 2.19 aborts a handshake only if the callback throws).
#pragma once

#include <botan/tls_callbacks.h>
#include <botan/tls_session.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "adapters/tls/botan/cert_facts.h"
#include "core/errors.h"

namespace annexo::tls {

// What the core needs from an established (or renegotiated) session.
struct Session_Facts {
  std::uint16_t version = 0;  // wire value, 0x0303 for TLS 1.2
  std::uint16_t suite = 0;    // IANA code
  std::vector<std::uint8_t> session_id;
  std::string peer;            // "ip:port" of the TCP connection
  bool renegotiation = false;  // not the first handshake on this connection
};

// The sink a connection implements. Methods returning core::Error refuse by
// returning anything but Error::ok; the callbacks turn that into an alert.
class Tls_Events {
 public:
  virtual ~Tls_Events() = default;
  virtual void tls_out(const std::uint8_t data[], std::size_t size) = 0;  // to the socket
  virtual void tls_in(const std::uint8_t data[], std::size_t size) = 0;   // plaintext
  virtual void tls_alert_received(Botan::TLS::Alert alert) = 0;
  // Server certificate chain (UE side): the core's certificate policy verdict.
  virtual core::Error tls_chain(const Chain_Facts& facts) = 0;
  // A CertificateRequest arrived (UE side); refusing aborts the handshake.
  virtual core::Error tls_certificate_request() = 0;
  // A ClientHello inside an established connection (renegotiation, P-CSCF
  // side): its cipher suites, for the core's O.2.1 check.
  virtual core::Error tls_renegotiation_client_hello(const std::vector<std::uint16_t>& suites) = 0;
  // Handshake finished: the core binds or refuses (refusal closes).
  virtual core::Error tls_established(const Session_Facts& facts) = 0;
};

class Callbacks final : public Botan::TLS::Callbacks {
 public:
  // trusted: the UE's trust anchors (empty on the P-CSCF); now: the caller's
  // wall clock for certificate validity (adapters/net/clock.h).
  Callbacks(Tls_Events& events, std::string peer,
            std::function<std::chrono::system_clock::time_point()> now);

  void tls_emit_data(const std::uint8_t data[], std::size_t size) override;
  void tls_record_received(std::uint64_t seq_no, const std::uint8_t data[],
                           std::size_t size) override;
  void tls_alert(Botan::TLS::Alert alert) override;
  bool tls_session_established(const Botan::TLS::Session& session) override;
  void tls_verify_cert_chain(const std::vector<Botan::X509_Certificate>& cert_chain,
                             const std::vector<std::shared_ptr<const Botan::OCSP::Response>>& ocsp,
                             const std::vector<Botan::Certificate_Store*>& trusted_roots,
                             Botan::Usage_Type usage, const std::string& hostname,
                             const Botan::TLS::Policy& policy) override;
  void tls_inspect_handshake_msg(const Botan::TLS::Handshake_Message& message) override;

  std::size_t handshakes_completed() const { return m_handshakes; }

 private:
  Tls_Events& m_events;
  std::string m_peer;
  std::function<std::chrono::system_clock::time_point()> m_now;
  std::size_t m_handshakes = 0;
};

}  // namespace annexo::tls
