#include "core/flow_token.h"

namespace annexo::core {
namespace {

void put_le(std::uint8_t* p, std::uint64_t v, int n) {
  for (int i = 0; i < n; ++i) p[i] = static_cast<std::uint8_t>(v >> (8 * i));
}
std::uint64_t get_le(const std::uint8_t* p, int n) {
  std::uint64_t v = 0;
  for (int i = n - 1; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}
std::uint64_t mac_of(const SipHashKey& key, std::uint32_t slot, std::uint32_t generation) {
  std::uint8_t msg[8];
  put_le(msg, slot, 4);
  put_le(msg + 4, generation, 4);
  return siphash24(key, msg, sizeof msg);
}
constexpr char kHex[] = "0123456789abcdef";
int hex_value(std::uint8_t c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;  // uppercase refused: one canonical text per token
}

FlowToken flow_token_make(const SipHashKey& key, std::uint32_t slot, std::uint32_t generation) {
  //= spec#5626-5.2-PC-TOKEN-TAMPERPROOF type=implementation
  return FlowToken{slot, generation, mac_of(key, slot, generation)};
}

}  // namespace

FlowToken flow_token_for_conn(const SipHashKey& key, std::uint64_t conn_id) {
  //= spec#5626-5.2-PC-TOKEN-UNIQUE type=implementation
  return flow_token_make(key, static_cast<std::uint32_t>(conn_id),
                         static_cast<std::uint32_t>(conn_id >> 32));
}

std::uint64_t flow_token_conn_id(const FlowToken& t) {
  return (std::uint64_t{t.generation} << 32) | t.slot;
}

Error flow_token_encode(const FlowToken& t, char* out, std::size_t out_size) {
  if (out == nullptr || out_size < kFlowTokenTextSize) return Error::flow_token_buffer_small;
  std::uint8_t raw[kFlowTokenBytes];
  put_le(raw, t.slot, 4);
  put_le(raw + 4, t.generation, 4);
  put_le(raw + 8, t.mac, 8);
  for (std::size_t i = 0; i < kFlowTokenBytes; ++i) {
    out[2 * i] = kHex[raw[i] >> 4];
    out[2 * i + 1] = kHex[raw[i] & 0xF];
  }
  return Error::ok;
}

Error flow_token_decode(const SipHashKey& key, ByteView text, FlowToken* out) {
  //= spec#5626-5.3-PC-403-BAD-TOKEN type=implementation
  if (text.size != kFlowTokenTextSize || text.data == nullptr) return Error::flow_token_malformed;
  std::uint8_t raw[kFlowTokenBytes];
  for (std::size_t i = 0; i < kFlowTokenBytes; ++i) {
    const int hi = hex_value(text[2 * i]);
    const int lo = hex_value(text[2 * i + 1]);
    if (hi < 0 || lo < 0) return Error::flow_token_malformed;
    raw[i] = static_cast<std::uint8_t>((hi << 4) | lo);
  }
  const auto slot = static_cast<std::uint32_t>(get_le(raw, 4));
  const auto gen = static_cast<std::uint32_t>(get_le(raw + 4, 4));
  const std::uint64_t mac = get_le(raw + 8, 8);
  // Constant-time comparison of the MAC (no early exit on the first differing bit).
  const std::uint64_t diff = mac ^ mac_of(key, slot, gen);
  if (diff != 0) return Error::flow_token_tampered;
  *out = FlowToken{slot, gen, mac};
  return Error::ok;
}

}  // namespace annexo::core
