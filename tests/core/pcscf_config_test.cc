// P-CSCF configuration check and sec-agree (core/pcscf_config.h, core/sec_agree.h).
#include <catch2/catch.hpp>

#include <string>

#include "core/pcscf_config.h"
#include "core/pcscf_scheme.h"
#include "core/sec_agree.h"
#include "tests/support/req.h"

using namespace annexo::core;

//= spec#IMPL-PC-CONFIG-CHECKS type=test
TEST_CASE(
    "IMPL-PC-CONFIG-CHECKS: zero or wrap-ambiguous timers are refused with the matching error") {
  pcscf::PcscfConfig c;
  CHECK(c.tls_session_lifetime_s == 3600);
  CHECK(c.reneg_wait_s == 30);
  CHECK(c.unbound_idle_s == 32);
  CHECK_FALSE(c.allow_client_reneg);
  CHECK(c.abort_on_no_reneg);
  CHECK(check_pcscf_config(c, 3600).error == Error::ok);
  CHECK(check_pcscf_config(c, 3600).warning == Error::ok);
  pcscf::PcscfConfig z = c;
  z.tls_session_lifetime_s = 0;
  REQ("IMPL-PC-CONFIG-CHECKS",
      check_pcscf_config(z, 3600).error == Error::pcscf_config_lifetime_zero);
  z = c;
  z.reneg_wait_s = 0;
  REQ("IMPL-PC-CONFIG-CHECKS",
      check_pcscf_config(z, 3600).error == Error::pcscf_config_reneg_wait_zero);
  z = c;
  z.unbound_idle_s = 0;
  REQ("IMPL-PC-CONFIG-CHECKS",
      check_pcscf_config(z, 3600).error == Error::pcscf_config_unbound_idle_zero);
  z = c;
  z.tls_session_lifetime_s = 0x80000000u;
  REQ("IMPL-PC-CONFIG-CHECKS",
      check_pcscf_config(z, 3600).error == Error::pcscf_config_timer_too_long);
  z = c;
  z.unbound_idle_s = 0x7FFFFFFFu;
  REQ("IMPL-PC-CONFIG-CHECKS", check_pcscf_config(z, 3600).error == Error::ok);
}

//= spec#O.2.1-ALL-LIFETIME-RECOMMENDED type=test
TEST_CASE(
    "O.2.1-ALL-LIFETIME-RECOMMENDED: a session lifetime shorter than the re-registration interval "
    "draws a warning") {
  pcscf::PcscfConfig c;  // 3600 s
  CHECK(reregistration_interval_s(600000) == 599400u);
  CHECK(reregistration_interval_s(1000) == 500u);
  REQ("O.2.1-ALL-LIFETIME-RECOMMENDED",
      check_pcscf_config(c, 4200).warning == Error::ok);  // interval 3600: not shorter
  REQ("O.2.1-ALL-LIFETIME-RECOMMENDED",
      check_pcscf_config(c, 4201).warning == Error::pcscf_config_lifetime_below_rereg);
  REQ("O.2.1-ALL-LIFETIME-RECOMMENDED", check_pcscf_config(c, 4201).error == Error::ok);
  REQ("O.2.1-ALL-LIFETIME-RECOMMENDED",
      check_pcscf_config(c, 600000).warning == Error::pcscf_config_lifetime_below_rereg);
}

//= spec#N.1-NO-IPSEC-WITH-DIGEST type=test
TEST_CASE(
    "N.1-NO-IPSEC-WITH-DIGEST: with SIP Digest the P-CSCF answers tls only, never ipsec-3gpp") {
  SecMechList client;
  REQUIRE(secagree_push(client, SecMech::ipsec_3gpp, 900) == Error::ok);
  REQUIRE(secagree_push(client, SecMech::tls, 100) == Error::ok);
  SecMechList server;
  REQUIRE(secagree_answer(client, true, &server) == Error::ok);
  REQUIRE(server.count == 1);
  REQ("N.1-NO-IPSEC-WITH-DIGEST", server.items[0].mech == SecMech::tls);
  REQ("N.1-NO-IPSEC-WITH-DIGEST",
      secagree_may_offer(SecMech::ipsec_3gpp, true) == Error::secagree_ipsec_with_digest);
  CHECK(secagree_may_offer(SecMech::tls, true) == Error::ok);
  CHECK(secagree_may_offer(SecMech::digest, true) == Error::secagree_no_tls_offered);
}

//= spec#O.3.2-SECSETUP-ERRORS type=test
TEST_CASE("O.3.2-SECSETUP-ERRORS: a Security-Client without tls is answered with an error") {
  SecMechList client;
  REQUIRE(secagree_push(client, SecMech::ipsec_3gpp) == Error::ok);
  SecMechList server;
  REQ("O.3.2-SECSETUP-ERRORS",
      secagree_answer(client, true, &server) == Error::secagree_no_tls_offered);
  REQ("O.3.2-SECSETUP-ERRORS",
      secagree_answer(SecMechList{}, true, &server) == Error::secagree_no_tls_offered);
  SecMechList full;
  for (int i = 0; i < kMaxSecMechs; ++i) REQUIRE(secagree_push(full, SecMech::other) == Error::ok);
  CHECK(secagree_push(full, SecMech::tls) == Error::secagree_too_many_mechanisms);
}

//= spec#RFC3329-PC-VERIFY-ECHO type=test
TEST_CASE("RFC3329-PC-VERIFY-ECHO: Security-Verify must equal the Security-Server sent") {
  SecMechList sent;
  REQUIRE(secagree_push(sent, SecMech::tls) == Error::ok);
  SecMechList same = sent;
  REQ("RFC3329-PC-VERIFY-ECHO", secagree_check_verify(sent, same) == Error::ok);
  REQ("RFC3329-PC-VERIFY-ECHO", secagree_fact(true, sent, same) == pcscf::SecVerify::matches);
  SecMechList missing;
  REQ("RFC3329-PC-VERIFY-ECHO", secagree_fact(true, sent, missing) == pcscf::SecVerify::mismatch);
  SecMechList other_q;
  REQUIRE(secagree_push(other_q, SecMech::tls, 500) == Error::ok);
  REQ("RFC3329-PC-VERIFY-ECHO",
      secagree_check_verify(sent, other_q) == Error::secagree_verify_mismatch);
  SecMechList downgraded;
  REQUIRE(secagree_push(downgraded, SecMech::digest) == Error::ok);
  REQ("RFC3329-PC-VERIFY-ECHO",
      secagree_check_verify(sent, downgraded) == Error::secagree_verify_mismatch);
  SecMechList extra = sent;
  REQUIRE(secagree_push(extra, SecMech::ipsec_3gpp) == Error::ok);
  REQ("RFC3329-PC-VERIFY-ECHO",
      secagree_check_verify(sent, extra) == Error::secagree_verify_mismatch);
  CHECK(secagree_fact(false, sent, missing) == pcscf::SecVerify::not_used);
}

//= spec#P.3-PC-SCHEME-SELECTION type=test
//= spec#N.1-ALL-NOT-ON-3GPP-ACCESS type=test
//= spec#O.1.1-ALL-DIGEST-REQUIRED type=test
TEST_CASE("P.3-PC-SCHEME-SELECTION: every combination of facts classifies as the rules say") {
  for (int bits = 0; bits < 16; ++bits) {
    SchemeFacts f;
    f.access_3gpp = (bits & 1) != 0;
    f.over_tls = (bits & 2) != 0;
    f.secagree_tls_offered = (bits & 4) != 0;
    f.aka_credentials = (bits & 8) != 0;
    INFO("facts " << bits);
    const SchemeDecision d = classify_register(f);
    const bool annex_o = (f.over_tls || f.secagree_tls_offered) && !f.aka_credentials;
    if (f.access_3gpp) {
      REQ("N.1-ALL-NOT-ON-3GPP-ACCESS", d.scheme == RegisterScheme::none);
      REQ("N.1-ALL-NOT-ON-3GPP-ACCESS", d.error == Error::pcscf_digest_on_3gpp_access);
    } else if (f.aka_credentials) {
      REQ("P.3-PC-SCHEME-SELECTION", d.scheme == RegisterScheme::none);
      REQ("P.3-PC-SCHEME-SELECTION", d.error == Error::pcscf_aka_on_annex_o);
      // IMS AKA credentials are refused whether the REGISTER came over the
      // Annex O TLS connection or offered tls in sec-agree: Digest only.
      REQ("O.1.1-ALL-DIGEST-REQUIRED",
          (d.scheme == RegisterScheme::none && d.error == Error::pcscf_aka_on_annex_o));
    } else if (annex_o) {
      REQ("P.3-PC-SCHEME-SELECTION", d.scheme == RegisterScheme::digest_with_tls);
      REQ("P.3-PC-SCHEME-SELECTION", d.error == Error::ok);
    } else {
      REQ("P.3-PC-SCHEME-SELECTION", d.scheme == RegisterScheme::none);
      REQ("P.3-PC-SCHEME-SELECTION", d.error == Error::pcscf_no_scheme);
    }
    // Deny by default: a scheme exactly when no error.
    REQ("P.3-PC-SCHEME-SELECTION", (d.scheme != RegisterScheme::none) == (d.error == Error::ok));
  }
  CHECK(std::string(error_requirement(Error::pcscf_digest_on_3gpp_access)) ==
        "N.1-ALL-NOT-ON-3GPP-ACCESS");
  CHECK(std::string(scheme_name(RegisterScheme::digest_with_tls)) == "SIP Digest with TLS");
}
