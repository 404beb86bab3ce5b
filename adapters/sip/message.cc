#include "adapters/sip/message.h"

#include <cctype>

#include "adapters/sip/scan.h"

namespace annexo::sip {
namespace {

using scan::ieq;
using scan::is_token;
using scan::is_token_char;
using scan::is_ws;
using scan::trim;

struct NameEntry {
  const char* compact;
  const char* canonical;
};

// RFC 3261 section 7.3.3 and later registrations; plus canonical spellings of
// the long names annexo looks at.
constexpr NameEntry kCompact[] = {
    {"i", "Call-ID"},
    {"m", "Contact"},
    {"e", "Content-Encoding"},
    {"l", "Content-Length"},
    {"c", "Content-Type"},
    {"f", "From"},
    {"s", "Subject"},
    {"k", "Supported"},
    {"t", "To"},
    {"v", "Via"},
    {"o", "Event"},
    {"r", "Refer-To"},
    {"u", "Allow-Events"},
    {"x", "Session-Expires"},
    {"b", "Referred-By"},
    {"a", "Accept-Contact"},
    {"j", "Reject-Contact"},
    {"d", "Request-Disposition"},
    {"y", "Identity"},
    {"n", "Identity-Info"},
};

constexpr const char* kCanonical[] = {
    "Call-ID",
    "Contact",
    "Content-Encoding",
    "Content-Length",
    "Content-Type",
    "From",
    "Subject",
    "Supported",
    "To",
    "Via",
    "CSeq",
    "Max-Forwards",
    "Expires",
    "Authorization",
    "WWW-Authenticate",
    "Proxy-Authorization",
    "Proxy-Authenticate",
    "Authentication-Info",
    "Security-Client",
    "Security-Server",
    "Security-Verify",
    "Require",
    "Proxy-Require",
    "Unsupported",
    "Path",
    "Service-Route",
    "P-Preferred-Identity",
    "P-Asserted-Identity",
    "P-Associated-URI",
    "Record-Route",
    "Route",
    "User-Agent",
    "Server",
    "Allow",
    "Event",
    "Refer-To",
    "Allow-Events",
    "Session-Expires",
    "Referred-By",
    "Accept-Contact",
    "Reject-Contact",
    "Request-Disposition",
    "Identity",
    "Identity-Info",
    "Flow-Timer",
    "Min-Expires",
    "Warning",
    "Accept",
    "Date",
    "Timestamp",
    "Retry-After",
};

}  // namespace

std::string canonical_header_name(std::string_view name) {
  if (name.size() == 1) {
    for (const auto& e : kCompact)
      if (ieq(name, e.compact)) return e.canonical;
  }
  for (const char* c : kCanonical)
    if (ieq(name, c)) return c;
  return std::string(name);
}

const std::string* Message::first(std::string_view name) const {
  std::string c = canonical_header_name(name);
  for (const auto& h : headers)
    if (ieq(h.name, c)) return &h.value;
  return nullptr;
}

std::vector<const std::string*> Message::all(std::string_view name) const {
  std::string c = canonical_header_name(name);
  std::vector<const std::string*> out;
  for (const auto& h : headers)
    if (ieq(h.name, c)) out.push_back(&h.value);
  return out;
}

std::size_t Message::count(std::string_view name) const {
  return all(name).size();
}

std::string Message::joined(std::string_view name) const {
  std::string out;
  for (const std::string* v : all(name)) out += (out.empty() ? "" : ", ") + *v;
  return out;
}

std::size_t Message::remove(std::string_view name) {
  std::string c = canonical_header_name(name);
  std::size_t n = 0;
  for (auto it = headers.begin(); it != headers.end();) {
    if (ieq(it->name, c)) {
      it = headers.erase(it);
      ++n;
    } else {
      ++it;
    }
  }
  return n;
}

namespace {

Result<bool> parse_start_line(std::string_view line, Message& m) {
  for (char c : line)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
      return sip_error("start-line", "control character");
  if (line.substr(0, 8) == "SIP/2.0 ") {
    m.is_request = false;
    std::string_view rest = line.substr(8);
    if (rest.size() < 3) return sip_error("start-line", "status code missing");
    int code = 0;
    for (int k = 0; k < 3; ++k) {
      char c = rest[static_cast<std::size_t>(k)];
      if (c < '0' || c > '9') return sip_error("start-line", "status code is not 3 digits");
      code = code * 10 + (c - '0');
    }
    if (code < 100 || code > 699) return sip_error("start-line", "status code out of range");
    if (rest.size() > 3 && rest[3] != ' ')
      return sip_error("start-line", "status code is not 3 digits");
    m.status = code;
    m.reason = rest.size() > 4 ? std::string(rest.substr(4)) : std::string();
    return true;
  }
  if (line.substr(0, 4) == "SIP/") return sip_error("start-line", "SIP version is not SIP/2.0");
  std::size_t s1 = line.find(' ');
  if (s1 == std::string_view::npos) return sip_error("start-line", "not a request or status line");
  std::size_t s2 = line.find(' ', s1 + 1);
  if (s2 == std::string_view::npos) return sip_error("start-line", "not a request or status line");
  std::string_view method = line.substr(0, s1);
  std::string_view uri = line.substr(s1 + 1, s2 - s1 - 1);
  std::string_view version = line.substr(s2 + 1);
  if (!is_token(method)) return sip_error("start-line", "method is not a token");
  if (uri.empty()) return sip_error("start-line", "Request-URI missing");
  if (version != "SIP/2.0") return sip_error("start-line", "SIP version is not SIP/2.0");
  auto u = parse_uri(uri, "Request-URI");
  if (!u) return u.error();
  m.is_request = true;
  m.method = std::string(method);
  m.request_uri = std::string(uri);
  return true;
}

Result<const std::string*> exactly_one(const Message& m, const char* name) {
  auto v = m.all(name);
  if (v.empty()) return sip_error(name, "missing");
  if (v.size() > 1) return sip_error(name, "appears more than once");
  return v[0];
}

}  // namespace

Result<Message> parse_message(std::string_view bytes, const ParseLimits& limits) {
  if (bytes.size() > limits.max_message)
    return sip_error("framing", "message exceeds " + std::to_string(limits.max_message) + " bytes",
                     513);
  std::size_t end = bytes.find("\r\n\r\n");
  if (end == std::string_view::npos)
    return sip_error("header-section", "no blank line ending the header section");
  std::string_view head = bytes.substr(0, end + 2);
  Message m;
  m.body = std::string(bytes.substr(end + 4));

  // Split into CRLF lines; a bare CR or LF is refused.
  std::vector<std::string_view> lines;
  std::size_t p = 0;
  while (p < head.size()) {
    std::size_t e = head.find("\r\n", p);
    std::string_view line = head.substr(p, e - p);
    for (char c : line) {
      if (c == '\n') return sip_error("header-section", "bare LF");
      if (c == '\r') return sip_error("header-section", "bare CR");
    }
    lines.push_back(line);
    p = e + 2;
  }
  if (lines.empty() || lines[0].empty()) return sip_error("start-line", "empty");
  if (lines[0].size() > limits.max_line)
    return sip_error("start-line", "longer than " + std::to_string(limits.max_line) + " bytes");
  auto sl = parse_start_line(lines[0], m);
  if (!sl) return sl.error();

  for (std::size_t k = 1; k < lines.size(); ++k) {
    std::string_view line = lines[k];
    for (char c : line)
      if ((static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == 0x7f)
        return sip_error("header-section", "control character in line " + std::to_string(k + 1));
    if (line.empty()) return sip_error("header-section", "empty line");
    if (is_ws(line[0])) {
      // Folding (RFC 3261 section 7.3.1): accepted, unfolded to one SP.
      if (m.headers.empty())
        return sip_error("header-section", "continuation line before any header field");
      std::string& v = m.headers.back().value;
      std::string_view cont = trim(line);
      if (!cont.empty()) {
        if (!v.empty()) v += ' ';
        v += std::string(cont);
      }
      if (v.size() > limits.max_line)
        return sip_error(m.headers.back().name,
                         "longer than " + std::to_string(limits.max_line) + " bytes");
      continue;
    }
    if (line.size() > limits.max_line)
      return sip_error("header-section", "line " + std::to_string(k + 1) + " longer than " +
                                             std::to_string(limits.max_line) + " bytes");
    std::size_t colon = line.find(':');
    if (colon == std::string_view::npos)
      return sip_error("header-section", "line " + std::to_string(k + 1) + " has no ':'");
    std::string_view name = trim(line.substr(0, colon));
    if (!is_token(name))
      return sip_error("header-section",
                       "line " + std::to_string(k + 1) + ": header name is not a token");
    if (m.headers.size() >= limits.max_headers)
      return sip_error("header-section",
                       "more than " + std::to_string(limits.max_headers) + " header fields");
    m.headers.push_back(
        HeaderField{canonical_header_name(name), std::string(trim(line.substr(colon + 1)))});
  }

  // Content-Length must match the body exactly.
  auto cls = m.all("Content-Length");
  if (cls.empty()) {
    if (!m.body.empty()) return sip_error("Content-Length", "missing while a body is present");
  } else {
    for (const std::string* v : cls) {
      auto n = parse_uint32(*v, "Content-Length");
      if (!n) return n.error();
      if (*n != m.body.size())
        return sip_error("Content-Length", "is " + std::to_string(*n) + " but the body has " +
                                               std::to_string(m.body.size()) + " bytes");
    }
  }

  // Mandatory fields (RFC 3261 section 8.1.1).
  auto vias = m.all("Via");
  if (vias.empty()) return sip_error("Via", "missing");
  for (const std::string* v : vias) {
    auto pv = parse_via(*v);
    if (!pv) return pv.error();
    for (auto& x : *pv) m.via.push_back(std::move(x));
    if (m.via.size() > 70) return sip_error("Via", "more than 70 entries");
  }
  auto from = exactly_one(m, "From");
  if (!from) return from.error();
  auto f = parse_name_addr(**from, "From");
  if (!f) return f.error();
  m.from = std::move(*f);
  auto to = exactly_one(m, "To");
  if (!to) return to.error();
  auto t = parse_name_addr(**to, "To");
  if (!t) return t.error();
  m.to = std::move(*t);
  auto cid = exactly_one(m, "Call-ID");
  if (!cid) return cid.error();
  if ((*cid)->empty()) return sip_error("Call-ID", "empty");
  for (char c : **cid)
    if (is_ws(c)) return sip_error("Call-ID", "contains whitespace");
  m.call_id = **cid;
  auto cs = exactly_one(m, "CSeq");
  if (!cs) return cs.error();
  auto c = parse_cseq(**cs);
  if (!c) return c.error();
  m.cseq = std::move(*c);
  if (m.is_request) {
    if (m.cseq.method != m.method)
      return sip_error("CSeq", "method '" + m.cseq.method + "' differs from the request method");
    auto mf = exactly_one(m, "Max-Forwards");
    if (!mf) return mf.error();
    auto mfv = parse_uint32(**mf, "Max-Forwards");
    if (!mfv) return mfv.error();
    if (*mfv > 255) return sip_error("Max-Forwards", "above 255");
  }
  return m;
}

Result<std::string> serialize(const Message& m) {
  auto clean = [](std::string_view s) {
    for (char c : s)
      if (c == '\r' || c == '\n' || c == '\0') return false;
    return true;
  };
  std::string out;
  if (m.is_request) {
    if (!is_token(m.method)) return sip_error("start-line", "method is not a token");
    if (m.request_uri.empty() || !clean(m.request_uri) ||
        m.request_uri.find(' ') != std::string::npos)
      return sip_error("start-line", "bad Request-URI");
    out = m.method + " " + m.request_uri + " SIP/2.0\r\n";
  } else {
    if (m.status < 100 || m.status > 699)
      return sip_error("start-line", "status code out of range");
    if (!clean(m.reason)) return sip_error("start-line", "CR/LF in reason phrase");
    out = "SIP/2.0 " + std::to_string(m.status) + " " + m.reason + "\r\n";
  }
  for (const auto& h : m.headers) {
    if (ieq(h.name, "Content-Length") || ieq(h.name, "l")) continue;
    if (!is_token(h.name)) return sip_error(h.name, "header name is not a token");
    if (!clean(h.value)) return sip_error(h.name, "CR, LF or NUL in value");
    out += h.name + ": " + h.value + "\r\n";
  }
  out += "Content-Length: " + std::to_string(m.body.size()) + "\r\n\r\n";
  out += m.body;
  return out;
}

Message make_response(const Message& request, int status, std::string reason,
                      std::string_view to_tag) {
  Message r;
  r.is_request = false;
  r.status = status;
  r.reason = std::move(reason);
  for (const auto& h : request.headers) {
    if (h.name == "Via" || h.name == "From" || h.name == "Call-ID" || h.name == "CSeq") {
      r.headers.push_back(h);
    } else if (h.name == "To") {
      std::string v = h.value;
      if (!to_tag.empty() && status > 100 && !request.to.tag()) v += ";tag=" + std::string(to_tag);
      r.headers.push_back(HeaderField{"To", v});
    }
  }
  r.via = request.via;
  r.from = request.from;
  r.to = request.to;
  r.call_id = request.call_id;
  r.cseq = request.cseq;
  return r;
}

Message make_request(std::string method, std::string request_uri) {
  Message m;
  m.is_request = true;
  m.method = std::move(method);
  m.request_uri = std::move(request_uri);
  m.add("Max-Forwards", "70");
  return m;
}

const char* default_reason(int status) {
  switch (status) {
    case 100:
      return "Trying";
    case 200:
      return "OK";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 407:
      return "Proxy Authentication Required";
    case 420:
      return "Bad Extension";
    case 421:
      return "Extension Required";
    case 423:
      return "Interval Too Brief";
    case 430:
      return "Flow Failed";
    case 439:
      return "First Hop Lacks Outbound Support";
    case 480:
      return "Temporarily Unavailable";
    case 494:
      return "Security Agreement Required";
    case 500:
      return "Server Internal Error";
    case 503:
      return "Service Unavailable";
    case 513:
      return "Message Too Large";
    default:
      return "Unknown";
  }
}

}  // namespace annexo::sip
