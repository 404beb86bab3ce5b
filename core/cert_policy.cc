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
    // The TLS library's RFC 5280 validation processes the profile's critical
    // extensions and fails a path on an unknown one (Botan
    // UNKNOWN_CRITICAL_EXTENSION, OpenSSL X509_V_ERR_UNHANDLED_CRITICAL_EXTENSION):
    // the adapters map that to invalid, which is refused here.
    //= spec#33310-6.1-CRITICAL-EXT type=implementation
    case PathResult::invalid:
      return Error::cert_path_invalid;
    case PathResult::revocation_unknown:
      return Error::cert_revocation_unknown;
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
  // RSA and ECDSA keys on every certificate of the chain, so RSA and ECDSA
  // signatures on the certificates they issue (33310-6.1.1).
  //= spec#33310-6.1.1-PUBKEY type=implementation
  //= spec#IMPL-CERT-KEY-STRENGTH type=implementation
  //= spec#33310-6.1.1-SIGALG type=implementation
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

// Exact name chaining along the validated path (O.5.2, RD-34): each issuer
// name equals the next certificate's subject name byte for byte, and the
// trust anchor, a self-signed root, names itself exactly as well.
//= spec#O.5.2-UE-BINARY-NAME-MATCH type=implementation
Error path_names_error(const CertFacts& f) {
  if (f.path_length == 0) return Error::cert_path_names_missing;
  if (f.path_length > kMaxPathFacts) return Error::cert_chain_too_long;
  for (std::size_t i = 0; i < f.path_length; ++i) {
    const PathCertFacts& c = f.path_certs[i];
    const PathCertFacts& issuer = i + 1 < f.path_length ? f.path_certs[i + 1] : c;
    if (c.subject.empty() || c.issuer.empty()) return Error::cert_path_names_missing;
    if (!equal(c.issuer, issuer.subject)) return Error::cert_name_not_exact;
  }
  return Error::ok;
}

// Configured revocation checking (RD-83): every certificate but the trust
// anchor was checked against a current CRL of its issuer; a missing CRL
// is a refusal, never a pass.
//= spec#O.5.2-UE-RFC5280-PATH type=implementation
Error revocation_error(const CertFacts& f) {
  if (!f.revocation_required) return Error::ok;
  for (std::size_t i = 0; i + 1 < f.path_length; ++i) {
    if (!f.path_certs[i].crl_checked) return Error::cert_revocation_unknown;
  }
  return Error::ok;
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
  const Error names = path_names_error(f);
  if (names != Error::ok) return names;
  const Error revocation = revocation_error(f);
  if (revocation != Error::ok) return revocation;

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

//= spec#O.2.1-PC-CERT-PROFILE type=implementation
ProfileFinding pcscf_own_cert_profile(const CertFacts& f) {
  ProfileFinding r;
  r.field = CertField::chain;
  if (f.chain_length == 0) {
    r.error = Error::cert_chain_empty;
    return r;
  }
  if (f.chain_length > kMaxChainFacts) {
    r.error = Error::cert_chain_too_long;
    return r;
  }
  // 33310-6.1.1: version, signature hash, public key of every certificate
  // the P-CSCF sends (the same rule the UE applies to the received chain).
  for (std::size_t i = 0; i < f.chain_length; ++i) {
    const Error e = chain_cert_error(f.chain[i]);
    if (e == Error::ok) continue;
    r.error = e;
    r.cert_index = i;
    switch (e) {
      case Error::cert_not_x509v3:
        r.field = CertField::version;
        break;
      case Error::cert_weak_signature_hash:
      case Error::cert_unknown_signature_hash:
        r.field = CertField::signature_algorithm;
        break;
      default:
        r.field = CertField::public_key;
        break;
    }
    return r;
  }
  // O.5.1: one CN, an FQDN, no wildcard (RD-17).
  r.field = CertField::subject_cn;
  if (f.common_name_count == 0) {
    r.error = Error::cert_cn_missing;
    return r;
  }
  if (f.common_name_count > 1) {
    r.error = Error::cert_cn_not_single;
    return r;
  }
  const ByteView cn = f.common_names[0];
  if (has_wildcard(cn)) {
    r.error = Error::cert_cn_wildcard;
    return r;
  }
  if (!is_fqdn(cn)) {
    r.error = Error::cert_cn_not_fqdn;
    return r;
  }
  // O.5.1: the subjectAltName carries that FQDN; no wildcard dNSName.
  r.field = CertField::subject_alt_name;
  if (f.san_dns_count == 0) {
    r.error = Error::cert_san_missing;
    return r;
  }
  if (f.san_dns_count > kMaxSanDnsNames) {
    r.error = Error::cert_san_too_many;
    return r;
  }
  bool cn_in_san = false;
  for (std::size_t i = 0; i < f.san_dns_count; ++i) {
    if (has_wildcard(f.san_dns_names[i])) {
      r.error = Error::cert_san_wildcard;
      return r;
    }
    cn_in_san =
        cn_in_san || (is_fqdn(f.san_dns_names[i]) && dns_name_equal(f.san_dns_names[i], cn));
  }
  if (!cn_in_san) {
    r.error = Error::cert_cn_not_in_san;
    return r;
  }
  return ProfileFinding{};
}

const char* cert_field_name(CertField field) {
  switch (field) {
    case CertField::none:
      return "none";
    case CertField::chain:
      return "certificate chain";
    case CertField::version:
      return "version";
    case CertField::signature_algorithm:
      return "signatureAlgorithm";
    case CertField::public_key:
      return "subjectPublicKeyInfo";
    case CertField::subject_cn:
      return "subject commonName";
    case CertField::subject_alt_name:
      return "subjectAltName dNSName";
  }
  return "unknown";
}

}  // namespace annexo::core
