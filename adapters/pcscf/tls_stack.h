// The pcscf's TLS glue (issue 14, phase B): which TLS library runs under the
// connections (`--tls-stack botan|openssl`, default botan: decision RD-170)
// and the one place that builds a connection's tls::Endpoint. The Connection
// (pcscf_server.cc), the SIP layer, the binding and the core's P-CSCF driver
// see only tls::Endpoint / tls::Endpoint_Events (adapters/tls/endpoint.h).
//
//   botan   Botan 2.19 (Botan_Endpoint): TLS 1.2 only.
//   openssl OpenSSL 3.0 (Openssl_Endpoint on memory BIOs): TLS 1.2 and 1.3,
//           the SSL_CTX built once from the core's tables (make_pcscf_context).
//
// Both run the core's Client_Hello_Gate on the raw first ClientHello before
// the library sees a byte (inside the endpoint).
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "adapters/tls/endpoint.h"
#include "core/profile.h"

namespace Botan {
class RandomNumberGenerator;
}

namespace annexo::tls {
class Server_Credentials;
}

namespace annexo::pcscf {

enum class Tls_Stack { botan, openssl };

// The default stack (RD-170).
inline constexpr Tls_Stack kDefaultTlsStack = Tls_Stack::botan;

const char* tls_stack_name(Tls_Stack s);
bool parse_tls_stack(const std::string& text, Tls_Stack* out);
// May `stack` speak TLS 1.3? (sets PcscfTlsConfig::enable_tls13 at start-up)
bool tls_stack_speaks_tls13(Tls_Stack s);

class Tls_Stack_Context {
 public:
  Tls_Stack_Context();
  ~Tls_Stack_Context();
  Tls_Stack_Context(const Tls_Stack_Context&) = delete;
  Tls_Stack_Context& operator=(const Tls_Stack_Context&) = delete;

  // Server-wide set-up. `config` must outlive this object (the server's).
  // Botan uses the already loaded `creds` and `rng`; OpenSSL reads the PEM
  // files into its SSL_CTX. False with *err set.
  bool start(Tls_Stack stack, const core::PcscfTlsConfig& config, tls::Server_Credentials& creds,
             Botan::RandomNumberGenerator& rng, const std::string& cert_file,
             const std::string& key_file, std::string* err);

  Tls_Stack stack() const { return m_stack; }

  // One endpoint per accepted TCP connection. `accepts_renegotiation` is the
  // machine's answer to a renegotiation ClientHello (Botan asks it; OpenSSL
  // refuses a client's renegotiation itself, RD-121).
  std::unique_ptr<tls::Endpoint> make_endpoint(tls::Endpoint_Events& events,
                                               const std::string& peer,
                                               std::function<bool()> accepts_renegotiation);

  // The core's choice from the raw first ClientHello (version 0 while the
  // gate is still reading or after a refusal).
  static const core::Choice& gate_choice(const tls::Endpoint& endpoint);

  // For the start-up log: the configuration the stack runs.
  std::string describe() const;

 private:
  struct Openssl_Part;
  Tls_Stack m_stack = kDefaultTlsStack;
  const core::PcscfTlsConfig* m_config = nullptr;
  tls::Server_Credentials* m_creds = nullptr;
  Botan::RandomNumberGenerator* m_rng = nullptr;
  std::unique_ptr<Openssl_Part> m_openssl;
};

}  // namespace annexo::pcscf
