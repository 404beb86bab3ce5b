#include "core/profile.h"

namespace annexo::core {
namespace {

constexpr CodeList default_suites() {
  return CodeList{kDefaultSuiteOrder, sizeof(kDefaultSuiteOrder) / sizeof(kDefaultSuiteOrder[0])};
}
constexpr CodeList default_groups() {
  return CodeList{kDefaultGroupOrder, sizeof(kDefaultGroupOrder) / sizeof(kDefaultGroupOrder[0])};
}

bool group_in_profile(std::uint16_t g) {
  return g == tls::group::secp256r1 || g == tls::group::x25519 || g == tls::group::secp384r1;
}

// Common start-up rules for a configured suite list.
Error check_suite_list(CodeList list, bool null_enabled, bool tls12, bool tls13) {
  if (list.count > kMaxOfferSuites) return Error::profile_config_too_many_suites;
  for (std::size_t i = 0; i < list.count; ++i) {
    const std::uint16_t code = list.codes[i];
    const SuiteFacts<Concrete> f = suite_facts(code);
    //= spec#O.2.1-ALL-SUITE-RULES-ALL-VERSIONS type=implementation
    if (!f.in_profile && !f.null_encryption) return Error::profile_config_suite_not_in_profile;
    //= spec#O.2.1-ALL-NULL-MAY type=implementation
    if (f.null_encryption && !null_enabled) return Error::profile_config_null_suite_not_enabled;
    if (!((f.for_tls12 && tls12) || (f.for_tls13 && tls13)))
      return Error::profile_config_suite_version_disabled;
    for (std::size_t j = 0; j < i; ++j) {
      if (list.codes[j] == code) return Error::profile_config_duplicate_suite;
    }
  }
  return Error::ok;
}

bool suite_needs_group(std::uint16_t code) {
  const KeyExchange kx = suite_info(code).kx;
  return kx == KeyExchange::ecdhe || kx == KeyExchange::tls13;
}

}  // namespace

bool ue_may_accept(std::uint16_t code, const Offer& offered, std::uint16_t version) {
  const bool version_ok =
      (version == tls::kTls12 && offered.tls12) || (version == tls::kTls13 && offered.tls13);
  return version_ok && ue_acceptable<Concrete>(suite_facts(code), offered.contains(code),
                                               version == tls::kTls13, offered.null_encryption);
}

bool offer_has_encrypting_suite(const U16List& offered) {
  for (std::size_t i = 0; i < offered.count(); ++i) {
    if (counts_as_encrypting_offer<Concrete>(suite_facts(offered.at(i)))) return true;
  }
  return false;
}

Error build_offer(const UeTlsConfig& config, Offer& out) {
  out = Offer();
  //= spec#33210-6.2.1-TLS12-MANDATORY type=implementation
  if (!config.enable_tls12 && !config.enable_tls13) return Error::profile_config_no_version;
  const bool explicit_list = config.suites.count != 0;
  if (explicit_list) {
    const Error e = check_suite_list(config.suites, config.offer_null_encryption,
                                     config.enable_tls12, config.enable_tls13);
    if (e != Error::ok) return e;
  }
  const CodeList list = explicit_list ? config.suites : default_suites();
  // Two passes keep the configured order within each class: encrypting
  // profile suites first, then (opt-in only) NULL suites (decision A1).
  for (int pass = 0; pass < 2; ++pass) {
    for (std::size_t i = 0; i < list.count; ++i) {
      const std::uint16_t code = list.codes[i];
      const SuiteFacts<Concrete> f = suite_facts(code);
      const bool wanted =
          pass == 0 ? f.in_profile : (f.null_encryption && config.offer_null_encryption);
      const bool version_ok =
          (f.for_tls12 && config.enable_tls12) || (f.for_tls13 && config.enable_tls13);
      if (!wanted || !version_ok) continue;
      out.suites[out.suite_count++] = code;  // count <= list.count <= kMaxOfferSuites
    }
  }
  out.tls12 = config.enable_tls12;
  out.tls13 = config.enable_tls13;
  out.null_encryption = config.offer_null_encryption;
  // Every enabled version must find an encrypting suite in the offer, or a
  // P-CSCF negotiating that version could only pick NULL.
  //= spec#O.2.1-UE-NONNULL-OFFER type=implementation
  bool enc12 = false, enc13 = false;
  for (std::size_t i = 0; i < out.suite_count; ++i) {
    const SuiteFacts<Concrete> f = suite_facts(out.suites[i]);
    if (!counts_as_encrypting_offer<Concrete>(f)) continue;
    enc12 = enc12 || f.for_tls12;
    enc13 = enc13 || f.for_tls13;
  }
  if ((config.enable_tls12 && !enc12) || (config.enable_tls13 && !enc13)) {
    out = Offer();
    return Error::profile_config_no_encrypting_suite;
  }
  return Error::ok;
}

Error ue_check_server_hello(const ServerHello& sh, const Offer& offer, const UeTlsConfig& config,
                            const HandshakeContext& ctx, Negotiated& out) {
  out = Negotiated();
  // Version: supported_versions (TLS 1.3) wins over legacy_version.
  const std::uint16_t version = sh.has_supported_versions ? sh.selected_version : sh.legacy_version;
  //= spec#33210-6.2.1-NO-LEGACY-VERSIONS type=implementation
  if (version < tls::kTls12) return Error::profile_sh_legacy_version;
  // supported_versions in a ServerHello only ever selects TLS 1.3 (RFC 8446 4.2.1).
  if (sh.has_supported_versions && version != tls::kTls13)
    return Error::profile_sh_version_not_offered;
  //= spec#O.2.1-ALL-PROFILE type=implementation
  const bool offered_version = (version == tls::kTls12 && offer.tls12 && config.enable_tls12) ||
                               (version == tls::kTls13 && offer.tls13 && config.enable_tls13 &&
                                sh.has_supported_versions && !ctx.renegotiation);
  if (!offered_version) return Error::profile_sh_version_not_offered;
  // RFC 8446 4.1.3: a TLS 1.3-capable client that gets TLS 1.2 checks the sentinel.
  //= spec#RFC8446-DOWNGRADE-SENTINEL type=implementation
  if (version == tls::kTls12 && offer.tls13 && sh.random.size == 32 &&
      equal(sh.random.sub(24, 7), ByteView(tls::kDowngradePrefix)) &&
      (sh.random[31] == 0x01 || sh.random[31] == 0x00))
    return Error::profile_sh_downgrade_sentinel;
  //= spec#O.2.1-ALL-SUITE-RULES-ALL-VERSIONS type=implementation
  if (!offer.contains(sh.cipher_suite)) return Error::profile_sh_suite_not_offered;
  if (!ue_may_accept(sh.cipher_suite, offer, version))
    return Error::profile_sh_suite_not_acceptable;
  //= spec#33210-6.2.3-TLS12-PROFILE type=implementation
  if (sh.compression_method != 0) return Error::profile_sh_compression;
  if (version == tls::kTls12 && config.renegotiation_used) {
    //= spec#RFC5746-SECURE-RENEG type=implementation
    if (!sh.has_renegotiation_info) return Error::profile_sh_no_renegotiation_info;
    // Initial handshake: empty; renegotiation: client_verify_data||server_verify_data.
    if (!ctx.renegotiation && !sh.renegotiation_info.empty())
      return Error::profile_sh_renegotiation_info_mismatch;
    if (ctx.renegotiation && !ctx.expected_renegotiation_info.empty() &&
        !equal(sh.renegotiation_info, ctx.expected_renegotiation_info))
      return Error::profile_sh_renegotiation_info_mismatch;
    if (ctx.renegotiation && sh.renegotiation_info.empty())
      return Error::profile_sh_renegotiation_info_mismatch;
  }
  out.version = version;
  out.suite = sh.cipher_suite;
  out.null_encryption = !suite_encrypts(sh.cipher_suite);
  return Error::ok;
}

Error pcscf_check_config(const PcscfTlsConfig& config) {
  if (!config.enable_tls12 && !config.enable_tls13) return Error::profile_config_no_version;
  if (config.suite_preference.count != 0) {
    const Error e = check_suite_list(config.suite_preference, config.allow_null_encryption,
                                     config.enable_tls12, config.enable_tls13);
    if (e != Error::ok) return e;
  }
  for (std::size_t i = 0; i < config.group_preference.count; ++i) {
    //= spec#33210-6.2.2-RFC8446-9.1 type=implementation
    if (!group_in_profile(config.group_preference.codes[i]))
      return Error::profile_config_group_not_in_profile;
  }
  return Error::ok;
}

Error pcscf_check_client_hello(const ClientHello& ch, const PcscfTlsConfig& config,
                               const HandshakeContext& ctx, Choice& out) {
  out = Choice();
  // 1. Version offered. With supported_versions the list is authoritative
  // (RFC 8446 4.2.1, GREASE ignored); without it the client supports
  // everything up to legacy_version.
  bool offers12 = false, offers13 = false;
  if (ch.has_supported_versions) {
    offers12 = ch.supported_versions.contains(tls::kTls12);
    offers13 = ch.supported_versions.contains(tls::kTls13);
  } else {
    offers12 = ch.legacy_version >= tls::kTls12;
  }

  // 2. Compression: the profile has none, the P-CSCF always answers null
  // (decision RD-135). A TLS 1.3 ClientHello carries exactly {null} (RFC 8446
  // 4.1.2: anything else is illegal_parameter); a TLS 1.2 one must list null
  // (RFC 5246 7.4.1.2), and any other method it lists is ignored.
  //= spec#33210-6.2.3-TLS12-PROFILE type=implementation
  //= spec#33210-6.2.1-NO-COMPRESSION type=implementation
  bool offers_null = false;
  for (std::size_t i = 0; i < ch.compression_methods.size; ++i)
    offers_null = offers_null || ch.compression_methods[i] == 0;
  const bool only_null = ch.compression_methods.size == 1 && ch.compression_methods[0] == 0;
  if (offers13 ? !only_null : !offers_null) return Error::profile_ch_compression;

  // 3. Version chosen. A renegotiation stays on TLS 1.2 (TLS 1.3 has none).
  //= spec#33210-6.2.1-NO-LEGACY-VERSIONS type=implementation
  if (!offers12 && !offers13) return Error::profile_ch_legacy_versions_only;
  //= spec#O.2.1-ALL-PROFILE type=implementation
  const bool use13 = offers13 && config.enable_tls13 && !ctx.renegotiation;
  const bool use12 = !use13 && offers12 && config.enable_tls12;
  if (!use13 && !use12) return Error::profile_ch_no_enabled_version;
  const std::uint16_t version = use13 ? tls::kTls13 : tls::kTls12;

  // 4. The UE's duty: at least one encrypting profile suite (decision A21:
  // every ClientHello, renegotiations included).
  //= spec#O.2.1-UE-NONNULL-OFFER type=implementation
  if (!offer_has_encrypting_suite(ch.cipher_suites)) return Error::profile_ch_no_encrypting_suite;

  // 5. TLS 1.3 mandatory-to-implement extensions (RFC 8446 9.2).
  //= spec#33210-6.2.2-RFC8446-9.2 type=implementation
  if (use13 && (!ch.has_supported_groups || !ch.has_signature_algorithms || !ch.has_key_share))
    return Error::profile_ch_tls13_missing_extension;

  // 6. RFC 5746 wherever TLS 1.2 renegotiation will be used (O.4).
  const bool scsv = ch.cipher_suites.contains(tls::kScsvEmptyRenegotiationInfo);
  if (use12 && config.renegotiation_used) {
    //= spec#RFC5746-SECURE-RENEG type=implementation
    if (!ctx.renegotiation) {
      // The P-CSCF may renegotiate, so it refuses an initial ClientHello
      // without either RFC 5746 signal (handshake_failure).
      //= spec#RFC5746-PC-RENEG-INDICATION type=implementation
      if (!ch.has_renegotiation_info && !scsv) return Error::profile_ch_no_renegotiation_indication;
      if (ch.has_renegotiation_info && !ch.renegotiation_info.empty())
        return Error::profile_ch_renegotiation_info_mismatch;
    } else {
      if (scsv) return Error::profile_ch_scsv_in_renegotiation;
      if (!ch.has_renegotiation_info) return Error::profile_ch_no_renegotiation_indication;
      if (ch.renegotiation_info.empty()) return Error::profile_ch_renegotiation_info_mismatch;
      if (!ctx.expected_renegotiation_info.empty() &&
          !equal(ch.renegotiation_info, ctx.expected_renegotiation_info))
        return Error::profile_ch_renegotiation_info_mismatch;
    }
  }

  // 7. Group: server preference among the client's supported_groups. A TLS
  // 1.2 client without the extension is assumed to support secp256r1 (the
  // MTI curve; RFC 8422 5.1.1 lets the server choose).
  const CodeList groups =
      config.group_preference.count != 0 ? config.group_preference : default_groups();
  std::uint16_t group = 0;
  for (std::size_t i = 0; i < groups.count && group == 0; ++i) {
    const std::uint16_t g = groups.codes[i];
    if (!group_in_profile(g)) continue;
    if (ch.has_supported_groups ? ch.supported_groups.contains(g)
                                : (use12 && g == tls::group::secp256r1))
      group = g;
  }

  // 8. Suite: the P-CSCF decides (O.1.2), by its own preference order.
  const CodeList pref =
      config.suite_preference.count != 0 ? config.suite_preference : default_suites();
  bool blocked_by_group = false;
  for (std::size_t i = 0; i < pref.count; ++i) {
    const std::uint16_t code = pref.codes[i];
    if (!ch.cipher_suites.contains(code) || !pcscf_may_choose(code, version, config)) continue;
    if (suite_needs_group(code) && group == 0) {
      blocked_by_group = true;
      continue;
    }
    out.version = version;
    out.suite = code;
    out.group = suite_needs_group(code) ? group : 0;
    out.null_encryption = !suite_encrypts(code);
    return Error::ok;
  }
  //= spec#33210-6.2.2-RFC8446-9.1 type=implementation
  if (blocked_by_group) return Error::profile_ch_no_common_group;
  return Error::profile_ch_no_common_suite;
}

}  // namespace annexo::core
