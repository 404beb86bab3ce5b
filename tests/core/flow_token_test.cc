// SipHash-2-4 and RFC 5626 flow tokens (core/siphash.h, core/flow_token.h:
// the connection-scoped tokens the pcscf program issues; RD-85).
#include <catch2/catch.hpp>

#include "core/flow_token.h"
#include "core/path_rules.h"
#include "core/siphash.h"
#include "tests/core/pcscf_test_support.h"
#include "tests/support/req.h"

using namespace annexo::test;

namespace {

// SipHash paper (Aumasson, Bernstein 2012), appendix / reference test.c
// vectors_sip64: key 00..0f, message 00..(n-1), n = 0..63.
const std::uint64_t kSipVectors[64] = {
    0x726fdb47dd0e0e31, 0x74f839c593dc67fd, 0x0d6c8009d9a94f5a, 0x85676696d7fb7e2d,
    0xcf2794e0277187b7, 0x18765564cd99a68d, 0xcbc9466e58fee3ce, 0xab0200f58b01d137,
    0x93f5f5799a932462, 0x9e0082df0ba9e4b0, 0x7a5dbbc594ddb9f3, 0xf4b32f46226bada7,
    0x751e8fbc860ee5fb, 0x14ea5627c0843d90, 0xf723ca908e7af2ee, 0xa129ca6149be45e5,
    0x3f2acc7f57c29bdb, 0x699ae9f52cbe4794, 0x4bc1b3f0968dd39c, 0xbb6dc91da77961bd,
    0xbed65cf21aa2ee98, 0xd0f2cbb02e3b67c7, 0x93536795e3a33e88, 0xa80c038ccd5ccec8,
    0xb8ad50c6f649af94, 0xbce192de8a85b8ea, 0x17d835b85bbb15f3, 0x2f2e6163076bcfad,
    0xde4daaaca71dc9a5, 0xa6a2506687956571, 0xad87a3535c49ef28, 0x32d892fad841c342,
    0x7127512f72f27cce, 0xa7f32346f95978e3, 0x12e0b01abb051238, 0x15e034d40fa197ae,
    0x314dffbe0815a3b4, 0x027990f029623981, 0xcadcd4e59ef40c4d, 0x9abfd8766a33735c,
    0x0e3ea96b5304a7d0, 0xad0c42d6fc585992, 0x187306c89bc215a9, 0xd4a60abcf3792b95,
    0xf935451de4f21df2, 0xa9538f0419755787, 0xdb9acddff56ca510, 0xd06c98cd5c0975eb,
    0xe612a3cb9ecba951, 0xc766e62cfcadaf96, 0xee64435a9752fe72, 0xa192d576b245165a,
    0x0a8787bf8ecb74b2, 0x81b3e73d20b49b6f, 0x7fa8220ba3b2ecea, 0x245731c13ca42499,
    0xb78dbfaf3a8d83bd, 0xea1ad565322a1a0b, 0x60e61c23a3795013, 0x6606d7e446282b93,
    0x6ca4ecb15c5f91e1, 0x9f626da15c9625f3, 0xe51b38608ef25f57, 0x958a324ceb064572,
};

SipHashKey test_key(std::uint8_t base = 0) {
  SipHashKey k;
  for (std::uint8_t i = 0; i < 16; ++i) k.bytes[i] = static_cast<std::uint8_t>(base + i);
  return k;
}

// The token with one of its 128 bits (slot, generation, MAC) inverted.
FlowToken flip_bit(FlowToken t, int bit) {
  if (bit < 32)
    t.slot ^= 1u << bit;
  else if (bit < 64)
    t.generation ^= 1u << (bit - 32);
  else
    t.mac ^= 1ull << (bit - 64);
  return t;
}

std::string text_of(const FlowToken& t) {
  char buf[kFlowTokenTextSize];
  REQUIRE(flow_token_encode(t, buf, sizeof buf) == Error::ok);
  return std::string(buf, sizeof buf);
}

}  // namespace

// The MAC primitive's vectors; detection itself is asserted below: no citation.
TEST_CASE(
    "5626-5.2-PC-TOKEN-TAMPERPROOF: SipHash-2-4 matches the 64 reference vectors of the SipHash "
    "paper") {
  std::uint8_t msg[64];
  for (int i = 0; i < 64; ++i) msg[i] = static_cast<std::uint8_t>(i);
  const SipHashKey k = test_key();
  for (std::size_t n = 0; n < 64; ++n) {
    INFO("message length " << n);
    CHECK(siphash24(k, msg, n) == kSipVectors[n]);
  }
}

// The connection-scoped tokens the product issues (RD-38, RD-85).
//= spec#5626-5.2-PC-TOKEN-TAMPERPROOF type=test
TEST_CASE("5626-5.2-PC-TOKEN-TAMPERPROOF: every single flipped bit of a token is detected (403)") {
  const SipHashKey key = test_key(7);
  const FlowToken t = flow_token_for_conn(key, 42);
  FlowToken back;
  REQUIRE(flow_token_decode(key, bv(text_of(t)), &back) == Error::ok);
  REQUIRE(flow_token_conn_id(back) == 42);
  // Flip each of the 128 bits of the binary token.
  for (int bit = 0; bit < 128; ++bit) {
    const FlowToken f = flip_bit(t, bit);
    FlowToken out;
    INFO("bit " << bit);
    REQ("5626-5.2-PC-TOKEN-TAMPERPROOF",
        flow_token_decode(key, bv(text_of(f)), &out) == Error::flow_token_tampered);
  }
  // Flip each bit of each text character: malformed or tampered, never accepted.
  const std::string txt = text_of(t);
  for (std::size_t i = 0; i < txt.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string m = txt;
      m[i] = static_cast<char>(m[i] ^ (1 << bit));
      FlowToken out;
      const Error e = flow_token_decode(key, bv(m), &out);
      REQ("5626-5.2-PC-TOKEN-TAMPERPROOF",
          (e == Error::flow_token_tampered || e == Error::flow_token_malformed));
    }
  }
  // Another key (another P-CSCF, or a restart) never verifies.
  FlowToken other;
  REQ("5626-5.2-PC-TOKEN-TAMPERPROOF",
      flow_token_decode(test_key(9), bv(txt), &other) == Error::flow_token_tampered);
  CHECK(error_info(Error::flow_token_tampered).number == 6101);
}

//= spec#5626-5.2-PC-TOKEN-TAMPERPROOF type=test
TEST_CASE("5626-5.2-PC-TOKEN-TAMPERPROOF: malformed token text is refused with a precise error") {
  const SipHashKey key = test_key();
  FlowToken t;
  const char* id = "5626-5.2-PC-TOKEN-TAMPERPROOF";
  REQ(id, flow_token_decode(key, bv(""), &t) == Error::flow_token_malformed);
  REQ(id, flow_token_decode(key, bv(std::string(31, 'a')), &t) == Error::flow_token_malformed);
  REQ(id, flow_token_decode(key, bv(std::string(33, 'a')), &t) == Error::flow_token_malformed);
  REQ(id, flow_token_decode(key, bv(std::string(32, 'A')), &t) == Error::flow_token_malformed);
  REQ(id,
      flow_token_decode(key, bv(std::string(31, '0') + "g"), &t) == Error::flow_token_malformed);
  char small[8];
  CHECK(flow_token_encode(FlowToken{}, small, sizeof small) == Error::flow_token_buffer_small);
}

//= spec#5626-5.2-PC-TOKEN-UNIQUE type=test
//= spec#5626-5.2-PC-TOKEN-TAMPERPROOF type=test
TEST_CASE("5626-5.2-PC-TOKEN-UNIQUE: connection-scoped tokens name their connection, and only it") {
  const SipHashKey key = test_key(3);
  const std::uint64_t ids[] = {1, 2, 0xFFFFFFFFull, 0x100000000ull, 0x123456789ABCDEF0ull};
  for (std::uint64_t id : ids) {
    INFO("conn " << id);
    const FlowToken t = flow_token_for_conn(key, id);
    const std::string txt = text_of(t);
    FlowToken back;
    REQUIRE(flow_token_decode(key, bv(txt), &back) == Error::ok);
    REQ("5626-5.2-PC-TOKEN-UNIQUE", flow_token_conn_id(back) == id);
    for (std::uint64_t other : ids) {
      if (other != id)
        REQ("5626-5.2-PC-TOKEN-UNIQUE", text_of(flow_token_for_conn(key, other)) != txt);
    }
    // Any flipped payload or MAC bit is refused, never read as another connection.
    for (int bit = 0; bit < 128; ++bit) {
      const FlowToken f = flip_bit(t, bit);
      FlowToken out;
      REQ("5626-5.2-PC-TOKEN-TAMPERPROOF",
          flow_token_decode(key, bv(text_of(f)), &out) == Error::flow_token_tampered);
    }
    FlowToken other_key;
    REQ("5626-5.2-PC-TOKEN-TAMPERPROOF",
        flow_token_decode(test_key(4), bv(txt), &other_key) == Error::flow_token_tampered);
  }
}

//= spec#5626-5.1-PC-PATH-FLOW-TOKEN type=test
//= spec#5626-5.1-PC-NO-OB-IF-NOT-FIRST type=test
//= spec#24229-PC-OUTBOUND-PATH type=test
TEST_CASE(
    "5626-5.1-PC-PATH-FLOW-TOKEN: Path always carries the flow token, ob only as first hop with "
    "reg-id") {
  for (std::uint32_t vias = 0; vias < 5; ++vias) {
    for (bool reg_id : {false, true}) {
      INFO("vias " << vias << " reg-id " << reg_id);
      const PathRule r = path_rule(PathFacts{vias, reg_id});
      REQ("5626-5.1-PC-PATH-FLOW-TOKEN", r.flow_token);
      CHECK(r.ob == (reg_id && vias == 1));
      if (vias > 1) REQ("5626-5.1-PC-NO-OB-IF-NOT-FIRST", !r.ob);
      if (reg_id && vias == 1) REQ("24229-PC-OUTBOUND-PATH", (r.flow_token && r.ob));
    }
  }
}

//= spec#5626-5.3-PC-RR-FLOW-TOKEN type=test
//= spec#IMPL-PC-RR-FIRST-HOP-ONLY type=test
TEST_CASE(
    "5626-5.3-PC-RR-FLOW-TOKEN: Record-Route with the token exactly for first-hop dialog-forming "
    "requests with ob") {
  for (std::uint32_t vias = 0; vias < 4; ++vias) {
    for (bool dialog : {false, true}) {
      for (bool ob : {false, true}) {
        INFO("vias " << vias << " dialog " << dialog << " ob " << ob);
        const bool rr = record_route_with_token(RecordRouteFacts{dialog, ob, vias});
        // RFC 5626 5.3 asks it of dialog-forming requests with ob; the one-Via
        // condition is annexo's (RD-391).
        if (vias == 1) REQ("5626-5.3-PC-RR-FLOW-TOKEN", rr == (dialog && ob));
        if (vias != 1) REQ("IMPL-PC-RR-FIRST-HOP-ONLY", !rr);
      }
    }
  }
}
