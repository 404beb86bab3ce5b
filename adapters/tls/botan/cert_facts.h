// Facts about a peer's certificate chain, read from Botan's X509_Certificate
// objects, for the core's certificate policy (core/cert_policy.h). This file
// extracts and reports; it decides nothing. RFC 5280 path validation (the
// signatures, validity, basicConstraints, keyUsage) is Botan's job; every
// Annex O rule on top of it (identity, version, algorithms, sizes, a sent root)
// is the core's — Botan is therefore run with restrictions loose enough that it
// never pre-empts a core rule with a less precise reason (see cert_facts.cc).
#pragma once

#include <botan/certstor.h>
#include <botan/pkix_enums.h>
#include <botan/x509cert.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "core/cert_policy.h"

namespace annexo::tls {

// Signature hash of a certificate, from its signatureAlgorithm OID.
enum class Sig_Hash { md5, sha1, sha224, sha256, sha384, sha512, other };
enum class Key_Alg { rsa, ecdsa, other };
enum class Curve { none, secp256r1, secp384r1, secp521r1, other };

struct Cert_Info {
  std::vector<std::string> common_names;  // every CN attribute of the subject
  std::vector<std::string> dns_names;     // every SAN dNSName
  std::uint32_t x509_version = 0;         // 1, 2 or 3
  Key_Alg key_alg = Key_Alg::other;
  std::size_t key_bits = 0;
  Curve curve = Curve::none;
  Sig_Hash sig_hash = Sig_Hash::other;
  std::string sig_algorithm;  // Botan's name, for the log
  bool self_signed = false;
  bool has_crl_distribution_point = false;
};

// How a root the peer sent compares with the trust anchor of the same subject
// (O.5.2: only serial number, validity period and signature may differ).
struct Sent_Root {
  bool sent = false;          // the last certificate of the chain is self-signed
  bool known = false;         // a trust anchor with the same subject DN exists
  bool same_subject = false;  // raw DER subject
  bool same_issuer = false;   // raw DER issuer
  bool same_key = false;      // subjectPublicKeyInfo
  bool same_extensions = false;
  bool same_sig_algorithm = false;
  bool same_version = false;
  bool same_serial = false;
  bool same_validity = false;
  bool same_signature = false;
};

// One certificate of the path Botan validated (leaf first, trust anchor last):
// its encoded names as they are in the certificate, for the core's exact
// comparison (O.5.2-UE-BINARY-NAME-MATCH), and whether a usable CRL of its
// issuer was consulted.
struct Path_Cert {
  std::vector<std::uint8_t> subject_der;  // X509_Certificate::raw_subject_dn()
  std::vector<std::uint8_t> issuer_der;   // X509_Certificate::raw_issuer_dn()
  bool crl_checked = false;               // VALID_CRL_CHECKED and no CRL error for this certificate
};

struct Chain_Facts {
  std::vector<Cert_Info> chain;  // [0] is the leaf, as sent
  std::vector<Path_Cert> path;   // the validated path (empty if none was built)
  bool path_valid = false;       // RFC 5280 validation to the trust anchors
  Botan::Certificate_Status_Code path_status = Botan::Certificate_Status_Code::OK;
  std::string path_status_text;
  Sent_Root root;
};

Cert_Info describe_certificate(const Botan::X509_Certificate& cert);

// Runs Botan's RFC 5280 path validation (no hostname: the reference identity is
// matched by the core, without wildcards) and collects the facts. CRLs are the
// ones in the `trusted` stores (Certificate_Store_In_Memory::add_crl); Botan
// reports a revoked certificate and unusable CRLs, and whether a CRL was
// consulted per certificate; whether one is required is the core's rule
// (core::CertFacts::revocation_required).
// validation_time comes from the caller (adapters/net reads clocks).
Chain_Facts collect_chain_facts(const std::vector<Botan::X509_Certificate>& chain,
                                const std::vector<Botan::Certificate_Store*>& trusted,
                                Botan::Usage_Type usage,
                                std::chrono::system_clock::time_point validation_time);

// The core's view of the facts. The ByteViews point into `facts` and
// `reference_fqdn`, which must outlive the result.
core::CertFacts to_core_facts(const Chain_Facts& facts, const std::string& reference_fqdn);
core::PathResult to_core_path(Botan::Certificate_Status_Code code);

const char* sig_hash_name(Sig_Hash h);
const char* key_alg_name(Key_Alg k);
const char* curve_name(Curve c);

}  // namespace annexo::tls
