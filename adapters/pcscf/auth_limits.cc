#include "adapters/pcscf/auth_limits.h"

namespace annexo::pcscf {

//= spec#IMPL-PC-AUTH-FAILURE-LIMIT type=implementation
bool Auth_Limits::is_blocked(const Count& c, std::uint32_t max, core::Seconds now,
                             std::uint32_t* left) const {
  if (max == 0 || c.failures < max) return false;
  const core::Seconds until = core::time_add(c.last, m_o.block_s);
  if (core::time_reached(now, until)) return false;
  *left = until - now;
  if (*left == 0) *left = 1;
  return true;
}

bool Auth_Limits::add_failure(Count& c, std::uint32_t max, core::Seconds now) const {
  // A failure more than block_s after the previous one starts a new count.
  if (c.failures > 0 && core::time_reached(now, core::time_add(c.last, m_o.block_s))) {
    c.failures = 0;
  }
  if (c.failures < 0xFFFFFFFFu) ++c.failures;
  c.last = now;
  return max != 0 && c.failures == max;
}

// Keeps a table below kMaxEntries: entries whose window is over go first,
// then (under a flood of distinct keys) the first in key order.
template <class Map>
void Auth_Limits::bound(Map& m, core::Seconds now) {
  if (m.size() < kMaxEntries) return;
  for (auto it = m.begin(); it != m.end();) {
    it = core::time_reached(now, core::time_add(it->second.last, m_o.block_s)) ? m.erase(it)
                                                                               : std::next(it);
  }
  while (m.size() >= kMaxEntries) m.erase(m.begin());
}

Auth_Limits::Verdict Auth_Limits::blocked(const std::string& impi, const std::string& source,
                                          core::Seconds now) const {
  Verdict v;
  std::uint32_t left = 0;
  if (const auto s = m_sources.find(source);
      s != m_sources.end() && is_blocked(s->second, m_o.max_per_source, now, &left)) {
    v.scope = Scope::source;
    v.retry_after_s = left;
    return v;
  }
  if (const auto p = m_pairs.find({impi, source});
      p != m_pairs.end() && is_blocked(p->second, m_o.max_per_pair, now, &left)) {
    v.scope = Scope::pair;
    v.retry_after_s = left;
  }
  return v;
}

Auth_Limits::Scope Auth_Limits::answered(const std::string& impi, const std::string& source,
                                         int status, core::Seconds now) {
  if (status >= 200 && status < 300) {
    m_pairs.erase({impi, source});
    return Scope::none;
  }
  if (status != 403) return Scope::none;
  bound(m_pairs, now);
  bound(m_sources, now);
  const bool pair_full = add_failure(m_pairs[{impi, source}], m_o.max_per_pair, now);
  const bool source_full = add_failure(m_sources[source], m_o.max_per_source, now);
  return source_full ? Scope::source : pair_full ? Scope::pair : Scope::none;
}

}  // namespace annexo::pcscf
