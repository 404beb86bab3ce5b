#include "adapters/tls/server_hello_gate.h"

#include <botan/tls_alert.h>

#include <cstdio>

#include "adapters/tls/alerts.h"
#include "core/handshake_reader.h"

namespace annexo::tls {

//= spec#O.1.2-PC-DECIDES-SUITE type=implementation
//= spec#33210-6.2.1-NO-LEGACY-VERSIONS type=implementation
Server_Hello_Gate::State Server_Hello_Gate::push(const std::uint8_t* data, std::size_t size) {
  m_held.insert(m_held.end(), data, data + size);
  if (m_state != State::reading) return m_state;
  // RFC 5246 6.2.1: content type 21 = alert. The P-CSCF refused our
  // ClientHello: Botan reads and reports the alert.
  if (!m_held.empty() && m_held.front() == 21) {
    m_state = State::passthrough;
    return m_state;
  }
  std::vector<std::uint8_t> storage(core::kHandshakeBufferCapacity);
  core::HandshakeMessage msg;
  std::size_t consumed = 0;
  const core::ReadResult r = core::read_first_message(
      core::ByteView(m_held.data(), m_held.size()), storage.data(), storage.size(), msg, consumed);
  if (r.need_more && !r.failed()) return m_state;
  if (r.failed()) {
    m_state = State::refused;
    m_error = r.error;
    m_detail =
        std::string("field=") + core::field_name(r.field) + " offset=" + std::to_string(r.offset);
    return m_state;
  }
  if (msg.type != core::tls::HandshakeType::server_hello) {
    m_state = State::refused;
    m_error = core::Error::reader_unexpected_message;
    m_detail = "first handshake message from the P-CSCF is not a ServerHello";
    return m_state;
  }
  core::ServerHello sh;
  const core::ReadResult p = core::parse_server_hello(msg.body, sh);
  if (p.failed() || p.need_more) {
    m_state = State::refused;
    m_error = p.error;
    m_detail =
        std::string("field=") + core::field_name(p.field) + " offset=" + std::to_string(p.offset);
    return m_state;
  }
  const core::Error e =
      core::ue_check_server_hello(sh, m_offer, m_config, core::HandshakeContext{}, m_negotiated);
  if (e != core::Error::ok) {
    m_state = State::refused;
    m_error = e;
    char buf[64];
    std::snprintf(buf, sizeof(buf), "version=0x%04X", sh.legacy_version);
    m_detail = buf;
    return m_state;
  }
  m_state = State::accepted;
  return m_state;
}

std::vector<std::uint8_t> Server_Hello_Gate::take() {
  std::vector<std::uint8_t> out;
  out.swap(m_held);
  return out;
}

std::vector<std::uint8_t> Server_Hello_Gate::alert_record() const {
  Botan::TLS::Alert::Type t = Botan::TLS::Alert::HANDSHAKE_FAILURE;
  if (!to_botan_alert(core::error_alert(m_error), &t)) return {};
  return {0x15, 0x03, 0x03, 0x00, 0x02, 0x02, static_cast<std::uint8_t>(t)};
}

}  // namespace annexo::tls
