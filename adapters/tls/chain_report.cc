#include "adapters/tls/chain_report.h"

namespace annexo::tls {

core::CertFacts to_core_facts(const Peer_Chain& f, const std::string& reference_fqdn) {
  core::CertFacts c;
  c.path = f.path_result;
  c.chain_length = f.chain.size();
  for (std::size_t i = 0; i < f.chain.size() && i < core::kMaxChainFacts; ++i) {
    const Peer_Cert& in = f.chain[i];
    core::ChainCertFacts& out = c.chain[i];
    out.x509_version = static_cast<std::uint8_t>(in.x509_version > 255 ? 255 : in.x509_version);
    out.signature_hash = in.sig_hash;
    out.key_algorithm = in.key_alg;
    out.rsa_bits = static_cast<std::uint16_t>(in.key_bits > 65535 ? 65535 : in.key_bits);
    out.curve = in.curve;
  }
  const auto view = [](const std::string& s) {
    return core::ByteView(reinterpret_cast<const std::uint8_t*>(s.data()), s.size());
  };
  if (!f.chain.empty()) {
    const Peer_Cert& leaf = f.chain.front();
    c.common_name_count = leaf.common_names.size();
    for (std::size_t i = 0; i < leaf.common_names.size() && i < core::kMaxCommonNames; ++i) {
      c.common_names[i] = view(leaf.common_names[i]);
    }
    c.san_dns_count = leaf.dns_names.size();
    for (std::size_t i = 0; i < leaf.dns_names.size() && i < core::kMaxSanDnsNames; ++i) {
      c.san_dns_names[i] = view(leaf.dns_names[i]);
    }
    c.crl_distribution_point_present = leaf.crl_distribution_point;
  }
  c.path_length = f.path.size();
  for (std::size_t i = 0; i < f.path.size() && i < core::kMaxPathFacts; ++i) {
    const Peer_Path_Cert& in = f.path[i];
    c.path_certs[i].subject = core::ByteView(in.subject_der.data(), in.subject_der.size());
    c.path_certs[i].issuer = core::ByteView(in.issuer_der.data(), in.issuer_der.size());
    c.path_certs[i].crl_checked = in.crl_checked;
  }
  c.root_sent = f.root_sent;
  c.root_matches_stored = f.root_matches_stored;
  c.root_differences = f.root_differences;
  c.reference_fqdn = view(reference_fqdn);
  return c;
}

}  // namespace annexo::tls
