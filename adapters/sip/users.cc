#include "adapters/sip/users.h"

#include <fstream>
#include <sstream>

#include "adapters/sip/scan.h"

namespace annexo::sip {
namespace {

using scan::is_ws;

constexpr std::size_t kMaxLine = 4096;
constexpr std::size_t kMaxUsers = 100000;
constexpr std::size_t kMaxImpus = 64;

SipError line_error(std::size_t line, const std::string& why) {
  return sip_error("users-file:" + std::to_string(line), why, 0);
}

}  // namespace

const UserRecord* Users::find(std::string_view impi) const {
  for (const auto& r : records)
    if (r.impi == impi) return &r;
  return nullptr;
}

Result<Users> parse_users(std::string_view text) {
  Users users;
  std::size_t lineno = 0;
  std::size_t p = 0;
  while (p < text.size()) {
    ++lineno;
    std::size_t e = text.find('\n', p);
    if (e == std::string_view::npos) e = text.size();
    std::string_view line = text.substr(p, e - p);
    p = e + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.size() > kMaxLine) return line_error(lineno, "line longer than 4096 bytes");
    for (char c : line)
      if ((static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == 0x7f)
        return line_error(lineno, "control character");
    // Comments: '#' at line start or after whitespace.
    for (std::size_t i = 0; i < line.size(); ++i) {
      if (line[i] == '#' && (i == 0 || is_ws(line[i - 1]))) {
        line = line.substr(0, i);
        break;
      }
    }
    std::vector<std::string_view> fields;
    std::size_t i = 0;
    while (i < line.size()) {
      while (i < line.size() && is_ws(line[i])) ++i;
      std::size_t s = i;
      while (i < line.size() && !is_ws(line[i])) ++i;
      if (i > s) fields.push_back(line.substr(s, i - s));
    }
    if (fields.empty()) continue;
    // 'IMPI PASSWORD IMPU[,IMPU...]' exactly; the first bad line refuses the file.
    //= spec#ADP-SIP-USERS-FILE type=implementation
    if (fields.size() != 3)
      return line_error(lineno, "expected 'IMPI PASSWORD IMPU[,IMPU...]', found " +
                                    std::to_string(fields.size()) + " field(s)");
    UserRecord r;
    r.impi = std::string(fields[0]);
    r.password = std::string(fields[1]);
    if (r.impi.find('@') == std::string::npos || r.impi.front() == '@' || r.impi.back() == '@')
      return line_error(lineno, "IMPI '" + r.impi + "' is not in NAI form user@realm");
    if (r.password.find('#') != std::string::npos)
      return line_error(lineno, "password contains '#'");
    std::string_view impus = fields[2];
    std::size_t s = 0;
    while (s <= impus.size()) {
      std::size_t c = impus.find(',', s);
      if (c == std::string_view::npos) c = impus.size();
      std::string_view u = impus.substr(s, c - s);
      if (u.empty()) return line_error(lineno, "empty IMPU in list");
      if (u.rfind("sip:", 0) != 0 && u.rfind("sips:", 0) != 0 && u.rfind("tel:", 0) != 0)
        return line_error(lineno, "IMPU '" + std::string(u) + "' is not a sip:, sips: or tel: URI");
      std::size_t colon = u.find(':');
      if (colon + 1 >= u.size())
        return line_error(lineno, "IMPU '" + std::string(u) + "' is empty after the scheme");
      for (const auto& prev : r.impus)
        if (prev == u) return line_error(lineno, "IMPU '" + std::string(u) + "' repeated");
      if (r.impus.size() >= kMaxImpus) return line_error(lineno, "more than 64 IMPUs");
      r.impus.emplace_back(u);
      s = c + 1;
    }
    if (users.find(r.impi)) return line_error(lineno, "IMPI '" + r.impi + "' already defined");
    if (users.records.size() >= kMaxUsers) return line_error(lineno, "more than 100000 users");
    users.records.push_back(std::move(r));
  }
  if (users.records.empty()) return sip_error("users-file", "no users defined", 0);
  return users;
}

Result<Users> load_users(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return sip_error("users-file", "cannot open '" + path + "'", 0);
  std::ostringstream ss;
  ss << f.rdbuf();
  if (ss.str().size() > 64u * 1024u * 1024u)
    return sip_error("users-file", "larger than 64 MiB", 0);
  return parse_users(ss.str());
}

}  // namespace annexo::sip
