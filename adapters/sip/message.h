// A SIP message (request or response): parsing (strict, bounded) and
// serialisation.
//
// Parsing decisions (documented; each refusal is a SipError naming the header):
//  - Line ends are CRLF only; a bare CR or LF inside the header section is an
//    error ("header-section: bare LF").
//  - Header folding (a line starting with SP/HT continues the previous field,
//    RFC 3261 section 7.3.1) is ACCEPTED and replaced by one SP, as RFC 3261's
//    grammar requires; a continuation line before any field is an error.
//  - Header names are tokens; compact forms (i, m, e, l, c, f, s, k, t, v, o,
//    r, u, x, b, a, j, d, y, n) are expanded; names are stored in canonical
//    spelling ("Call-ID", "WWW-Authenticate") and looked up case-insensitively.
//  - Bounds: at most ParseLimits::max_headers fields, each unfolded line at
//    most max_line bytes, control characters (other than HT) refused.
//  - Requests must carry exactly one To, From, Call-ID, CSeq, Max-Forwards
//    and at least one Via; responses exactly one To, From, Call-ID, CSeq and
//    at least one Via (RFC 3261 section 8.1.1). CSeq's method must equal the
//    request method. Content-Length must equal the body size. These fields are
//    parsed eagerly into Message::via / from / to / call_id / cseq.
//  - SIP-Version must be exactly "SIP/2.0".
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/sip/headers.h"
#include "adapters/sip/result.h"

namespace annexo::sip {

struct ParseLimits {
  std::size_t max_headers = 100;
  std::size_t max_line = 8 * 1024;
  std::size_t max_message = 64 * 1024;
};

struct HeaderField {
  std::string name;   // canonical spelling (compact forms expanded)
  std::string value;  // leading/trailing whitespace trimmed, folding unfolded
};

struct Message {
  bool is_request = true;
  // Request line.
  std::string method;
  std::string request_uri;
  // Status line.
  int status = 0;
  std::string reason;

  std::vector<HeaderField> headers;  // in wire order
  std::string body;

  // Parsed eagerly by parse_message (see above); builders fill headers only.
  std::vector<Via> via;
  NameAddr from;
  NameAddr to;
  std::string call_id;
  CSeq cseq;

  // Case-insensitive lookups by canonical or compact name.
  const std::string* first(std::string_view name) const;
  std::vector<const std::string*> all(std::string_view name) const;
  std::size_t count(std::string_view name) const;
  // Every field of that name joined with ", " in wire order (RFC 3261 7.3.1:
  // the same as one comma-separated field); empty when there is none.
  std::string joined(std::string_view name) const;

  void add(std::string name, std::string value) {
    headers.push_back(HeaderField{std::move(name), std::move(value)});
  }
  // Removes every field of that name; returns how many.
  std::size_t remove(std::string_view name);
};

// Canonical spelling of a header name (expands compact forms); returns the
// input unchanged for unknown names.
std::string canonical_header_name(std::string_view name);

// Parses one framed message (as returned by Framer).
Result<Message> parse_message(std::string_view bytes, const ParseLimits& limits = ParseLimits{});

// Wire form. Adds Content-Length (replacing any) from body.size(). Refuses
// header names that are not tokens and values containing CR, LF or NUL
// (header injection), and a start line with such bytes.
Result<std::string> serialize(const Message& m);

// A response to `request`: copies every Via, From, To, Call-ID and CSeq
// (RFC 3261 section 8.2.6.2); adds `;tag=to_tag` to To when To has no tag and
// to_tag is not empty (not for 100 Trying).
Message make_response(const Message& request, int status, std::string reason,
                      std::string_view to_tag = {});

// A request with a Max-Forwards: 70 and the mandatory fields given.
Message make_request(std::string method, std::string request_uri);

// Standard reason phrase for the codes annexo sends ("OK", "Unauthorized",
// "Forbidden", "Flow Failed", ...); "Unknown" otherwise.
const char* default_reason(int status);

}  // namespace annexo::sip
