#include "adapters/sip/digest.h"

#include <botan/auto_rng.h>
#include <botan/base64.h>
#include <botan/hash.h>
#include <botan/hex.h>
#include <botan/mac.h>

#include <algorithm>
#include <cctype>

namespace annexo::sip {
namespace {

Botan::AutoSeeded_RNG& rng() {
  static thread_local Botan::AutoSeeded_RNG r;
  return r;
}

std::string to_lower_hex(const std::uint8_t* p, std::size_t n) {
  return Botan::hex_encode(p, n, false);
}

}  // namespace

std::string digest_hash(DigestAlgorithm alg, std::string_view data) {
  auto h = Botan::HashFunction::create_or_throw(alg == DigestAlgorithm::sha256 ? "SHA-256" : "MD5");
  h->update(reinterpret_cast<const std::uint8_t*>(data.data()), data.size());
  auto out = h->final();
  return to_lower_hex(out.data(), out.size());
}

//= spec#N.1-DIGEST-RFC7616 type=implementation
std::string digest_ha1(DigestAlgorithm alg, std::string_view username, std::string_view realm,
                       std::string_view password) {
  std::string a1;
  a1.append(username).append(":").append(realm).append(":").append(password);
  return digest_hash(alg, a1);
}

namespace {

std::string kd(DigestAlgorithm alg, std::string_view ha1, std::string_view nonce,
               std::string_view nc, std::string_view cnonce, std::string_view qop,
               std::string_view ha2) {
  std::string s;
  s.append(ha1).append(":").append(nonce).append(":");
  if (!qop.empty()) s.append(nc).append(":").append(cnonce).append(":").append(qop).append(":");
  s.append(ha2);
  return digest_hash(alg, s);
}

}  // namespace

std::string digest_response(DigestAlgorithm alg, std::string_view ha1, std::string_view nonce,
                            std::string_view nc, std::string_view cnonce, std::string_view qop,
                            std::string_view method, std::string_view uri) {
  std::string a2;
  a2.append(method).append(":").append(uri);
  return kd(alg, ha1, nonce, nc, cnonce, qop, digest_hash(alg, a2));
}

std::string digest_rspauth(DigestAlgorithm alg, std::string_view ha1, std::string_view nonce,
                           std::string_view nc, std::string_view cnonce, std::string_view qop,
                           std::string_view uri) {
  std::string a2 = ":";
  a2.append(uri);
  return kd(alg, ha1, nonce, nc, cnonce, qop, digest_hash(alg, a2));
}

// Every byte is compared whatever the earlier ones were: no early exit.
//= spec#ADP-SIP-DIGEST-CONSTANT-TIME type=implementation
bool constant_time_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i)
    diff = static_cast<unsigned char>(
        diff | (static_cast<unsigned char>(a[i]) ^ static_cast<unsigned char>(b[i])));
  return diff == 0;
}

std::string random_hex(std::size_t bytes) {
  std::vector<std::uint8_t> b(bytes);
  rng().randomize(b.data(), b.size());
  return to_lower_hex(b.data(), b.size());
}

bool names_aka_algorithm(std::string_view auth_header_value) {
  std::string l;  // lower-case, without the white space around '='
  for (const char c : auth_header_value) {
    if (c != ' ' && c != '\t') l += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return l.find("algorithm=akav") != std::string::npos ||
         l.find("algorithm=\"akav") != std::string::npos;
}

Result<DigestCredentials> answer_challenge(const DigestChallenge& challenge,
                                           std::string_view username, std::string_view password,
                                           std::string_view method, std::string_view uri,
                                           std::uint32_t nc, std::string_view cnonce) {
  DigestCredentials c;
  c.username = std::string(username);
  c.realm = challenge.realm;
  c.nonce = challenge.nonce;
  c.uri = std::string(uri);
  c.algorithm = challenge.algorithm;
  c.algorithm_present = true;
  c.opaque = challenge.opaque;
  std::string qop;
  if (!challenge.qop.empty()) {
    if (std::find(challenge.qop.begin(), challenge.qop.end(), "auth") == challenge.qop.end())
      return sip_error("WWW-Authenticate", "qop offered without 'auth' (auth-int not supported)");
    qop = "auth";
    char buf[9];
    static const char* hx = "0123456789abcdef";
    for (int i = 0; i < 8; ++i) buf[i] = hx[(nc >> (28 - 4 * i)) & 0xf];
    buf[8] = 0;
    c.qop = qop;
    c.nc = std::string(buf);
    c.cnonce = cnonce.empty() ? random_hex(16) : std::string(cnonce);
  }
  std::string ha1 = digest_ha1(c.algorithm, username, c.realm, password);
  c.response = digest_response(c.algorithm, ha1, c.nonce, c.nc.value_or(""), c.cnonce.value_or(""),
                               qop, method, uri);
  return c;
}

//= spec#N.2-UE-VERIFY-RSPAUTH type=implementation
bool verify_rspauth(const AuthenticationInfo& info, const DigestCredentials& sent,
                    std::string_view password) {
  if (!info.rspauth) return false;
  if (sent.qop) {
    if (info.cnonce && *info.cnonce != sent.cnonce) return false;
    if (info.nc && *info.nc != sent.nc) return false;
    if (info.qop && *info.qop != *sent.qop) return false;
  }
  std::string ha1 = digest_ha1(sent.algorithm, sent.username, sent.realm, password);
  std::string want = digest_rspauth(sent.algorithm, ha1, sent.nonce, sent.nc.value_or(""),
                                    sent.cnonce.value_or(""), sent.qop.value_or(""), sent.uri);
  return constant_time_equal(want, *info.rspauth);
}

const char* nonce_check_name(NonceCheck c) {
  switch (c) {
    case NonceCheck::valid:
      return "valid";
    case NonceCheck::stale:
      return "stale";
    case NonceCheck::unknown:
      return "unknown";
    case NonceCheck::replay:
      return "replay";
  }
  return "?";
}

NonceStore::NonceStore(std::uint32_t lifetime_seconds, std::size_t max_tracked)
    : key_(32), lifetime_(lifetime_seconds), max_tracked_(max_tracked == 0 ? 1 : max_tracked) {
  rng().randomize(key_.data(), key_.size());
}

std::string NonceStore::mac(std::string_view first16) const {
  auto m = Botan::MessageAuthenticationCode::create_or_throw("HMAC(SHA-256)");
  m->set_key(key_);
  m->update(reinterpret_cast<const std::uint8_t*>(first16.data()), first16.size());
  auto out = m->final();
  return std::string(reinterpret_cast<const char*>(out.data()), 16);
}

std::string NonceStore::issue(std::uint32_t now) {
  std::string raw(16, '\0');
  raw[0] = static_cast<char>((now >> 24) & 0xff);
  raw[1] = static_cast<char>((now >> 16) & 0xff);
  raw[2] = static_cast<char>((now >> 8) & 0xff);
  raw[3] = static_cast<char>(now & 0xff);
  rng().randomize(reinterpret_cast<std::uint8_t*>(&raw[4]), 12);
  raw += mac(raw);
  return Botan::base64_encode(reinterpret_cast<const std::uint8_t*>(raw.data()), raw.size());
}

NonceCheck NonceStore::check(std::string_view nonce, std::string_view nc, std::uint32_t now) {
  if (nonce.size() != 44) return NonceCheck::unknown;  // base64 of 32 bytes
  std::string raw;
  try {
    auto v = Botan::base64_decode(std::string(nonce));
    raw.assign(reinterpret_cast<const char*>(v.data()), v.size());
  } catch (const std::exception&) {
    return NonceCheck::unknown;
  }
  if (raw.size() != 32) return NonceCheck::unknown;
  // Only a nonce of this process (its HMAC tag) is known; then its age and
  // its nonce count decide (stale, replay).
  //= spec#ADP-SIP-DIGEST-NONCE type=implementation
  if (!constant_time_equal(mac(std::string_view(raw).substr(0, 16)),
                           std::string_view(raw).substr(16)))
    return NonceCheck::unknown;
  std::uint32_t issued = (static_cast<std::uint32_t>(static_cast<unsigned char>(raw[0])) << 24) |
                         (static_cast<std::uint32_t>(static_cast<unsigned char>(raw[1])) << 16) |
                         (static_cast<std::uint32_t>(static_cast<unsigned char>(raw[2])) << 8) |
                         static_cast<std::uint32_t>(static_cast<unsigned char>(raw[3]));
  // Wrap-safe age (Seconds may wrap, brief): now - issued modulo 2^32.
  std::uint32_t age = now - issued;
  if (age > lifetime_) return NonceCheck::stale;
  if (nc.size() != 8) return NonceCheck::replay;
  std::uint32_t n = 0;
  for (char c : nc) {
    int d = (c >= '0' && c <= '9')   ? c - '0'
            : (c >= 'a' && c <= 'f') ? c - 'a' + 10
            : (c >= 'A' && c <= 'F') ? c - 'A' + 10
                                     : -1;
    if (d < 0) return NonceCheck::replay;
    n = (n << 4) | static_cast<std::uint32_t>(d);
  }
  std::string key(nonce);
  auto it = last_nc_.find(key);
  if (it == last_nc_.end()) {
    if (n == 0) return NonceCheck::replay;
    if (order_.size() >= max_tracked_) {
      last_nc_.erase(order_.front());
      order_.erase(order_.begin());
    }
    last_nc_.emplace(key, n);
    order_.push_back(key);
    return NonceCheck::valid;
  }
  if (n <= it->second) return NonceCheck::replay;
  it->second = n;
  return NonceCheck::valid;
}

const char* digest_verdict_name(DigestVerdict v) {
  switch (v) {
    case DigestVerdict::ok:
      return "ok";
    case DigestVerdict::stale_nonce:
      return "stale nonce";
    case DigestVerdict::unknown_nonce:
      return "unknown nonce";
    case DigestVerdict::replayed_nc:
      return "replayed nonce count";
    case DigestVerdict::wrong_realm:
      return "wrong realm";
    case DigestVerdict::wrong_uri:
      return "digest uri differs from Request-URI";
    case DigestVerdict::wrong_algorithm:
      return "wrong algorithm";
    case DigestVerdict::missing_qop:
      return "qop=auth missing";
    case DigestVerdict::wrong_response:
      return "wrong response (password)";
  }
  return "?";
}

//= spec#N.1-DIGEST-RFC7616 type=implementation
DigestVerdict verify_credentials(const DigestCredentials& creds, const DigestServerCheck& check,
                                 NonceStore& nonces) {
  // TS 24.229's initial REGISTER (empty nonce and response, RD-226): no
  // answer to any nonce of ours yet, so it is challenged like one without
  // credentials.
  if (creds.nonce.empty() && creds.response.empty()) return DigestVerdict::unknown_nonce;
  if (creds.realm != check.realm) return DigestVerdict::wrong_realm;
  if (creds.algorithm != check.algorithm) return DigestVerdict::wrong_algorithm;
  if (!creds.qop || !creds.nc || !creds.cnonce) return DigestVerdict::missing_qop;
  if (creds.uri != check.request_uri) return DigestVerdict::wrong_uri;
  // The response is checked BEFORE the nonce counter is consumed, so a
  // forged request cannot burn a legitimate client's nc values; the nonce's
  // authenticity (HMAC) is what makes stale vs unknown meaningful.
  std::string ha1 = digest_ha1(creds.algorithm, creds.username, creds.realm, check.password);
  std::string want = digest_response(creds.algorithm, ha1, creds.nonce, *creds.nc, *creds.cnonce,
                                     *creds.qop, check.method, creds.uri);
  bool response_ok = constant_time_equal(want, creds.response);
  // RFC 7616 section 3.3: stale=true only when the response is otherwise
  // valid, so a bad response is a wrong password whatever the nonce's age.
  if (!response_ok) return DigestVerdict::wrong_response;
  NonceCheck nc = nonces.check(creds.nonce, *creds.nc, check.now);
  switch (nc) {
    case NonceCheck::valid:
      return DigestVerdict::ok;
    case NonceCheck::stale:
      return DigestVerdict::stale_nonce;
    case NonceCheck::unknown:
      return DigestVerdict::unknown_nonce;
    case NonceCheck::replay:
      return DigestVerdict::replayed_nc;
  }
  return DigestVerdict::unknown_nonce;
}

AuthenticationInfo make_authentication_info(const DigestCredentials& creds,
                                            std::string_view password) {
  AuthenticationInfo a;
  std::string ha1 = digest_ha1(creds.algorithm, creds.username, creds.realm, password);
  a.rspauth = digest_rspauth(creds.algorithm, ha1, creds.nonce, creds.nc.value_or(""),
                             creds.cnonce.value_or(""), creds.qop.value_or(""), creds.uri);
  a.qop = creds.qop;
  a.nc = creds.nc;
  a.cnonce = creds.cnonce;
  return a;
}

}  // namespace annexo::sip
