#include "core/cert_policy.h"

namespace annexo::core {
namespace {

constexpr std::uint8_t lower(std::uint8_t c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<std::uint8_t>(c + ('a' - 'A')) : c;
}
constexpr bool is_ldh(std::uint8_t c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
}
bool has_wildcard(ByteView n) {
  for (std::size_t i = 0; i < n.size; ++i) {
    if (n[i] == '*') return true;
  }
  return false;
}

Error path_error(PathResult p) {
  switch (p) {
    case PathResult::ok:
      return Error::ok;
    case PathResult::not_checked:
      return Error::cert_path_not_checked;
    case PathResult::unknown_ca:
      return Error::cert_path_unknown_ca;
    case PathResult::expired:
      return Error::cert_path_expired;
    case PathResult::not_yet_valid:
      return Error::cert_path_not_yet_valid;
    case PathResult::revoked:
      return Error::cert_path_revoked;
    case PathResult::bad_signature:
      return Error::cert_path_bad_signature;
    case PathResult::name_chaining:
      return Error::cert_path_name_chaining;
    case PathResult::invalid:
      return Error::cert_path_invalid;
  }
  return Error::cert_path_not_checked;  // a value outside the enum: deny
}

Error chain_cert_error(const ChainCertFacts& c) {
  //= spec#33310-6.1.1-X509V3 type=implementation
  if (c.x509_version != 3) return Error::cert_not_x509v3;
  //= spec#33310-6.1.1-HASH type=implementation
  switch (c.signature_hash) {
    case SigHash::md2:
    case SigHash::md5:
    case SigHash::sha1:
      return Error::cert_weak_signature_hash;
    case SigHash::sha256:
    case SigHash::sha384:
    case SigHash::sha512:
    case SigHash::sha224:
      break;
    case SigHash::unknown:
    default:
      return Error::cert_unknown_signature_hash;
  }
  //= spec#33310-6.1.1-PUBKEY type=implementation
  //= spec#IMPL-CERT-KEY-STRENGTH type=implementation
  switch (c.key_algorithm) {
    case KeyAlg::rsa:
      if (c.rsa_bits < 2048) return Error::cert_rsa_key_too_small;
      return Error::ok;
    case KeyAlg::ecdsa:
      if (c.curve != Curve::p256 && c.curve != Curve::p384) return Error::cert_ecdsa_curve;
      return Error::ok;
    case KeyAlg::unknown:
    case KeyAlg::other:
    default:
      return Error::cert_key_algorithm;
  }
}

}  // namespace

bool is_fqdn(ByteView n) {
  if (n.size == 0 || n.size > 253) return false;
  std::size_t labels = 0, label_len = 0;
  bool label_all_digits = true;
  for (std::size_t i = 0; i <= n.size; ++i) {
    if (i == n.size || n[i] == '.') {
      // label [i - label_len, i)
      if (label_len == 0 || label_len > 63) return false;  // empty label, trailing dot, "a..b"
      if (n[i - label_len] == '-' || n[i - 1] == '-') return false;
      ++labels;
      if (i == n.size && label_all_digits) return false;  // IP literal / numeric TLD
      label_len = 0;
      label_all_digits = true;
      continue;
    }
    if (!is_ldh(n[i])) return false;  // includes '*', '_', space, NUL, non-ASCII
    label_all_digits = label_all_digits && n[i] >= '0' && n[i] <= '9';
    ++label_len;
  }
  return labels >= 2;
}

//= spec#O.2.1-UE-TRUST-ENDPOINT-VIA-CERT type=implementation
bool dns_name_equal(ByteView a, ByteView b) {
  if (a.size != b.size) return false;
  for (std::size_t i = 0; i < a.size; ++i) {
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

Error cert_verdict(const CertFacts& f) {
  // Path validation to the operator's trust anchors (RFC 5280 by the library).
  //= spec#O.5.2-UE-CHAIN-TO-TRUSTED-ROOT type=implementation
  //= spec#O.5.2-UE-RFC5280-PATH type=implementation
  //= spec#O.5.1-OP-TRUSTED-ISSUER type=implementation
  const Error path = path_error(f.path);
  if (path != Error::ok) return path;

  //= spec#O.2.1-UE-AUTH-PC-BY-CERT type=implementation
  if (f.chain_length == 0) return Error::cert_chain_empty;
  //= spec#IMPL-CERT-FACT-LIMITS type=implementation
  if (f.chain_length > kMaxChainFacts) return Error::cert_chain_too_long;

  //= spec#33310-6.1-ONLY-COMPLIANT-CERTS type=implementation
  for (std::size_t i = 0; i < f.chain_length; ++i) {
    const Error e = chain_cert_error(f.chain[i]);
    if (e != Error::ok) return e;
  }

  //= spec#O.5.2-UE-ROOT-MUST-BE-KNOWN type=implementation
  if (f.root_sent) {
    if (!f.root_matches_stored) return Error::cert_sent_root_unknown;
    if ((f.root_differences & static_cast<std::uint16_t>(~root_diff::allowed)) != 0)
      return Error::cert_sent_root_differs;
  }

  // Names. The reference identity is configuration: check it first so a bad
  // configuration is never reported as the P-CSCF's fault.
  if (!is_fqdn(f.reference_fqdn)) return Error::cert_reference_fqdn_invalid;
  //= spec#O.5.1-CERT-CN-IS-FQDN type=implementation
  if (f.common_name_count == 0) return Error::cert_cn_missing;
  //= spec#O.5.1-CERT-CN-SINGLE type=implementation
  if (f.common_name_count > 1) return Error::cert_cn_not_single;
  const ByteView cn = f.common_names[0];
  if (has_wildcard(cn)) return Error::cert_wildcard_name;
  if (!is_fqdn(cn)) return Error::cert_cn_not_fqdn;
  if (f.san_dns_count > kMaxSanDnsNames) return Error::cert_san_too_many;

  //= spec#O.5.1-CERT-SAN-HAS-FQDN type=implementation
  bool cn_in_san = false, reference_in_san = false, wildcard_in_san = false;
  for (std::size_t i = 0; i < f.san_dns_count; ++i) {
    const ByteView san = f.san_dns_names[i];
    wildcard_in_san = wildcard_in_san || has_wildcard(san);
    // Only well-formed names count; a malformed SAN entry never matches.
    if (!is_fqdn(san)) continue;
    cn_in_san = cn_in_san || dns_name_equal(san, cn);
    reference_in_san = reference_in_san || dns_name_equal(san, f.reference_fqdn);
  }
  if (!cn_in_san) return Error::cert_cn_not_in_san;
  //= spec#O.2.1-UE-TRUST-ENDPOINT-VIA-CERT type=implementation
  if (!reference_in_san)
    return wildcard_in_san ? Error::cert_wildcard_name : Error::cert_name_mismatch;
  return Error::ok;
}

}  // namespace annexo::core
