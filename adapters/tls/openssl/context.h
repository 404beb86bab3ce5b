// OpenSSL 3.0 SSL_CTX for each side, every setting taken from the core
// (core/profile.h, core/cipher_suites.h) at start-up: versions, the TLS 1.2
// cipher list and the TLS 1.3 ciphersuites (IANA codes mapped to OpenSSL's
// names by SSL_CIPHER_find / SSL_CIPHER_get_name, never a hand-written
// string), groups, signature schemes. What OpenSSL 3.0 cannot run is filtered
// out and shown in the snapshot (describe_context): RFC 9150's
// TLS_SHA256_SHA256 / TLS_SHA384_SHA384.
//
// Fixed switches (decisions RD-05, RD-06, RD-41, RD-116..RD-121):
//   - no session tickets (SSL_OP_NO_TICKET, num_tickets 0), no session
//     resumption (server cache without internal store or lookup: the Session
//     ID is still issued, O.2.1-PC-NONEMPTY-SESSION-ID; client cache off);
//   - no 0-RTT: max_early_data 0 on both sides, early data never read
//     (a client's attempt is skipped, RFC 8446 4.2.10: RD-118);
//   - the server never requests a client certificate (SSL_VERIFY_NONE);
//   - client-initiated renegotiation refused by the server
//     (SSL_OP_ALLOW_CLIENT_RENEGOTIATION off), RFC 5746 required on both
//     sides; server-initiated (HelloRequest, O.4.2) kept when the core's
//     configuration uses renegotiation;
//   - the client verifies the P-CSCF through the core's certificate policy
//     (the endpoint's cert_verify_callback); OpenSSL's hostname check is not
//     configured;
//   - security level 0: the lists above are the core's and complete; a
//     higher level would drop NULL suites an operator enabled and pre-empt
//     the core's certificate rules with less precise reasons. One floor is
//     kept by a security callback: DHE groups of 2048 bits or more.
#pragma once

#include <openssl/ssl.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/profile.h"

namespace annexo::tls::openssl {

// The one strength floor kept besides the core's lists (see context.cc):
// finite-field DHE groups of at least 2048 bits.
inline constexpr int kMinDhSecurityBits = 112;

struct Ctx_Free {
  void operator()(SSL_CTX* c) const { SSL_CTX_free(c); }
};
using Ctx_Ptr = std::unique_ptr<SSL_CTX, Ctx_Free>;

struct Built_Context {
  Ctx_Ptr ctx;
  std::string error;                        // empty on success
  std::string side;                         // "pcscf" or "ue"
  std::vector<std::uint16_t> core_order;    // the core's list before filtering
  std::vector<std::uint16_t> tls12_suites;  // set, in order
  std::vector<std::uint16_t> tls13_suites;
  std::vector<std::uint16_t> not_runnable;  // in core_order, unknown to OpenSSL 3.0
  std::vector<std::uint16_t> groups;
  std::vector<std::uint16_t> signature_schemes;
  std::string cipher_list;   // what was given to SSL_CTX_set_cipher_list
  std::string ciphersuites;  // ... SSL_CTX_set_ciphersuites
  std::string groups_list;
  std::string sigalgs_list;
  bool ok() const { return ctx != nullptr && error.empty(); }
};

// The P-CSCF: `chain_pem` leaf first (intermediates after), `key_pem` any PEM
// private key OpenSSL reads (PKCS#8, SEC1, PKCS#1).
Built_Context make_pcscf_context(const core::PcscfTlsConfig& config, const std::string& chain_pem,
                                 const std::string& key_pem);

// The UE: `offer` is core::build_offer's result for `config`; `anchors_pem`
// the operator's trust anchors; `crl_pems` CRLs (PEM text each). With CRLs,
// OpenSSL checks every certificate of the path (CRL_CHECK | CRL_CHECK_ALL).
Built_Context make_ue_context(const core::UeTlsConfig& config, const core::Offer& offer,
                              const std::string& anchors_pem,
                              const std::vector<std::string>& crl_pems = {});

// The effective configuration as text, one `key = value` a line, stable
// order: what the snapshot test pins (tests/adapters/openssl_snapshot_*.txt).
std::string describe_context(const Built_Context& built);

// IANA NamedGroup <-> OpenSSL group name / NID, and SignatureScheme <->
// OpenSSL sigalg name: name tables only, the lists and their order are the
// core's. 0 / nullptr when unknown.
const char* group_name(std::uint16_t iana);
std::uint16_t group_from_nid(int nid);
int group_nid(std::uint16_t iana);
const char* sigalg_name(std::uint16_t iana);
// OpenSSL's name for a suite (nullptr if OpenSSL 3.0 has none).
const char* suite_name(std::uint16_t iana);

}  // namespace annexo::tls::openssl
