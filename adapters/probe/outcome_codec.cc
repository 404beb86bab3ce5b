#include "adapters/probe/outcome_codec.h"

#include <cstdint>

namespace annexo::probe {
namespace {

void put_u64(std::string& s, std::uint64_t v) {
  for (int i = 7; i >= 0; --i) s.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

void put_str(std::string& s, const std::string& v) {
  put_u64(s, v.size());
  s += v;
}

struct Cursor {
  const std::string& s;
  std::size_t pos = 0;
  bool ok = true;
  std::uint64_t u64() {
    if (s.size() - pos < 8) {
      ok = false;
      return 0;
    }
    std::uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<unsigned char>(s[pos++]);
    return v;
  }
  std::string str() {
    const std::uint64_t n = u64();
    if (!ok || s.size() - pos < n) {
      ok = false;
      return {};
    }
    std::string v = s.substr(pos, n);
    pos += n;
    return v;
  }
};

}  // namespace

std::string encode_outcome(const Tp_Outcome& o) {
  std::string s;
  put_u64(s, static_cast<std::uint64_t>(o.verdict));
  put_str(s, o.reason);
  put_u64(s, o.evidence.size());
  for (const auto& e : o.evidence) {
    put_str(s, e.stream);
    put_u64(s, e.offset);
    put_str(s, e.observed);
  }
  return s;
}

bool decode_outcome(const std::string& bytes, Tp_Outcome& out) {
  Cursor c{bytes};
  const std::uint64_t v = c.u64();
  if (!c.ok || v > static_cast<std::uint64_t>(Verdict::error)) return false;
  out.verdict = static_cast<Verdict>(v);
  out.reason = c.str();
  const std::uint64_t n = c.u64();
  if (!c.ok || n > bytes.size()) return false;
  out.evidence.clear();
  for (std::uint64_t i = 0; i < n && c.ok; ++i) {
    Evidence e;
    e.stream = c.str();
    e.offset = static_cast<std::size_t>(c.u64());
    e.observed = c.str();
    out.evidence.push_back(std::move(e));
  }
  return c.ok && c.pos == bytes.size();
}

}  // namespace annexo::probe
