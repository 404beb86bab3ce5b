// A test PKI made with Botan at test time (no files, no openssl): an ECDSA
// P-256 CA and P-CSCF certificates, good and bad.
#pragma once

#include <botan/auto_rng.h>
#include <botan/ecdsa.h>
#include <botan/x509_ca.h>
#include <botan/x509cert.h>
#include <botan/x509self.h>

#include <chrono>
#include <memory>
#include <string>

namespace annexo::testing {

struct Test_Leaf {
  Botan::X509_Certificate cert;
  std::unique_ptr<Botan::Private_Key> key;
};

class Test_Pki {
 public:
  Test_Pki()
      : m_group("secp256r1"),
        m_ca_key(m_rng, m_group),
        m_ca_cert(make_ca_cert()),
        m_ca(m_ca_cert, m_ca_key, "SHA-256", m_rng) {}

  const Botan::X509_Certificate& ca() const { return m_ca_cert; }

  // A leaf for `cn` with SAN dNSName `san` (empty: none), valid now unless
  // `expired`.
  Test_Leaf leaf(const std::string& cn, const std::string& san, bool expired = false) {
    auto key = std::make_unique<Botan::ECDSA_PrivateKey>(m_rng, m_group);
    Botan::X509_Cert_Options o(cn + "/ZZ/annexo/test");
    if (!san.empty()) o.dns = san;
    const auto req = Botan::X509::create_cert_req(o, *key, "SHA-256", m_rng);
    const auto now = std::chrono::system_clock::now();
    const auto day = std::chrono::hours(24);
    const Botan::X509_Time from(expired ? now - 10 * day : now - day);
    const Botan::X509_Time to(expired ? now - 2 * day : now + 30 * day);
    return Test_Leaf{m_ca.sign_request(req, m_rng, from, to), std::move(key)};
  }

  Botan::RandomNumberGenerator& rng() { return m_rng; }

 private:
  Botan::X509_Certificate make_ca_cert() {
    Botan::X509_Cert_Options o("annexo test CA/ZZ/annexo/test");
    o.CA_key();
    return Botan::X509::create_self_signed_cert(o, m_ca_key, "SHA-256", m_rng);
  }

  Botan::AutoSeeded_RNG m_rng;
  Botan::EC_Group m_group;
  Botan::ECDSA_PrivateKey m_ca_key;
  Botan::X509_Certificate m_ca_cert;
  Botan::X509_CA m_ca;
};

}  // namespace annexo::testing
