// Users file of the P-CSCF's embedded home network.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "adapters/sip/users.h"
#include "tests/support/req.h"

using namespace annexo::sip;

//= spec#ADP-SIP-USERS-FILE type=test
TEST_CASE("ADP-SIP-USERS-FILE: a good file with comments, blank lines and several IMPUs") {
  auto u = parse_users(
      "# annexo users\n"
      "\n"
      "alice@ims.test  secret  sip:alice@ims.test,tel:+15551230001   # Alice\r\n"
      "\tbob@ims.test\tpass\tsips:bob@ims.test\n");
  REQUIRE(u.ok());
  REQ_REQUIRE("ADP-SIP-USERS-FILE", u->records.size() == 2);
  const UserRecord* a = u->find("alice@ims.test");
  REQUIRE(a);
  REQ_REQUIRE("ADP-SIP-USERS-FILE", a->password == "secret");
  REQ_REQUIRE("ADP-SIP-USERS-FILE",
              a->impus == std::vector<std::string>{"sip:alice@ims.test", "tel:+15551230001"});
  const UserRecord* b = u->find("bob@ims.test");
  REQUIRE(b);
  REQ_REQUIRE("ADP-SIP-USERS-FILE", b->password == "pass");
  REQ_REQUIRE("ADP-SIP-USERS-FILE", !(u->find("carol@ims.test")));
}

//= spec#ADP-SIP-USERS-FILE type=test
TEST_CASE("ADP-SIP-USERS-FILE: every defect is refused with its line number") {
  struct Case {
    std::string text, where, why;
  };
  const std::vector<Case> cases = {
      {"a@x pw\n", "users-file:1", "found 2 field(s)"},
      {"# c\na@x pw sip:a@x extra\n", "users-file:2", "found 4 field(s)"},
      {"alice pw sip:a@x\n", "users-file:1", "NAI form"},
      {"@x pw sip:a@x\n", "users-file:1", "NAI form"},
      {"a@x pw http://a\n", "users-file:1", "not a sip:, sips: or tel: URI"},
      {"a@x pw sip:a@x,,sip:b@x\n", "users-file:1", "empty IMPU"},
      {"a@x pw sip:a@x,\n", "users-file:1", "empty IMPU"},
      {"a@x pw sip:\n", "users-file:1", "empty after the scheme"},
      {"a@x pw sip:a@x,sip:a@x\n", "users-file:1", "repeated"},
      {"a@x pw sip:a@x\n\na@x pw2 sip:b@x\n", "users-file:3", "already defined"},
      {"a@x pa#ss sip:a@x\n", "users-file:1", "password contains '#'"},
      {"a@x p\x01w sip:a@x\n", "users-file:1", "control character"},
      {"a@x " + std::string(5000, 'p') + " sip:a@x\n", "users-file:1", "longer than 4096"},
      {"# only comments\n\n", "users-file", "no users"},
      {"", "users-file", "no users"},
  };
  for (const auto& c : cases) {
    INFO(c.text.substr(0, 80));
    auto r = parse_users(c.text);
    REQ_REQUIRE("ADP-SIP-USERS-FILE", !(r.ok()));
    INFO(r.error().text());
    REQ("ADP-SIP-USERS-FILE", r.error().where == c.where);
    REQ("ADP-SIP-USERS-FILE", r.error().why.find(c.why) != std::string::npos);
  }
  std::string many = "a@x pw ";
  for (int i = 0; i < 65; ++i)
    many += (i ? "," : "") + std::string("sip:u") + std::to_string(i) + "@x";
  auto r = parse_users(many);
  REQ_REQUIRE("ADP-SIP-USERS-FILE", !(r.ok()));
  REQ_REQUIRE("ADP-SIP-USERS-FILE", r.error().why.find("more than 64 IMPUs") != std::string::npos);
  auto missing = load_users("/nonexistent/annexo-users");
  REQUIRE_FALSE(missing.ok());
  REQUIRE(missing.error().why.find("cannot open") != std::string::npos);
}
