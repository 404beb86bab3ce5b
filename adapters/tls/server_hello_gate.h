// The UE reads the P-CSCF's ServerHello with the core's handshake reader
// before Botan sees a byte, and checks it with core::ue_check_server_hello
// (version, a suite it offered, RFC 5746): the P-CSCF's duties of O.2.1 are
// then enforced and logged with the core's requirement ID. Botan's own checks
// still run afterwards on the same bytes. A stream that starts with an alert
// record (the P-CSCF refused our ClientHello) is passed to Botan unchanged, so
// the alert is reported as the P-CSCF's.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/errors.h"
#include "core/profile.h"

namespace annexo::tls {

class Server_Hello_Gate final {
 public:
  enum class State { reading, accepted, refused, passthrough };

  Server_Hello_Gate(const core::UeTlsConfig& config, const core::Offer& offer)
      : m_config(config), m_offer(offer) {}

  State push(const std::uint8_t* data, std::size_t size);
  State state() const { return m_state; }
  // Bytes to give Botan (after accepted or passthrough).
  std::vector<std::uint8_t> take();
  core::Error error() const { return m_error; }
  std::string detail() const { return m_detail; }
  const core::Negotiated& negotiated() const { return m_negotiated; }
  // TLS 1.2 fatal alert record for error() (empty if it has no alert).
  std::vector<std::uint8_t> alert_record() const;

  // How many times the held bytes were read (a figure for tests and benches).
  std::size_t reads() const { return m_reads; }

 private:
  core::UeTlsConfig m_config;
  core::Offer m_offer;
  State m_state = State::reading;
  std::vector<std::uint8_t> m_held;
  std::size_t m_resume_at = 0;  // no read before this many bytes are held
  std::size_t m_reads = 0;
  core::Error m_error = core::Error::ok;
  core::Negotiated m_negotiated;
  std::string m_detail;
};

}  // namespace annexo::tls
