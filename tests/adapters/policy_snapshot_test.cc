// The effective TLS policy of both sides, pinned: any change to versions,
// suites, groups, signature schemes or switches shows as a reviewed diff of
// tests/adapters/policy_snapshot_*.txt (regenerate: policy_snapshot_dump.cc).
#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>

#include "tests/adapters/policy_snapshot.h"
#include "tests/support/req.h"

namespace {
std::string golden(const std::string& name) {
  std::ifstream in("tests/adapters/" + name);
  REQUIRE(in.good());
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}
}  // namespace

//= spec#O.2.1-ALL-PROFILE type=test
//= spec#O.2.1-PC-NO-CLIENT-CERT-REQ type=test
TEST_CASE("O.2.1-ALL-PROFILE: the effective P-CSCF policy equals the reviewed snapshot") {
  const std::string now = annexo::testing::pcscf_policy_text();
  // Versions, suites, groups, signature schemes, switches: as reviewed.
  CHECK(now == golden("policy_snapshot_pcscf.txt"));  // a pinned configuration: a regression check,
                                                      // not evidence of the profile
  // Facts the snapshot must show whatever else changes.
  REQ("O.2.1-PC-NO-CLIENT-CERT-REQ",
      now.find("request_client_certificate_authentication = false") != std::string::npos);
  CHECK(now.find("session_ticket_lifetime = 0") != std::string::npos);
  REQ("O.2.1-ALL-PROFILE", now.find("allow_tls10 = false") != std::string::npos);
  REQ("O.2.1-ALL-PROFILE", now.find("allow_tls11 = false") != std::string::npos);
  REQ("O.2.1-ALL-PROFILE", now.find("0x16B7") == std::string::npos);  // no Botan CECPQ1 suite
}

//= spec#O.2.1-ALL-PROFILE type=test
//= spec#RFC5746-SECURE-RENEG type=test
TEST_CASE("O.2.1-ALL-PROFILE: the effective UE policy equals the reviewed snapshot") {
  const std::string now = annexo::testing::ue_policy_text();
  CHECK(now == golden("policy_snapshot_ue.txt"));  // a pinned configuration: a regression check,
                                                   // not evidence of the profile
  CHECK(now.find("allow_server_initiated_renegotiation = true") != std::string::npos);
  REQ("RFC5746-SECURE-RENEG",
      now.find("allow_insecure_renegotiation = false") != std::string::npos);
}
