// O.1.1 / NOTE 2 access-security selection: the full truth table.
#include <catch2/catch.hpp>

#include "core/access_selection.h"
#include "tests/support/req.h"

using namespace annexo::core;

// clang-format off
//= spec#UE-IMPL-ACCESS-PREFERENCE type=test
//= spec#O.1.1-ALL-NOT-ON-3GPP-ACCESS type=test
//= spec#N.1-UE-NO-DIGEST-ON-3GPP type=test
//= spec#O.1.1-OP-NO-BIDDOWN type=test
TEST_CASE("UE-IMPL-ACCESS-PREFERENCE: all 16 input combinations of access selection") {
  // clang-format on
  struct Row {
    bool g3, tls, ipsec, policy;
    Mechanism want;
    Error err;
  };
  const Row rows[] = {
      // 3GPP access: IPsec or nothing, whatever else is offered.
      {true, false, false, false, Mechanism::none, Error::ue_no_mechanism_3gpp},
      {true, false, false, true, Mechanism::none, Error::ue_no_mechanism_3gpp},
      {true, false, true, false, Mechanism::ipsec, Error::ok},
      {true, false, true, true, Mechanism::ipsec, Error::ok},
      {true, true, false, false, Mechanism::none, Error::ue_no_mechanism_3gpp},
      {true, true, false, true, Mechanism::none, Error::ue_no_mechanism_3gpp},
      {true, true, true, false, Mechanism::ipsec, Error::ok},
      {true, true, true, true, Mechanism::ipsec, Error::ok},
      // non-3GPP access: TLS, then IPsec, then unprotected only without the policy.
      {false, false, false, false, Mechanism::unprotected, Error::ok},
      {false, false, false, true, Mechanism::none, Error::ue_no_protected_mechanism},
      {false, false, true, false, Mechanism::ipsec, Error::ok},
      {false, false, true, true, Mechanism::ipsec, Error::ok},
      {false, true, false, false, Mechanism::annex_o_tls, Error::ok},
      {false, true, false, true, Mechanism::annex_o_tls, Error::ok},
      {false, true, true, false, Mechanism::annex_o_tls, Error::ok},
      {false, true, true, true, Mechanism::annex_o_tls, Error::ok},
  };
  for (const Row& r : rows) {
    const AccessDecision d = select_access_security(AccessFacts{r.g3, r.tls, r.ipsec}, r.policy);
    CAPTURE(r.g3, r.tls, r.ipsec, r.policy);
    REQ_REQUIRE("UE-IMPL-ACCESS-PREFERENCE", d.mechanism == r.want);
    REQ_REQUIRE("UE-IMPL-ACCESS-PREFERENCE", d.error == r.err);
    // The properties, independently of the table above.
    if (r.g3) {
      // Annex O TLS and unprotected Digest are both SIP Digest; on 3GPP access neither.
      REQ_REQUIRE("O.1.1-ALL-NOT-ON-3GPP-ACCESS", d.mechanism != Mechanism::annex_o_tls);
      REQ_REQUIRE("N.1-UE-NO-DIGEST-ON-3GPP", d.mechanism != Mechanism::annex_o_tls);
      REQ_REQUIRE("N.1-UE-NO-DIGEST-ON-3GPP", d.mechanism != Mechanism::unprotected);
    }
    if (r.policy) REQ_REQUIRE("O.1.1-OP-NO-BIDDOWN", d.mechanism != Mechanism::unprotected);
    if (d.mechanism == Mechanism::none) REQUIRE(d.error != Error::ok);
  }
}
