// SipHash-2-4 (Aumasson and Bernstein, "SipHash: a fast short-input PRF",
// 2012): a keyed 64-bit MAC, computed without allocation, used for RFC 5626
// flow tokens (core/flow_token.h). Tested against the 64 reference vectors of
// the paper's appendix (tests/core/flow_token_test.cc).
#pragma once

#include <cstddef>
#include <cstdint>

namespace annexo::core {

struct SipHashKey {
  std::uint8_t bytes[16];
};

// MAC of `len` bytes at `data` under `key`. Pure, no state kept.
[[nodiscard]] std::uint64_t siphash24(const SipHashKey& key, const std::uint8_t* data,
                                      std::size_t len);

}  // namespace annexo::core
