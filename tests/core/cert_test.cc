// Certificate policy for the P-CSCF certificate (O.2.1, O.5.1, O.5.2,
// TS 33.310 6.1): every accept and every reject path.
#include <catch2/catch.hpp>

#include <cstring>
#include <string>
#include <vector>

#include "core/cert_policy.h"
#include "tests/support/req.h"
#include "tests/support/rfc_alerts.h"

using namespace annexo::core;

namespace {

ByteView sv(const char* s) {
  return ByteView(reinterpret_cast<const std::uint8_t*>(s), std::strlen(s));
}

ChainCertFacts good_cert(KeyAlg alg = KeyAlg::ecdsa) {
  ChainCertFacts c;
  c.x509_version = 3;
  c.signature_hash = SigHash::sha256;
  c.key_algorithm = alg;
  c.curve = alg == KeyAlg::ecdsa ? Curve::p256 : Curve::none;
  c.rsa_bits = alg == KeyAlg::rsa ? 2048 : 0;
  return c;
}

// A conforming P-CSCF: leaf + intermediate, CN = SAN = configured FQDN.
CertFacts good() {
  CertFacts f;
  f.path = PathResult::ok;
  f.chain[0] = good_cert();
  f.chain[1] = good_cert(KeyAlg::rsa);
  f.chain_length = 2;
  f.common_names[0] = sv("pcscf.ims.example.net");
  f.common_name_count = 1;
  f.san_dns_names[0] = sv("pcscf.ims.example.net");
  f.san_dns_count = 1;
  f.reference_fqdn = sv("pcscf.ims.example.net");
  // The validated path: leaf, intermediate, trust anchor, names chaining exactly.
  f.path_certs[0] = PathCertFacts{sv("leaf"), sv("int"), false};
  f.path_certs[1] = PathCertFacts{sv("int"), sv("root"), false};
  f.path_certs[2] = PathCertFacts{sv("root"), sv("root"), false};
  f.path_length = 3;
  return f;
}

// RFC 5246 / RFC 8446 alert numbers, not the core's own table (tests/support/rfc_alerts.h).
using namespace annexo::rfc_alert;

// The verdict for `f` is refusal `e` with alert number `alert`, and the row
// names requirement `req`: the assertions are credited to `req`.
void expect(const CertFacts& f, Error e, int alert, const char* req) {
  const Error got = cert_verdict(f);
  REQ(req, got == e);
  REQ(req, static_cast<int>(error_alert(got)) == alert);
  CHECK(std::string(error_requirement(got)) == req);
}

}  // namespace

//= spec#O.5.1-CERT-33310-6.1 type=test
TEST_CASE("O.5.1-CERT-33310-6.1: a conforming P-CSCF certificate is accepted") {
  REQ("O.5.1-CERT-33310-6.1", cert_verdict(good()) == Error::ok);
  CertFacts rsa_leaf = good();
  rsa_leaf.chain[0] = good_cert(KeyAlg::rsa);
  rsa_leaf.chain[0].rsa_bits = 4096;
  rsa_leaf.chain[0].signature_hash = SigHash::sha384;
  REQ("O.5.1-CERT-33310-6.1", cert_verdict(rsa_leaf) == Error::ok);
  CertFacts p384 = good();
  p384.chain[0].curve = Curve::p384;
  p384.chain[1].signature_hash = SigHash::sha512;
  REQ("O.5.1-CERT-33310-6.1", cert_verdict(p384) == Error::ok);
}

struct PathRow {
  PathResult path;
  Error error;
  int alert;
  const char* req;
};

//= spec#O.5.2-UE-CHAIN-TO-TRUSTED-ROOT type=test
//= spec#O.5.2-UE-RFC5280-PATH type=test
//= spec#O.5.1-OP-TRUSTED-ISSUER type=test
//= spec#O.5.2-UE-BINARY-NAME-MATCH type=test
TEST_CASE("O.5.2-UE-RFC5280-PATH: every path-validation failure maps to its error and alert") {
  const PathRow rows[] = {
      {PathResult::not_checked, Error::cert_path_not_checked, kCertificateUnknown,
       "O.5.2-UE-RFC5280-PATH"},
      {PathResult::unknown_ca, Error::cert_path_unknown_ca, kUnknownCa,
       "O.5.2-UE-CHAIN-TO-TRUSTED-ROOT"},
      {PathResult::expired, Error::cert_path_expired, kCertificateExpired, "O.5.2-UE-RFC5280-PATH"},
      {PathResult::not_yet_valid, Error::cert_path_not_yet_valid, kCertificateExpired,
       "O.5.2-UE-RFC5280-PATH"},
      {PathResult::revoked, Error::cert_path_revoked, kCertificateRevoked, "O.5.2-UE-RFC5280-PATH"},
      {PathResult::bad_signature, Error::cert_path_bad_signature, kBadCertificate,
       "O.5.2-UE-RFC5280-PATH"},
      {PathResult::name_chaining, Error::cert_path_name_chaining, kBadCertificate,
       "O.5.2-UE-BINARY-NAME-MATCH"},
      {PathResult::invalid, Error::cert_path_invalid, kBadCertificate, "O.5.2-UE-RFC5280-PATH"},
  };
  for (const PathRow& r : rows) {
    INFO(static_cast<int>(r.path));
    CertFacts f = good();
    f.path = r.path;
    expect(f, r.error, r.alert, r.req);
  }
  // Only a chain ending in an operator-provisioned anchor is trusted.
  CertFacts untrusted = good();
  untrusted.path = PathResult::unknown_ca;
  REQ("O.5.1-OP-TRUSTED-ISSUER", cert_verdict(untrusted) == Error::cert_path_unknown_ca);
  // A default-constructed fact set (nothing checked) is refused.
  REQ("O.5.2-UE-RFC5280-PATH", cert_verdict(CertFacts()) == Error::cert_path_not_checked);
  // A value outside the enum is refused too.
  CertFacts bogus = good();
  bogus.path = static_cast<PathResult>(200);
  REQ("O.5.2-UE-RFC5280-PATH", cert_verdict(bogus) == Error::cert_path_not_checked);
}

//= spec#O.2.1-UE-AUTH-PC-BY-CERT type=test
//= spec#IMPL-CERT-FACT-LIMITS type=test
TEST_CASE("O.2.1-UE-AUTH-PC-BY-CERT: no certificate, or a chain too long to examine, is refused") {
  CertFacts empty = good();
  empty.chain_length = 0;
  expect(empty, Error::cert_chain_empty, kBadCertificate, "O.2.1-UE-AUTH-PC-BY-CERT");
  CertFacts longest = good();
  for (auto& c : longest.chain) c = good_cert();
  longest.chain_length = kMaxChainFacts;
  REQ("IMPL-CERT-FACT-LIMITS", cert_verdict(longest) == Error::ok);
  longest.chain_length = kMaxChainFacts + 1;
  expect(longest, Error::cert_chain_too_long, kUnsupportedCertificate, "IMPL-CERT-FACT-LIMITS");
}

//= spec#33310-6.1.1-X509V3 type=test
TEST_CASE("33310-6.1.1-X509V3: a v1 or v2 certificate anywhere in the chain is refused") {
  for (std::uint8_t v : {0, 1, 2, 4}) {
    for (std::size_t pos : {0u, 1u}) {
      CertFacts f = good();
      f.chain[pos].x509_version = v;
      expect(f, Error::cert_not_x509v3, kUnsupportedCertificate, "33310-6.1.1-X509V3");
    }
  }
}

//= spec#33310-6.1.1-HASH type=test
TEST_CASE("33310-6.1.1-HASH: MD2, MD5 and SHA-1 signatures are refused, unknown hashes too") {
  for (SigHash h : {SigHash::md2, SigHash::md5, SigHash::sha1}) {
    for (std::size_t pos : {0u, 1u}) {
      CertFacts f = good();
      f.chain[pos].signature_hash = h;
      expect(f, Error::cert_weak_signature_hash, kUnsupportedCertificate, "33310-6.1.1-HASH");
    }
  }
  CertFacts u = good();
  u.chain[1].signature_hash = SigHash::unknown;
  expect(u, Error::cert_unknown_signature_hash, kUnsupportedCertificate, "33310-6.1.1-HASH");
  for (SigHash h : {SigHash::sha224, SigHash::sha256, SigHash::sha384, SigHash::sha512}) {
    CertFacts f = good();
    f.chain[0].signature_hash = h;
    REQ("33310-6.1.1-HASH", cert_verdict(f) == Error::ok);
  }
}

//= spec#33310-6.1.1-PUBKEY type=test
//= spec#IMPL-CERT-KEY-STRENGTH type=test
TEST_CASE("33310-6.1.1-PUBKEY: only RSA >= 2048 and ECDSA P-256/P-384 keys are accepted") {
  for (std::uint16_t bits : {512, 1024, 2047}) {
    CertFacts f = good();
    f.chain[1].rsa_bits = bits;
    expect(f, Error::cert_rsa_key_too_small, kUnsupportedCertificate, "IMPL-CERT-KEY-STRENGTH");
  }
  for (std::uint16_t bits : {2048, 3072}) {
    CertFacts f = good();
    f.chain[1].rsa_bits = bits;
    REQ("33310-6.1.1-PUBKEY", cert_verdict(f) == Error::ok);
  }
  // Both curves the profile names are accepted: a P-384 key too (the mutant
  // cert_p384_refused survived while only P-256 was tried here).
  for (Curve c : {Curve::p256, Curve::p384}) {
    CertFacts f = good();
    f.chain[0].curve = c;
    REQ("33310-6.1.1-PUBKEY", cert_verdict(f) == Error::ok);
  }
  for (Curve c : {Curve::none, Curve::p521, Curve::other}) {
    CertFacts f = good();
    f.chain[0].curve = c;
    expect(f, Error::cert_ecdsa_curve, kUnsupportedCertificate, "IMPL-CERT-KEY-STRENGTH");
  }
  for (KeyAlg a : {KeyAlg::unknown, KeyAlg::other}) {
    CertFacts f = good();
    f.chain[0].key_algorithm = a;
    expect(f, Error::cert_key_algorithm, kUnsupportedCertificate, "33310-6.1.1-PUBKEY");
  }
}

//= spec#33310-6.1-ONLY-COMPLIANT-CERTS type=test
TEST_CASE(
    "33310-6.1-ONLY-COMPLIANT-CERTS: a chain with one non-conforming certificate anywhere is "
    "refused, whatever the rule") {
  // One violation of each TS 33.310 6.1 per-certificate rule, at each position
  // of a three-certificate chain; the rest of the chain conforms.
  const auto violations = {
      +[](ChainCertFacts& c) { c.x509_version = 1; },
      +[](ChainCertFacts& c) { c.signature_hash = SigHash::sha1; },
      +[](ChainCertFacts& c) { c.signature_hash = SigHash::md5; },
      +[](ChainCertFacts& c) { c.key_algorithm = KeyAlg::other; },
      +[](ChainCertFacts& c) {
        c.key_algorithm = KeyAlg::rsa;
        c.curve = Curve::none;
        c.rsa_bits = 1024;
      },
      +[](ChainCertFacts& c) {
        c.key_algorithm = KeyAlg::ecdsa;
        c.curve = Curve::p521;
      },
  };
  int refused = 0;
  for (const auto violate : violations) {
    for (std::size_t pos = 0; pos < 3; ++pos) {
      CertFacts f = good();
      f.chain[2] = good_cert(KeyAlg::rsa);
      f.chain_length = 3;
      REQUIRE(cert_verdict(f) == Error::ok);
      violate(f.chain[pos]);
      INFO("violation " << refused / 3 << " at position " << pos);
      REQ("33310-6.1-ONLY-COMPLIANT-CERTS", cert_verdict(f) != Error::ok);
      ++refused;
    }
  }
  CHECK(refused == 18);
}

//= spec#O.5.2-UE-ROOT-MUST-BE-KNOWN type=test
TEST_CASE(
    "O.5.2-UE-ROOT-MUST-BE-KNOWN: a sent root may differ from the stored one only in serial, "
    "validity, signature") {
  CertFacts f = good();
  f.root_sent = true;
  f.root_matches_stored = true;
  f.chain[2] = good_cert(KeyAlg::rsa);
  f.chain_length = 3;
  REQ("O.5.2-UE-ROOT-MUST-BE-KNOWN", cert_verdict(f) == Error::ok);
  f.root_differences = root_diff::serial | root_diff::validity | root_diff::signature;
  REQ("O.5.2-UE-ROOT-MUST-BE-KNOWN", cert_verdict(f) == Error::ok);
  for (std::uint16_t d :
       {root_diff::subject, root_diff::issuer, root_diff::public_key, root_diff::extensions,
        root_diff::version, root_diff::signature_algorithm, static_cast<std::uint16_t>(1u << 12)}) {
    INFO(d);
    CertFacts g = f;
    g.root_differences = static_cast<std::uint16_t>(d | root_diff::serial);
    expect(g, Error::cert_sent_root_differs, kBadCertificate, "O.5.2-UE-ROOT-MUST-BE-KNOWN");
  }
  CertFacts unknown = f;
  unknown.root_matches_stored = false;
  expect(unknown, Error::cert_sent_root_unknown, kUnknownCa, "O.5.2-UE-ROOT-MUST-BE-KNOWN");
  // Not sent: the stored-root comparison does not apply.
  CertFacts omitted = good();
  omitted.root_differences = root_diff::subject;
  REQ("O.5.2-UE-ROOT-MUST-BE-KNOWN", cert_verdict(omitted) == Error::ok);
}

//= spec#O.5.1-CERT-CRLDP-NOT-MANDATORY type=test
TEST_CASE(
    "O.5.1-CERT-CRLDP-NOT-MANDATORY: a certificate without CRL distribution point is accepted") {
  CertFacts f = good();
  f.crl_distribution_point_present = false;
  REQ("O.5.1-CERT-CRLDP-NOT-MANDATORY", cert_verdict(f) == Error::ok);
  f.crl_distribution_point_present = true;
  CHECK(cert_verdict(f) == Error::ok);
}

//= spec#O.5.1-CERT-CN-SINGLE type=test
//= spec#O.5.1-CERT-CN-IS-FQDN type=test
TEST_CASE("O.5.1-CERT-CN-SINGLE: exactly one common name holding an FQDN") {
  CertFacts none = good();
  none.common_name_count = 0;
  expect(none, Error::cert_cn_missing, kBadCertificate, "O.5.1-CERT-CN-IS-FQDN");
  CertFacts two = good();
  two.common_names[1] = sv("pcscf.ims.example.net");
  two.common_name_count = 2;
  expect(two, Error::cert_cn_not_single, kBadCertificate, "O.5.1-CERT-CN-SINGLE");
  CertFacts many = good();
  many.common_name_count = 9;  // more than recorded: still refused, never read past
  REQ("O.5.1-CERT-CN-SINGLE", cert_verdict(many) == Error::cert_cn_not_single);
  for (const char* cn :
       {"pcscf", "10.0.0.1", "pcscf.ims.example.net.", "-pcscf.example.net", "pcscf-.example.net",
        "pcscf..example.net", "pcscf_1.example.net", "pcscf.example.net pcscf2.example.net",
        "pcscf.example.123", "", "P-CSCF Server"}) {
    INFO(cn);
    CertFacts f = good();
    f.common_names[0] = sv(cn);
    expect(f, Error::cert_cn_not_fqdn, kBadCertificate, "O.5.1-CERT-CN-IS-FQDN");
  }
  const std::string label63(63, 'a'), label64(64, 'a');
  REQ("O.5.1-CERT-CN-IS-FQDN", is_fqdn(sv((label63 + ".net").c_str())));
  REQ("O.5.1-CERT-CN-IS-FQDN", !(is_fqdn(sv((label64 + ".net").c_str()))));
  // 25 labels of 9 + dot = 250, plus "net" = 253 octets: the maximum.
  std::string name253;
  for (int i = 0; i < 25; ++i) name253 += "abcdefghi.";
  name253 += "net";
  REQUIRE(name253.size() == 253);
  REQ("O.5.1-CERT-CN-IS-FQDN", is_fqdn(sv(name253.c_str())));
  REQ("O.5.1-CERT-CN-IS-FQDN", !(is_fqdn(sv(("a" + name253).c_str()))));
  REQ("O.5.1-CERT-CN-IS-FQDN", is_fqdn(sv("a1.b-2.example")));
}

//= spec#O.5.1-CERT-SAN-HAS-FQDN type=test
//= spec#IMPL-CERT-FACT-LIMITS type=test
TEST_CASE("O.5.1-CERT-SAN-HAS-FQDN: the CN FQDN must be among the subjectAltName dNSNames") {
  CertFacts f = good();
  f.san_dns_count = 0;
  expect(f, Error::cert_cn_not_in_san, kBadCertificate, "O.5.1-CERT-SAN-HAS-FQDN");
  CertFacts other = good();
  other.san_dns_names[0] = sv("other.ims.example.net");
  expect(other, Error::cert_cn_not_in_san, kBadCertificate, "O.5.1-CERT-SAN-HAS-FQDN");
  CertFacts several = good();
  several.san_dns_names[0] = sv("pcscf2.ims.example.net");
  several.san_dns_names[1] = sv("PCSCF.IMS.Example.NET");
  several.san_dns_count = 2;
  REQ("O.5.1-CERT-SAN-HAS-FQDN", cert_verdict(several) == Error::ok);
  CertFacts flood = good();
  flood.san_dns_count = kMaxSanDnsNames + 1;
  expect(flood, Error::cert_san_too_many, kUnsupportedCertificate, "IMPL-CERT-FACT-LIMITS");
}

//= spec#O.2.1-UE-TRUST-ENDPOINT-VIA-CERT type=test
TEST_CASE(
    "O.2.1-UE-TRUST-ENDPOINT-VIA-CERT: the configured P-CSCF FQDN must match a SAN dNSName "
    "exactly, no wildcards") {
  CertFacts mismatch = good();
  mismatch.reference_fqdn = sv("pcscf2.ims.example.net");
  expect(mismatch, Error::cert_name_mismatch, kBadCertificate, "O.2.1-UE-TRUST-ENDPOINT-VIA-CERT");
  // Case-insensitive in ASCII only.
  CertFacts upper = good();
  upper.reference_fqdn = sv("PCSCF.ims.EXAMPLE.net");
  REQ("O.2.1-UE-TRUST-ENDPOINT-VIA-CERT", cert_verdict(upper) == Error::ok);
  // Prefix/suffix never match.
  for (const char* ref : {"pcscf.ims.example.ne", "xpcscf.ims.example.net", "ims.example.net"}) {
    CertFacts f = good();
    f.reference_fqdn = sv(ref);
    REQ("O.2.1-UE-TRUST-ENDPOINT-VIA-CERT", cert_verdict(f) == Error::cert_name_mismatch);
  }
  // Wildcards: in the CN, or as the only SAN that could have matched.
  CertFacts wild_cn = good();
  wild_cn.common_names[0] = sv("*.ims.example.net");
  expect(wild_cn, Error::cert_wildcard_name, kBadCertificate, "O.2.1-UE-TRUST-ENDPOINT-VIA-CERT");
  CertFacts wild_san = good();
  wild_san.common_names[0] = sv("other.ims.example.net");
  wild_san.san_dns_names[0] = sv("other.ims.example.net");
  wild_san.san_dns_names[1] = sv("*.ims.example.net");
  wild_san.san_dns_count = 2;
  REQ("O.2.1-UE-TRUST-ENDPOINT-VIA-CERT", cert_verdict(wild_san) == Error::cert_wildcard_name);
  // The reference identity must itself be an FQDN (an IP literal needs one configured).
  for (const char* ref : {"", "192.0.2.1", "pcscf", "*.ims.example.net"}) {
    CertFacts f = good();
    f.reference_fqdn = sv(ref);
    expect(f, Error::cert_reference_fqdn_invalid, kInternalError,
           "O.2.1-UE-TRUST-ENDPOINT-VIA-CERT");
  }
  // A non-ASCII byte equal under Latin-1 case folding must not match.
  const std::uint8_t a[] = {'p', 0xC9, '.', 'n', 'e', 't'};
  const std::uint8_t b[] = {'p', 0xE9, '.', 'n', 'e', 't'};
  REQ("O.2.1-UE-TRUST-ENDPOINT-VIA-CERT", !(dns_name_equal(ByteView(a), ByteView(b))));
  REQ("O.2.1-UE-TRUST-ENDPOINT-VIA-CERT", dns_name_equal(sv("A.b"), sv("a.B")));
  REQ("O.2.1-UE-TRUST-ENDPOINT-VIA-CERT", !(dns_name_equal(sv("a.b"), sv("a.b."))));
}

//= spec#O.5.2-UE-NO-USER-OVERRIDE type=test
TEST_CASE(
    "O.5.2-UE-NO-USER-OVERRIDE: the verdict is a pure function of the facts, with no override "
    "input") {
  // The policy takes only the facts; the same refused facts are refused every
  // time, and CertFacts has no field through which a user could accept.
  CertFacts f = good();
  f.path = PathResult::unknown_ca;
  for (int i = 0; i < 3; ++i)
    REQ("O.5.2-UE-NO-USER-OVERRIDE", cert_verdict(f) == Error::cert_path_unknown_ca);
  static_assert(sizeof(CertFacts) > 0, "");
  CHECK(cert_verdict(good()) == Error::ok);
}
