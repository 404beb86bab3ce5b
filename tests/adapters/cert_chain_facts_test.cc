// The Botan adapter's certificate facts for the rules of issue 11, on a PKI made
// here with Botan: Botan's path validation is lenient about names and is
// given CRLs; adapters/tls/botan/cert_facts.cc must hand the core the encoded names
// of the path it built and whether a usable CRL was consulted, so that
// core::cert_verdict refuses what Botan accepts (O.5.2-UE-BINARY-NAME-MATCH,
// RD-34) and what configured revocation checking cannot vouch for
// (O.5.2-UE-RFC5280-PATH, RD-83). Expected alerts are RFC 5246 numbers.
#include <botan/auto_rng.h>
#include <botan/certstor.h>
#include <botan/ecdsa.h>
#include <botan/x509_ca.h>
#include <botan/x509_crl.h>
#include <botan/x509self.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "adapters/tls/botan/cert_facts.h"
#include "core/cert_policy.h"
#include "core/errors.h"
#include "tests/support/req.h"

namespace {

using annexo::core::Error;
using Clock = std::chrono::system_clock;

const std::string kFqdn = "pcscf.test";

struct Ca {
  Botan::X509_Certificate cert;
  std::unique_ptr<Botan::X509_CA> ca;
};

class Pki {
 public:
  Pki() : m_group("secp256r1"), m_root_key(m_rng, m_group) {
    root = make_root("annexo test");
    // ca-case: the same key, an organisation name that equals the root's only
    // after case folding and whitespace normalisation.
    root_case = make_root("ANNEXO   TEST");
    auto int_key = std::make_unique<Botan::ECDSA_PrivateKey>(m_rng, m_group);
    Botan::X509_Cert_Options o;
    o.common_name = "annexo test intermediate CA";
    o.organization = "annexo test";
    o.CA_key(0);
    const auto req = Botan::X509::create_cert_req(o, *int_key, "SHA-256", m_rng);
    const auto now = Clock::now();
    Botan::X509_Certificate int_cert = root.ca->sign_request(
        req, m_rng, Botan::X509_Time(now - day()), Botan::X509_Time(now + 365 * day()));
    intermediate =
        Ca{int_cert, std::make_unique<Botan::X509_CA>(int_cert, *int_key, "SHA-256", m_rng)};
    m_keys.push_back(std::move(int_key));
  }

  Botan::X509_Certificate leaf(const Ca& issuer) {
    auto key = std::make_unique<Botan::ECDSA_PrivateKey>(m_rng, m_group);
    Botan::X509_Cert_Options o;
    o.common_name = kFqdn;
    o.dns = kFqdn;
    const auto req = Botan::X509::create_cert_req(o, *key, "SHA-256", m_rng);
    const auto now = Clock::now();
    m_keys.push_back(std::move(key));
    return issuer.ca->sign_request(req, m_rng, Botan::X509_Time(now - day()),
                                   Botan::X509_Time(now + 30 * day()));
  }

  // A CRL of `issuer` listing `revoked`, issued at `at`, next update 7 days later.
  Botan::X509_CRL crl(const Ca& issuer, const std::vector<Botan::X509_Certificate>& revoked,
                      Clock::time_point at = Clock::now() - std::chrono::hours(1)) {
    const auto next = std::chrono::seconds(7 * 24 * 3600);
    Botan::X509_CRL empty = issuer.ca->new_crl(m_rng, at, next);
    if (revoked.empty()) return empty;
    std::vector<Botan::CRL_Entry> entries;
    for (const auto& c : revoked) entries.emplace_back(c, Botan::CRL_Code::KEY_COMPROMISE);
    return issuer.ca->update_crl(empty, entries, m_rng, at, next);
  }

  static std::chrono::hours day() { return std::chrono::hours(24); }

  Ca root, root_case, intermediate;

 private:
  Ca make_root(const std::string& organization) {
    Botan::X509_Cert_Options o;
    o.common_name = "annexo test CA";
    o.organization = organization;
    o.CA_key();
    Botan::X509_Certificate c =
        Botan::X509::create_self_signed_cert(o, m_root_key, "SHA-256", m_rng);
    return Ca{c, std::make_unique<Botan::X509_CA>(c, m_root_key, "SHA-256", m_rng)};
  }

  Botan::AutoSeeded_RNG m_rng;
  Botan::EC_Group m_group;
  Botan::ECDSA_PrivateKey m_root_key;
  std::vector<std::unique_ptr<Botan::Private_Key>> m_keys;
};

// The ue's path: Botan validation against `store`, the core's verdict.
struct Verdict {
  annexo::tls::Chain_Facts facts;
  Error error = Error::ok;
};
Verdict verdict(const std::vector<Botan::X509_Certificate>& chain, Botan::Certificate_Store& store,
                bool revocation_required = false) {
  Verdict v;
  v.facts = annexo::tls::collect_chain_facts(chain, {&store}, Botan::Usage_Type::TLS_SERVER_AUTH,
                                             Clock::now());
  annexo::core::CertFacts cf = annexo::tls::to_core_facts(v.facts, kFqdn);
  cf.revocation_required = revocation_required;
  v.error = annexo::core::cert_verdict(cf);
  return v;
}

int wire_alert(Error e) {
  return static_cast<int>(annexo::core::error_alert(e));
}

}  // namespace

//= spec#O.5.2-UE-BINARY-NAME-MATCH type=test
TEST_CASE(
    "O.5.2-UE-BINARY-NAME-MATCH: Botan accepts a leaf of the case-and-spacing twin CA; the facts "
    "make the core refuse it") {
  Pki pki;
  // The twin really is another encoding of the "same" name for Botan.
  REQUIRE(pki.root_case.cert.subject_dn() == pki.root.cert.subject_dn());
  REQUIRE(pki.root_case.cert.raw_subject_dn() != pki.root.cert.raw_subject_dn());
  Botan::Certificate_Store_In_Memory store;
  store.add_certificate(pki.root.cert);

  const Botan::X509_Certificate twin_leaf = pki.leaf(pki.root_case);
  const Verdict twin = verdict({twin_leaf}, store);
  // Botan's lenient chaining found the stored root; its path validation passed.
  CHECK(twin.facts.path_valid);
  REQUIRE(twin.facts.path.size() == 2);
  REQ("O.5.2-UE-BINARY-NAME-MATCH",
      twin.facts.path[0].issuer_der == pki.root_case.cert.raw_subject_dn());
  REQ("O.5.2-UE-BINARY-NAME-MATCH",
      twin.facts.path[1].subject_der == pki.root.cert.raw_subject_dn());
  REQ("O.5.2-UE-BINARY-NAME-MATCH", twin.error == Error::cert_name_not_exact);
  REQ("O.5.2-UE-BINARY-NAME-MATCH", wire_alert(twin.error) == 48);  // unknown_ca

  // A leaf of the root itself, and one through an intermediate: exact, accepted.
  REQ("O.5.2-UE-BINARY-NAME-MATCH", verdict({pki.leaf(pki.root)}, store).error == Error::ok);
  const Verdict via_int = verdict({pki.leaf(pki.intermediate), pki.intermediate.cert}, store);
  REQ("O.5.2-UE-BINARY-NAME-MATCH", via_int.error == Error::ok);
  REQ("O.5.2-UE-BINARY-NAME-MATCH", via_int.facts.path.size() == 3);
}

//= spec#O.5.2-UE-RFC5280-PATH type=test
TEST_CASE(
    "O.5.2-UE-RFC5280-PATH: CRLs in the trust store: a revoked leaf and a revoked intermediate are "
    "refused with certificate_revoked") {
  Pki pki;
  const Botan::X509_Certificate leaf = pki.leaf(pki.root);
  Botan::Certificate_Store_In_Memory store;
  store.add_certificate(pki.root.cert);
  store.add_crl(pki.crl(pki.root, {leaf}));
  const Verdict revoked = verdict({leaf}, store, true);
  REQ("O.5.2-UE-RFC5280-PATH", revoked.error == Error::cert_path_revoked);
  REQ("O.5.2-UE-RFC5280-PATH", wire_alert(revoked.error) == 44);  // certificate_revoked
  // Another leaf of the same CA, not listed: accepted, its CRL was consulted.
  const Verdict other = verdict({pki.leaf(pki.root)}, store, true);
  REQ("O.5.2-UE-RFC5280-PATH", other.error == Error::ok);
  REQ("O.5.2-UE-RFC5280-PATH", (!other.facts.path.empty() && other.facts.path[0].crl_checked));

  Botan::Certificate_Store_In_Memory store2;
  store2.add_certificate(pki.root.cert);
  store2.add_crl(pki.crl(pki.root, {pki.intermediate.cert}));
  store2.add_crl(pki.crl(pki.intermediate, {}));
  const Verdict intrev = verdict({pki.leaf(pki.intermediate), pki.intermediate.cert}, store2, true);
  REQ("O.5.2-UE-RFC5280-PATH", intrev.error == Error::cert_path_revoked);
  REQ("O.5.2-UE-RFC5280-PATH", wire_alert(intrev.error) == 44);
}

//= spec#O.5.2-UE-RFC5280-PATH type=test
TEST_CASE(
    "O.5.2-UE-RFC5280-PATH: configured revocation checking refuses a missing or stale CRL with "
    "certificate_unknown") {
  Pki pki;
  const std::vector<Botan::X509_Certificate> chain = {pki.leaf(pki.intermediate),
                                                      pki.intermediate.cert};
  Botan::Certificate_Store_In_Memory root_crl_only;
  root_crl_only.add_certificate(pki.root.cert);
  root_crl_only.add_crl(pki.crl(pki.root, {}));
  const Verdict missing = verdict(chain, root_crl_only, true);
  REQUIRE(missing.facts.path.size() == 3);
  CHECK_FALSE(missing.facts.path[0].crl_checked);  // the intermediate issued no CRL
  CHECK(missing.facts.path[1].crl_checked);
  REQ("O.5.2-UE-RFC5280-PATH", missing.error == Error::cert_revocation_unknown);
  REQ("O.5.2-UE-RFC5280-PATH", wire_alert(missing.error) == 46);  // certificate_unknown
  // Not configured: the same chain and store pass (RD-83).
  REQ("O.5.2-UE-RFC5280-PATH", verdict(chain, root_crl_only, false).error == Error::ok);
  // With the intermediate's CRL too: accepted.
  root_crl_only.add_crl(pki.crl(pki.intermediate, {}));
  REQ("O.5.2-UE-RFC5280-PATH", verdict(chain, root_crl_only, true).error == Error::ok);

  // A CRL whose nextUpdate has passed.
  Botan::Certificate_Store_In_Memory stale_store;
  stale_store.add_certificate(pki.root.cert);
  stale_store.add_crl(pki.crl(pki.root, {}, Clock::now() - 30 * Pki::day()));
  const Verdict stale = verdict({pki.leaf(pki.root)}, stale_store, true);
  REQ("O.5.2-UE-RFC5280-PATH", stale.error == Error::cert_revocation_unknown);
  REQ("O.5.2-UE-RFC5280-PATH", wire_alert(stale.error) == 46);
}

//= spec#O.2.1-PC-CERT-PROFILE type=test
TEST_CASE("O.2.1-PC-CERT-PROFILE: the pcscf's own-certificate facts from Botan certificates") {
  Pki pki;
  annexo::tls::Chain_Facts good;
  good.chain.push_back(annexo::tls::describe_certificate(pki.leaf(pki.root)));
  REQ("O.2.1-PC-CERT-PROFILE",
      annexo::core::pcscf_own_cert_profile(annexo::tls::to_core_facts(good, "")).error ==
          Error::ok);
  // Botan makes a leaf without subjectAltName when no dNSName is given.
  Botan::AutoSeeded_RNG rng;
  Botan::ECDSA_PrivateKey key(rng, Botan::EC_Group("secp256r1"));
  Botan::X509_Cert_Options o;
  o.common_name = kFqdn;
  const auto nosan = Botan::X509::create_self_signed_cert(o, key, "SHA-256", rng);
  annexo::tls::Chain_Facts bad;
  bad.chain.push_back(annexo::tls::describe_certificate(nosan));
  const auto finding = annexo::core::pcscf_own_cert_profile(annexo::tls::to_core_facts(bad, ""));
  REQ("O.2.1-PC-CERT-PROFILE", finding.error == Error::cert_san_missing);
  REQ("O.2.1-PC-CERT-PROFILE", finding.field == annexo::core::CertField::subject_alt_name);
}
