#include "adapters/tls/botan/credentials.h"

#include <botan/data_src.h>
#include <botan/ecc_key.h>
#include <botan/oids.h>
#include <botan/pkcs8.h>

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "core/tls_constants.h"

namespace annexo::tls {

namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(path + ": cannot open");
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

std::vector<Botan::X509_Certificate> load_certificates(const std::string& path) {
  const std::string pem = read_file(path);
  Botan::DataSource_Memory src(pem);
  std::vector<Botan::X509_Certificate> certs;
  try {
    while (!src.end_of_data()) {
      // X509_Certificate(DataSource&) reads one PEM block and stops after it.
      certs.emplace_back(src);
      // Skip whitespace between blocks so end_of_data() becomes true at the end.
      uint8_t b = 0;
      while (src.peek(&b, 1, 0) == 1 && (b == '\n' || b == '\r' || b == ' ' || b == '\t')) {
        src.discard_next(1);
      }
    }
  } catch (const std::exception& e) {
    throw std::runtime_error(path + ": certificate " + std::to_string(certs.size() + 1) +
                             " is not a valid PEM X.509 certificate (" + e.what() + ")");
  }
  if (certs.empty()) throw std::runtime_error(path + ": no certificate found");
  return certs;
}

std::vector<Botan::X509_CRL> load_crls(const std::string& path) {
  const std::string data = read_file(path);
  Botan::DataSource_Memory src(data);
  std::vector<Botan::X509_CRL> crls;
  try {
    while (!src.end_of_data()) {
      crls.emplace_back(src);
      uint8_t b = 0;
      while (src.peek(&b, 1, 0) == 1 && (b == '\n' || b == '\r' || b == ' ' || b == '\t')) {
        src.discard_next(1);
      }
    }
  } catch (const std::exception& e) {
    throw std::runtime_error(path + ": CRL " + std::to_string(crls.size() + 1) +
                             " is not a valid PEM or DER X.509 CRL (" + e.what() + ")");
  }
  if (crls.empty()) throw std::runtime_error(path + ": no CRL found");
  return crls;
}

std::unique_ptr<Botan::Private_Key> load_private_key(const std::string& path) {
  const std::string pem = read_file(path);
  if (pem.find("BEGIN EC PRIVATE KEY") != std::string::npos ||
      pem.find("BEGIN RSA PRIVATE KEY") != std::string::npos) {
    throw std::runtime_error(path +
                             ": not PKCS#8 (Botan 2.19 reads only 'BEGIN PRIVATE KEY'); convert "
                             "with: openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8");
  }
  try {
    Botan::DataSource_Memory src(pem);
    std::unique_ptr<Botan::Private_Key> key = Botan::PKCS8::load_key(src);
    if (!key) throw std::runtime_error("empty key");
    return key;
  } catch (const std::exception& e) {
    throw std::runtime_error(path + ": not a readable unencrypted PKCS#8 private key (" + e.what() +
                             ")");
  }
}

Server_Credentials::Server_Credentials(std::vector<Botan::X509_Certificate> chain,
                                       std::unique_ptr<Botan::Private_Key> key)
    : m_chain(std::move(chain)), m_key(std::move(key)) {
  if (m_chain.empty() || !m_key)
    throw std::runtime_error("server credentials need a chain and a key");
  // The first certificate must be the one the key belongs to.
  if (m_chain.front().subject_public_key_bitstring() != m_key->public_key_bits()) {
    throw std::runtime_error("the private key does not match the first certificate of the chain");
  }
}

std::uint16_t Server_Credentials::ecdsa_group() const {
  const auto* ec = dynamic_cast<const Botan::EC_PublicKey*>(m_key.get());
  if (ec == nullptr) return 0;
  const std::string curve = Botan::OIDS::oid2str_or_empty(ec->domain().get_curve_oid());
  if (curve == "secp256r1") return core::tls::group::secp256r1;
  if (curve == "secp384r1") return core::tls::group::secp384r1;
  return 0;
}

std::unique_ptr<Server_Credentials> Server_Credentials::from_files(const std::string& cert_pem,
                                                                   const std::string& key_pem) {
  return std::make_unique<Server_Credentials>(load_certificates(cert_pem),
                                              load_private_key(key_pem));
}

std::vector<Botan::X509_Certificate> Server_Credentials::cert_chain(
    const std::vector<std::string>& cert_key_types, const std::string& type,
    const std::string& /*context*/) {
  if (type != "tls-server") return {};
  const std::string alg = m_key->algo_name();
  for (const auto& want : cert_key_types) {
    if (want == alg) return m_chain;
  }
  return {};
}

Botan::Private_Key* Server_Credentials::private_key_for(const Botan::X509_Certificate& cert,
                                                        const std::string& type,
                                                        const std::string& /*context*/) {
  if (type != "tls-server" || !(cert == m_chain.front())) return nullptr;
  return m_key.get();
}

std::vector<Botan::Certificate_Store*> Server_Credentials::trusted_certificate_authorities(
    const std::string& /*type*/, const std::string& /*context*/) {
  return {};
}

Client_Credentials::Client_Credentials(const std::vector<Botan::X509_Certificate>& anchors,
                                       const std::vector<Botan::X509_CRL>& crls) {
  for (const auto& c : anchors) m_store.add_certificate(c);
  for (const auto& crl : crls) m_store.add_crl(crl);
}

std::unique_ptr<Client_Credentials> Client_Credentials::from_file(
    const std::string& ca_pem, const std::vector<std::string>& crl_files) {
  std::vector<Botan::X509_CRL> crls;
  for (const auto& file : crl_files) {
    for (auto& crl : load_crls(file)) crls.push_back(std::move(crl));
  }
  return std::make_unique<Client_Credentials>(load_certificates(ca_pem), crls);
}

std::vector<Botan::Certificate_Store*> Client_Credentials::trusted_certificate_authorities(
    const std::string& type, const std::string& /*context*/) {
  if (type != "tls-client") return {};
  return {&m_store};
}

std::vector<Botan::X509_Certificate> Client_Credentials::cert_chain(
    const std::vector<std::string>& /*cert_key_types*/, const std::string& /*type*/,
    const std::string& /*context*/) {
  return {};  // the UE has no certificate (O.2.1: the P-CSCF must not ask for one)
}

}  // namespace annexo::tls
