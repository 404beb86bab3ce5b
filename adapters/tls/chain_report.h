// The peer's certificate chain as facts, independent of the TLS library
// (issue 14): every stack's adapter fills a Peer_Chain from its own objects
// and to_core_facts turns it into core::CertFacts for core::cert_verdict.
// Nothing here decides.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/cert_policy.h"

namespace annexo::tls {

struct Peer_Cert {
  std::vector<std::string> common_names;  // every CN attribute of the subject
  std::vector<std::string> dns_names;     // every SAN dNSName
  std::uint32_t x509_version = 0;         // 1, 2 or 3
  core::SigHash sig_hash = core::SigHash::unknown;
  core::KeyAlg key_alg = core::KeyAlg::unknown;
  std::uint32_t key_bits = 0;
  core::Curve curve = core::Curve::none;
  bool self_signed = false;
  bool crl_distribution_point = false;
  std::string sig_algorithm;  // the library's name, for the log
};

// One certificate of the path the library validated, leaf first, trust anchor last.
struct Peer_Path_Cert {
  std::vector<std::uint8_t> subject_der;
  std::vector<std::uint8_t> issuer_der;
  bool crl_checked = false;
};

struct Peer_Chain {
  std::vector<Peer_Cert> chain;  // [0] is the leaf, as sent
  std::vector<Peer_Path_Cert> path;
  core::PathResult path_result = core::PathResult::not_checked;
  std::string path_text;               // the library's words, for the log
  bool root_sent = false;              // the last certificate sent is self-signed
  bool root_matches_stored = false;    // a trust anchor with its subject and key
  std::uint16_t root_differences = 0;  // core::root_diff bits vs that anchor
};

// The ByteViews point into `chain` and `reference_fqdn`, which must outlive
// the result. revocation_required is the caller's (configuration, RD-83).
core::CertFacts to_core_facts(const Peer_Chain& chain, const std::string& reference_fqdn);

}  // namespace annexo::tls
