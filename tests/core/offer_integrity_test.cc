// O.1.2 and O.1.3: the UE always proposes suites, and whatever can be
// negotiated carries integrity protection (0x0000 never), over all 65 536
// codes and every configuration the flags allow.
#include <catch2/catch.hpp>

#include <cstdint>

#include "core/cipher_suites.h"
#include "core/profile.h"
#include "core/tls_constants.h"
#include "tests/support/req.h"

using namespace annexo::core;

namespace {

bool has_integrity(std::uint16_t code) {
  const Mac mac = suite_info(code).mac;
  return mac == Mac::aead || mac == Mac::sha1 || mac == Mac::sha256 || mac == Mac::sha384;
}

}  // namespace

//= spec#O.1.2-UE-ALWAYS-OFFER-SUITES type=test
TEST_CASE("O.1.2-UE-ALWAYS-OFFER-SUITES: every accepted UE configuration offers a non-empty list") {
  int accepted = 0;
  for (int bits = 0; bits < 16; ++bits) {
    UeTlsConfig cfg;
    cfg.enable_tls12 = (bits & 1) != 0;
    cfg.enable_tls13 = (bits & 2) != 0;
    cfg.offer_null_encryption = (bits & 4) != 0;
    cfg.renegotiation_used = (bits & 8) != 0;
    Offer offer;
    const Error e = build_offer(cfg, offer);
    INFO("config bits " << bits);
    if (!cfg.enable_tls12 && !cfg.enable_tls13) {
      REQ("O.1.2-UE-ALWAYS-OFFER-SUITES",
          e != Error::ok);  // nothing to offer is a configuration error, never an empty hello
      continue;
    }
    REQUIRE(e == Error::ok);
    ++accepted;
    REQ("O.1.2-UE-ALWAYS-OFFER-SUITES", offer.suite_count > 0);
    bool encrypts = false;
    for (std::size_t i = 0; i < offer.suite_count; ++i)
      encrypts = encrypts || suite_encrypts(offer.suites[i]);
    CHECK(encrypts);
  }
  CHECK(accepted == 12);

  // A configured list made only of NULL suites is refused, so no empty or
  // non-encrypting offer can result.
  const std::uint16_t only_null[] = {0xC006, 0xC010};
  UeTlsConfig cfg;
  cfg.enable_tls13 = false;
  cfg.offer_null_encryption = true;
  cfg.suites = CodeList{only_null, 2};
  Offer offer;
  REQ("O.1.2-UE-ALWAYS-OFFER-SUITES", build_offer(cfg, offer) != Error::ok);
}

//= spec#O.1.3-ALL-INTEG-ALWAYS type=test
TEST_CASE("O.1.3-ALL-INTEG-ALWAYS: nothing choosable or acceptable lacks integrity, 0x0000 never") {
  for (int bits = 0; bits < 4; ++bits) {
    PcscfTlsConfig pc;
    pc.allow_null_encryption = (bits & 1) != 0;
    pc.certificate_is_ecdsa = (bits & 2) != 0;
    UeTlsConfig ue;
    ue.offer_null_encryption = (bits & 1) != 0;
    Offer offer;
    REQUIRE(build_offer(ue, offer) == Error::ok);
    for (std::uint32_t c = 0; c <= 0xFFFF; ++c) {
      const auto code = static_cast<std::uint16_t>(c);
      for (std::uint16_t version : {tls::kTls12, tls::kTls13}) {
        if (pcscf_may_choose(code, version, pc)) {
          INFO("P-CSCF may choose 0x" << std::hex << c);
          REQ_REQUIRE("O.1.3-ALL-INTEG-ALWAYS", has_integrity(code));
        }
        if (ue_may_accept(code, offer, version)) {
          INFO("UE may accept 0x" << std::hex << c);
          REQ_REQUIRE("O.1.3-ALL-INTEG-ALWAYS", has_integrity(code));
        }
      }
    }
    REQ("O.1.3-ALL-INTEG-ALWAYS", !pcscf_may_choose(0x0000, tls::kTls12, pc));
    REQ("O.1.3-ALL-INTEG-ALWAYS", !ue_may_accept(0x0000, offer, tls::kTls12));
  }
}
