// TLS alert descriptions (RFC 5246 section 7.2, RFC 8446 section 6) that the
// core can ask an adapter to send. Numbers are the IANA values on the wire.
#pragma once

#include <cstdint>

namespace annexo::core {

enum class TlsAlert : std::uint8_t {
  close_notify = 0,
  unexpected_message = 10,
  bad_record_mac = 20,
  record_overflow = 22,
  handshake_failure = 40,
  bad_certificate = 42,
  unsupported_certificate = 43,
  certificate_revoked = 44,
  certificate_expired = 45,
  certificate_unknown = 46,
  illegal_parameter = 47,
  unknown_ca = 48,
  access_denied = 49,
  decode_error = 50,
  decrypt_error = 51,
  protocol_version = 70,
  insufficient_security = 71,
  internal_error = 80,
  inappropriate_fallback = 86,
  user_canceled = 90,
  no_renegotiation = 100,
  missing_extension = 109,
  unsupported_extension = 110,
  unrecognized_name = 112,
  // Not a TLS alert: the decision needs no alert (e.g. a SIP-level verdict).
  none = 255,
};

}  // namespace annexo::core
