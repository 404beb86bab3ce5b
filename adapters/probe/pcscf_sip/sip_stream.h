// One direction of a SIP stream as the probe records it (issue 13): bytes in,
// whole messages out, each with the byte offset where it started in that
// stream, so a verdict's evidence points at the line a lab finds in a capture.
// CRLF keep-alives (RFC 5626 3.5.1) are recorded with their offset too.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "adapters/sip/framer.h"
#include "adapters/sip/message.h"

namespace annexo::probe::pcscf_sip {

struct Sip_Seen {
  std::size_t offset = 0;
  std::string raw;  // the framed bytes
  sip::Message msg;
  // The start line ("INVITE sip:... SIP/2.0", "SIP/2.0 200 OK").
  std::string start_line() const;
  // The first field of that name as "Name: value", "" when absent.
  std::string line(const char* name) const;
};

class Sip_Stream {
 public:
  explicit Sip_Stream(sip::FramerRole role) : m_framer(role) {}
  // Feeds bytes; complete messages are appended to `out`. false on a framing
  // or parse error (`error()` says which; the stream is then unusable).
  bool feed(const std::string& bytes, std::vector<Sip_Seen>& out);
  const std::string& error() const { return m_error; }
  std::size_t bytes() const { return m_total; }
  // Offsets of the keep-alive events seen: pings ("\r\n\r\n") and pongs ("\r\n").
  const std::vector<std::size_t>& pings() const { return m_pings; }
  const std::vector<std::size_t>& pongs() const { return m_pongs; }

 private:
  sip::Framer m_framer;
  std::size_t m_total = 0;
  std::size_t m_consumed = 0;
  std::vector<std::size_t> m_pings, m_pongs;
  std::string m_error;
};

}  // namespace annexo::probe::pcscf_sip
