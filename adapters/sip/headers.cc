#include "adapters/sip/headers.h"

#include <cctype>

#include "adapters/sip/scan.h"

namespace annexo::sip {
namespace {

using scan::ieq;
using scan::is_token;
using scan::is_token_char;
using scan::is_ws;
using scan::lower;
using scan::trim;

std::string hname(std::string_view h) {
  return std::string(h);
}

void skip_ws(std::string_view s, std::size_t& i) {
  while (i < s.size() && is_ws(s[i])) ++i;
}

// Parses a quoted-string starting at s[i] == '"'; i ends after the closing quote.
Result<std::string> read_quoted(std::string_view s, std::size_t& i, std::string_view header) {
  std::string out;
  ++i;
  while (i < s.size()) {
    char c = s[i];
    if (c == '"') {
      ++i;
      return out;
    }
    if (c == '\\') {
      if (i + 1 >= s.size()) break;
      char n = s[i + 1];
      if (n == '\r' || n == '\n') return sip_error(hname(header), "CR/LF escaped in quoted string");
      out.push_back(n);
      i += 2;
      continue;
    }
    out.push_back(c);
    ++i;
  }
  return sip_error(hname(header), "unterminated quoted string");
}

// Splits at top-level commas (outside quotes and <>).
Result<std::vector<std::string_view>> split_list(std::string_view s, std::string_view header) {
  std::vector<std::string_view> out;
  bool q = false;
  int angle = 0;
  std::size_t start = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (q) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        q = false;
      continue;
    }
    if (c == '"')
      q = true;
    else if (c == '<') {
      if (angle) return sip_error(hname(header), "nested '<'");
      angle = 1;
    } else if (c == '>') {
      if (!angle) return sip_error(hname(header), "'>' without '<'");
      angle = 0;
    } else if (c == ',' && !angle) {
      std::string_view e = trim(s.substr(start, i - start));
      if (e.empty()) return sip_error(hname(header), "empty list element");
      out.push_back(e);
      start = i + 1;
    }
  }
  if (q) return sip_error(hname(header), "unterminated quoted string");
  if (angle) return sip_error(hname(header), "'<' without '>'");
  std::string_view e = trim(s.substr(start));
  if (e.empty()) return sip_error(hname(header), "empty list element");
  out.push_back(e);
  if (out.size() > 64) return sip_error(hname(header), "more than 64 list elements");
  return out;
}

bool is_pvalue_char(char c) {
  return is_token_char(c) || c == ':' || c == '[' || c == ']' || c == '/' || c == '@' || c == '=' ||
         c == '?' || c == '&' || c == '$';
}

// Parses ";name[=value]" parameters from s[i..]. Stops at end (or at a char in
// `stop`). Values may be tokens/hosts or quoted strings.
Result<Params> read_params(std::string_view s, std::size_t& i, std::string_view header,
                           std::string_view stop = {}) {
  Params ps;
  for (;;) {
    skip_ws(s, i);
    if (i >= s.size()) break;
    if (stop.find(s[i]) != std::string_view::npos) break;
    if (s[i] != ';')
      return sip_error(hname(header),
                       "unexpected '" + std::string(1, s[i]) + "' where ';' expected");
    ++i;
    skip_ws(s, i);
    std::size_t n0 = i;
    while (i < s.size() && is_token_char(s[i])) ++i;
    if (i == n0) return sip_error(hname(header), "empty parameter name");
    Param p{lower(s.substr(n0, i - n0)), std::nullopt};
    skip_ws(s, i);
    if (i < s.size() && s[i] == '=') {
      ++i;
      skip_ws(s, i);
      if (i < s.size() && s[i] == '"') {
        auto qv = read_quoted(s, i, header);
        if (!qv) return qv.error();
        p.value = *qv;
      } else {
        std::size_t v0 = i;
        while (i < s.size() && is_pvalue_char(s[i]) && s[i] != '?') ++i;
        if (i == v0)
          return sip_error(hname(header), "parameter '" + p.name + "' has an empty value");
        p.value = std::string(s.substr(v0, i - v0));
      }
    }
    if (find_param(ps, p.name))
      return sip_error(hname(header), "parameter '" + p.name + "' repeated");
    if (ps.size() >= 32) return sip_error(hname(header), "more than 32 parameters");
    ps.push_back(std::move(p));
  }
  return ps;
}

Result<std::uint16_t> parse_port(std::string_view p, std::string_view header) {
  if (p.empty() || p.size() > 5)
    return sip_error(hname(header), "bad port '" + std::string(p) + "'");
  std::uint32_t v = 0;
  for (char c : p) {
    if (c < '0' || c > '9') return sip_error(hname(header), "bad port '" + std::string(p) + "'");
    v = v * 10 + static_cast<std::uint32_t>(c - '0');
  }
  if (v == 0 || v > 65535) return sip_error(hname(header), "port out of range");
  return static_cast<std::uint16_t>(v);
}

// host[:port]; host is a hostname/IPv4 or [IPv6].
Result<std::pair<std::string, std::optional<std::uint16_t>>> parse_hostport(
    std::string_view s, std::string_view header) {
  std::string host;
  std::size_t i = 0;
  if (!s.empty() && s[0] == '[') {
    std::size_t e = s.find(']');
    if (e == std::string_view::npos) return sip_error(hname(header), "unterminated IPv6 reference");
    for (std::size_t k = 1; k < e; ++k)
      if (!std::isxdigit(static_cast<unsigned char>(s[k])) && s[k] != ':' && s[k] != '.')
        return sip_error(hname(header), "bad IPv6 reference");
    host = lower(s.substr(0, e + 1));
    i = e + 1;
  } else {
    while (i < s.size() &&
           (std::isalnum(static_cast<unsigned char>(s[i])) || s[i] == '-' || s[i] == '.'))
      ++i;
    host = lower(s.substr(0, i));
  }
  if (host.empty() || host == "[]") return sip_error(hname(header), "missing host");
  std::optional<std::uint16_t> port;
  if (i < s.size()) {
    if (s[i] != ':')
      return sip_error(hname(header), "bad character '" + std::string(1, s[i]) + "' in host");
    auto pr = parse_port(s.substr(i + 1), header);
    if (!pr) return pr.error();
    port = *pr;
  }
  return std::make_pair(host, port);
}

std::string format_params(const Params& ps) {
  std::string out;
  for (const auto& p : ps) {
    out += ';';
    out += p.name;
    if (p.value) {
      out += '=';
      bool tok = !p.value->empty();
      for (char c : *p.value)
        if (!is_pvalue_char(c)) tok = false;
      out += tok ? *p.value : quote(*p.value);
    }
  }
  return out;
}

bool is_lhex(std::string_view s) {
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

}  // namespace

const Param* find_param(const Params& params, std::string_view name) {
  for (const auto& p : params)
    if (ieq(p.name, name)) return &p;
  return nullptr;
}

std::string quote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  out += '"';
  return out;
}

// ---------------------------------------------------------------- URI

Result<SipUri> parse_uri(std::string_view text, std::string_view header) {
  SipUri u;
  std::size_t colon = text.find(':');
  if (colon == std::string_view::npos || colon == 0)
    return sip_error(hname(header), "URI without scheme");
  u.scheme = lower(text.substr(0, colon));
  std::string_view rest = text.substr(colon + 1);
  for (char c : rest)
    if (static_cast<unsigned char>(c) <= 0x20 || c == '<' || c == '>' || c == '"' || c == 0x7f)
      return sip_error(hname(header), "invalid character in URI");
  if (u.scheme == "tel") {
    std::size_t semi = rest.find(';');
    u.user = std::string(rest.substr(0, semi));
    if (u.user.empty()) return sip_error(hname(header), "tel: URI without number");
    if (semi != std::string_view::npos) {
      std::size_t i = semi;
      auto ps = read_params(rest, i, header);
      if (!ps) return ps.error();
      u.params = std::move(*ps);
    }
    return u;
  }
  if (u.scheme != "sip" && u.scheme != "sips")
    return sip_error(hname(header), "unsupported URI scheme '" + u.scheme + "'");
  std::size_t qm = rest.find('?');
  if (qm != std::string_view::npos) {
    u.headers = std::string(rest.substr(qm + 1));
    rest = rest.substr(0, qm);
  }
  std::size_t at = rest.rfind('@');
  if (at != std::string_view::npos) {
    u.user = std::string(rest.substr(0, at));
    if (u.user.empty()) return sip_error(hname(header), "empty user part before '@'");
    rest = rest.substr(at + 1);
  }
  std::size_t semi = rest.find(';');
  auto hp = parse_hostport(rest.substr(0, semi), header);
  if (!hp) return hp.error();
  u.host = hp->first;
  u.port = hp->second;
  if (semi != std::string_view::npos) {
    std::size_t i = semi;
    auto ps = read_params(rest, i, header);
    if (!ps) return ps.error();
    u.params = std::move(*ps);
  }
  return u;
}

std::string format_uri(const SipUri& u) {
  std::string out = u.scheme + ":";
  if (u.scheme == "tel") return out + u.user + format_params(u.params);
  if (!u.user.empty()) out += u.user + "@";
  out += u.host;
  if (u.port) out += ":" + std::to_string(*u.port);
  out += format_params(u.params);
  if (!u.headers.empty()) out += "?" + u.headers;
  return out;
}

// ---------------------------------------------------------------- name-addr

std::optional<std::string> NameAddr::tag() const {
  const Param* p = find_param(params, "tag");
  if (!p || !p->value) return std::nullopt;
  return p->value;
}

Result<NameAddr> parse_name_addr(std::string_view value, std::string_view header) {
  NameAddr na;
  std::string_view s = trim(value);
  if (s.empty()) return sip_error(hname(header), "empty value");
  std::size_t i = 0;
  std::size_t lt = std::string_view::npos;
  if (s[0] == '"') {
    auto d = read_quoted(s, i, header);
    if (!d) return d.error();
    na.display = *d;
    skip_ws(s, i);
    if (i >= s.size() || s[i] != '<')
      return sip_error(hname(header), "display name not followed by '<'");
    lt = i;
  } else {
    // Either tokens followed by '<', or an addr-spec.
    std::size_t k = s.find('<');
    if (k != std::string_view::npos) {
      std::string_view disp = trim(s.substr(0, k));
      for (char c : disp)
        if (!is_token_char(c) && !is_ws(c)) return sip_error(hname(header), "bad display name");
      na.display = std::string(disp);
      lt = k;
    }
  }
  if (lt != std::string_view::npos) {
    std::size_t gt = s.find('>', lt);
    if (gt == std::string_view::npos) return sip_error(hname(header), "'<' without '>'");
    na.uri_text = std::string(s.substr(lt + 1, gt - lt - 1));
    i = gt + 1;
  } else {
    // addr-spec: the URI ends at the first ';' (RFC 3261 section 20.10: the
    // parameters belong to the header field).
    std::size_t semi = s.find(';');
    if (s.find('?') != std::string_view::npos || s.find(',') != std::string_view::npos)
      return sip_error(hname(header), "URI with '?' or ',' must be enclosed in <>");
    na.uri_text = std::string(trim(s.substr(0, semi)));
    i = semi == std::string_view::npos ? s.size() : semi;
  }
  auto u = parse_uri(na.uri_text, header);
  if (!u) return u.error();
  na.uri = std::move(*u);
  auto ps = read_params(s, i, header);
  if (!ps) return ps.error();
  na.params = std::move(*ps);
  return na;
}

Result<std::vector<NameAddr>> parse_name_addr_list(std::string_view value,
                                                   std::string_view header) {
  auto parts = split_list(value, header);
  if (!parts) return parts.error();
  std::vector<NameAddr> out;
  for (auto p : *parts) {
    auto na = parse_name_addr(p, header);
    if (!na) return na.error();
    out.push_back(std::move(*na));
  }
  return out;
}

std::string format_name_addr(const NameAddr& na) {
  std::string out;
  if (!na.display.empty()) out += quote(na.display) + " ";
  out += "<" + format_uri(na.uri) + ">";
  out += format_params(na.params);
  return out;
}

Result<Contacts> parse_contacts(std::string_view value) {
  Contacts c;
  if (trim(value) == "*") {
    c.star = true;
    return c;
  }
  auto l = parse_name_addr_list(value, "Contact");
  if (!l) return l.error();
  for (const auto& na : *l) {
    if (const Param* p = find_param(na.params, "expires")) {
      if (!p->value) return sip_error("Contact", "expires without value");
      auto e = parse_uint32(*p->value, "Contact");
      if (!e) return sip_error("Contact", "expires is not a 32-bit decimal");
    }
    //= spec#5626-4.2-UE-INSTANCE-REGID type=implementation
    if (const Param* p = find_param(na.params, "reg-id")) {
      if (!p->value) return sip_error("Contact", "reg-id without value");
      auto r = parse_uint32(*p->value, "Contact");
      if (!r || *r == 0 || *r > 0x7fffffffu) return sip_error("Contact", "reg-id not in 1..2^31-1");
      if (!find_param(na.params, "+sip.instance"))
        return sip_error("Contact", "reg-id without +sip.instance (RFC 5626 section 4.2)");
    }
    if (const Param* p = find_param(na.params, "+sip.instance")) {
      if (!p->value || p->value->size() < 3 || p->value->front() != '<' || p->value->back() != '>')
        return sip_error("Contact", "+sip.instance must be a quoted \"<URN>\"");
    }
  }
  c.list = std::move(*l);
  return c;
}

std::optional<std::string> contact_instance(const NameAddr& contact) {
  const Param* p = find_param(contact.params, "+sip.instance");
  if (!p || !p->value || p->value->size() < 3) return std::nullopt;
  return p->value->substr(1, p->value->size() - 2);
}

std::optional<std::uint32_t> contact_reg_id(const NameAddr& contact) {
  const Param* p = find_param(contact.params, "reg-id");
  if (!p || !p->value) return std::nullopt;
  auto r = parse_uint32(*p->value, "Contact");
  if (!r) return std::nullopt;
  return *r;
}

std::optional<std::uint32_t> contact_expires(const NameAddr& contact) {
  const Param* p = find_param(contact.params, "expires");
  if (!p || !p->value) return std::nullopt;
  auto r = parse_uint32(*p->value, "Contact");
  if (!r) return std::nullopt;
  return *r;
}

// ---------------------------------------------------------------- Via

Result<std::vector<Via>> parse_via(std::string_view value) {
  auto parts = split_list(value, "Via");
  if (!parts) return parts.error();
  std::vector<Via> out;
  for (auto part : *parts) {
    Via v;
    std::size_t i = 0;
    // sent-protocol: SIP / 2.0 / transport (LWS around '/' allowed).
    std::string proto[3];
    for (int k = 0; k < 3; ++k) {
      skip_ws(part, i);
      std::size_t t0 = i;
      while (i < part.size() && is_token_char(part[i])) ++i;
      proto[k] = std::string(part.substr(t0, i - t0));
      if (proto[k].empty()) return sip_error("Via", "malformed sent-protocol");
      skip_ws(part, i);
      if (k < 2) {
        if (i >= part.size() || part[i] != '/') return sip_error("Via", "malformed sent-protocol");
        ++i;
      }
    }
    if (!ieq(proto[0], "SIP") || proto[1] != "2.0")
      return sip_error("Via", "protocol is not SIP/2.0");
    for (char& c : proto[2]) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    v.transport = proto[2];
    skip_ws(part, i);
    std::size_t h0 = i;
    while (i < part.size() && part[i] != ';' && !is_ws(part[i])) ++i;
    if (i == h0) return sip_error("Via", "missing sent-by host");
    auto hp = parse_hostport(part.substr(h0, i - h0), "Via");
    if (!hp) return hp.error();
    v.host = hp->first;
    v.port = hp->second;
    auto ps = read_params(part, i, "Via");
    if (!ps) return ps.error();
    v.params = std::move(*ps);
    if (const Param* b = find_param(v.params, "branch")) {
      if (!b->value || !is_token(*b->value)) return sip_error("Via", "branch is not a token");
      v.branch = b->value;
    } else {
      //= spec#ADP-SIP-MALFORMED-400 type=implementation
      return sip_error("Via", "branch parameter missing");
    }
    if (const Param* r = find_param(v.params, "received")) {
      if (!r->value) return sip_error("Via", "received without value");
      v.received = r->value;
    }
    if (const Param* r = find_param(v.params, "rport")) {
      v.rport = true;
      if (r->value) {
        auto p = parse_port(*r->value, "Via");
        if (!p) return sip_error("Via", "rport is not a port number");
        v.rport_value = *p;
      }
    }
    out.push_back(std::move(v));
  }
  return out;
}

std::string format_via(const Via& v) {
  std::string out = "SIP/2.0/" + v.transport + " " + v.host;
  if (v.port) out += ":" + std::to_string(*v.port);
  Params ps = v.params;
  auto set = [&ps](const std::string& n, std::optional<std::string> val, bool present) {
    for (auto it = ps.begin(); it != ps.end(); ++it)
      if (it->name == n) {
        ps.erase(it);
        break;
      }
    if (present) ps.push_back(Param{n, std::move(val)});
  };
  if (v.branch) set("branch", v.branch, true);
  if (v.received) set("received", v.received, true);
  if (v.rport)
    set("rport",
        v.rport_value ? std::optional<std::string>(std::to_string(*v.rport_value)) : std::nullopt,
        true);
  return out + format_params(ps);
}

// ---------------------------------------------------------------- numbers

Result<std::uint32_t> parse_uint32(std::string_view value, std::string_view header) {
  std::string_view s = trim(value);
  if (s.empty()) return sip_error(hname(header), "empty number");
  if (s.size() > 10) return sip_error(hname(header), "number longer than 10 digits");
  std::uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return sip_error(hname(header), "not a decimal number");
    v = v * 10 + static_cast<std::uint64_t>(c - '0');
  }
  if (v > 0xffffffffu) return sip_error(hname(header), "number exceeds 2^32-1");
  return static_cast<std::uint32_t>(v);
}

Result<CSeq> parse_cseq(std::string_view value) {
  std::string_view s = trim(value);
  std::size_t sp = 0;
  while (sp < s.size() && !is_ws(s[sp])) ++sp;
  auto n = parse_uint32(s.substr(0, sp), "CSeq");
  if (!n) return n.error();
  if (*n > 0x7fffffffu) return sip_error("CSeq", "sequence number not below 2^31");
  std::string_view m = trim(s.substr(sp));
  if (!is_token(m)) return sip_error("CSeq", "missing or malformed method");
  return CSeq{*n, std::string(m)};
}

Result<std::vector<std::string>> parse_option_tags(std::string_view value,
                                                   std::string_view header) {
  std::vector<std::string> out;
  if (trim(value).empty()) return out;  // Supported may be empty (RFC 3261 20.37)
  auto parts = split_list(value, header);
  if (!parts) return parts.error();
  for (auto p : *parts) {
    if (!is_token(p))
      return sip_error(hname(header), "option tag '" + std::string(p) + "' is not a token");
    out.push_back(lower(p));
  }
  return out;
}

// ---------------------------------------------------------------- Digest

const char* algorithm_name(DigestAlgorithm a) {
  return a == DigestAlgorithm::sha256 ? "SHA-256" : "MD5";
}

//= spec#N.1-DIGEST-RFC7616 type=implementation
Result<DigestAlgorithm> parse_algorithm(std::string_view token, std::string_view header) {
  if (ieq(token, "MD5")) return DigestAlgorithm::md5;
  if (ieq(token, "SHA-256")) return DigestAlgorithm::sha256;
  return sip_error(hname(header), "unsupported algorithm '" + std::string(token) + "'");
}

Result<Params> parse_auth_params(std::string_view text, std::string_view header) {
  Params ps;
  std::string_view s = trim(text);
  std::size_t i = 0;
  while (i < s.size()) {
    skip_ws(s, i);
    std::size_t n0 = i;
    while (i < s.size() && is_token_char(s[i])) ++i;
    if (i == n0) return sip_error(hname(header), "expected a parameter name");
    Param p{lower(s.substr(n0, i - n0)), std::nullopt};
    skip_ws(s, i);
    if (i >= s.size() || s[i] != '=')
      return sip_error(hname(header), "parameter '" + p.name + "' without '='");
    ++i;
    skip_ws(s, i);
    if (i < s.size() && s[i] == '"') {
      auto q = read_quoted(s, i, header);
      if (!q) return q.error();
      p.value = *q;
    } else {
      std::size_t v0 = i;
      while (i < s.size() && (is_token_char(s[i]) || s[i] == '/' || s[i] == '=' || s[i] == ':'))
        ++i;
      if (i == v0) return sip_error(hname(header), "parameter '" + p.name + "' has an empty value");
      p.value = std::string(s.substr(v0, i - v0));
    }
    if (find_param(ps, p.name))
      return sip_error(hname(header), "parameter '" + p.name + "' repeated");
    if (ps.size() >= 32) return sip_error(hname(header), "more than 32 parameters");
    ps.push_back(std::move(p));
    skip_ws(s, i);
    if (i < s.size()) {
      if (s[i] != ',')
        return sip_error(hname(header), "expected ',' after parameter '" + ps.back().name + "'");
      ++i;
      skip_ws(s, i);
      if (i >= s.size()) return sip_error(hname(header), "trailing ','");
    }
  }
  return ps;
}

namespace {

Result<Params> digest_params(std::string_view value, std::string_view header) {
  std::string_view s = trim(value);
  std::size_t sp = 0;
  while (sp < s.size() && is_token_char(s[sp])) ++sp;
  if (!ieq(s.substr(0, sp), "Digest")) return sip_error(hname(header), "scheme is not Digest");
  if (sp >= s.size() || !is_ws(s[sp]))
    return sip_error(hname(header), "no parameters after Digest");
  return parse_auth_params(s.substr(sp), header);
}

const std::string* pv(const Params& ps, std::string_view n) {
  const Param* p = find_param(ps, n);
  return p && p->value ? &*p->value : nullptr;
}

}  // namespace

Result<DigestChallenge> parse_challenge(std::string_view value, std::string_view header) {
  auto ps = digest_params(value, header);
  if (!ps) return ps.error();
  DigestChallenge c;
  const std::string* realm = pv(*ps, "realm");
  const std::string* nonce = pv(*ps, "nonce");
  if (!realm) return sip_error(hname(header), "realm missing");
  if (!nonce || nonce->empty()) return sip_error(hname(header), "nonce missing");
  c.realm = *realm;
  c.nonce = *nonce;
  if (auto o = pv(*ps, "opaque")) c.opaque = *o;
  if (auto d = pv(*ps, "domain")) c.domain = *d;
  if (auto a = pv(*ps, "algorithm")) {
    auto alg = parse_algorithm(*a, header);
    if (!alg) return alg.error();
    c.algorithm = *alg;
    c.algorithm_present = true;
  }
  if (auto q = pv(*ps, "qop")) {
    std::string_view qs = *q;
    std::size_t st = 0;
    while (st <= qs.size()) {
      std::size_t e = qs.find(',', st);
      if (e == std::string_view::npos) e = qs.size();
      std::string_view t = trim(qs.substr(st, e - st));
      if (!is_token(t)) return sip_error(hname(header), "malformed qop list");
      c.qop.push_back(lower(t));
      st = e + 1;
    }
  }
  if (auto st = pv(*ps, "stale")) {
    if (ieq(*st, "true"))
      c.stale = true;
    else if (ieq(*st, "false"))
      c.stale = false;
    else
      return sip_error(hname(header), "stale is neither true nor false");
  }
  return c;
}

std::string format_challenge(const DigestChallenge& c) {
  std::string out = "Digest realm=" + quote(c.realm) + ", nonce=" + quote(c.nonce);
  if (c.opaque) out += ", opaque=" + quote(*c.opaque);
  if (c.domain) out += ", domain=" + quote(*c.domain);
  out += std::string(", algorithm=") + algorithm_name(c.algorithm);
  if (!c.qop.empty()) {
    std::string q;
    for (const auto& t : c.qop) q += (q.empty() ? "" : ",") + t;
    out += ", qop=" + quote(q);
  }
  if (c.stale) out += ", stale=true";
  return out;
}

Result<DigestCredentials> parse_credentials(std::string_view value, std::string_view header) {
  auto ps = digest_params(value, header);
  if (!ps) return ps.error();
  DigestCredentials c;
  const char* required[] = {"username", "realm", "nonce", "uri", "response"};
  for (const char* r : required)
    if (!pv(*ps, r)) return sip_error(hname(header), std::string(r) + " missing");
  c.username = *pv(*ps, "username");
  c.realm = *pv(*ps, "realm");
  c.nonce = *pv(*ps, "nonce");
  c.uri = *pv(*ps, "uri");
  c.response = lower(*pv(*ps, "response"));
  if (c.username.empty()) return sip_error(hname(header), "username empty");
  // TS 24.229 5.1.1.2 (SIP digest): the initial REGISTER carries the IMPI with
  // an empty nonce and an empty response, before any challenge
  // (24229-5.1.1.2-PC-INITIAL-DIGEST-AUTHORIZATION, RD-226). One empty
  // without the other is malformed.
  //= spec#24229-5.1.1.2-PC-INITIAL-DIGEST-AUTHORIZATION type=implementation
  const bool unanswered = c.nonce.empty() && c.response.empty();
  if (c.nonce.empty() && !unanswered) return sip_error(hname(header), "nonce empty");
  if (auto u = pv(*ps, "userhash"); u && ieq(*u, "true"))
    return sip_error(hname(header), "userhash not supported");
  if (auto a = pv(*ps, "algorithm")) {
    auto alg = parse_algorithm(*a, header);
    if (!alg) return alg.error();
    c.algorithm = *alg;
    c.algorithm_present = true;
  }
  std::size_t want = c.algorithm == DigestAlgorithm::sha256 ? 64 : 32;
  if (!unanswered && (c.response.size() != want || !is_lhex(c.response)))
    return sip_error(hname(header), "response is not " + std::to_string(want) + " hex digits");
  if (auto o = pv(*ps, "opaque")) c.opaque = *o;
  if (auto ip = pv(*ps, "integrity-protected")) c.integrity_protected = *ip;
  if (unanswered && (pv(*ps, "qop") || pv(*ps, "nc") || pv(*ps, "cnonce")))
    return sip_error(hname(header), "qop/nc/cnonce with an empty nonce and response");
  if (auto q = pv(*ps, "qop")) {
    if (!ieq(*q, "auth"))
      return sip_error(hname(header), "qop '" + *q + "' not supported (only auth)");
    c.qop = "auth";
    auto nc = pv(*ps, "nc");
    auto cn = pv(*ps, "cnonce");
    if (!nc) return sip_error(hname(header), "nc missing with qop");
    if (!cn || cn->empty()) return sip_error(hname(header), "cnonce missing with qop");
    std::string ncl = lower(*nc);
    if (ncl.size() != 8 || !is_lhex(ncl)) return sip_error(hname(header), "nc is not 8 hex digits");
    c.nc = ncl;
    c.cnonce = *cn;
  } else if (pv(*ps, "nc") || pv(*ps, "cnonce")) {
    return sip_error(hname(header), "nc/cnonce without qop");
  }
  return c;
}

std::string format_credentials(const DigestCredentials& c) {
  std::string out = "Digest username=" + quote(c.username) + ", realm=" + quote(c.realm) +
                    ", nonce=" + quote(c.nonce) + ", uri=" + quote(c.uri) +
                    ", response=" + quote(c.response) +
                    ", algorithm=" + algorithm_name(c.algorithm);
  if (c.opaque) out += ", opaque=" + quote(*c.opaque);
  if (c.qop) out += ", qop=" + *c.qop;
  if (c.nc) out += ", nc=" + *c.nc;
  if (c.cnonce) out += ", cnonce=" + quote(*c.cnonce);
  if (c.integrity_protected) out += ", integrity-protected=" + quote(*c.integrity_protected);
  return out;
}

Result<AuthenticationInfo> parse_authentication_info(std::string_view value) {
  auto ps = parse_auth_params(value, "Authentication-Info");
  if (!ps) return ps.error();
  AuthenticationInfo a;
  if (auto v = pv(*ps, "rspauth")) {
    std::string r = lower(*v);
    if ((r.size() != 32 && r.size() != 64) || !is_lhex(r))
      return sip_error("Authentication-Info", "rspauth is not 32 or 64 hex digits");
    a.rspauth = r;
  }
  if (auto v = pv(*ps, "qop")) a.qop = lower(*v);
  if (auto v = pv(*ps, "nc")) a.nc = lower(*v);
  if (auto v = pv(*ps, "cnonce")) a.cnonce = *v;
  if (auto v = pv(*ps, "nextnonce")) a.nextnonce = *v;
  return a;
}

std::string format_authentication_info(const AuthenticationInfo& a) {
  std::string out;
  auto add = [&out](const std::string& kv) { out += (out.empty() ? "" : ", ") + kv; };
  if (a.rspauth) add("rspauth=" + quote(*a.rspauth));
  if (a.qop) add("qop=" + *a.qop);
  if (a.nc) add("nc=" + *a.nc);
  if (a.cnonce) add("cnonce=" + quote(*a.cnonce));
  if (a.nextnonce) add("nextnonce=" + quote(*a.nextnonce));
  return out;
}

// ---------------------------------------------------------------- RFC 3329

namespace {

Result<std::uint16_t> parse_qvalue(std::string_view v, std::string_view header) {
  // qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] )
  if (v.empty() || (v[0] != '0' && v[0] != '1')) return sip_error(hname(header), "bad q value");
  std::uint32_t q = v[0] == '1' ? 1000 : 0;
  if (v.size() > 1) {
    if (v[1] != '.' || v.size() > 5) return sip_error(hname(header), "bad q value");
    std::uint32_t scale = 100;
    for (std::size_t k = 2; k < v.size(); ++k) {
      if (v[k] < '0' || v[k] > '9') return sip_error(hname(header), "bad q value");
      q += static_cast<std::uint32_t>(v[k] - '0') * scale;
      scale /= 10;
    }
    if (q > 1000) return sip_error(hname(header), "q value above 1");
  }
  return static_cast<std::uint16_t>(q);
}

}  // namespace

Result<std::vector<SecMechanism>> parse_security(std::string_view value, std::string_view header) {
  auto parts = split_list(value, header);
  if (!parts) return parts.error();
  std::vector<SecMechanism> out;
  for (auto part : *parts) {
    SecMechanism m;
    std::size_t i = 0;
    while (i < part.size() && is_token_char(part[i])) ++i;
    if (i == 0) return sip_error(hname(header), "missing mechanism name");
    m.name = lower(part.substr(0, i));
    auto ps = read_params(part, i, header);
    if (!ps) return ps.error();
    m.params = std::move(*ps);
    if (const Param* q = find_param(m.params, "q")) {
      if (!q->value) return sip_error(hname(header), "q without value");
      auto qv = parse_qvalue(*q->value, header);
      if (!qv) return qv.error();
      m.q = *qv;
    }
    out.push_back(std::move(m));
  }
  return out;
}

std::string format_security(const std::vector<SecMechanism>& list) {
  std::string out;
  for (const auto& m : list) {
    if (!out.empty()) out += ", ";
    out += m.name;
    Params ps;
    for (const auto& p : m.params)
      if (p.name != "q") ps.push_back(p);
    if (m.q) {
      std::string q = *m.q == 1000 ? "1"
                                   : "0." + std::string(3 - std::to_string(*m.q).size(), '0') +
                                         std::to_string(*m.q);
      while (q.size() > 3 && q.back() == '0') q.pop_back();
      ps.insert(ps.begin(), Param{"q", q});
    }
    out += format_params(ps);
  }
  return out;
}

//= spec#RFC3329-PC-VERIFY-ECHO type=implementation
bool same_security_lists(const std::vector<SecMechanism>& a, const std::vector<SecMechanism>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i].name != b[i].name || a[i].q != b[i].q) return false;
    std::size_t na = 0, nb = 0;
    for (const auto& p : a[i].params) {
      if (p.name == "q") continue;
      ++na;
      const Param* o = find_param(b[i].params, p.name);
      if (!o || o->value != p.value) return false;
    }
    for (const auto& p : b[i].params)
      if (p.name != "q") ++nb;
    if (na != nb) return false;
  }
  return true;
}

}  // namespace annexo::sip
