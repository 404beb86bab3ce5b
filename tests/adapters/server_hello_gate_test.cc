// The UE's Server_Hello_Gate on hand-built ServerHello records: the core's
// reader and ue_check_server_hello decide before Botan sees a byte.
#include <catch2/catch.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "adapters/tls/server_hello_gate.h"
#include "core/errors.h"
#include "core/profile.h"
#include "tests/support/req.h"

namespace {

using annexo::tls::Server_Hello_Gate;

// One TLS record carrying a ServerHello (RFC 5246 7.4.1.3).
std::vector<std::uint8_t> server_hello(std::uint16_t version, std::uint16_t suite,
                                       bool renegotiation_info) {
  std::vector<std::uint8_t> body = {static_cast<std::uint8_t>(version >> 8),
                                    static_cast<std::uint8_t>(version)};
  for (int i = 0; i < 32; ++i) body.push_back(static_cast<std::uint8_t>(i));  // random
  body.push_back(32);                                                         // session_id
  for (int i = 0; i < 32; ++i) body.push_back(0xA0);
  body.push_back(static_cast<std::uint8_t>(suite >> 8));
  body.push_back(static_cast<std::uint8_t>(suite));
  body.push_back(0);  // compression null
  if (renegotiation_info) {
    body.insert(body.end(), {0x00, 0x05, 0xFF, 0x01, 0x00, 0x01, 0x00});
  }
  std::vector<std::uint8_t> hs = {2, 0, static_cast<std::uint8_t>(body.size() >> 8),
                                  static_cast<std::uint8_t>(body.size())};
  hs.insert(hs.end(), body.begin(), body.end());
  std::vector<std::uint8_t> rec = {0x16, 0x03, 0x03, static_cast<std::uint8_t>(hs.size() >> 8),
                                   static_cast<std::uint8_t>(hs.size())};
  rec.insert(rec.end(), hs.begin(), hs.end());
  return rec;
}

struct Ue {
  annexo::core::UeTlsConfig config;
  annexo::core::Offer offer;
  Ue() {
    config.enable_tls13 = false;
    REQUIRE(annexo::core::build_offer(config, offer) == annexo::core::Error::ok);
  }
};

}  // namespace

//= spec#O.1.2-PC-DECIDES-SUITE type=test
TEST_CASE("O.1.2-PC-DECIDES-SUITE: the UE's gate passes a profile ServerHello to Botan unchanged") {
  Ue ue;
  Server_Hello_Gate gate(ue.config, ue.offer);
  const auto rec = server_hello(0x0303, 0xC02B, true);
  // Split in two to show reassembly.
  CHECK(gate.push(rec.data(), 10) == Server_Hello_Gate::State::reading);
  // The UE accepts a profile suite it offered (ECDHE_ECDSA_WITH_AES_128_GCM_SHA256).
  REQ("O.1.2-PC-DECIDES-SUITE",
      gate.push(rec.data() + 10, rec.size() - 10) == Server_Hello_Gate::State::accepted);
  REQ("O.1.2-PC-DECIDES-SUITE", gate.negotiated().suite == 0xC02B);
  CHECK(gate.take() == rec);
}

//= spec#33210-6.2.1-NO-LEGACY-VERSIONS type=test
TEST_CASE(
    "33210-6.2.1-NO-LEGACY-VERSIONS: the UE's gate refuses a TLS 1.0 ServerHello with an alert") {
  Ue ue;
  Server_Hello_Gate gate(ue.config, ue.offer);
  const auto rec = server_hello(0x0301, 0xC013, true);
  REQ("33210-6.2.1-NO-LEGACY-VERSIONS",
      gate.push(rec.data(), rec.size()) == Server_Hello_Gate::State::refused);
  CHECK(std::string(annexo::core::error_requirement(gate.error())) ==
        "33210-6.2.1-NO-LEGACY-VERSIONS");
  // The alert record on the wire: fatal protocol_version (RFC 5246 7.2).
  const auto alert = gate.alert_record();
  REQUIRE(alert.size() == 7);
  REQ("33210-6.2.1-NO-LEGACY-VERSIONS", alert[0] == 0x15);
  REQ("33210-6.2.1-NO-LEGACY-VERSIONS", alert[5] == 2);
  REQ("33210-6.2.1-NO-LEGACY-VERSIONS", alert[6] == 70);
}

//= spec#O.1.2-PC-DECIDES-SUITE type=test
TEST_CASE("O.1.2-PC-DECIDES-SUITE: the UE's gate refuses a suite it never offered") {
  Ue ue;
  Server_Hello_Gate gate(ue.config, ue.offer);
  const auto rec = server_hello(0x0303, 0x0005, true);  // RSA_WITH_RC4_128_SHA
  REQ("O.1.2-PC-DECIDES-SUITE",
      gate.push(rec.data(), rec.size()) == Server_Hello_Gate::State::refused);
  CHECK(gate.error() != annexo::core::Error::ok);
  const auto alert = gate.alert_record();
  REQUIRE(alert.size() == 7);
  REQ("O.1.2-PC-DECIDES-SUITE", alert[5] == 2);  // fatal: the UE aborts
}

//= spec#RFC5746-SECURE-RENEG type=test
TEST_CASE("RFC5746-SECURE-RENEG: the UE's gate refuses a ServerHello without renegotiation_info") {
  Ue ue;
  Server_Hello_Gate gate(ue.config, ue.offer);
  const auto rec = server_hello(0x0303, 0xC02B, false);
  REQ("RFC5746-SECURE-RENEG",
      gate.push(rec.data(), rec.size()) == Server_Hello_Gate::State::refused);
  const auto alert = gate.alert_record();
  REQUIRE(alert.size() == 7);
  REQ("RFC5746-SECURE-RENEG", alert[5] == 2);
  REQ("RFC5746-SECURE-RENEG", alert[6] == 40);  // handshake_failure
  // The same ServerHello with renegotiation_info is accepted.
  Server_Hello_Gate with(ue.config, ue.offer);
  const auto ok = server_hello(0x0303, 0xC02B, true);
  REQ("RFC5746-SECURE-RENEG",
      with.push(ok.data(), ok.size()) == Server_Hello_Gate::State::accepted);
}

// Not a requirement of its own: the P-CSCF's refusal must reach Botan so that the
// ue reports the P-CSCF's alert (exit 3) rather than a reader error.
TEST_CASE("Server_Hello_Gate: an alert record from the P-CSCF passes through to Botan unchanged") {
  Ue ue;
  Server_Hello_Gate gate(ue.config, ue.offer);
  const std::vector<std::uint8_t> alert = {0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 40};
  CHECK(gate.push(alert.data(), alert.size()) == Server_Hello_Gate::State::passthrough);
  CHECK(gate.take() == alert);
}
