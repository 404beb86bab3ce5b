// The Botan TLS adapter in memory: a Botan client (UE) and server (P-CSCF)
// with annexo's policies, callbacks and ClientHello gate, wired back to back
// through their emit callbacks. No sockets.
#include <botan/tls_ciphersuite.h>
#include <botan/tls_client.h>
#include <botan/tls_server.h>
#include <botan/tls_session_manager.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "adapters/tls/botan/alerts.h"
#include "adapters/tls/botan/callbacks.h"
#include "adapters/tls/botan/cert_facts.h"
#include "adapters/tls/botan/credentials.h"
#include "adapters/tls/botan/policy.h"
#include "adapters/tls/client_hello_gate.h"
#include "core/cert_policy.h"
#include "core/profile.h"
#include "tests/adapters/test_pki.h"
#include "tests/support/req.h"

namespace {

using annexo::core::Error;
using annexo::tls::Chain_Facts;
using annexo::tls::Session_Facts;

struct Side final : annexo::tls::Tls_Events {
  std::vector<std::uint8_t> out;
  std::string app;
  std::vector<Session_Facts> sessions;
  std::vector<int> alerts;
  int certificate_requests = 0;
  std::function<Error(const Chain_Facts&)> chain = [](const Chain_Facts&) { return Error::ok; };
  Error on_certificate_request = Error::ok;

  void tls_out(const std::uint8_t d[], std::size_t n) override { out.insert(out.end(), d, d + n); }
  void tls_in(const std::uint8_t d[], std::size_t n) override {
    app.append(reinterpret_cast<const char*>(d), n);
  }
  void tls_alert_received(Botan::TLS::Alert a) override { alerts.push_back(a.type()); }
  Error tls_chain(const Chain_Facts& f) override { return chain(f); }
  Error tls_certificate_request() override {
    ++certificate_requests;
    return on_certificate_request;
  }
  Error tls_renegotiation_client_hello(const std::vector<std::uint16_t>& suites) override {
    std::vector<std::uint8_t> raw;
    for (auto s : suites) {
      raw.push_back(static_cast<std::uint8_t>(s >> 8));
      raw.push_back(static_cast<std::uint8_t>(s));
    }
    annexo::core::U16List l{annexo::core::ByteView(raw.data(), raw.size())};
    return annexo::core::offer_has_encrypting_suite(l) ? Error::ok
                                                       : Error::profile_ch_no_encrypting_suite;
  }
  Error tls_established(const Session_Facts& f) override {
    sessions.push_back(f);
    return Error::ok;
  }
};

const std::string kFqdn = "pcscf.test";

// A UE-side verdict exactly as the ue program computes it.
Error ue_verdict(const Chain_Facts& f) {
  const annexo::core::CertFacts c = annexo::tls::to_core_facts(f, kFqdn);
  return annexo::core::cert_verdict(c);
}

struct Failure {
  bool happened = false;
  annexo::tls::Tls_Failure f;
};

// A test-only client policy: deliberately outside the profile, to play a
// misbehaving UE (NULL-only or TLS 1.0-only offers).
class Rogue_Client_Policy final : public Botan::TLS::Policy {
 public:
  Rogue_Client_Policy(std::vector<std::uint16_t> suites, bool tls10_only)
      : m_suites(std::move(suites)), m_tls10_only(tls10_only) {}
  std::vector<std::uint16_t> ciphersuite_list(Botan::TLS::Protocol_Version, bool) const override {
    return m_suites;
  }
  bool allow_tls10() const override { return m_tls10_only; }
  bool allow_tls12() const override { return !m_tls10_only; }
  bool acceptable_protocol_version(Botan::TLS::Protocol_Version v) const override {
    return m_tls10_only ? v == Botan::TLS::Protocol_Version::TLS_V10
                        : v == Botan::TLS::Protocol_Version::TLS_V12;
  }
  bool require_cert_revocation_info() const override { return false; }

 private:
  std::vector<std::uint16_t> m_suites;
  bool m_tls10_only;
};

struct Pair {
  annexo::testing::Test_Pki pki;
  Side ue, pc;
  annexo::core::PcscfTlsConfig pc_config;
  annexo::core::UeTlsConfig ue_config;
  annexo::core::Offer offer;
  bool pcscf_requests_certificate = false;
  bool pcscf_accepts_renegotiation = false;  // the machine's answer (renegotiating state)
  std::unique_ptr<annexo::tls::Pcscf_Policy> pc_policy;
  std::unique_ptr<Botan::TLS::Policy> ue_policy;
  std::unique_ptr<annexo::tls::Server_Credentials> pc_creds;
  std::unique_ptr<annexo::tls::Client_Credentials> ue_creds;
  Botan::TLS::Session_Manager_Noop sessions_pc, sessions_ue;
  std::unique_ptr<annexo::tls::Callbacks> pc_cb, ue_cb;
  std::unique_ptr<Botan::TLS::Server> server;
  std::unique_ptr<Botan::TLS::Client> client;
  std::unique_ptr<annexo::tls::Client_Hello_Gate> gate;
  Failure ue_failure, pc_failure;

  explicit Pair(const std::string& cn = kFqdn, const std::string& san = kFqdn, bool expired = false,
                std::unique_ptr<Botan::TLS::Policy> rogue_ue = nullptr) {
    pc_config.enable_tls13 = false;  // Botan 2.19: TLS 1.2 only
    ue_config.enable_tls13 = false;
    REQUIRE(annexo::core::build_offer(ue_config, offer) == Error::ok);
    REQUIRE(annexo::core::pcscf_check_config(pc_config) == Error::ok);
    pc_policy = std::make_unique<annexo::tls::Pcscf_Policy>(
        pc_config, annexo::tls::Pcscf_Policy::Machine_Questions{
                       [this] { return pcscf_requests_certificate; },
                       [this] { return pcscf_accepts_renegotiation; }});
    ue_policy =
        rogue_ue ? std::move(rogue_ue) : std::make_unique<annexo::tls::Ue_Policy>(ue_config, offer);
    auto leaf = pki.leaf(cn, san, expired);
    pc_creds = std::make_unique<annexo::tls::Server_Credentials>(
        std::vector<Botan::X509_Certificate>{leaf.cert}, std::move(leaf.key));
    ue_creds = std::make_unique<annexo::tls::Client_Credentials>(
        std::vector<Botan::X509_Certificate>{pki.ca()});
    ue.chain = ue_verdict;
    const auto now = [] { return std::chrono::system_clock::now(); };
    pc_cb = std::make_unique<annexo::tls::Callbacks>(pc, "127.0.0.1:40000", now);
    ue_cb = std::make_unique<annexo::tls::Callbacks>(ue, "127.0.0.1:5061", now);
    gate = std::make_unique<annexo::tls::Client_Hello_Gate>(pc_config);
    server =
        std::make_unique<Botan::TLS::Server>(*pc_cb, sessions_pc, *pc_creds, *pc_policy, pki.rng());
    const bool tls10 = !ue_policy->allow_tls12();
    client = std::make_unique<Botan::TLS::Client>(
        *ue_cb, sessions_ue, *ue_creds, *ue_policy, pki.rng(),
        Botan::TLS::Server_Information(kFqdn, 5061),
        tls10 ? Botan::TLS::Protocol_Version::TLS_V10 : Botan::TLS::Protocol_Version::TLS_V12);
  }

  void to_server(std::vector<std::uint8_t> bytes) {
    if (pc_failure.happened) return;
    if (gate->state() == annexo::tls::Client_Hello_Gate::State::reading) {
      gate->push(bytes.data(), bytes.size());
      if (gate->state() == annexo::tls::Client_Hello_Gate::State::refused) {
        const auto rec = gate->alert_record();
        pc.out.insert(pc.out.end(), rec.begin(), rec.end());
        return;
      }
      if (gate->state() != annexo::tls::Client_Hello_Gate::State::accepted) return;
      bytes = gate->take();
    }
    try {
      server->received_data(bytes.data(), bytes.size());
    } catch (...) {
      pc_failure = {true, annexo::tls::classify_current_exception()};
    }
  }

  void to_client(const std::vector<std::uint8_t>& bytes) {
    if (ue_failure.happened) return;
    try {
      client->received_data(bytes.data(), bytes.size());
    } catch (...) {
      ue_failure = {true, annexo::tls::classify_current_exception()};
    }
  }

  void pump() {
    for (int round = 0; round < 64 && (!ue.out.empty() || !pc.out.empty()); ++round) {
      auto a = std::move(ue.out);
      ue.out.clear();
      if (!a.empty()) to_server(std::move(a));
      auto b = std::move(pc.out);
      pc.out.clear();
      if (!b.empty()) to_client(b);
    }
  }
};

}  // namespace

//= spec#O.2.1-PC-NO-CLIENT-CERT-REQ type=test
//= spec#O.2.1-PC-NONEMPTY-SESSION-ID type=test
//= spec#O.1.2-PC-DECIDES-SUITE type=test
//= spec#O.2.1-UE-NONNULL-OFFER type=test
TEST_CASE("O.2.1-PC-NO-CLIENT-CERT-REQ: in-memory handshake with annexo policies on both ends") {
  Pair p;
  p.pump();
  REQUIRE_FALSE(p.ue_failure.happened);
  REQUIRE_FALSE(p.pc_failure.happened);
  REQUIRE(p.gate->state() == annexo::tls::Client_Hello_Gate::State::accepted);
  REQUIRE(p.client->is_active());
  REQUIRE(p.server->is_active());
  // The UE's Botan client parsed the whole server flight: no CertificateRequest.
  REQ("O.2.1-PC-NO-CLIENT-CERT-REQ", p.ue.certificate_requests == 0);
  REQUIRE(p.pc.sessions.size() == 1);
  REQUIRE(p.ue.sessions.size() == 1);
  const Session_Facts& s = p.pc.sessions[0];
  CHECK(s.version == 0x0303);
  // Non-empty, server-issued (no tickets), the same at the UE.
  REQ("O.2.1-PC-NONEMPTY-SESSION-ID", s.session_id.size() == 32);
  REQ("O.2.1-PC-NONEMPTY-SESSION-ID", s.session_id == p.ue.sessions[0].session_id);
  // The suite both ends run is the one the P-CSCF's core chose from the UE's
  // offer (server preference), and the UE offered it.
  REQ("O.1.2-PC-DECIDES-SUITE", s.suite == p.gate->choice().suite);
  REQ("O.1.2-PC-DECIDES-SUITE", p.ue.sessions[0].suite == s.suite);
  const auto offered = p.ue_policy->ciphersuite_list(Botan::TLS::Protocol_Version::TLS_V12, true);
  REQ("O.1.2-PC-DECIDES-SUITE",
      std::find(offered.begin(), offered.end(), s.suite) != offered.end());
  // The UE's offer had a suite that encrypts: Botan's own table for the
  // negotiated one (taken from that offer) names a real cipher.
  const Botan::TLS::Ciphersuite cs = Botan::TLS::Ciphersuite::by_id(s.suite);
  REQ("O.2.1-UE-NONNULL-OFFER", (cs.valid() && cs.cipher_algo() != "NULL"));
  const std::string sip = "REGISTER sip:home.test SIP/2.0\r\nContent-Length: 0\r\n\r\n";
  p.client->send(sip);
  p.pump();
  CHECK(p.pc.app == sip);
}

// clang-format off
//= spec#O.2.1-UE-TRUST-ENDPOINT-VIA-CERT type=test
//= spec#O.3.1.2-UE-ALERT-ON-CERT-FAIL type=test
TEST_CASE("O.2.1-UE-TRUST-ENDPOINT-VIA-CERT: a certificate for another host aborts with bad_certificate") {
  // clang-format on
  Pair p("other.test", "other.test");
  p.pump();
  REQUIRE(p.ue_failure.happened);
  CHECK(p.ue_failure.f.kind == annexo::tls::Failure_Kind::core_rejection);
  REQ("O.2.1-UE-TRUST-ENDPOINT-VIA-CERT", p.ue_failure.f.error == Error::cert_name_mismatch);
  REQ("O.2.1-UE-TRUST-ENDPOINT-VIA-CERT", !p.client->is_active());
  REQ("O.2.1-UE-TRUST-ENDPOINT-VIA-CERT", (p.pc.sessions.empty() && p.ue.sessions.empty()));
  // The P-CSCF's Botan server received bad_certificate (42, RFC 5246 7.2.2).
  REQUIRE(p.pc.alerts.size() >= 1);
  REQ("O.3.1.2-UE-ALERT-ON-CERT-FAIL", p.pc.alerts.back() == 42);
  REQ("O.3.1.2-UE-ALERT-ON-CERT-FAIL", p.pc.app.empty());  // no SIP byte
}

// clang-format off
//= spec#O.5.2-UE-RFC5280-PATH type=test
TEST_CASE("O.5.2-UE-RFC5280-PATH: an expired P-CSCF certificate is refused with certificate_expired") {
  // clang-format on
  Pair p(kFqdn, kFqdn, true);
  p.pump();
  REQUIRE(p.ue_failure.happened);
  CHECK(p.ue_failure.f.kind == annexo::tls::Failure_Kind::core_rejection);
  REQ("O.5.2-UE-RFC5280-PATH", p.ue_failure.f.error == Error::cert_path_expired);
  REQUIRE_FALSE(p.pc.alerts.empty());
  REQ("O.5.2-UE-RFC5280-PATH", p.pc.alerts.back() == 45);  // certificate_expired
  REQ("O.5.2-UE-RFC5280-PATH", p.pc.sessions.empty());
}

// Not credited to O.2.1-UE-NONNULL-OFFER (a UE rule): this is the P-CSCF's
// gate defending against a UE that breaks it.
// clang-format off
TEST_CASE("adapters/tls: the P-CSCF's ClientHello gate refuses a NULL-only offer before Botan") {
  // clang-format on
  // 0xC006 ECDHE_ECDSA_WITH_NULL_SHA, 0x003B RSA_WITH_NULL_SHA256.
  Pair p(kFqdn, kFqdn, false,
         std::make_unique<Rogue_Client_Policy>(std::vector<std::uint16_t>{0xC006, 0x003B}, false));
  p.pump();
  CHECK(p.gate->state() == annexo::tls::Client_Hello_Gate::State::refused);
  CHECK(p.gate->error() == Error::profile_ch_no_encrypting_suite);
  CHECK(std::string(annexo::core::error_requirement(p.gate->error())) == "O.2.1-UE-NONNULL-OFFER");
  REQUIRE_FALSE(p.ue.alerts.empty());  // the UE got the gate's fatal alert
  CHECK(p.ue.alerts.back() == 40);
  CHECK_FALSE(p.client->is_active());
  CHECK(p.pc.sessions.empty());
}

// clang-format off
//= spec#33210-6.2.1-NO-LEGACY-VERSIONS type=test
TEST_CASE("33210-6.2.1-NO-LEGACY-VERSIONS: a TLS 1.0-only ClientHello is refused with protocol_version") {
  // clang-format on
  Pair p(kFqdn, kFqdn, false,
         std::make_unique<Rogue_Client_Policy>(std::vector<std::uint16_t>{0xC009, 0xC013}, true));
  p.pump();
  REQ("33210-6.2.1-NO-LEGACY-VERSIONS",
      p.gate->state() == annexo::tls::Client_Hello_Gate::State::refused);
  CHECK(p.gate->error() == Error::profile_ch_legacy_versions_only);
  REQUIRE_FALSE(p.ue.alerts.empty());
  REQ("33210-6.2.1-NO-LEGACY-VERSIONS", p.ue.alerts.back() == 70);  // protocol_version
  REQ("33210-6.2.1-NO-LEGACY-VERSIONS", !p.client->is_active());
  REQ("33210-6.2.1-NO-LEGACY-VERSIONS", p.pc.sessions.empty());
}

// The binding's Session ID replacement itself (O.4.2-PC-REPLACE-SESSION-ID) is
// the pcscf's and is tested end to end (loopback_e2e_test); here: the TLS part.
// clang-format off
//= spec#O.4.1-UE-RENEG-ON-HELLOREQUEST type=test
//= spec#O.4.2-PC-RENEG-INSIDE-CONN type=test
//= spec#O.2.1-PC-NONEMPTY-SESSION-ID type=test
TEST_CASE("O.4.1-UE-RENEG-ON-HELLOREQUEST: server-initiated renegotiation yields a new Session ID in the same connection") {
  // clang-format on
  Pair p;
  p.pump();
  REQUIRE(p.pc.sessions.size() == 1);
  const auto first = p.pc.sessions[0].session_id;
  // The machine enters its renegotiating state and sends HelloRequest.
  p.pcscf_accepts_renegotiation = true;
  p.server->renegotiate(true);
  p.pump();
  REQUIRE_FALSE(p.ue_failure.happened);
  REQUIRE_FALSE(p.pc_failure.happened);
  // The UE answered the HelloRequest with a full handshake ...
  REQ("O.4.1-UE-RENEG-ON-HELLOREQUEST", p.ue.sessions.size() == 2);
  REQUIRE(p.pc.sessions.size() == 2);
  // ... inside the same connection (the same Botan channel objects, which
  // knew the earlier handshake).
  REQ("O.4.2-PC-RENEG-INSIDE-CONN", p.pc.sessions[1].renegotiation);
  REQ("O.4.2-PC-RENEG-INSIDE-CONN", (p.server->is_active() && p.client->is_active()));
  REQ("O.2.1-PC-NONEMPTY-SESSION-ID", p.pc.sessions[1].session_id.size() == 32);
  CHECK(p.pc.sessions[1].session_id != first);
  p.client->send("OPTIONS sip:x SIP/2.0\r\n\r\n");
  p.pump();
  REQ("O.4.2-PC-RENEG-INSIDE-CONN", p.pc.app == "OPTIONS sip:x SIP/2.0\r\n\r\n");
}

// clang-format off
TEST_CASE("adapters/tls: a renegotiation the UE starts on its own is refused, the Session ID stays") {
  // clang-format on
  Pair p;
  p.pump();
  REQUIRE(p.pc.sessions.size() == 1);
  p.client->renegotiate(true);
  p.pump();
  CHECK(p.pc.sessions.size() == 1);
  REQUIRE_FALSE(p.ue.alerts.empty());
  CHECK(p.ue.alerts.back() == 100);  // no_renegotiation
  CHECK(p.server->is_active());
}

// clang-format off
//= spec#O.2.1-PC-NO-CLIENT-CERT-REQ type=test
TEST_CASE("O.2.1-PC-NO-CLIENT-CERT-REQ: a UE set to abort on a CertificateRequest aborts the handshake") {
  // clang-format on
  Pair p;
  p.pcscf_requests_certificate = true;  // a non-conformant P-CSCF
  p.ue.on_certificate_request = Error::ue_certificate_request_abort;
  p.pump();
  // The UE sees the violation (a CertificateRequest in the server flight) ...
  REQ("O.2.1-PC-NO-CLIENT-CERT-REQ", p.ue.certificate_requests == 1);
  REQUIRE(p.ue_failure.happened);
  CHECK(p.ue_failure.f.error == Error::ue_certificate_request_abort);
  // ... and aborts with handshake_failure (40) before any session exists.
  REQUIRE_FALSE(p.pc.alerts.empty());
  REQ("O.2.1-PC-NO-CLIENT-CERT-REQ", p.pc.alerts.back() == 40);
  REQ("O.2.1-PC-NO-CLIENT-CERT-REQ", p.pc.sessions.empty());
}

TEST_CASE("adapters/tls: the alert table maps every core alert but none") {
  Botan::TLS::Alert::Type t;
  CHECK(annexo::tls::to_botan_alert(annexo::core::TlsAlert::bad_certificate, &t));
  CHECK(t == Botan::TLS::Alert::BAD_CERTIFICATE);
  CHECK_FALSE(annexo::tls::to_botan_alert(annexo::core::TlsAlert::none, &t));
}
