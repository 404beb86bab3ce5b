#include "adapters/log/decision_log.h"

#include <ctime>
#include <nlohmann/json.hpp>

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
