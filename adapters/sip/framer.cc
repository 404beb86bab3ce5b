#include "adapters/sip/framer.h"

#include <cctype>

#include "adapters/sip/scan.h"

namespace annexo::sip {
namespace {

using scan::ieq;
using scan::trim;

// Finds Content-Length in a header section (start line excluded; lines end in
// CRLF; folding is honoured by skipping continuation lines, which cannot start
// a Content-Length field). Returns the value, or an error.
Result<std::size_t> content_length(std::string_view head, std::size_t limit) {
  std::optional<std::size_t> found;
  std::size_t p = head.find("\r\n");
  if (p == std::string_view::npos) return sip_error("framing", "no header section");
  p += 2;
  while (p < head.size()) {
    std::size_t e = head.find("\r\n", p);
    if (e == std::string_view::npos) e = head.size();
    std::string_view line = head.substr(p, e - p);
    p = e + 2;
    std::size_t colon = line.find(':');
    if (colon == std::string_view::npos || line.empty() || line[0] == ' ' || line[0] == '\t')
      continue;  // the parser reports malformed lines precisely
    std::string_view name = trim(line.substr(0, colon));
    if (!ieq(name, "Content-Length") && !ieq(name, "l")) continue;
    std::string_view v = trim(line.substr(colon + 1));
    // Folded continuation of a Content-Length value is not accepted.
    if (p < head.size() && (head[p] == ' ' || head[p] == '\t'))
      return sip_error("Content-Length", "folded value not accepted");
    if (v.empty()) return sip_error("Content-Length", "empty value");
    if (v.size() > 9) return sip_error("Content-Length", "value too large", 513);
    std::size_t n = 0;
    for (char c : v) {
      if (c < '0' || c > '9') return sip_error("Content-Length", "not a decimal number");
      n = n * 10 + static_cast<std::size_t>(c - '0');
    }
    if (found && *found != n) return sip_error("Content-Length", "repeated with different values");
    found = n;
  }
  //= spec#ADP-SIP-STREAM-FRAMING type=implementation
  if (!found)
    return sip_error("Content-Length", "missing (mandatory over TCP/TLS, RFC 3261 section 18.3)");
  if (*found > limit)
    return sip_error("Content-Length",
                     "body of " + std::to_string(*found) + " bytes exceeds the limit", 513);
  return *found;
}

}  // namespace

Framer::Framer(FramerRole role, FrameLimits limits) : role_(role), limits_(limits) {}

void Framer::feed(std::string_view bytes) {
  if (failed_) return;
  compact();
  buf_.append(bytes.data(), bytes.size());
}

void Framer::feed(const std::uint8_t* data, std::size_t size) {
  feed(std::string_view(reinterpret_cast<const char*>(data), size));
}

void Framer::compact() {
  if (pos_ > 0 && (pos_ >= 4096 || pos_ == buf_.size())) {
    buf_.erase(0, pos_);
    pos_ = 0;
  }
}

Result<std::optional<FrameEvent>> Framer::fail(SipError e) {
  failed_ = e;
  buf_.clear();
  pos_ = 0;
  return e;
}

Result<std::optional<FrameEvent>> Framer::next() {
  if (failed_) return *failed_;
  std::string_view b(buf_);
  b.remove_prefix(pos_);
  if (b.empty()) return std::optional<FrameEvent>{};

  // Keep-alives between messages (RFC 5626 sections 3.5.1 and 4.4.1).
  if (b[0] == '\r') {
    if (b.size() < 2) return std::optional<FrameEvent>{};
    if (b[1] != '\n') return fail(sip_error("framing", "CR not followed by LF between messages"));
    if (role_ == FramerRole::client) {
      pos_ += 2;
      return std::optional<FrameEvent>{FrameEvent{FrameKind::pong, {}}};
    }
    //= spec#5626-5.4-PC-CRLF-PONG type=implementation
    if (b.size() < 3) return std::optional<FrameEvent>{};
    if (b[2] == '\r') {
      if (b.size() < 4) return std::optional<FrameEvent>{};
      if (b[3] != '\n') return fail(sip_error("framing", "CR not followed by LF between messages"));
      pos_ += 4;
      return std::optional<FrameEvent>{FrameEvent{FrameKind::ping, {}}};
    }
    pos_ += 2;
    return std::optional<FrameEvent>{FrameEvent{FrameKind::pong, {}}};
  }
  if (b[0] == '\n') return fail(sip_error("framing", "bare LF between messages"));

  std::size_t end = b.find("\r\n\r\n");
  if (end == std::string_view::npos) {
    if (b.size() > limits_.max_header_section)
      return fail(sip_error("header-section",
                            "longer than " + std::to_string(limits_.max_header_section) + " bytes",
                            513));
    return std::optional<FrameEvent>{};
  }
  std::size_t head_len = end + 4;
  if (head_len > limits_.max_header_section)
    return fail(sip_error("header-section",
                          "longer than " + std::to_string(limits_.max_header_section) + " bytes",
                          513));
  auto cl = content_length(b.substr(0, end + 2), limits_.max_message);
  if (!cl) return fail(cl.error());
  //= spec#ADP-SIP-MAX-MESSAGE-SIZE type=implementation
  if (head_len + *cl > limits_.max_message)
    return fail(sip_error("framing",
                          "message of " + std::to_string(head_len + *cl) + " bytes exceeds the " +
                              std::to_string(limits_.max_message) + "-byte limit",
                          513));
  if (b.size() < head_len + *cl) return std::optional<FrameEvent>{};
  FrameEvent ev{FrameKind::message, std::string(b.substr(0, head_len + *cl))};
  pos_ += head_len + *cl;
  compact();
  return std::optional<FrameEvent>{std::move(ev)};
}

}  // namespace annexo::sip
