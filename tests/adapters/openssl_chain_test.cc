// The certificate rules of issue 11 through the OpenSSL 3.0 adapter (issue 14),
// handshake in memory between two Openssl_Endpoints, the alert read at the
// P-CSCF: OpenSSL's path validation is lenient about names (X509_NAME_cmp on
// canonical encodings) like Botan's, so the core's exact DER comparison must
// refuse what OpenSSL accepts (O.5.2-UE-BINARY-NAME-MATCH, RD-34, RD-81);
// CRLs given to the UE are checked by OpenSSL and a missing or revoking one
// refuses (RD-83, RD-121). Expected alerts are RFC 5246 numbers, written out.
#include <botan/auto_rng.h>
#include <botan/ecdsa.h>
#include <botan/pkcs8.h>
#include <botan/x509_ca.h>
#include <botan/x509_crl.h>
#include <botan/x509self.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "adapters/tls/chain_report.h"
#include "adapters/tls/openssl/context.h"
#include "adapters/tls/openssl/endpoint.h"
#include "core/cert_policy.h"
#include "core/profile.h"
#include "tests/support/req.h"

namespace {

namespace core = annexo::core;
namespace ossl = annexo::tls::openssl;
using core::Error;
using Clock = std::chrono::system_clock;

const std::string kFqdn = "pcscf.test";

struct Ca {
  Botan::X509_Certificate cert;
  std::unique_ptr<Botan::X509_CA> ca;
};

struct Leaf {
  std::string cert_pem;
  std::string key_pem;
  Botan::X509_Certificate cert;
};

// The PKI of cert_chain_facts_test (a root, its case-and-spacing twin with
// the same key, an intermediate), made here with Botan.
class Pki {
 public:
  Pki() : m_group("secp256r1"), m_root_key(m_rng, m_group) {
    root = make_root("annexo test");
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

  Leaf leaf(const Ca& issuer) {
    auto key = std::make_unique<Botan::ECDSA_PrivateKey>(m_rng, m_group);
    Botan::X509_Cert_Options o;
    o.common_name = kFqdn;
    o.dns = kFqdn;
    const auto req = Botan::X509::create_cert_req(o, *key, "SHA-256", m_rng);
    const auto now = Clock::now();
    Botan::X509_Certificate c = issuer.ca->sign_request(req, m_rng, Botan::X509_Time(now - day()),
                                                        Botan::X509_Time(now + 30 * day()));
    Leaf l{c.PEM_encode(), Botan::PKCS8::PEM_encode(*key), c};
    m_keys.push_back(std::move(key));
    return l;
  }

  std::string crl_pem(const Ca& issuer, const std::vector<Botan::X509_Certificate>& revoked) {
    const auto at = Clock::now() - std::chrono::hours(1);
    const auto next = std::chrono::seconds(7 * 24 * 3600);
    Botan::X509_CRL crl = issuer.ca->new_crl(m_rng, at, next);
    if (!revoked.empty()) {
      std::vector<Botan::CRL_Entry> entries;
      for (const auto& c : revoked) entries.emplace_back(c, Botan::CRL_Code::KEY_COMPROMISE);
      crl = issuer.ca->update_crl(crl, entries, m_rng, at, next);
    }
    return crl.PEM_encode();
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

struct Events final : annexo::tls::Endpoint_Events {
  std::vector<std::uint8_t> out;
  std::vector<int> alerts;
  int handshakes = 0;
  bool revocation_required = false;
  annexo::tls::Peer_Chain last_chain;
  void tls_out(const std::uint8_t d[], std::size_t n) override { out.insert(out.end(), d, d + n); }
  void tls_plaintext(const std::uint8_t*, std::size_t) override {}
  void tls_alert_received(const annexo::tls::Alert_Fact& a) override {
    alerts.push_back(a.description);
  }
  // The ue program's verdict: the core's, revocation required iff CRLs were given.
  Error tls_peer_chain(const annexo::tls::Peer_Chain& c) override {
    last_chain = c;
    core::CertFacts f = annexo::tls::to_core_facts(c, kFqdn);
    f.revocation_required = revocation_required;
    return core::cert_verdict(f);
  }
  Error tls_certificate_request() override { return Error::ok; }
  Error tls_renegotiation_client_hello(const std::vector<std::uint16_t>&) override {
    return Error::ok;
  }
  Error tls_handshake_complete(const annexo::tls::Handshake_Facts&) override {
    ++handshakes;
    return Error::ok;
  }
};

struct Outcome {
  bool ue_failed = false;
  Error error = Error::ok;
  std::vector<int> pcscf_alerts;  // what the P-CSCF's OpenSSL received
  int ue_handshakes = 0;
  annexo::tls::Peer_Chain chain;
};

// A TLS 1.3 (or 1.2) handshake: the P-CSCF serves `chain_pem`, the UE trusts
// `anchors_pem` with `crls`.
Outcome run(const std::string& chain_pem, const std::string& key_pem,
            const std::string& anchors_pem, const std::vector<std::string>& crls, bool tls13) {
  core::PcscfTlsConfig pc_config;
  core::UeTlsConfig ue_config;
  pc_config.enable_tls13 = tls13;
  ue_config.enable_tls13 = tls13;
  core::Offer offer;
  REQUIRE(core::build_offer(ue_config, offer) == Error::ok);
  auto pc_ctx = ossl::make_pcscf_context(pc_config, chain_pem, key_pem);
  auto ue_ctx = ossl::make_ue_context(ue_config, offer, anchors_pem, crls);
  REQUIRE(pc_ctx.error == "");
  REQUIRE(ue_ctx.error == "");
  Events ue, pc;
  ue.revocation_required = !crls.empty();
  auto server = ossl::Openssl_Endpoint::server(pc_ctx.ctx.get(), pc_config, pc, "127.0.0.1:1");
  auto client = ossl::Openssl_Endpoint::client(ue_ctx.ctx.get(), ue_config, offer, ue,
                                               "127.0.0.1:5061", kFqdn);
  client->start();
  for (int i = 0; i < 32 && (!ue.out.empty() || !pc.out.empty()); ++i) {
    auto a = std::move(ue.out);
    ue.out.clear();
    if (!a.empty() && !server->failed()) server->received(a.data(), a.size());
    auto b = std::move(pc.out);
    pc.out.clear();
    if (!b.empty() && !client->failed()) client->received(b.data(), b.size());
  }
  Outcome o;
  o.ue_failed = client->failed();
  o.error = client->failure().error;
  o.pcscf_alerts = pc.alerts;
  o.ue_handshakes = ue.handshakes;
  o.chain = ue.last_chain;
  return o;
}

bool got(const Outcome& o, int alert) {
  return std::find(o.pcscf_alerts.begin(), o.pcscf_alerts.end(), alert) != o.pcscf_alerts.end();
}

}  // namespace

// clang-format off
//= spec#O.5.2-UE-BINARY-NAME-MATCH type=test
TEST_CASE("O.5.2-UE-BINARY-NAME-MATCH: the OpenSSL UE refuses a leaf whose issuer equals the stored root only leniently, with unknown_ca (48)") {
  // clang-format on
  Pki pki;
  const std::string anchors = pki.root.cert.PEM_encode();
  for (bool tls13 : {true, false}) {
    INFO("tls13 " << tls13);
    // Issued under the twin: OpenSSL chains it to the stored root (same key,
    // names equal after case folding and whitespace collapsing).
    const Leaf twin = pki.leaf(pki.root_case);
    const Outcome o = run(twin.cert_pem, twin.key_pem, anchors, {}, tls13);
    REQUIRE(o.ue_failed);
    REQ("O.5.2-UE-BINARY-NAME-MATCH", o.chain.path_result == core::PathResult::ok);
    REQ("O.5.2-UE-BINARY-NAME-MATCH", o.chain.path.size() == 2);
    REQ("O.5.2-UE-BINARY-NAME-MATCH", o.error == Error::cert_name_not_exact);
    REQ("O.5.2-UE-BINARY-NAME-MATCH", got(o, 48));
    REQ("O.5.2-UE-BINARY-NAME-MATCH", o.ue_handshakes == 0);
    // The exact chain, direct and through the intermediate, is accepted.
    const Leaf good = pki.leaf(pki.root);
    REQ("O.5.2-UE-BINARY-NAME-MATCH",
        !run(good.cert_pem, good.key_pem, anchors, {}, tls13).ue_failed);
    const Leaf via = pki.leaf(pki.intermediate);
    const Outcome vo =
        run(via.cert_pem + pki.intermediate.cert.PEM_encode(), via.key_pem, anchors, {}, tls13);
    REQ("O.5.2-UE-BINARY-NAME-MATCH", !vo.ue_failed);
    REQ("O.5.2-UE-BINARY-NAME-MATCH", vo.chain.path.size() == 3);
  }
}

// clang-format off
//= spec#O.5.2-UE-RFC5280-PATH type=test
TEST_CASE("O.5.2-UE-RFC5280-PATH: with CRLs the OpenSSL UE refuses a revoked P-CSCF certificate (44) and a path without its issuer's CRL (46)") {
  // clang-format on
  Pki pki;
  const std::string anchors = pki.root.cert.PEM_encode();
  const Leaf leaf = pki.leaf(pki.intermediate);
  const std::string chain = leaf.cert_pem + pki.intermediate.cert.PEM_encode();
  const std::string root_crl = pki.crl_pem(pki.root, {});
  for (bool tls13 : {true, false}) {
    INFO("tls13 " << tls13);
    // Both CRLs current, nothing revoked: accepted, every certificate but the
    // anchor had its CRL consulted.
    const Outcome ok =
        run(chain, leaf.key_pem, anchors, {root_crl, pki.crl_pem(pki.intermediate, {})}, tls13);
    REQ("O.5.2-UE-RFC5280-PATH", !ok.ue_failed);
    REQ("O.5.2-UE-RFC5280-PATH", (ok.chain.path.size() == 3 && ok.chain.path[0].crl_checked &&
                                  ok.chain.path[1].crl_checked));
    // The leaf revoked by the intermediate's CRL.
    const Outcome revoked = run(chain, leaf.key_pem, anchors,
                                {root_crl, pki.crl_pem(pki.intermediate, {leaf.cert})}, tls13);
    REQUIRE(revoked.ue_failed);
    REQ("O.5.2-UE-RFC5280-PATH", revoked.error == Error::cert_path_revoked);
    REQ("O.5.2-UE-RFC5280-PATH", got(revoked, 44));  // certificate_revoked
    // CRL checking configured, but the intermediate's CRL not given.
    const Outcome missing = run(chain, leaf.key_pem, anchors, {root_crl}, tls13);
    REQUIRE(missing.ue_failed);
    REQ("O.5.2-UE-RFC5280-PATH", missing.error == Error::cert_revocation_unknown);
    REQ("O.5.2-UE-RFC5280-PATH", got(missing, 46));  // certificate_unknown
  }
}
