#include "adapters/probe/pcscf_sip/sip_stream.h"

namespace annexo::probe::pcscf_sip {

std::string Sip_Seen::start_line() const {
  return raw.substr(0, raw.find("\r\n"));
}

std::string Sip_Seen::line(const char* name) const {
  const std::string* v = msg.first(name);
  return v == nullptr ? "" : sip::canonical_header_name(name) + ": " + *v;
}

bool Sip_Stream::feed(const std::string& bytes, std::vector<Sip_Seen>& out) {
  if (!m_error.empty()) return false;
  m_total += bytes.size();
  m_framer.feed(bytes);
  for (;;) {
    auto ev = m_framer.next();
    if (!ev.ok()) {
      m_error = "framing: " + ev.error().text();
      return false;
    }
    if (!ev->has_value()) return true;
    const sip::FrameEvent& e = **ev;
    if (e.kind == sip::FrameKind::ping) {
      m_pings.push_back(m_consumed);
      m_consumed += 4;
      continue;
    }
    if (e.kind == sip::FrameKind::pong) {
      m_pongs.push_back(m_consumed);
      m_consumed += 2;
      continue;
    }
    auto parsed = sip::parse_message(e.bytes);
    if (!parsed.ok()) {
      m_error = "parse at offset " + std::to_string(m_consumed) + ": " + parsed.error().text();
      return false;
    }
    out.push_back(Sip_Seen{m_consumed, e.bytes, std::move(*parsed)});
    m_consumed += e.bytes.size();
  }
}

}  // namespace annexo::probe::pcscf_sip
