// The IUT's certificate chain, kept from a profile handshake (handshake.h)
// and judged by the core's certificate policy (core/cert_policy.h): the whole
// UE verdict (cert_verdict) and the P-CSCF certificate profile
// (pcscf_own_cert_profile), each TP looking at its part.
#include "adapters/probe/pcscf_tls/handshake.h"
#include "adapters/probe/pcscf_tls/tls_tps.h"
#include "core/cert_policy.h"

namespace annexo::probe::pcscf_tls {
namespace {

const char kStream[] = "iut->probe tls c1";

std::string error_text(core::Error e) {
  return std::string(core::error_info(e).name) + " (" + core::error_requirement(e) +
         "): " + core::error_message(e);
}

std::string describe(const tls::Peer_Cert& c) {
  std::string s = "v" + std::to_string(c.x509_version) + " sig=" + c.sig_algorithm +
                  " key_bits=" + std::to_string(c.key_bits) + " CN=";
  for (std::size_t i = 0; i < c.common_names.size(); ++i) s += (i ? "," : "") + c.common_names[i];
  s += " SAN=";
  for (std::size_t i = 0; i < c.dns_names.size(); ++i) s += (i ? "," : "") + c.dns_names[i];
  return s;
}

// Runs the handshake; false (with `o` set) when there is no chain to judge.
bool chain_of(const Tp_Context& ctx, Handshake_Run& h, Tp_Outcome& o) {
  h = profile_handshake(ctx);
  if (!h.connected) {
    o = {Verdict::error, "IUT unreachable: " + h.error, {}};
    return false;
  }
  if (!h.chain_seen || h.chain.chain.empty()) {
    o = {Verdict::inconc, "no Certificate message: " + summary(h), {}};
    return false;
  }
  std::size_t offset = h.from_iut.size();
  for (const auto& m : h.messages) {
    if (m.type == static_cast<std::uint8_t>(core::tls::HandshakeType::certificate))
      offset = m.offset;
  }
  for (std::size_t i = 0; i < h.chain.chain.size(); ++i) {
    o.evidence.push_back(
        {kStream, offset, "cert[" + std::to_string(i) + "] " + describe(h.chain.chain[i])});
  }
  o.evidence.push_back({kStream, offset, "path to PIXIT CA: " + h.chain.path_text});
  return true;
}

}  // namespace

// TP_PC_CERT_001 (O.2.1-PC-CERT-PROFILE, O.5.1-ALL-X509, O.5.1-OP-TRUSTED-ISSUER,
// 33310-6.1-*): core::cert_verdict accepts the chain for iut.fqdn and iut.ca_file.
Tp_Outcome tp_cert_001(const Tp_Context& ctx) {
  Handshake_Run h;
  Tp_Outcome o;
  if (!chain_of(ctx, h, o)) return o;
  const core::CertFacts facts = tls::to_core_facts(h.chain, ctx.pixit.iut_fqdn);
  const core::Error e = core::cert_verdict(facts);
  o.verdict = e == core::Error::ok ? Verdict::pass : Verdict::fail;
  o.reason = e == core::Error::ok ? "cert_verdict accepts the chain for " + ctx.pixit.iut_fqdn
                                  : "cert_verdict refuses the chain: " + error_text(e);
  return o;
}

// TP_PC_CERT_002 (O.5.1-CERT-CN-IS-FQDN, O.5.1-CERT-CN-SINGLE,
// O.5.1-CERT-SAN-HAS-FQDN, O.5.1-CERT-33310-6.1): the name rules of
// core::pcscf_own_cert_profile (algorithm facts set to profile values so only
// the names are judged here; TP_PC_CERT_003 judges those), and a SAN dNSName
// equal to iut.fqdn (core::dns_name_equal).
Tp_Outcome tp_cert_002(const Tp_Context& ctx) {
  Handshake_Run h;
  Tp_Outcome o;
  if (!chain_of(ctx, h, o)) return o;
  core::CertFacts facts = tls::to_core_facts(h.chain, ctx.pixit.iut_fqdn);
  for (std::size_t i = 0; i < facts.chain_length && i < core::kMaxChainFacts; ++i) {
    facts.chain[i] = {3, core::SigHash::sha256, core::KeyAlg::ecdsa, 0, core::Curve::p256};
  }
  const core::ProfileFinding f = core::pcscf_own_cert_profile(facts);
  if (f.error != core::Error::ok) {
    o.verdict = Verdict::fail;
    o.reason = std::string("leaf ") + core::cert_field_name(f.field) + ": " + error_text(f.error);
    return o;
  }
  const core::ByteView fqdn(reinterpret_cast<const std::uint8_t*>(ctx.pixit.iut_fqdn.data()),
                            ctx.pixit.iut_fqdn.size());
  bool san_has_fqdn = false;
  for (std::size_t i = 0; i < facts.san_dns_count && i < core::kMaxSanDnsNames; ++i) {
    san_has_fqdn = san_has_fqdn || core::dns_name_equal(facts.san_dns_names[i], fqdn);
  }
  o.verdict = san_has_fqdn ? Verdict::pass : Verdict::fail;
  o.reason = san_has_fqdn
                 ? "one CN, an FQDN without wildcard; a SAN dNSName equals " + ctx.pixit.iut_fqdn
                 : "no SAN dNSName equals iut.fqdn " + ctx.pixit.iut_fqdn;
  return o;
}

// TP_PC_CERT_003 (33310-6.1.1-HASH, 33310-6.1.1-SIGALG, 33310-6.1.1-PUBKEY):
// every certificate sent, by the algorithm rules of
// core::pcscf_own_cert_profile (checked before its name rules).
Tp_Outcome tp_cert_003(const Tp_Context& ctx) {
  Handshake_Run h;
  Tp_Outcome o;
  if (!chain_of(ctx, h, o)) return o;
  const core::CertFacts facts = tls::to_core_facts(h.chain, ctx.pixit.iut_fqdn);
  const core::ProfileFinding f = core::pcscf_own_cert_profile(facts);
  const bool algorithm_rule =
      f.field == core::CertField::chain || f.field == core::CertField::version ||
      f.field == core::CertField::signature_algorithm || f.field == core::CertField::public_key;
  if (f.error != core::Error::ok && algorithm_rule) {
    o.verdict = Verdict::fail;
    o.reason = "cert[" + std::to_string(f.cert_index) + "] " + core::cert_field_name(f.field) +
               ": " + error_text(f.error);
    return o;
  }
  o.verdict = Verdict::pass;
  o.reason = "every certificate sent: X.509 v3, profile signature hash and key";
  return o;
}

}  // namespace annexo::probe::pcscf_tls
