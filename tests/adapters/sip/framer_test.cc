// Stream framing (RFC 3261 section 18.3) and CRLF keep-alives (RFC 5626).
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "adapters/sip/framer.h"
#include "tests/support/req.h"

using namespace annexo::sip;

namespace {

const std::string kReg =
    "REGISTER sip:ims.test SIP/2.0\r\n"
    "Via: SIP/2.0/TLS 127.0.0.1:5070;branch=z9hG4bK1\r\n"
    "Max-Forwards: 70\r\n"
    "From: <sip:alice@ims.test>;tag=1\r\n"
    "To: <sip:alice@ims.test>\r\n"
    "Call-ID: c1\r\n"
    "CSeq: 1 REGISTER\r\n"
    "Content-Length: 0\r\n\r\n";

const std::string kMsg =
    "MESSAGE sip:bob@ims.test SIP/2.0\r\n"
    "v: SIP/2.0/TLS 127.0.0.1:5070;branch=z9hG4bK2\r\n"
    "Max-Forwards: 70\r\n"
    "f: <sip:alice@ims.test>;tag=1\r\n"
    "t: <sip:bob@ims.test>\r\n"
    "i: c2\r\n"
    "CSeq: 2 MESSAGE\r\n"
    "l: 5\r\n\r\n"
    "hello";

std::string describe(const FrameEvent& e) {
  switch (e.kind) {
    case FrameKind::ping:
      return "PING";
    case FrameKind::pong:
      return "PONG";
    case FrameKind::message:
      return "MSG:" + e.bytes;
  }
  return "?";
}

// Drains every event; an error is recorded as "ERR:<text>" and stops.
std::vector<std::string> drain(Framer& f) {
  std::vector<std::string> out;
  for (;;) {
    auto r = f.next();
    if (!r) {
      out.push_back("ERR:" + r.error().text());
      return out;
    }
    if (!*r) return out;
    out.push_back(describe(**r));
  }
}

std::vector<std::string> feed_split(const std::string& stream, std::vector<std::size_t> cuts,
                                    FramerRole role = FramerRole::server) {
  Framer f(role);
  std::vector<std::string> out;
  std::size_t prev = 0;
  cuts.push_back(stream.size());
  for (std::size_t c : cuts) {
    f.feed(std::string_view(stream).substr(prev, c - prev));
    auto ev = drain(f);
    out.insert(out.end(), ev.begin(), ev.end());
    prev = c;
  }
  return out;
}

}  // namespace

//= spec#ADP-SIP-STREAM-FRAMING type=test
TEST_CASE("ADP-SIP-STREAM-FRAMING: a message split at every byte boundary frames identically") {
  const std::string stream = kReg + kMsg;
  const std::vector<std::string> want = {"MSG:" + kReg, "MSG:" + kMsg};
  REQ_REQUIRE("ADP-SIP-STREAM-FRAMING", feed_split(stream, {}) == want);
  for (std::size_t a = 0; a <= stream.size(); ++a) {
    INFO("split at " << a);
    REQ_REQUIRE("ADP-SIP-STREAM-FRAMING", feed_split(stream, {a}) == want);
  }
  // Byte by byte.
  std::vector<std::size_t> every;
  for (std::size_t a = 1; a < stream.size(); ++a) every.push_back(a);
  REQ_REQUIRE("ADP-SIP-STREAM-FRAMING", feed_split(stream, every) == want);
}

//= spec#ADP-SIP-STREAM-FRAMING type=test
TEST_CASE("ADP-SIP-STREAM-FRAMING: several messages in one read, body bytes not taken as headers") {
  // The body contains a CRLFCRLF and something that looks like a header.
  std::string tricky =
      "MESSAGE sip:bob@ims.test SIP/2.0\r\nVia: SIP/2.0/TLS h;branch=z9hG4bKx\r\nContent-Length: "
      "25\r\n\r\n"
      "Content-Length: 99\r\n\r\nabc";
  REQUIRE(tricky.size() - tricky.find("\r\n\r\n") - 4 == 25);
  Framer f;
  f.feed(kReg + tricky + kReg);
  auto ev = drain(f);
  REQ_REQUIRE("ADP-SIP-STREAM-FRAMING",
              ev == std::vector<std::string>{"MSG:" + kReg, "MSG:" + tricky, "MSG:" + kReg});
  REQ_REQUIRE("ADP-SIP-STREAM-FRAMING", f.buffered() == 0);
}

//= spec#5626-5.4-PC-CRLF-PONG type=test
TEST_CASE("5626-5.4-PC-CRLF-PONG: server role reports a double CRLF as ping, split anywhere") {
  const std::string stream = "\r\n\r\n" + kReg + "\r\n\r\n\r\n\r\n" + kMsg + "\r\n\r\n";
  const std::vector<std::string> want = {"PING", "MSG:" + kReg, "PING",
                                         "PING", "MSG:" + kMsg, "PING"};
  for (std::size_t a = 0; a <= stream.size(); ++a) {
    for (std::size_t b = a; b <= stream.size(); b += 7) {
      INFO("split at " << a << "," << b);
      REQ_REQUIRE("5626-5.4-PC-CRLF-PONG", feed_split(stream, {a, b}) == want);
    }
  }
  // A ping that has only half arrived waits: it is not reported as a pong.
  Framer f;
  f.feed("\r\n");
  REQ_REQUIRE("5626-5.4-PC-CRLF-PONG", drain(f).empty());
  f.feed("\r");
  REQ_REQUIRE("5626-5.4-PC-CRLF-PONG", drain(f).empty());
  f.feed("\n");
  REQ_REQUIRE("5626-5.4-PC-CRLF-PONG", drain(f) == std::vector<std::string>{"PING"});
}

//= spec#ADP-SIP-STREAM-FRAMING type=test
TEST_CASE("ADP-SIP-STREAM-FRAMING: client role reports each single CRLF as a pong at once") {
  Framer f(FramerRole::client);
  f.feed("\r\n");
  REQUIRE(drain(f) == std::vector<std::string>{"PONG"});
  f.feed("\r\n" + kReg);
  REQ_REQUIRE("ADP-SIP-STREAM-FRAMING",
              drain(f) == std::vector<std::string>{"PONG", "MSG:" + kReg});
  // Server role: a lone CRLF followed by a message is a (stray) pong.
  Framer s;
  s.feed("\r\n" + kReg);
  REQ_REQUIRE("ADP-SIP-STREAM-FRAMING",
              drain(s) == std::vector<std::string>{"PONG", "MSG:" + kReg});
}

//= spec#ADP-SIP-MAX-MESSAGE-SIZE type=test
TEST_CASE(
    "ADP-SIP-MAX-MESSAGE-SIZE: oversized messages are refused with 513 before buffering the body") {
  SECTION("Content-Length beyond the limit") {
    Framer f;
    f.feed("MESSAGE sip:b@h SIP/2.0\r\nContent-Length: 70000\r\n\r\n");
    auto r = f.next();
    REQ_REQUIRE("ADP-SIP-MAX-MESSAGE-SIZE", !(r.ok()));
    REQ_REQUIRE("ADP-SIP-MAX-MESSAGE-SIZE", r.error().status == 513);
    REQ_REQUIRE("ADP-SIP-MAX-MESSAGE-SIZE", r.error().where == "Content-Length");
    REQ_REQUIRE("ADP-SIP-MAX-MESSAGE-SIZE", f.failed());
    f.feed(kReg);  // ignored once failed
    REQ_REQUIRE("ADP-SIP-MAX-MESSAGE-SIZE", !(f.next().ok()));
  }
  SECTION("header + body together beyond the limit") {
    Framer f(FramerRole::server, FrameLimits{1000, 800});
    f.feed(kReg.substr(0, kReg.size() - 5) + "980\r\n\r\n");
    auto r = f.next();
    REQ_REQUIRE("ADP-SIP-MAX-MESSAGE-SIZE", !(r.ok()));
    REQ_REQUIRE("ADP-SIP-MAX-MESSAGE-SIZE", r.error().status == 513);
    REQ_REQUIRE("ADP-SIP-MAX-MESSAGE-SIZE",
                r.error().text().find("exceeds the 1000-byte limit") != std::string::npos);
  }
  SECTION("header section without end beyond the limit") {
    Framer f;
    f.feed("REGISTER sip:h SIP/2.0\r\n");
    std::string junk(17000, 'a');
    f.feed(junk);
    auto r = f.next();
    REQ_REQUIRE("ADP-SIP-MAX-MESSAGE-SIZE", !(r.ok()));
    REQ_REQUIRE("ADP-SIP-MAX-MESSAGE-SIZE", r.error().where == "header-section");
    REQ_REQUIRE("ADP-SIP-MAX-MESSAGE-SIZE", r.error().status == 513);
  }
  SECTION("exactly at the limit is accepted") {
    const std::string prefix = kReg.substr(0, kReg.size() - 5);  // ends in "Content-Length: "
    const std::string body(1000 - prefix.size() - 3 - 4, 'x');   // 3 digits, CRLFCRLF
    const std::string m = prefix + std::to_string(body.size()) + "\r\n\r\n" + body;
    REQUIRE(m.size() == 1000);
    Framer f(FramerRole::server, FrameLimits{1000, 800});
    f.feed(m);
    REQ_REQUIRE("ADP-SIP-MAX-MESSAGE-SIZE", drain(f) == std::vector<std::string>{"MSG:" + m});
  }
}

//= spec#ADP-SIP-STREAM-FRAMING type=test
TEST_CASE("ADP-SIP-STREAM-FRAMING: missing or malformed Content-Length is a framing error") {
  struct Case {
    std::string head;
    std::string where;
    std::string why;
  };
  const std::vector<Case> cases = {
      {"OPTIONS sip:h SIP/2.0\r\nVia: x\r\n\r\n", "Content-Length", "missing"},
      {"OPTIONS sip:h SIP/2.0\r\nContent-Length: 1x\r\n\r\n", "Content-Length", "not a decimal"},
      {"OPTIONS sip:h SIP/2.0\r\nContent-Length: -1\r\n\r\n", "Content-Length", "not a decimal"},
      {"OPTIONS sip:h SIP/2.0\r\nContent-Length:\r\n\r\n", "Content-Length", "empty"},
      {"OPTIONS sip:h SIP/2.0\r\nContent-Length: 1\r\nl: 2\r\n\r\n", "Content-Length",
       "different values"},
      {"OPTIONS sip:h SIP/2.0\r\nContent-Length: 1234567890\r\n\r\n", "Content-Length",
       "too large"},
      {"OPTIONS sip:h SIP/2.0\r\nContent-Length: 0\r\n  1\r\n\r\n", "Content-Length", "folded"},
      {"\r\r", "framing", "CR not followed by LF"},
      {"\nOPTIONS", "framing", "bare LF"},
  };
  for (const auto& c : cases) {
    INFO(c.head);
    Framer f;
    f.feed(c.head);
    auto r = f.next();
    REQ_REQUIRE("ADP-SIP-STREAM-FRAMING", !(r.ok()));
    REQ_REQUIRE("ADP-SIP-STREAM-FRAMING", r.error().where == c.where);
    REQ_REQUIRE("ADP-SIP-STREAM-FRAMING", r.error().why.find(c.why) != std::string::npos);
  }
  // The same Content-Length twice is accepted (equal values).
  Framer f;
  std::string m = "OPTIONS sip:h SIP/2.0\r\nContent-Length: 2\r\nl: 2\r\n\r\nab";
  f.feed(m);
  REQ_REQUIRE("ADP-SIP-STREAM-FRAMING", drain(f) == std::vector<std::string>{"MSG:" + m});
}
