#include "adapters/net/timer_heap.h"

#include <algorithm>

namespace annexo::net {

bool Timer_Heap::later(const Entry& a, const Entry& b) {
  if (a.at != b.at) return core::time_reached(a.at, b.at);  // a after b
  return a.id > b.id;
}

bool Timer_Heap::stale(const Entry& e) const {
  const auto it = m_live.find(e.id);
  return it == m_live.end() || it->second.gen != e.gen;
}

void Timer_Heap::push(const Entry& e) {
  m_heap.push_back(e);
  std::push_heap(m_heap.begin(), m_heap.end(), later);
}

void Timer_Heap::pop() {
  std::pop_heap(m_heap.begin(), m_heap.end(), later);
  m_heap.pop_back();
}

void Timer_Heap::rebuild() {
  m_heap.clear();
  for (const auto& [id, l] : m_live) m_heap.push_back(Entry{l.at, id, l.gen});
  std::make_heap(m_heap.begin(), m_heap.end(), later);
}

void Timer_Heap::set(std::uint64_t id, std::optional<core::Seconds> at) {
  const auto it = m_live.find(id);
  if (!at) {
    if (it != m_live.end()) m_live.erase(it);
  } else {
    if (it != m_live.end() && it->second.at == *at) return;  // unchanged
    const std::uint64_t gen = ++m_gen;
    m_live[id] = Live{*at, gen};
    push(Entry{*at, id, gen});
  }
  if (m_heap.size() > 2 * m_live.size() + 64) rebuild();
}

void Timer_Heap::drop_stale_top() {
  while (!m_heap.empty() && stale(m_heap.front())) pop();
}

std::optional<core::Seconds> Timer_Heap::next() {
  drop_stale_top();
  if (m_heap.empty()) return std::nullopt;
  return m_heap.front().at;
}

std::vector<std::uint64_t> Timer_Heap::pop_due(core::Seconds now) {
  std::vector<std::uint64_t> due;
  for (drop_stale_top(); !m_heap.empty() && core::time_reached(now, m_heap.front().at);
       drop_stale_top()) {
    const std::uint64_t id = m_heap.front().id;
    pop();
    m_live.erase(id);
    due.push_back(id);
  }
  return due;
}

}  // namespace annexo::net
