// Fuzz target: flow-token text from the core side (core/flow_token.h), the
// user part of the top Route the P-CSCF decodes (5626-5.2-PC-TOKEN-TAMPERPROOF,
// 5626-5.3-PC-403-BAD-TOKEN). Invariants: only 32 lowercase hex characters
// decode; a token that decodes re-encodes to the same text; decoding is
// total (malformed, tampered or ok).
#include <cstring>
#include <vector>

#include "core/flow_token.h"
#include "tests/fuzz/fuzz_target.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace annexo::core;
  static const SipHashKey key = [] {
    SipHashKey k{};
    for (std::size_t i = 0; i < sizeof k.bytes; ++i) k.bytes[i] = static_cast<std::uint8_t>(i * 7);
    return k;
  }();
  std::vector<std::uint8_t> in(data, data + size);
  FlowToken t;
  const Error e = flow_token_decode(key, ByteView{in.data(), in.size()}, &t);
  FUZZ_CHECK(e == Error::ok || e == Error::flow_token_malformed || e == Error::flow_token_tampered);
  if (e == Error::ok) {
    FUZZ_CHECK(size == kFlowTokenTextSize);
    char text[kFlowTokenTextSize];
    FUZZ_CHECK(flow_token_encode(t, text, sizeof text) == Error::ok);
    FUZZ_CHECK(std::memcmp(text, in.data(), kFlowTokenTextSize) == 0);
  }
  // A real token for the connection id read from the input's first 8 bytes
  // (the form the pcscf issues, RD-38/RD-85) verifies to that id, and only it.
  if (size >= 8) {
    std::uint64_t conn;
    std::memcpy(&conn, data, 8);
    const FlowToken real = flow_token_for_conn(key, conn);
    char text[kFlowTokenTextSize];
    FUZZ_CHECK(flow_token_encode(real, text, sizeof text) == Error::ok);
    FlowToken back;
    FUZZ_CHECK(flow_token_decode(key,
                                 ByteView{reinterpret_cast<const std::uint8_t*>(text), sizeof text},
                                 &back) == Error::ok);
    FUZZ_CHECK(flow_token_conn_id(back) == conn);
  }
  return 0;
}
