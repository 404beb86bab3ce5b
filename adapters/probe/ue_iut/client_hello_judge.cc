#include "adapters/probe/ue_iut/client_hello_judge.h"

#include <cstdio>

#include "adapters/probe/ue_iut/ue_wire.h"
#include "adapters/tls/first_hello.h"
#include "core/cipher_suites.h"
#include "core/errors.h"
#include "core/profile.h"

namespace annexo::probe::ue_iut {

namespace core = ::annexo::core;

namespace {

std::string core_error(core::Error e) {
  const auto& i = core::error_info(e);
  return std::string(i.name) + " (" + i.requirement + ")";
}

}  // namespace

std::string list_violations(const std::vector<std::string>& v, std::size_t shown) {
  std::string out;
  for (std::size_t i = 0; i < v.size() && i < shown; ++i) out += (i ? "; " : "") + v[i];
  if (v.size() > shown) out += "; and " + std::to_string(v.size() - shown) + " more";
  return out;
}

std::vector<std::string> judge_offer(const std::vector<std::uint16_t>& suites, bool null_enabled) {
  std::vector<std::string> out;
  // O.2.1-ALL-PROFILE, O.2.1-ALL-SUITE-RULES-ALL-VERSIONS: every code offered
  // is a profile suite or a signal.
  for (const std::uint16_t code : suites) {
    const core::CodeKind kind = core::classify(code);
    if (kind != core::CodeKind::suite) {
      if (kind == core::CodeKind::unknown) {
        out.push_back("suite " + hex4(code) + " is outside the profile (not in its table)");
      }
      continue;
    }
    const auto facts = core::suite_facts(code);
    if (facts.in_profile || (facts.null_encryption && null_enabled)) continue;
    out.push_back("suite " + hex4(code) + " (" + core::suite_info(code).name +
                  ") is outside the profile");
  }
  std::vector<std::uint8_t> raw;
  for (const std::uint16_t c : suites) {
    raw.push_back(static_cast<std::uint8_t>(c >> 8));
    raw.push_back(static_cast<std::uint8_t>(c & 0xff));
  }
  core::U16List list;
  list.raw = core::ByteView(raw.data(), raw.size());
  if (!core::offer_has_encrypting_suite(list)) {
    out.push_back("no profile suite that encrypts (O.2.1-UE-NONNULL-OFFER)");
  }
  return out;
}

Hello_Judgement judge_client_hello(const std::vector<std::uint8_t>& stream, bool tls13_claimed,
                                   bool null_enabled) {
  Hello_Judgement j;
  std::vector<std::uint8_t> storage;
  core::ClientHello ch;
  const tls::Hello_Read r = tls::read_first_hello(stream, storage, ch);
  if (r.status == tls::Hello_Read::Status::need_more) return j;
  j.read = true;
  if (r.status == tls::Hello_Read::Status::refused) {
    j.violations.push_back("core reader: " + core_error(r.error) + " " + r.detail);
    return j;
  }
  j.session_id.assign(ch.session_id.data, ch.session_id.data + ch.session_id.size);
  for (std::size_t i = 0; i < ch.cipher_suites.count(); ++i) {
    j.suites.push_back(ch.cipher_suites.at(i));
  }
  j.summary = "legacy_version=" + hex4(ch.legacy_version) + " suites=[";
  for (std::size_t i = 0; i < j.suites.size(); ++i) j.summary += (i ? "," : "") + hex4(j.suites[i]);
  j.summary += "] compression=" + std::to_string(ch.compression_methods.size) + " method(s)" +
               (ch.has_renegotiation_info ? " renegotiation_info" : "") +
               (ch.has_supported_versions ? " supported_versions" : "");

  // The core's own check of a ClientHello, as a P-CSCF with either key type
  // would run it (a UE offering only RSA or only ECDSA suites is in profile).
  core::PcscfTlsConfig cfg;
  cfg.enable_tls13 = tls13_claimed;
  cfg.allow_null_encryption = null_enabled;
  core::Choice choice;
  const core::Error ec = core::pcscf_check_client_hello(ch, cfg, core::HandshakeContext{}, choice);
  cfg.certificate_is_ecdsa = false;
  const core::Error er = core::pcscf_check_client_hello(ch, cfg, core::HandshakeContext{}, choice);
  if (ec != core::Error::ok && er != core::Error::ok) {
    j.violations.push_back("core check: " + core_error(ec));
  }
  for (auto& v : judge_offer(j.suites, null_enabled)) j.violations.push_back(std::move(v));
  // 33210-6.2.1-NO-COMPRESSION: exactly {null}.
  if (ch.compression_methods.size != 1 || ch.compression_methods[0] != 0) {
    j.violations.push_back("compression_methods is not exactly {0}");
  }
  // 33210-6.2.1-NO-LEGACY-VERSIONS.
  if (ch.has_supported_versions) {
    for (std::size_t i = 0; i < ch.supported_versions.count(); ++i) {
      const std::uint16_t v = ch.supported_versions.at(i);
      if (v == 0x0304) j.offers_tls13 = true;
      if (!core::tls::is_grease(v) && v < 0x0303) {
        j.violations.push_back("supported_versions offers " + hex4(v));
      }
    }
  } else if (ch.legacy_version < 0x0303) {
    j.violations.push_back("legacy_version " + hex4(ch.legacy_version) + " below TLS 1.2");
  }
  // 33210-6.2.2-NO-0RTT.
  if (ch.has_early_data) j.violations.push_back("early_data extension present");
  // RFC 5746 indication (the core check names it too; kept for the summary).
  const bool scsv = ch.cipher_suites.contains(core::tls::kScsvEmptyRenegotiationInfo);
  if (!ch.has_renegotiation_info && !scsv) {
    j.violations.push_back("no renegotiation_info and no SCSV (RFC 5746)");
  }
  return j;
}

}  // namespace annexo::probe::ue_iut
