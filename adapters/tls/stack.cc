#include "adapters/tls/stack.h"

#include <botan/auto_rng.h>
#include <botan/x509cert.h>

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "adapters/tls/botan/cert_facts.h"
#include "adapters/tls/botan/credentials.h"
#include "adapters/tls/botan/endpoint.h"
#include "adapters/tls/openssl/context.h"
#include "adapters/tls/openssl/endpoint.h"

namespace annexo::tls {

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

// O.2.1-PC-CERT-PROFILE (RD-82): the chain the P-CSCF will send, read by
// Botan's certificate reader whichever stack serves it, judged by the core.
Own_Certificate describe_own(const std::vector<Botan::X509_Certificate>& chain,
                             std::chrono::system_clock::time_point at) {
  Own_Certificate own;
  Chain_Facts facts;
  for (const auto& cert : chain) facts.chain.push_back(describe_certificate(cert));
  const core::CertFacts cf = to_core_facts(facts, "");
  own.finding = core::pcscf_own_cert_profile(cf);
  own.certificates = chain.size();
  const auto& leaf = chain.front();
  const Botan::X509_Time now(at);
  own.valid_now = !(now < leaf.not_before() || now > leaf.not_after());
  own.not_before = leaf.not_before().readable_string();
  own.not_after = leaf.not_after().readable_string();
  // Botan 2: load_subject_public_key() hands over ownership (subject_public_key() leaks).
  own.key_algorithm = leaf.load_subject_public_key()->algo_name();
  return own;
}

}  // namespace

void random_bytes(std::uint8_t* out, std::size_t size) {
  Botan::AutoSeeded_RNG rng;
  rng.randomize(out, size);
}

// ============================================================ Server_Stack
struct Server_Stack::Botan_Part {
  Botan::AutoSeeded_RNG rng;
  std::unique_ptr<Server_Credentials> creds;
};

struct Server_Stack::Openssl_Part {
  openssl::Built_Context built;
};

Server_Stack::Server_Stack() = default;
Server_Stack::~Server_Stack() = default;

bool Server_Stack::load(Tls_Stack stack, const std::string& cert_file, const std::string& key_file,
                        std::chrono::system_clock::time_point now, Own_Certificate* own,
                        std::string* err) {
  m_stack = stack;
  m_cert_file = cert_file;
  m_key_file = key_file;
  m_botan = std::make_unique<Botan_Part>();
  try {
    m_botan->creds = Server_Credentials::from_files(cert_file, key_file);
    // Inside the try: a key or date Botan cannot read refuses the start
    // with a message instead of ending pcscf with an exception.
    *own = describe_own(m_botan->creds->chain(), now);
  } catch (const std::exception& e) {
    *err = e.what();
    return false;
  }
  return true;
}

bool Server_Stack::start(const core::PcscfTlsConfig& config, std::string* err) {
  m_config = &config;
  if (m_stack == Tls_Stack::botan) return true;
  std::string chain_pem, key_pem;
  if (!read_file(m_cert_file, &chain_pem, err) || !read_file(m_key_file, &key_pem, err)) {
    return false;
  }
  m_openssl = std::make_unique<Openssl_Part>();
  m_openssl->built = openssl::make_pcscf_context(config, chain_pem, key_pem);
  if (!m_openssl->built.ok()) {
    *err = "OpenSSL context: " + m_openssl->built.error;
    return false;
  }
  return true;
}

std::unique_ptr<Endpoint> Server_Stack::make_endpoint(Endpoint_Events& events,
                                                      const std::string& peer,
                                                      std::function<bool()> accepts_renegotiation) {
  if (m_stack == Tls_Stack::openssl) {
    return openssl::Openssl_Endpoint::server(m_openssl->built.ctx.get(), *m_config, events, peer);
  }
  return Botan_Endpoint::server(*m_config, *m_botan->creds, m_botan->rng, events, peer,
                                std::move(accepts_renegotiation));
}

std::string Server_Stack::describe() const {
  if (m_stack == Tls_Stack::botan) return "TLS 1.2 (Botan 2.19 has no TLS 1.3)";
  const auto& b = m_openssl->built;
  std::string out = m_config->enable_tls13 ? "TLS 1.2, TLS 1.3" : "TLS 1.2";
  out += "; tls12 " + b.cipher_list + "; tls13 " + b.ciphersuites + "; groups " + b.groups_list;
  return out;
}

// ============================================================ Client_Stack
struct Client_Stack::Botan_Part {
  Botan::AutoSeeded_RNG rng;
  std::unique_ptr<Client_Credentials> creds;
};

struct Client_Stack::Openssl_Part {
  openssl::Built_Context built;
};

Client_Stack::Client_Stack() = default;
Client_Stack::~Client_Stack() = default;

bool Client_Stack::start(Tls_Stack stack, const core::UeTlsConfig& config, const core::Offer& offer,
                         const std::string& ca_file, const std::vector<std::string>& crl_files,
                         std::string* err) {
  m_stack = stack;
  m_config = config;
  m_offer = offer;
  try {
    // Botan reads the anchors and CRLs for either stack (a file it cannot
    // read refuses the start the same way).
    m_botan = std::make_unique<Botan_Part>();
    m_botan->creds = Client_Credentials::from_file(ca_file, crl_files);
    if (stack == Tls_Stack::openssl) {
      // The same anchors and CRLs, as read above, handed to OpenSSL as PEM;
      // the SSL_CTX is built from the core's tables (versions, suites,
      // groups, signature schemes; no tickets, no early data).
      std::string anchors;
      for (const auto& c : load_certificates(ca_file)) anchors += c.PEM_encode();
      std::vector<std::string> crls;
      for (const auto& f : crl_files) {
        for (const auto& crl : load_crls(f)) crls.push_back(crl.PEM_encode());
      }
      m_openssl = std::make_unique<Openssl_Part>();
      m_openssl->built = openssl::make_ue_context(m_config, m_offer, anchors, crls);
      if (!m_openssl->built.ok()) {
        throw std::runtime_error("OpenSSL context: " + m_openssl->built.error);
      }
    }
  } catch (const std::exception& e) {
    *err = e.what();
    return false;
  }
  return true;
}

std::unique_ptr<Endpoint> Client_Stack::make_endpoint(Endpoint_Events& events,
                                                      const std::string& peer,
                                                      const std::string& sni) {
  if (m_stack == Tls_Stack::openssl) {
    return openssl::Openssl_Endpoint::client(m_openssl->built.ctx.get(), m_config, m_offer, events,
                                             peer, sni);
  }
  // Botan's client writes its ClientHello from its constructor.
  return Botan_Endpoint::client(m_config, m_offer, *m_botan->creds, m_botan->rng, events, peer,
                                sni);
}

}  // namespace annexo::tls
