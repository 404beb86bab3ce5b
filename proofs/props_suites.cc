// Cipher-suite and version properties (core/cipher_suites.h, core/profile.h):
// the core's per-code templates instantiated over Z3D for a symbolic 16-bit
// code (all 65 536 at once) and symbolic configurations; the facts of each
// code come from the core's own suite_facts() enumerated over every code;
// the concrete entry points (pcscf_may_choose, ue_may_accept, build_offer,
// ue_check_server_hello, pcscf_check_client_hello) are checked exhaustively.
#include <cstring>
#include <functional>
#include <vector>

#include "core/cipher_suites.h"
#include "core/profile.h"
#include "proofs/props.h"
#include "proofs/refinement.h"
#include "proofs/spec_model.h"
#include "proofs/z3_domain.h"

namespace annexo::proofs {
namespace {

using core::Concrete;
using core::SuiteFacts;

constexpr std::uint32_t kCodes = 65536;

z3::expr tru() {
  return z3ctx().bool_val(true);
}
z3::expr fls() {
  return z3ctx().bool_val(false);
}

// A formula over the 16-bit code x that is true exactly for the codes where
// pred(code) holds (pred evaluated concretely on all 65 536 codes).
z3::expr code_set(const ZBv<16>& x, const std::function<bool(std::uint16_t)>& pred) {
  z3::expr r = fls();
  for (std::uint32_t c = 0; c < kCodes; ++c) {
    if (pred(static_cast<std::uint16_t>(c))) r = r || (x.e == z3ctx().bv_val(c, 16));
  }
  return r;
}

// The core's SuiteFacts of a symbolic code.
SuiteFacts<Z3D> facts_of(const ZBv<16>& x) {
  std::vector<SuiteFacts<Concrete>> all(kCodes);
  for (std::uint32_t c = 0; c < kCodes; ++c)
    all[c] = core::suite_facts(static_cast<std::uint16_t>(c));
  const auto set = [&](bool SuiteFacts<Concrete>::*field) {
    return ZBool(code_set(x, [&](std::uint16_t c) { return all[c].*field; }));
  };
  SuiteFacts<Z3D> f;
  f.in_profile = set(&SuiteFacts<Concrete>::in_profile);
  f.null_encryption = set(&SuiteFacts<Concrete>::null_encryption);
  f.for_tls12 = set(&SuiteFacts<Concrete>::for_tls12);
  f.for_tls13 = set(&SuiteFacts<Concrete>::for_tls13);
  f.auth_ecdsa = set(&SuiteFacts<Concrete>::auth_ecdsa);
  f.auth_rsa = set(&SuiteFacts<Concrete>::auth_rsa);
  return f;
}
static_assert(sizeof(SuiteFacts<Z3D>) == 6 * sizeof(z3::expr),
              "SuiteFacts changed: list every field");

// The model's view of a symbolic code: the algorithm columns of the registry
// row (IANA facts), unknown codes have none.
spec::SuiteAlgorithms<Z3D> algorithms_of(const ZBv<16>& x) {
  const auto set = [&](bool spec::SuiteAlgorithms<Concrete>::*field) {
    z3::expr r = fls();
    for (const core::SuiteInfo& s : core::kSuites) {
      if (suite_algorithms(s).*field) r = r || (x.e == z3ctx().bv_val(s.code, 16));
    }
    return ZBool(r);
  };
  using A = spec::SuiteAlgorithms<Concrete>;
  spec::SuiteAlgorithms<Z3D> a;
  a.forward_secret = set(&A::forward_secret);
  a.cert_auth = set(&A::cert_auth);
  a.aead = set(&A::aead);
  a.null_bulk = set(&A::null_bulk);
  a.integrity_mac = set(&A::integrity_mac);
  a.for_tls12 = set(&A::for_tls12);
  a.for_tls13 = set(&A::for_tls13);
  return a;
}

spec::SuiteAlgorithms<Concrete> algorithms_concrete(std::uint16_t code) {
  const core::SuiteInfo* s = core::find_suite(code);
  if (s == nullptr) return spec::SuiteAlgorithms<Concrete>{};
  return suite_algorithms(*s);
}

ZBool fresh_bool(const char* n) {
  return fresh(static_cast<ZBool*>(nullptr), n);
}

std::string hex(std::uint64_t v) {
  char b[16];
  std::snprintf(b, sizeof b, "0x%04llx", static_cast<unsigned long long>(v));
  return b;
}

// ---------------------------------------------------------------- P-CSCF choice
Outcome pcscf_choice_within_profile() {
  Obligations ob(
      "symbolic: all 65 536 codes x every configuration (pcscf_choosable over Z3); "
      "exhaustive: pcscf_may_choose on every code x versions 0x0300-0x0304 x 16 configurations");
  const ZBv<16> x = fresh(static_cast<ZBv<16>*>(nullptr), "code");
  const ZBool is13 = fresh_bool("is_tls13");
  const ZBool allow_null = fresh_bool("allow_null_encryption");
  const ZBool ecdsa = fresh_bool("certificate_is_ecdsa");
  const auto facts = facts_of(x);
  const auto alg = algorithms_of(x);
  const ZBool chosen = core::pcscf_choosable<Z3D>(facts, is13, allow_null, ecdsa);
  const bool ok = ob.require(
      tru(),
      z3::implies(chosen.e, spec::suite_permitted<Z3D>(alg, is13, allow_null).e &&
                                z3::implies(!allow_null.e, spec::suite_encrypts<Z3D>(alg).e)),
      [&](const z3::model& m) {
        return "pcscf_choosable(" + hex(model_value(m, x)) +
               ", is_tls13=" + std::to_string(model_value(m, is13)) +
               ", allow_null_encryption=" + std::to_string(model_value(m, allow_null)) +
               ", certificate_is_ecdsa=" + std::to_string(model_value(m, ecdsa)) +
               ") is true, but the suite is " +
               core::suite_info(static_cast<std::uint16_t>(model_value(m, x))).name +
               ", not permitted by the model";
      });
  if (!ok) return ob.finish();
  for (int cfg = 0; cfg < 16; ++cfg) {
    core::PcscfTlsConfig c;
    c.enable_tls12 = cfg & 1;
    c.enable_tls13 = cfg & 2;
    c.allow_null_encryption = cfg & 4;
    c.certificate_is_ecdsa = cfg & 8;
    for (std::uint16_t v = 0x0300; v <= 0x0304; ++v) {
      for (std::uint32_t code = 0; code < kCodes; ++code) {
        const auto k = static_cast<std::uint16_t>(code);
        if (!core::pcscf_may_choose(k, v, c)) continue;
        const auto a = algorithms_concrete(k);
        const bool good =
            (v == 0x0303 || v == 0x0304) &&
            spec::suite_permitted<Concrete>(a, v == 0x0304, c.allow_null_encryption) &&
            (c.allow_null_encryption || spec::suite_encrypts<Concrete>(a));
        if (!ob.require_concrete(good, [&] {
              return "pcscf_may_choose(" + hex(k) + ", version " + hex(v) +
                     ", allow_null_encryption=" + std::to_string(c.allow_null_encryption) +
                     ") = true for " + core::suite_info(k).name;
            })) {
          return ob.finish();
        }
      }
    }
  }
  return ob.finish();
}

// ---------------------------------------------------------------- UE acceptance
core::UeTlsConfig ue_default_config(bool t12, bool t13, bool null) {
  core::UeTlsConfig c;
  c.enable_tls12 = t12;
  c.enable_tls13 = t13;
  c.offer_null_encryption = null;
  return c;
}

Outcome ue_accepts_only_offered() {
  Obligations ob(
      "symbolic: all 65 536 codes x offered x version x opt-in (ue_acceptable over Z3); "
      "exhaustive: ue_check_server_hello with every code at TLS 1.2 and 1.3");
  const ZBv<16> x = fresh(static_cast<ZBv<16>*>(nullptr), "code");
  const ZBool offered = fresh_bool("offered");
  const ZBool is13 = fresh_bool("is_tls13");
  const ZBool offer_null = fresh_bool("offer_null_encryption");
  const auto alg = algorithms_of(x);
  const ZBool acc = core::ue_acceptable<Z3D>(facts_of(x), offered, is13, offer_null);
  const bool ok = ob.require(
      tru(),
      z3::implies(acc.e, offered.e && spec::suite_permitted<Z3D>(alg, is13, offer_null).e &&
                             alg.cert_auth.e),
      [&](const z3::model& m) {
        return "ue_acceptable(" + hex(model_value(m, x)) +
               ", offered=" + std::to_string(model_value(m, offered)) +
               ", is_tls13=" + std::to_string(model_value(m, is13)) +
               ", offer_null_encryption=" + std::to_string(model_value(m, offer_null)) +
               ") is true for " +
               core::suite_info(static_cast<std::uint16_t>(model_value(m, x))).name;
      });
  if (!ok) return ob.finish();
  // The real ServerHello check, every code, both versions, with and without NULL opt-in.
  std::uint8_t random[32] = {};
  for (int null = 0; null < 2; ++null) {
    const core::UeTlsConfig cfg = ue_default_config(true, true, null != 0);
    core::Offer offer;
    if (core::build_offer(cfg, offer) != core::Error::ok) {
      ob.require_concrete(false, [] { return std::string("default UE configuration refused"); });
      return ob.finish();
    }
    for (int v13 = 0; v13 < 2; ++v13) {
      for (std::uint32_t code = 0; code < kCodes; ++code) {
        core::ServerHello sh;
        sh.legacy_version = 0x0303;
        sh.random = core::ByteView(random, sizeof random);
        sh.cipher_suite = static_cast<std::uint16_t>(code);
        sh.has_supported_versions = v13 != 0;
        sh.selected_version = 0x0304;
        sh.has_renegotiation_info = v13 == 0;
        core::Negotiated out;
        const core::Error e =
            core::ue_check_server_hello(sh, offer, cfg, core::HandshakeContext{}, out);
        if (e != core::Error::ok) continue;
        const auto a = algorithms_concrete(sh.cipher_suite);
        const bool good = offer.contains(sh.cipher_suite) &&
                          spec::suite_permitted<Concrete>(a, v13 != 0, null != 0);
        if (!ob.require_concrete(good, [&] {
              return "ue_check_server_hello accepts " + hex(code) + " (" +
                     core::suite_info(sh.cipher_suite).name + ") at " +
                     (v13 ? "TLS 1.3" : "TLS 1.2");
            })) {
          return ob.finish();
        }
      }
    }
  }
  return ob.finish();
}

// ---------------------------------------------------------------- NULL-only offers
Outcome offer_check_requires_encrypting_suite() {
  Obligations ob(
      "symbolic: every offer set (Z3 array over the 65 536 codes); exhaustive: build_offer for "
      "every one-suite list and every (NULL suite, any code) list x 8 configurations");
  // The P-CSCF's per-ClientHello check accepts an offer iff some offered code
  // counts as encrypting (offer_has_encrypting_suite iterates exactly this).
  const z3::sort bv16 = z3ctx().bv_sort(16);
  const z3::expr offer = z3ctx().constant("offer", z3ctx().array_sort(bv16, z3ctx().bool_sort()));
  const ZBv<16> x = fresh(static_cast<ZBv<16>*>(nullptr), "x");
  const ZBv<16> y = fresh(static_cast<ZBv<16>*>(nullptr), "y");
  const z3::expr accepted =
      z3::select(offer, x.e) && core::counts_as_encrypting_offer<Z3D>(facts_of(x)).e;
  const auto alg_y = algorithms_of(y);
  const z3::expr has_enc =
      z3::exists(y.e, z3::select(offer, y.e) && spec::suite_encrypts<Z3D>(alg_y).e);
  const bool ok = ob.require(accepted, has_enc, [&](const z3::model& m) {
    return "an offer containing only " + hex(model_value(m, x)) + " (" +
           core::suite_info(static_cast<std::uint16_t>(model_value(m, x))).name +
           ") passes the O.2.1-UE-NONNULL-OFFER check but holds no suite that encrypts";
  });
  if (!ok) return ob.finish();
  // The UE builds only offers that encrypt, for each enabled version.
  std::vector<std::uint16_t> nulls;
  for (const core::SuiteInfo& s : core::kSuites) {
    if (s.status == core::ProfileStatus::null_encryption) nulls.push_back(s.code);
  }
  for (int cfg = 1; cfg < 8; ++cfg) {
    const bool t12 = cfg & 1, t13 = cfg & 2, null = cfg & 4;
    if (!t12 && !t13) continue;
    for (int lead = -1; lead < static_cast<int>(nulls.size()); ++lead) {
      for (std::uint32_t code = 0; code < kCodes; ++code) {
        std::uint16_t list[2];
        std::size_t n = 0;
        if (lead >= 0) list[n++] = nulls[static_cast<std::size_t>(lead)];
        list[n++] = static_cast<std::uint16_t>(code);
        core::UeTlsConfig c = ue_default_config(t12, t13, null);
        c.suites = core::CodeList{list, n};
        core::Offer o;
        if (core::build_offer(c, o) != core::Error::ok) continue;
        bool enc12 = false, enc13 = false;
        for (std::size_t i = 0; i < o.suite_count; ++i) {
          const auto a = algorithms_concrete(o.suites[i]);
          enc12 = enc12 || (spec::suite_encrypts<Concrete>(a) && a.for_tls12);
          enc13 = enc13 || (spec::suite_encrypts<Concrete>(a) && a.for_tls13);
        }
        if (!ob.require_concrete((!t12 || enc12) && (!t13 || enc13), [&] {
              return "build_offer accepts the list {" + (lead >= 0 ? hex(list[0]) + ", " : "") +
                     hex(code) + "} (tls12=" + std::to_string(t12) +
                     " tls13=" + std::to_string(t13) + " offer_null=" + std::to_string(null) +
                     ") without an encrypting suite";
            })) {
          return ob.finish();
        }
      }
    }
  }
  return ob.finish();
}

// ---------------------------------------------------------------- versions
Outcome versions_at_least_tls12() {
  Obligations ob(
      "exhaustive: all 65 536 version numbers through version_in_profile, ue_check_server_hello "
      "and pcscf_check_client_hello");
  for (std::uint32_t v = 0; v < kCodes; ++v) {
    const auto k = static_cast<std::uint16_t>(v);
    if (!ob.require_concrete(!core::version_in_profile(k) || k == 0x0303 || k == 0x0304,
                             [&] { return "version_in_profile(" + hex(v) + ") = true"; })) {
      return ob.finish();
    }
  }
  const core::UeTlsConfig ue = ue_default_config(true, true, false);
  core::Offer offer;
  if (core::build_offer(ue, offer) != core::Error::ok) {
    ob.require_concrete(false, [] { return std::string("default UE configuration refused"); });
    return ob.finish();
  }
  std::uint8_t random[32] = {};
  // Every default suite as the ClientHello's cipher_suites, big-endian.
  std::vector<std::uint8_t> suites;
  for (std::uint16_t c : core::kDefaultSuiteOrder) {
    suites.push_back(static_cast<std::uint8_t>(c >> 8));
    suites.push_back(static_cast<std::uint8_t>(c));
  }
  const std::uint8_t compression[1] = {0};
  const std::uint8_t groups[2] = {0x00, 0x17};  // secp256r1
  std::uint8_t one_version[2];
  const core::PcscfTlsConfig pc;
  for (std::uint32_t v = 0; v < kCodes; ++v) {
    const auto k = static_cast<std::uint16_t>(v);
    for (int sv = 0; sv < 2; ++sv) {
      // The UE side: a ServerHello naming version v.
      core::ServerHello sh;
      sh.legacy_version = sv ? 0x0303 : k;
      sh.has_supported_versions = sv != 0;
      sh.selected_version = k;
      sh.random = core::ByteView(random, sizeof random);
      sh.cipher_suite = sv ? 0x1301 : 0xC02F;
      sh.has_renegotiation_info = true;
      core::Negotiated neg;
      const bool ue_ok = core::ue_check_server_hello(sh, offer, ue, core::HandshakeContext{},
                                                     neg) == core::Error::ok;
      if (!ob.require_concrete(!ue_ok || ((k == 0x0303 || k == 0x0304) && neg.version == k), [&] {
            return "ue_check_server_hello accepts a ServerHello for version " + hex(v) +
                   (sv ? " (supported_versions)" : " (legacy_version)");
          })) {
        return ob.finish();
      }
      // The P-CSCF side: a ClientHello offering only version v.
      core::ClientHello ch;
      one_version[0] = static_cast<std::uint8_t>(k >> 8);
      one_version[1] = static_cast<std::uint8_t>(k);
      ch.legacy_version = sv ? 0x0303 : k;
      ch.random = core::ByteView(random, sizeof random);
      ch.cipher_suites.raw = core::ByteView(suites.data(), suites.size());
      ch.compression_methods = core::ByteView(compression, 1);
      ch.has_supported_versions = sv != 0;
      ch.supported_versions.raw = core::ByteView(one_version, 2);
      ch.has_supported_groups = true;
      ch.supported_groups.raw = core::ByteView(groups, 2);
      ch.has_signature_algorithms = true;
      ch.has_key_share = true;
      ch.has_renegotiation_info = true;
      core::Choice choice;
      const bool pc_ok = core::pcscf_check_client_hello(ch, pc, core::HandshakeContext{}, choice) ==
                         core::Error::ok;
      const bool good = !pc_ok || ((choice.version == 0x0303 || choice.version == 0x0304) &&
                                   (sv ? choice.version == k : k >= 0x0303));
      if (!ob.require_concrete(good, [&] {
            return "pcscf_check_client_hello accepts a ClientHello offering only version " +
                   hex(v) + (sv ? " (supported_versions)" : " (legacy_version)") +
                   ", negotiating " + hex(choice.version);
          })) {
        return ob.finish();
      }
    }
  }
  return ob.finish();
}

}  // namespace

void register_suite_properties(Registry& r) {
  //= spec#O.1.2-PC-DECIDES-SUITE type=proof
  //= spec#O.2.1-ALL-NULL-MAY type=proof
  //= spec#O.2.1-ALL-SUITE-RULES-ALL-VERSIONS type=proof
  r.add("pcscf-suite-choice-within-profile",
        {"O.1.2-PC-DECIDES-SUITE", "O.2.1-ALL-NULL-MAY", "O.2.1-ALL-SUITE-RULES-ALL-VERSIONS"},
        pcscf_choice_within_profile, Basis::exhaustive);
  //= spec#O.2.1-ALL-SUITE-RULES-ALL-VERSIONS type=proof
  //= spec#O.2.1-UE-AUTH-PC-BY-CERT type=proof
  r.add("ue-accepts-only-offered-profile-suites",
        {"O.2.1-ALL-SUITE-RULES-ALL-VERSIONS", "O.2.1-UE-AUTH-PC-BY-CERT"}, ue_accepts_only_offered,
        Basis::exhaustive);
  //= spec#O.2.1-UE-NONNULL-OFFER type=proof
  r.add("offer-check-requires-encrypting-suite", {"O.2.1-UE-NONNULL-OFFER"},
        offer_check_requires_encrypting_suite, Basis::exhaustive);
  //= spec#33210-6.2.1-NO-LEGACY-VERSIONS type=proof
  r.add("tls-versions-at-least-1-2", {"33210-6.2.1-NO-LEGACY-VERSIONS"}, versions_at_least_tls12,
        Basis::exhaustive);
}

}  // namespace annexo::proofs
