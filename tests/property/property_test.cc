// The property tests as Catch2 test cases, one per property, each citing the
// requirements it evidences. Each runs the property at CI size (RC_PARAMS
// seed / max_success / max_size / reproduce honoured) and then every stored
// regression case of regressions/<key>.txt. Definitions: *_props.cc.
#include <catch2/catch.hpp>

#include "tests/property/harness.h"

namespace {

void check_property(const std::string& key) {
  const annexo::prop::Outcome fresh = annexo::prop::run_ci(key);
  INFO(fresh.report);
  CHECK(fresh.passed);
  const annexo::prop::Outcome reg = annexo::prop::run_regressions(key);
  INFO(reg.report);
  CHECK(reg.passed);
  CHECK(fresh.cases > 0);  // a property that ran no case proves nothing
}

}  // namespace

//= spec#O.2.1-UE-NONNULL-OFFER type=test
//= spec#O.2.1-ALL-NULL-MAY type=test
//= spec#O.1.2-UE-ALWAYS-OFFER-SUITES type=test
TEST_CASE("O.2.1-UE-NONNULL-OFFER: property: UE offer for any configuration equals the model") {
  check_property("O.2.1-UE-NONNULL-OFFER.offer");
}

//= spec#O.1.2-PC-DECIDES-SUITE type=test
//= spec#O.2.1-ALL-SUITE-RULES-ALL-VERSIONS type=test
//= spec#33210-6.2.1-NO-LEGACY-VERSIONS type=test
//= spec#RFC5746-SECURE-RENEG type=test
TEST_CASE("O.1.2-PC-DECIDES-SUITE: property: P-CSCF choice for random offers equals the model") {
  check_property("O.1.2-PC-DECIDES-SUITE.choice");
}

//= spec#O.2.1-ALL-SUITE-RULES-ALL-VERSIONS type=test
//= spec#O.2.1-ALL-PROFILE type=test
TEST_CASE("O.2.1-ALL-SUITE-RULES-ALL-VERSIONS: property: UE ServerHello check equals the model") {
  check_property("O.2.1-ALL-SUITE-RULES-ALL-VERSIONS.server-hello");
}

//= spec#IMPL-READER-BOUNDS type=test
TEST_CASE("IMPL-READER-BOUNDS: property: reader never reads past exactly-sized guarded input") {
  check_property("IMPL-READER-BOUNDS.client-hello");
}

//= spec#IMPL-READER-BOUNDS type=test
TEST_CASE("IMPL-READER-BOUNDS: property: same verdict for a message split across records") {
  check_property("IMPL-READER-BOUNDS.record-split");
}

//= spec#O.2.2-PC-ASSOC-CREATE type=test
//= spec#IMPL-PC-BINDING-TABLE-CAPACITY type=test
//= spec#5626-5.2-PC-TOKEN-UNIQUE type=test
//= spec#5626-5.2-PC-TOKEN-TAMPERPROOF type=test
//= spec#5626-5.3-PC-430-FLOW-GONE type=test
//= spec#5626-5.3-PC-403-BAD-TOKEN type=test
TEST_CASE("O.2.2-PC-ASSOC-CREATE: property: stateful binding table and flow tokens vs model") {
  check_property("O.2.2-PC-ASSOC-CREATE.binding-table");
}

//= spec#O.2.2-PC-MATCH-FULL-TUPLE type=test
//= spec#O.2.2-PC-ASSOC-ONLY-ON-AUTH-CONN type=test
//= spec#O.2.2-PC-ASSOC-IMPU-SET type=test
//= spec#O.2.2-PC-ASSOC-ADD-IMPU type=test
//= spec#O.2.2-PC-ASSOC-DELETE type=test
//= spec#O.2.2-PC-ASSERT-FROM-ASSOC type=test
//= spec#O.2.2-PC-UNBOUND-NO-ASSERT type=test
//= spec#O.2.1-PC-TRUST-ENDPOINT-VIA-ASSOC type=test
//= spec#O.2.1-PC-NO-CLIENT-CERT-REQ type=test
//= spec#O.3.1.1-PC-CLOSE-ON-AUTH-FAIL type=test
//= spec#O.4.2-PC-HANDSHAKE-GATE type=test
//= spec#O.4.2-PC-REPLACE-SESSION-ID type=test
//= spec#O.4.2-PC-MAY-ABORT-NO-RENEG type=test
//= spec#O.4.3-PC-REREG-ON-BOUND-SESSION type=test
//= spec#O.4.3-PC-IMPI-MISMATCH type=test
//= spec#RFC3329-PC-VERIFY-ECHO type=test
//= spec#5626-5.3-PC-FORWARD-OVER-FLOW type=test
//= spec#5626-5.4-PC-CRLF-PONG type=test
TEST_CASE("O.2.2-PC-MATCH-FULL-TUPLE: property: stateful P-CSCF model and core agree") {
  check_property("O.2.2-PC-MATCH-FULL-TUPLE.pcscf-machine");
}

//= spec#O.4.1-UE-ONE-REGISTRATION type=test
//= spec#O.4.1-UE-PURGE-INCOMPLETE type=test
//= spec#O.4.1-UE-RENEG-INSIDE-CONN type=test
//= spec#O.4.1-UE-REREG-ON-CONN-LOSS type=test
//= spec#O.1.1-ALL-NOT-ON-3GPP-ACCESS type=test
//= spec#O.1.1-OP-NO-BIDDOWN type=test
//= spec#O.2.1-UE-AUTH-PC-BY-CERT type=test
//= spec#O.3.1.1-UE-CLOSE-ON-AUTH-FAIL type=test
//= spec#O.3.1.2-UE-ALERT-ON-CERT-FAIL type=test
//= spec#O.3.1.3-UE-STALE-RETRY-SAME-SESSION type=test
//= spec#O.3.1.4-UE-NEW-REG-ON-TIMEOUT type=test
//= spec#RFC5246-EMPTY-CLIENT-CERT type=test
//= spec#24229-5.1.1.4.1-REREG-TIMING type=test
//= spec#5626-4.4.1-UE-PONG-TIMEOUT type=test
TEST_CASE("O.4.1-UE-ONE-REGISTRATION: property: stateful UE machine keeps its duties") {
  check_property("O.4.1-UE-ONE-REGISTRATION.ue-machine");
}

//= spec#O.2.1-ALL-NULL-MAY type=test
//= spec#O.1.2-PC-DECIDES-SUITE type=test
//= spec#O.1.3-ALL-INTEG-ALWAYS type=test
TEST_CASE("O.2.1-ALL-NULL-MAY: property: UE offer, P-CSCF choice, UE check negotiate end to end") {
  check_property("O.2.1-ALL-NULL-MAY.negotiation");
}
