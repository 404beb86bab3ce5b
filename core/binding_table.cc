#include "core/binding_table.h"

namespace annexo::core {

Error BindingTable::init(const BindingStorage& s) {
  if (s.rows == nullptr || s.index == nullptr || s.capacity == 0 || s.capacity > (1u << 30)) {
    return Error::binding_storage_invalid;
  }
  if (s.index_size < binding_index_size_for(s.capacity) ||
      (s.index_size & (s.index_size - 1)) != 0) {
    return Error::binding_storage_invalid;
  }
  const Error e = arena_.init(s.chunks, s.chunk_count);
  if (e != Error::ok) return e;
  rows_ = s.rows;
  capacity_ = s.capacity;
  index_ = s.index;
  index_mask_ = s.index_size - 1;
  shift_ = 64;
  for (std::uint32_t n = s.index_size; n > 1; n >>= 1) --shift_;
  for (std::uint32_t i = 0; i < s.index_size; ++i) index_[i] = kIndexEmpty;
  for (std::uint32_t i = 0; i < capacity_; ++i) {
    Binding& b = rows_[i];
    b = Binding{};
    b.impi = kNoIdentity;
    for (auto& h : b.impu) h = kNoIdentity;
    b.next_free = (i + 1 < capacity_) ? i + 1 : kIndexEmpty;
  }
  free_row_ = 0;
  size_ = 0;
  return Error::ok;
}

// Fibonacci hashing: connection ids are often sequential; the multiply
// spreads them over the index.
std::uint32_t BindingTable::home(std::uint64_t conn_id) const {
  return static_cast<std::uint32_t>((conn_id * 0x9E3779B97F4A7C15ull) >> shift_) & index_mask_;
}

std::uint32_t BindingTable::find_index_pos(std::uint64_t conn_id) const {
  if (conn_id == 0) return kIndexEmpty;
  std::uint32_t i = home(conn_id);
  while (index_[i] != kIndexEmpty) {
    if (rows_[index_[i]].conn_id == conn_id) return i;
    i = (i + 1) & index_mask_;
  }
  return kIndexEmpty;
}

Binding* BindingTable::row_of(std::uint64_t conn_id) {
  const std::uint32_t pos = find_index_pos(conn_id);
  return pos == kIndexEmpty ? nullptr : &rows_[index_[pos]];
}

const Binding* BindingTable::find(std::uint64_t conn_id) const {
  const std::uint32_t pos = find_index_pos(conn_id);
  return pos == kIndexEmpty ? nullptr : &rows_[index_[pos]];
}

void BindingTable::release_identities(Binding& b) {
  if (b.impi != kNoIdentity) arena_.release(b.impi);
  b.impi = kNoIdentity;
  for (auto& h : b.impu) {
    if (h != kNoIdentity) arena_.release(h);
    h = kNoIdentity;
  }
  b.impu_count = 0;
}

namespace {

// Arena chunks for the DISTINCT identities of the list: a 2xx may list one
// IMPU more than once, and the binding stores it once (O.2.2-PC-ASSOC-CREATE;
// add_impus skips the repeats), so a repeat needs no space of its own.
std::uint32_t distinct_chunks_needed(const ByteView* impus, std::uint8_t n) {
  std::uint32_t c = 0;
  for (std::uint8_t i = 0; i < n; ++i) {
    bool repeat = false;
    for (std::uint8_t j = 0; j < i && !repeat; ++j) repeat = equal(impus[j], impus[i]);
    if (!repeat) c += identity_chunks_for(impus[i].size);
  }
  return c;
}

Error check_impus(const ByteView* impus, std::uint8_t n) {
  if (n > kMaxImpus) return Error::binding_too_many_impus;
  for (std::uint8_t i = 0; i < n; ++i) {
    if (impus[i].size == 0 || impus[i].size > kMaxIdentityLen) return Error::binding_impu_invalid;
  }
  return Error::ok;
}

}  // namespace

Error BindingTable::add_impus(std::uint64_t conn_id, const ByteView* impus, std::uint8_t n,
                              ImpuSet* positions) {
  Binding* b = row_of(conn_id);
  if (b == nullptr) return Error::binding_not_found;
  Error e = check_impus(impus, n);
  if (e != Error::ok) return e;
  // Plan first (all or nothing): which are new, do they fit in positions and arena?
  bool is_new[kMaxImpus] = {};
  std::uint8_t free_positions = 0;
  for (const auto h : b->impu)
    free_positions = static_cast<std::uint8_t>(free_positions + (h == kNoIdentity));
  std::uint8_t new_count = 0;
  std::uint32_t need = 0;
  for (std::uint8_t i = 0; i < n; ++i) {
    bool present = impu_position(conn_id, impus[i]) != kNoImpu;
    for (std::uint8_t j = 0; j < i && !present; ++j)
      present = is_new[j] && equal(impus[j], impus[i]);
    is_new[i] = !present;
    if (!present) {
      ++new_count;
      need += identity_chunks_for(impus[i].size);
    }
  }
  if (new_count > free_positions) return Error::binding_too_many_impus;
  if (need > arena_.free_chunks()) return Error::binding_arena_full;
  for (std::uint8_t i = 0; i < n; ++i) {
    if (!is_new[i]) continue;
    std::uint8_t p = 0;
    while (b->impu[p] != kNoIdentity) ++p;
    e = arena_.store(impus[i], Error::binding_impu_invalid, &b->impu[p]);
    if (e != Error::ok) return e;  // unreachable: space checked above
    ++b->impu_count;
  }
  if (positions != nullptr) {
    *positions = ImpuSet{};
    for (std::uint8_t i = 0; i < n; ++i) {
      const std::uint8_t p = impu_position(conn_id, impus[i]);
      if (p != kNoImpu) positions->has[p] = true;
    }
  }
  return Error::ok;
}

Error BindingTable::insert(std::uint64_t conn_id, const ConnTuple& t, ByteView impi,
                           const ByteView* impus, std::uint8_t n, ImpuSet* positions) {
  if (conn_id == 0) return Error::binding_storage_invalid;
  if (impi.size == 0 || impi.size > kMaxIdentityLen) return Error::binding_impi_invalid;
  if (n == 0) return Error::binding_no_impu;
  Error e = check_impus(impus, n);
  if (e != Error::ok) return e;
  if (find_index_pos(conn_id) != kIndexEmpty) return Error::binding_duplicate_connection;
  //= spec#IMPL-PC-BINDING-TABLE-CAPACITY type=implementation
  if (!has_room()) return Error::binding_table_full;  // never evict
  //= spec#O.2.2-PC-ASSOC-CREATE type=implementation
  if (identity_chunks_for(impi.size) + distinct_chunks_needed(impus, n) > arena_.free_chunks()) {
    return Error::binding_arena_full;
  }
  const std::uint32_t r = free_row_;
  Binding& b = rows_[r];
  free_row_ = b.next_free;
  b.conn_id = conn_id;
  b.session = t.session;
  b.ip_hi = t.ip_hi;
  b.ip_lo = t.ip_lo;
  b.port = t.port;
  b.next_free = kIndexEmpty;
  b.impu_count = 0;
  e = arena_.store(impi, Error::binding_impi_invalid, &b.impi);
  if (e != Error::ok) return e;  // unreachable: space checked above
  std::uint32_t i = home(conn_id);
  while (index_[i] != kIndexEmpty) i = (i + 1) & index_mask_;
  index_[i] = r;
  ++size_;
  return add_impus(conn_id, impus, n, positions);  // fits: checked above
}

Error BindingTable::remove_impus(std::uint64_t conn_id, const ImpuSet& positions) {
  Binding* b = row_of(conn_id);
  if (b == nullptr) return Error::binding_not_found;
  for (std::uint8_t p = 0; p < kMaxImpus; ++p) {
    if (positions.has[p] && b->impu[p] != kNoIdentity) {
      arena_.release(b->impu[p]);
      b->impu[p] = kNoIdentity;
      --b->impu_count;
    }
  }
  return Error::ok;
}

Error BindingTable::remove(std::uint64_t conn_id) {
  std::uint32_t pos = find_index_pos(conn_id);
  if (pos == kIndexEmpty) return Error::binding_not_found;
  const std::uint32_t r = index_[pos];
  Binding& b = rows_[r];
  release_identities(b);
  b.conn_id = 0;
  b.session = 0;
  b.next_free = free_row_;
  free_row_ = r;
  --size_;
  // Backward-shift deletion keeps every probe chain unbroken without tombstones.
  index_[pos] = kIndexEmpty;
  std::uint32_t j = pos;
  for (;;) {
    j = (j + 1) & index_mask_;
    if (index_[j] == kIndexEmpty) break;
    const std::uint32_t h = home(rows_[index_[j]].conn_id);
    // Move entry j into the hole unless its home lies cyclically in (pos, j].
    const bool home_in_between = (pos <= j) ? (pos < h && h <= j) : (pos < h || h <= j);
    if (!home_in_between) {
      index_[pos] = index_[j];
      index_[j] = kIndexEmpty;
      pos = j;
    }
  }
  return Error::ok;
}

Error BindingTable::replace_session(std::uint64_t conn_id, std::uint64_t session) {
  Binding* b = row_of(conn_id);
  if (b == nullptr) return Error::binding_not_found;
  //= spec#O.4.2-PC-REPLACE-SESSION-ID type=implementation
  b->session = session;
  return Error::ok;
}

std::uint8_t BindingTable::impu_position(std::uint64_t conn_id, ByteView impu) const {
  const Binding* b = find(conn_id);
  if (b == nullptr) return kNoImpu;
  for (std::uint8_t p = 0; p < kMaxImpus; ++p) {
    if (b->impu[p] != kNoIdentity && arena_.equals(b->impu[p], impu)) return p;
  }
  return kNoImpu;
}

bool BindingTable::impi_equals(std::uint64_t conn_id, ByteView impi) const {
  const Binding* b = find(conn_id);
  return b != nullptr && arena_.equals(b->impi, impi);
}

std::size_t BindingTable::copy_impu(std::uint64_t conn_id, std::uint8_t pos, std::uint8_t* out,
                                    std::size_t cap) const {
  const Binding* b = find(conn_id);
  if (b == nullptr || pos >= kMaxImpus || b->impu[pos] == kNoIdentity) return 0;
  return arena_.copy(b->impu[pos], out, cap);
}

}  // namespace annexo::core
