// Both TLS stacks through the stack-neutral Endpoint (issue 14), in memory,
// no sockets: OpenSSL 3.0 against OpenSSL 3.0 at TLS 1.3 and TLS 1.2, and
// Botan 2.19 against OpenSSL 3.0 in both directions at TLS 1.2 (Botan 2.19
// has no TLS 1.3). Every verdict is the core's; the assertions read what the
// *peer* saw: the alert number it received, the facts of its own handshake.
#include <botan/data_src.h>
#include <botan/pkcs8.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "adapters/tls/botan/endpoint.h"
#include "adapters/tls/endpoint.h"
#include "adapters/tls/first_hello.h"
#include "adapters/tls/openssl/context.h"
#include "adapters/tls/openssl/endpoint.h"
#include "core/cert_policy.h"
#include "core/profile.h"
#include "tests/adapters/test_pki.h"
#include "tests/support/req.h"

namespace {

using annexo::core::Error;
using annexo::tls::Alert_Fact;
using annexo::tls::Endpoint;
using annexo::tls::Handshake_Facts;
using annexo::tls::Peer_Chain;
namespace core = annexo::core;
namespace ossl = annexo::tls::openssl;

const std::string kFqdn = "pcscf.test";

struct Events final : annexo::tls::Endpoint_Events {
  std::vector<std::uint8_t> out;
  std::string app;
  std::vector<Handshake_Facts> handshakes;
  std::vector<Alert_Fact> alerts;
  int certificate_requests = 0;
  int key_updates_received = 0;
  int key_updates_sent = 0;
  int key_updates_requested_by_peer = 0;
  bool peer_closed = false;
  std::vector<std::vector<std::uint16_t>> reneg_hellos;
  // The UE's verdict exactly as the ue program computes it.
  std::function<Error(const Peer_Chain&)> chain = [](const Peer_Chain& c) {
    return core::cert_verdict(annexo::tls::to_core_facts(c, kFqdn));
  };
  Error on_certificate_request = Error::ok;

  void tls_out(const std::uint8_t d[], std::size_t n) override { out.insert(out.end(), d, d + n); }
  void tls_plaintext(const std::uint8_t d[], std::size_t n) override {
    app.append(reinterpret_cast<const char*>(d), n);
  }
  void tls_alert_received(const Alert_Fact& a) override { alerts.push_back(a); }
  Error tls_peer_chain(const Peer_Chain& c) override { return chain(c); }
  Error tls_certificate_request() override {
    ++certificate_requests;
    return on_certificate_request;
  }
  Error tls_renegotiation_client_hello(const std::vector<std::uint16_t>& s) override {
    reneg_hellos.push_back(s);
    return Error::ok;
  }
  Error tls_handshake_complete(const Handshake_Facts& f) override {
    handshakes.push_back(f);
    return Error::ok;
  }
  void tls_key_update(bool received, bool requested) override {
    if (!received) ++key_updates_sent;
    if (received) {
      ++key_updates_received;
      if (requested) ++key_updates_requested_by_peer;
    }
  }
  void tls_peer_closed() override { peer_closed = true; }
  bool received_alert(int n) const {
    return std::any_of(alerts.begin(), alerts.end(),
                       [n](const Alert_Fact& a) { return a.description == n; });
  }
};

enum class Stack { botan, openssl };

struct Pki_Pem {
  annexo::testing::Test_Pki pki;
  std::string ca_pem;
  Pki_Pem() : ca_pem(pki.ca().PEM_encode()) {}
};

// One connection, server and client on the given stacks.
struct Conn {
  Pki_Pem& pki;
  Events ue, pc;
  core::PcscfTlsConfig pc_config;
  core::UeTlsConfig ue_config;
  core::Offer offer;
  ossl::Built_Context pc_ctx, ue_ctx;
  std::unique_ptr<annexo::tls::Server_Credentials> botan_pc_creds;
  std::unique_ptr<annexo::tls::Client_Credentials> botan_ue_creds;
  std::unique_ptr<Endpoint> server, client;
  std::vector<std::uint8_t> first_client_flight;
  bool accepts_renegotiation = false;

  Conn(Pki_Pem& p, Stack server_stack, Stack client_stack, bool tls13,
       const std::string& cn = kFqdn, bool expired = false, const std::string* ue_ca = nullptr)
      : pki(p) {
    // Botan 2.19 speaks TLS 1.2 only: the programs configure it so.
    pc_config.enable_tls13 = tls13 && server_stack == Stack::openssl;
    ue_config.enable_tls13 = tls13 && client_stack == Stack::openssl;
    REQUIRE(core::build_offer(ue_config, offer) == Error::ok);
    REQUIRE(core::pcscf_check_config(pc_config) == Error::ok);
    auto leaf = pki.pki.leaf(cn, cn, expired);
    const std::string leaf_pem = leaf.cert.PEM_encode();
    const std::string key_pem = Botan::PKCS8::PEM_encode(*leaf.key);
    const std::string& ca = ue_ca ? *ue_ca : pki.ca_pem;
    if (server_stack == Stack::openssl) {
      pc_ctx = ossl::make_pcscf_context(pc_config, leaf_pem, key_pem);
      REQUIRE(pc_ctx.error == "");
      server = ossl::Openssl_Endpoint::server(pc_ctx.ctx.get(), pc_config, pc, "127.0.0.1:40000");
    } else {
      botan_pc_creds = std::make_unique<annexo::tls::Server_Credentials>(
          std::vector<Botan::X509_Certificate>{leaf.cert}, std::move(leaf.key));
      server = annexo::tls::Botan_Endpoint::server(pc_config, *botan_pc_creds, pki.pki.rng(), pc,
                                                   "127.0.0.1:40000",
                                                   [this] { return accepts_renegotiation; });
    }
    if (client_stack == Stack::openssl) {
      ue_ctx = ossl::make_ue_context(ue_config, offer, ca);
      REQUIRE(ue_ctx.error == "");
      client = ossl::Openssl_Endpoint::client(ue_ctx.ctx.get(), ue_config, offer, ue,
                                              "127.0.0.1:5061", kFqdn);
    } else {
      Botan::DataSource_Memory src(ca);
      botan_ue_creds = std::make_unique<annexo::tls::Client_Credentials>(
          std::vector<Botan::X509_Certificate>{Botan::X509_Certificate(src)});
      client = annexo::tls::Botan_Endpoint::client(ue_config, offer, *botan_ue_creds, pki.pki.rng(),
                                                   ue, "127.0.0.1:5061", kFqdn);
    }
    client->start();
    first_client_flight = ue.out;
  }

  void pump() {
    for (int round = 0; round < 64 && (!ue.out.empty() || !pc.out.empty()); ++round) {
      auto a = std::move(ue.out);
      ue.out.clear();
      if (!a.empty() && !server->failed()) server->received(a.data(), a.size());
      auto b = std::move(pc.out);
      pc.out.clear();
      if (!b.empty() && !client->failed()) client->received(b.data(), b.size());
    }
  }

  void say(Endpoint& e, const std::string& s) {
    REQUIRE(e.send(reinterpret_cast<const std::uint8_t*>(s.data()), s.size()));
    pump();
  }
};

const char* name(Stack s) {
  return s == Stack::botan ? "botan" : "openssl";
}

}  // namespace

// clang-format off
//= spec#33210-6.2.1-TLS13-MANDATORY type=test
//= spec#33210-6.2.2-RFC8446-9.1 type=test
//= spec#O.1.2-PC-DECIDES-SUITE type=test
//= spec#O.2.1-PC-NO-CLIENT-CERT-REQ type=test
//= spec#33210-6.2.2-NO-0RTT type=test
//= spec#33210-6.2.2-RFC8446-9.2 type=test
TEST_CASE("33210-6.2.1-TLS13-MANDATORY: OpenSSL UE and OpenSSL P-CSCF complete a TLS 1.3 handshake with the profile's suite and group") {
  // clang-format on
  Pki_Pem pki;
  Conn c(pki, Stack::openssl, Stack::openssl, true);
  c.pump();
  REQUIRE_FALSE(c.client->failed());
  REQUIRE_FALSE(c.server->failed());
  REQUIRE(c.ue.handshakes.size() == 1);
  REQUIRE(c.pc.handshakes.size() == 1);
  const Handshake_Facts& u = c.ue.handshakes[0];
  const Handshake_Facts& s = c.pc.handshakes[0];
  // TLS 1.3 as the UE's library saw it.
  REQ("33210-6.2.1-TLS13-MANDATORY", u.version == 0x0304);
  REQ("33210-6.2.1-TLS13-MANDATORY", s.version == 0x0304);
  // The P-CSCF's core chose from the raw ClientHello; both libraries ran that choice.
  const core::Choice& ch = c.server->gate_choice();
  REQ("O.1.2-PC-DECIDES-SUITE", ch.version == 0x0304);
  REQ("O.1.2-PC-DECIDES-SUITE", (u.suite == ch.suite && s.suite == ch.suite));
  REQ("O.1.2-PC-DECIDES-SUITE", c.offer.contains(u.suite));
  // RFC 8446 9.1: TLS_AES_128_GCM_SHA256, X25519 (SHOULD) or secp256r1 (MUST).
  REQ("33210-6.2.2-RFC8446-9.1", u.suite == 0x1301);
  REQ("33210-6.2.2-RFC8446-9.1", (u.group == ch.group && s.group == ch.group));
  REQ("33210-6.2.2-RFC8446-9.1", (u.group == 0x001D || u.group == 0x0017));
  // No CertificateRequest in the flight the UE decrypted.
  REQ("O.2.1-PC-NO-CLIENT-CERT-REQ", c.ue.certificate_requests == 0);
  // No 0-RTT: the UE's raw ClientHello (read by the core's reader) has no
  // early_data, and the P-CSCF issued no ticket that could ever carry it.
  std::vector<std::uint8_t> storage;
  core::ClientHello hello;
  const auto read = annexo::tls::read_first_hello(c.first_client_flight, storage, hello);
  REQUIRE(read.status == annexo::tls::Hello_Read::Status::parsed);
  REQ("33210-6.2.2-NO-0RTT", !hello.has_early_data);
  // RFC 8446 9.2: the UE's TLS 1.3 ClientHello carries the mandatory extensions.
  REQ("33210-6.2.2-RFC8446-9.2",
      (hello.has_supported_versions && hello.has_supported_groups &&
       hello.has_signature_algorithms && hello.has_key_share && hello.has_server_name));
  c.say(*c.client, "REGISTER sip:annexo.test SIP/2.0\r\n\r\n");
  auto* ue_ossl = dynamic_cast<ossl::Openssl_Endpoint*>(c.client.get());
  REQ("33210-6.2.2-NO-0RTT", ue_ossl->tickets_received() == 0);
  REQ("33210-6.2.1-TLS13-MANDATORY", c.pc.app == "REGISTER sip:annexo.test SIP/2.0\r\n\r\n");
  c.say(*c.server, "SIP/2.0 401 Unauthorized\r\n\r\n");
  REQ("33210-6.2.1-TLS13-MANDATORY", c.ue.app == "SIP/2.0 401 Unauthorized\r\n\r\n");
}

// clang-format off
//= spec#O.2.1-PC-NONEMPTY-SESSION-ID type=test
//= spec#O.1.2-PC-DECIDES-SUITE type=test
//= spec#O.2.1-PC-NO-CLIENT-CERT-REQ type=test
TEST_CASE("O.2.1-PC-NONEMPTY-SESSION-ID: Botan and OpenSSL interoperate at TLS 1.2 in both directions, the P-CSCF's Session ID on both ends") {
  // clang-format on
  Pki_Pem pki;
  for (auto [server, client] :
       {std::pair{Stack::openssl, Stack::botan}, std::pair{Stack::botan, Stack::openssl},
        std::pair{Stack::openssl, Stack::openssl}}) {
    INFO("server " << name(server) << ", client " << name(client));
    // TLS 1.3 enabled wherever the stack has it: an OpenSSL end facing Botan
    // must fall back to TLS 1.2.
    Conn c(pki, server, client,
           server == Stack::openssl && client == Stack::openssl ? false : true);
    c.pump();
    REQUIRE_FALSE(c.client->failed());
    REQUIRE_FALSE(c.server->failed());
    REQUIRE(c.ue.handshakes.size() == 1);
    REQUIRE(c.pc.handshakes.size() == 1);
    const Handshake_Facts& u = c.ue.handshakes[0];
    const Handshake_Facts& s = c.pc.handshakes[0];
    CHECK(u.version == 0x0303);
    REQ("O.2.1-PC-NONEMPTY-SESSION-ID", s.session_handle.size() == 32);
    REQ("O.2.1-PC-NONEMPTY-SESSION-ID", u.session_handle == s.session_handle);
    const core::Choice& ch = c.server->gate_choice();
    REQ("O.1.2-PC-DECIDES-SUITE", (u.suite == ch.suite && s.suite == ch.suite));
    REQ("O.1.2-PC-DECIDES-SUITE", ch.suite == 0xC02B);  // ECDSA certificate, first in the order
    REQ("O.2.1-PC-NO-CLIENT-CERT-REQ", c.ue.certificate_requests == 0);
    c.say(*c.client, "OPTIONS sip:x SIP/2.0\r\n\r\n");
    CHECK(c.pc.app == "OPTIONS sip:x SIP/2.0\r\n\r\n");
  }
}

// clang-format off
//= spec#O.2.1-UE-TRUST-ENDPOINT-VIA-CERT type=test
//= spec#O.3.1.2-UE-ALERT-ON-CERT-FAIL type=test
//= spec#O.5.2-UE-CHAIN-TO-TRUSTED-ROOT type=test
TEST_CASE("O.3.1.2-UE-ALERT-ON-CERT-FAIL: wrong host and unknown CA are refused by the core with bad_certificate (42) and unknown_ca (48) on every stack pairing") {
  // clang-format on
  Pki_Pem pki;
  Pki_Pem other;  // a CA the UE does not trust
  for (auto [server, client, tls13] : {std::tuple{Stack::openssl, Stack::openssl, true},
                                       std::tuple{Stack::openssl, Stack::openssl, false},
                                       std::tuple{Stack::openssl, Stack::botan, false},
                                       std::tuple{Stack::botan, Stack::openssl, false}}) {
    INFO("server " << name(server) << ", client " << name(client) << ", tls13 " << tls13);
    {
      Conn c(pki, server, client, tls13, "other.test");
      c.pump();
      REQUIRE(c.client->failed());
      CHECK(c.client->failure().source == annexo::tls::Failure_Source::core_rejection);
      REQ("O.2.1-UE-TRUST-ENDPOINT-VIA-CERT",
          c.client->failure().error == Error::cert_name_mismatch);
      REQ("O.2.1-UE-TRUST-ENDPOINT-VIA-CERT", c.pc.handshakes.empty());
      // The P-CSCF's library received the core's alert.
      REQ("O.3.1.2-UE-ALERT-ON-CERT-FAIL", c.pc.received_alert(42));
      REQ("O.3.1.2-UE-ALERT-ON-CERT-FAIL", c.pc.app.empty());
    }
    {
      Conn c(pki, server, client, tls13, kFqdn, false, &other.ca_pem);
      c.pump();
      REQUIRE(c.client->failed());
      REQ("O.5.2-UE-CHAIN-TO-TRUSTED-ROOT",
          c.client->failure().error == Error::cert_path_unknown_ca);
      REQ("O.5.2-UE-CHAIN-TO-TRUSTED-ROOT", c.pc.received_alert(48));
      REQ("O.5.2-UE-CHAIN-TO-TRUSTED-ROOT", c.pc.handshakes.empty());
    }
  }
}

// clang-format off
//= spec#O.3.1.2-UE-ALERT-ON-CERT-FAIL type=test
TEST_CASE("O.3.1.2-UE-ALERT-ON-CERT-FAIL: the OpenSSL UE sends exactly the core's alert number for every certificate verdict") {
  // clang-format on
  Pki_Pem pki;
  const std::pair<Error, int> cases[] = {
      {Error::cert_path_bad_signature, 42}, {Error::cert_chain_too_long, 43},
      {Error::cert_path_revoked, 44},       {Error::cert_path_expired, 45},
      {Error::cert_path_not_checked, 46},   {Error::cert_path_unknown_ca, 48},
  };
  for (bool tls13 : {true, false}) {
    for (const auto& [error, alert] : cases) {
      INFO("tls13 " << tls13 << " alert " << alert);
      Conn c(pki, Stack::openssl, Stack::openssl, tls13);
      const Error forced = error;
      c.ue.chain = [forced](const Peer_Chain&) { return forced; };
      c.pump();
      REQUIRE(c.client->failed());
      CHECK(static_cast<int>(core::error_alert(error)) == alert);
      REQ("O.3.1.2-UE-ALERT-ON-CERT-FAIL", c.client->failure().alert_sent == alert);
      REQ("O.3.1.2-UE-ALERT-ON-CERT-FAIL", c.pc.received_alert(alert));
    }
  }
}

// clang-format off
//= spec#O.5.2-UE-RFC5280-PATH type=test
TEST_CASE("O.5.2-UE-RFC5280-PATH: an expired P-CSCF certificate is refused with certificate_expired (45) by the OpenSSL UE") {
  // clang-format on
  Pki_Pem pki;
  for (bool tls13 : {true, false}) {
    Conn c(pki, Stack::openssl, Stack::openssl, tls13, kFqdn, true);
    c.pump();
    REQUIRE(c.client->failed());
    REQ("O.5.2-UE-RFC5280-PATH", c.client->failure().error == Error::cert_path_expired);
    REQ("O.5.2-UE-RFC5280-PATH", c.pc.received_alert(45));
  }
}

// clang-format off
TEST_CASE("adapters/tls: a renegotiation the UE starts on its own is refused by the OpenSSL P-CSCF with no_renegotiation (100)") {
  // clang-format on
  Pki_Pem pki;
  // A Botan UE and an OpenSSL UE, each asking to renegotiate at TLS 1.2.
  for (Stack client : {Stack::botan, Stack::openssl}) {
    INFO("client " << name(client));
    Conn c(pki, Stack::openssl, client, false);
    c.pump();
    REQUIRE(c.pc.handshakes.size() == 1);
    if (client == Stack::botan) {
      dynamic_cast<annexo::tls::Botan_Endpoint&>(*c.client).channel().renegotiate(true);
    } else {
      SSL* ssl = dynamic_cast<ossl::Openssl_Endpoint&>(*c.client).native();
      REQUIRE(SSL_renegotiate(ssl) == 1);
      SSL_do_handshake(ssl);
      c.ue.out.clear();
      // the ClientHello OpenSSL wrote is in the endpoint's BIO: flush it by a read.
      c.client->received(nullptr, 0);
    }
    c.pump();
    CHECK(c.pc.handshakes.size() == 1);
    CHECK(c.pc.reneg_hellos.empty());  // OpenSSL refused before the core was asked
    CHECK(c.ue.received_alert(100));
  }
  // TLS 1.3 has no renegotiation: OpenSSL refuses to even start one.
  Conn c(pki, Stack::openssl, Stack::openssl, true);
  c.pump();
  REQUIRE(c.ue.handshakes.size() == 1);
  CHECK(SSL_renegotiate(dynamic_cast<ossl::Openssl_Endpoint&>(*c.client).native()) == 0);
}

// clang-format off
//= spec#O.4.1-UE-RENEG-ON-HELLOREQUEST type=test
//= spec#O.4.2-PC-RENEG-INSIDE-CONN type=test
TEST_CASE("O.4.1-UE-RENEG-ON-HELLOREQUEST: the OpenSSL P-CSCF's session refresh at TLS 1.2 is a renegotiation with a new Session ID on both stacks") {
  // clang-format on
  Pki_Pem pki;
  for (Stack client : {Stack::botan, Stack::openssl}) {
    INFO("client " << name(client));
    Conn c(pki, Stack::openssl, client, false);
    c.pump();
    REQUIRE(c.pc.handshakes.size() == 1);
    const auto first = c.pc.handshakes[0].session_handle;
    REQUIRE(c.server->refresh_session());
    c.pump();
    REQUIRE_FALSE(c.client->failed());
    REQUIRE_FALSE(c.server->failed());
    REQ("O.4.1-UE-RENEG-ON-HELLOREQUEST", c.ue.handshakes.size() == 2);
    REQUIRE(c.pc.handshakes.size() == 2);
    REQ("O.4.2-PC-RENEG-INSIDE-CONN", c.pc.handshakes[1].renegotiation);
    REQ("O.4.2-PC-RENEG-INSIDE-CONN", c.pc.handshakes[1].session_handle.size() == 32);
    REQ("O.4.2-PC-RENEG-INSIDE-CONN", c.pc.handshakes[1].session_handle != first);
    REQ("O.4.2-PC-RENEG-INSIDE-CONN",
        c.ue.handshakes[1].session_handle == c.pc.handshakes[1].session_handle);
    // The renegotiation ClientHello went to the core (O.2.1-UE-NONNULL-OFFER on every hello).
    CHECK(c.pc.reneg_hellos.size() == 1);
    c.say(*c.client, "OPTIONS sip:x SIP/2.0\r\n\r\n");
    REQ("O.4.2-PC-RENEG-INSIDE-CONN", c.pc.app == "OPTIONS sip:x SIP/2.0\r\n\r\n");
  }
}

// clang-format off
//= spec#O.4.2-PC-LIFETIME-POLICY type=test
//= spec#RFC8446-NO-RENEG type=test
TEST_CASE("O.4.2-PC-LIFETIME-POLICY: at TLS 1.3 the session refresh is KeyUpdate(update_requested), answered by the UE, the session handle unchanged (RD-117)") {
  // clang-format on
  Pki_Pem pki;
  Conn c(pki, Stack::openssl, Stack::openssl, true);
  c.pump();
  REQUIRE(c.pc.handshakes.size() == 1);
  REQUIRE(c.server->refresh_session());
  c.pump();
  REQUIRE_FALSE(c.client->failed());
  REQUIRE_FALSE(c.server->failed());
  // The UE received KeyUpdate(update_requested) and answered with its own at
  // once, before sending any SIP: the P-CSCF's refresh completes without
  // waiting for the UE's next request.
  REQ("O.4.2-PC-LIFETIME-POLICY", c.ue.key_updates_requested_by_peer == 1);
  REQ("O.4.2-PC-LIFETIME-POLICY", c.pc.key_updates_received == 1);
  CHECK(c.ue.key_updates_sent == 1);  // one answer, not two
  CHECK(c.pc.key_updates_sent == 1);
  c.say(*c.client, "OPTIONS sip:x SIP/2.0\r\n\r\n");
  // No new handshake on either side: no renegotiation in TLS 1.3.
  REQ("RFC8446-NO-RENEG", (c.pc.handshakes.size() == 1 && c.ue.handshakes.size() == 1));
  // The exporter-based handle both ends bound is still the connection's.
  REQ("O.4.2-PC-LIFETIME-POLICY",
      c.pc.handshakes[0].session_handle == c.ue.handshakes[0].session_handle);
  REQ("O.4.2-PC-LIFETIME-POLICY", c.pc.app == "OPTIONS sip:x SIP/2.0\r\n\r\n");
}

// clang-format off
//= spec#O.2.2-PC-MATCH-FULL-TUPLE type=test
//= spec#RFC8446-SESSION-ID-LEGACY type=test
TEST_CASE("O.2.2-PC-MATCH-FULL-TUPLE: a session offered again on another connection is not resumed and gets another handle (RD-116, RD-119)") {
  // clang-format on
  Pki_Pem pki;
  // TLS 1.2: the UE offers the first connection's session on a second one.
  {
    Conn a(pki, Stack::openssl, Stack::openssl, false);
    a.pump();
    REQUIRE(a.pc.handshakes.size() == 1);
    SSL_SESSION* old = SSL_get1_session(dynamic_cast<ossl::Openssl_Endpoint&>(*a.client).native());
    REQUIRE(old != nullptr);
    // A second connection with the same server context ("another port").
    Events ue2, pc2;
    auto server2 =
        ossl::Openssl_Endpoint::server(a.pc_ctx.ctx.get(), a.pc_config, pc2, "127.0.0.1:40001");
    auto client2 = ossl::Openssl_Endpoint::client(a.ue_ctx.ctx.get(), a.ue_config, a.offer, ue2,
                                                  "127.0.0.1:5061", kFqdn);
    REQUIRE(SSL_set_session(client2->native(), old) == 1);
    SSL_SESSION_free(old);
    client2->start();
    for (int i = 0; i < 32 && (!ue2.out.empty() || !pc2.out.empty()); ++i) {
      auto x = std::move(ue2.out);
      ue2.out.clear();
      if (!x.empty()) server2->received(x.data(), x.size());
      auto y = std::move(pc2.out);
      pc2.out.clear();
      if (!y.empty()) client2->received(y.data(), y.size());
    }
    REQUIRE(pc2.handshakes.size() == 1);
    REQ("O.2.2-PC-MATCH-FULL-TUPLE", !pc2.handshakes[0].resumed);
    REQ("O.2.2-PC-MATCH-FULL-TUPLE",
        pc2.handshakes[0].session_handle != a.pc.handshakes[0].session_handle);
    REQ("O.2.2-PC-MATCH-FULL-TUPLE", pc2.handshakes[0].peer != a.pc.handshakes[0].peer);
  }
  // TLS 1.3: no ticket is ever issued, and two connections' exporter handles differ.
  {
    Conn a(pki, Stack::openssl, Stack::openssl, true);
    Conn b(pki, Stack::openssl, Stack::openssl, true);
    a.pump();
    b.pump();
    a.say(*a.client, "x");
    b.say(*b.client, "y");
    REQUIRE(a.pc.handshakes.size() == 1);
    REQUIRE(b.pc.handshakes.size() == 1);
    REQ("RFC8446-SESSION-ID-LEGACY",
        a.pc.handshakes[0].handle_kind == annexo::tls::Handle_Kind::exporter);
    REQ("RFC8446-SESSION-ID-LEGACY", a.pc.handshakes[0].session_handle.size() == 32);
    REQ("RFC8446-SESSION-ID-LEGACY",
        a.pc.handshakes[0].session_handle == a.ue.handshakes[0].session_handle);
    REQ("O.2.2-PC-MATCH-FULL-TUPLE",
        a.pc.handshakes[0].session_handle != b.pc.handshakes[0].session_handle);
    REQ("O.2.2-PC-MATCH-FULL-TUPLE",
        dynamic_cast<ossl::Openssl_Endpoint&>(*a.client).tickets_received() == 0);
  }
}

// clang-format off
//= spec#33210-6.2.1-NO-LEGACY-VERSIONS type=test
TEST_CASE("33210-6.2.1-NO-LEGACY-VERSIONS: the OpenSSL P-CSCF's gate refuses a TLS 1.1-only ClientHello with protocol_version (70) before OpenSSL") {
  // clang-format on
  Pki_Pem pki;
  Conn c(pki, Stack::openssl, Stack::openssl, true);
  // A rogue UE: a plain OpenSSL client limited to TLS 1.1.
  SSL_CTX* rogue = SSL_CTX_new(TLS_client_method());
  SSL_CTX_set_security_level(rogue, 0);
  SSL_CTX_set_min_proto_version(rogue, TLS1_1_VERSION);
  SSL_CTX_set_max_proto_version(rogue, TLS1_1_VERSION);
  SSL* ssl = SSL_new(rogue);
  BIO* in = BIO_new(BIO_s_mem());
  BIO* out = BIO_new(BIO_s_mem());
  SSL_set_bio(ssl, in, out);
  SSL_set_connect_state(ssl);
  SSL_do_handshake(ssl);
  std::vector<std::uint8_t> hello(static_cast<std::size_t>(BIO_ctrl_pending(out)));
  BIO_read(out, hello.data(), static_cast<int>(hello.size()));
  c.pc.out.clear();
  REQUIRE_FALSE(c.server->received(hello.data(), hello.size()));
  REQ("33210-6.2.1-NO-LEGACY-VERSIONS",
      c.server->failure().source == annexo::tls::Failure_Source::gate);
  REQ("33210-6.2.1-NO-LEGACY-VERSIONS",
      c.server->failure().error == Error::profile_ch_legacy_versions_only);
  // The rogue client reads the alert the gate wrote: fatal protocol_version.
  REQUIRE(c.pc.out.size() == 7);
  BIO_write(in, c.pc.out.data(), static_cast<int>(c.pc.out.size()));
  CHECK(SSL_do_handshake(ssl) <= 0);
  REQ("33210-6.2.1-NO-LEGACY-VERSIONS",
      (c.pc.out[0] == 21 && c.pc.out[5] == 2 && c.pc.out[6] == 70));
  SSL_free(ssl);
  SSL_CTX_free(rogue);
}

namespace {

// A plain OpenSSL peer on memory BIOs, configured by the test to misbehave.
struct Raw {
  SSL* ssl = nullptr;
  BIO* in = nullptr;
  BIO* out = nullptr;
  std::vector<int> alerts_received;
  std::string app;

  Raw(SSL_CTX* ctx, bool server) {
    ssl = SSL_new(ctx);
    in = BIO_new(BIO_s_mem());
    out = BIO_new(BIO_s_mem());
    BIO_set_mem_eof_return(in, -1);
    SSL_set_bio(ssl, in, out);
    SSL_set_app_data(ssl, this);
    SSL_set_info_callback(ssl, [](const SSL* s, int where, int ret) {
      if ((where & SSL_CB_ALERT) && (where & SSL_CB_READ)) {
        static_cast<Raw*>(SSL_get_app_data(s))->alerts_received.push_back(ret & 0xff);
      }
    });
    if (server) {
      SSL_set_accept_state(ssl);
    } else {
      SSL_set_connect_state(ssl);
    }
  }
  ~Raw() { SSL_free(ssl); }
  std::vector<std::uint8_t> take() {
    std::vector<std::uint8_t> v(static_cast<std::size_t>(BIO_ctrl_pending(out)));
    if (!v.empty()) BIO_read(out, v.data(), static_cast<int>(v.size()));
    return v;
  }
  void give(const std::vector<std::uint8_t>& v) {
    if (!v.empty()) BIO_write(in, v.data(), static_cast<int>(v.size()));
    if (!SSL_is_init_finished(ssl)) SSL_do_handshake(ssl);
    char buf[4096];
    int n;
    while ((n = SSL_read(ssl, buf, sizeof(buf))) > 0) app.append(buf, static_cast<std::size_t>(n));
  }
};

// Raw peer <-> one of our endpoints, until both are quiet.
void pump_raw(Raw& raw, Endpoint& ep, Events& ev) {
  for (int i = 0; i < 64; ++i) {
    auto to_ep = raw.take();
    if (!to_ep.empty() && !ep.failed()) ep.received(to_ep.data(), to_ep.size());
    auto to_raw = std::move(ev.out);
    ev.out.clear();
    if (to_raw.empty() && to_ep.empty()) break;
    raw.give(to_raw);
  }
}

// An OpenSSL server context with the given leaf, outside annexo's policy.
SSL_CTX* rogue_server_ctx(const std::string& leaf_pem, const std::string& key_pem) {
  SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
  BIO* cb = BIO_new_mem_buf(leaf_pem.data(), static_cast<int>(leaf_pem.size()));
  X509* cert = PEM_read_bio_X509(cb, nullptr, nullptr, nullptr);
  BIO* kb = BIO_new_mem_buf(key_pem.data(), static_cast<int>(key_pem.size()));
  EVP_PKEY* key = PEM_read_bio_PrivateKey(kb, nullptr, nullptr, nullptr);
  SSL_CTX_use_certificate(ctx, cert);
  SSL_CTX_use_PrivateKey(ctx, key);
  X509_free(cert);
  EVP_PKEY_free(key);
  BIO_free(cb);
  BIO_free(kb);
  return ctx;
}

}  // namespace

// clang-format off
//= spec#O.2.1-PC-NO-CLIENT-CERT-REQ type=test
TEST_CASE("O.2.1-PC-NO-CLIENT-CERT-REQ: an OpenSSL UE set to abort on a CertificateRequest aborts with handshake_failure (40) at TLS 1.3 and 1.2") {
  // clang-format on
  Pki_Pem pki;
  auto leaf = pki.pki.leaf(kFqdn, kFqdn);
  SSL_CTX* rogue = rogue_server_ctx(leaf.cert.PEM_encode(), Botan::PKCS8::PEM_encode(*leaf.key));
  SSL_CTX_set_verify(rogue, SSL_VERIFY_PEER, [](int, X509_STORE_CTX*) { return 1; });
  for (bool tls13 : {true, false}) {
    INFO("tls13 " << tls13);
    SSL_CTX_set_max_proto_version(rogue, tls13 ? TLS1_3_VERSION : TLS1_2_VERSION);
    for (bool abort : {true, false}) {
      Events ue;
      if (abort) ue.on_certificate_request = Error::ue_certificate_request_abort;
      core::UeTlsConfig config;
      core::Offer offer;
      REQUIRE(core::build_offer(config, offer) == Error::ok);
      auto ctx = ossl::make_ue_context(config, offer, pki.ca_pem);
      REQUIRE(ctx.error == "");
      auto client =
          ossl::Openssl_Endpoint::client(ctx.ctx.get(), config, offer, ue, "127.0.0.1:5061", kFqdn);
      Raw server(rogue, true);
      client->start();
      server.give(ue.out);
      ue.out.clear();
      pump_raw(server, *client, ue);
      // The UE saw the CertificateRequest of a non-conformant P-CSCF ...
      REQ("O.2.1-PC-NO-CLIENT-CERT-REQ", ue.certificate_requests == 1);
      if (abort) {
        // ... and aborted with the core's alert before any session existed.
        REQUIRE(client->failed());
        CHECK(client->failure().error == Error::ue_certificate_request_abort);
        REQ("O.2.1-PC-NO-CLIENT-CERT-REQ",
            std::count(server.alerts_received.begin(), server.alerts_received.end(), 40) == 1);
        REQ("O.2.1-PC-NO-CLIENT-CERT-REQ", ue.handshakes.empty());
      } else {
        // Without the option it answers with no certificate and goes on.
        CHECK_FALSE(client->failed());
        CHECK(ue.handshakes.size() == 1);
      }
    }
  }
  SSL_CTX_free(rogue);
}

// clang-format off
//= spec#33210-6.2.2-NO-0RTT type=test
TEST_CASE("33210-6.2.2-NO-0RTT: early data a UE sends with a ticket from another server is never read by the OpenSSL P-CSCF (RD-118)") {
  // clang-format on
  Pki_Pem pki;
  auto leaf = pki.pki.leaf(kFqdn, kFqdn);
  const std::string leaf_pem = leaf.cert.PEM_encode();
  const std::string key_pem = Botan::PKCS8::PEM_encode(*leaf.key);
  // Another server of the same name that does issue 0-RTT tickets.
  SSL_CTX* other = rogue_server_ctx(leaf_pem, key_pem);
  SSL_CTX_set_max_early_data(other, 16384);
  SSL_CTX_set_num_tickets(other, 1);
  SSL_CTX* rogue_client = SSL_CTX_new(TLS_client_method());
  SSL_CTX_set_min_proto_version(rogue_client, TLS1_3_VERSION);
  SSL_CTX_set_session_cache_mode(rogue_client, SSL_SESS_CACHE_CLIENT);
  SSL_SESSION* ticket = nullptr;
  {
    Raw c(rogue_client, false), s(other, true);
    SSL_set_tlsext_host_name(c.ssl, kFqdn.c_str());
    SSL_do_handshake(c.ssl);
    for (int i = 0; i < 16; ++i) {
      s.give(c.take());
      c.give(s.take());
    }
    REQUIRE(SSL_is_init_finished(c.ssl));
    ticket = SSL_get1_session(c.ssl);
    REQUIRE(ticket != nullptr);
    REQUIRE(SSL_SESSION_get_max_early_data(ticket) == 16384);
    SSL_shutdown(c.ssl);  // a session freed unshut is marked not resumable
  }
  // Our P-CSCF.
  core::PcscfTlsConfig config;
  auto ctx = ossl::make_pcscf_context(config, leaf_pem, key_pem);
  REQUIRE(ctx.error == "");
  Events pc;
  auto server = ossl::Openssl_Endpoint::server(ctx.ctx.get(), config, pc, "127.0.0.1:40002");
  Raw ue(rogue_client, false);
  SSL_set_tlsext_host_name(ue.ssl, kFqdn.c_str());
  REQUIRE(SSL_SESSION_is_resumable(ticket) == 1);
  REQUIRE(SSL_set_session(ue.ssl, ticket) == 1);
  SSL_SESSION_free(ticket);
  const std::string early = "INVITE sip:bob@annexo.test SIP/2.0\r\n\r\n";
  std::size_t written = 0;
  const int wrote = SSL_write_early_data(ue.ssl, early.data(), early.size(), &written);
  REQUIRE(wrote == 1);
  REQUIRE(written == early.size());
  auto first = ue.take();
  // A real 0-RTT attempt: the ClientHello carries early_data (read by the core's reader).
  std::vector<std::uint8_t> storage;
  core::ClientHello hello;
  REQUIRE(annexo::tls::read_first_hello(first, storage, hello).status ==
          annexo::tls::Hello_Read::Status::parsed);
  REQUIRE(hello.has_early_data);
  server->received(first.data(), first.size());
  auto back = std::move(pc.out);
  pc.out.clear();
  ue.give(back);
  pump_raw(ue, *server, pc);
  // The early INVITE never reached the P-CSCF's SIP layer ...
  REQ("33210-6.2.2-NO-0RTT", pc.app.find("INVITE") == std::string::npos);
  // ... the UE's library was told its early data was rejected ...
  REQ("33210-6.2.2-NO-0RTT", SSL_get_early_data_status(ue.ssl) == SSL_EARLY_DATA_REJECTED);
  // ... and the handshake was a full one (the ticket was not usable here).
  REQUIRE_FALSE(server->failed());
  REQUIRE(pc.handshakes.size() == 1);
  REQ("33210-6.2.2-NO-0RTT", !pc.handshakes[0].resumed);
  REQ("33210-6.2.2-NO-0RTT", pc.handshakes[0].version == 0x0304);
  SSL_CTX_free(rogue_client);
  SSL_CTX_free(other);
}

// clang-format off
//= spec#O.1.2-PC-DECIDES-SUITE type=test
TEST_CASE("O.1.2-PC-DECIDES-SUITE: a P-CSCF preferring secp256r1 at TLS 1.3 gets it through a HelloRetryRequest, as its core chose") {
  // clang-format on
  Pki_Pem pki;
  auto leaf = pki.pki.leaf(kFqdn, kFqdn);
  const std::uint16_t prefs[] = {0x0017, 0x001D, 0x0018};  // secp256r1 first
  core::PcscfTlsConfig pc_config;
  pc_config.group_preference = core::CodeList{prefs, 3};
  REQUIRE(core::pcscf_check_config(pc_config) == Error::ok);
  core::UeTlsConfig ue_config;
  core::Offer offer;
  REQUIRE(core::build_offer(ue_config, offer) == Error::ok);
  auto pc_ctx = ossl::make_pcscf_context(pc_config, leaf.cert.PEM_encode(),
                                         Botan::PKCS8::PEM_encode(*leaf.key));
  auto ue_ctx = ossl::make_ue_context(ue_config, offer, pki.ca_pem);
  REQUIRE(pc_ctx.error == "");
  REQUIRE(ue_ctx.error == "");
  Events ue, pc;
  auto server = ossl::Openssl_Endpoint::server(pc_ctx.ctx.get(), pc_config, pc, "127.0.0.1:40003");
  auto client = ossl::Openssl_Endpoint::client(ue_ctx.ctx.get(), ue_config, offer, ue,
                                               "127.0.0.1:5061", kFqdn);
  client->start();
  int flights = 0;
  for (; flights < 32 && (!ue.out.empty() || !pc.out.empty()); ++flights) {
    auto a = std::move(ue.out);
    ue.out.clear();
    if (!a.empty()) server->received(a.data(), a.size());
    auto b = std::move(pc.out);
    pc.out.clear();
    if (!b.empty()) client->received(b.data(), b.size());
  }
  REQUIRE_FALSE(client->failed());
  REQUIRE_FALSE(server->failed());
  REQUIRE(ue.handshakes.size() == 1);
  REQUIRE(pc.handshakes.size() == 1);
  // The UE's key share was X25519 (its first group); the P-CSCF's core chose
  // secp256r1 from the raw ClientHello, and both libraries ran that group.
  REQ("O.1.2-PC-DECIDES-SUITE", server->gate_choice().group == 0x0017);
  REQ("O.1.2-PC-DECIDES-SUITE",
      (pc.handshakes[0].group == 0x0017 && ue.handshakes[0].group == 0x0017));
  REQ("O.1.2-PC-DECIDES-SUITE", pc.handshakes[0].suite == server->gate_choice().suite);
  CHECK(ue.handshakes[0].version == 0x0304);
}

namespace {

// A TLS 1.2 ServerHello record, written byte by byte (RFC 5246 7.4.1.3),
// with the given suite and random, and an empty renegotiation_info.
std::vector<std::uint8_t> server_hello_record(std::uint16_t suite, std::uint8_t random_tail) {
  std::vector<std::uint8_t> body = {0x03, 0x03};
  for (int i = 0; i < 32; ++i) body.push_back(static_cast<std::uint8_t>(i == 31 ? random_tail : 7));
  body.push_back(0);  // session_id: empty
  body.push_back(static_cast<std::uint8_t>(suite >> 8));
  body.push_back(static_cast<std::uint8_t>(suite));
  body.push_back(0);                                                      // compression null
  const std::uint8_t ext[] = {0x00, 0x05, 0xff, 0x01, 0x00, 0x01, 0x00};  // renegotiation_info
  body.insert(body.end(), std::begin(ext), std::end(ext));
  std::vector<std::uint8_t> hs = {2, 0, static_cast<std::uint8_t>(body.size() >> 8),
                                  static_cast<std::uint8_t>(body.size())};
  hs.insert(hs.end(), body.begin(), body.end());
  std::vector<std::uint8_t> rec = {22, 3, 3, static_cast<std::uint8_t>(hs.size() >> 8),
                                   static_cast<std::uint8_t>(hs.size())};
  rec.insert(rec.end(), hs.begin(), hs.end());
  return rec;
}

}  // namespace

// clang-format off
//= spec#O.2.1-ALL-SUITE-RULES-ALL-VERSIONS type=test
TEST_CASE("O.2.1-ALL-SUITE-RULES-ALL-VERSIONS: the OpenSSL UE's ServerHello gate refuses a suite it did not offer with illegal_parameter (47) before OpenSSL") {
  // clang-format on
  Pki_Pem pki;
  core::UeTlsConfig config;
  core::Offer offer;
  REQUIRE(core::build_offer(config, offer) == Error::ok);
  auto ctx = ossl::make_ue_context(config, offer, pki.ca_pem);
  REQUIRE(ctx.error == "");
  // 0x002F TLS_RSA_WITH_AES_128_CBC_SHA: outside the profile, never offered.
  REQUIRE_FALSE(offer.contains(0x002F));
  Events ue;
  auto client =
      ossl::Openssl_Endpoint::client(ctx.ctx.get(), config, offer, ue, "127.0.0.1:5061", kFqdn);
  client->start();
  ue.out.clear();
  const auto sh = server_hello_record(0x002F, 0x42);
  REQUIRE_FALSE(client->received(sh.data(), sh.size()));
  REQ("O.2.1-ALL-SUITE-RULES-ALL-VERSIONS",
      client->failure().source == annexo::tls::Failure_Source::gate);
  REQ("O.2.1-ALL-SUITE-RULES-ALL-VERSIONS",
      client->failure().error == Error::profile_sh_suite_not_offered);
  // What goes to the P-CSCF: one plaintext fatal alert, illegal_parameter.
  const std::vector<std::uint8_t> alert = {21, 3, 3, 0, 2, 2, 47};
  REQ("O.2.1-ALL-SUITE-RULES-ALL-VERSIONS", ue.out == alert);
  REQ("O.2.1-ALL-SUITE-RULES-ALL-VERSIONS", ue.handshakes.empty());
  // The offered suite in the same ServerHello passes the gate (OpenSSL then
  // goes on to wait for the Certificate).
  Events ue2;
  auto client2 =
      ossl::Openssl_Endpoint::client(ctx.ctx.get(), config, offer, ue2, "127.0.0.1:5061", kFqdn);
  client2->start();
  const auto ok = server_hello_record(0xC02B, 0x42);
  CHECK(client2->received(ok.data(), ok.size()));
  CHECK_FALSE(client2->failed());
}
