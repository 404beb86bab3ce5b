#include "core/siphash.h"

namespace annexo::core {
namespace {

constexpr std::uint64_t rotl(std::uint64_t x, int b) {
  return static_cast<std::uint64_t>((x << b) | (x >> (64 - b)));
}

constexpr std::uint64_t load_le64(const std::uint8_t* p) {
  std::uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

struct State {
  std::uint64_t v0, v1, v2, v3;
  void round() {
    v0 += v1;
    v1 = rotl(v1, 13);
    v1 ^= v0;
    v0 = rotl(v0, 32);
    v2 += v3;
    v3 = rotl(v3, 16);
    v3 ^= v2;
    v0 += v3;
    v3 = rotl(v3, 21);
    v3 ^= v0;
    v2 += v1;
    v1 = rotl(v1, 17);
    v1 ^= v2;
    v2 = rotl(v2, 32);
  }
};

}  // namespace

std::uint64_t siphash24(const SipHashKey& key, const std::uint8_t* data, std::size_t len) {
  const std::uint64_t k0 = load_le64(key.bytes);
  const std::uint64_t k1 = load_le64(key.bytes + 8);
  State s{k0 ^ 0x736f6d6570736575ULL, k1 ^ 0x646f72616e646f6dULL, k0 ^ 0x6c7967656e657261ULL,
          k1 ^ 0x7465646279746573ULL};
  const std::size_t full = len - (len % 8);
  for (std::size_t i = 0; i < full; i += 8) {
    const std::uint64_t m = load_le64(data + i);
    s.v3 ^= m;
    s.round();  // c = 2 compression rounds
    s.round();
    s.v0 ^= m;
  }
  std::uint64_t b = static_cast<std::uint64_t>(len & 0xff) << 56;
  for (std::size_t i = 0; i < len % 8; ++i) {
    b |= static_cast<std::uint64_t>(data[full + i]) << (8 * i);
  }
  s.v3 ^= b;
  s.round();
  s.round();
  s.v0 ^= b;
  s.v2 ^= 0xff;
  for (int i = 0; i < 4; ++i) s.round();  // d = 4 finalisation rounds
  return s.v0 ^ s.v1 ^ s.v2 ^ s.v3;
}

}  // namespace annexo::core
