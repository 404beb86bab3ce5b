// The Botan 2.19 stack behind the stack-neutral Endpoint (issue 14): the
// existing Pcscf_Policy / Ue_Policy, Callbacks, gates and credentials, so
// that a test (and, in phase B, the programs) can drive either stack through
// the same interface. TLS 1.2 only (Botan 2.19).
#pragma once

#include <botan/tls_client.h>
#include <botan/tls_server.h>
#include <botan/tls_session_manager.h>

#include <functional>
#include <memory>
#include <string>

#include "adapters/tls/botan/callbacks.h"
#include "adapters/tls/botan/credentials.h"
#include "adapters/tls/botan/policy.h"
#include "adapters/tls/client_hello_gate.h"
#include "adapters/tls/endpoint.h"
#include "adapters/tls/server_hello_gate.h"

namespace annexo::tls {

// Botan's chain facts as the stack-neutral Peer_Chain.
Peer_Chain to_peer_chain(const Chain_Facts& facts);

class Botan_Endpoint final : public Endpoint, private Tls_Events {
 public:
  // P-CSCF. `accepts_client_renegotiation`: the machine's answer (see policy.h).
  static std::unique_ptr<Botan_Endpoint> server(const core::PcscfTlsConfig& config,
                                                Server_Credentials& creds,
                                                Botan::RandomNumberGenerator& rng,
                                                Endpoint_Events& events, std::string peer,
                                                std::function<bool()> accepts_renegotiation);
  // UE.
  static std::unique_ptr<Botan_Endpoint> client(const core::UeTlsConfig& config,
                                                const core::Offer& offer, Client_Credentials& creds,
                                                Botan::RandomNumberGenerator& rng,
                                                Endpoint_Events& events, std::string peer,
                                                const std::string& sni);

  void start() override;
  bool received(const std::uint8_t data[], std::size_t size) override;
  bool send(const std::uint8_t data[], std::size_t size) override;
  bool refresh_session() override;
  void close() override;
  bool established() const override;
  bool failed() const override { return m_failure.source != Failure_Source::none; }
  const Endpoint_Failure& failure() const override { return m_failure; }
  const char* stack_name() const override { return "botan"; }
  const core::Choice& gate_choice() const override;

  Botan::TLS::Channel& channel() { return *m_channel; }

 private:
  Botan_Endpoint(Endpoint_Events& events, std::string peer);
  void feed(const std::vector<std::uint8_t>& bytes);
  void gate_refused(core::Error e, const std::string& detail,
                    const std::vector<std::uint8_t>& alert);

  // Tls_Events (Botan's callbacks) -> Endpoint_Events.
  void tls_out(const std::uint8_t data[], std::size_t size) override;
  void tls_in(const std::uint8_t data[], std::size_t size) override;
  void tls_alert_received(Botan::TLS::Alert alert) override;
  core::Error tls_chain(const Chain_Facts& facts) override;
  core::Error tls_certificate_request() override;
  core::Error tls_renegotiation_client_hello(const std::vector<std::uint16_t>& suites) override;
  core::Error tls_established(const Session_Facts& facts) override;

  Endpoint_Events& m_events;
  std::string m_peer;
  std::unique_ptr<Botan::TLS::Policy> m_policy;
  Botan::TLS::Session_Manager_Noop m_sessions;
  std::unique_ptr<Callbacks> m_callbacks;
  std::unique_ptr<Botan::TLS::Channel> m_channel;
  std::unique_ptr<Client_Hello_Gate> m_ch_gate;
  std::unique_ptr<Server_Hello_Gate> m_sh_gate;
  std::function<bool()> m_accepts_renegotiation;
  Endpoint_Failure m_failure;
  int m_alert_received = -1;
};

}  // namespace annexo::tls
