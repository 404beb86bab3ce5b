#include "adapters/tls/server_hello_gate.h"

#include <cstdio>

#include "adapters/tls/first_hello.h"

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
  core::ServerHello sh;
  // Incremental (issue 15): no read until the bytes held could change need_more.
  if (m_held.size() < m_resume_at) return m_state;
  ++m_reads;
  const Hello_Read read = read_first_hello(m_held, gate_storage(), sh);
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
  return fatal_alert_record(m_error);
}

}  // namespace annexo::tls
