// Every decision the programs take is logged with the requirement ID it
// enforces (issue 7). One line per decision, text or JSON (one object a line).
//   text: 2024-05-01T10:00:00Z pcscf DENY O.2.1-UE-NONNULL-OFFER conn=3 peer=127.0.0.1:40000
//   msg="..." json: {"ts":"...","prog":"pcscf","verdict":"DENY","req":"O.2.1-UE-NONNULL-OFFER",...}
#pragma once

#include <cstdint>
#include <cstdio>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace annexo::log {

enum class Format { text, json };

// ALLOW: the core accepted; DENY: the core refused; INFO: a state change the
// requirement asks for (bind, renegotiate, close); ERROR: not the peer's fault.
enum class Verdict { allow, deny, info, error };

using Fields = std::vector<std::pair<std::string, std::string>>;

class Decision_Log final {
 public:
  Decision_Log(std::string program, Format format, std::FILE* out = stderr)
      : m_program(std::move(program)), m_format(format), m_out(out) {}

  void decision(Verdict v, const std::string& requirement, const std::string& message,
                const Fields& fields = {});
  Format format() const { return m_format; }
  // Lines written so far (tests count decisions).
  std::size_t lines() const { return m_lines; }

  // Identical DENY lines (same requirement, message and peer field) beyond
  // `per_second` within one second of the first are counted, not written;
  // once that second is over, one DENY line with the count replaces them
  // (issue 15, RD-131). `clock_ms`: a monotonic clock in milliseconds (tests
  // pass a fake one). per_second 0: every line is written (the default).
  using Clock_Ms = std::function<std::int64_t()>;
  void limit_identical_denials(std::uint32_t per_second, Clock_Ms clock_ms);
  // Writes the summary of every window that is over (decision() does it
  // first; a program's timer calls it when nothing else is logged).
  void flush_suppressed();
  // Some lines are counted and not yet summarised.
  bool has_suppressed() const { return m_suppressed_total > 0; }

 private:
  struct Deny_Window {
    std::int64_t start_ms = 0;
    std::uint32_t written = 0;
    std::uint64_t suppressed = 0;
    std::string requirement, message, peer;
  };
  void write_line(Verdict v, const std::string& requirement, const std::string& message,
                  const Fields& fields);
  bool admit_deny(const std::string& requirement, const std::string& message, const Fields& fields);

  static constexpr std::size_t kMaxDenyWindows = 4096;
  std::string m_program;
  Format m_format;
  std::FILE* m_out;
  std::size_t m_lines = 0;
  std::uint32_t m_deny_per_second = 0;
  Clock_Ms m_clock_ms;
  std::map<std::string, Deny_Window> m_deny_windows;
  std::uint64_t m_suppressed_total = 0;
};

bool parse_format(const std::string& s, Format* out);
const char* verdict_name(Verdict v);

}  // namespace annexo::log
