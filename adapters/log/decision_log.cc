#include "adapters/log/decision_log.h"

#include <ctime>
#include <nlohmann/json.hpp>
#include <utility>

namespace annexo::log {

namespace {

std::string utc_now() {
  char buf[32];
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string quote_if_needed(const std::string& v) {
  if (!v.empty() && v.find_first_of(" \"=\t\r\n") == std::string::npos) return v;
  std::string out = "\"";
  for (char c : v) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else {
      out += c;
    }
  }
  return out + "\"";
}

}  // namespace

const char* verdict_name(Verdict v) {
  switch (v) {
    case Verdict::allow:
      return "ALLOW";
    case Verdict::deny:
      return "DENY";
    case Verdict::info:
      return "INFO";
    case Verdict::error:
      return "ERROR";
  }
  return "INFO";
}

bool parse_format(const std::string& s, Format* out) {
  if (s == "text") {
    *out = Format::text;
    return true;
  }
  if (s == "json") {
    *out = Format::json;
    return true;
  }
  return false;
}

void Decision_Log::decision(Verdict v, const std::string& requirement, const std::string& message,
                            const Fields& fields) {
  if (m_deny_per_second > 0) {
    flush_suppressed();
    if (v == Verdict::deny && !admit_deny(requirement, message, fields)) return;
  }
  write_line(v, requirement, message, fields);
}

void Decision_Log::limit_identical_denials(std::uint32_t per_second, Clock_Ms clock_ms) {
  flush_suppressed();
  m_deny_per_second = clock_ms ? per_second : 0;
  m_clock_ms = std::move(clock_ms);
}

// RD-131: true when this DENY line is to be written (at most m_deny_per_second
// identical ones per window of one second); else it is counted.
bool Decision_Log::admit_deny(const std::string& requirement, const std::string& message,
                              const Fields& fields) {
  std::string peer;
  for (const auto& [k, val] : fields) {
    if (k == "peer") peer = val;
  }
  const std::string key = requirement + '\x1f' + message + '\x1f' + peer;
  auto it = m_deny_windows.find(key);
  if (it == m_deny_windows.end()) {
    if (m_deny_windows.size() >= kMaxDenyWindows) return true;  // too many to track: write
    Deny_Window w;
    w.start_ms = m_clock_ms();
    w.requirement = requirement;
    w.message = message;
    w.peer = peer;
    it = m_deny_windows.emplace(key, std::move(w)).first;
  }
  //= spec#IMPL-LOG-DENY-RATE-LIMIT type=implementation
  if (it->second.written < m_deny_per_second) {
    ++it->second.written;
    return true;
  }
  ++it->second.suppressed;
  ++m_suppressed_total;
  return false;
}

void Decision_Log::flush_suppressed() {
  if (m_deny_per_second == 0 || m_deny_windows.empty()) return;
  const std::int64_t now = m_clock_ms();
  for (auto it = m_deny_windows.begin(); it != m_deny_windows.end();) {
    const Deny_Window& w = it->second;
    if (now - w.start_ms < 1000) {
      ++it;
      continue;
    }
    if (w.suppressed > 0) {
      Fields f;
      if (!w.peer.empty()) f.emplace_back("peer", w.peer);
      f.emplace_back("suppressed", std::to_string(w.suppressed));
      f.emplace_back("written", std::to_string(w.written));
      f.emplace_back("window_ms", "1000");
      write_line(Verdict::deny, w.requirement,
                 "identical denials suppressed (log rate limit): " + w.message, f);
      m_suppressed_total -= w.suppressed;
    }
    it = m_deny_windows.erase(it);
  }
}

void Decision_Log::write_line(Verdict v, const std::string& requirement, const std::string& message,
                              const Fields& fields) {
  std::string line;
  if (m_format == Format::json) {
    nlohmann::ordered_json j;
    j["ts"] = utc_now();
    j["prog"] = m_program;
    j["verdict"] = verdict_name(v);
    j["req"] = requirement;
    j["msg"] = message;
    for (const auto& [k, val] : fields) j[k] = val;
    line = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  } else {
    line = utc_now() + " " + m_program + " " + verdict_name(v) + " " +
           (requirement.empty() ? "-" : requirement);
    for (const auto& [k, val] : fields) line += " " + k + "=" + quote_if_needed(val);
    line += " msg=" + quote_if_needed(message);
  }
  line += "\n";
  std::fwrite(line.data(), 1, line.size(), m_out);
  std::fflush(m_out);
  ++m_lines;
}

}  // namespace annexo::log
