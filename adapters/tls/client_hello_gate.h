// The P-CSCF reads the UE's first ClientHello with the core's handshake reader
// before Botan sees a byte: the UE's duties of O.2.1 (versions, an encrypting
// suite, RFC 5746) are then enforced and logged with the core's requirement
// ID, not with whatever Botan would have said. Only when the core accepts is
// the buffered stream handed to Botan unchanged.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/errors.h"
#include "core/profile.h"

namespace annexo::tls {

class Client_Hello_Gate final {
 public:
  enum class State { reading, accepted, refused };

  explicit Client_Hello_Gate(const core::PcscfTlsConfig& config) : m_config(config) {}

  // Appends stream bytes. While reading, they are held; once accepted, push()
  // returns everything held so far (and later bytes pass straight through).
  State push(const std::uint8_t* data, std::size_t size);

  State state() const { return m_state; }
  // The bytes to give Botan (valid after `accepted`; drained by take()).
  std::vector<std::uint8_t> take();
  core::Error error() const { return m_error; }
  // For the log: which field, at which offset (reader errors) and the choice.
  std::string detail() const { return m_detail; }
  const core::Choice& choice() const { return m_choice; }
  // A TLS 1.2 plaintext fatal alert record carrying the core's alert for
  // error(), to send before closing (empty if the error has no alert).
  std::vector<std::uint8_t> alert_record() const;

  // How many times the held bytes were read (a figure for tests and benches).
  std::size_t reads() const { return m_reads; }

 private:
  core::PcscfTlsConfig m_config;
  State m_state = State::reading;
  std::vector<std::uint8_t> m_held;
  std::size_t m_resume_at = 0;  // no read before this many bytes are held
  std::size_t m_reads = 0;
  core::Error m_error = core::Error::ok;
  core::Choice m_choice;
  std::string m_detail;
};

}  // namespace annexo::tls
