// The Annex O TLS profile for the UE and the P-CSCF: version policy, the UE's
// ClientHello offer built from configuration, the UE's ServerHello check, the
// P-CSCF's ClientHello check and server-preference choice, and the RFC 5746
// renegotiation indication.
//
// Everything here works on IANA numbers and parsed hellos
// (core/handshake_reader.h); nothing allocates. Per-code decisions are the
// templates of core/cipher_suites.h applied to suite_facts(code).
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/cipher_suites.h"
#include "core/errors.h"
#include "core/handshake_reader.h"
#include "core/tls_constants.h"

namespace annexo::core {

// A caller-owned list of 16-bit codes (configured suites or groups).
struct CodeList {
  const std::uint16_t* codes = nullptr;
  std::size_t count = 0;
};

// Default order (server preference of the P-CSCF, offer order of the UE):
// TLS 1.3 then TLS 1.2 profile suites, mandatory first; NULL suites last, the
// ECDHE ones before RSA key transport (decision A23).
inline constexpr std::uint16_t kDefaultSuiteOrder[] = {
    0x1301, 0x1302, 0x1303, 0x1304,                  // TLS 1.3
    0xC02B, 0xC02F, 0xC02C, 0xC030, 0xCCA9, 0xCCA8,  // TLS 1.2 ECDHE AEAD
    0xC006, 0xC010, 0x003B, 0xC0B4, 0xC0B5,          // NULL encryption
};
// secp256r1 SHALL, x25519 SHOULD, secp384r1 SHOULD (TS 33.210 6.2.2 via RFC
// 8446 9.1); the order is not specified. x25519 first: the cheaper key
// exchange and the one common TLS stacks prefer; secp256r1 stays offered and
// accepted, so every conforming peer still finds a group (decision RD-77).
inline constexpr std::uint16_t kDefaultGroupOrder[] = {tls::group::x25519, tls::group::secp256r1,
                                                       tls::group::secp384r1};
// The mandatory group is always in the default list, whatever its position.
static_assert(sizeof(kDefaultGroupOrder) / sizeof(kDefaultGroupOrder[0]) == 3 &&
                  (kDefaultGroupOrder[0] == tls::group::secp256r1 ||
                   kDefaultGroupOrder[1] == tls::group::secp256r1 ||
                   kDefaultGroupOrder[2] == tls::group::secp256r1),
              "secp256r1 (RFC 8446 9.1 MUST) must be in the default group list");

// Signature schemes (RFC 8446 4.2.3) both sides offer and accept, in order,
// for the adapters that set them (decision RD-120): the RFC 8446 9.1 MUSTs
// (ecdsa_secp256r1_sha256, rsa_pss_rsae_sha256, rsa_pkcs1_sha256 for
// certificates) plus what the O.5.1 / TS 33.310 6.1.1 certificate profile
// admits (ECDSA P-256/P-384, RSA, SHA-2). No SHA-1, no P-521, no EdDSA.
inline constexpr std::uint16_t kDefaultSignatureSchemes[] = {
    tls::sig::ecdsa_secp256r1_sha256, tls::sig::ecdsa_secp384r1_sha384,
    tls::sig::rsa_pss_rsae_sha256,    tls::sig::rsa_pss_rsae_sha384,
    tls::sig::rsa_pss_rsae_sha512,    tls::sig::rsa_pkcs1_sha256,
    tls::sig::rsa_pkcs1_sha384,       tls::sig::rsa_pkcs1_sha512,
};

// Capacity of an offer: every non-forbidden row of kSuites (15 today) fits;
// 32 leaves room for table growth without changing the ABI.
inline constexpr std::size_t kMaxOfferSuites = 32;

struct UeTlsConfig {
  bool enable_tls12 = true;
  bool enable_tls13 = true;
  bool offer_null_encryption = false;  // O.2.1-ALL-NULL-MAY, decision A1: opt-in
  bool renegotiation_used = true;      // O.4 renegotiates TLS 1.2 sessions
  CodeList suites;                     // empty: kDefaultSuiteOrder
};

struct PcscfTlsConfig {
  bool enable_tls12 = true;
  bool enable_tls13 = true;
  bool allow_null_encryption = false;  // O.2.1-ALL-NULL-MAY, decision A1: opt-in
  bool renegotiation_used = true;      // O.4.1 HelloRequest needs RFC 5746
  bool certificate_is_ecdsa = true;    // the P-CSCF's key: ECDSA, else RSA
  CodeList suite_preference;           // empty: kDefaultSuiteOrder
  CodeList group_preference;           // empty: kDefaultGroupOrder
};

// ---- Versions ----

// Is `version` a version annexo speaks at all (TLS 1.2 or 1.3)?
//= spec#33210-6.2.1-NO-LEGACY-VERSIONS type=implementation
constexpr bool version_in_profile(std::uint16_t version) {
  return version == tls::kTls12 || version == tls::kTls13;
}

// ---- Per-code decisions (what the proofs enumerate) ----

// P-CSCF: may `code` be chosen at `version` under `config`? False for
// versions outside the profile or disabled, unknown codes, signals, forbidden
// suites, NULL suites unless allow_null_encryption, and TLS 1.2 suites whose
// authentication does not fit the P-CSCF's certificate.
[[nodiscard]] constexpr bool pcscf_may_choose(std::uint16_t code, std::uint16_t version,
                                              const PcscfTlsConfig& config) {
  const bool version_ok = (version == tls::kTls12 && config.enable_tls12) ||
                          (version == tls::kTls13 && config.enable_tls13);
  return version_ok &&
         pcscf_choosable<Concrete>(suite_facts(code), version == tls::kTls13,
                                   config.allow_null_encryption, config.certificate_is_ecdsa);
}

struct Offer;
// UE: may `code` from a ServerHello be accepted at `version`, given what the
// UE offered? (Defined in profile.cc; same template ue_acceptable.)
[[nodiscard]] bool ue_may_accept(std::uint16_t code, const Offer& offered, std::uint16_t version);

// ---- UE: the offer ----

struct Offer {
  std::uint16_t suites[kMaxOfferSuites] = {};
  std::size_t suite_count = 0;
  bool tls12 = false;
  bool tls13 = false;
  bool null_encryption = false;  // NULL suites are in the offer (opt-in was set)
  bool contains(std::uint16_t code) const {
    for (std::size_t i = 0; i < suite_count; ++i) {
      if (suites[i] == code) return true;
    }
    return false;
  }
};

// Builds the offer from configuration: encrypting profile suites first, NULL
// suites only with offer_null_encryption, nothing forbidden or unknown. A
// configuration whose offer would hold, for some enabled version, no suite
// that encrypts is refused (O.2.1-UE-NONNULL-OFFER) — call at start-up.
[[nodiscard]] Error build_offer(const UeTlsConfig& config, Offer& out);

// What the UE learned from an accepted ServerHello.
struct Negotiated {
  std::uint16_t version = 0;
  std::uint16_t suite = 0;
  bool null_encryption = false;
};

// Context of a handshake: initial or renegotiation (TLS 1.2 only), and for a
// renegotiation the verify_data the renegotiation_info must carry
// (RFC 5746 3.4/3.5: client_verify_data, plus server_verify_data in the
// ServerHello). Empty views skip the content comparison (the TLS library
// compares them); presence is always checked.
struct HandshakeContext {
  bool renegotiation = false;
  ByteView expected_renegotiation_info;
};

// UE: checks the P-CSCF's ServerHello against the offer and configuration.
[[nodiscard]] Error ue_check_server_hello(const ServerHello& sh, const Offer& offer,
                                          const UeTlsConfig& config, const HandshakeContext& ctx,
                                          Negotiated& out);

// ---- P-CSCF: the ClientHello and the choice ----

struct Choice {
  std::uint16_t version = 0;
  std::uint16_t suite = 0;
  std::uint16_t group = 0;  // 0 when the suite needs no named group (DHE)
  bool null_encryption = false;
};

// Checks a ClientHello (parsed by parse_client_hello) and chooses version,
// suite (server preference) and group. Order of checks: compression, version,
// O.2.1-UE-NONNULL-OFFER, TLS 1.3 mandatory extensions, RFC 5746, choice.
[[nodiscard]] Error pcscf_check_client_hello(const ClientHello& ch, const PcscfTlsConfig& config,
                                             const HandshakeContext& ctx, Choice& out);

// Start-up check of the P-CSCF configuration (same rules as the UE's, minus
// the offer): preference lists name only profile suites and groups.
[[nodiscard]] Error pcscf_check_config(const PcscfTlsConfig& config);

// Does the offer (any list of codes) contain a profile suite that encrypts?
// The O.2.1-UE-NONNULL-OFFER test a conformance tool runs on every
// ClientHello, including renegotiation ones (decision A21).
[[nodiscard]] bool offer_has_encrypting_suite(const U16List& offered);

}  // namespace annexo::core
