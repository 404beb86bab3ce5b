// Every decision the programs take is logged with the requirement ID it
// enforces (issue 7). One line per decision, text or JSON (one object a line).
//   text: 2024-05-01T10:00:00Z pcscf DENY O.2.1-UE-NONNULL-OFFER conn=3 peer=127.0.0.1:40000
//   msg="..." json: {"ts":"...","prog":"pcscf","verdict":"DENY","req":"O.2.1-UE-NONNULL-OFFER",...}
#pragma once

#include <cstdio>
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

 private:
  std::string m_program;
  Format m_format;
  std::FILE* m_out;
  std::size_t m_lines = 0;
};

bool parse_format(const std::string& s, Format* out);
const char* verdict_name(Verdict v);

}  // namespace annexo::log
