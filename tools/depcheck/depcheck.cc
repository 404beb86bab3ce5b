#include "tools/depcheck/depcheck.h"

#include <set>
#include <sstream>

namespace annexo::tools {
namespace {

// Standard headers the core may use: no allocation, no I/O, no clock, no
// threads, no exceptions. Everything else (<vector>, <string>, <chrono>,
// <ctime>, <thread>, <iostream>, <sys/socket.h>, <botan/...>, ...) is refused.
const std::set<std::string> kAllowedSystemHeaders = {
    "array", "cstddef", "cstdint", "cstring", "limits", "type_traits", "utility", "climits",
};

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return "";
  const auto e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

}  // namespace

std::vector<std::string> check_core_labels(const std::string& genquery_output) {
  std::vector<std::string> errors;
  std::istringstream in(genquery_output);
  std::string line;
  std::size_t count = 0;
  while (std::getline(in, line)) {
    line = trim(line);
    if (line.empty()) continue;
    ++count;
    if (line.rfind("//core:", 0) != 0) {
      errors.push_back("//core depends on " + line + ", which is outside //core");
    }
  }
  if (count == 0) errors.push_back("deps(//core:core) is empty: the query did not run");
  return errors;
}

std::vector<std::string> check_core_includes(const std::string& path, const std::string& text) {
  std::vector<std::string> errors;
  std::istringstream in(text);
  std::string line;
  int lineno = 0;
  while (std::getline(in, line)) {
    ++lineno;
    const std::string t = trim(line);
    if (t.rfind("#", 0) != 0) continue;
    std::string rest = trim(t.substr(1));
    if (rest.rfind("include", 0) != 0) continue;
    rest = trim(rest.substr(7));
    const std::string where = path + ":" + std::to_string(lineno) + ": ";
    if (rest.size() >= 2 && rest.front() == '"') {
      const auto close = rest.find('"', 1);
      const std::string name =
          rest.substr(1, close == std::string::npos ? std::string::npos : close - 1);
      if (name.rfind("core/", 0) != 0) {
        errors.push_back(where + "includes \"" + name + "\", which is not a core/ header");
      }
    } else if (rest.size() >= 2 && rest.front() == '<') {
      const auto close = rest.find('>');
      const std::string name =
          rest.substr(1, close == std::string::npos ? std::string::npos : close - 1);
      if (kAllowedSystemHeaders.count(name) == 0) {
        errors.push_back(where + "includes <" + name +
                         ">, which the core may not use (heap, I/O, clock, threads or a library)");
      }
    } else {
      errors.push_back(where + "include with a computed name: " + rest);
    }
  }
  return errors;
}

}  // namespace annexo::tools
