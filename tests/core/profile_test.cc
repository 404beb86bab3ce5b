// The TLS profile: registry, versions, UE offer and ServerHello check, P-CSCF
// ClientHello check and choice, RFC 5746 — on captured hellos and on
// hellos built field by field.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "core/cipher_suites.h"
#include "core/profile.h"
#include "tests/core/vector_file.h"
#include "tests/support/req.h"
#include "tests/support/rfc_alerts.h"

using namespace annexo::core;
using annexo::test::load_vector;

namespace {

using Bytes = std::vector<std::uint8_t>;

// RFC 5246 / RFC 8446 alert numbers, not the core's own table (tests/support/rfc_alerts.h).
using namespace annexo::rfc_alert;

void put16(Bytes& b, std::size_t v) {
  b.push_back(static_cast<std::uint8_t>(v >> 8));
  b.push_back(static_cast<std::uint8_t>(v));
}

// A parsed message together with the storage its views point into.
struct Parsed {
  Bytes storage = Bytes(kHandshakeBufferCapacity);
  Bytes raw;
  ClientHello ch;
  ServerHello sh;
};

std::unique_ptr<Parsed> parse_vector(const std::string& file) {
  auto p = std::make_unique<Parsed>();
  p->raw = load_vector(file);
  HandshakeMessage m;
  std::size_t consumed = 0;
  REQUIRE(read_first_message(ByteView(p->raw.data(), p->raw.size()), p->storage.data(),
                             p->storage.size(), m, consumed)
              .ok());
  if (m.type == tls::HandshakeType::client_hello) {
    REQUIRE(parse_client_hello(m.body, p->ch).ok());
  } else {
    REQUIRE(m.type == tls::HandshakeType::server_hello);
    REQUIRE(parse_server_hello(m.body, p->sh).ok());
  }
  return p;
}

// ClientHello built field by field (then parsed by the real reader).
struct ChBuilder {
  std::uint16_t legacy_version = 0x0303;
  std::vector<std::uint16_t> suites = {0xC02B, 0xC02F};
  Bytes compression = {0x00};
  std::vector<std::pair<std::uint16_t, Bytes>> exts;
  Bytes body;
  ClientHello ch;

  ChBuilder& ext(std::uint16_t t, Bytes b) {
    exts.push_back({t, std::move(b)});
    return *this;
  }
  ChBuilder& versions(std::vector<std::uint16_t> v) {
    Bytes b = {static_cast<std::uint8_t>(v.size() * 2)};
    for (auto x : v) put16(b, x);
    return ext(tls::ext::supported_versions, b);
  }
  ChBuilder& groups(std::vector<std::uint16_t> g) {
    Bytes b;
    put16(b, g.size() * 2);
    for (auto x : g) put16(b, x);
    return ext(tls::ext::supported_groups, b);
  }
  ChBuilder& sigalgs() { return ext(tls::ext::signature_algorithms, {0x00, 0x02, 0x04, 0x03}); }
  ChBuilder& key_share() {
    return ext(tls::ext::key_share, {0x00, 0x05, 0x00, 0x1d, 0x00, 0x01, 0x42});
  }
  ChBuilder& reneg(Bytes verify = {}) {
    Bytes b = {static_cast<std::uint8_t>(verify.size())};
    b.insert(b.end(), verify.begin(), verify.end());
    return ext(tls::ext::renegotiation_info, b);
  }
  // A complete TLS 1.3 + 1.2 hello as a modern client sends it.
  ChBuilder& modern() {
    suites = {0x1301, 0x1302, 0xC02B, 0xC02F, tls::kScsvEmptyRenegotiationInfo};
    return versions({0x0304, 0x0303}).groups({0x001d, 0x0017}).sigalgs().key_share();
  }
  const ClientHello& build() {
    body = {static_cast<std::uint8_t>(legacy_version >> 8),
            static_cast<std::uint8_t>(legacy_version)};
    body.insert(body.end(), 32, 0x5a);
    body.push_back(0);
    put16(body, suites.size() * 2);
    for (auto s : suites) put16(body, s);
    body.push_back(static_cast<std::uint8_t>(compression.size()));
    body.insert(body.end(), compression.begin(), compression.end());
    Bytes block;
    for (auto& e : exts) {
      put16(block, e.first);
      put16(block, e.second.size());
      block.insert(block.end(), e.second.begin(), e.second.end());
    }
    put16(body, block.size());
    body.insert(body.end(), block.begin(), block.end());
    REQUIRE(parse_client_hello(ByteView(body.data(), body.size()), ch).ok());
    return ch;
  }
};

// ServerHello built field by field.
struct ShBuilder {
  std::uint16_t legacy_version = 0x0303;
  Bytes random = Bytes(32, 0x33);
  std::uint16_t suite = 0xC02B;
  std::uint8_t compression = 0;
  std::vector<std::pair<std::uint16_t, Bytes>> exts = {{tls::ext::renegotiation_info, {0x00}}};
  Bytes body;
  ServerHello sh;

  const ServerHello& build() {
    body = {static_cast<std::uint8_t>(legacy_version >> 8),
            static_cast<std::uint8_t>(legacy_version)};
    body.insert(body.end(), random.begin(), random.end());
    body.push_back(0);
    put16(body, suite);
    body.push_back(compression);
    Bytes block;
    for (auto& e : exts) {
      put16(block, e.first);
      put16(block, e.second.size());
      block.insert(block.end(), e.second.begin(), e.second.end());
    }
    put16(body, block.size());
    body.insert(body.end(), block.begin(), block.end());
    REQUIRE(parse_server_hello(ByteView(body.data(), body.size()), sh).ok());
    return sh;
  }
  ShBuilder& tls13(std::uint16_t s = 0x1301) {
    suite = s;
    exts = {{tls::ext::supported_versions, {0x03, 0x04}},
            {tls::ext::key_share, {0x00, 0x1d, 0x00, 0x01, 0x42}}};
    return *this;
  }
};

Offer default_offer(bool tls13 = true, bool null = false) {
  UeTlsConfig c;
  c.enable_tls13 = tls13;
  c.offer_null_encryption = null;
  Offer o;
  REQUIRE(build_offer(c, o) == Error::ok);
  return o;
}

Error pcscf(const ClientHello& ch, const PcscfTlsConfig& c, Choice& out,
            HandshakeContext ctx = HandshakeContext()) {
  return pcscf_check_client_hello(ch, c, ctx, out);
}

// The expected profile, written out independently of kSuites.
const std::set<std::uint16_t> kMandatory = {0x1301, 0xC02B, 0xC02F};
const std::set<std::uint16_t> kRecommended = {0x1302, 0x1303, 0xC02C, 0xC030};
// DHE-RSA-AES-GCM (0x009E/0x009F) is refused by decision RD-29.
const std::set<std::uint16_t> kAllowed = {0x1304, 0xCCA8, 0xCCA9};
const std::set<std::uint16_t> kNull12 = {0xC006, 0xC010, 0x003B};
const std::set<std::uint16_t> kNull13 = {0xC0B4, 0xC0B5};
const std::set<std::uint16_t> kTls13Codes = {0x1301, 0x1302, 0x1303, 0x1304, 0xC0B4, 0xC0B5};
const std::set<std::uint16_t> kEcdsa12 = {0xC02B, 0xC02C, 0xCCA9, 0xC006};

bool in(const std::set<std::uint16_t>& s, std::uint16_t c) {
  return s.count(c) != 0;
}

}  // namespace

//= spec#O.2.1-ALL-SUITE-RULES-ALL-VERSIONS type=test
//= spec#O.2.1-ALL-NULL-MAY type=test
//= spec#33210-6.2.2-RFC8446-9.1 type=test
TEST_CASE(
    "O.2.1-ALL-SUITE-RULES-ALL-VERSIONS: every one of the 65536 codes gets the expected P-CSCF "
    "verdict") {
  for (bool allow_null : {false, true}) {
    for (bool ecdsa : {false, true}) {
      PcscfTlsConfig c;
      c.allow_null_encryption = allow_null;
      c.certificate_is_ecdsa = ecdsa;
      for (std::uint32_t code32 = 0; code32 <= 0xFFFF; ++code32) {
        const auto code = static_cast<std::uint16_t>(code32);
        const bool profile = in(kMandatory, code) || in(kRecommended, code) || in(kAllowed, code);
        const bool is13 = in(kTls13Codes, code);
        const bool auth_ok = is13 || (in(kEcdsa12, code) == ecdsa);
        const bool nul = in(kNull12, code) || in(kNull13, code);
        const bool want13 = is13 && (profile || (nul && allow_null));
        const bool want12 = !is13 && auth_ok && (profile || (nul && allow_null));
        INFO(code);
        REQ_REQUIRE("O.2.1-ALL-SUITE-RULES-ALL-VERSIONS",
                    pcscf_may_choose(code, tls::kTls13, c) == want13);
        REQ_REQUIRE("O.2.1-ALL-SUITE-RULES-ALL-VERSIONS",
                    pcscf_may_choose(code, tls::kTls12, c) == want12);
        // No other version ever.
        // NULL suites are choosable once enabled; TLS_AES_128_GCM_SHA256 always (RFC 8446 9.1).
        if (nul && allow_null && auth_ok) {
          REQ_REQUIRE("O.2.1-ALL-NULL-MAY",
                      pcscf_may_choose(code, is13 ? tls::kTls13 : tls::kTls12, c));
        }
        if (code == 0x1301)
          REQ_REQUIRE("33210-6.2.2-RFC8446-9.1", pcscf_may_choose(code, tls::kTls13, c));
        REQUIRE_FALSE(pcscf_may_choose(code, tls::kTls11, c));
        REQUIRE_FALSE(pcscf_may_choose(code, tls::kTls10, c));
        REQUIRE_FALSE(pcscf_may_choose(code, tls::kSsl30, c));
        REQUIRE_FALSE(pcscf_may_choose(code, 0x0305, c));
        REQUIRE(suite_encrypts(code) ==
                (classify(code) == CodeKind::suite && suite_info(code).bulk != Bulk::null));
      }
    }
  }
}

//= spec#O.2.1-ALL-SUITE-RULES-ALL-VERSIONS type=test
TEST_CASE(
    "O.2.1-ALL-SUITE-RULES-ALL-VERSIONS: registry statuses, signals and always-forbidden "
    "families") {
  for (std::size_t i = 0; i < kSuiteCount; ++i) {
    const SuiteInfo& s = kSuites[i];
    INFO(s.name);
    ProfileStatus want = ProfileStatus::forbidden;
    if (in(kMandatory, s.code)) want = ProfileStatus::mandatory;
    if (in(kRecommended, s.code)) want = ProfileStatus::recommended;
    if (in(kAllowed, s.code)) want = ProfileStatus::allowed;
    if (in(kNull12, s.code) || in(kNull13, s.code)) want = ProfileStatus::null_encryption;
    REQ("O.2.1-ALL-SUITE-RULES-ALL-VERSIONS", s.status == want);
    // Catalogue 3.3: anonymous, PSK, RC4, DES, 3DES, export, MD5 MAC, NULL_WITH_NULL_NULL.
    const bool family_forbidden = s.kx == KeyExchange::anon || s.kx == KeyExchange::psk ||
                                  s.bulk == Bulk::rc4 || s.bulk == Bulk::des ||
                                  s.bulk == Bulk::tdes || s.bulk == Bulk::export_grade ||
                                  s.mac == Mac::md5 || s.code == 0x0000;
    if (family_forbidden)
      REQ("O.2.1-ALL-SUITE-RULES-ALL-VERSIONS", s.status == ProfileStatus::forbidden);
    CHECK(find_suite(s.code) == &s);
  }
  // GREASE and SCSVs are signals, never suites, never choosable.
  PcscfTlsConfig permissive;
  permissive.allow_null_encryption = true;
  for (unsigned i = 0; i < 16; ++i) {
    const auto g = static_cast<std::uint16_t>(0x0A0A + 0x1010 * i);
    CHECK(classify(g) == CodeKind::grease);
    REQ("O.2.1-ALL-SUITE-RULES-ALL-VERSIONS", !(pcscf_may_choose(g, tls::kTls12, permissive)));
    REQ("O.2.1-ALL-SUITE-RULES-ALL-VERSIONS", !(pcscf_may_choose(g, tls::kTls13, permissive)));
  }
  CHECK(classify(0x00FF) == CodeKind::scsv_renegotiation);
  CHECK(classify(0x5600) == CodeKind::scsv_fallback);
  CHECK(classify(0xC0AC) == CodeKind::unknown);  // not in the table: denied
  CHECK(std::string(suite_info(0xC0AC).name) == "unknown");
  CHECK(classify(0xC02B) == CodeKind::suite);
  CHECK(std::string(suite_info(0xC02B).name) == "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256");
}

//= spec#33210-6.2.1-NO-LEGACY-VERSIONS type=test
TEST_CASE(
    "33210-6.2.1-NO-LEGACY-VERSIONS: the P-CSCF refuses the captured TLS 1.0-only ClientHello with "
    "protocol_version") {
  auto p = parse_vector("ch_openssl_tls10_only.bin");
  Choice ch;
  PcscfTlsConfig c;
  c.allow_null_encryption = true;
  const Error e = pcscf(p->ch, c, ch);
  REQ("33210-6.2.1-NO-LEGACY-VERSIONS", e == Error::profile_ch_legacy_versions_only);
  REQ("33210-6.2.1-NO-LEGACY-VERSIONS", static_cast<int>(error_alert(e)) == kProtocolVersion);
  CHECK(std::string(error_requirement(e)) == "33210-6.2.1-NO-LEGACY-VERSIONS");
  CHECK(ch.suite == 0);
}

//= spec#33210-6.2.1-NO-LEGACY-VERSIONS type=test
TEST_CASE(
    "33210-6.2.1-NO-LEGACY-VERSIONS: legacy versions in either hello are refused, table of "
    "versions") {
  CHECK(version_in_profile(tls::kTls12));
  CHECK(version_in_profile(tls::kTls13));
  for (std::uint16_t v : {tls::kSsl30, tls::kTls10, tls::kTls11, std::uint16_t{0x0200},
                          std::uint16_t{0x0305}, std::uint16_t{0x7f1c}}) {
    REQ("33210-6.2.1-NO-LEGACY-VERSIONS", !(version_in_profile(v)));
  }
  PcscfTlsConfig c;
  Choice out;
  for (std::uint16_t v : {tls::kSsl30, tls::kTls10, tls::kTls11}) {
    INFO(v);
    ChBuilder only_legacy;
    only_legacy.legacy_version = v;
    REQ("33210-6.2.1-NO-LEGACY-VERSIONS",
        pcscf(only_legacy.build(), c, out) == Error::profile_ch_legacy_versions_only);
    // supported_versions listing only old versions (and GREASE) is refused too.
    ChBuilder listed;
    listed.versions({0x2a2a, v, tls::kTls10});
    REQ("33210-6.2.1-NO-LEGACY-VERSIONS",
        pcscf(listed.build(), c, out) == Error::profile_ch_legacy_versions_only);
    // UE side: a ServerHello selecting it.
    ShBuilder sb;
    sb.legacy_version = v;
    Negotiated n;
    const Error e = ue_check_server_hello(sb.build(), default_offer(), UeTlsConfig(), {}, n);
    REQ("33210-6.2.1-NO-LEGACY-VERSIONS", e == Error::profile_sh_legacy_version);
    REQ("33210-6.2.1-NO-LEGACY-VERSIONS", static_cast<int>(error_alert(e)) == kProtocolVersion);
  }
  // supported_versions is authoritative: legacy_version 0x0303 with a list of
  // only TLS 1.1 is still legacy-only.
  ChBuilder b;
  b.versions({tls::kTls11});
  REQ("33210-6.2.1-NO-LEGACY-VERSIONS",
      pcscf(b.build(), c, out) == Error::profile_ch_legacy_versions_only);
}

//= spec#O.2.1-UE-NONNULL-OFFER type=test
TEST_CASE(
    "O.2.1-UE-NONNULL-OFFER: the P-CSCF refuses the captured NULL-only ClientHello with "
    "handshake_failure") {
  auto p = parse_vector("ch_openssl_null_only.bin");
  CHECK_FALSE(offer_has_encrypting_suite(p->ch.cipher_suites));
  for (bool allow_null : {false, true}) {
    PcscfTlsConfig c;
    c.allow_null_encryption = allow_null;
    c.enable_tls13 = false;
    Choice out;
    const Error e = pcscf(p->ch, c, out);
    REQ("O.2.1-UE-NONNULL-OFFER", e == Error::profile_ch_no_encrypting_suite);
    REQ("O.2.1-UE-NONNULL-OFFER", static_cast<int>(error_alert(e)) == kHandshakeFailure);
    CHECK(std::string(error_requirement(e)) == "O.2.1-UE-NONNULL-OFFER");
  }
  // Forbidden encrypting suites (RC4, 3DES, CBC) do not satisfy the duty either.
  ChBuilder b;
  b.suites = {0x0005, 0x000A, 0x002F, 0xC0AC, 0x0a0a, 0x00FF};
  PcscfTlsConfig c;
  Choice out;
  REQ("O.2.1-UE-NONNULL-OFFER", pcscf(b.build(), c, out) == Error::profile_ch_no_encrypting_suite);
  // Every captured ordinary hello does offer an encrypting profile suite.
  for (const char* f :
       {"ch_openssl_default.bin", "ch_gnutls_default.bin", "ch_gnutls_tls12_only.bin",
        "ch_grease_openssl_derived.bin", "ch_openssl_40suites.bin"}) {
    INFO(f);
    CHECK(offer_has_encrypting_suite(parse_vector(f)->ch.cipher_suites));
  }
}

//= spec#O.2.1-UE-NONNULL-OFFER type=test
TEST_CASE(
    "O.2.1-UE-NONNULL-OFFER: a UE configuration whose offer would not encrypt is refused at "
    "start-up") {
  Offer o;
  SECTION("NULL suites only") {
    const std::uint16_t list[] = {0xC006, 0xC010};
    UeTlsConfig c;
    c.enable_tls13 = false;
    c.offer_null_encryption = true;
    c.suites = {list, 2};
    const Error e = build_offer(c, o);
    REQ("O.2.1-UE-NONNULL-OFFER", e == Error::profile_config_no_encrypting_suite);
    CHECK(error_alert(e) == TlsAlert::none);
    CHECK(o.suite_count == 0);
  }
  SECTION("TLS 1.3 enabled but only NULL for TLS 1.3") {
    const std::uint16_t list[] = {0xC02B, 0xC0B4};
    UeTlsConfig c;
    c.offer_null_encryption = true;
    c.suites = {list, 2};
    REQ("O.2.1-UE-NONNULL-OFFER", build_offer(c, o) == Error::profile_config_no_encrypting_suite);
  }
  SECTION("encrypting suites for each enabled version") {
    const std::uint16_t list[] = {0xC0B4, 0xC006, 0x1301, 0xC02B};
    UeTlsConfig c;
    c.offer_null_encryption = true;
    c.suites = {list, 4};
    REQUIRE(build_offer(c, o) == Error::ok);
    // Encrypting first, configured order kept within each class.
    REQUIRE(o.suite_count == 4);
    CHECK(o.suites[0] == 0x1301);
    CHECK(o.suites[1] == 0xC02B);
    CHECK(o.suites[2] == 0xC0B4);
    CHECK(o.suites[3] == 0xC006);
  }
}

//= spec#O.2.1-ALL-NULL-MAY type=test
TEST_CASE("O.2.1-ALL-NULL-MAY: NULL suites are offered and chosen only behind the opt-in flags") {
  const Offer plain = default_offer();
  for (std::size_t i = 0; i < plain.suite_count; ++i)
    REQ("O.2.1-ALL-NULL-MAY", suite_encrypts(plain.suites[i]));
  CHECK(plain.suite_count == 10);
  CHECK(plain.suites[0] == 0x1301);

  const Offer with_null = default_offer(true, true);
  REQUIRE(with_null.suite_count == 15);
  // The five NULL suites come last, ECDHE ones first (decision A23).
  REQ("O.2.1-ALL-NULL-MAY", with_null.suites[10] == 0xC006);
  REQ("O.2.1-ALL-NULL-MAY", with_null.suites[11] == 0xC010);
  REQ("O.2.1-ALL-NULL-MAY", with_null.suites[12] == 0x003B);
  REQ("O.2.1-ALL-NULL-MAY", with_null.suites[13] == 0xC0B4);
  REQ("O.2.1-ALL-NULL-MAY", with_null.suites[14] == 0xC0B5);
  for (std::size_t i = 0; i < 10; ++i) CHECK(suite_encrypts(with_null.suites[i]));

  // A configured NULL suite without the flag is a configuration error.
  const std::uint16_t list[] = {0xC02B, 0xC006};
  UeTlsConfig c;
  c.enable_tls13 = false;
  c.suites = {list, 2};
  Offer o;
  REQ("O.2.1-ALL-NULL-MAY", build_offer(c, o) == Error::profile_config_null_suite_not_enabled);

  // P-CSCF: NULL preferred by the operator, chosen only with allow_null_encryption.
  auto p = parse_vector("ch_openssl_40suites.bin");  // offers 0xC006 and 0xC02B
  const std::uint16_t pref[] = {0xC006, 0xC02B};
  PcscfTlsConfig pc;
  pc.enable_tls13 = false;
  pc.suite_preference = {pref, 2};
  Choice out;
  REQUIRE(pcscf(p->ch, pc, out) == Error::ok);
  REQ("O.2.1-ALL-NULL-MAY", out.suite == 0xC02B);
  REQ("O.2.1-ALL-NULL-MAY", !(out.null_encryption));
  REQ("O.2.1-ALL-NULL-MAY", pcscf_check_config(pc) == Error::profile_config_null_suite_not_enabled);
  pc.allow_null_encryption = true;
  CHECK(pcscf_check_config(pc) == Error::ok);
  REQUIRE(pcscf(p->ch, pc, out) == Error::ok);
  REQ("O.2.1-ALL-NULL-MAY", out.suite == 0xC006);
  REQ("O.2.1-ALL-NULL-MAY", out.null_encryption);

  // UE: a NULL suite in the ServerHello is accepted only if the UE offered it.
  ShBuilder sb;
  sb.suite = 0xC006;
  Negotiated n;
  UeTlsConfig ue;
  REQ("O.2.1-ALL-NULL-MAY", ue_check_server_hello(sb.build(), default_offer(), ue, {}, n) ==
                                Error::profile_sh_suite_not_offered);
  ue.offer_null_encryption = true;
  REQUIRE(ue_check_server_hello(sb.build(), default_offer(true, true), ue, {}, n) == Error::ok);
  REQ("O.2.1-ALL-NULL-MAY", n.null_encryption);
}

struct ChoiceRow {
  const char* file;
  bool tls13;
  bool ecdsa;
  std::uint16_t version;
  std::uint16_t suite;
  std::uint16_t group;
};

//= spec#O.2.1-ALL-SUITE-RULES-ALL-VERSIONS type=test
//= spec#O.2.1-ALL-PROFILE type=test
//= spec#O.1.2-PC-DECIDES-SUITE type=test
//= spec#33210-6.2.1-TLS12-MANDATORY type=test
TEST_CASE(
    "O.2.1-ALL-SUITE-RULES-ALL-VERSIONS: the P-CSCF chooses by its own preference from captured "
    "ClientHellos") {
  // Every captured hello offers x25519 and secp256r1 (in either order): the
  // P-CSCF's default preference (x25519 first, RD-77) decides.
  const ChoiceRow rows[] = {
      {"ch_openssl_default.bin", true, true, 0x0304, 0x1301, 0x001d},
      {"ch_openssl_default.bin", false, true, 0x0303, 0xC02B, 0x001d},
      {"ch_openssl_default.bin", false, false, 0x0303, 0xC02F, 0x001d},
      {"ch_gnutls_default.bin", true, false, 0x0304, 0x1301, 0x001d},
      {"ch_gnutls_tls12_only.bin", true, true, 0x0303, 0xC02B, 0x001d},
      {"ch_gnutls_tls12_only.bin", true, false, 0x0303, 0xC02F, 0x001d},
      {"ch_grease_openssl_derived.bin", true, true, 0x0304, 0x1301, 0x001d},
      {"ch_gnutls_39suites_15ext.bin", true, true, 0x0304, 0x1301, 0x001d},
      {"ch_openssl_40suites.bin", false, false, 0x0303, 0xC02F, 0x001d},
  };
  for (const ChoiceRow& r : rows) {
    INFO(r.file << " tls13=" << r.tls13 << " ecdsa=" << r.ecdsa);
    auto p = parse_vector(r.file);
    PcscfTlsConfig c;
    c.enable_tls13 = r.tls13;
    c.certificate_is_ecdsa = r.ecdsa;
    Choice out;
    REQUIRE(pcscf(p->ch, c, out) == Error::ok);
    if (r.version == 0x0303) REQ("33210-6.2.1-TLS12-MANDATORY", out.version == tls::kTls12);
    REQ("O.2.1-ALL-PROFILE", out.version == r.version);
    REQ("O.1.2-PC-DECIDES-SUITE", out.suite == r.suite);
    REQ("O.2.1-ALL-PROFILE", out.group == r.group);
    REQ("O.2.1-ALL-SUITE-RULES-ALL-VERSIONS", !(out.null_encryption));
  }
  // The server's order wins over the client's (the client lists 0x1302 first).
  auto p = parse_vector("ch_openssl_default.bin");
  REQUIRE(p->ch.cipher_suites.at(0) == 0x1302);
  const std::uint16_t pref[] = {0x1303, 0x1301};
  const std::uint16_t groups[] = {0x0017};
  PcscfTlsConfig c;
  c.suite_preference = {pref, 2};
  c.group_preference = {groups, 1};
  Choice out;
  REQUIRE(pcscf(p->ch, c, out) == Error::ok);
  REQ("O.1.2-PC-DECIDES-SUITE", out.suite == 0x1303);
  REQ("O.2.1-ALL-PROFILE",
      out.group == 0x0017);  // configured order, not the client's (x25519 first)
  // No offered suite is choosable: handshake_failure.
  const std::uint16_t only_ccm[] = {0x1304};
  c.suite_preference = {only_ccm, 1};
  const Error e = pcscf(p->ch, c, out);
  REQ("O.2.1-ALL-SUITE-RULES-ALL-VERSIONS", e == Error::profile_ch_no_common_suite);
  REQ("O.2.1-ALL-SUITE-RULES-ALL-VERSIONS", static_cast<int>(error_alert(e)) == kHandshakeFailure);
}

//= spec#O.2.1-ALL-SUITE-RULES-ALL-VERSIONS type=test
TEST_CASE(
    "O.2.1-ALL-SUITE-RULES-ALL-VERSIONS: the UE accepts captured ServerHellos and refuses "
    "unoffered or unfit suites") {
  // The GnuTLS TLS 1.2 capture came from a 1.3-capable server answering a
  // 1.2-only client: it carries the downgrade sentinel, so the matching offer
  // is TLS 1.2 only (the same capture with a 1.3 offer is refused below).
  for (const char* f : {"sh_openssl_tls12_flight.bin", "sh_gnutls_tls12_flight.bin",
                        "sh_openssl_tls13.bin", "sh_gnutls_tls13.bin"}) {
    INFO(f);
    auto p = parse_vector(f);
    Negotiated n;
    const bool only12 = std::string(f) == "sh_gnutls_tls12_flight.bin";
    UeTlsConfig uc;
    uc.enable_tls13 = !only12;
    REQUIRE(ue_check_server_hello(p->sh, default_offer(!only12), uc, {}, n) == Error::ok);
    REQ("O.2.1-ALL-SUITE-RULES-ALL-VERSIONS", n.suite == p->sh.cipher_suite);
    CHECK(n.version == (p->sh.has_supported_versions ? 0x0304 : 0x0303));
  }
  // The same capture against an offer without 0xC02C: not offered.
  auto p = parse_vector("sh_openssl_tls12_flight.bin");
  const std::uint16_t list[] = {0x1301, 0xC02B};
  UeTlsConfig c;
  c.suites = {list, 2};
  Offer o;
  REQUIRE(build_offer(c, o) == Error::ok);
  Negotiated n;
  Error e = ue_check_server_hello(p->sh, o, c, {}, n);
  REQ("O.2.1-ALL-SUITE-RULES-ALL-VERSIONS", e == Error::profile_sh_suite_not_offered);
  REQ("O.2.1-ALL-SUITE-RULES-ALL-VERSIONS", static_cast<int>(error_alert(e)) == kIllegalParameter);
  // A TLS 1.3 suite in a TLS 1.2 ServerHello, though offered: not acceptable.
  ShBuilder sb;
  sb.suite = 0x1301;
  e = ue_check_server_hello(sb.build(), default_offer(), UeTlsConfig(), {}, n);
  REQ("O.2.1-ALL-SUITE-RULES-ALL-VERSIONS", e == Error::profile_sh_suite_not_acceptable);
  // ue_may_accept denies forbidden and unknown codes even if an offer listed them.
  Offer forged = default_offer();
  forged.suites[forged.suite_count++] = 0x0004;  // RC4
  forged.suites[forged.suite_count++] = 0xC0AC;  // not in the registry
  REQ("O.2.1-ALL-SUITE-RULES-ALL-VERSIONS", !(ue_may_accept(0x0004, forged, tls::kTls12)));
  REQ("O.2.1-ALL-SUITE-RULES-ALL-VERSIONS", !(ue_may_accept(0xC0AC, forged, tls::kTls12)));
  REQ("O.2.1-ALL-SUITE-RULES-ALL-VERSIONS", ue_may_accept(0xC02B, forged, tls::kTls12));
  REQ("O.2.1-ALL-SUITE-RULES-ALL-VERSIONS", !(ue_may_accept(0xC02B, forged, tls::kTls13)));
  REQ("O.2.1-ALL-SUITE-RULES-ALL-VERSIONS", !(ue_may_accept(0xC02B, forged, tls::kTls11)));
}

//= spec#O.2.1-ALL-PROFILE type=test
TEST_CASE("O.2.1-ALL-PROFILE: versions outside what is enabled or offered are refused") {
  // P-CSCF with TLS 1.3 only vs a TLS 1.2-only client.
  auto p = parse_vector("ch_gnutls_tls12_only.bin");
  PcscfTlsConfig c;
  c.enable_tls12 = false;
  Choice out;
  Error e = pcscf(p->ch, c, out);
  REQ("O.2.1-ALL-PROFILE", e == Error::profile_ch_no_enabled_version);
  REQ("O.2.1-ALL-PROFILE", static_cast<int>(error_alert(e)) == kProtocolVersion);
  // UE offered TLS 1.2 only; the server picks 1.3.
  auto s13 = parse_vector("sh_openssl_tls13.bin");
  UeTlsConfig u;
  u.enable_tls13 = false;
  Negotiated n;
  e = ue_check_server_hello(s13->sh, default_offer(false), u, {}, n);
  REQ("O.2.1-ALL-PROFILE", e == Error::profile_sh_version_not_offered);
  REQ("O.2.1-ALL-PROFILE", static_cast<int>(error_alert(e)) == kIllegalParameter);
  // supported_versions selecting TLS 1.2 is illegal (RFC 8446 4.2.1).
  ShBuilder sb;
  sb.exts.push_back({tls::ext::supported_versions, {0x03, 0x03}});
  REQ("O.2.1-ALL-PROFILE", ue_check_server_hello(sb.build(), default_offer(), UeTlsConfig(), {},
                                                 n) == Error::profile_sh_version_not_offered);
  // legacy_version 0x0304 without supported_versions is not TLS 1.3.
  ShBuilder sb2;
  sb2.legacy_version = 0x0304;
  sb2.suite = 0x1301;
  sb2.exts.clear();
  REQ("O.2.1-ALL-PROFILE", ue_check_server_hello(sb2.build(), default_offer(), UeTlsConfig(), {},
                                                 n) == Error::profile_sh_version_not_offered);
}

TEST_CASE(
    "33210-6.2.1-TLS12-MANDATORY: a configuration enabling no version is refused on both sides") {
  UeTlsConfig u;
  u.enable_tls12 = false;
  u.enable_tls13 = false;
  Offer o;
  CHECK(build_offer(u, o) == Error::profile_config_no_version);
  PcscfTlsConfig c;
  c.enable_tls12 = false;
  c.enable_tls13 = false;
  CHECK(pcscf_check_config(c) == Error::profile_config_no_version);
  CHECK(pcscf_check_config(PcscfTlsConfig()) == Error::ok);
}

//= spec#O.2.1-ALL-SUITE-RULES-ALL-VERSIONS type=test
TEST_CASE("O.2.1-ALL-SUITE-RULES-ALL-VERSIONS: configured suite lists are checked at start-up") {
  Offer o;
  UeTlsConfig u;
  const std::uint16_t forbidden[] = {0xC02B, 0x002F};
  u.suites = {forbidden, 2};
  REQ("O.2.1-ALL-SUITE-RULES-ALL-VERSIONS",
      build_offer(u, o) == Error::profile_config_suite_not_in_profile);
  const std::uint16_t grease[] = {0xC02B, 0x0a0a};
  u.suites = {grease, 2};
  REQ("O.2.1-ALL-SUITE-RULES-ALL-VERSIONS",
      build_offer(u, o) == Error::profile_config_suite_not_in_profile);
  const std::uint16_t dup[] = {0xC02B, 0x1301, 0xC02B};
  u.suites = {dup, 3};
  REQ("O.2.1-ALL-SUITE-RULES-ALL-VERSIONS",
      build_offer(u, o) == Error::profile_config_duplicate_suite);
  const std::uint16_t v13[] = {0xC02B, 0x1301};
  u.suites = {v13, 2};
  u.enable_tls13 = false;
  REQ("O.2.1-ALL-SUITE-RULES-ALL-VERSIONS",
      build_offer(u, o) == Error::profile_config_suite_version_disabled);
  std::uint16_t many[kMaxOfferSuites + 1];
  for (auto& m : many) m = 0xC02B;
  u.suites = {many, kMaxOfferSuites + 1};
  REQ("O.2.1-ALL-SUITE-RULES-ALL-VERSIONS",
      build_offer(u, o) == Error::profile_config_too_many_suites);
  PcscfTlsConfig c;
  c.suite_preference = {forbidden, 2};
  REQ("O.2.1-ALL-SUITE-RULES-ALL-VERSIONS",
      pcscf_check_config(c) == Error::profile_config_suite_not_in_profile);
}

//= spec#RFC8446-DOWNGRADE-SENTINEL type=test
TEST_CASE(
    "RFC8446-DOWNGRADE-SENTINEL: a TLS 1.2 ServerHello carrying DOWNGRD is refused when TLS 1.3 "
    "was offered") {
  for (std::uint8_t last : {std::uint8_t{0x01}, std::uint8_t{0x00}}) {
    ShBuilder sb;
    std::copy(tls::kDowngradePrefix, tls::kDowngradePrefix + 7, sb.random.begin() + 24);
    sb.random[31] = last;
    Negotiated n;
    const Error e = ue_check_server_hello(sb.build(), default_offer(true), UeTlsConfig(), {}, n);
    REQ("RFC8446-DOWNGRADE-SENTINEL", e == Error::profile_sh_downgrade_sentinel);
    REQ("RFC8446-DOWNGRADE-SENTINEL", static_cast<int>(error_alert(e)) == kIllegalParameter);
    UeTlsConfig only12;
    only12.enable_tls13 = false;
    REQ("RFC8446-DOWNGRADE-SENTINEL",
        ue_check_server_hello(sb.build(), default_offer(false), only12, {}, n) == Error::ok);
  }
  // Real: gnutls-serv (1.3-capable) answering a TLS 1.2-only gnutls-cli.
  auto cap = parse_vector("sh_gnutls_tls12_flight.bin");
  {
    Negotiated n;
    REQ("RFC8446-DOWNGRADE-SENTINEL",
        ue_check_server_hello(cap->sh, default_offer(true), UeTlsConfig(), {}, n) ==
            Error::profile_sh_downgrade_sentinel);
  }
  ShBuilder near_miss;
  std::copy(tls::kDowngradePrefix, tls::kDowngradePrefix + 7, near_miss.random.begin() + 24);
  near_miss.random[31] = 0x02;
  Negotiated n;
  REQ("RFC8446-DOWNGRADE-SENTINEL", ue_check_server_hello(near_miss.build(), default_offer(true),
                                                          UeTlsConfig(), {}, n) == Error::ok);
}

//= spec#RFC5746-SECURE-RENEG type=test
//= spec#RFC5746-PC-RENEG-INDICATION type=test
TEST_CASE("RFC5746-SECURE-RENEG: the P-CSCF demands the renegotiation indication for TLS 1.2") {
  PcscfTlsConfig c;
  Choice out;
  ChBuilder none;
  Error e = pcscf(none.build(), c, out);
  REQ("RFC5746-PC-RENEG-INDICATION", e == Error::profile_ch_no_renegotiation_indication);
  REQ("RFC5746-PC-RENEG-INDICATION", static_cast<int>(error_alert(e)) == kHandshakeFailure);
  ChBuilder scsv;
  scsv.suites = {0xC02B, 0x00FF};
  REQ("RFC5746-PC-RENEG-INDICATION", pcscf(scsv.build(), c, out) == Error::ok);
  ChBuilder ext;
  ext.reneg();
  REQ("RFC5746-PC-RENEG-INDICATION", pcscf(ext.build(), c, out) == Error::ok);
  ChBuilder nonempty;
  nonempty.reneg({1, 2, 3});
  REQ("RFC5746-SECURE-RENEG",
      pcscf(nonempty.build(), c, out) == Error::profile_ch_renegotiation_info_mismatch);
  // Captured: OpenSSL signals with the SCSV, GnuTLS with the extension.
  c.enable_tls13 = false;
  CHECK(pcscf(parse_vector("ch_openssl_default.bin")->ch, c, out) == Error::ok);
  CHECK(pcscf(parse_vector("ch_gnutls_tls12_only.bin")->ch, c, out) == Error::ok);
  // Renegotiation ClientHello: extension with the right client_verify_data, no SCSV.
  const Bytes verify = {9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 1, 2};
  HandshakeContext reneg;
  reneg.renegotiation = true;
  reneg.expected_renegotiation_info = ByteView(verify.data(), verify.size());
  ChBuilder good;
  good.reneg(verify);
  CHECK(pcscf(good.build(), c, out, reneg) == Error::ok);
  ChBuilder wrong;
  wrong.reneg({9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 1, 3});
  REQ("RFC5746-SECURE-RENEG",
      pcscf(wrong.build(), c, out, reneg) == Error::profile_ch_renegotiation_info_mismatch);
  ChBuilder empty_on_reneg;
  empty_on_reneg.reneg();
  REQ("RFC5746-SECURE-RENEG", pcscf(empty_on_reneg.build(), c, out, reneg) ==
                                  Error::profile_ch_renegotiation_info_mismatch);
  ChBuilder scsv_on_reneg;
  scsv_on_reneg.suites = {0xC02B, 0x00FF};
  scsv_on_reneg.reneg(verify);
  REQ("RFC5746-SECURE-RENEG",
      pcscf(scsv_on_reneg.build(), c, out, reneg) == Error::profile_ch_scsv_in_renegotiation);
  ChBuilder missing_on_reneg;
  REQ("RFC5746-SECURE-RENEG", pcscf(missing_on_reneg.build(), c, out, reneg) ==
                                  Error::profile_ch_no_renegotiation_indication);
  // A renegotiation stays on TLS 1.2 even if the client lists TLS 1.3.
  PcscfTlsConfig both;
  ChBuilder modern;
  modern.modern().reneg(verify);
  modern.suites = {0x1301, 0xC02B};
  REQUIRE(pcscf(modern.build(), both, out, reneg) == Error::ok);
  CHECK(out.version == tls::kTls12);
  // Without renegotiation in use, no indication is demanded.
  PcscfTlsConfig no_reneg;
  no_reneg.renegotiation_used = false;
  ChBuilder plain;
  CHECK(pcscf(plain.build(), no_reneg, out) == Error::ok);
}

//= spec#RFC5746-SECURE-RENEG type=test
TEST_CASE("RFC5746-SECURE-RENEG: the UE demands renegotiation_info in a TLS 1.2 ServerHello") {
  Negotiated n;
  ShBuilder missing;
  missing.exts.clear();
  Error e = ue_check_server_hello(missing.build(), default_offer(), UeTlsConfig(), {}, n);
  REQ("RFC5746-SECURE-RENEG", e == Error::profile_sh_no_renegotiation_info);
  REQ("RFC5746-SECURE-RENEG", static_cast<int>(error_alert(e)) == kHandshakeFailure);
  UeTlsConfig no_reneg;
  no_reneg.renegotiation_used = false;
  CHECK(ue_check_server_hello(missing.build(), default_offer(), no_reneg, {}, n) == Error::ok);
  ShBuilder nonempty;
  nonempty.exts = {{tls::ext::renegotiation_info, {0x02, 0xaa, 0xbb}}};
  REQ("RFC5746-SECURE-RENEG",
      ue_check_server_hello(nonempty.build(), default_offer(), UeTlsConfig(), {}, n) ==
          Error::profile_sh_renegotiation_info_mismatch);
  HandshakeContext reneg;
  const Bytes both = {0xaa, 0xbb};
  reneg.renegotiation = true;
  reneg.expected_renegotiation_info = ByteView(both.data(), both.size());
  REQ("RFC5746-SECURE-RENEG", ue_check_server_hello(nonempty.build(), default_offer(),
                                                    UeTlsConfig(), reneg, n) == Error::ok);
  const Bytes other = {0xaa, 0xbc};
  reneg.expected_renegotiation_info = ByteView(other.data(), other.size());
  REQ("RFC5746-SECURE-RENEG",
      ue_check_server_hello(nonempty.build(), default_offer(), UeTlsConfig(), reneg, n) ==
          Error::profile_sh_renegotiation_info_mismatch);
  // In a renegotiation an empty renegotiation_info is refused even when the
  // adapter gives no verify_data to compare with (RFC 5746 3.5; the mutant
  // ue_secure_reneg_empty_info_ok survived while no case tried it).
  ShBuilder empty;
  HandshakeContext reneg_unknown;
  reneg_unknown.renegotiation = true;
  REQ("RFC5746-SECURE-RENEG",
      ue_check_server_hello(empty.build(), default_offer(), UeTlsConfig(), reneg_unknown, n) ==
          Error::profile_sh_renegotiation_info_mismatch);
  REQ("RFC5746-SECURE-RENEG",
      ue_check_server_hello(empty.build(), default_offer(), UeTlsConfig(), {}, n) == Error::ok);
  // TLS 1.3 has no renegotiation_info.
  ShBuilder t13;
  t13.tls13();
  CHECK(ue_check_server_hello(t13.build(), default_offer(), UeTlsConfig(), {}, n) == Error::ok);
}

//= spec#33210-6.2.3-TLS12-PROFILE type=test
//= spec#33210-6.2.1-NO-COMPRESSION type=test
TEST_CASE("33210-6.2.3-TLS12-PROFILE: compression other than null is refused in both hellos") {
  PcscfTlsConfig c;
  Choice out;
  // A TLS 1.2 ClientHello without null, and a TLS 1.3 ClientHello with
  // anything but exactly {null} (RFC 8446 4.1.2): illegal_parameter (RD-135).
  for (const Bytes& methods : {Bytes{1}, Bytes{2, 1}}) {
    ChBuilder b;
    b.compression = methods;
    b.reneg();
    const Error e = pcscf(b.build(), c, out);
    REQ("33210-6.2.1-NO-COMPRESSION", e == Error::profile_ch_compression);
    REQ("33210-6.2.1-NO-COMPRESSION", static_cast<int>(error_alert(e)) == kIllegalParameter);
  }
  PcscfTlsConfig c13;
  c13.enable_tls13 = true;
  for (const Bytes& methods : {Bytes{1, 0}, Bytes{0, 1}, Bytes{0, 0}, Bytes{1}}) {
    ChBuilder b;
    b.modern();
    b.compression = methods;
    const Error e = pcscf(b.build(), c13, out);
    REQ("33210-6.2.1-NO-COMPRESSION", e == Error::profile_ch_compression);
    REQ("33210-6.2.1-NO-COMPRESSION", static_cast<int>(error_alert(e)) == kIllegalParameter);
  }
  // A TLS 1.2 ClientHello listing null among others: the other methods are
  // ignored and the handshake goes on (RFC 5246 7.4.1.2; null is answered).
  for (const Bytes& methods : {Bytes{1, 0}, Bytes{0, 1}, Bytes{0, 0}}) {
    ChBuilder b;
    b.compression = methods;
    b.reneg();
    REQ("33210-6.2.1-NO-COMPRESSION", pcscf(b.build(), c, out) == Error::ok);
  }
  ShBuilder sb;
  sb.compression = 1;
  Negotiated n;
  REQ("33210-6.2.3-TLS12-PROFILE", ue_check_server_hello(sb.build(), default_offer(), UeTlsConfig(),
                                                         {}, n) == Error::profile_sh_compression);
}

//= spec#33210-6.2.2-RFC8446-9.2 type=test
TEST_CASE(
    "33210-6.2.2-RFC8446-9.2: a TLS 1.3 ClientHello without the mandatory extensions is refused") {
  PcscfTlsConfig c;
  Choice out;
  ChBuilder full;
  full.modern();
  REQUIRE(pcscf(full.build(), c, out) == Error::ok);
  CHECK(out.version == tls::kTls13);
  for (std::uint16_t drop :
       {tls::ext::supported_groups, tls::ext::signature_algorithms, tls::ext::key_share}) {
    INFO(drop);
    ChBuilder b;
    b.modern();
    b.exts.erase(std::remove_if(b.exts.begin(), b.exts.end(),
                                [drop](const auto& e) { return e.first == drop; }),
                 b.exts.end());
    const Error e = pcscf(b.build(), c, out);
    REQ("33210-6.2.2-RFC8446-9.2", e == Error::profile_ch_tls13_missing_extension);
    REQ("33210-6.2.2-RFC8446-9.2", static_cast<int>(error_alert(e)) == kMissingExtension);
  }
}

//= spec#33210-6.2.2-RFC8446-9.1 type=test
TEST_CASE("33210-6.2.2-RFC8446-9.1: groups are chosen from secp256r1, x25519, secp384r1 only") {
  PcscfTlsConfig c;
  Choice out;
  ChBuilder x448;
  x448.groups({0x001e, 0x0019}).reneg();
  Error e = pcscf(x448.build(), c, out);
  REQ("33210-6.2.2-RFC8446-9.1", e == Error::profile_ch_no_common_group);
  REQ("33210-6.2.2-RFC8446-9.1", static_cast<int>(error_alert(e)) == kHandshakeFailure);
  // A DHE suite would need no named group, but DHE is refused (RD-29): an
  // RSA-certificate P-CSCF finds nothing to choose in a DHE + foreign-group offer.
  ChBuilder dhe;
  dhe.suites = {0xC02F, 0x009E, 0x009F};
  dhe.groups({0x001e}).reneg();
  c.certificate_is_ecdsa = false;
  CHECK(pcscf(dhe.build(), c, out) != Error::ok);
  // secp384r1 only.
  ChBuilder p384;
  p384.groups({0x0018}).reneg();
  REQUIRE(pcscf(p384.build(), c, out) == Error::ok);
  REQ("33210-6.2.2-RFC8446-9.1", out.group == 0x0018);
  // Default preference (RD-77): x25519, then secp256r1, then secp384r1,
  // whatever order the client lists them in; secp256r1 alone is accepted.
  ChBuilder p256_first;
  p256_first.groups({0x0018, 0x0017, 0x001d}).reneg();
  REQUIRE(pcscf(p256_first.build(), c, out) == Error::ok);
  CHECK(out.group == 0x001d);
  ChBuilder p256_p384;
  p256_p384.groups({0x0018, 0x0017}).reneg();
  REQUIRE(pcscf(p256_p384.build(), c, out) == Error::ok);
  REQ("33210-6.2.2-RFC8446-9.1", out.group == 0x0017);
  ChBuilder p256_only;
  p256_only.groups({0x0017}).reneg();
  REQUIRE(pcscf(p256_only.build(), c, out) == Error::ok);
  REQ("33210-6.2.2-RFC8446-9.1", out.group == 0x0017);
  // TLS 1.2 without supported_groups: secp256r1 assumed.
  ChBuilder nogroups;
  nogroups.reneg();
  REQUIRE(pcscf(nogroups.build(), c, out) == Error::ok);
  REQ("33210-6.2.2-RFC8446-9.1", out.group == 0x0017);
  const std::uint16_t bad[] = {0x0019};
  c.group_preference = {bad, 1};
  REQ("33210-6.2.2-RFC8446-9.1",
      pcscf_check_config(c) == Error::profile_config_group_not_in_profile);
}
