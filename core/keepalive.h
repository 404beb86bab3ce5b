// RFC 5626 3.5.1 / 5.4 CRLF keep-alive on the TLS flow: a double CRLF between
// SIP messages is a ping, answered at once with a single CRLF (pong).
#pragma once

#include <cstdint>

#include "core/bytes.h"

namespace annexo::core {

inline constexpr std::uint8_t kCrlfPong[2] = {'\r', '\n'};

// True iff bytes (the data between two SIP messages) is exactly "\r\n\r\n".
//= spec#5626-5.4-PC-CRLF-PONG type=implementation
[[nodiscard]] constexpr bool is_crlf_ping(ByteView bytes) {
  return bytes.size == 4 && bytes[0] == '\r' && bytes[1] == '\n' && bytes[2] == '\r' &&
         bytes[3] == '\n';
}

}  // namespace annexo::core
