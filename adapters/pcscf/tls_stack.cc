#include "adapters/pcscf/tls_stack.h"

#include <fstream>
#include <sstream>

#include "adapters/tls/botan/endpoint.h"
#include "adapters/tls/openssl/context.h"
#include "adapters/tls/openssl/endpoint.h"

namespace annexo::pcscf {

namespace {

bool read_file(const std::string& path, std::string* out, std::string* err) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *err = "cannot read " + path;
    return false;
  }
  std::ostringstream s;
  s << in.rdbuf();
  *out = s.str();
  return true;
}

}  // namespace

const char* tls_stack_name(Tls_Stack s) {
  return s == Tls_Stack::openssl ? "openssl" : "botan";
}

bool parse_tls_stack(const std::string& text, Tls_Stack* out) {
  if (text == "botan") {
    *out = Tls_Stack::botan;
    return true;
  }
  if (text == "openssl") {
    *out = Tls_Stack::openssl;
    return true;
  }
  return false;
}

bool tls_stack_speaks_tls13(Tls_Stack s) {
  return s == Tls_Stack::openssl;  // Botan 2.19 has no TLS 1.3
}

struct Tls_Stack_Context::Openssl_Part {
  tls::openssl::Built_Context built;
};

Tls_Stack_Context::Tls_Stack_Context() = default;
Tls_Stack_Context::~Tls_Stack_Context() = default;

bool Tls_Stack_Context::start(Tls_Stack stack, const core::PcscfTlsConfig& config,
                              tls::Server_Credentials& creds, Botan::RandomNumberGenerator& rng,
                              const std::string& cert_file, const std::string& key_file,
                              std::string* err) {
  m_stack = stack;
  m_config = &config;
  m_creds = &creds;
  m_rng = &rng;
  if (stack == Tls_Stack::botan) return true;
  std::string chain_pem, key_pem;
  if (!read_file(cert_file, &chain_pem, err) || !read_file(key_file, &key_pem, err)) return false;
  m_openssl = std::make_unique<Openssl_Part>();
  m_openssl->built = tls::openssl::make_pcscf_context(config, chain_pem, key_pem);
  if (!m_openssl->built.ok()) {
    *err = "OpenSSL context: " + m_openssl->built.error;
    return false;
  }
  return true;
}

std::unique_ptr<tls::Endpoint> Tls_Stack_Context::make_endpoint(
    tls::Endpoint_Events& events, const std::string& peer,
    std::function<bool()> accepts_renegotiation) {
  if (m_stack == Tls_Stack::openssl) {
    return tls::openssl::Openssl_Endpoint::server(m_openssl->built.ctx.get(), *m_config, events,
                                                  peer);
  }
  return tls::Botan_Endpoint::server(*m_config, *m_creds, *m_rng, events, peer,
                                     std::move(accepts_renegotiation));
}

const core::Choice& Tls_Stack_Context::gate_choice(const tls::Endpoint& endpoint) {
  static const core::Choice none{};
  if (const auto* o = dynamic_cast<const tls::openssl::Openssl_Endpoint*>(&endpoint)) {
    return o->gate_choice();
  }
  if (const auto* b = dynamic_cast<const tls::Botan_Endpoint*>(&endpoint)) {
    return b->gate_choice();
  }
  return none;
}

std::string Tls_Stack_Context::describe() const {
  if (m_stack == Tls_Stack::botan) return "TLS 1.2 (Botan 2.19 has no TLS 1.3)";
  const auto& b = m_openssl->built;
  std::string out = m_config->enable_tls13 ? "TLS 1.2, TLS 1.3" : "TLS 1.2";
  out += "; tls12 " + b.cipher_list + "; tls13 " + b.ciphersuites + "; groups " + b.groups_list;
  return out;
}

}  // namespace annexo::pcscf
