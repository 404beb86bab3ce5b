// Typed header fields that Annex O needs, with strict parsers and formatters.
//
// Parsers take the header field VALUE (as stored in Message::headers) and
// return a SipError naming the header and the defect. Comma-separated lists
// are split outside quoted strings and angle brackets. Parameter names are
// compared case-insensitively and stored lower-case; a repeated parameter is
// an error (ambiguous). Quoted strings are unescaped on parse and escaped on
// format.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "adapters/sip/result.h"

namespace annexo::sip {

struct Param {
  std::string name;                  // lower-case
  std::optional<std::string> value;  // unquoted; nullopt for a flag (";ob", ";rport")
};
using Params = std::vector<Param>;

// Finds a parameter by lower-case name; nullptr if absent.
const Param* find_param(const Params& params, std::string_view name);

// sip: / sips: URI (RFC 3261 section 19.1), enough for Request-URI, Path,
// Route, Contact, P-*-Identity. tel: URIs are kept with scheme "tel" and the
// number in `user`.
struct SipUri {
  std::string scheme;  // "sip", "sips" or "tel" (lower-case)
  std::string user;    // may be empty; percent-escapes left as-is
  std::string host;    // lower-case; IPv6 references keep their brackets
  std::optional<std::uint16_t> port;
  Params params;        // ;transport=tls ;lr ;ob ...
  std::string headers;  // ?... part, verbatim (rarely used)
};
Result<SipUri> parse_uri(std::string_view text, std::string_view header = "Request-URI");
std::string format_uri(const SipUri& uri);

// name-addr / addr-spec with header parameters (To, From, Contact, Path,
// Route, Record-Route, Service-Route, P-Asserted-Identity, ...).
struct NameAddr {
  std::string display;  // unquoted display name, may be empty
  SipUri uri;
  std::string uri_text;  // the URI as written
  Params params;         // header parameters after the URI: tag, expires, reg-id, +sip.instance
  std::optional<std::string> tag() const;
};
Result<NameAddr> parse_name_addr(std::string_view value, std::string_view header);
// A comma-separated list of name-addrs (Contact, Path, Route, P-Associated-URI ...).
Result<std::vector<NameAddr>> parse_name_addr_list(std::string_view value, std::string_view header);
std::string format_name_addr(const NameAddr& na);  // always with <>

// Contact: either "*" or a list. For REGISTER (RFC 3261 10.2.2, RFC 5626 4.2):
// +sip.instance (quoted "<urn:...>"), reg-id (1..2^31-1) and expires (uint32)
// are validated when present.
struct Contacts {
  bool star = false;
  std::vector<NameAddr> list;
};
Result<Contacts> parse_contacts(std::string_view value);
std::optional<std::string> contact_instance(const NameAddr& contact);  // without quotes/<>
std::optional<std::uint32_t> contact_reg_id(const NameAddr& contact);
std::optional<std::uint32_t> contact_expires(const NameAddr& contact);

struct Via {
  std::string transport;  // upper-case: "TLS", "TCP", "UDP", "WSS", ...
  std::string host;
  std::optional<std::uint16_t> port;
  std::optional<std::string> branch;
  std::optional<std::string> received;
  bool rport = false;                        // ";rport" present
  std::optional<std::uint16_t> rport_value;  // ";rport=1234"
  Params params;                             // all parameters, including the above
};
// One Via field may hold several comma-separated vias. Each must be
// "SIP/2.0/<transport> host[:port]"; branch, when present, must be a token;
// a branch is required (RFC 3261 8.1.1.7) — "Via: branch parameter missing".
Result<std::vector<Via>> parse_via(std::string_view value);
std::string format_via(const Via& via);

struct CSeq {
  std::uint32_t number = 0;  // < 2^31 (RFC 3261 8.1.1.5)
  std::string method;
};
Result<CSeq> parse_cseq(std::string_view value);

// Expires / Max-Forwards / Content-Length style decimal (delta-seconds up to
// 2^32-1; more digits or any non-digit is an error).
Result<std::uint32_t> parse_uint32(std::string_view value, std::string_view header);

// Option tags: Require, Proxy-Require, Supported, Unsupported.
Result<std::vector<std::string>> parse_option_tags(std::string_view value, std::string_view header);

// --- Digest (RFC 7616, as used by SIP: RFC 3261 section 22, 33.203 Annex N) ---

enum class DigestAlgorithm { md5, sha256 };
const char* algorithm_name(DigestAlgorithm a);  // "MD5", "SHA-256"
// "MD5" (or absent: RFC 7616 default) and "SHA-256" only; -sess variants and
// SHA-512-256 are refused ("Authorization: unsupported algorithm ...").
Result<DigestAlgorithm> parse_algorithm(std::string_view token, std::string_view header);

// WWW-Authenticate / Proxy-Authenticate: Digest challenge.
struct DigestChallenge {
  std::string realm;
  std::string nonce;
  std::optional<std::string> opaque;
  DigestAlgorithm algorithm = DigestAlgorithm::md5;
  bool algorithm_present = false;
  std::vector<std::string> qop;  // from qop="auth,auth-int"
  bool stale = false;
  std::optional<std::string> domain;
};
Result<DigestChallenge> parse_challenge(std::string_view value,
                                        std::string_view header = "WWW-Authenticate");
std::string format_challenge(const DigestChallenge& c);

// Authorization / Proxy-Authorization: Digest credentials.
struct DigestCredentials {
  std::string username;
  std::string realm;
  std::string nonce;
  std::string uri;
  std::string response;  // lower-case hex, 32 (MD5) or 64 (SHA-256) digits
  DigestAlgorithm algorithm = DigestAlgorithm::md5;
  bool algorithm_present = false;
  std::optional<std::string> opaque;
  std::optional<std::string> qop;  // "auth" (auth-int refused)
  std::optional<std::string> nc;   // 8 hex digits
  std::optional<std::string> cnonce;
  std::optional<std::string> integrity_protected;  // 24.229: "tls-pending", "tls-yes", ...
};
// Required: username, realm, nonce, uri, response; with qop: nc and cnonce.
// userhash=true is refused; a response of the wrong length/alphabet is refused,
// except that nonce and response may both be empty (and then no qop, nc or
// cnonce): TS 24.229's initial REGISTER, credentials with no response yet.
Result<DigestCredentials> parse_credentials(std::string_view value,
                                            std::string_view header = "Authorization");
std::string format_credentials(const DigestCredentials& c);

// Authentication-Info (RFC 7616 section 3.5).
struct AuthenticationInfo {
  std::optional<std::string> rspauth;
  std::optional<std::string> qop;
  std::optional<std::string> nc;
  std::optional<std::string> cnonce;
  std::optional<std::string> nextnonce;
};
Result<AuthenticationInfo> parse_authentication_info(std::string_view value);
std::string format_authentication_info(const AuthenticationInfo& a);

// --- Security agreement (RFC 3329) ---

struct SecMechanism {
  std::string name;                // lower-case: "tls", "digest", "ipsec-3gpp", ...
  std::optional<std::uint16_t> q;  // preference in thousandths (q=0.1 -> 100), 0..1000
  Params params;                   // all parameters (q included)
};
// Security-Client / Security-Server / Security-Verify (a list; several fields
// are concatenated by the caller or parsed one by one).
Result<std::vector<SecMechanism>> parse_security(std::string_view value, std::string_view header);
std::string format_security(const std::vector<SecMechanism>& list);
// RFC 3329 section 2.3.1 equality used for Security-Verify vs Security-Server:
// same mechanisms in the same order with the same parameters (names compared
// case-insensitively, values exactly, q numerically).
bool same_security_lists(const std::vector<SecMechanism>& a, const std::vector<SecMechanism>& b);

// Generic "name=value, name="quoted"" list (auth-params); exposed for tests.
Result<Params> parse_auth_params(std::string_view text, std::string_view header);

// Escapes '"' and '\' and wraps in quotes.
std::string quote(std::string_view s);

}  // namespace annexo::sip
