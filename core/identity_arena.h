// Fixed-capacity storage for SIP identities (IMPI, IMPUs) of the binding
// table, carved from caller-provided memory. No heap.
//
// Why an arena and not inline arrays: the worst case (IMPI <= 255 bytes and
// up to 8 IMPUs <= 255 bytes) inline would be 9 x 256 = 2 304 bytes per
// binding, 1.1 GiB for 500 000 bindings; a typical UE (IMPI ~40 B, 3 IMPUs
// ~40 B) needs 4 chunks = 256 bytes here. Every identity up to 255 bytes is
// stored exactly (never truncated); when the arena lacks chunks, store()
// fails cleanly with Error::binding_arena_full and changes nothing.
//
// Layout: 64-byte chunks, each 56 payload bytes and a next index; an
// identity of n bytes takes ceil(n / 56) chunks (40 B -> 1, 255 B -> 5),
// linked from its first chunk (its handle). Free chunks form a singly linked
// list: store and release cost O(chunks of the identity), at most 5.
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/bytes.h"
#include "core/errors.h"

namespace annexo::core {

inline constexpr std::size_t kMaxIdentityLen = 255;
inline constexpr std::size_t kChunkPayload = 56;
inline constexpr std::uint32_t kNoIdentity = 0xFFFFFFFFu;

struct IdentityChunk {
  std::uint32_t next;  // next chunk of the same identity / free list; kNoIdentity ends
  std::uint8_t len;    // total identity length, meaningful in the first chunk only
  std::uint8_t pad[3];
  std::uint8_t data[kChunkPayload];
};
static_assert(sizeof(IdentityChunk) == 64, "identity chunk is one cache line");

constexpr std::uint32_t identity_chunks_for(std::size_t len) {
  return static_cast<std::uint32_t>((len + kChunkPayload - 1) / kChunkPayload);
}
static_assert(identity_chunks_for(40) == 1 && identity_chunks_for(56) == 1, "typical: 1 chunk");
static_assert(identity_chunks_for(kMaxIdentityLen) == 5, "worst case: 5 chunks");

class IdentityArena {
 public:
  // Takes over `count` chunks at `storage` (caller-owned, outlives the arena).
  // count must be < kNoIdentity.
  [[nodiscard]] Error init(IdentityChunk* storage, std::uint32_t count) {
    if (storage == nullptr || count == 0 || count >= kNoIdentity) {
      return Error::binding_storage_invalid;
    }
    chunks_ = storage;
    count_ = count;
    for (std::uint32_t i = 0; i < count; ++i) {
      chunks_[i].next = (i + 1 < count) ? i + 1 : kNoIdentity;
    }
    free_head_ = 0;
    free_count_ = count;
    return Error::ok;
  }

  // All or nothing: either the whole identity is stored or nothing changes.
  [[nodiscard]] Error store(ByteView id, Error too_long, std::uint32_t* handle) {
    if (id.size == 0 || id.size > kMaxIdentityLen) return too_long;
    const std::uint32_t need = identity_chunks_for(id.size);
    if (need > free_count_) return Error::binding_arena_full;
    const std::uint32_t first = free_head_;
    std::uint32_t c = first;
    std::size_t off = 0;
    for (std::uint32_t k = 0; k < need; ++k) {
      IdentityChunk& ch = chunks_[c];
      const std::size_t n = (id.size - off < kChunkPayload) ? id.size - off : kChunkPayload;
      for (std::size_t i = 0; i < n; ++i) ch.data[i] = id.data[off + i];
      off += n;
      if (k + 1 == need) {
        free_head_ = ch.next;
        ch.next = kNoIdentity;
      } else {
        c = ch.next;
      }
    }
    chunks_[first].len = static_cast<std::uint8_t>(id.size);
    free_count_ -= need;
    *handle = first;
    return Error::ok;
  }

  void release(std::uint32_t handle) {
    std::uint32_t c = handle;
    while (c != kNoIdentity) {
      const std::uint32_t nx = chunks_[c].next;
      chunks_[c].next = free_head_;
      free_head_ = c;
      ++free_count_;
      c = nx;
    }
  }

  [[nodiscard]] std::size_t length(std::uint32_t handle) const { return chunks_[handle].len; }

  [[nodiscard]] bool equals(std::uint32_t handle, ByteView id) const {
    if (handle == kNoIdentity || id.size != chunks_[handle].len) return false;
    std::uint32_t c = handle;
    for (std::size_t off = 0; off < id.size; off += kChunkPayload) {
      const std::size_t n = (id.size - off < kChunkPayload) ? id.size - off : kChunkPayload;
      for (std::size_t i = 0; i < n; ++i) {
        if (chunks_[c].data[i] != id.data[off + i]) return false;
      }
      c = chunks_[c].next;
    }
    return true;
  }

  // Copies the identity to out; returns its length, or 0 if cap is too small.
  [[nodiscard]] std::size_t copy(std::uint32_t handle, std::uint8_t* out, std::size_t cap) const {
    const std::size_t len = chunks_[handle].len;
    if (len > cap) return 0;
    std::uint32_t c = handle;
    for (std::size_t off = 0; off < len; off += kChunkPayload) {
      const std::size_t n = (len - off < kChunkPayload) ? len - off : kChunkPayload;
      for (std::size_t i = 0; i < n; ++i) out[off + i] = chunks_[c].data[i];
      c = chunks_[c].next;
    }
    return len;
  }

  [[nodiscard]] std::uint32_t free_chunks() const { return free_count_; }
  [[nodiscard]] std::uint32_t capacity_chunks() const { return count_; }

 private:
  IdentityChunk* chunks_ = nullptr;
  std::uint32_t count_ = 0;
  std::uint32_t free_head_ = kNoIdentity;
  std::uint32_t free_count_ = 0;
};

}  // namespace annexo::core
