// Deadlines of many connections without scanning them (issue 15): a binary
// min-heap of (deadline, id, generation) entries. Moving or clearing an id's
// deadline does not search the heap: it bumps the id's generation, and entries
// of an older generation are dropped when they reach the top (lazy
// invalidation). The heap is rebuilt from the live deadlines when stale
// entries outnumber them, so its size stays within twice the live count.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <unordered_map>
#include <vector>

#include "core/domain.h"

namespace annexo::net {

class Timer_Heap {
 public:
  // Sets, moves or (nullopt) clears the deadline of `id`. O(log n).
  void set(std::uint64_t id, std::optional<core::Seconds> at);
  void remove(std::uint64_t id) { set(id, std::nullopt); }

  // The earliest live deadline, if any (wrap-safe, core::time_reached order).
  std::optional<core::Seconds> next();
  // Removes and returns the ids whose deadline is reached at `now`, earliest
  // first (equal deadlines by id). Their deadlines are cleared: set them again.
  std::vector<std::uint64_t> pop_due(core::Seconds now);

  std::size_t live() const { return m_live.size(); }
  // Entries held, stale ones included (for tests).
  std::size_t entries() const { return m_heap.size(); }

 private:
  struct Entry {
    core::Seconds at;
    std::uint64_t id;
    std::uint64_t gen;
  };
  struct Live {
    core::Seconds at;
    std::uint64_t gen;
  };
  static bool later(const Entry& a, const Entry& b);  // heap order: a below b
  bool stale(const Entry& e) const;
  void drop_stale_top();
  void push(const Entry& e);
  void pop();
  void rebuild();

  std::vector<Entry> m_heap;
  std::unordered_map<std::uint64_t, Live> m_live;
  std::uint64_t m_gen = 0;
};

}  // namespace annexo::net
