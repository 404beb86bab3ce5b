#include "adapters/tls/client_hello_gate.h"

#include <botan/tls_alert.h>

#include "adapters/tls/alerts.h"
#include "core/handshake_reader.h"

namespace annexo::tls {

//= spec#O.2.1-UE-NONNULL-OFFER type=implementation
//= spec#33210-6.2.1-NO-LEGACY-VERSIONS type=implementation
Client_Hello_Gate::State Client_Hello_Gate::push(const std::uint8_t* data, std::size_t size) {
  if (m_state != State::reading) {
    m_held.insert(m_held.end(), data, data + size);
    return m_state;
  }
  m_held.insert(m_held.end(), data, data + size);
  // Reassembly storage for the first handshake message (core capacity).
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
  if (msg.type != core::tls::HandshakeType::client_hello) {
    m_state = State::refused;
    m_error = core::Error::reader_unexpected_message;
    m_detail = "first handshake message is not a ClientHello";
    return m_state;
  }
  core::ClientHello ch;
  const core::ReadResult p = core::parse_client_hello(msg.body, ch);
  if (p.failed() || p.need_more) {
    m_state = State::refused;
    m_error = p.error;
    m_detail =
        std::string("field=") + core::field_name(p.field) + " offset=" + std::to_string(p.offset);
    return m_state;
  }
  const core::Error e =
      core::pcscf_check_client_hello(ch, m_config, core::HandshakeContext{}, m_choice);
  if (e != core::Error::ok) {
    m_state = State::refused;
    m_error = e;
    m_detail = "offered_suites=" + std::to_string(ch.cipher_suites.count());
    return m_state;
  }
  m_state = State::accepted;
  return m_state;
}

std::vector<std::uint8_t> Client_Hello_Gate::take() {
  std::vector<std::uint8_t> out;
  out.swap(m_held);
  return out;
}

std::vector<std::uint8_t> Client_Hello_Gate::alert_record() const {
  Botan::TLS::Alert::Type t = Botan::TLS::Alert::HANDSHAKE_FAILURE;
  if (!to_botan_alert(core::error_alert(m_error), &t)) return {};
  // RFC 5246 6.2.1 / 7.2: alert record, level fatal (2), description.
  return {0x15, 0x03, 0x03, 0x00, 0x02, 0x02, static_cast<std::uint8_t>(t)};
}

}  // namespace annexo::tls
