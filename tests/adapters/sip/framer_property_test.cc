// RapidCheck: framing is independent of how the stream is split, and random
// bytes never crash the framer or the parser.
#include <rapidcheck/catch.h>
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "adapters/sip/framer.h"
#include "adapters/sip/headers.h"
#include "adapters/sip/message.h"
#include "tests/support/req.h"

using namespace annexo::sip;

namespace {

std::vector<std::string> run(const std::string& stream, const std::vector<std::size_t>& cuts) {
  Framer f;
  std::vector<std::string> out;
  std::size_t prev = 0;
  auto drain = [&] {
    if (f.failed()) return;  // the error was reported once; the stream is dead
    for (;;) {
      auto r = f.next();
      if (!r) {
        out.push_back("ERR:" + r.error().text());
        return;
      }
      if (!*r) return;
      const FrameEvent& e = **r;
      out.push_back(e.kind == FrameKind::ping   ? "PING"
                    : e.kind == FrameKind::pong ? "PONG"
                                                : "MSG:" + e.bytes);
    }
  };
  for (std::size_t c : cuts) {
    if (c < prev || c > stream.size()) continue;
    f.feed(std::string_view(stream).substr(prev, c - prev));
    drain();
    prev = c;
  }
  f.feed(std::string_view(stream).substr(prev));
  drain();
  return out;
}

std::string make_message(int n, const std::string& body) {
  return "MESSAGE sip:bob@ims.test SIP/2.0\r\nVia: SIP/2.0/TLS 127.0.0.1;branch=z9hG4bK" +
         std::to_string(n) +
         "\r\nMax-Forwards: 70\r\nFrom: <sip:a@ims.test>;tag=a\r\nTo: <sip:bob@ims.test>\r\n" +
         "Call-ID: x" + std::to_string(n) + "\r\nCSeq: " + std::to_string(n) +
         " MESSAGE\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

}  // namespace

//= spec#ADP-SIP-STREAM-FRAMING type=test
TEST_CASE(
    "ADP-SIP-STREAM-FRAMING: property - any split of a stream of messages and pings gives the same "
    "events") {
  rc::prop("split independence", [] {
    const auto parts = *rc::gen::container<std::vector<std::pair<int, std::string>>>(
        rc::gen::pair(rc::gen::inRange(0, 3), rc::gen::arbitrary<std::string>()));
    std::string stream;
    int n = 0;
    for (const auto& p : parts) {
      if (p.first == 0)
        stream += "\r\n\r\n";
      else
        stream += make_message(++n, p.second);
    }
    const auto cuts = *rc::gen::container<std::vector<std::size_t>>(
        rc::gen::inRange<std::size_t>(0, stream.size() + 1));
    std::vector<std::size_t> sorted = cuts;
    std::sort(sorted.begin(), sorted.end());
    const auto whole = run(stream, {});
    RC_REQ("ADP-SIP-STREAM-FRAMING", run(stream, sorted) == whole);
    // Every message came out, parses, and no error was reported.
    std::size_t msgs = 0;
    for (const auto& e : whole) {
      RC_REQ("ADP-SIP-STREAM-FRAMING", e.rfind("ERR:", 0) != 0);
      if (e.rfind("MSG:", 0) == 0) {
        ++msgs;
        RC_REQ("ADP-SIP-STREAM-FRAMING", parse_message(std::string_view(e).substr(4)).ok());
      }
    }
    RC_REQ("ADP-SIP-STREAM-FRAMING", msgs == static_cast<std::size_t>(n));
  });
}

//= spec#ADP-SIP-MALFORMED-400 type=test
TEST_CASE("ADP-SIP-MALFORMED-400: property - random bytes never crash the framer or the parser") {
  rc::prop("random bytes", [] {
    const auto junk = *rc::gen::container<std::string>(
        rc::gen::oneOf(rc::gen::arbitrary<char>(),
                       rc::gen::element('\r', '\n', ':', ';', ',', '"', '<', '>', ' ')));
    const auto cuts = *rc::gen::container<std::vector<std::size_t>>(
        rc::gen::inRange<std::size_t>(0, junk.size() + 1));
    std::vector<std::size_t> sorted = cuts;
    std::sort(sorted.begin(), sorted.end());
    RC_REQ("ADP-SIP-MALFORMED-400", run(junk, sorted) == run(junk, {}));
    auto r = parse_message(junk);
    if (!r) RC_REQ("ADP-SIP-MALFORMED-400", !r.error().text().empty());
  });
  rc::prop("mutated valid message", [] {
    std::string m = make_message(1, "hi");
    const auto edits = *rc::gen::container<std::vector<std::pair<std::size_t, char>>>(
        rc::gen::pair(rc::gen::inRange<std::size_t>(0, m.size()), rc::gen::arbitrary<char>()));
    for (const auto& e : edits) m[e.first] = e.second;
    auto r = parse_message(m);
    if (!r) {
      RC_REQ("ADP-SIP-MALFORMED-400", !r.error().where.empty());
      RC_REQ("ADP-SIP-MALFORMED-400", r.error().text().find('\r') == std::string::npos);
      RC_REQ("ADP-SIP-MALFORMED-400", r.error().text().find('\n') == std::string::npos);
    }
    Framer f;
    f.feed(m);
    (void)f.next();
  });
}

//= spec#ADP-SIP-MALFORMED-400 type=test
TEST_CASE(
    "ADP-SIP-MALFORMED-400: property - typed header parsers never crash and always explain a "
    "refusal") {
  rc::prop("typed parsers on random values", [] {
    const auto v = *rc::gen::container<std::string>(rc::gen::oneOf(
        rc::gen::arbitrary<char>(), rc::gen::element('"', '\\', '<', '>', ';', ',', '=', ':', '@',
                                                     '[', ']', ' ', 'q', '0', '.')));
    const std::string value =
        *rc::gen::element(std::string(), std::string("Digest "), std::string("tls;q="),
                          std::string("SIP/2.0/TLS h;branch="), std::string("<sip:a@b>;")) +
        v;
    auto check = [](const auto& r) {
      if (!r.ok()) RC_REQ("ADP-SIP-MALFORMED-400", !r.error().text().empty());
    };
    check(parse_via(value));
    check(parse_contacts(value));
    check(parse_name_addr_list(value, "Path"));
    check(parse_credentials(value));
    check(parse_challenge(value));
    check(parse_authentication_info(value));
    check(parse_security(value, "Security-Verify"));
    check(parse_option_tags(value, "Require"));
    check(parse_cseq(value));
    check(parse_uri(value));
  });
}
