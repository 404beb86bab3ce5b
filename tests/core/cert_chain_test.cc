// The certificate rules of issue 11 in the core: exact (DER) name chaining along
// the validated path (O.5.2-UE-BINARY-NAME-MATCH, RD-34), configured revocation
// checking (O.5.2-UE-RFC5280-PATH, RD-83) and the P-CSCF's check of its own
// certificate against the O.5.1 profile (O.2.1-PC-CERT-PROFILE, RD-82).
// Expected alerts are the RFC 5246 wire numbers, written out here, not read
// from the core's own table.
#include <catch2/catch.hpp>

#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/cert_policy.h"
#include "core/errors.h"
#include "tests/support/req.h"

using namespace annexo::core;

namespace {

ByteView sv(const char* s) {
  return ByteView(reinterpret_cast<const std::uint8_t*>(s), std::strlen(s));
}
ByteView bv(const std::vector<std::uint8_t>& v) {
  return ByteView(v.data(), v.size());
}

// DER of a Name with one RDN per (OID, UTF8String) pair, as OpenSSL writes it.
std::vector<std::uint8_t> der_tlv(std::uint8_t tag, const std::vector<std::uint8_t>& body) {
  std::vector<std::uint8_t> out{tag};
  if (body.size() >= 128) throw std::length_error("der_tlv: short form only");
  out.push_back(static_cast<std::uint8_t>(body.size()));
  out.insert(out.end(), body.begin(), body.end());
  return out;
}
std::vector<std::uint8_t> der_name(const std::vector<std::pair<char, std::string>>& rdns) {
  std::vector<std::uint8_t> seq;
  for (const auto& [kind, value] : rdns) {
    const std::vector<std::uint8_t> oid = kind == 'O' ? std::vector<std::uint8_t>{0x55, 0x04, 0x0A}
                                                      : std::vector<std::uint8_t>{0x55, 0x04, 0x03};
    std::vector<std::uint8_t> atv = der_tlv(0x06, oid);
    const auto str = der_tlv(0x0C, std::vector<std::uint8_t>(value.begin(), value.end()));
    atv.insert(atv.end(), str.begin(), str.end());
    const auto set = der_tlv(0x31, der_tlv(0x30, atv));
    seq.insert(seq.end(), set.begin(), set.end());
  }
  return der_tlv(0x30, seq);
}

// The names of tests/pki: ca-ec, its case-and-spacing twin ca-case, a leaf.
const std::vector<std::uint8_t> kRoot =
    der_name({{'O', "annexo test"}, {'C', "annexo test CA ECDSA P-256"}});
const std::vector<std::uint8_t> kRootCase =
    der_name({{'O', "ANNEXO   TEST"}, {'C', "annexo test CA ECDSA P-256"}});
const std::vector<std::uint8_t> kInt =
    der_name({{'O', "annexo test"}, {'C', "annexo test intermediate CA"}});
const std::vector<std::uint8_t> kLeaf = der_name({{'C', "pcscf.test"}});

ChainCertFacts good_cert() {
  ChainCertFacts c;
  c.x509_version = 3;
  c.signature_hash = SigHash::sha256;
  c.key_algorithm = KeyAlg::ecdsa;
  c.curve = Curve::p256;
  return c;
}

// A conforming leaf + intermediate, validated up to the root, names exact.
CertFacts good() {
  CertFacts f;
  f.path = PathResult::ok;
  f.chain[0] = good_cert();
  f.chain[1] = good_cert();
  f.chain_length = 2;
  f.common_names[0] = sv("pcscf.test");
  f.common_name_count = 1;
  f.san_dns_names[0] = sv("pcscf.test");
  f.san_dns_count = 1;
  f.reference_fqdn = sv("pcscf.test");
  f.path_certs[0] = PathCertFacts{bv(kLeaf), bv(kInt), false};
  f.path_certs[1] = PathCertFacts{bv(kInt), bv(kRoot), false};
  f.path_certs[2] = PathCertFacts{bv(kRoot), bv(kRoot), false};
  f.path_length = 3;
  return f;
}

int wire_alert(Error e) {
  return static_cast<int>(error_alert(e));
}

}  // namespace

//= spec#O.5.2-UE-BINARY-NAME-MATCH type=test
TEST_CASE(
    "O.5.2-UE-BINARY-NAME-MATCH: names that chain byte for byte are accepted, a case-and-spacing "
    "twin is refused with unknown_ca") {
  REQ("O.5.2-UE-BINARY-NAME-MATCH", cert_verdict(good()) == Error::ok);

  // The leaf of ca-case sent alone: the library found ca-ec (lenient match,
  // same key), the signature verified, path validation said ok.
  CertFacts f = good();
  f.chain_length = 1;
  f.path_certs[0] = PathCertFacts{bv(kLeaf), bv(kRootCase), false};
  f.path_certs[1] = PathCertFacts{bv(kRoot), bv(kRoot), false};
  f.path_length = 2;
  const Error e = cert_verdict(f);
  REQ("O.5.2-UE-BINARY-NAME-MATCH", e == Error::cert_name_not_exact);
  REQ("O.5.2-UE-BINARY-NAME-MATCH", wire_alert(e) == 48);  // unknown_ca (RD-34)
  REQ("O.5.2-UE-BINARY-NAME-MATCH",
      std::string(error_requirement(e)) == "O.5.2-UE-BINARY-NAME-MATCH");

  // The same leaf issued under the exact name passes.
  f.path_certs[0].issuer = bv(kRoot);
  REQ("O.5.2-UE-BINARY-NAME-MATCH", cert_verdict(f) == Error::ok);
}

//= spec#O.5.2-UE-BINARY-NAME-MATCH type=test
TEST_CASE(
    "O.5.2-UE-BINARY-NAME-MATCH: one changed byte in any name of the path, the trust anchor "
    "included, is refused") {
  const CertFacts base = good();
  std::size_t checked = 0, refused = 0;
  for (std::size_t cert = 0; cert < base.path_length; ++cert) {
    for (int which = 0; which < 2; ++which) {  // subject, issuer
      if (cert == 0 && which == 0) continue;   // the leaf's subject chains to nothing
      const ByteView name =
          which == 0 ? base.path_certs[cert].subject : base.path_certs[cert].issuer;
      for (std::size_t i = 0; i < name.size; ++i) {
        std::vector<std::uint8_t> copy(name.data, name.data + name.size);
        // ASCII case flip where there is a letter, else any other byte value.
        const std::uint8_t c = copy[i];
        copy[i] = ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') ? static_cast<std::uint8_t>(c ^ 0x20)
                                                           : static_cast<std::uint8_t>(c ^ 0x01);
        CertFacts f = base;
        (which == 0 ? f.path_certs[cert].subject : f.path_certs[cert].issuer) = bv(copy);
        ++checked;
        if (cert_verdict(f) == Error::cert_name_not_exact) ++refused;
      }
    }
  }
  REQ("O.5.2-UE-BINARY-NAME-MATCH", checked > 100);
  REQ("O.5.2-UE-BINARY-NAME-MATCH", refused == checked);

  // A trust anchor whose issuer differs from its own subject (in case only).
  CertFacts anchor = good();
  anchor.path_certs[2].issuer = bv(kRootCase);
  REQ("O.5.2-UE-BINARY-NAME-MATCH", cert_verdict(anchor) == Error::cert_name_not_exact);
  // A shorter or longer encoding of the same text is another name.
  std::vector<std::uint8_t> longer = kRoot;
  longer.push_back(0x00);
  CertFacts tail = good();
  tail.path_certs[1].issuer = bv(longer);
  REQ("O.5.2-UE-BINARY-NAME-MATCH", cert_verdict(tail) == Error::cert_name_not_exact);
}

//= spec#O.5.2-UE-BINARY-NAME-MATCH type=test
TEST_CASE("O.5.2-UE-BINARY-NAME-MATCH: a path without names is never accepted") {
  CertFacts none = good();
  none.path_length = 0;
  REQ("O.5.2-UE-BINARY-NAME-MATCH", cert_verdict(none) == Error::cert_path_names_missing);
  CertFacts empty_name = good();
  empty_name.path_certs[1].subject = ByteView();
  empty_name.path_certs[0].issuer = ByteView();
  REQ("O.5.2-UE-BINARY-NAME-MATCH", cert_verdict(empty_name) == Error::cert_path_names_missing);
  CertFacts too_long = good();
  too_long.path_length = kMaxPathFacts + 1;
  REQ("O.5.2-UE-BINARY-NAME-MATCH", cert_verdict(too_long) == Error::cert_chain_too_long);
  // The default facts (nothing checked) stay refused.
  REQ("O.5.2-UE-BINARY-NAME-MATCH", cert_verdict(CertFacts()) != Error::ok);
}

//= spec#O.5.2-UE-RFC5280-PATH type=test
TEST_CASE(
    "O.5.2-UE-RFC5280-PATH: with revocation checking configured, a certificate without a current "
    "CRL is refused with certificate_unknown") {
  CertFacts f = good();
  f.revocation_required = true;
  const Error none = cert_verdict(f);
  REQ("O.5.2-UE-RFC5280-PATH", none == Error::cert_revocation_unknown);
  REQ("O.5.2-UE-RFC5280-PATH", wire_alert(none) == 46);  // certificate_unknown (RD-83)

  f.path_certs[0].crl_checked = true;  // the intermediate's CRL for the leaf
  REQ("O.5.2-UE-RFC5280-PATH", cert_verdict(f) == Error::cert_revocation_unknown);
  f.path_certs[1].crl_checked = true;  // the root's CRL for the intermediate
  REQ("O.5.2-UE-RFC5280-PATH", cert_verdict(f) == Error::ok);
  // Nobody issues a CRL for the trust anchor: its flag is not read.
  f.path_certs[2].crl_checked = false;
  REQ("O.5.2-UE-RFC5280-PATH", cert_verdict(f) == Error::ok);
  // Only the intermediate's CRL missing.
  f.path_certs[1].crl_checked = false;
  REQ("O.5.2-UE-RFC5280-PATH", cert_verdict(f) == Error::cert_revocation_unknown);

  // Not configured: no CRL is needed (RD-83).
  CertFacts off = good();
  REQ("O.5.2-UE-RFC5280-PATH", cert_verdict(off) == Error::ok);
}

//= spec#O.5.2-UE-RFC5280-PATH type=test
TEST_CASE(
    "O.5.2-UE-RFC5280-PATH: a revoked certificate and unusable revocation data are refused with "
    "their alerts") {
  CertFacts revoked = good();
  revoked.path = PathResult::revoked;
  const Error r = cert_verdict(revoked);
  REQ("O.5.2-UE-RFC5280-PATH", r == Error::cert_path_revoked);
  REQ("O.5.2-UE-RFC5280-PATH", wire_alert(r) == 44);  // certificate_revoked
  // Revoked wins over configured and complete CRLs: revocation is fatal.
  revoked.revocation_required = true;
  for (std::size_t i = 0; i < revoked.path_length; ++i) revoked.path_certs[i].crl_checked = true;
  REQ("O.5.2-UE-RFC5280-PATH", cert_verdict(revoked) == Error::cert_path_revoked);

  CertFacts stale = good();
  stale.path = PathResult::revocation_unknown;  // a CRL past its nextUpdate
  const Error s = cert_verdict(stale);
  REQ("O.5.2-UE-RFC5280-PATH", s == Error::cert_revocation_unknown);
  REQ("O.5.2-UE-RFC5280-PATH", wire_alert(s) == 46);
}

namespace {

void expect_finding(const CertFacts& f, Error e, CertField field, std::size_t index,
                    const char* rule) {
  const ProfileFinding got = pcscf_own_cert_profile(f);
  REQ("O.2.1-PC-CERT-PROFILE", got.error == e);
  REQ("O.2.1-PC-CERT-PROFILE", got.field == field);
  REQ("O.2.1-PC-CERT-PROFILE", got.cert_index == index);
  REQ("O.2.1-PC-CERT-PROFILE", std::string(error_requirement(got.error)) == rule);
}

}  // namespace

//= spec#O.2.1-PC-CERT-PROFILE type=test
TEST_CASE(
    "O.2.1-PC-CERT-PROFILE: the P-CSCF's own chain is checked against the O.5.1 profile, naming "
    "the rule and the field") {
  // Only the certificate contents count: no path, no trust anchor, no peer name.
  CertFacts ok = good();
  ok.path = PathResult::not_checked;
  ok.path_length = 0;
  ok.reference_fqdn = ByteView();
  REQ("O.2.1-PC-CERT-PROFILE", pcscf_own_cert_profile(ok).error == Error::ok);

  SECTION("wildcard common name (tests/pki wildcard)") {
    CertFacts f = ok;
    f.common_names[0] = sv("*.test");
    f.san_dns_names[0] = sv("*.test");
    expect_finding(f, Error::cert_cn_wildcard, CertField::subject_cn, 0, "O.5.1-CERT-CN-SINGLE");
  }
  SECTION("two common names (tests/pki twocn)") {
    CertFacts f = ok;
    f.common_names[1] = sv("other.test");
    f.common_name_count = 2;
    expect_finding(f, Error::cert_cn_not_single, CertField::subject_cn, 0, "O.5.1-CERT-CN-SINGLE");
  }
  SECTION("no common name") {
    CertFacts f = ok;
    f.common_name_count = 0;
    expect_finding(f, Error::cert_cn_missing, CertField::subject_cn, 0, "O.5.1-CERT-CN-IS-FQDN");
  }
  SECTION("a common name that is no FQDN") {
    CertFacts f = ok;
    f.common_names[0] = sv("pcscf");
    f.san_dns_names[0] = sv("pcscf");
    expect_finding(f, Error::cert_cn_not_fqdn, CertField::subject_cn, 0, "O.5.1-CERT-CN-IS-FQDN");
  }
  SECTION("no subjectAltName (tests/pki nosan)") {
    CertFacts f = ok;
    f.san_dns_count = 0;
    expect_finding(f, Error::cert_san_missing, CertField::subject_alt_name, 0,
                   "O.5.1-CERT-SAN-HAS-FQDN");
  }
  SECTION("a wildcard dNSName next to the FQDN") {
    CertFacts f = ok;
    f.san_dns_names[1] = sv("*.pcscf.test");
    f.san_dns_count = 2;
    expect_finding(f, Error::cert_san_wildcard, CertField::subject_alt_name, 0,
                   "O.5.1-CERT-SAN-HAS-FQDN");
  }
  SECTION("the CN's FQDN is not among the dNSNames") {
    CertFacts f = ok;
    f.san_dns_names[0] = sv("other.test");
    expect_finding(f, Error::cert_cn_not_in_san, CertField::subject_alt_name, 0,
                   "O.5.1-CERT-SAN-HAS-FQDN");
  }
  SECTION("SHA-1 signature (tests/pki sha1)") {
    CertFacts f = ok;
    f.chain[0].signature_hash = SigHash::sha1;
    expect_finding(f, Error::cert_weak_signature_hash, CertField::signature_algorithm, 0,
                   "33310-6.1.1-HASH");
  }
  SECTION("RSA-1024 key (tests/pki rsa1024)") {
    CertFacts f = ok;
    f.chain[0].key_algorithm = KeyAlg::rsa;
    f.chain[0].curve = Curve::none;
    f.chain[0].rsa_bits = 1024;
    expect_finding(f, Error::cert_rsa_key_too_small, CertField::public_key, 0,
                   "IMPL-CERT-KEY-STRENGTH");
  }
  SECTION("an X.509 v1 intermediate in the configured chain") {
    CertFacts f = ok;
    f.chain[1].x509_version = 1;
    expect_finding(f, Error::cert_not_x509v3, CertField::version, 1, "33310-6.1.1-X509V3");
  }
  SECTION("a P-521 key on the intermediate") {
    CertFacts f = ok;
    f.chain[1].curve = Curve::p521;
    expect_finding(f, Error::cert_ecdsa_curve, CertField::public_key, 1, "IMPL-CERT-KEY-STRENGTH");
  }
  SECTION("an empty chain") {
    CertFacts f = ok;
    f.chain_length = 0;
    expect_finding(f, Error::cert_chain_empty, CertField::chain, 0, "O.2.1-UE-AUTH-PC-BY-CERT");
  }
}

TEST_CASE("core/cert_policy: every CertField has a printable name") {
  for (CertField c :
       {CertField::none, CertField::chain, CertField::version, CertField::signature_algorithm,
        CertField::public_key, CertField::subject_cn, CertField::subject_alt_name}) {
    CHECK(std::string(cert_field_name(c)).size() > 0);
    CHECK(std::string(cert_field_name(c)) != "unknown");
  }
}
