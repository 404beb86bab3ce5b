// The effective OpenSSL 3.0 configuration of both sides, pinned: any change
// to versions, suites, groups, signature schemes or switches shows as a
// reviewed diff of tests/adapters/openssl_snapshot_*.txt.
#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>

#include "tests/adapters/openssl_snapshot.h"
#include "tests/support/req.h"

namespace {
std::string golden(const std::string& name) {
  std::ifstream in("tests/adapters/" + name);
  REQUIRE(in.good());
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}
bool has(const std::string& text, const std::string& line) {
  return text.find(line) != std::string::npos;
}
}  // namespace

//= spec#O.2.1-ALL-PROFILE type=test
//= spec#O.2.1-PC-NO-CLIENT-CERT-REQ type=test
//= spec#33210-6.2.2-NO-0RTT type=test
TEST_CASE(
    "O.2.1-ALL-PROFILE: the effective OpenSSL P-CSCF configuration equals the reviewed snapshot") {
  const std::string now = annexo::testing::openssl_pcscf_text();
  CHECK(now == golden("openssl_snapshot_pcscf.txt"));  // a pinned configuration: a regression
                                                       // check, not evidence of the profile
  REQ("O.2.1-ALL-PROFILE", has(now, "min_proto_version = TLS 1.2\n"));
  REQ("O.2.1-ALL-PROFILE", has(now, "max_proto_version = TLS 1.3\n"));
  REQ("O.2.1-PC-NO-CLIENT-CERT-REQ", has(now, "verify_peer = false\n"));
  REQ("O.2.1-PC-NO-CLIENT-CERT-REQ", has(now, "verify_post_handshake = false\n"));
  REQ("33210-6.2.2-NO-0RTT", has(now, "max_early_data = 0\n"));
  CHECK(has(now, "num_tickets = 0\n"));
  CHECK(has(now, "allow_client_renegotiation = false\n"));
}

//= spec#O.2.1-ALL-PROFILE type=test
//= spec#RFC5746-SECURE-RENEG type=test
//= spec#33210-6.2.2-NO-0RTT type=test
TEST_CASE(
    "O.2.1-ALL-PROFILE: the effective OpenSSL UE configuration equals the reviewed snapshot") {
  const std::string now = annexo::testing::openssl_ue_text();
  CHECK(now == golden("openssl_snapshot_ue.txt"));  // a pinned configuration: a regression check,
                                                    // not evidence of the profile
  REQ("RFC5746-SECURE-RENEG", has(now, "allow_unsafe_legacy_renegotiation = false\n"));
  REQ("RFC5746-SECURE-RENEG", has(now, "legacy_server_connect = false\n"));
  REQ("33210-6.2.2-NO-0RTT", has(now, "max_early_data = 0\n"));
  CHECK(has(now, "verify_peer = true\n"));
}
