// Botan::Credentials_Manager for each side, loaded from PEM files.
//  - P-CSCF: its certificate chain (leaf first, intermediates after; the root
//    is normally omitted, O.5.2) and its PKCS#8 private key. It trusts no CA
//    for clients: it never asks for a client certificate (O.2.1).
//  - UE: the operator's trust anchors (--ca) and no certificate of its own, so
//    a CertificateRequest is answered with an empty Certificate (RFC 5246
//    7.4.6). No session-ticket key on either side: the P-CSCF must hand out a
//    Session ID it can bind (O.2.2), see policy.h.
#pragma once

#include <botan/certstor.h>
#include <botan/credentials_manager.h>
#include <botan/pk_keys.h>
#include <botan/x509_crl.h>
#include <botan/x509cert.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace annexo::tls {

// Reads every certificate in a PEM file, in file order. Throws std::runtime_error
// naming the file and the reason.
std::vector<Botan::X509_Certificate> load_certificates(const std::string& path);

// Reads every CRL in a PEM file (one or more "BEGIN X509 CRL" blocks) or one
// DER CRL. Throws std::runtime_error naming the file and the reason.
std::vector<Botan::X509_CRL> load_crls(const std::string& path);

// Reads a PKCS#8 private key ("BEGIN PRIVATE KEY"). Botan 2.19 reads no other
// form; a SEC1 ("BEGIN EC PRIVATE KEY") or PKCS#1 ("BEGIN RSA PRIVATE KEY") file
// gets an error that says how to convert it.
std::unique_ptr<Botan::Private_Key> load_private_key(const std::string& path);

class Server_Credentials final : public Botan::Credentials_Manager {
 public:
  Server_Credentials(std::vector<Botan::X509_Certificate> chain,
                     std::unique_ptr<Botan::Private_Key> key);
  static std::unique_ptr<Server_Credentials> from_files(const std::string& cert_pem,
                                                        const std::string& key_pem);

  std::vector<Botan::X509_Certificate> cert_chain(const std::vector<std::string>& cert_key_types,
                                                  const std::string& type,
                                                  const std::string& context) override;
  Botan::Private_Key* private_key_for(const Botan::X509_Certificate& cert, const std::string& type,
                                      const std::string& context) override;
  std::vector<Botan::Certificate_Store*> trusted_certificate_authorities(
      const std::string& type, const std::string& context) override;

  const std::vector<Botan::X509_Certificate>& chain() const { return m_chain; }
  // The IANA NamedGroup of the key's curve (secp256r1 23, secp384r1 24), 0
  // for an RSA key or another curve: which signature scheme goes first
  // (adapters/tls/signature_schemes.h, RD-171, RD-240).
  std::uint16_t ecdsa_group() const;

 private:
  std::vector<Botan::X509_Certificate> m_chain;
  std::unique_ptr<Botan::Private_Key> m_key;
};

class Client_Credentials final : public Botan::Credentials_Manager {
 public:
  // anchors: the operator's trust anchors; crls: the CRLs Botan's path
  // validation consults (for the anchors and for intermediates the P-CSCF
  // sends; the newest per issuer is kept).
  explicit Client_Credentials(const std::vector<Botan::X509_Certificate>& anchors,
                              const std::vector<Botan::X509_CRL>& crls = {});
  static std::unique_ptr<Client_Credentials> from_file(
      const std::string& ca_pem, const std::vector<std::string>& crl_files = {});

  std::vector<Botan::Certificate_Store*> trusted_certificate_authorities(
      const std::string& type, const std::string& context) override;
  std::vector<Botan::X509_Certificate> cert_chain(const std::vector<std::string>& cert_key_types,
                                                  const std::string& type,
                                                  const std::string& context) override;

  std::vector<Botan::Certificate_Store*> anchors() { return {&m_store}; }

 private:
  Botan::Certificate_Store_In_Memory m_store;
};

}  // namespace annexo::tls
