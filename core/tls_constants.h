// IANA numbers of the TLS protocol that the core reasons about: protocol
// versions, record content types, handshake types, extension types, named
// groups and signature schemes (IANA "TLS Parameters" registries; RFC 5246,
// RFC 8446, RFC 8422, RFC 5746, RFC 8701, RFC 7507). Only numbers, no policy:
// the policy lives in cipher_suites.h and profile.h.
#pragma once

#include <cstdint>

namespace annexo::core::tls {

// ProtocolVersion on the wire (major << 8 | minor).
inline constexpr std::uint16_t kSsl30 = 0x0300;
inline constexpr std::uint16_t kTls10 = 0x0301;
inline constexpr std::uint16_t kTls11 = 0x0302;
inline constexpr std::uint16_t kTls12 = 0x0303;
inline constexpr std::uint16_t kTls13 = 0x0304;

// ContentType (RFC 8446 section 5.1).
enum class ContentType : std::uint8_t {
  change_cipher_spec = 20,
  alert = 21,
  handshake = 22,
  application_data = 23,
};

// HandshakeType (RFC 5246 section 7.4, RFC 8446 section 4).
enum class HandshakeType : std::uint8_t {
  hello_request = 0,
  client_hello = 1,
  server_hello = 2,
  new_session_ticket = 4,
  end_of_early_data = 5,
  encrypted_extensions = 8,
  certificate = 11,
  server_key_exchange = 12,
  certificate_request = 13,
  server_hello_done = 14,
  certificate_verify = 15,
  client_key_exchange = 16,
  finished = 20,
  certificate_status = 22,
  key_update = 24,
  message_hash = 254,
};

// ExtensionType (IANA "TLS ExtensionType Values").
namespace ext {
inline constexpr std::uint16_t server_name = 0;
inline constexpr std::uint16_t status_request = 5;
inline constexpr std::uint16_t supported_groups = 10;
inline constexpr std::uint16_t ec_point_formats = 11;
inline constexpr std::uint16_t signature_algorithms = 13;
inline constexpr std::uint16_t alpn = 16;
inline constexpr std::uint16_t signed_certificate_timestamp = 18;
inline constexpr std::uint16_t encrypt_then_mac = 22;
inline constexpr std::uint16_t extended_master_secret = 23;
inline constexpr std::uint16_t session_ticket = 35;
inline constexpr std::uint16_t pre_shared_key = 41;
inline constexpr std::uint16_t early_data = 42;
inline constexpr std::uint16_t supported_versions = 43;
inline constexpr std::uint16_t cookie = 44;
inline constexpr std::uint16_t psk_key_exchange_modes = 45;
inline constexpr std::uint16_t certificate_authorities = 47;
inline constexpr std::uint16_t post_handshake_auth = 49;
inline constexpr std::uint16_t signature_algorithms_cert = 50;
inline constexpr std::uint16_t key_share = 51;
inline constexpr std::uint16_t renegotiation_info = 0xff01;
}  // namespace ext

// NamedGroup (RFC 8446 section 4.2.7, RFC 8422).
namespace group {
inline constexpr std::uint16_t secp256r1 = 0x0017;
inline constexpr std::uint16_t secp384r1 = 0x0018;
inline constexpr std::uint16_t secp521r1 = 0x0019;
inline constexpr std::uint16_t x25519 = 0x001d;
inline constexpr std::uint16_t x448 = 0x001e;
inline constexpr std::uint16_t ffdhe2048 = 0x0100;
inline constexpr std::uint16_t ffdhe3072 = 0x0101;
}  // namespace group

// SignatureScheme (RFC 8446 section 4.2.3).
namespace sig {
inline constexpr std::uint16_t rsa_pkcs1_sha1 = 0x0201;
inline constexpr std::uint16_t ecdsa_sha1 = 0x0203;
inline constexpr std::uint16_t rsa_pkcs1_sha256 = 0x0401;
inline constexpr std::uint16_t ecdsa_secp256r1_sha256 = 0x0403;
inline constexpr std::uint16_t rsa_pkcs1_sha384 = 0x0501;
inline constexpr std::uint16_t ecdsa_secp384r1_sha384 = 0x0503;
inline constexpr std::uint16_t rsa_pkcs1_sha512 = 0x0601;
inline constexpr std::uint16_t ecdsa_secp521r1_sha512 = 0x0603;
inline constexpr std::uint16_t rsa_pss_rsae_sha256 = 0x0804;
inline constexpr std::uint16_t rsa_pss_rsae_sha384 = 0x0805;
inline constexpr std::uint16_t rsa_pss_rsae_sha512 = 0x0806;
inline constexpr std::uint16_t ed25519 = 0x0807;
}  // namespace sig

// Signalling cipher suite values: they sit in cipher_suites but are not suites.
inline constexpr std::uint16_t kScsvEmptyRenegotiationInfo = 0x00ff;  // RFC 5746 section 3.3
inline constexpr std::uint16_t kScsvFallback = 0x5600;                // RFC 7507

// GREASE (RFC 8701 section 2): 0x0A0A, 0x1A1A, ..., 0xFAFA, used as cipher
// suites, extension types, groups, signature schemes and versions. A peer
// must ignore them; they are never a suite, group or version.
constexpr bool is_grease(std::uint16_t v) {
  return (v & 0x0f0fu) == 0x0a0au && (v >> 8) == (v & 0xffu);
}
static_assert(is_grease(0x0a0a) && is_grease(0xfafa) && is_grease(0x3a3a), "RFC 8701 values");
static_assert(!is_grease(0x0a1a) && !is_grease(0x1301) && !is_grease(0x0b0b), "not GREASE");

// TLS 1.3 downgrade sentinels: the last 8 bytes of ServerHello.random when a
// TLS 1.3 server negotiates TLS 1.2 (suffix 01) or below (suffix 00)
// (RFC 8446 section 4.1.3): "DOWNGRD" followed by 0x01 / 0x00.
inline constexpr std::uint8_t kDowngradePrefix[7] = {0x44, 0x4f, 0x57, 0x4e, 0x47, 0x52, 0x44};

// ServerHello.random of a HelloRetryRequest (RFC 8446 section 4.1.3): SHA-256("HelloRetryRequest").
inline constexpr std::uint8_t kHelloRetryRequestRandom[32] = {
    0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
    0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c};

}  // namespace annexo::core::tls
