// The property tests as Catch2 test cases, one per property, each citing the
// requirements it evidences. Each runs the property at CI size (RC_PARAMS
// seed / max_success / max_size / reproduce honoured) and then every stored
// regression case of regressions/<key>.txt. Definitions: *_props.cc.
//
// Credit is per assertion: a requirement is credited to a case only through
// the RC_REQ assertions naming it inside the property (tests/support/req.h),
// folded to one verdict per ID per run by the harness. The IDs a case cites
// are passed to check_property, which fails the case when one of them was
// not asserted in this run (a citation nothing checks).
#include <catch2/catch.hpp>

#include <initializer_list>
#include <map>
#include <string>

#include "tests/property/harness.h"
#include "tests/support/req.h"

namespace {

// Runs the properties `keys` (one case may check its requirements with more
// than one command mix) and checks the citations.
void check_property(std::initializer_list<std::string> keys,
                    std::initializer_list<const char*> cited) {
  for (const std::string& key : keys) {
    const annexo::prop::Outcome fresh = annexo::prop::run_ci(key);
    INFO(fresh.report);
    CHECK(fresh.passed);
    const annexo::prop::Outcome reg = annexo::prop::run_regressions(key);
    INFO(reg.report);
    CHECK(reg.passed);
    CHECK(fresh.cases > 0);  // a property that ran no case proves nothing
  }
  // Every cited ID was asserted by an RC_REQ in this run; the notes go back
  // for the JUnit listener unchanged.
  const auto notes = annexo::req::take();
  std::map<std::string, bool> asserted;
  for (const auto& [id, held] : notes) asserted.emplace(id, true);
  for (const char* id : cited) {
    INFO("requirement " << id << " is cited by this case");
    CHECK(asserted.count(id) == 1u);
  }
  for (const auto& [id, held] : notes) annexo::req::note(id.c_str(), held);
}

}  // namespace

//= spec#O.2.1-UE-NONNULL-OFFER type=test
//= spec#O.2.1-ALL-NULL-MAY type=test
//= spec#O.1.2-UE-ALWAYS-OFFER-SUITES type=test
TEST_CASE("O.2.1-UE-NONNULL-OFFER: property: UE offer for any configuration equals the model") {
  check_property({"O.2.1-UE-NONNULL-OFFER.offer"},
                 {"O.2.1-UE-NONNULL-OFFER", "O.2.1-ALL-NULL-MAY", "O.1.2-UE-ALWAYS-OFFER-SUITES"});
}

//= spec#O.1.2-PC-DECIDES-SUITE type=test
//= spec#O.2.1-ALL-SUITE-RULES-ALL-VERSIONS type=test
//= spec#33210-6.2.1-NO-LEGACY-VERSIONS type=test
//= spec#RFC5746-SECURE-RENEG type=test
TEST_CASE("O.1.2-PC-DECIDES-SUITE: property: P-CSCF choice for random offers equals the model") {
  check_property({"O.1.2-PC-DECIDES-SUITE.choice"},
                 {"O.1.2-PC-DECIDES-SUITE", "O.2.1-ALL-SUITE-RULES-ALL-VERSIONS",
                  "33210-6.2.1-NO-LEGACY-VERSIONS", "RFC5746-SECURE-RENEG"});
}

//= spec#O.1.2-PC-DECIDES-SUITE type=test
//= spec#O.2.1-ALL-NULL-MAY type=test
TEST_CASE(
    "O.1.2-PC-DECIDES-SUITE: property: without allow_null_encryption the P-CSCF never falls back "
    "to NULL") {
  check_property({"O.1.2-PC-DECIDES-SUITE.no-null-fallback"},
                 {"O.1.2-PC-DECIDES-SUITE", "O.2.1-ALL-NULL-MAY"});
}

//= spec#O.2.1-ALL-SUITE-RULES-ALL-VERSIONS type=test
//= spec#O.2.1-ALL-PROFILE type=test
TEST_CASE("O.2.1-ALL-SUITE-RULES-ALL-VERSIONS: property: UE ServerHello check equals the model") {
  check_property({"O.2.1-ALL-SUITE-RULES-ALL-VERSIONS.server-hello"},
                 {"O.2.1-ALL-SUITE-RULES-ALL-VERSIONS", "O.2.1-ALL-PROFILE"});
}

//= spec#IMPL-READER-BOUNDS type=test
TEST_CASE("IMPL-READER-BOUNDS: property: reader never reads past exactly-sized guarded input") {
  check_property({"IMPL-READER-BOUNDS.client-hello"}, {"IMPL-READER-BOUNDS"});
}

//= spec#IMPL-READER-BOUNDS type=test
TEST_CASE("IMPL-READER-BOUNDS: property: same verdict for a message split across records") {
  check_property({"IMPL-READER-BOUNDS.record-split"}, {"IMPL-READER-BOUNDS"});
}

//= spec#O.2.2-PC-ASSOC-CREATE type=test
//= spec#O.2.2-PC-ASSOC-ADD-IMPU type=test
//= spec#O.2.2-PC-ASSOC-IMPU-SET type=test
//= spec#O.2.2-PC-ASSOC-DELETE type=test
//= spec#O.4.2-PC-REPLACE-SESSION-ID type=test
//= spec#IMPL-PC-BINDING-TABLE-CAPACITY type=test
//= spec#5626-5.2-PC-TOKEN-UNIQUE type=test
//= spec#5626-5.2-PC-TOKEN-TAMPERPROOF type=test
TEST_CASE("O.2.2-PC-ASSOC-CREATE: property: stateful binding table and flow tokens vs model") {
  check_property(
      {"O.2.2-PC-ASSOC-CREATE.binding-table"},
      {"O.2.2-PC-ASSOC-CREATE", "O.2.2-PC-ASSOC-ADD-IMPU", "O.2.2-PC-ASSOC-IMPU-SET",
       "O.2.2-PC-ASSOC-DELETE", "O.4.2-PC-REPLACE-SESSION-ID", "IMPL-PC-BINDING-TABLE-CAPACITY",
       "5626-5.2-PC-TOKEN-UNIQUE", "5626-5.2-PC-TOKEN-TAMPERPROOF"});
}

//= spec#O.2.2-PC-MATCH-FULL-TUPLE type=test
//= spec#O.2.2-PC-ASSOC-CREATE type=test
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
  check_property(
      {"O.2.2-PC-MATCH-FULL-TUPLE.pcscf-machine"},
      {"O.2.2-PC-MATCH-FULL-TUPLE", "O.2.2-PC-ASSOC-CREATE", "O.2.2-PC-ASSOC-ONLY-ON-AUTH-CONN",
       "O.2.2-PC-ASSOC-IMPU-SET", "O.2.2-PC-ASSOC-ADD-IMPU", "O.2.2-PC-ASSOC-DELETE",
       "O.2.2-PC-ASSERT-FROM-ASSOC", "O.2.2-PC-UNBOUND-NO-ASSERT",
       "O.2.1-PC-TRUST-ENDPOINT-VIA-ASSOC", "O.2.1-PC-NO-CLIENT-CERT-REQ",
       "O.3.1.1-PC-CLOSE-ON-AUTH-FAIL", "O.4.2-PC-HANDSHAKE-GATE", "O.4.2-PC-REPLACE-SESSION-ID",
       "O.4.2-PC-MAY-ABORT-NO-RENEG", "O.4.3-PC-REREG-ON-BOUND-SESSION", "O.4.3-PC-IMPI-MISMATCH",
       "RFC3329-PC-VERIFY-ECHO", "5626-5.3-PC-FORWARD-OVER-FLOW", "5626-5.4-PC-CRLF-PONG"});
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
  check_property(
      {"O.4.1-UE-ONE-REGISTRATION.ue-machine", "O.4.1-UE-ONE-REGISTRATION.ue-steered"},
      {"O.4.1-UE-ONE-REGISTRATION", "O.4.1-UE-PURGE-INCOMPLETE", "O.4.1-UE-RENEG-INSIDE-CONN",
       "O.4.1-UE-REREG-ON-CONN-LOSS", "O.1.1-ALL-NOT-ON-3GPP-ACCESS", "O.1.1-OP-NO-BIDDOWN",
       "O.2.1-UE-AUTH-PC-BY-CERT", "O.3.1.1-UE-CLOSE-ON-AUTH-FAIL", "O.3.1.2-UE-ALERT-ON-CERT-FAIL",
       "O.3.1.3-UE-STALE-RETRY-SAME-SESSION", "O.3.1.4-UE-NEW-REG-ON-TIMEOUT",
       "RFC5246-EMPTY-CLIENT-CERT", "24229-5.1.1.4.1-REREG-TIMING", "5626-4.4.1-UE-PONG-TIMEOUT"});
}

//= spec#O.2.1-ALL-NULL-MAY type=test
//= spec#O.1.2-PC-DECIDES-SUITE type=test
//= spec#O.1.3-ALL-INTEG-ALWAYS type=test
TEST_CASE("O.2.1-ALL-NULL-MAY: property: UE offer, P-CSCF choice, UE check negotiate end to end") {
  check_property({"O.2.1-ALL-NULL-MAY.negotiation"},
                 {"O.2.1-ALL-NULL-MAY", "O.1.2-PC-DECIDES-SUITE", "O.1.3-ALL-INTEG-ALWAYS"});
}
