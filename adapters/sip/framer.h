// Stream framing of SIP over TCP/TLS (RFC 3261 section 18.3) with RFC 5626
// CRLF keep-alives.
//
// Bytes go in as they arrive (any split); complete events come out:
//  - message: one whole SIP message (start line, headers, body of exactly
//    Content-Length bytes). It is NOT parsed here; call parse_message().
//  - ping: "\r\n\r\n" between messages (RFC 5626 section 3.5.1). The server
//    (P-CSCF) answers with a pong ("\r\n") at once (5626-5.4-PC-CRLF-PONG).
//  - pong: a single "\r\n" between messages (RFC 5626 section 4.4.1).
//
// Role decides how a CRLF between messages is read, so that the result never
// depends on how the stream is split:
//  - Role::server (P-CSCF): "\r\n\r\n" is a ping; "\r\n" followed by anything
//    other than '\r' is a pong (a stray CRLF; RFC 3261 section 7.5 lets a
//    server ignore it); "\r\n" or "\r\n\r" at the end of the buffer waits for
//    more bytes.
//  - Role::client (UE): every "\r\n" is a pong at once (servers do not ping
//    clients in RFC 5626; a UE must not sit on a pong waiting for a second CRLF).
//
// Strictness (documented decisions):
//  - Content-Length (or compact "l") is mandatory over a stream (RFC 3261
//    section 18.3); missing, non-decimal, repeated with different values, or
//    larger than the limit is a framing error.
//  - The header section ends at the first "\r\n\r\n"; bare LF line ends are
//    not accepted as the end of the header section.
//  - A message larger than Limits::max_message (default 64 KiB) is refused
//    with status 513 (RFC 3261 section 21.5.11) before its body is buffered.
//  - After a framing error the stream position is lost: the framer stays
//    failed and the connection must be closed (there is no parsed Via to
//    answer to; log the error's text()).
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>

#include "adapters/sip/result.h"

namespace annexo::sip {

struct FrameLimits {
  // Whole message: start line + header section + body. 64 KiB bounds the
  // memory one connection can pin in the framer.
  std::size_t max_message = 64 * 1024;
  // Header section alone (start line included, up to the blank line).
  std::size_t max_header_section = 16 * 1024;
};

enum class FrameKind { message, ping, pong };

struct FrameEvent {
  FrameKind kind = FrameKind::message;
  std::string bytes;  // the whole message for FrameKind::message, empty otherwise
};

enum class FramerRole { server, client };

class Framer {
 public:
  explicit Framer(FramerRole role = FramerRole::server, FrameLimits limits = FrameLimits{});

  // Appends received bytes (ignored once failed()).
  void feed(std::string_view bytes);
  void feed(const std::uint8_t* data, std::size_t size);

  // The next complete event, std::nullopt when more bytes are needed, or the
  // framing error (then failed() is true and stays true).
  Result<std::optional<FrameEvent>> next();

  bool failed() const { return failed_.has_value(); }
  const std::optional<SipError>& failure() const { return failed_; }
  // Bytes held that are not yet part of a returned event.
  std::size_t buffered() const { return buf_.size() - pos_; }

 private:
  Result<std::optional<FrameEvent>> fail(SipError e);
  void compact();

  FramerRole role_;
  FrameLimits limits_;
  std::string buf_;
  std::size_t pos_ = 0;
  std::optional<SipError> failed_;
};

}  // namespace annexo::sip
