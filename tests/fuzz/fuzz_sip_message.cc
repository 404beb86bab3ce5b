// Fuzz target: the SIP stream framer and message parser (adapters/sip),
// what every byte from a UE or the core side goes through
// (ADP-SIP-STREAM-FRAMING, ADP-SIP-MAX-MESSAGE-SIZE, ADP-SIP-MALFORMED-400).
// Invariants beyond memory safety: the framer returns the same events
// whatever the split of the stream (the first input byte picks the split);
// a message that parses serialises, and the serialisation parses again.
#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/sip/framer.h"
#include "adapters/sip/message.h"
#include "tests/fuzz/fuzz_target.h"

namespace {

using namespace annexo::sip;

struct Framed {
  std::vector<std::string> events;  // kind tag + bytes
  bool failed = false;
};

Framed frame(std::string_view stream, std::size_t piece) {
  Framed out;
  Framer f(FramerRole::server);
  for (std::size_t pos = 0; pos <= stream.size(); pos += piece) {
    f.feed(stream.substr(pos, piece));
    for (;;) {
      auto ev = f.next();
      if (!ev.ok()) {
        out.failed = true;
        return out;
      }
      if (!ev->has_value()) break;
      const FrameEvent& e = **ev;
      out.events.push_back(std::to_string(static_cast<int>(e.kind)) + ":" + e.bytes);
    }
    if (piece == 0) break;
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::size_t piece = 1 + data[0] % 64;
  const std::string stream(reinterpret_cast<const char*>(data + 1), size - 1);
  const Framed whole = frame(stream, stream.size() + 1);
  const Framed split = frame(stream, piece);
  // Same messages whatever the split, up to the first framing error.
  const std::size_t common = std::min(whole.events.size(), split.events.size());
  for (std::size_t i = 0; i < common; ++i) FUZZ_CHECK(whole.events[i] == split.events[i]);
  if (!whole.failed && !split.failed) FUZZ_CHECK(whole.events.size() == split.events.size());

  for (const std::string& e : whole.events) {
    const std::string bytes = e.substr(e.find(':') + 1);
    if (bytes.empty()) continue;
    auto m = parse_message(bytes);
    if (!m.ok()) continue;
    auto wire = serialize(*m);
    if (!wire.ok()) continue;
    auto again = parse_message(*wire);
    FUZZ_CHECK(again.ok());
  }
  // The parser alone on the raw bytes too (what the plain listeners see).
  (void)parse_message(stream);
  return 0;
}
