// SIP Digest (33.203 Annex N -> RFC 3261 section 22 -> RFC 7616): response
// computation for the UE, verification and nonces for the P-CSCF's embedded
// home network, rspauth both ways. Hashes and randomness come from Botan.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/sip/headers.h"
#include "adapters/sip/result.h"

namespace annexo::sip {

// H(data) as lower-case hex.
std::string digest_hash(DigestAlgorithm alg, std::string_view data);

// HA1 = H(username ":" realm ":" password) (RFC 7616 section 3.4.2, non-sess).
std::string digest_ha1(DigestAlgorithm alg, std::string_view username, std::string_view realm,
                       std::string_view password);

// response = H(HA1 ":" nonce ":" nc ":" cnonce ":" qop ":" H(method ":" uri))
// with qop; H(HA1 ":" nonce ":" H(A2)) without (RFC 2617 compatibility,
// which only the UE uses when a server offers no qop).
std::string digest_response(DigestAlgorithm alg, std::string_view ha1, std::string_view nonce,
                            std::string_view nc, std::string_view cnonce, std::string_view qop,
                            std::string_view method, std::string_view uri);

// rspauth of Authentication-Info: as the response but with A2 = ":" uri
// (RFC 7616 section 3.5).
std::string digest_rspauth(DigestAlgorithm alg, std::string_view ha1, std::string_view nonce,
                           std::string_view nc, std::string_view cnonce, std::string_view qop,
                           std::string_view uri);

// Constant-time equality (length leaks, contents do not).
bool constant_time_equal(std::string_view a, std::string_view b);

// Random lower-case hex string of 2*bytes characters (AutoSeeded_RNG).
std::string random_hex(std::size_t bytes);

// O.1.1: with Annex O the user is authenticated with SIP Digest only. True when
// a WWW-Authenticate / Authorization value names an IMS AKA algorithm
// (AKAv1-MD5, AKAv2-SHA-256, ...), case-insensitively and whatever white space
// surrounds the '=' (RFC 3261 allows it).
bool names_aka_algorithm(std::string_view auth_header_value);

// --- UE side ---

// Answers a challenge: algorithm from the challenge, qop=auth when offered
// (auth-int is not supported: refused), nc as 8 hex digits, fresh cnonce.
// Errors: challenge offers qop but not "auth".
Result<DigestCredentials> answer_challenge(const DigestChallenge& challenge,
                                           std::string_view username, std::string_view password,
                                           std::string_view method, std::string_view uri,
                                           std::uint32_t nc = 1, std::string_view cnonce = {});

// Checks Authentication-Info's rspauth of a 2xx (N.2-UE-VERIFY-RSPAUTH).
// False when rspauth is missing or wrong, or cnonce/nc do not echo ours.
bool verify_rspauth(const AuthenticationInfo& info, const DigestCredentials& sent,
                    std::string_view password);

// --- P-CSCF (embedded home network) side ---

enum class NonceCheck {
  valid,    // issued by us, within lifetime, nc strictly increasing
  stale,    // issued by us but expired: re-challenge with stale=true
  unknown,  // not ours (forged, garbled, or issued before a restart)
  replay,   // nc not greater than the last seen for this nonce
};
const char* nonce_check_name(NonceCheck c);

// Stateless-authenticated, statefully-counted nonces:
//   nonce = base64url( issued_at(4, big-endian) | random(12) | HMAC-SHA-256(key, first 16)[0..16] )
// The key is drawn from AutoSeeded_RNG at construction. The last nc seen per
// nonce is kept in a bounded table (max_tracked; the oldest entry is evicted,
// whose nonce then reads as `unknown`, i.e. one more challenge).
class NonceStore {
 public:
  explicit NonceStore(std::uint32_t lifetime_seconds = 300, std::size_t max_tracked = 4096);
  std::string issue(std::uint32_t now);
  // nc is the 8-hex-digit value from the credentials.
  NonceCheck check(std::string_view nonce, std::string_view nc, std::uint32_t now);

 private:
  std::string mac(std::string_view first16) const;
  std::vector<std::uint8_t> key_;
  std::uint32_t lifetime_;
  std::size_t max_tracked_;
  std::map<std::string, std::uint32_t> last_nc_;  // nonce -> last nc
  std::vector<std::string> order_;                // insertion order for eviction
};

enum class DigestVerdict {
  ok,
  stale_nonce,      // re-challenge with stale=true
  unknown_nonce,    // re-challenge
  replayed_nc,      // refuse
  wrong_realm,      // refuse
  wrong_uri,        // uri differs from the Request-URI
  wrong_algorithm,  // algorithm not what we challenged with
  missing_qop,      // we always challenge with qop=auth
  wrong_response,   // the password is wrong (O.3.1.1)
};
const char* digest_verdict_name(DigestVerdict v);

struct DigestServerCheck {
  std::string_view realm;
  DigestAlgorithm algorithm = DigestAlgorithm::md5;
  std::string_view method;       // of the request carrying the credentials
  std::string_view request_uri;  // must equal credentials.uri
  std::string_view password;     // of the IMPI (credentials.username)
  std::uint32_t now = 0;
};
DigestVerdict verify_credentials(const DigestCredentials& creds, const DigestServerCheck& check,
                                 NonceStore& nonces);

// Authentication-Info for a 2xx after verify_credentials returned ok.
AuthenticationInfo make_authentication_info(const DigestCredentials& creds,
                                            std::string_view password);

}  // namespace annexo::sip
