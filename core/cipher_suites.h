// The cipher-suite registry of the Annex O TLS profile: one constexpr table by
// IANA code, and the pure per-code predicates the UE, the P-CSCF and the
// proofs share.
//
// Where the statuses come from (catalogue section 3; spec IDs in brackets):
//   mandatory    TLS 1.3 TLS_AES_128_GCM_SHA256 (RFC 8446 9.1 via TS 33.210
//                6.2.2) and TLS 1.2 ECDHE-{ECDSA,RSA}-AES128-GCM
//                [33210-6.2.2-RFC8446-9.1, 33210-6.2.3-TLS12-PROFILE]
//   recommended  TLS 1.3 AES-256-GCM, ChaCha20-Poly1305; TLS 1.2
//                ECDHE-*-AES256-GCM
//   allowed      TLS 1.3 AES-128-CCM; TLS 1.2 ECDHE-*-CHACHA20-POLY1305
//                (DHE-RSA-AES-GCM is refused: decision RD-29)
//   null_encryption  integrity-only suites with certificate authentication of
//                the P-CSCF: usable only behind offer_null_encryption (UE) /
//                allow_null_encryption (P-CSCF), both default false
//                [O.2.1-ALL-NULL-MAY, decision A1/A23]
//   forbidden    everything else. Rows with this status are listed only so
//                that tools can name them; an unknown code is forbidden too.
//
// Which functions the proofs call (proofs/ must not copy any of this):
//   - suite_facts(code)                     -> SuiteFacts<Concrete> for one code
//   - pcscf_choosable<D>, ue_acceptable<D>,
//     counts_as_encrypting_offer<D>         -> the decision predicates, over D
//   - pcscf_may_choose / ue_may_accept in profile.h are exactly these
//     templates applied to suite_facts(code) and the configuration, so a proof
//     may enumerate all 65 536 codes with the concrete functions, or reason
//     symbolically with the templates.
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/domain.h"
#include "core/tls_constants.h"

namespace annexo::core {

enum class KeyExchange : std::uint8_t { none, ecdhe, dhe, rsa, ecdh_static, anon, psk, tls13 };
// How the server is authenticated. TLS 1.3 suites do not fix it (signature
// schemes do), hence `certificate` (any certificate-based scheme).
enum class ServerAuth : std::uint8_t { none, ecdsa, rsa, psk, certificate };
enum class Bulk : std::uint8_t { null, aead, cbc, rc4, des, tdes, export_grade };
enum class Mac : std::uint8_t { none, aead, md5, sha1, sha256, sha384 };
enum class ProfileStatus : std::uint8_t {
  forbidden,
  null_encryption,
  allowed,
  recommended,
  mandatory
};

// Versions a suite is defined for (bit mask).
inline constexpr std::uint8_t kForLegacy = 1;  // SSL 3.0 - TLS 1.1
inline constexpr std::uint8_t kForTls12 = 2;
inline constexpr std::uint8_t kForTls13 = 4;

struct SuiteInfo {
  std::uint16_t code;
  const char* name;  // IANA description
  KeyExchange kx;
  ServerAuth auth;
  Bulk bulk;
  Mac mac;
  std::uint8_t versions;
  ProfileStatus status;
};

#define ANNEXO_SUITE(code, name, kx, auth, bulk, mac, ver, status)            \
  SuiteInfo {                                                                 \
    code, name, KeyExchange::kx, ServerAuth::auth, Bulk::bulk, Mac::mac, ver, \
        ProfileStatus::status                                                 \
  }
inline constexpr std::uint8_t kL12 = kForLegacy | kForTls12;

// Sorted by code (static_assert below). Default deny: only rows with a status
// other than `forbidden` can ever be offered or chosen.
inline constexpr SuiteInfo kSuites[] = {
    // always forbidden: no integrity at all (catalogue 3.3)
    //= spec#O.1.3-ALL-INTEG-ALWAYS type=implementation
    ANNEXO_SUITE(0x0000, "TLS_NULL_WITH_NULL_NULL", none, none, null, none, kL12, forbidden),
    // MD5 MAC
    ANNEXO_SUITE(0x0001, "TLS_RSA_WITH_NULL_MD5", rsa, rsa, null, md5, kL12, forbidden),
    // NULL with RSA key transport and SHA-1 MAC: not in the reference NULL set (A23)
    ANNEXO_SUITE(0x0002, "TLS_RSA_WITH_NULL_SHA", rsa, rsa, null, sha1, kL12, forbidden),
    ANNEXO_SUITE(0x0003, "TLS_RSA_EXPORT_WITH_RC4_40_MD5", rsa, rsa, export_grade, md5, kForLegacy,
                 forbidden),
    ANNEXO_SUITE(0x0004, "TLS_RSA_WITH_RC4_128_MD5", rsa, rsa, rc4, md5, kL12, forbidden),
    ANNEXO_SUITE(0x0005, "TLS_RSA_WITH_RC4_128_SHA", rsa, rsa, rc4, sha1, kL12, forbidden),
    ANNEXO_SUITE(0x0006, "TLS_RSA_EXPORT_WITH_RC2_CBC_40_MD5", rsa, rsa, export_grade, md5,
                 kForLegacy, forbidden),
    ANNEXO_SUITE(0x0008, "TLS_RSA_EXPORT_WITH_DES40_CBC_SHA", rsa, rsa, export_grade, sha1,
                 kForLegacy, forbidden),
    ANNEXO_SUITE(0x0009, "TLS_RSA_WITH_DES_CBC_SHA", rsa, rsa, des, sha1, kForLegacy, forbidden),
    ANNEXO_SUITE(0x000A, "TLS_RSA_WITH_3DES_EDE_CBC_SHA", rsa, rsa, tdes, sha1, kL12, forbidden),
    ANNEXO_SUITE(0x0016, "TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA", dhe, rsa, tdes, sha1, kL12,
                 forbidden),
    ANNEXO_SUITE(0x0017, "TLS_DH_anon_EXPORT_WITH_RC4_40_MD5", anon, none, export_grade, md5,
                 kForLegacy, forbidden),
    ANNEXO_SUITE(0x0018, "TLS_DH_anon_WITH_RC4_128_MD5", anon, none, rc4, md5, kL12, forbidden),
    ANNEXO_SUITE(0x0019, "TLS_DH_anon_EXPORT_WITH_DES40_CBC_SHA", anon, none, export_grade, sha1,
                 kForLegacy, forbidden),
    ANNEXO_SUITE(0x001A, "TLS_DH_anon_WITH_DES_CBC_SHA", anon, none, des, sha1, kForLegacy,
                 forbidden),
    ANNEXO_SUITE(0x001B, "TLS_DH_anon_WITH_3DES_EDE_CBC_SHA", anon, none, tdes, sha1, kL12,
                 forbidden),
    // pure-PSK / PSK NULL: no PSK exists in Annex O (O.2.1-UE-AUTH-PC-BY-CERT)
    ANNEXO_SUITE(0x002C, "TLS_PSK_WITH_NULL_SHA", psk, psk, null, sha1, kL12, forbidden),
    ANNEXO_SUITE(0x002D, "TLS_DHE_PSK_WITH_NULL_SHA", psk, psk, null, sha1, kL12, forbidden),
    ANNEXO_SUITE(0x002E, "TLS_RSA_PSK_WITH_NULL_SHA", psk, psk, null, sha1, kL12, forbidden),
    // CBC suites: outside the current TS 33.210 6.2 profile (AEAD only)
    ANNEXO_SUITE(0x002F, "TLS_RSA_WITH_AES_128_CBC_SHA", rsa, rsa, cbc, sha1, kL12, forbidden),
    ANNEXO_SUITE(0x0033, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA", dhe, rsa, cbc, sha1, kL12, forbidden),
    ANNEXO_SUITE(0x0034, "TLS_DH_anon_WITH_AES_128_CBC_SHA", anon, none, cbc, sha1, kL12,
                 forbidden),
    ANNEXO_SUITE(0x0035, "TLS_RSA_WITH_AES_256_CBC_SHA", rsa, rsa, cbc, sha1, kL12, forbidden),
    ANNEXO_SUITE(0x0039, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA", dhe, rsa, cbc, sha1, kL12, forbidden),
    ANNEXO_SUITE(0x003A, "TLS_DH_anon_WITH_AES_256_CBC_SHA", anon, none, cbc, sha1, kL12,
                 forbidden),
    ANNEXO_SUITE(0x003B, "TLS_RSA_WITH_NULL_SHA256", rsa, rsa, null, sha256, kForTls12,
                 null_encryption),
    ANNEXO_SUITE(0x003C, "TLS_RSA_WITH_AES_128_CBC_SHA256", rsa, rsa, cbc, sha256, kForTls12,
                 forbidden),
    ANNEXO_SUITE(0x003D, "TLS_RSA_WITH_AES_256_CBC_SHA256", rsa, rsa, cbc, sha256, kForTls12,
                 forbidden),
    ANNEXO_SUITE(0x0067, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA256", dhe, rsa, cbc, sha256, kForTls12,
                 forbidden),
    ANNEXO_SUITE(0x006B, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA256", dhe, rsa, cbc, sha256, kForTls12,
                 forbidden),
    ANNEXO_SUITE(0x006C, "TLS_DH_anon_WITH_AES_128_CBC_SHA256", anon, none, cbc, sha256, kForTls12,
                 forbidden),
    ANNEXO_SUITE(0x006D, "TLS_DH_anon_WITH_AES_256_CBC_SHA256", anon, none, cbc, sha256, kForTls12,
                 forbidden),
    ANNEXO_SUITE(0x008C, "TLS_PSK_WITH_AES_128_CBC_SHA", psk, psk, cbc, sha1, kL12, forbidden),
    ANNEXO_SUITE(0x008D, "TLS_PSK_WITH_AES_256_CBC_SHA", psk, psk, cbc, sha1, kL12, forbidden),
    // AEAD with RSA key transport: no forward secrecy, not in the profile
    ANNEXO_SUITE(0x009C, "TLS_RSA_WITH_AES_128_GCM_SHA256", rsa, rsa, aead, aead, kForTls12,
                 forbidden),
    ANNEXO_SUITE(0x009D, "TLS_RSA_WITH_AES_256_GCM_SHA384", rsa, rsa, aead, aead, kForTls12,
                 forbidden),
    // DHE AEAD: refused by the TLS 1.2 profile (decision RD-29)
    ANNEXO_SUITE(0x009E, "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", dhe, rsa, aead, aead, kForTls12,
                 forbidden),
    ANNEXO_SUITE(0x009F, "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384", dhe, rsa, aead, aead, kForTls12,
                 forbidden),
    ANNEXO_SUITE(0x00A6, "TLS_DH_anon_WITH_AES_128_GCM_SHA256", anon, none, aead, aead, kForTls12,
                 forbidden),
    ANNEXO_SUITE(0x00A7, "TLS_DH_anon_WITH_AES_256_GCM_SHA384", anon, none, aead, aead, kForTls12,
                 forbidden),
    ANNEXO_SUITE(0x00A8, "TLS_PSK_WITH_AES_128_GCM_SHA256", psk, psk, aead, aead, kForTls12,
                 forbidden),
    ANNEXO_SUITE(0x00A9, "TLS_PSK_WITH_AES_256_GCM_SHA384", psk, psk, aead, aead, kForTls12,
                 forbidden),
    ANNEXO_SUITE(0x00B0, "TLS_PSK_WITH_NULL_SHA256", psk, psk, null, sha256, kForTls12, forbidden),
    ANNEXO_SUITE(0x00B1, "TLS_PSK_WITH_NULL_SHA384", psk, psk, null, sha384, kForTls12, forbidden),
    ANNEXO_SUITE(0x00B4, "TLS_DHE_PSK_WITH_NULL_SHA256", psk, psk, null, sha256, kForTls12,
                 forbidden),
    ANNEXO_SUITE(0x00B5, "TLS_DHE_PSK_WITH_NULL_SHA384", psk, psk, null, sha384, kForTls12,
                 forbidden),
    ANNEXO_SUITE(0x00B8, "TLS_RSA_PSK_WITH_NULL_SHA256", psk, psk, null, sha256, kForTls12,
                 forbidden),
    ANNEXO_SUITE(0x00B9, "TLS_RSA_PSK_WITH_NULL_SHA384", psk, psk, null, sha384, kForTls12,
                 forbidden),
    // TLS 1.3 (RFC 8446 9.1 via TS 33.210 6.2.2)
    ANNEXO_SUITE(0x1301, "TLS_AES_128_GCM_SHA256", tls13, certificate, aead, aead, kForTls13,
                 mandatory),
    ANNEXO_SUITE(0x1302, "TLS_AES_256_GCM_SHA384", tls13, certificate, aead, aead, kForTls13,
                 recommended),
    ANNEXO_SUITE(0x1303, "TLS_CHACHA20_POLY1305_SHA256", tls13, certificate, aead, aead, kForTls13,
                 recommended),
    ANNEXO_SUITE(0x1304, "TLS_AES_128_CCM_SHA256", tls13, certificate, aead, aead, kForTls13,
                 allowed),
    // 8-byte tag, IANA Recommended = N: the reference implementation never uses it
    ANNEXO_SUITE(0x1305, "TLS_AES_128_CCM_8_SHA256", tls13, certificate, aead, aead, kForTls13,
                 forbidden),
    ANNEXO_SUITE(0xC001, "TLS_ECDH_ECDSA_WITH_NULL_SHA", ecdh_static, ecdsa, null, sha1, kL12,
                 forbidden),
    ANNEXO_SUITE(0xC002, "TLS_ECDH_ECDSA_WITH_RC4_128_SHA", ecdh_static, ecdsa, rc4, sha1, kL12,
                 forbidden),
    ANNEXO_SUITE(0xC006, "TLS_ECDHE_ECDSA_WITH_NULL_SHA", ecdhe, ecdsa, null, sha1, kL12,
                 null_encryption),
    ANNEXO_SUITE(0xC007, "TLS_ECDHE_ECDSA_WITH_RC4_128_SHA", ecdhe, ecdsa, rc4, sha1, kL12,
                 forbidden),
    ANNEXO_SUITE(0xC008, "TLS_ECDHE_ECDSA_WITH_3DES_EDE_CBC_SHA", ecdhe, ecdsa, tdes, sha1, kL12,
                 forbidden),
    ANNEXO_SUITE(0xC009, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", ecdhe, ecdsa, cbc, sha1, kL12,
                 forbidden),
    ANNEXO_SUITE(0xC00A, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA", ecdhe, ecdsa, cbc, sha1, kL12,
                 forbidden),
    ANNEXO_SUITE(0xC00B, "TLS_ECDH_RSA_WITH_NULL_SHA", ecdh_static, rsa, null, sha1, kL12,
                 forbidden),
    ANNEXO_SUITE(0xC010, "TLS_ECDHE_RSA_WITH_NULL_SHA", ecdhe, rsa, null, sha1, kL12,
                 null_encryption),
    ANNEXO_SUITE(0xC011, "TLS_ECDHE_RSA_WITH_RC4_128_SHA", ecdhe, rsa, rc4, sha1, kL12, forbidden),
    ANNEXO_SUITE(0xC012, "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA", ecdhe, rsa, tdes, sha1, kL12,
                 forbidden),
    ANNEXO_SUITE(0xC013, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", ecdhe, rsa, cbc, sha1, kL12,
                 forbidden),
    ANNEXO_SUITE(0xC014, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA", ecdhe, rsa, cbc, sha1, kL12,
                 forbidden),
    ANNEXO_SUITE(0xC015, "TLS_ECDH_anon_WITH_NULL_SHA", anon, none, null, sha1, kL12, forbidden),
    ANNEXO_SUITE(0xC016, "TLS_ECDH_anon_WITH_RC4_128_SHA", anon, none, rc4, sha1, kL12, forbidden),
    ANNEXO_SUITE(0xC017, "TLS_ECDH_anon_WITH_3DES_EDE_CBC_SHA", anon, none, tdes, sha1, kL12,
                 forbidden),
    ANNEXO_SUITE(0xC018, "TLS_ECDH_anon_WITH_AES_128_CBC_SHA", anon, none, cbc, sha1, kL12,
                 forbidden),
    ANNEXO_SUITE(0xC019, "TLS_ECDH_anon_WITH_AES_256_CBC_SHA", anon, none, cbc, sha1, kL12,
                 forbidden),
    ANNEXO_SUITE(0xC023, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256", ecdhe, ecdsa, cbc, sha256,
                 kForTls12, forbidden),
    ANNEXO_SUITE(0xC024, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384", ecdhe, ecdsa, cbc, sha384,
                 kForTls12, forbidden),
    ANNEXO_SUITE(0xC027, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256", ecdhe, rsa, cbc, sha256,
                 kForTls12, forbidden),
    ANNEXO_SUITE(0xC028, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384", ecdhe, rsa, cbc, sha384,
                 kForTls12, forbidden),
    ANNEXO_SUITE(0xC02B, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", ecdhe, ecdsa, aead, aead,
                 kForTls12, mandatory),
    ANNEXO_SUITE(0xC02C, "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", ecdhe, ecdsa, aead, aead,
                 kForTls12, recommended),
    ANNEXO_SUITE(0xC02F, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", ecdhe, rsa, aead, aead, kForTls12,
                 mandatory),
    ANNEXO_SUITE(0xC030, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", ecdhe, rsa, aead, aead, kForTls12,
                 recommended),
    ANNEXO_SUITE(0xC039, "TLS_ECDHE_PSK_WITH_NULL_SHA", psk, psk, null, sha1, kL12, forbidden),
    ANNEXO_SUITE(0xC03A, "TLS_ECDHE_PSK_WITH_NULL_SHA256", psk, psk, null, sha256, kForTls12,
                 forbidden),
    ANNEXO_SUITE(0xC03B, "TLS_ECDHE_PSK_WITH_NULL_SHA384", psk, psk, null, sha384, kForTls12,
                 forbidden),
    // RFC 9150 integrity-only TLS 1.3 suites (the only TLS 1.3 NULL option)
    ANNEXO_SUITE(0xC0B4, "TLS_SHA256_SHA256", tls13, certificate, null, sha256, kForTls13,
                 null_encryption),
    ANNEXO_SUITE(0xC0B5, "TLS_SHA384_SHA384", tls13, certificate, null, sha384, kForTls13,
                 null_encryption),
    ANNEXO_SUITE(0xCCA8, "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", ecdhe, rsa, aead, aead,
                 kForTls12, allowed),
    ANNEXO_SUITE(0xCCA9, "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", ecdhe, ecdsa, aead, aead,
                 kForTls12, allowed),
};
#undef ANNEXO_SUITE

inline constexpr std::size_t kSuiteCount = sizeof(kSuites) / sizeof(kSuites[0]);

namespace detail {
constexpr bool suites_sorted_unique() {
  for (std::size_t i = 1; i < kSuiteCount; ++i) {
    if (kSuites[i - 1].code >= kSuites[i].code) return false;
  }
  return true;
}
// A suite in the profile proper (mandatory/recommended/allowed) must encrypt
// with an AEAD, authenticate the server by certificate and exchange keys with
// forward secrecy; a null_encryption row must be NULL bulk with a real MAC and
// certificate authentication. This pins the table to the rules it encodes.
constexpr bool statuses_consistent() {
  for (std::size_t i = 0; i < kSuiteCount; ++i) {
    const SuiteInfo& s = kSuites[i];
    const bool cert_auth = s.auth == ServerAuth::ecdsa || s.auth == ServerAuth::rsa ||
                           s.auth == ServerAuth::certificate;
    const bool real_mac = s.mac == Mac::sha1 || s.mac == Mac::sha256 || s.mac == Mac::sha384;
    const bool no_legacy = (s.versions & kForLegacy) == 0;
    switch (s.status) {
      case ProfileStatus::mandatory:
      case ProfileStatus::recommended:
      case ProfileStatus::allowed:
        if (s.bulk != Bulk::aead || !cert_auth || !no_legacy) return false;
        if (s.kx != KeyExchange::ecdhe && s.kx != KeyExchange::dhe && s.kx != KeyExchange::tls13)
          return false;
        break;
      case ProfileStatus::null_encryption:
        if (s.bulk != Bulk::null || !cert_auth || !real_mac) return false;
        if (s.kx == KeyExchange::anon || s.kx == KeyExchange::psk) return false;
        break;
      case ProfileStatus::forbidden:
        break;
    }
    if (tls::is_grease(s.code) || s.code == tls::kScsvEmptyRenegotiationInfo ||
        s.code == tls::kScsvFallback)
      return false;
  }
  return true;
}
}  // namespace detail
static_assert(detail::suites_sorted_unique(), "kSuites: codes must be unique and ascending");
static_assert(detail::statuses_consistent(),
              "kSuites: a status contradicts the suite's algorithms");

// What a code in a cipher_suites list is.
enum class CodeKind : std::uint8_t { suite, unknown, grease, scsv_renegotiation, scsv_fallback };

constexpr CodeKind classify(std::uint16_t code);
constexpr const SuiteInfo* find_suite(std::uint16_t code) {
  std::size_t lo = 0, hi = kSuiteCount;
  while (lo < hi) {
    const std::size_t mid = lo + (hi - lo) / 2;
    if (kSuites[mid].code == code) return &kSuites[mid];
    if (kSuites[mid].code < code) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return nullptr;
}
constexpr CodeKind classify(std::uint16_t code) {
  if (tls::is_grease(code)) return CodeKind::grease;
  if (code == tls::kScsvEmptyRenegotiationInfo) return CodeKind::scsv_renegotiation;
  if (code == tls::kScsvFallback) return CodeKind::scsv_fallback;
  return find_suite(code) != nullptr ? CodeKind::suite : CodeKind::unknown;
}

// The row for `code`; an unknown code (or a signal) yields a forbidden row
// named "unknown" that encrypts nothing and is valid for no version.
constexpr SuiteInfo suite_info(std::uint16_t code) {
  const SuiteInfo* s = find_suite(code);
  if (s != nullptr) return *s;
  return SuiteInfo{code,      "unknown", KeyExchange::none,       ServerAuth::none, Bulk::null,
                   Mac::none, 0,         ProfileStatus::forbidden};
}

// Does the suite protect confidentiality? Unknown codes: no (default deny).
constexpr bool suite_encrypts(std::uint16_t code) {
  const SuiteInfo* s = find_suite(code);
  return s != nullptr && s->bulk != Bulk::null;
}

// --- The pure decision predicates, once, over a domain D (core/domain.h) ---

// The facts about one suite that every decision depends on.
template <class D>
struct SuiteFacts {
  typename D::Bool in_profile;       // status mandatory, recommended or allowed (all encrypt)
  typename D::Bool null_encryption;  // status null_encryption
  typename D::Bool for_tls12;        // defined for TLS 1.2
  typename D::Bool for_tls13;        // defined for TLS 1.3
  typename D::Bool auth_ecdsa;       // TLS 1.2 suite needs an ECDSA server certificate
  typename D::Bool auth_rsa;         // TLS 1.2 suite needs an RSA server certificate
};

template <class D>
typename D::Bool suite_valid_for(const SuiteFacts<D>& s, typename D::Bool is_tls13) {
  return (is_tls13 && s.for_tls13) || (!is_tls13 && s.for_tls12);
}

// P-CSCF: may the suite be chosen at the negotiated version? Only profile
// suites, or a NULL-encryption suite when the operator allows it; a TLS 1.2
// suite only if its authentication matches the P-CSCF's certificate key
// (cert_is_ecdsa; the certificate is either ECDSA or RSA).
//= spec#O.2.1-ALL-SUITE-RULES-ALL-VERSIONS type=implementation
//= spec#O.2.1-ALL-NULL-MAY type=implementation
template <class D>
typename D::Bool pcscf_choosable(const SuiteFacts<D>& s, typename D::Bool is_tls13,
                                 typename D::Bool allow_null, typename D::Bool cert_is_ecdsa) {
  const typename D::Bool auth_ok =
      is_tls13 || (cert_is_ecdsa && s.auth_ecdsa) || (!cert_is_ecdsa && s.auth_rsa);
  return suite_valid_for<D>(s, is_tls13) && auth_ok &&
         (s.in_profile || (s.null_encryption && allow_null));
}

// UE: may the suite in the ServerHello be accepted? It must have been offered,
// be defined for the negotiated version and be a profile suite, or a NULL
// suite while the UE is configured to offer NULL suites.
//= spec#O.2.1-ALL-SUITE-RULES-ALL-VERSIONS type=implementation
template <class D>
typename D::Bool ue_acceptable(const SuiteFacts<D>& s, typename D::Bool offered,
                               typename D::Bool is_tls13, typename D::Bool offer_null) {
  return offered && suite_valid_for<D>(s, is_tls13) &&
         (s.in_profile || (s.null_encryption && offer_null));
}

// Does one offered suite make an offer satisfy O.2.1-UE-NONNULL-OFFER? Only a
// profile suite (which always encrypts) counts; unknown codes never do.
//= spec#O.2.1-UE-NONNULL-OFFER type=implementation
template <class D>
typename D::Bool counts_as_encrypting_offer(const SuiteFacts<D>& s) {
  return s.in_profile;
}

constexpr SuiteFacts<Concrete> suite_facts(std::uint16_t code) {
  const SuiteInfo* s = find_suite(code);
  if (s == nullptr) return SuiteFacts<Concrete>{false, false, false, false, false, false};
  const bool in_profile = s->status == ProfileStatus::mandatory ||
                          s->status == ProfileStatus::recommended ||
                          s->status == ProfileStatus::allowed;
  // A NULL-encryption suite is usable only with the status null_encryption,
  // which statuses_consistent() gives only to suites with a real MAC.
  //= spec#O.1.3-ALL-INTEG-ALWAYS type=implementation
  return SuiteFacts<Concrete>{in_profile,
                              s->status == ProfileStatus::null_encryption,
                              (s->versions & kForTls12) != 0,
                              (s->versions & kForTls13) != 0,
                              s->auth == ServerAuth::ecdsa,
                              s->auth == ServerAuth::rsa};
}

static_assert(suite_encrypts(0x1301) && !suite_encrypts(0xC0B4) && !suite_encrypts(0x0a0a),
              "encryption facts");
static_assert(suite_info(0x4242).status == ProfileStatus::forbidden, "unknown codes are forbidden");

}  // namespace annexo::core
