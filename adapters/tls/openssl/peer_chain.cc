#include "adapters/tls/openssl/peer_chain.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/x509v3.h>

#include <cstring>

namespace annexo::tls::openssl {

namespace {

std::vector<std::uint8_t> der_name(const X509_NAME* name) {
  std::vector<std::uint8_t> out;
  const unsigned char* der = nullptr;
  std::size_t len = 0;
  // The encoding as received (OpenSSL keeps the original bytes of a parsed name).
  if (X509_NAME_get0_der(name, &der, &len) == 1 && der != nullptr) out.assign(der, der + len);
  return out;
}

std::vector<std::uint8_t> der_pubkey(X509* c) {
  std::vector<std::uint8_t> out;
  unsigned char* buf = nullptr;
  const int n = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(c), &buf);
  if (n > 0) out.assign(buf, buf + n);
  OPENSSL_free(buf);
  return out;
}

std::vector<std::uint8_t> der_extensions(X509* c) {
  std::vector<std::uint8_t> out;
  const STACK_OF(X509_EXTENSION)* exts = X509_get0_extensions(c);
  for (int i = 0; exts != nullptr && i < sk_X509_EXTENSION_num(exts); ++i) {
    unsigned char* buf = nullptr;
    const int n = i2d_X509_EXTENSION(sk_X509_EXTENSION_value(exts, i), &buf);
    if (n > 0) out.insert(out.end(), buf, buf + n);
    OPENSSL_free(buf);
  }
  return out;
}

core::SigHash hash_of(int md_nid) {
  switch (md_nid) {
    case NID_md2:
      return core::SigHash::md2;
    case NID_md5:
      return core::SigHash::md5;
    case NID_sha1:
      return core::SigHash::sha1;
    case NID_sha224:
      return core::SigHash::sha224;
    case NID_sha256:
      return core::SigHash::sha256;
    case NID_sha384:
      return core::SigHash::sha384;
    case NID_sha512:
      return core::SigHash::sha512;
    default:
      return core::SigHash::unknown;
  }
}

bool self_signed(X509* c) {
  return (X509_get_extension_flags(c) & EXFLAG_SS) != 0;
}

}  // namespace

Peer_Cert describe_certificate(X509* cert) {
  Peer_Cert p;
  p.x509_version = static_cast<std::uint32_t>(X509_get_version(cert) + 1);
  int md_nid = NID_undef, pk_nid = NID_undef, bits = 0;
  std::uint32_t flags = 0;
  // Signature algorithm and its hash (RSA-PSS: the hash of its parameters).
  if (X509_get_signature_info(cert, &md_nid, &pk_nid, &bits, &flags) == 1) {
    p.sig_hash = hash_of(md_nid);
  }
  const int sig_nid = X509_get_signature_nid(cert);
  p.sig_algorithm = sig_nid != NID_undef ? OBJ_nid2sn(sig_nid) : "unknown";
  p.self_signed = self_signed(cert);
  p.crl_distribution_point = X509_get_ext_by_NID(cert, NID_crl_distribution_points, -1) >= 0;

  if (EVP_PKEY* key = X509_get0_pubkey(cert)) {
    const int id = EVP_PKEY_get_base_id(key);
    p.key_bits = static_cast<std::uint32_t>(EVP_PKEY_get_bits(key));
    if (id == EVP_PKEY_RSA) {
      p.key_alg = core::KeyAlg::rsa;
    } else if (id == EVP_PKEY_EC) {
      p.key_alg = core::KeyAlg::ecdsa;
      char group[64] = {};
      std::size_t len = 0;
      p.curve = core::Curve::other;
      if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof(group),
                                         &len) == 1) {
        if (std::strcmp(group, "prime256v1") == 0 || std::strcmp(group, "P-256") == 0)
          p.curve = core::Curve::p256;
        else if (std::strcmp(group, "secp384r1") == 0 || std::strcmp(group, "P-384") == 0)
          p.curve = core::Curve::p384;
        else if (std::strcmp(group, "secp521r1") == 0 || std::strcmp(group, "P-521") == 0)
          p.curve = core::Curve::p521;
      }
    } else {
      p.key_alg = core::KeyAlg::other;
    }
  }

  X509_NAME* subject = X509_get_subject_name(cert);
  for (int i = X509_NAME_get_index_by_NID(subject, NID_commonName, -1); i >= 0;
       i = X509_NAME_get_index_by_NID(subject, NID_commonName, i)) {
    const ASN1_STRING* s = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, i));
    unsigned char* utf8 = nullptr;
    const int n = ASN1_STRING_to_UTF8(&utf8, s);
    if (n >= 0) p.common_names.emplace_back(reinterpret_cast<char*>(utf8), std::size_t(n));
    OPENSSL_free(utf8);
  }
  auto* names =
      static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr));
  for (int i = 0; names != nullptr && i < sk_GENERAL_NAME_num(names); ++i) {
    const GENERAL_NAME* g = sk_GENERAL_NAME_value(names, i);
    if (g->type != GEN_DNS) continue;
    const ASN1_IA5STRING* d = g->d.dNSName;
    p.dns_names.emplace_back(reinterpret_cast<const char*>(ASN1_STRING_get0_data(d)),
                             std::size_t(ASN1_STRING_length(d)));
  }
  GENERAL_NAMES_free(names);
  return p;
}

core::PathResult to_core_path(int e) {
  switch (e) {
    case X509_V_OK:
      return core::PathResult::ok;
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
    case X509_V_ERR_CERT_UNTRUSTED:
      return core::PathResult::unknown_ca;
    case X509_V_ERR_CERT_HAS_EXPIRED:
      return core::PathResult::expired;
    case X509_V_ERR_CERT_NOT_YET_VALID:
      return core::PathResult::not_yet_valid;
    case X509_V_ERR_CERT_REVOKED:
      return core::PathResult::revoked;
    case X509_V_ERR_CERT_SIGNATURE_FAILURE:
    case X509_V_ERR_UNABLE_TO_DECRYPT_CERT_SIGNATURE:
      return core::PathResult::bad_signature;
    case X509_V_ERR_SUBJECT_ISSUER_MISMATCH:
      return core::PathResult::name_chaining;
    case X509_V_ERR_UNABLE_TO_GET_CRL:
    case X509_V_ERR_CRL_HAS_EXPIRED:
    case X509_V_ERR_CRL_NOT_YET_VALID:
    case X509_V_ERR_CRL_SIGNATURE_FAILURE:
    case X509_V_ERR_UNABLE_TO_DECRYPT_CRL_SIGNATURE:
    case X509_V_ERR_UNABLE_TO_GET_CRL_ISSUER:
    case X509_V_ERR_KEYUSAGE_NO_CRL_SIGN:
    case X509_V_ERR_DIFFERENT_CRL_SCOPE:
      return core::PathResult::revocation_unknown;
    default:
      return core::PathResult::invalid;
  }
}

int x509_error_for_alert(int iana) {
  // OpenSSL 3.0 ssl/statem/statem_lib.c x509table; codes absent from that
  // table map to certificate_unknown (46).
  switch (iana) {
    case 40:  // handshake_failure
      return X509_V_ERR_APPLICATION_VERIFICATION;
    case 42:  // bad_certificate
      return X509_V_ERR_CERT_REJECTED;
    case 43:  // unsupported_certificate
      return X509_V_ERR_INVALID_PURPOSE;
    case 44:  // certificate_revoked
      return X509_V_ERR_CERT_REVOKED;
    case 45:  // certificate_expired
      return X509_V_ERR_CERT_HAS_EXPIRED;
    case 46:  // certificate_unknown
      return X509_V_ERR_SUBJECT_ISSUER_MISMATCH;
    case 48:  // unknown_ca
      return X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY;
    case 80:  // internal_error
      return X509_V_ERR_OUT_OF_MEM;
    default:
      return X509_V_ERR_APPLICATION_VERIFICATION;
  }
}

Peer_Chain collect_peer_chain(X509_STORE_CTX* ctx, STACK_OF(X509) * sent, bool verified,
                              bool crl_checking) {
  Peer_Chain f;
  for (int i = 0; sent != nullptr && i < sk_X509_num(sent); ++i) {
    f.chain.push_back(describe_certificate(sk_X509_value(sent, i)));
  }
  const int err = X509_STORE_CTX_get_error(ctx);
  f.path_result = verified ? core::PathResult::ok : to_core_path(err);
  if (!verified && f.path_result == core::PathResult::ok) f.path_result = core::PathResult::invalid;
  f.path_text = X509_verify_cert_error_string(err);
  if (f.chain.empty()) {
    f.path_result = core::PathResult::unknown_ca;
    f.path_text = "no certificate";
    return f;
  }
  // The path OpenSSL built (with its lenient X509_NAME_cmp) and the DER
  // names along it: the core compares them exactly (RD-34, RD-81).
  STACK_OF(X509)* path = X509_STORE_CTX_get0_chain(ctx);
  const int n = path ? sk_X509_num(path) : 0;
  for (int i = 0; i < n; ++i) {
    X509* c = sk_X509_value(path, i);
    Peer_Path_Cert p;
    p.subject_der = der_name(X509_get_subject_name(c));
    p.issuer_der = der_name(X509_get_issuer_name(c));
    // OpenSSL reports no per-certificate CRL status: with CRL_CHECK_ALL a
    // successful validation consulted a current, verified CRL for every
    // certificate but the anchor (RD-121).
    p.crl_checked = crl_checking && verified && i + 1 < n;
    f.path.push_back(std::move(p));
  }
  // A root the peer sent, against the stored anchor of the same subject.
  X509* last = sk_X509_value(sent, sk_X509_num(sent) - 1);
  f.root_sent = self_signed(last);
  if (f.root_sent) {
    STACK_OF(X509)* anchors = X509_STORE_CTX_get1_certs(ctx, X509_get_subject_name(last));
    for (int i = 0; anchors != nullptr && i < sk_X509_num(anchors); ++i) {
      X509* a = sk_X509_value(anchors, i);
      std::uint16_t d = 0;
      if (der_name(X509_get_subject_name(a)) != der_name(X509_get_subject_name(last)))
        d |= core::root_diff::subject;
      if (der_name(X509_get_issuer_name(a)) != der_name(X509_get_issuer_name(last)))
        d |= core::root_diff::issuer;
      if (der_pubkey(a) != der_pubkey(last)) d |= core::root_diff::public_key;
      if (der_extensions(a) != der_extensions(last)) d |= core::root_diff::extensions;
      if (X509_get_version(a) != X509_get_version(last)) d |= core::root_diff::version;
      if (X509_get_signature_nid(a) != X509_get_signature_nid(last))
        d |= core::root_diff::signature_algorithm;
      if (ASN1_INTEGER_cmp(X509_get0_serialNumber(a), X509_get0_serialNumber(last)) != 0)
        d |= core::root_diff::serial;
      if (ASN1_TIME_compare(X509_get0_notBefore(a), X509_get0_notBefore(last)) != 0 ||
          ASN1_TIME_compare(X509_get0_notAfter(a), X509_get0_notAfter(last)) != 0)
        d |= core::root_diff::validity;
      const ASN1_BIT_STRING *sa = nullptr, *sl = nullptr;
      X509_get0_signature(&sa, nullptr, a);
      X509_get0_signature(&sl, nullptr, last);
      if (sa == nullptr || sl == nullptr || ASN1_STRING_cmp(sa, sl) != 0)
        d |= core::root_diff::signature;
      f.root_matches_stored = (d & (core::root_diff::subject | core::root_diff::public_key)) == 0;
      f.root_differences = d;
      if ((d & ~core::root_diff::allowed) == 0) break;
    }
    sk_X509_pop_free(anchors, X509_free);
  }
  return f;
}

}  // namespace annexo::tls::openssl
