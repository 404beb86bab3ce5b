#include "adapters/tls/botan/callbacks.h"

#include <botan/tls_messages.h>

#include "adapters/tls/botan/alerts.h"

namespace annexo::tls {

namespace {

void refuse_unless_ok(core::Error e) {
  if (e != core::Error::ok) reject(e);
}

}  // namespace

Callbacks::Callbacks(Tls_Events& events, std::string peer,
                     std::function<std::chrono::system_clock::time_point()> now)
    : m_events(events), m_peer(std::move(peer)), m_now(std::move(now)) {}

void Callbacks::tls_emit_data(const std::uint8_t data[], std::size_t size) {
  m_events.tls_out(data, size);
}

void Callbacks::tls_record_received(std::uint64_t /*seq_no*/, const std::uint8_t data[],
                                    std::size_t size) {
  m_events.tls_in(data, size);
}

void Callbacks::tls_alert(Botan::TLS::Alert alert) {
  m_events.tls_alert_received(alert);
}

// Feeds version, suite, Session ID and peer address to the core machine. A
// refusal throws: Botan 2.19 then sends the core's alert and the connection
// never carries SIP. Returning false keeps Botan from caching the session:
// no resumption, every handshake (and every renegotiation) is a full one with
// a fresh Session ID (O.4.2-PC-REPLACE-SESSION-ID, O.3.1.1 "delete the session").
bool Callbacks::tls_session_established(const Botan::TLS::Session& session) {
  Session_Facts f;
  f.version = session.version().version_code();
  f.suite = session.ciphersuite_code();
  f.session_id = session.session_id();
  f.peer = m_peer;
  f.renegotiation = m_handshakes > 0;
  refuse_unless_ok(m_events.tls_established(f));
  ++m_handshakes;
  return false;
}

// Botan's RFC 5280 path validation, then the core's certificate policy on the
// facts. The reference identity is the core's (configured P-CSCF FQDN), so
// Botan's own hostname check is not used (`hostname` is the same name, sent as
// SNI, but RFC 6125 matching without wildcards is the core's rule).
//= spec#O.2.1-UE-AUTH-PC-BY-CERT type=implementation
//= spec#O.3.1.2-UE-ALERT-ON-CERT-FAIL type=implementation
//= spec#O.5.2-UE-NO-USER-OVERRIDE type=implementation
void Callbacks::tls_verify_cert_chain(
    const std::vector<Botan::X509_Certificate>& cert_chain,
    const std::vector<std::shared_ptr<const Botan::OCSP::Response>>& /*ocsp*/,
    const std::vector<Botan::Certificate_Store*>& trusted_roots, Botan::Usage_Type usage,
    const std::string& /*hostname*/, const Botan::TLS::Policy& /*policy*/) {
  const Chain_Facts facts = collect_chain_facts(cert_chain, trusted_roots, usage, m_now());
  refuse_unless_ok(m_events.tls_chain(facts));
}

void Callbacks::tls_inspect_handshake_msg(const Botan::TLS::Handshake_Message& message) {
  switch (message.type()) {
    case Botan::TLS::CERTIFICATE_REQUEST:
      //= spec#O.2.1-PC-NO-CLIENT-CERT-REQ type=implementation
      refuse_unless_ok(m_events.tls_certificate_request());
      break;
    case Botan::TLS::CLIENT_HELLO:
      // The first ClientHello was read by the core's handshake reader before
      // Botan saw the bytes; a later one (renegotiation) is encrypted, so it
      // is checked here from Botan's parse.
      if (m_handshakes > 0) {
        const auto& ch = dynamic_cast<const Botan::TLS::Client_Hello&>(message);
        refuse_unless_ok(m_events.tls_renegotiation_client_hello(ch.ciphersuites()));
      }
      break;
    default:
      break;
  }
}

}  // namespace annexo::tls
