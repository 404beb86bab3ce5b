// TLS alert numbers as RFC 5246 7.2 and RFC 8446 6 define them, written out
// here rather than taken from core/tls_alert.h, so that the core's own table
// cannot vouch for itself in a test (issue 11: oracles are not the code under
// test). Which cause gets which alert is decided by RD-31 as refined by RD-107.
#pragma once

namespace annexo::rfc_alert {

constexpr int kUnexpectedMessage = 10;
constexpr int kRecordOverflow = 22;
constexpr int kHandshakeFailure = 40;
constexpr int kBadCertificate = 42;
constexpr int kUnsupportedCertificate = 43;
constexpr int kCertificateRevoked = 44;
constexpr int kCertificateExpired = 45;
constexpr int kCertificateUnknown = 46;
constexpr int kIllegalParameter = 47;
constexpr int kUnknownCa = 48;
constexpr int kDecodeError = 50;
constexpr int kProtocolVersion = 70;
constexpr int kInternalError = 80;
constexpr int kNoRenegotiation = 100;
constexpr int kMissingExtension = 109;

}  // namespace annexo::rfc_alert
