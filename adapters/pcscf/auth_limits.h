// Failed-authentication limits of the P-CSCF (issue 15, decision RD-130):
// failures (a REGISTER carrying a Digest response answered 403, by the
// embedded home network or relayed from the S-CSCF) are counted per
// (IMPI, source address) pair and per source address, never per IMPI alone,
// so nobody can lock a subscriber out from another address. A key with
// `max` failures, each within `block_s` of the previous one, is blocked for
// `block_s` seconds after its last failure: a REGISTER with credentials it
// covers is then answered 503 with Retry-After without being checked. A 2xx
// clears the pair (not the source). Both tables are bounded.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>

#include "core/domain.h"

namespace annexo::pcscf {

struct Auth_Limit_Options {
  std::uint32_t max_per_pair = 5;     // --auth-fail-max (0: no limit)
  std::uint32_t max_per_source = 20;  // --auth-fail-max-source (0: no limit)
  std::uint32_t block_s = 60;         // --auth-fail-block
};

class Auth_Limits final {
 public:
  explicit Auth_Limits(Auth_Limit_Options o) : m_o(o) {}

  enum class Scope { none, pair, source };
  struct Verdict {
    Scope scope = Scope::none;
    std::uint32_t retry_after_s = 0;  // while blocked: seconds left (at least 1)
  };

  // Is a REGISTER with credentials for `impi` from `source` refused now?
  Verdict blocked(const std::string& impi, const std::string& source, core::Seconds now) const;
  // The final answer to a REGISTER with credentials: 403 counts a failure,
  // 2xx clears the pair. Returns the scope that became blocked by it (none
  // when nothing changed), for the log.
  Scope answered(const std::string& impi, const std::string& source, int status, core::Seconds now);
  const Auth_Limit_Options& options() const { return m_o; }

  static constexpr std::size_t kMaxEntries = 65536;  // per table

 private:
  struct Count {
    std::uint32_t failures = 0;
    core::Seconds last = 0;
  };
  bool is_blocked(const Count& c, std::uint32_t max, core::Seconds now, std::uint32_t* left) const;
  // Adds a failure; true when this one reached `max`.
  bool add_failure(Count& c, std::uint32_t max, core::Seconds now) const;
  template <class Map>
  void bound(Map& m, core::Seconds now);

  Auth_Limit_Options m_o;
  std::map<std::pair<std::string, std::string>, Count> m_pairs;
  std::map<std::string, Count> m_sources;
};

}  // namespace annexo::pcscf
