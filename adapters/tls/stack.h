// The one place that knows the TLS libraries (issue 14): the programs (pcscf,
// ue, the next hop client), the SIP layer and the event loop hold a
// Tls_Stack value and these contexts, and see connections only as
// tls::Endpoint / tls::Endpoint_Events (endpoint.h). Everything a library
// needs (Botan's RNG, credentials and policies; OpenSSL's SSL_CTX) lives
// behind this header, in adapters/tls/botan and adapters/tls/openssl.
//
//   botan   Botan 2.19 (Botan_Endpoint): TLS 1.2 only.
//   openssl OpenSSL 3.0 (Openssl_Endpoint on memory BIOs): TLS 1.2 and 1.3,
//           the SSL_CTX built once from the core's tables.
//
// Both run the core's gates on the raw first Hello before the library sees
// a byte (inside the endpoint) and take every policy answer from the core's
// tables (core/profile.h).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "adapters/tls/endpoint.h"
#include "adapters/tls/stack_kind.h"
#include "core/cert_policy.h"
#include "core/profile.h"

namespace annexo::tls {

// Random bytes from the stacks' generator (e.g. the pcscf flow-token key).
void random_bytes(std::uint8_t* out, std::size_t size);

// The P-CSCF's own certificate as read at start-up, for the core's O.5.1
// profile check and the log (O.2.1-PC-CERT-PROFILE, RD-82).
struct Own_Certificate {
  core::ProfileFinding finding;  // core::pcscf_own_cert_profile of the chain
  std::size_t certificates = 0;  // in the chain file
  bool valid_now = true;         // the leaf's validity period holds now
  std::string not_before, not_after;
  std::string key_algorithm;  // the leaf's public key: "ECDSA", "RSA", ...
};

// The P-CSCF side: one per server, one endpoint per accepted connection.
class Server_Stack {
 public:
  Server_Stack();
  ~Server_Stack();
  Server_Stack(const Server_Stack&) = delete;
  Server_Stack& operator=(const Server_Stack&) = delete;

  // Reads the chain and the key; fills *own (validity judged at `now`,
  // net::wall_clock_now()). False with *err set (the message names the file).
  bool load(Tls_Stack stack, const std::string& cert_file, const std::string& key_file,
            std::chrono::system_clock::time_point now, Own_Certificate* own, std::string* err);
  // Server-wide set-up once `config` is final; `config` must outlive this
  // object. False with *err set.
  bool start(const core::PcscfTlsConfig& config, std::string* err);

  Tls_Stack stack() const { return m_stack; }

  // `accepts_renegotiation` is the machine's answer to a renegotiation
  // ClientHello (Botan asks it; OpenSSL refuses a client's renegotiation
  // itself, RD-121).
  std::unique_ptr<Endpoint> make_endpoint(Endpoint_Events& events, const std::string& peer,
                                          std::function<bool()> accepts_renegotiation);

  // For the start-up log: the configuration the stack runs.
  std::string describe() const;

 private:
  struct Botan_Part;
  struct Openssl_Part;
  Tls_Stack m_stack = kDefaultTlsStack;
  std::string m_cert_file, m_key_file;
  const core::PcscfTlsConfig* m_config = nullptr;
  std::unique_ptr<Botan_Part> m_botan;
  std::unique_ptr<Openssl_Part> m_openssl;
};

// A TLS client (the UE towards the P-CSCF, the P-CSCF towards a TLS next
// hop): the offer and the policy from the core's tables for `config`, the
// server's chain handed to Endpoint_Events::tls_peer_chain for
// core::cert_verdict.
class Client_Stack {
 public:
  Client_Stack();
  ~Client_Stack();
  Client_Stack(const Client_Stack&) = delete;
  Client_Stack& operator=(const Client_Stack&) = delete;

  // `offer` is core::build_offer's for `config` (both copied); `ca_file`
  // the trust anchors, `crl_files` CRLs for revocation checking (RD-83).
  // False with *err set.
  bool start(Tls_Stack stack, const core::UeTlsConfig& config, const core::Offer& offer,
             const std::string& ca_file, const std::vector<std::string>& crl_files,
             std::string* err);

  Tls_Stack stack() const { return m_stack; }

  // One endpoint per connection; `sni` the server's name. start() on it
  // writes the ClientHello. May throw (the library refused to start).
  std::unique_ptr<Endpoint> make_endpoint(Endpoint_Events& events, const std::string& peer,
                                          const std::string& sni);

 private:
  struct Botan_Part;
  struct Openssl_Part;
  Tls_Stack m_stack = kDefaultTlsStack;
  core::UeTlsConfig m_config;
  core::Offer m_offer;
  std::unique_ptr<Botan_Part> m_botan;
  std::unique_ptr<Openssl_Part> m_openssl;
};

}  // namespace annexo::tls
