// The two effective OpenSSL 3.0 configurations as the programs will build
// them by default (TLS 1.2 and TLS 1.3 enabled), as text (issue 14).
#pragma once

#include <botan/pkcs8.h>

#include <string>

#include "adapters/tls/openssl/context.h"
#include "core/profile.h"
#include "tests/adapters/test_pki.h"

namespace annexo::testing {

inline std::string openssl_pcscf_text() {
  Test_Pki pki;  // an ECDSA P-256 leaf, like tests/pki's pcscf-ec.pem
  auto leaf = pki.leaf("pcscf.test", "pcscf.test");
  core::PcscfTlsConfig config;
  const auto built = tls::openssl::make_pcscf_context(config, leaf.cert.PEM_encode(),
                                                      Botan::PKCS8::PEM_encode(*leaf.key));
  return tls::openssl::describe_context(built);
}

inline std::string openssl_ue_text() {
  Test_Pki pki;
  core::UeTlsConfig config;
  core::Offer offer;
  if (core::build_offer(config, offer) != core::Error::ok) return "build_offer failed\n";
  const auto built = tls::openssl::make_ue_context(config, offer, pki.ca().PEM_encode());
  return tls::openssl::describe_context(built);
}

}  // namespace annexo::testing
