#include "tools/trace/citations.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

namespace annexo::trace {
namespace fs = std::filesystem;

const char* to_string(CitationType t) {
  switch (t) {
    case CitationType::implementation:
      return "implementation";
    case CitationType::test:
      return "test";
    case CitationType::proof:
      return "proof";
  }
  return "?";
}

namespace {

const std::set<std::string> kCppExtensions = {".h", ".hpp", ".cc", ".cpp", ".def"};
const std::set<std::string> kHashExtensions = {".sh", ".py", ".bzl", ".bash"};

std::string ltrim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t");
  return b == std::string::npos ? "" : s.substr(b);
}

std::string rtrim(const std::string& s) {
  const auto e = s.find_last_not_of(" \t\r");
  return e == std::string::npos ? "" : s.substr(0, e + 1);
}

bool id_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_';
}

// First "..." literal on the line (no escapes needed for names).
bool first_string_literal(const std::string& line, std::string& out) {
  const auto open = line.find('"');
  if (open == std::string::npos) return false;
  const auto close = line.find('"', open + 1);
  if (close == std::string::npos || close == open + 1) return false;
  out = line.substr(open + 1, close - open - 1);
  return true;
}

// Adjacent string literals from `pos` on ("a " "b" is "a b", as in C++),
// across line breaks; stops at the first token that is not a literal.
bool string_literals_at(const std::string& text, std::size_t pos, std::string& out) {
  out.clear();
  bool any = false;
  while (true) {
    // Whitespace and comments may sit between adjacent literals.
    while (pos < text.size()) {
      if (std::isspace(static_cast<unsigned char>(text[pos]))) {
        ++pos;
      } else if (text.compare(pos, 2, "//") == 0) {
        pos = text.find('\n', pos);
        if (pos == std::string::npos) pos = text.size();
      } else if (text.compare(pos, 2, "/*") == 0) {
        pos = text.find("*/", pos + 2);
        pos = pos == std::string::npos ? text.size() : pos + 2;
      } else {
        break;
      }
    }
    if (pos >= text.size() || text[pos] != '"') break;
    ++pos;
    while (pos < text.size() && text[pos] != '"') {
      if (text[pos] == '\\' && pos + 1 < text.size()) ++pos;
      out += text[pos++];
    }
    if (pos >= text.size()) return false;  // unterminated
    ++pos;
    any = true;
  }
  return any && !out.empty();
}

// A Catch2 test declaration starting at line i: TEST_CASE("name"...),
// TEST_CASE_METHOD(Fixture, "name"...), SCENARIO("name"...), with the name
// possibly on the following lines and split into adjacent literals (as
// clang-format leaves long names). A shell test: annexo_case "name" ... or
// annexo_case --level LEVEL "name" ...
bool test_declaration(const std::vector<std::string>& lines, std::size_t i, std::string& name) {
  const std::string first = ltrim(lines[i]);
  if (first.rfind("annexo_case \"", 0) == 0) return first_string_literal(first, name);
  // annexo_case --level LEVEL "name" ... (tests/support/testlib.sh)
  if (first.rfind("annexo_case --level ", 0) == 0) {
    std::istringstream words(first);
    std::string cmd, flag, level;
    words >> cmd >> flag >> level;
    std::string rest;
    std::getline(words, rest);
    rest = ltrim(rest);
    return !level.empty() && rest.rfind('"', 0) == 0 && first_string_literal(rest, name);
  }
  for (const char* macro : {"TEST_CASE(", "TEST_CASE_METHOD(", "SCENARIO("}) {
    if (first.rfind(macro, 0) != 0) continue;
    std::string text;
    for (std::size_t k = i; k < lines.size() && k < i + 6; ++k) text += lines[k] + "\n";
    std::size_t pos = std::string(macro).size();
    if (std::string(macro) == "TEST_CASE_METHOD(") {
      pos = text.find(',', pos);
      if (pos == std::string::npos) return false;
      ++pos;
    }
    return string_literals_at(text, pos, name);
  }
  return false;
}

bool ident_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}

// REQ("ID" / REQ_REQUIRE("ID" / RC_REQ("ID" anywhere in C++ text (whitespace
// allowed between the parenthesis and the literal).
void scan_cpp_assertions(const std::string& path, const std::string& text, ScanResult& out) {
  int line = 1;
  std::size_t line_at = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != 'R' || (i > 0 && ident_char(text[i - 1]))) continue;
    std::size_t p = i;
    for (const char* macro : {"REQ_REQUIRE", "RC_REQ", "REQ"}) {
      const std::size_t n = std::char_traits<char>::length(macro);
      if (text.compare(i, n, macro) == 0 && i + n < text.size() && !ident_char(text[i + n])) {
        p = i + n;
        break;
      }
    }
    if (p == i) continue;
    while (p < text.size() && (text[p] == ' ' || text[p] == '\t')) ++p;
    if (p >= text.size() || text[p] != '(') continue;
    ++p;
    while (p < text.size() && std::isspace(static_cast<unsigned char>(text[p]))) ++p;
    if (p >= text.size() || text[p] != '"') continue;
    const std::size_t close = text.find('"', p + 1);
    if (close == std::string::npos) continue;
    for (; line_at < i; ++line_at) line += text[line_at] == '\n' ? 1 : 0;
    out.assertions.push_back({text.substr(p + 1, close - p - 1), path, line});
    i = close;
  }
}

// `annexo_req ID command...` outside comments; an ID given by a variable
// ($id) cannot be checked here and is skipped, as is the usage text "ID".
void scan_shell_assertions(const std::string& path, const std::vector<std::string>& lines,
                           ScanResult& out) {
  for (std::size_t k = 0; k < lines.size(); ++k) {
    const std::string t = ltrim(lines[k]);
    if (t.empty() || t[0] == '#') continue;
    std::size_t pos = 0;
    while ((pos = t.find("annexo_req ", pos)) != std::string::npos) {
      const bool word_start = pos == 0 || !(ident_char(t[pos - 1]) || t[pos - 1] == '-');
      pos += std::string("annexo_req ").size();
      if (!word_start) continue;
      while (pos < t.size() && t[pos] == ' ') ++pos;
      std::size_t e = pos;
      while (e < t.size() && id_char(t[e])) ++e;
      const std::string id = t.substr(pos, e - pos);
      const bool literal = (e == t.size() || t[e] == ' ') && id.find('-') != std::string::npos;
      if (literal) out.assertions.push_back({id, path, static_cast<int>(k + 1)});
    }
  }
}

}  // namespace

void scan_text(const std::string& path, const std::string& text, ScanResult& out) {
  const std::string ext = fs::path(path).extension().string();
  const std::string marker = kCppExtensions.count(ext) ? "//=" : "#=";
  std::vector<std::string> lines;
  {
    std::istringstream in(text);
    std::string l;
    while (std::getline(in, l)) lines.push_back(rtrim(l));
  }
  if (marker == "//=") {
    scan_cpp_assertions(path, text, out);
  } else if (ext == ".sh" || ext == ".bash") {
    scan_shell_assertions(path, lines, out);
  }
  std::vector<std::size_t> open;  // indices into out.citations waiting for a target
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::string t = ltrim(lines[i]);
    const int lineno = static_cast<int>(i + 1);
    const std::string where = path + ":" + std::to_string(lineno) + ": ";
    std::string decl;
    if (test_declaration(lines, i, decl)) out.test_cases.push_back({decl, path, lineno});

    if (t.rfind(marker, 0) == 0) {
      // //= spec#<ID> type=<kind>
      const std::string body = t.substr(marker.size());
      const std::string prefix = " spec#";
      if (body.rfind(prefix, 0) != 0) {
        out.errors.push_back(where + "malformed citation (want '" + marker +
                             " spec#<ID> type=<implementation|test|proof>')");
        continue;
      }
      std::size_t p = prefix.size();
      const std::size_t id_begin = p;
      while (p < body.size() && id_char(body[p])) ++p;
      const std::string id = body.substr(id_begin, p - id_begin);
      const std::string rest = body.substr(p);
      CitationType type;
      if (rest == " type=implementation") {
        type = CitationType::implementation;
      } else if (rest == " type=test") {
        type = CitationType::test;
      } else if (rest == " type=proof") {
        type = CitationType::proof;
      } else {
        out.errors.push_back(where + "malformed citation after the ID: '" + rest +
                             "' (want ' type=implementation', ' type=test' or ' type=proof')");
        continue;
      }
      if (id.empty()) {
        out.errors.push_back(where + "citation without an ID");
        continue;
      }
      out.citations.push_back({id, type, path, lineno, ""});
      if (type != CitationType::implementation) open.push_back(out.citations.size() - 1);
      continue;
    }

    if (open.empty()) continue;
    // The first non-citation line after test/proof citations names their target.
    for (std::size_t k : open) {
      Citation& c = out.citations[k];
      std::string name;
      if (c.type == CitationType::test) {
        if (!test_declaration(lines, i, name)) {
          out.errors.push_back(path + ":" + std::to_string(c.line) + ": test citation of " + c.id +
                               " is not directly above a TEST_CASE (or annexo_case) line");
        }
      } else if (!first_string_literal(t, name)) {
        out.errors.push_back(path + ":" + std::to_string(c.line) + ": proof citation of " + c.id +
                             " is not directly above a line naming the proof property");
      }
      c.target = name;
    }
    open.clear();
  }
  for (std::size_t k : open) {
    const Citation& c = out.citations[k];
    out.errors.push_back(path + ":" + std::to_string(c.line) + ": citation of " + c.id +
                         " at the end of the file cites nothing");
  }
}

ScanResult scan_tree(const std::string& root, const std::vector<std::string>& dirs) {
  ScanResult out;
  std::vector<fs::path> files;
  for (const auto& d : dirs) {
    const fs::path base = fs::path(root) / d;
    if (!fs::exists(base)) continue;
    for (auto it = fs::recursive_directory_iterator(base); it != fs::recursive_directory_iterator();
         ++it) {
      if (it->is_directory() && it->path().filename() == "testdata") {
        it.disable_recursion_pending();
        continue;
      }
      if (!it->is_regular_file()) continue;
      const std::string ext = it->path().extension().string();
      if (kCppExtensions.count(ext) || kHashExtensions.count(ext)) files.push_back(it->path());
    }
  }
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    std::ifstream in(f);
    std::stringstream ss;
    ss << in.rdbuf();
    // Lexically: runfiles are symlinks, and the path shown must stay
    // workspace-relative (the report maps files to test targets by it).
    scan_text(f.lexically_normal().lexically_relative(fs::path(root).lexically_normal()).string(),
              ss.str(), out);
  }
  return out;
}

std::string citation_list(const ScanResult& scan) {
  std::ostringstream out;
  for (const auto& c : scan.citations) {
    out << c.id << "\t" << to_string(c.type) << "\t" << c.file << "\t" << c.line << "\t" << c.target
        << "\n";
  }
  return out.str();
}

}  // namespace annexo::trace
