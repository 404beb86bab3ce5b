// Profile properties: the UE's offer, the UE's ServerHello check and the
// P-CSCF's ClientHello check and choice against the reference model of
// tls_model.h (catalogue section 3), for random configurations and random
// offers (GREASE, SCSVs, duplicates, unknown codes, every NULL and forbidden
// family); and the handshake reader's bounds and record-split invariance.
#include <rapidcheck.h>

#include <algorithm>
#include <cstring>
#include <sstream>
#include <vector>

#include "core/errors.h"
#include "core/handshake_reader.h"
#include "core/profile.h"
#include "tests/property/guarded.h"
#include "tests/property/harness.h"
#include "tests/property/tls_model.h"
#include "tests/support/req.h"

namespace annexo::prop {
namespace {

using namespace annexo::core;
namespace tm = tls_model;

std::vector<std::uint16_t> all_known() {
  std::vector<std::uint16_t> v;
  for (const auto* l : {&tm::kProfile13, &tm::kProfile12, &tm::kNull12, &tm::kNull13})
    v.insert(v.end(), l->begin(), l->end());
  return v;
}

// Choices are drawn with uniform / any (harness.h): at this file's CI
// max_size (10-40) the size-scaled draws never grew a ClientHello, never set
// the SNI bit and kept the "any code" below 0x20 at size 30, 0x40 at 40.

// Any 16-bit code an attacker or a sloppy configuration may put in a list.
rc::Gen<std::uint16_t> gen_code() {
  return rc::gen::weightedOneOf<std::uint16_t>({
      {6, rc::gen::elementOf(all_known())},
      {3, rc::gen::elementOf(tm::kForbiddenSample)},
      {1, rc::gen::map(uniform(0, 16),
                       [](int i) { return static_cast<std::uint16_t>(0x0A0A + 0x1010 * i); })},
      {1, rc::gen::element<std::uint16_t>(0x00FF, 0x5600)},
      {1, any<std::uint16_t>()},
  });
}

std::string show(const std::vector<std::uint16_t>& v) {
  std::ostringstream o;
  o << std::hex;
  for (auto x : v) o << "0x" << x << " ";
  return o.str();
}

// ---- UE offer ----

struct OfferModel {
  bool ok;
  std::vector<std::uint16_t> suites;
};

OfferModel model_offer(bool t12, bool t13, bool offer_null, const std::vector<std::uint16_t>& cfg) {
  if (!t12 && !t13) return {false, {}};
  const std::vector<std::uint16_t> list =
      cfg.empty() ? std::vector<std::uint16_t>{0x1301, 0x1302, 0x1303, 0x1304, 0xC02B,
                                               0xC02F, 0xC02C, 0xC030, 0xCCA9, 0xCCA8,
                                               0xC006, 0xC010, 0x003B, 0xC0B4, 0xC0B5}
                  : cfg;
  if (!cfg.empty()) {
    // A configured list must be clean: only profile suites, NULL only when
    // opted in, each for an enabled version, no duplicates (configuration errors).
    if (cfg.size() > 32) return {false, {}};
    for (std::size_t i = 0; i < cfg.size(); ++i) {
      const auto c = cfg[i];
      if (!tm::encrypting(c) && !tm::null_suite(c)) return {false, {}};
      if (tm::null_suite(c) && !offer_null) return {false, {}};
      if (!((tm::for12(c) && t12) || (tm::for13(c) && t13))) return {false, {}};
      if (std::count(cfg.begin(), cfg.begin() + static_cast<long>(i), c) != 0) return {false, {}};
    }
  }
  OfferModel m{true, {}};
  for (auto c : list)
    if (tm::encrypting(c) && ((tm::for12(c) && t12) || (tm::for13(c) && t13)))
      m.suites.push_back(c);
  if (offer_null)
    for (auto c : list)
      if (tm::null_suite(c) && ((tm::for12(c) && t12) || (tm::for13(c) && t13)))
        m.suites.push_back(c);
  // O.2.1-UE-NONNULL-OFFER: an encrypting suite for every enabled version.
  bool e12 = false, e13 = false;
  for (auto c : m.suites) {
    e12 = e12 || (tm::encrypting(c) && tm::for12(c));
    e13 = e13 || (tm::encrypting(c) && tm::for13(c));
  }
  if ((t12 && !e12) || (t13 && !e13)) return {false, {}};
  return m;
}

rc::Gen<std::vector<std::uint16_t>> gen_config_list() {
  return rc::gen::weightedOneOf<std::vector<std::uint16_t>>({
      {1, rc::gen::just(std::vector<std::uint16_t>{})},
      // clean: a subset of the known suites, any order
      {3,
       rc::gen::map(rc::gen::container<std::vector<std::uint16_t>>(rc::gen::elementOf(all_known())),
                    [](std::vector<std::uint16_t> v) {
                      std::vector<std::uint16_t> u;
                      for (auto c : v)
                        if (!tm::in(u, c)) u.push_back(c);
                      return u;
                    })},
      // dirty: anything, duplicates included
      {2, rc::gen::container<std::vector<std::uint16_t>>(gen_code())},
  });
}

ANNEXO_PROPERTY("O.2.1-UE-NONNULL-OFFER.offer", 1000, 40, [] {
  const bool t12 = *rc::gen::arbitrary<bool>();
  const bool t13 = *rc::gen::arbitrary<bool>();
  const bool offer_null = *rc::gen::arbitrary<bool>();
  const auto list = *gen_config_list();
  UeTlsConfig cfg;
  cfg.enable_tls12 = t12;
  cfg.enable_tls13 = t13;
  cfg.offer_null_encryption = offer_null;
  cfg.suites = CodeList{list.data(), list.size()};
  Offer offer;
  const Error e = build_offer(cfg, offer);
  const OfferModel m = model_offer(t12, t13, offer_null, list);
  RC_TAG(m.ok ? "accepted" : "refused");
  RC_LOG() << "config list: " << show(list) << "\n";
  RC_REQ("O.2.1-UE-NONNULL-OFFER", (e == Error::ok) == m.ok);
  if (e != Error::ok) {
    const auto n = static_cast<unsigned>(e);
    RC_ASSERT(n >= 1000u && n < 2000u);  // a profile (configuration) error, with its requirement
    RC_ASSERT(offer.suite_count == 0u);
    return;
  }
  const std::vector<std::uint16_t> got(offer.suites, offer.suites + offer.suite_count);
  RC_LOG() << "core offer: " << show(got) << "\nmodel offer: " << show(m.suites) << "\n";
  RC_REQ("O.1.2-UE-ALWAYS-OFFER-SUITES", got == m.suites);
  RC_ASSERT(offer.tls12 == t12);
  RC_ASSERT(offer.tls13 == t13);
  // Profile obeyed, independently of the model's ordering: nothing forbidden,
  // NULL only opted in, NULL after every encrypting suite, never empty.
  bool seen_null = false;
  bool enc12 = false, enc13 = false;
  for (auto c : got) {
    RC_REQ("O.2.1-ALL-NULL-MAY", tm::encrypting(c) || (offer_null && tm::null_suite(c)));
    if (tm::null_suite(c)) seen_null = true;
    if (tm::encrypting(c)) RC_ASSERT(!seen_null);
    enc12 = enc12 || (tm::encrypting(c) && tm::for12(c));
    enc13 = enc13 || (tm::encrypting(c) && tm::for13(c));
  }
  RC_REQ("O.1.2-UE-ALWAYS-OFFER-SUITES", !got.empty());
  // An encrypting suite for every enabled version, stated directly.
  RC_REQ("O.2.1-UE-NONNULL-OFFER", (!t12 || enc12) && (!t13 || enc13));
});

// ---- P-CSCF: ClientHello check and choice ----

struct ChChoice {
  bool ok;
  std::uint16_t version = 0, suite = 0;
  std::uint16_t group = 0;           // 0 when the suite needs no named group
  const char* refused_by = nullptr;  // the requirement a refusal enforces, if one names it
};

struct ChInput {
  std::uint16_t legacy_version;
  std::vector<std::uint16_t> suites;
  std::vector<std::uint8_t> compression;
  bool has_sv;
  std::vector<std::uint16_t> versions;
  bool has_groups;
  std::vector<std::uint16_t> groups;
  bool has_sig, has_ks, has_reninfo;
  std::vector<std::uint8_t> reninfo;
  bool has_sni;
};

void showValue(const ChInput& c, std::ostream& os) {
  os << "ClientHello{legacy_version 0x" << std::hex << c.legacy_version << ", suites "
     << show(c.suites) << ", compression " << c.compression.size() << " byte(s) first "
     << int(c.compression[0]) << ", supported_versions "
     << (c.has_sv ? show(c.versions) : std::string("absent")) << ", groups "
     << (c.has_groups ? show(c.groups) : std::string("absent")) << std::dec
     << ", signature_algorithms " << c.has_sig << ", key_share " << c.has_ks
     << ", renegotiation_info "
     << (c.has_reninfo ? (c.reninfo.empty() ? "empty" : "NON-EMPTY") : "absent") << ", sni "
     << c.has_sni << "}";
}

tm::HelloSpec to_spec(const ChInput& in) {
  tm::HelloSpec h;
  h.legacy_version = in.legacy_version;
  h.session_id = std::vector<std::uint8_t>(32, 0x5A);
  h.suites = in.suites;
  h.compression = in.compression;
  if (in.has_sni) h.extensions.push_back(tm::ext_server_name("pcscf.ims.example.net"));
  h.extensions.push_back({0x1A1A, {}});  // GREASE extension, ignored by every peer
  if (in.has_sv) h.extensions.push_back(tm::ext_supported_versions(in.versions));
  if (in.has_groups) h.extensions.push_back(tm::ext_supported_groups(in.groups));
  if (in.has_sig) h.extensions.push_back(tm::ext_signature_algorithms());
  if (in.has_ks) h.extensions.push_back(tm::ext_key_share(0x0017));
  if (in.has_reninfo) h.extensions.push_back(tm::ext_renegotiation_info(in.reninfo));
  return h;
}

// The P-CSCF's check and choice on the wire form of `ch` (parsed from an
// exactly-sized guarded copy; the parse itself must succeed).
Error pcscf_choose(const ChInput& ch, const PcscfTlsConfig& cfg, Choice& choice) {
  const auto body = tm::client_hello_body(to_spec(ch));
  Guarded g(body);
  ClientHello parsed;
  RC_ASSERT(parse_client_hello(ByteView(g.data(), g.size()), parsed).ok());
  return pcscf_check_client_hello(parsed, cfg, HandshakeContext{}, choice);
}

rc::Gen<ChInput> gen_ch() {
  return rc::gen::apply(
      [](std::uint16_t lv, std::vector<std::uint16_t> suites, bool bad_comp, bool has_sv,
         std::vector<std::uint16_t> versions, bool has_groups, std::vector<std::uint16_t> groups,
         std::uint8_t ext_bits, bool reninfo_nonempty) {
        ChInput c;
        c.legacy_version = lv;
        c.suites = std::move(suites);
        // Not only null: null among others (a TLS 1.2 hello may), or no null.
        c.compression = !bad_comp         ? std::vector<std::uint8_t>{0}
                        : (ext_bits & 64) ? std::vector<std::uint8_t>{1}
                                          : std::vector<std::uint8_t>{1, 0};
        c.has_sv = has_sv;
        c.versions = std::move(versions);
        c.has_groups = has_groups;
        c.groups = std::move(groups);
        c.has_sig = (ext_bits & 1) == 0 || (ext_bits & 8);
        c.has_ks = (ext_bits & 2) == 0 || (ext_bits & 8);
        c.has_reninfo = (ext_bits & 4) == 0;
        c.has_sni = (ext_bits & 16) != 0;
        if (reninfo_nonempty) c.reninfo = {1, 2, 3};
        return c;
      },
      rc::gen::element<std::uint16_t>(0x0300, 0x0301, 0x0302, 0x0303, 0x0303, 0x0303, 0x0304),
      rc::gen::nonEmpty(rc::gen::container<std::vector<std::uint16_t>>(gen_code())),
      rc::gen::weightedOneOf<bool>({{9, rc::gen::just(false)}, {1, rc::gen::just(true)}}),
      rc::gen::arbitrary<bool>(),
      // supported_versions has a 1-byte length: keep the list short.
      rc::gen::resize(12, rc::gen::nonEmpty(rc::gen::container<std::vector<std::uint16_t>>(
                              rc::gen::element<std::uint16_t>(0x0300, 0x0301, 0x0302, 0x0303,
                                                              0x0304, 0x7A7A, 0x0305)))),
      rc::gen::weightedOneOf<bool>({{4, rc::gen::just(true)}, {1, rc::gen::just(false)}}),
      rc::gen::resize(12, rc::gen::nonEmpty(rc::gen::container<std::vector<std::uint16_t>>(
                              rc::gen::element<std::uint16_t>(0x0017, 0x001D, 0x0018, 0x0019,
                                                              0x0100, 0x2A2A)))),
      any<std::uint8_t>(),
      rc::gen::weightedOneOf<bool>({{9, rc::gen::just(false)}, {1, rc::gen::just(true)}}));
}

struct PcCfg {
  bool t12, t13, allow_null, reneg, ecdsa;
  std::vector<std::uint16_t> pref;
  std::vector<std::uint16_t> groups;
};

void showValue(const PcCfg& c, std::ostream& os) {
  os << "P-CSCF config{tls12 " << c.t12 << ", tls13 " << c.t13 << ", allow_null " << c.allow_null
     << ", renegotiation_used " << c.reneg << ", ecdsa_cert " << c.ecdsa << ", preference "
     << (c.pref.empty() ? std::string("default") : show(c.pref)) << ", groups "
     << (c.groups.empty() ? std::string("default") : show(c.groups)) << "}";
}

rc::Gen<PcCfg> gen_pc_cfg() {
  return rc::gen::apply(
      [](bool t12, bool t13, bool allow_null, bool reneg, bool ecdsa,
         std::vector<std::uint16_t> pick, std::vector<std::uint16_t> groups) {
        PcCfg c{t12 || !t13, t13, allow_null, reneg, ecdsa, {}, {}};
        for (auto s : pick) {
          if (tm::in(c.pref, s)) continue;
          if (tm::null_suite(s) && !c.allow_null) continue;
          if (!((tm::for12(s) && c.t12) || (tm::for13(s) && c.t13))) continue;
          c.pref.push_back(s);
        }
        for (auto g : groups)
          if (!tm::in(c.groups, g)) c.groups.push_back(g);
        return c;
      },
      rc::gen::arbitrary<bool>(), rc::gen::arbitrary<bool>(), rc::gen::arbitrary<bool>(),
      rc::gen::arbitrary<bool>(), rc::gen::arbitrary<bool>(),
      rc::gen::container<std::vector<std::uint16_t>>(rc::gen::elementOf(all_known())),
      rc::gen::container<std::vector<std::uint16_t>>(rc::gen::elementOf(tm::kProfileGroups)));
}

ChChoice model_choice(const ChInput& ch, const PcCfg& cfg) {
  bool o12, o13;
  if (ch.has_sv) {
    o12 = tm::in(ch.versions, 0x0303);
    o13 = tm::in(ch.versions, 0x0304);
  } else {
    o12 = ch.legacy_version >= 0x0303;
    o13 = false;
  }
  // RD-135: a TLS 1.3 ClientHello has exactly {null} (RFC 8446 4.1.2), a
  // TLS 1.2 one lists null among any others (RFC 5246 7.4.1.2).
  const bool only_null = ch.compression == std::vector<std::uint8_t>{0};
  const bool has_null =
      std::find(ch.compression.begin(), ch.compression.end(), 0) != ch.compression.end();
  if (o13 ? !only_null : !has_null) return {false};
  if (!o12 && !o13) return {false, 0, 0, 0, "33210-6.2.1-NO-LEGACY-VERSIONS"};
  const bool use13 = o13 && cfg.t13;
  const bool use12 = !use13 && o12 && cfg.t12;
  if (!use13 && !use12) return {false};
  bool any_enc = false;
  for (auto s : ch.suites) any_enc = any_enc || tm::encrypting(s);
  if (!any_enc) return {false};  // O.2.1-UE-NONNULL-OFFER
  if (use13 && (!ch.has_groups || !ch.has_sig || !ch.has_ks)) return {false};
  if (use12 && cfg.reneg) {
    const bool scsv = tm::in(ch.suites, 0x00FF);
    if (!ch.has_reninfo && !scsv) return {false, 0, 0, 0, "RFC5746-SECURE-RENEG"};
    if (ch.has_reninfo && !ch.reninfo.empty()) return {false, 0, 0, 0, "RFC5746-SECURE-RENEG"};
  }
  const auto groups = cfg.groups.empty() ? tm::kDefaultGroupPreference : cfg.groups;
  std::uint16_t group = 0;
  for (auto g : groups) {
    if (group != 0) break;
    if (ch.has_groups ? tm::in(ch.groups, g) : (use12 && g == 0x0017)) group = g;
  }
  const auto pref = cfg.pref.empty()
                        ? std::vector<std::uint16_t>{0x1301, 0x1302, 0x1303, 0x1304, 0xC02B,
                                                     0xC02F, 0xC02C, 0xC030, 0xCCA9, 0xCCA8,
                                                     0xC006, 0xC010, 0x003B, 0xC0B4, 0xC0B5}
                        : cfg.pref;
  for (auto s : pref) {
    if (!tm::in(ch.suites, s)) continue;
    if (!tm::pcscf_permitted(s, use13, cfg.allow_null, cfg.ecdsa)) continue;
    if (tm::needs_group(s) && group == 0) continue;
    return {true, static_cast<std::uint16_t>(use13 ? 0x0304 : 0x0303), s,
            static_cast<std::uint16_t>(tm::needs_group(s) ? group : 0)};
  }
  return {false};
}

ANNEXO_PROPERTY("O.1.2-PC-DECIDES-SUITE.choice", 400, 30, [] {
  const PcCfg c = *gen_pc_cfg();
  const ChInput ch = *gen_ch();
  PcscfTlsConfig cfg;
  cfg.enable_tls12 = c.t12;
  cfg.enable_tls13 = c.t13;
  cfg.allow_null_encryption = c.allow_null;
  cfg.renegotiation_used = c.reneg;
  cfg.certificate_is_ecdsa = c.ecdsa;
  cfg.suite_preference = CodeList{c.pref.data(), c.pref.size()};
  cfg.group_preference = CodeList{c.groups.data(), c.groups.size()};
  RC_ASSERT(pcscf_check_config(cfg) == Error::ok);
  RC_LOG() << "offer: " << show(ch.suites) << "\npref: " << show(c.pref) << "\n";
  Choice choice;
  const Error e = pcscf_choose(ch, cfg, choice);
  const ChChoice m = model_choice(ch, c);
  RC_TAG(m.ok ? "chosen" : "refused");
  RC_LOG() << "core: " << error_info(e).name << " suite 0x" << std::hex << choice.suite
           << " version 0x" << choice.version << " group 0x" << choice.group << "; model: " << m.ok
           << " 0x" << m.suite << " group 0x" << m.group << "\n";
  RC_REQ("O.1.2-PC-DECIDES-SUITE", (e == Error::ok) == m.ok);
  if (m.refused_by != nullptr) RC_REQ(m.refused_by, e != Error::ok);
  if (e != Error::ok) {
    RC_ASSERT(static_cast<unsigned>(e) >= 1000u && static_cast<unsigned>(e) < 2000u);
    RC_ASSERT(error_alert(e) != TlsAlert::none);  // a refusal is an alert to the UE
    return;
  }
  RC_REQ("O.1.2-PC-DECIDES-SUITE", choice.suite == m.suite);
  RC_REQ("33210-6.2.1-NO-LEGACY-VERSIONS", choice.version == m.version);
  RC_REQ("33210-6.2.1-NO-LEGACY-VERSIONS", choice.version == 0x0303 || choice.version == 0x0304);
  RC_ASSERT(choice.group == m.group);
  // The profile, stated directly: chosen from the offer, never forbidden,
  // NULL only with the policy, and the offer held an encrypting suite.
  RC_REQ("O.1.2-PC-DECIDES-SUITE", tm::in(ch.suites, choice.suite));
  RC_REQ("O.2.1-ALL-SUITE-RULES-ALL-VERSIONS",
         (choice.version == 0x0304 ? tm::for13(choice.suite) : tm::for12(choice.suite)) &&
             (tm::encrypting(choice.suite) || (c.allow_null && tm::null_suite(choice.suite))));
  RC_ASSERT(choice.null_encryption == tm::null_suite(choice.suite));
  bool any_enc = false;
  for (auto s : ch.suites) any_enc = any_enc || tm::encrypting(s);
  RC_ASSERT(any_enc);
});

// The case the general choice property reaches only by luck (a NULL suite the
// certificate can serve, and every encrypting suite offered unusable with that
// certificate): without allow_null_encryption the P-CSCF refuses rather than
// fall back to NULL. Built directly, so every run exercises it.
ANNEXO_PROPERTY("O.1.2-PC-DECIDES-SUITE.no-null-fallback", 200, 10, [] {
  const bool ecdsa = *rc::gen::arbitrary<bool>();
  const bool usable_enc = *rc::gen::arbitrary<bool>();
  std::vector<std::uint16_t> nulls, unusable, usable;
  for (auto s : tm::kNull12) {
    if (tm::in(tm::kEcdsa12, s) == ecdsa) nulls.push_back(s);
  }
  for (auto s : tm::kProfile12) {
    (tm::in(tm::kEcdsa12, s) == ecdsa ? usable : unusable).push_back(s);
  }
  std::vector<std::uint16_t> offer =
      *rc::gen::nonEmpty(rc::gen::container<std::vector<std::uint16_t>>(rc::gen::elementOf(nulls)));
  const auto more = *rc::gen::nonEmpty(
      rc::gen::container<std::vector<std::uint16_t>>(rc::gen::elementOf(unusable)));
  offer.insert(offer.end(), more.begin(), more.end());
  if (usable_enc) offer.push_back(*rc::gen::elementOf(usable));
  offer = *rc::gen::apply(
      [](std::vector<std::uint16_t> v, unsigned seed) {
        for (std::size_t i = v.size(); i > 1; --i)
          std::swap(v[i - 1], v[(seed * 2654435761u + i) % i]);
        return v;
      },
      rc::gen::just(offer), any<unsigned>());
  ChInput ch{0x0303, offer, {0}, false, {}, true, {0x0017, 0x001D}, true, true, true, {}, false};
  PcscfTlsConfig cfg;
  cfg.enable_tls12 = true;
  cfg.enable_tls13 = false;
  cfg.allow_null_encryption = false;
  cfg.certificate_is_ecdsa = ecdsa;
  RC_ASSERT(pcscf_check_config(cfg) == Error::ok);
  Choice choice;
  const Error e = pcscf_choose(ch, cfg, choice);
  RC_LOG() << "offer " << show(offer) << " ecdsa " << ecdsa << " -> " << error_info(e).name
           << " suite 0x" << std::hex << choice.suite << "\n";
  RC_TAG(usable_enc ? "usable encrypting suite offered" : "only NULL usable");
  if (usable_enc) {
    RC_REQ("O.1.2-PC-DECIDES-SUITE", e == Error::ok);
    RC_REQ("O.1.2-PC-DECIDES-SUITE", tm::in(usable, choice.suite));
  } else {
    RC_REQ("O.1.2-PC-DECIDES-SUITE", e != Error::ok);
  }
  // NULL encryption is permitted only by opt-in (O.2.1-ALL-NULL-MAY, A1):
  // without allow_null_encryption it is never the fallback.
  RC_REQ("O.2.1-ALL-NULL-MAY", !(e == Error::ok && tm::null_suite(choice.suite)));
});

// ---- UE: ServerHello check ----

std::vector<std::uint8_t> server_hello_body(std::uint16_t legacy, bool sv, std::uint16_t selected,
                                            std::uint16_t suite, std::uint8_t comp, bool reninfo,
                                            bool reninfo_nonempty) {
  std::vector<std::uint8_t> b;
  tm::put16(b, legacy);
  for (int i = 0; i < 32; ++i) tm::put8(b, static_cast<unsigned>(0x10 + i));
  tm::put8(b, 32);
  for (int i = 0; i < 32; ++i) tm::put8(b, 0x77);
  tm::put16(b, suite);
  tm::put8(b, comp);
  std::vector<tm::Ext> exts;
  if (sv) {
    std::vector<std::uint8_t> v;
    tm::put16(v, selected);
    exts.push_back({43, v});
  }
  if (reninfo)
    exts.push_back(tm::ext_renegotiation_info(reninfo_nonempty ? std::vector<std::uint8_t>{9}
                                                               : std::vector<std::uint8_t>{}));
  if (!exts.empty()) {
    const auto block = tm::encode_extensions(exts);
    tm::put16(b, static_cast<unsigned>(block.size()));
    b.insert(b.end(), block.begin(), block.end());
  }
  return b;
}

ANNEXO_PROPERTY("O.2.1-ALL-SUITE-RULES-ALL-VERSIONS.server-hello", 400, 30, [] {
  const bool t12 = *rc::gen::arbitrary<bool>();
  const bool t13 = *rc::gen::arbitrary<bool>() || !t12;
  const bool offer_null = *rc::gen::arbitrary<bool>();
  const bool reneg = *rc::gen::arbitrary<bool>();
  UeTlsConfig cfg;
  cfg.enable_tls12 = t12;
  cfg.enable_tls13 = t13;
  cfg.offer_null_encryption = offer_null;
  cfg.renegotiation_used = reneg;
  Offer offer;
  RC_ASSERT(build_offer(cfg, offer) == Error::ok);
  const std::vector<std::uint16_t> offered(offer.suites, offer.suites + offer.suite_count);
  const auto legacy = *rc::gen::element<std::uint16_t>(0x0301, 0x0302, 0x0303, 0x0303);
  const bool sv = *rc::gen::arbitrary<bool>();
  const auto selected = *rc::gen::element<std::uint16_t>(0x0304, 0x0304, 0x0303, 0x0302);
  const auto suite =
      *rc::gen::weightedOneOf<std::uint16_t>({{3, rc::gen::elementOf(offered)}, {2, gen_code()}});
  const auto comp = *rc::gen::weightedOneOf<std::uint8_t>(
      {{9, rc::gen::just<std::uint8_t>(0)}, {1, rc::gen::just<std::uint8_t>(1)}});
  const bool ri =
      *rc::gen::weightedOneOf<bool>({{4, rc::gen::just(true)}, {1, rc::gen::just(false)}});
  const bool ri_nonempty =
      *rc::gen::weightedOneOf<bool>({{9, rc::gen::just(false)}, {1, rc::gen::just(true)}});
  const auto body = server_hello_body(legacy, sv, selected, suite, comp, ri, ri_nonempty);
  Guarded g(body);
  ServerHello sh;
  RC_ASSERT(parse_server_hello(ByteView(g.data(), g.size()), sh).ok());
  Negotiated n;
  const Error e = ue_check_server_hello(sh, offer, cfg, HandshakeContext{}, n);
  // Model (initial handshake).
  const std::uint16_t version = sv ? selected : legacy;
  bool ok = version >= 0x0303 && !(sv && version != 0x0304);
  ok = ok && ((version == 0x0303 && t12) || (version == 0x0304 && t13 && sv));
  ok = ok && tm::in(offered, suite);
  ok = ok && (version == 0x0304 ? tm::for13(suite) : tm::for12(suite));
  ok = ok && (tm::encrypting(suite) || (offer_null && tm::null_suite(suite)));
  ok = ok && comp == 0;
  if (version == 0x0303 && reneg) ok = ok && ri && !ri_nonempty;
  RC_TAG(ok ? "accepted" : "refused");
  RC_LOG() << "core: " << error_info(e).name << "\n";
  // The UE's check applies the profile's suite rules at TLS 1.2 and 1.3 alike.
  RC_REQ("O.2.1-ALL-SUITE-RULES-ALL-VERSIONS", (e == Error::ok) == ok);
  RC_REQ("O.2.1-ALL-PROFILE", (e == Error::ok) == ok);
  if (ok) {
    RC_REQ("O.2.1-ALL-SUITE-RULES-ALL-VERSIONS", n.suite == suite);
    RC_REQ("O.2.1-ALL-PROFILE", n.version == version);
    RC_ASSERT(n.null_encryption == tm::null_suite(suite));
  } else {
    RC_ASSERT(error_alert(e) != TlsAlert::none);
  }
});

// ---- end to end: UE offer -> P-CSCF choice -> UE ServerHello check ----

ANNEXO_PROPERTY("O.2.1-ALL-NULL-MAY.negotiation", 300, 30, [] {
  const bool t12 = *rc::gen::arbitrary<bool>();
  const bool t13 = *rc::gen::arbitrary<bool>() || !t12;
  const bool offer_null = *rc::gen::arbitrary<bool>();
  const bool reneg = *rc::gen::arbitrary<bool>();
  auto list = *rc::gen::container<std::vector<std::uint16_t>>(rc::gen::elementOf(all_known()));
  std::vector<std::uint16_t> clean;
  for (auto c : list)
    if (!tm::in(clean, c) && (!tm::null_suite(c) || offer_null) &&
        ((tm::for12(c) && t12) || (tm::for13(c) && t13)))
      clean.push_back(c);
  UeTlsConfig ue;
  ue.enable_tls12 = t12;
  ue.enable_tls13 = t13;
  ue.offer_null_encryption = offer_null;
  ue.renegotiation_used = reneg;
  ue.suites = CodeList{clean.data(), clean.size()};
  Offer offer;
  RC_PRE(build_offer(ue, offer) == Error::ok);  // refusals are the offer property's business
  // The ClientHello the UE's TLS library sends for this offer.
  ChInput ch;
  ch.legacy_version = 0x0303;
  ch.suites.assign(offer.suites, offer.suites + offer.suite_count);
  ch.suites.push_back(0x00FF);  // RFC 5746 SCSV
  ch.compression = {0};
  ch.has_sv = t13;
  if (t13)
    ch.versions =
        t12 ? std::vector<std::uint16_t>{0x0304, 0x0303} : std::vector<std::uint16_t>{0x0304};
  ch.has_groups = true;
  // What the UE adapter sends (Ue_Policy::key_exchange_groups).
  ch.groups.assign(std::begin(kDefaultGroupOrder), std::end(kDefaultGroupOrder));
  ch.has_sig = ch.has_ks = ch.has_reninfo = true;
  ch.has_sni = true;
  const PcCfg c = *gen_pc_cfg();
  PcscfTlsConfig pc;
  pc.enable_tls12 = c.t12;
  pc.enable_tls13 = c.t13;
  pc.allow_null_encryption = c.allow_null;
  pc.renegotiation_used = c.reneg;
  pc.certificate_is_ecdsa = c.ecdsa;
  pc.suite_preference = CodeList{c.pref.data(), c.pref.size()};
  pc.group_preference = CodeList{c.groups.data(), c.groups.size()};
  RC_ASSERT(pcscf_check_config(pc) == Error::ok);
  Choice choice;
  const Error e = pcscf_choose(ch, pc, choice);
  const ChChoice m = model_choice(ch, c);
  RC_TAG(m.ok ? (tm::null_suite(m.suite) ? "NULL negotiated" : "encrypting suite negotiated")
              : "no common suite");
  RC_REQ("O.1.2-PC-DECIDES-SUITE", (e == Error::ok) == m.ok);
  if (e != Error::ok) {
    // A conforming UE is never refused for its own duties (versions, NULL-only, RFC 5746).
    RC_ASSERT(e == Error::profile_ch_no_enabled_version || e == Error::profile_ch_no_common_suite ||
              e == Error::profile_ch_no_common_group);
    return;
  }
  RC_REQ("O.1.2-PC-DECIDES-SUITE", choice.suite == m.suite);
  RC_ASSERT(choice.group == m.group);
  // The P-CSCF's ServerHello for that choice, checked by the UE.
  const bool v13 = choice.version == 0x0304;
  const auto sh = server_hello_body(0x0303, v13, 0x0304, choice.suite, 0, !v13, false);
  Guarded gs(sh);
  ServerHello parsed_sh;
  RC_ASSERT(parse_server_hello(ByteView(gs.data(), gs.size()), parsed_sh).ok());
  Negotiated n;
  RC_ASSERT(ue_check_server_hello(parsed_sh, offer, ue, HandshakeContext{}, n) == Error::ok);
  RC_ASSERT(n.suite == choice.suite);
  RC_ASSERT(n.version == choice.version);
  // NULL encryption only when both sides opted in (O.2.1-ALL-NULL-MAY, A1); never forbidden.
  RC_REQ("O.2.1-ALL-NULL-MAY", !n.null_encryption || (offer_null && c.allow_null));
  RC_REQ("O.2.1-ALL-NULL-MAY", tm::encrypting(n.suite) || tm::null_suite(n.suite));
  // Integrity always: never TLS_NULL_WITH_NULL_NULL, NULL only as an
  // authenticating (MAC or AEAD) suite of the profile.
  RC_REQ("O.1.3-ALL-INTEG-ALWAYS", n.suite != 0x0000);
  RC_REQ("O.1.3-ALL-INTEG-ALWAYS", tm::encrypting(n.suite) || tm::null_suite(n.suite));
});

// ---- handshake reader ----

struct Parsed {
  ReadResult r;
  std::vector<std::uint8_t> suites, ext, sni;
  std::uint16_t legacy = 0;
  bool sv = false, groups = false, ri = false;
};

bool same_verdict(const ReadResult& a, const ReadResult& b) {
  return a.error == b.error && a.field == b.field && a.need_more == b.need_more;
}

std::vector<std::uint8_t> copy(ByteView v) {
  return std::vector<std::uint8_t>(v.data, v.data + v.size);
}

// Parses a ClientHello body from an exactly-sized guarded copy; every view
// the reader hands back must lie inside the input.
Parsed parse_guarded(const std::vector<std::uint8_t>& body) {
  Guarded g(body);
  ClientHello ch;
  Parsed p;
  p.r = parse_client_hello(ByteView(g.data(), g.size()), ch);
  if (p.r.ok()) {
    for (ByteView v :
         {ch.random, ch.session_id, ch.cipher_suites.raw, ch.compression_methods, ch.extensions,
          ch.server_name, ch.supported_versions.raw, ch.supported_groups.raw,
          ch.signature_algorithms.raw, ch.renegotiation_info, ch.key_share}) {
      RC_REQ("IMPL-READER-BOUNDS", g.contains(v.data, v.size));
    }
    for (std::size_t i = 0; i < ch.extension_count; ++i) {
      const ExtensionView e = extension_at(ch.extensions, i);
      RC_REQ("IMPL-READER-BOUNDS", g.contains(e.body.data, e.body.size));
    }
    p.suites = copy(ch.cipher_suites.raw);
    p.ext = copy(ch.extensions);
    p.sni = copy(ch.server_name);
    p.legacy = ch.legacy_version;
    p.sv = ch.has_supported_versions;
    p.groups = ch.has_supported_groups;
    p.ri = ch.has_renegotiation_info;
  } else {
    RC_ASSERT(p.r.failed());                                  // a complete body never asks for more
    RC_REQ("IMPL-READER-BOUNDS", p.r.offset <= body.size());  // the offset is inside the input
  }
  return p;
}

// Mutations an attacker applies to a valid message: flip bytes, cut it,
// grow it, overwrite a length field with an extreme value.
rc::Gen<std::vector<std::uint8_t>> gen_mutated_body() {
  return rc::gen::exec([] {
    const ChInput ch = *gen_ch();
    auto body = tm::client_hello_body(to_spec(ch));
    const int n = *uniform(0, 4);
    for (int i = 0; i < n; ++i) {
      const int kind = *uniform(0, 4);
      if (body.empty()) break;
      const auto pos = static_cast<std::size_t>(*uniform<std::size_t>(0, body.size()));
      if (kind == 0) {
        body[pos] = *any<std::uint8_t>();
      } else if (kind == 1) {
        body.resize(pos);
      } else if (kind == 2) {
        body.push_back(*any<std::uint8_t>());
      } else {
        body[pos] = 0xFF;
        if (pos + 1 < body.size()) body[pos + 1] = 0xFF;
      }
    }
    return body;
  });
}

ANNEXO_PROPERTY("IMPL-READER-BOUNDS.client-hello", 500, 40, [] {
  const auto body = *gen_mutated_body();
  const Parsed a = parse_guarded(body);
  RC_TAG(a.r.ok() ? "parsed" : "rejected");
  // Deterministic: the same bytes at another address give the same verdict.
  std::vector<std::uint8_t> shifted(body.size() + 1);
  std::memcpy(shifted.data() + 1, body.data(), body.size());
  ClientHello ch2;
  const ReadResult r2 = parse_client_hello(ByteView(shifted.data() + 1, body.size()), ch2);
  RC_ASSERT(same_verdict(a.r, r2));
  RC_ASSERT(a.r.offset == r2.offset);
  // Every strict prefix of a message whose header promises more is need_more
  // in read_handshake, never a read past the end.
  const auto msg = tm::handshake(1, body);
  const auto cut = *uniform<std::size_t>(0, msg.size());
  std::vector<std::uint8_t> prefix(msg.begin(), msg.begin() + static_cast<long>(cut));
  Guarded gp(prefix);
  HandshakeMessage hm;
  const ReadResult rp = read_handshake(ByteView(gp.data(), gp.size()), hm);
  RC_REQ("IMPL-READER-BOUNDS", rp.need_more || rp.failed());
  RC_REQ("IMPL-READER-BOUNDS", !rp.ok());
});

// Feeds a record stream through read_record + HandshakeAssembler, with each
// record in its own exactly-sized guarded buffer.
struct StreamResult {
  ReadResult r;
  bool got = false;
  std::vector<std::uint8_t> whole;
};

StreamResult assemble(const std::vector<std::uint8_t>& hs, const std::vector<std::size_t>& cuts) {
  const auto stream = tm::records(hs, cuts);
  std::vector<std::uint8_t> storage(kHandshakeBufferCapacity);
  HandshakeAssembler asmb(storage.data(), storage.size());
  StreamResult out;
  std::size_t pos = 0;
  while (pos < stream.size()) {
    const std::vector<std::uint8_t> rest(stream.begin() + static_cast<long>(pos), stream.end());
    Guarded g(rest);
    Record rec;
    const ReadResult rr = read_record(ByteView(g.data(), g.size()), rec);
    RC_ASSERT(rr.ok());  // records we built ourselves are well-formed
    RC_REQ("IMPL-READER-BOUNDS", g.contains(rec.fragment.data, rec.fragment.size));
    pos += rec.wire_size;
    const ReadResult pr = asmb.push(rec);
    if (pr.failed()) {
      out.r = pr;
      return out;
    }
    HandshakeMessage m;
    const ReadResult nr = asmb.next(m);
    if (nr.failed()) {
      out.r = nr;
      return out;
    }
    if (nr.ok()) {
      out.got = true;
      out.whole = copy(m.whole);
      out.r = nr;
      RC_ASSERT(pos == stream.size());  // exactly one message: it completes with the last record
      return out;
    }
  }
  out.r.need_more = true;
  return out;
}

ANNEXO_PROPERTY("IMPL-READER-BOUNDS.record-split", 300, 40, [] {
  const auto body = *gen_mutated_body();
  RC_PRE(body.size() + 4 <= 16000u);
  const auto hs = tm::handshake(1, body);
  const auto ncuts = *uniform(0, 6);
  std::vector<std::size_t> cuts;
  for (int i = 0; i < ncuts && hs.size() > 1; ++i)
    cuts.push_back(*uniform<std::size_t>(1, hs.size()));
  std::sort(cuts.begin(), cuts.end());
  cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
  RC_TAG(cuts.empty() ? "one record" : "split");
  const StreamResult one = assemble(hs, {});
  const StreamResult split = assemble(hs, cuts);
  RC_REQ("IMPL-READER-BOUNDS", one.got == split.got);
  RC_REQ("IMPL-READER-BOUNDS", same_verdict(one.r, split.r));
  if (!one.got) return;
  RC_ASSERT(one.whole == hs);
  RC_ASSERT(split.whole == hs);
  // And the parse of the reassembled message equals the parse of the body.
  const std::vector<std::uint8_t> reassembled_body(split.whole.begin() + 4, split.whole.end());
  const Parsed a = parse_guarded(body);
  const Parsed b = parse_guarded(reassembled_body);
  RC_ASSERT(same_verdict(a.r, b.r));
  RC_ASSERT(a.suites == b.suites);
  RC_ASSERT(a.ext == b.ext);
});

}  // namespace
}  // namespace annexo::prop
