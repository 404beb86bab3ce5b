// The probe as the UE's P-CSCF (issue 13, UE under test): a TCP listener on
// PIXIT probe.host:listen_port whose connections either run a TLS 1.2 server
// (the shared OpenSSL endpoint, adapters/tls/openssl, configured from the
// core's P-CSCF profile, with the adversarial certificate of the TP and, as
// the one adversarial switch, a CertificateRequest) with the registrar
// behind it, or stay raw so a TP can write crafted bytes. Every byte the UE
// sends is kept per connection for read_ue_wire (ue_wire.h). One thread:
// run_until() polls with a budget.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "adapters/probe/ue_iut/registrar.h"
#include "adapters/sip/framer.h"
#include "adapters/tls/endpoint.h"
#include "adapters/tls/openssl/context.h"

namespace annexo::probe::ue_iut {

struct Tls_Profile {
  std::string chain_file;  // PEM, leaf first; "" = raw mode (no TLS server)
  std::string key_file;
  bool ecdsa = true;                        // the leaf's key type (profile suites to choose)
  bool request_client_certificate = false;  // TP_UE_TLS_009: non-conforming P-CSCF
  bool tls13 = false;                       // TP_UE_TLS_003: TLS 1.3 enabled too
  // Raw mode relayed to a third-party TLS server the TP started on
  // probe.host:relay_port (PIXIT [ue_servers], RD-211): every byte is still
  // kept per direction; 0 = no relay.
  int relay_port = 0;
};

class Probe_Pcscf;

// One TCP connection from the UE.
class Ue_Conn final : public tls::Endpoint_Events {
 public:
  Ue_Conn(Probe_Pcscf& owner, int fd, std::size_t index, std::string peer, bool plain = false);
  ~Ue_Conn() override;

  std::size_t index() const { return m_index; }
  bool plain() const { return m_plain; }  // the sec-agree port: SIP without TLS
  const std::string& peer() const { return m_peer; }
  const std::vector<std::uint8_t>& from_ue() const { return m_in; }  // every byte the UE sent
  bool peer_closed() const { return m_eof; }                         // FIN or RST from the UE
  bool closed() const { return m_fd < 0; }                           // closed by either side
  int handshakes() const { return m_handshakes; }
  const tls::Handshake_Facts& last_handshake() const { return m_facts; }
  bool tls_failed() const { return m_endpoint && m_endpoint->failed(); }
  std::string tls_failure() const;
  int alert_received() const { return m_alert; }  // IANA, -1 none (decrypted or cleartext)
  bool close_notify() const { return m_close_notify; }
  int pings() const { return static_cast<int>(m_ping_times.size()); }
  // When each CRLFCRLF arrived (TP_UE_SIP_011/012).
  const std::vector<std::chrono::steady_clock::time_point>& ping_times() const {
    return m_ping_times;
  }
  // When the UE closed (FIN/RST seen), valid once peer_closed().
  std::chrono::steady_clock::time_point closed_at() const { return m_closed_at; }
  // The suites of each renegotiation ClientHello (TP_UE_TLS_010).
  const std::vector<std::vector<std::uint16_t>>& renegotiation_offers() const {
    return m_reneg_offers;
  }
  tls::Endpoint* endpoint() { return m_endpoint.get(); }
  // Relay mode: every byte the third-party server sent towards the UE.
  const std::vector<std::uint8_t>& from_server() const { return m_from_server; }
  bool relayed() const { return m_relay_fd >= 0 || m_relay_used; }

  void write_raw(const std::vector<std::uint8_t>& bytes);  // raw mode
  void send_sip(const std::string& text);                  // over TLS
  void drop(bool reset);                                   // FIN, or RST with SO_LINGER 0

  // tls::Endpoint_Events
  void tls_out(const std::uint8_t data[], std::size_t size) override;
  void tls_plaintext(const std::uint8_t data[], std::size_t size) override;
  void tls_alert_received(const tls::Alert_Fact& alert) override;
  core::Error tls_peer_chain(const tls::Peer_Chain&) override { return core::Error::ok; }
  core::Error tls_certificate_request() override { return core::Error::ok; }
  core::Error tls_renegotiation_client_hello(const std::vector<std::uint16_t>& suites) override {
    m_reneg_offers.push_back(suites);
    return core::Error::ok;
  }
  core::Error tls_handshake_complete(const tls::Handshake_Facts& facts) override;
  void tls_peer_closed() override { m_close_notify = true; }

 private:
  friend class Probe_Pcscf;
  void readable();
  void relay_readable();  // bytes from the third-party server -> the UE

  Probe_Pcscf& m_owner;
  int m_fd;
  std::size_t m_index;
  std::string m_peer;
  bool m_plain;
  std::vector<std::uint8_t> m_in;
  std::unique_ptr<tls::Endpoint> m_endpoint;
  sip::Framer m_framer;
  std::size_t m_sip_offset = 0;  // decrypted bytes framed so far
  bool m_eof = false;
  bool m_close_notify = false;
  int m_handshakes = 0;
  tls::Handshake_Facts m_facts;
  int m_alert = -1;
  std::vector<std::chrono::steady_clock::time_point> m_ping_times;
  std::chrono::steady_clock::time_point m_closed_at;
  std::vector<std::vector<std::uint16_t>> m_reneg_offers;
  int m_relay_fd = -1;
  bool m_relay_used = false;
  std::vector<std::uint8_t> m_from_server;
};

class Probe_Pcscf {
 public:
  Probe_Pcscf(const probe_data::Pixit& pixit, Tls_Profile tls, Registrar_Profile sip);
  ~Probe_Pcscf();

  // Builds the TLS context and listens; `error` says what failed. With
  // `secagree_port`, also a plain TCP SIP listener there (TP_UE_SIP_008..010).
  bool start(std::string& error, int secagree_port = 0);
  // Polls until pred() holds (true) or budget_ms runs out (false).
  bool run_until(const std::function<bool()>& pred, int budget_ms);

  std::vector<std::unique_ptr<Ue_Conn>>& conns() { return m_conns; }
  const std::vector<Sip_Seen>& requests() const { return m_requests; }
  Registrar& registrar() { return m_registrar; }
  bool answer_pings = true;  // CRLFCRLF -> CRLF (RFC 5626 4.4.1)
  bool answer_sip = true;    // false: record requests, answer nothing
  int relay_failures = 0;    // relay mode: UE connections the server did not accept

 private:
  friend class Ue_Conn;
  void accept_one(int listener, bool plain);
  void on_sip(Ue_Conn& c, std::size_t offset, std::string bytes);

  const probe_data::Pixit& m_pixit;
  Tls_Profile m_tls;
  core::PcscfTlsConfig m_config;
  tls::openssl::Built_Context m_ctx;
  Registrar m_registrar;
  int m_listen = -1;
  int m_listen_plain = -1;
  std::vector<std::unique_ptr<Ue_Conn>> m_conns;
  std::vector<Sip_Seen> m_requests;
};

}  // namespace annexo::probe::ue_iut
