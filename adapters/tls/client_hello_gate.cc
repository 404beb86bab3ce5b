#include "adapters/tls/client_hello_gate.h"

#include "adapters/tls/first_hello.h"

namespace annexo::tls {

//= spec#O.2.1-UE-NONNULL-OFFER type=implementation
//= spec#33210-6.2.1-NO-LEGACY-VERSIONS type=implementation
Client_Hello_Gate::State Client_Hello_Gate::push(const std::uint8_t* data, std::size_t size) {
  m_held.insert(m_held.end(), data, data + size);
  if (m_state != State::reading) return m_state;
  core::ClientHello ch;
  // Incremental (issue 15): no read until the bytes held could change need_more.
  if (m_held.size() < m_resume_at) return m_state;
  ++m_reads;
  const Hello_Read read = read_first_hello(m_held, gate_storage(), ch);
  if (read.status == Hello_Read::Status::need_more) {
    m_resume_at = first_hello_resume_at(m_held);
    return m_state;
  }
  if (read.status == Hello_Read::Status::refused) {
    m_state = State::refused;
    m_error = read.error;
    m_detail = read.detail;
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
  return fatal_alert_record(m_error);
}

}  // namespace annexo::tls
