// Certificate policy of the UE for the P-CSCF's certificate (TS 33.203 O.2.1,
// O.5.1, O.5.2; TS 33.310 6.1). The TLS library does RFC 5280 path
// validation and extracts facts; this function turns facts into a verdict.
// There is deliberately no way to override a refusal (O.5.2-UE-NO-USER-OVERRIDE):
// the facts carry no "user accepted" bit and the verdict has no soft mode.
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/bytes.h"
#include "core/errors.h"

namespace annexo::core {

// Result of RFC 5280 path validation against the operator-provisioned trust
// anchors only (decision A18), as the adapter's TLS library reported it.
enum class PathResult : std::uint8_t {
  not_checked,  // default: deny
  ok,
  unknown_ca,  // no chain to a configured trust anchor
  expired,
  not_yet_valid,
  revoked,
  bad_signature,
  name_chaining,  // the library's own (lenient) name chaining failed
  invalid,        // any other RFC 5280 failure (basicConstraints, keyUsage, critical ext)
  // The revocation data the library found is unusable: a CRL past its
  // nextUpdate or before its thisUpdate, a CRL whose signature does not verify,
  // or one issued by a CA not allowed to sign CRLs (decision RD-83).
  revocation_unknown,
};

enum class SigHash : std::uint8_t { unknown, md2, md5, sha1, sha224, sha256, sha384, sha512 };
enum class KeyAlg : std::uint8_t { unknown, rsa, ecdsa, other };
enum class Curve : std::uint8_t { none, p256, p384, p521, other };

// One certificate of the chain as sent, leaf first; the trust anchor itself
// is included only if the P-CSCF sent it.
struct ChainCertFacts {
  std::uint8_t x509_version = 0;  // 1, 2 or 3 (the DER value + 1)
  SigHash signature_hash = SigHash::unknown;
  KeyAlg key_algorithm = KeyAlg::unknown;
  std::uint16_t rsa_bits = 0;  // for KeyAlg::rsa
  Curve curve = Curve::none;   // for KeyAlg::ecdsa
};

// Fields in which a sent root differs from the stored one (bit mask). Only
// serial, validity and signature may differ (O.5.2).
namespace root_diff {
inline constexpr std::uint16_t serial = 1u << 0;
inline constexpr std::uint16_t validity = 1u << 1;
inline constexpr std::uint16_t signature = 1u << 2;
inline constexpr std::uint16_t subject = 1u << 3;
inline constexpr std::uint16_t issuer = 1u << 4;
inline constexpr std::uint16_t public_key = 1u << 5;
inline constexpr std::uint16_t extensions = 1u << 6;
inline constexpr std::uint16_t version = 1u << 7;
inline constexpr std::uint16_t signature_algorithm = 1u << 8;
inline constexpr std::uint16_t allowed = serial | validity | signature;
}  // namespace root_diff

// Capacities: a P-CSCF chain is leaf + 1-2 intermediates (+ root if sent);
// 8 covers any sane operator PKI. A P-CSCF names itself once or a few times:
// 16 dNSNames; a subject has one CN by rule, 4 lets the policy see violations.
inline constexpr std::size_t kMaxChainFacts = 8;
inline constexpr std::size_t kMaxSanDnsNames = 16;
inline constexpr std::size_t kMaxCommonNames = 4;

// One certificate of the path the library validated, leaf first, the trust
// anchor (always a stored, self-signed root) last. The names are the DER
// encodings exactly as they appear in the certificates: the core compares
// them byte for byte (O.5.2-UE-BINARY-NAME-MATCH, decision RD-34), never
// with RFC 5280's case folding or whitespace normalisation.
struct PathCertFacts {
  ByteView subject;  // DER of the subject Name
  ByteView issuer;   // DER of the issuer Name
  // A CRL from this certificate's issuer was found, is current at the
  // validation time, its signature verifies under the issuer's key, and it
  // was consulted (meaningless for the trust anchor).
  bool crl_checked = false;
};

// A path is the sent chain plus the trust anchor.
inline constexpr std::size_t kMaxPathFacts = 9;

struct CertFacts {
  PathResult path = PathResult::not_checked;

  // The validated path (empty when the library built none). With
  // path == ok an empty or over-long path is refused: no names, no trust.
  PathCertFacts path_certs[kMaxPathFacts] = {};
  std::size_t path_length = 0;  // true length; > kMaxPathFacts is refused

  // Configured revocation checking (the ue's --crl, decision RD-83): every
  // certificate of the path but the trust anchor must then have crl_checked.
  bool revocation_required = false;

  ChainCertFacts chain[kMaxChainFacts] = {};
  std::size_t chain_length = 0;  // true length sent; > kMaxChainFacts is refused

  ByteView common_names[kMaxCommonNames];   // leaf subject CN attribute values
  std::size_t common_name_count = 0;        // true count
  ByteView san_dns_names[kMaxSanDnsNames];  // leaf subjectAltName dNSName values
  std::size_t san_dns_count = 0;            // true count; > kMaxSanDnsNames is refused

  bool root_sent = false;              // the chain's last certificate is self-signed
  bool root_matches_stored = false;    // a stored root has its subject and key
  std::uint16_t root_differences = 0;  // root_diff bits vs. that stored root

  // Recorded for reports; never a reason to refuse (O.5.1-CERT-CRLDP-NOT-MANDATORY).
  bool crl_distribution_point_present = false;

  ByteView reference_fqdn;  // the P-CSCF FQDN the UE was configured with (A17)
};

// Accept (Error::ok) or the first violated rule, with its requirement and
// TLS alert in kErrorTable. Order: path, exact name chaining along the path,
// revocation, chain shape, version, hashes, keys, sent root, names.
[[nodiscard]] Error cert_verdict(const CertFacts& facts);

// The part of the P-CSCF's own certificate that a profile rule is about, for
// the start-up refusal line (O.2.1-PC-CERT-PROFILE).
enum class CertField : std::uint8_t {
  none,
  chain,                // the number of certificates
  version,              // X.509 version
  signature_algorithm,  // signatureAlgorithm (its hash)
  public_key,           // subjectPublicKeyInfo (algorithm, size, curve)
  subject_cn,           // subject commonName
  subject_alt_name,     // subjectAltName dNSName
};

struct ProfileFinding {
  Error error = Error::ok;
  CertField field = CertField::none;
  std::size_t cert_index = 0;  // 0 = the leaf, then the chain as configured
};

// The P-CSCF checks its own certificate chain (leaf first, as it will send
// it) against the O.5.1 profile before it serves (O.2.1-PC-CERT-PROFILE,
// decision RD-82): every certificate X.509 v3, signed with SHA-256/384/512 or
// SHA-224, RSA >= 2048 or ECDSA P-256/P-384; the leaf's subject has exactly
// one CN, an FQDN, no wildcard; a subjectAltName dNSName equals that CN; no
// dNSName is a wildcard. Uses chain, chain_length, common_names and
// san_dns_names of `facts`; path, path_certs and reference_fqdn are not
// read (the P-CSCF trusts nothing and connects to nobody).
[[nodiscard]] ProfileFinding pcscf_own_cert_profile(const CertFacts& facts);

[[nodiscard]] const char* cert_field_name(CertField field);

// An FQDN as the policy understands it: 2+ labels of LDH characters, each
// 1..63 bytes, not starting or ending with '-', total <= 253, last label not
// all digits (so no IP literal), no trailing dot, no wildcard.
[[nodiscard]] bool is_fqdn(ByteView name);

// RFC 6125 6.4.1 style: exact, case-insensitive in ASCII, no wildcards.
[[nodiscard]] bool dns_name_equal(ByteView a, ByteView b);

}  // namespace annexo::core
