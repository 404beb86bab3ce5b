// The P-CSCF's binding table (O.2.2 association): TLS connection ->
// {session, IP, port, IMPI, IMPUs}, in caller-provided storage. No heap.
//
// Capacity is fixed at init() from the storage the caller passes; when every
// row is in use, insert() fails with Error::binding_table_full and no binding
// is evicted (IMPL-PC-BINDING-TABLE-CAPACITY, cited at insert()).
//
// Lookups are O(1): by connection id through an open-addressing hash index
// (linear probing, load factor <= 1/2, deletion by backward shift, no
// tombstones).
//
// Routing toward the UE (catalogue A14, A15): terminating requests for an
// Annex-O contact always go over the bound connection (find by connection);
// the P-CSCF never opens a connection toward the UE. Flow tokens name the
// connection, not a row of this table (core/flow_token.h,
// flow_token_for_conn; decision RD-85): the adapter resolves a token to its
// connection id and the connection's machine decides (430 when it holds no
// binding, the row reject_430).
//
// Bytes per binding (asserted in tests/core/binding_table_test.cc):
//   row  sizeof(Binding)                                   =  80
//   index  4 bytes x (index_size / capacity) <= 4 x 4       <= 16 (8.4 at 500 000)
//   identities  64-byte chunks: typical IMPI 40 B + 3 IMPUs 40 B = 4 chunks = 256
//   typical total ~344 B; 500 000 bindings: 40 000 000 + 4 194 304 +
//   128 000 000 = 172 194 304 bytes (164.2 MiB) <= 512 MiB.
//   Worst case per binding (IMPI 255 B, 8 IMPUs of 255 B): 45 chunks = 2 880 B
//   of identities, stored exactly; the arena is shared, so a deployment sizes
//   it for its mix and a registration that does not fit is refused cleanly.
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/bytes.h"
#include "core/errors.h"
#include "core/identity_arena.h"
#include "core/pcscf_limits.h"

namespace annexo::core {

struct Binding {
  std::uint64_t conn_id;  // adapter's connection id (>= 1, never reused); 0 = free row
  std::uint64_t session;
  std::uint64_t ip_hi;
  std::uint64_t ip_lo;
  std::uint32_t impi;             // arena handle
  std::uint32_t impu[kMaxImpus];  // arena handles; kNoIdentity = empty position
  std::uint32_t next_free;        // free-row list while conn_id == 0
  std::uint16_t port;
  std::uint8_t impu_count;
  std::uint8_t reserved;
};
static_assert(sizeof(Binding) == 80, "bytes per binding row: update the comment above");

inline constexpr std::uint32_t kIndexEmpty = 0xFFFFFFFFu;

// Smallest power of two >= 2 x capacity (load factor <= 1/2).
constexpr std::uint32_t binding_index_size_for(std::uint32_t capacity) {
  std::uint32_t n = 2;
  while (n < 2ull * capacity) n *= 2;
  return n;
}
static_assert(binding_index_size_for(500000) == 1048576, "index of the 500 000 target");

struct BindingStorage {
  Binding* rows = nullptr;
  std::uint32_t capacity = 0;  // <= 2^30
  std::uint32_t* index = nullptr;
  std::uint32_t index_size = 0;  // binding_index_size_for(capacity) or larger power of two
  IdentityChunk* chunks = nullptr;
  std::uint32_t chunk_count = 0;
};

// Bytes of caller storage for a table of `capacity` rows and `chunks` chunks.
constexpr std::uint64_t binding_storage_bytes(std::uint32_t capacity, std::uint32_t chunks) {
  return std::uint64_t{capacity} * sizeof(Binding) +
         std::uint64_t{binding_index_size_for(capacity)} * sizeof(std::uint32_t) +
         std::uint64_t{chunks} * sizeof(IdentityChunk);
}
static_assert(binding_storage_bytes(500000, 2000000) == 172194304ull, "typical target");
static_assert(binding_storage_bytes(500000, 2000000) <= 512ull * 1024 * 1024, "<= 512 MiB");

// A set of IMPU positions of one binding (position i = Binding::impu[i]).
struct ImpuSet {
  bool has[kMaxImpus] = {};
};

class BindingTable {
 public:
  [[nodiscard]] Error init(const BindingStorage& s);

  // Creates the binding of conn_id with identities copied into the arena.
  // IMPUs get positions 0..n-1 in order. An IMPU listed more than once is
  // stored once (one position, its arena chunks counted once): the arena
  // check counts only the distinct IMPUs, so a list with repeats is refused
  // with binding_arena_full only when its distinct identities do not fit.
  // n counts every listed entry (n > kMaxImpus: binding_too_many_impus).
  // *positions (optional) receives the set. All or nothing.
  [[nodiscard]] Error insert(std::uint64_t conn_id, const ConnTuple& t, ByteView impi,
                             const ByteView* impus, std::uint8_t n, ImpuSet* positions);
  // Adds IMPUs (O.2.2-PC-ASSOC-ADD-IMPU); *positions receives the positions of
  // every listed IMPU, new or already present. All or nothing.
  [[nodiscard]] Error add_impus(std::uint64_t conn_id, const ByteView* impus, std::uint8_t n,
                                ImpuSet* positions);
  // Releases the IMPUs at the given positions; the binding itself stays (the
  // machine deletes it when none remains).
  [[nodiscard]] Error remove_impus(std::uint64_t conn_id, const ImpuSet& positions);
  [[nodiscard]] Error remove(std::uint64_t conn_id);
  [[nodiscard]] Error replace_session(std::uint64_t conn_id, std::uint64_t session);

  [[nodiscard]] const Binding* find(std::uint64_t conn_id) const;
  // Position of impu in the binding's set, or kNoImpu.
  [[nodiscard]] std::uint8_t impu_position(std::uint64_t conn_id, ByteView impu) const;
  [[nodiscard]] bool impi_equals(std::uint64_t conn_id, ByteView impi) const;
  // Copies the IMPU at position pos (for P-Asserted-Identity); 0 if none/too small.
  [[nodiscard]] std::size_t copy_impu(std::uint64_t conn_id, std::uint8_t pos, std::uint8_t* out,
                                      std::size_t cap) const;

  [[nodiscard]] std::uint32_t size() const { return size_; }
  [[nodiscard]] std::uint32_t capacity() const { return capacity_; }
  [[nodiscard]] bool has_room() const { return size_ < capacity_ && free_row_ != kIndexEmpty; }
  [[nodiscard]] const IdentityArena& arena() const { return arena_; }

 private:
  std::uint32_t home(std::uint64_t conn_id) const;
  std::uint32_t find_index_pos(std::uint64_t conn_id) const;  // kIndexEmpty if absent
  Binding* row_of(std::uint64_t conn_id);
  void release_identities(Binding& b);

  Binding* rows_ = nullptr;
  std::uint32_t capacity_ = 0;
  std::uint32_t* index_ = nullptr;
  std::uint32_t index_mask_ = 0;
  std::uint32_t shift_ = 0;
  std::uint32_t size_ = 0;
  std::uint32_t free_row_ = kIndexEmpty;
  IdentityArena arena_;
};

}  // namespace annexo::core
