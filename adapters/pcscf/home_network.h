// The embedded home network (the default next hop): the S-CSCF role with a
// users file and SIP Digest (challenge, verification, 2xx with
// P-Associated-URI, Path and Service-Route), its registrar (the Path each IMPU
// registered with), and a core network answering originating requests, so the
// pcscf program runs alone. Answers are handed back at once.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "adapters/log/decision_log.h"
#include "adapters/pcscf/next_hop.h"
#include "adapters/sip/digest.h"
#include "adapters/sip/users.h"

namespace annexo::pcscf {

struct Home_Network_Options {
  std::string users_file;
  std::string realm = "annexo.test";
  std::uint32_t max_registration_expires_s = 600;
  sip::DigestAlgorithm digest = sip::DigestAlgorithm::md5;
};

class Home_Network final : public Next_Hop {
 public:
  Home_Network(Home_Network_Options o, log::Decision_Log& log, Next_Hop_Client& client)
      : m_o(std::move(o)), m_log(log), m_client(client) {}

  const char* kind() const override { return "embedded"; }
  bool start(std::string* err) override;  // loads the users file
  std::string impi_of(const sip::Message& reg,
                      const std::optional<sip::DigestCredentials>& creds) const override;
  void forward_register(std::uint64_t conn_id, const sip::Message& ue_request,
                        const sip::Message& fwd, const Register_Facts& facts) override;
  void forward_request(std::uint64_t conn_id, const sip::Message& ue_request,
                       const sip::Message& fwd) override;
  std::string uri_params() const override { return {}; }
  std::optional<std::string> registered_path(const std::string& request_uri) const override;
  void connection_closed(std::uint64_t) override {}
  std::optional<core::Seconds> next_deadline() const override { return std::nullopt; }
  void on_tick(core::Seconds) override {}

  // A fresh Digest challenge (also the sec-agree listener's 401).
  sip::DigestChallenge make_challenge(bool stale);
  // The Service-Route the registrar returns in a 2xx to REGISTER.
  std::string service_route() const;

 private:
  std::uint32_t requested_expires(const sip::Message& m) const;
  // The core network's answer to an originating request: 200 when it came by
  // the Service-Route (with the P-Asserted-Identity and Record-Routes it
  // received), else 403.
  sip::Message core_network_answer(const sip::Message& forwarded);
  void registrar_store(const std::vector<std::string>& impus, const std::string& path,
                       std::uint32_t expires_s);

  struct Registration {
    std::string path;
    core::Seconds expires_at = 0;
  };
  Home_Network_Options m_o;
  log::Decision_Log& m_log;
  Next_Hop_Client& m_client;
  sip::Users m_users;
  sip::NonceStore m_nonces;
  std::map<std::string, Registration> m_registrar;
};

}  // namespace annexo::pcscf
