#include "adapters/tls/botan/policy.h"

#include <botan/tls_ciphersuite.h>
#include <botan/tls_version.h>

#include <iomanip>
#include <sstream>

#include "adapters/tls/signature_schemes.h"
#include "core/cipher_suites.h"
#include "core/tls_constants.h"

namespace annexo::tls {

namespace {

using Botan::TLS::Group_Params;
using Botan::TLS::Protocol_Version;

std::vector<std::uint16_t> to_vector(const core::CodeList& list, const std::uint16_t* def,
                                     std::size_t def_count) {
  if (list.count == 0) return std::vector<std::uint16_t>(def, def + def_count);
  return std::vector<std::uint16_t>(list.codes, list.codes + list.count);
}

std::vector<Group_Params> to_groups(const std::vector<std::uint16_t>& codes) {
  // Botan's Group_Params values are the IANA NamedGroup numbers.
  std::vector<Group_Params> out;
  for (std::uint16_t c : codes) out.push_back(static_cast<Group_Params>(c));
  return out;
}

bool is_tls12(Protocol_Version v) {
  return v == Protocol_Version::TLS_V12;
}

std::string hex4(std::uint16_t c) {
  std::ostringstream o;
  o << "0x" << std::hex << std::uppercase << std::setw(4) << std::setfill('0') << c;
  return o.str();
}

}  // namespace

std::vector<std::uint16_t> botan_runnable(const std::vector<std::uint16_t>& order) {
  std::vector<std::uint16_t> out;
  for (std::uint16_t code : order) {
    const Botan::TLS::Ciphersuite s = Botan::TLS::Ciphersuite::by_id(code);
    if (s.valid() && s.usable_in_version(Protocol_Version::TLS_V12)) out.push_back(code);
  }
  return out;
}

// Botan's Signature_Scheme values are the IANA SignatureScheme numbers; a
// scheme Botan 2.19 does not know is left out (none of the core's today).
std::vector<Botan::TLS::Signature_Scheme> botan_signature_schemes(std::uint16_t own) {
  std::vector<Botan::TLS::Signature_Scheme> out;
  for (std::uint16_t code : signature_schemes(own)) {
    const auto s = static_cast<Botan::TLS::Signature_Scheme>(code);
    if (Botan::TLS::signature_scheme_is_known(s)) out.push_back(s);
  }
  return out;
}

// ---------------------------------------------------------------- P-CSCF

Pcscf_Policy::Pcscf_Policy(const core::PcscfTlsConfig& config, Machine_Questions machine,
                           std::uint16_t own_signature_scheme)
    : m_config(config),
      m_machine(std::move(machine)),
      m_own_signature_scheme(own_signature_scheme) {}

// RD-240: the core's list, the scheme of the P-CSCF's own curve first (Botan's
// server signs with the first scheme of this list the client offered that
// fits the key, so a P-384 key signs with SHA-384 at TLS 1.2, RD-171).
//= spec#33210-6.2.2-RFC8446-9.1 type=implementation
std::vector<Botan::TLS::Signature_Scheme> Pcscf_Policy::allowed_signature_schemes() const {
  return botan_signature_schemes(m_own_signature_scheme);
}

// O.1.2: the P-CSCF decides, from the UE's offer, by its own preference; the
// candidates are exactly the codes the core lets it choose at TLS 1.2.
//= spec#O.1.2-PC-DECIDES-SUITE type=implementation
std::vector<std::uint16_t> Pcscf_Policy::ciphersuite_list(Protocol_Version version,
                                                          bool /*have_srp*/) const {
  std::vector<std::uint16_t> out;
  if (!acceptable_protocol_version(version)) return out;
  const auto order = to_vector(m_config.suite_preference, core::kDefaultSuiteOrder,
                               std::size(core::kDefaultSuiteOrder));
  for (std::uint16_t code : botan_runnable(order)) {
    if (core::pcscf_may_choose(code, core::tls::kTls12, m_config)) out.push_back(code);
  }
  return out;
}

//= spec#O.2.1-ALL-SUITE-RULES-ALL-VERSIONS type=implementation
bool Pcscf_Policy::acceptable_ciphersuite(const Botan::TLS::Ciphersuite& suite) const {
  return core::pcscf_may_choose(suite.ciphersuite_code(), core::tls::kTls12, m_config);
}

std::vector<Group_Params> Pcscf_Policy::key_exchange_groups() const {
  return to_groups(to_vector(m_config.group_preference, core::kDefaultGroupOrder,
                             std::size(core::kDefaultGroupOrder)));
}

//= spec#33210-6.2.1-NO-LEGACY-VERSIONS type=implementation
bool Pcscf_Policy::acceptable_protocol_version(Protocol_Version version) const {
  return is_tls12(version) && core::version_in_profile(core::tls::kTls12) && m_config.enable_tls12;
}

Protocol_Version Pcscf_Policy::latest_supported_version(bool /*datagram*/) const {
  return Protocol_Version::TLS_V12;  // Botan 2.19 has no TLS 1.3
}

bool Pcscf_Policy::allow_tls10() const {
  return core::version_in_profile(core::tls::kTls10);
}
bool Pcscf_Policy::allow_tls11() const {
  return core::version_in_profile(core::tls::kTls11);
}
bool Pcscf_Policy::allow_tls12() const {
  return core::version_in_profile(core::tls::kTls12) && m_config.enable_tls12;
}

// Asked of the P-CSCF machine on every handshake, never a constant here.
//= spec#O.2.1-PC-NO-CLIENT-CERT-REQ type=implementation
bool Pcscf_Policy::request_client_certificate_authentication() const {
  return m_machine.requests_client_certificate ? m_machine.requests_client_certificate() : false;
}

bool Pcscf_Policy::require_client_certificate_authentication() const {
  return request_client_certificate_authentication();
}

bool Pcscf_Policy::allow_client_initiated_renegotiation() const {
  return m_machine.accepts_client_renegotiation ? m_machine.accepts_client_renegotiation() : false;
}

// A Botan server ignores this switch; the P-CSCF starts renegotiation itself
// (HelloRequest) when the machine asks (O.4.2).
bool Pcscf_Policy::allow_server_initiated_renegotiation() const {
  return m_config.renegotiation_used;
}

// The core demands the RFC 5746 indication whenever renegotiation is used
// (core::pcscf_check_client_hello); Botan must never renegotiate without it.
//= spec#RFC5746-SECURE-RENEG type=implementation
bool Pcscf_Policy::allow_insecure_renegotiation() const {
  return false;
}

// No session tickets: with tickets Botan's ServerHello may carry an empty
// Session ID, and the binding of O.2.2 needs the P-CSCF's own non-empty one.
// (Tickets are also off because no ticket key is configured, see credentials.h.)
//= spec#O.2.1-PC-NONEMPTY-SESSION-ID type=implementation
std::uint32_t Pcscf_Policy::session_ticket_lifetime() const {
  return 0;
}

bool Pcscf_Policy::server_uses_own_ciphersuite_preferences() const {
  return true;
}

// O.5.1: a CRL distribution point is not mandatory; Botan's default would
// demand revocation information.
//= spec#O.5.1-CERT-CRLDP-NOT-MANDATORY type=implementation
bool Pcscf_Policy::require_cert_revocation_info() const {
  return false;
}

// ---------------------------------------------------------------- UE

Ue_Policy::Ue_Policy(const core::UeTlsConfig& config, const core::Offer& offer)
    : m_config(config), m_offer(offer) {}

// The UE offers what core::build_offer built, in its order, restricted to what
// Botan can run at TLS 1.2 (Botan adds the RFC 5746 SCSV itself).
//= spec#O.2.1-UE-NONNULL-OFFER type=implementation
//= spec#O.1.2-UE-ALWAYS-OFFER-SUITES type=implementation
std::vector<std::uint16_t> Ue_Policy::ciphersuite_list(Protocol_Version version,
                                                       bool /*have_srp*/) const {
  if (!acceptable_protocol_version(version)) return {};
  std::vector<std::uint16_t> order(m_offer.suites, m_offer.suites + m_offer.suite_count);
  return botan_runnable(order);
}

bool Ue_Policy::acceptable_ciphersuite(const Botan::TLS::Ciphersuite& suite) const {
  return core::ue_may_accept(suite.ciphersuite_code(), m_offer, core::tls::kTls12);
}

std::vector<Group_Params> Ue_Policy::key_exchange_groups() const {
  return to_groups(std::vector<std::uint16_t>(std::begin(core::kDefaultGroupOrder),
                                              std::end(core::kDefaultGroupOrder)));
}

//= spec#33210-6.2.1-NO-LEGACY-VERSIONS type=implementation
bool Ue_Policy::acceptable_protocol_version(Protocol_Version version) const {
  return is_tls12(version) && core::version_in_profile(core::tls::kTls12) && m_offer.tls12;
}

Protocol_Version Ue_Policy::latest_supported_version(bool /*datagram*/) const {
  return Protocol_Version::TLS_V12;
}

bool Ue_Policy::allow_tls10() const {
  return core::version_in_profile(core::tls::kTls10);
}
bool Ue_Policy::allow_tls11() const {
  return core::version_in_profile(core::tls::kTls11);
}
bool Ue_Policy::allow_tls12() const {
  return core::version_in_profile(core::tls::kTls12) && m_offer.tls12;
}

// RD-240: what the UE offers in signature_algorithms and accepts in the
// P-CSCF's ServerKeyExchange: the core's list.
std::vector<Botan::TLS::Signature_Scheme> Ue_Policy::allowed_signature_schemes() const {
  return botan_signature_schemes(0);
}

// A Botan 2.19 client follows a HelloRequest only when this is true.
//= spec#O.4.1-UE-RENEG-ON-HELLOREQUEST type=implementation
bool Ue_Policy::allow_server_initiated_renegotiation() const {
  return m_config.renegotiation_used;
}

//= spec#RFC5746-SECURE-RENEG type=implementation
bool Ue_Policy::allow_insecure_renegotiation() const {
  return false;
}

std::uint32_t Ue_Policy::session_ticket_lifetime() const {
  return 0;
}

//= spec#O.5.1-CERT-CRLDP-NOT-MANDATORY type=implementation
bool Ue_Policy::require_cert_revocation_info() const {
  return false;
}

// ---------------------------------------------------------------- snapshot

std::string describe_policy(const Botan::TLS::Policy& p, const std::string& side,
                            const std::vector<std::uint16_t>& core_order) {
  std::ostringstream o;
  const auto yes = [](bool b) { return b ? "true" : "false"; };
  o << "# annexo effective TLS policy: " << side << " (Botan 2.19 adapter)\n";
  o << "side = " << side << "\n";
  o << "allow_tls10 = " << yes(p.allow_tls10()) << "\n";
  o << "allow_tls11 = " << yes(p.allow_tls11()) << "\n";
  o << "allow_tls12 = " << yes(p.allow_tls12()) << "\n";
  o << "allow_dtls10 = " << yes(p.allow_dtls10()) << "\n";
  o << "allow_dtls12 = " << yes(p.allow_dtls12()) << "\n";
  o << "latest_supported_version = " << p.latest_supported_version(false).to_string() << "\n";
  o << "tls13 = unavailable (Botan 2.19)\n";
  const auto list = p.ciphersuite_list(Protocol_Version::TLS_V12, false);
  o << "ciphersuites_tls12 =";
  for (std::uint16_t c : list) o << " " << hex4(c);
  o << "\n";
  for (std::uint16_t c : list) {
    o << "  " << hex4(c) << " " << Botan::TLS::Ciphersuite::by_id(c).to_string() << "\n";
  }
  o << "core_order_not_runnable_in_botan =";
  for (std::uint16_t c : core_order) {
    if (botan_runnable({c}).empty()) o << " " << hex4(c);
  }
  o << "\n";
  o << "key_exchange_groups =";
  for (auto g : p.key_exchange_groups()) o << " " << hex4(static_cast<std::uint16_t>(g));
  o << "\n";
  o << "signature_schemes =";
  for (auto s : p.allowed_signature_schemes()) o << " " << Botan::TLS::sig_scheme_to_string(s);
  o << "\n";
  o << "request_client_certificate_authentication = "
    << yes(p.request_client_certificate_authentication()) << "\n";
  o << "require_client_certificate_authentication = "
    << yes(p.require_client_certificate_authentication()) << "\n";
  o << "allow_client_initiated_renegotiation = " << yes(p.allow_client_initiated_renegotiation())
    << "\n";
  o << "allow_server_initiated_renegotiation = " << yes(p.allow_server_initiated_renegotiation())
    << "\n";
  o << "allow_insecure_renegotiation = " << yes(p.allow_insecure_renegotiation()) << "\n";
  o << "allow_resumption_for_renegotiation = " << yes(p.allow_resumption_for_renegotiation())
    << "\n";
  o << "session_ticket_lifetime = " << p.session_ticket_lifetime() << "\n";
  o << "server_uses_own_ciphersuite_preferences = "
    << yes(p.server_uses_own_ciphersuite_preferences()) << "\n";
  o << "require_cert_revocation_info = " << yes(p.require_cert_revocation_info()) << "\n";
  o << "support_cert_status_message = " << yes(p.support_cert_status_message()) << "\n";
  o << "include_time_in_hello_random = " << yes(p.include_time_in_hello_random()) << "\n";
  o << "minimum_rsa_bits = " << p.minimum_rsa_bits() << "\n";
  o << "minimum_ecdsa_group_size = " << p.minimum_ecdsa_group_size() << "\n";
  o << "minimum_ecdh_group_size = " << p.minimum_ecdh_group_size() << "\n";
  o << "minimum_signature_strength = " << p.minimum_signature_strength() << "\n";
  return o.str();
}

}  // namespace annexo::tls
