// adapters/log/decision_log: identical DENY lines are rate-limited and
// summarised (issue 15, RD-131), driven by a fake millisecond clock.
#include "adapters/log/decision_log.h"

#include <catch2/catch.hpp>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "tests/support/req.h"

using annexo::log::Decision_Log;
using annexo::log::Format;
using annexo::log::Verdict;

namespace {

// A log writing to a temporary file, read back line by line.
struct Captured {
  std::FILE* f = std::tmpfile();
  std::int64_t now_ms = 0;
  Decision_Log log{"pcscf", Format::text, f};
  Captured(std::uint32_t per_second) {
    log.limit_identical_denials(per_second, [this] { return now_ms; });
  }
  ~Captured() { std::fclose(f); }
  std::vector<std::string> lines() {
    std::fflush(f);
    std::rewind(f);
    std::vector<std::string> out;
    char buf[4096];
    while (std::fgets(buf, sizeof(buf), f) != nullptr) out.emplace_back(buf);
    std::fseek(f, 0, SEEK_END);
    return out;
  }
  void deny(const std::string& peer, const std::string& msg = "connection cap reached") {
    log.decision(Verdict::deny, "IMPL-PC-MAX-CONNECTIONS", msg, {{"conn", "1"}, {"peer", peer}});
  }
};

bool has(const std::string& line, const std::string& what) {
  return line.find(what) != std::string::npos;
}

}  // namespace

//= spec#IMPL-LOG-DENY-RATE-LIMIT type=test
TEST_CASE(
    "IMPL-LOG-DENY-RATE-LIMIT: identical DENY lines beyond N a second are counted and summarised "
    "once the second is over") {
  Captured c(3);
  for (int i = 0; i < 100; ++i) c.deny("127.0.0.1:4000");
  REQ("IMPL-LOG-DENY-RATE-LIMIT", c.lines().size() == 3);
  REQ("IMPL-LOG-DENY-RATE-LIMIT", c.log.has_suppressed());
  c.now_ms = 999;  // still the same second: still counted
  c.deny("127.0.0.1:4000");
  REQ("IMPL-LOG-DENY-RATE-LIMIT", c.lines().size() == 3);
  c.now_ms = 1000;  // the window is over: the next line first writes the summary
  c.log.decision(Verdict::info, "", "something else");
  const auto l = c.lines();
  REQUIRE(l.size() == 5);
  REQ("IMPL-LOG-DENY-RATE-LIMIT", has(l[3], " DENY IMPL-PC-MAX-CONNECTIONS "));
  REQ("IMPL-LOG-DENY-RATE-LIMIT", has(l[3], "suppressed=98"));
  REQ("IMPL-LOG-DENY-RATE-LIMIT", has(l[3], "peer=127.0.0.1:4000"));
  REQ("IMPL-LOG-DENY-RATE-LIMIT", has(l[3], "connection cap reached"));
  REQ("IMPL-LOG-DENY-RATE-LIMIT", has(l[4], " INFO "));
  REQ("IMPL-LOG-DENY-RATE-LIMIT", !c.log.has_suppressed());
  // A new window: identical lines are written again, up to N.
  for (int i = 0; i < 5; ++i) c.deny("127.0.0.1:4000");
  REQ("IMPL-LOG-DENY-RATE-LIMIT", c.lines().size() == 8);
}

//= spec#IMPL-LOG-DENY-RATE-LIMIT type=test
TEST_CASE(
    "IMPL-LOG-DENY-RATE-LIMIT: lines differing in peer, requirement or message, and non-DENY "
    "lines, are not merged") {
  Captured c(1);
  c.deny("127.0.0.1:4000");
  c.deny("127.0.0.2:4000");                    // another peer
  c.deny("127.0.0.1:4000", "another reason");  // another message
  c.log.decision(Verdict::deny, "IMPL-PC-UNBOUND-LIFETIME", "connection cap reached",
                 {{"peer", "127.0.0.1:4000"}});  // another requirement
  for (int i = 0; i < 10; ++i) c.log.decision(Verdict::info, "X", "same info");
  for (int i = 0; i < 10; ++i) c.log.decision(Verdict::allow, "X", "same allow");
  REQ("IMPL-LOG-DENY-RATE-LIMIT", c.lines().size() == 24);
  REQ("IMPL-LOG-DENY-RATE-LIMIT", !c.log.has_suppressed());
}

//= spec#IMPL-LOG-DENY-RATE-LIMIT type=test
TEST_CASE(
    "IMPL-LOG-DENY-RATE-LIMIT: the summary is written by flush_suppressed when nothing else is "
    "logged; 0 turns the limit off") {
  Captured c(2);
  for (int i = 0; i < 7; ++i) c.deny("[::1]:5061");
  c.now_ms = 500;
  c.log.flush_suppressed();
  REQ("IMPL-LOG-DENY-RATE-LIMIT", c.lines().size() == 2);  // the second is not over
  c.now_ms = 1500;
  c.log.flush_suppressed();
  auto l = c.lines();
  REQUIRE(l.size() == 3);
  REQ("IMPL-LOG-DENY-RATE-LIMIT", has(l[2], "suppressed=5"));
  c.log.flush_suppressed();
  REQ("IMPL-LOG-DENY-RATE-LIMIT", c.lines().size() == 3);  // summarised once

  Captured off(0);
  for (int i = 0; i < 50; ++i) off.deny("127.0.0.1:1");
  REQ("IMPL-LOG-DENY-RATE-LIMIT", off.lines().size() == 50);
}
