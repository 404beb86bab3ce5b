// Botan::TLS::Policy for each side. Every answer comes from the core
// (core/profile.h, core/cipher_suites.h) or from the core machine the program
// runs; nothing here is a second copy of the profile. What Botan 2.19 cannot
// do is filtered out and shown in the policy snapshot (describe_policy).
// The signature schemes are the core's (RD-240), as with OpenSSL.
//   - TLS 1.3: Botan 2.19 has none; only TLS 1.2 is negotiated.
//   - NULL-encryption suites: Botan 2.19 implements none, so an operator's
//     allow/offer of NULL encryption changes the core's decision but no NULL
//     suite can be negotiated through this adapter.
#pragma once

#include <botan/tls_policy.h>

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <string>
#include <vector>

#include "core/profile.h"

namespace annexo::tls {

// Codes of `order` that Botan 2.19 can run at TLS 1.2, in order.
std::vector<std::uint16_t> botan_runnable(const std::vector<std::uint16_t>& order);

// The core's signature schemes (adapters/tls/signature_schemes.h, RD-120,
// RD-240) that Botan 2.19 knows, in that order, `own` first.
std::vector<Botan::TLS::Signature_Scheme> botan_signature_schemes(std::uint16_t own);

// The P-CSCF side.
class Pcscf_Policy final : public Botan::TLS::Policy {
 public:
  // Questions only the P-CSCF machine can answer, asked on every handshake.
  struct Machine_Questions {
    // O.2.1-PC-NO-CLIENT-CERT-REQ: does the machine want a client certificate?
    std::function<bool()> requests_client_certificate;
    // O.4.2: does the machine accept a renegotiation ClientHello now? Botan
    // 2.19's server refuses every renegotiation ClientHello when this is
    // false, including the answer to its own HelloRequest, so the machine
    // answers true exactly while it waits for the renegotiation it asked for.
    std::function<bool()> accepts_client_renegotiation;
  };

  // own_signature_scheme: the ECDSA scheme of the P-CSCF's own key's curve
  // (ecdsa_scheme_of_group), 0 for an RSA key: put first (RD-171, RD-240).
  Pcscf_Policy(const core::PcscfTlsConfig& config, Machine_Questions machine,
               std::uint16_t own_signature_scheme = 0);

  std::vector<std::uint16_t> ciphersuite_list(Botan::TLS::Protocol_Version version,
                                              bool have_srp) const override;
  bool acceptable_ciphersuite(const Botan::TLS::Ciphersuite& suite) const override;
  std::vector<Botan::TLS::Group_Params> key_exchange_groups() const override;
  bool acceptable_protocol_version(Botan::TLS::Protocol_Version version) const override;
  Botan::TLS::Protocol_Version latest_supported_version(bool datagram) const override;
  bool allow_tls10() const override;
  bool allow_tls11() const override;
  bool allow_tls12() const override;
  bool allow_dtls10() const override { return false; }
  bool allow_dtls12() const override { return false; }
  bool request_client_certificate_authentication() const override;
  bool require_client_certificate_authentication() const override;
  bool allow_client_initiated_renegotiation() const override;
  bool allow_server_initiated_renegotiation() const override;
  bool allow_insecure_renegotiation() const override;
  bool allow_resumption_for_renegotiation() const override { return false; }
  std::uint32_t session_ticket_lifetime() const override;
  bool server_uses_own_ciphersuite_preferences() const override;
  bool require_cert_revocation_info() const override;
  bool support_cert_status_message() const override { return false; }
  bool include_time_in_hello_random() const override { return false; }
  std::vector<Botan::TLS::Signature_Scheme> allowed_signature_schemes() const override;

  const core::PcscfTlsConfig& config() const { return m_config; }

 private:
  core::PcscfTlsConfig m_config;
  Machine_Questions m_machine;
  std::uint16_t m_own_signature_scheme;
};

// The UE side.
class Ue_Policy final : public Botan::TLS::Policy {
 public:
  // `offer` is what core::build_offer made of `config` (checked at start-up).
  Ue_Policy(const core::UeTlsConfig& config, const core::Offer& offer);

  std::vector<std::uint16_t> ciphersuite_list(Botan::TLS::Protocol_Version version,
                                              bool have_srp) const override;
  bool acceptable_ciphersuite(const Botan::TLS::Ciphersuite& suite) const override;
  std::vector<Botan::TLS::Group_Params> key_exchange_groups() const override;
  bool acceptable_protocol_version(Botan::TLS::Protocol_Version version) const override;
  Botan::TLS::Protocol_Version latest_supported_version(bool datagram) const override;
  bool allow_tls10() const override;
  bool allow_tls11() const override;
  bool allow_tls12() const override;
  bool allow_dtls10() const override { return false; }
  bool allow_dtls12() const override { return false; }
  bool allow_server_initiated_renegotiation() const override;
  bool allow_client_initiated_renegotiation() const override { return false; }
  bool allow_insecure_renegotiation() const override;
  bool allow_resumption_for_renegotiation() const override { return false; }
  std::uint32_t session_ticket_lifetime() const override;
  bool require_cert_revocation_info() const override;
  bool support_cert_status_message() const override { return false; }
  bool include_time_in_hello_random() const override { return false; }
  std::vector<Botan::TLS::Signature_Scheme> allowed_signature_schemes() const override;

  const core::Offer& offer() const { return m_offer; }

 private:
  core::UeTlsConfig m_config;
  core::Offer m_offer;
};

// The effective policy as text, one `key = value` a line, stable order: what
// the snapshot test pins (tests/adapters/policy_snapshot_*.txt).
std::string describe_policy(const Botan::TLS::Policy& policy, const std::string& side,
                            const std::vector<std::uint16_t>& core_order);

}  // namespace annexo::tls
