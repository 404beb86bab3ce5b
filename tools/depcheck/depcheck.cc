#include "tools/depcheck/depcheck.h"

#include <fstream>
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

// Where the TLS libraries live (issue 14): only //adapters/tls:stack reaches
// them from the programs.
const std::vector<std::string> kStackFolders = {"//adapters/tls/botan", "//adapters/tls/openssl"};
const std::vector<std::string> kStackHeaders = {"adapters/tls/botan/", "adapters/tls/openssl/"};
const std::vector<std::string> kTlsLibraryHeaders = {
    "botan/tls",   "botan/x509",   "botan/pkix",   "botan/certstor",   "botan/credentials_manager",
    "openssl/ssl", "openssl/x509", "openssl/tls1", "openssl/x509_vfy", "openssl/x509v3"};

bool starts_with(const std::string& s, const std::string& prefix) {
  return s.rfind(prefix, 0) == 0;
}

// The #include lines of `text`. kind: '"', '<', or '?' for a computed name
// (then `name` is the rest of the line).
struct Include {
  int lineno;
  std::string name;
  char kind;
};

std::vector<Include> includes_of(const std::string& text) {
  std::vector<Include> out;
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
    if (rest.size() < 2 || (rest.front() != '"' && rest.front() != '<')) {
      out.push_back({lineno, rest, '?'});
      continue;
    }
    const auto close = rest.find(rest.front() == '"' ? '"' : '>', 1);
    out.push_back({lineno,
                   rest.substr(1, close == std::string::npos ? std::string::npos : close - 1),
                   rest.front()});
  }
  return out;
}

// The labels of a genquery output, one a line.
std::vector<std::string> labels_of(const std::string& genquery_output) {
  std::vector<std::string> out;
  std::istringstream in(genquery_output);
  for (std::string line; std::getline(in, line);) {
    line = trim(line);
    if (!line.empty()) out.push_back(line);
  }
  return out;
}

}  // namespace

std::vector<std::string> check_stack_neutral_labels(const std::string& genquery_output) {
  std::vector<std::string> errors;
  const std::vector<std::string> labels = labels_of(genquery_output);
  for (const std::string& line : labels) {
    bool stack =
        line.size() > 1 && line.front() == '@' && line.find("//:openssl") != std::string::npos;
    for (const std::string& folder : kStackFolders) {
      if (starts_with(line, folder) && line.size() > folder.size() &&
          (line[folder.size()] == ':' || line[folder.size()] == '/')) {
        stack = true;
      }
    }
    if (stack) {
      errors.push_back("a stack-neutral target depends directly on " + line +
                       ": only //adapters/tls:stack may");
    }
  }
  if (labels.empty()) errors.push_back("the program dependency query is empty: it did not run");
  return errors;
}

std::vector<std::string> check_stack_neutral_includes(const std::string& path,
                                                      const std::string& text) {
  std::vector<std::string> errors;
  for (const Include& inc : includes_of(text)) {
    const std::string where = path + ":" + std::to_string(inc.lineno) + ": ";
    if (inc.kind == '?') continue;  // no library header by a computed name here
    const auto& list = inc.kind == '<' ? kTlsLibraryHeaders : kStackHeaders;
    for (const std::string& prefix : list) {
      if (starts_with(inc.name, prefix)) {
        errors.push_back(where + "includes " + inc.name +
                         ": TLS stack details belong behind adapters/tls/stack.h");
        break;
      }
    }
  }
  return errors;
}

std::vector<std::string> check_core_labels(const std::string& genquery_output) {
  std::vector<std::string> errors;
  const std::vector<std::string> labels = labels_of(genquery_output);
  for (const std::string& line : labels) {
    if (line.rfind("//core:", 0) != 0) {
      errors.push_back("//core depends on " + line + ", which is outside //core");
    }
  }
  if (labels.empty()) errors.push_back("deps(//core:core) is empty: the query did not run");
  return errors;
}

std::vector<std::string> check_core_includes(const std::string& path, const std::string& text) {
  std::vector<std::string> errors;
  for (const Include& inc : includes_of(text)) {
    const std::string where = path + ":" + std::to_string(inc.lineno) + ": ";
    if (inc.kind == '"') {
      if (inc.name.rfind("core/", 0) != 0) {
        errors.push_back(where + "includes \"" + inc.name + "\", which is not a core/ header");
      }
    } else if (inc.kind == '<') {
      if (kAllowedSystemHeaders.count(inc.name) == 0) {
        errors.push_back(where + "includes <" + inc.name +
                         ">, which the core may not use (heap, I/O, clock, threads or a library)");
      }
    } else {
      errors.push_back(where + "include with a computed name: " + inc.name);
    }
  }
  return errors;
}

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<std::string> check_listed_files(
    const std::string& list_path,
    std::vector<std::string> (*check)(const std::string& path, const std::string& text),
    std::size_t* files) {
  std::vector<std::string> errors;
  *files = 0;
  std::ifstream list(list_path);
  if (!list) return {"cannot read " + list_path};
  for (std::string path; list >> path;) {
    ++*files;
    if (!std::ifstream(path)) {
      errors.push_back("cannot read " + path);
      continue;
    }
    for (auto& e : check(path, read_text(path))) errors.push_back(std::move(e));
  }
  return errors;
}

}  // namespace annexo::tools
