// A TLS connection on OpenSSL 3.0 through memory BIOs (no OpenSSL sockets,
// no threads): the bytes from the socket go in through received(), the
// bytes to send come out through Endpoint_Events::tls_out. The raw first
// Hello is read by the core's reader before OpenSSL sees a byte
// (Client_Hello_Gate at the P-CSCF, Server_Hello_Gate at the UE), exactly as
// with Botan. The UE's certificate verdict is core::cert_verdict through
// tls_peer_chain (cert_verify_callback); a refusal sends the core's alert.
#pragma once

#include <openssl/ssl.h>

#include <memory>
#include <string>
#include <vector>

#include "adapters/tls/client_hello_gate.h"
#include "adapters/tls/endpoint.h"
#include "adapters/tls/server_hello_gate.h"
#include "core/profile.h"

namespace annexo::tls::openssl {

class Openssl_Endpoint final : public Endpoint {
 public:
  // The P-CSCF side. `ctx` from make_pcscf_context, shared by connections.
  static std::unique_ptr<Openssl_Endpoint> server(SSL_CTX* ctx, const core::PcscfTlsConfig& config,
                                                  Endpoint_Events& events, std::string peer);
  // The UE side. `ctx` from make_ue_context; `sni` the P-CSCF FQDN.
  static std::unique_ptr<Openssl_Endpoint> client(SSL_CTX* ctx, const core::UeTlsConfig& config,
                                                  const core::Offer& offer, Endpoint_Events& events,
                                                  std::string peer, const std::string& sni);
  ~Openssl_Endpoint() override;
  Openssl_Endpoint(const Openssl_Endpoint&) = delete;
  Openssl_Endpoint& operator=(const Openssl_Endpoint&) = delete;

  void start() override;
  bool received(const std::uint8_t data[], std::size_t size) override;
  bool send(const std::uint8_t data[], std::size_t size) override;
  bool refresh_session() override;
  void close() override;
  bool established() const override { return m_established && !failed(); }
  bool failed() const override { return m_failure.source != Failure_Source::none; }
  const Endpoint_Failure& failure() const override { return m_failure; }
  const char* stack_name() const override { return "openssl"; }
  const core::Choice& gate_choice() const override;

  // Facts for tests and logs.
  int tickets_received() const { return m_tickets_received; }
  int certificate_requests_sent() const { return m_cr_sent; }
  int handshakes() const { return m_handshakes; }
  // The library object, for tests that play a misbehaving peer.
  SSL* native() { return m_ssl; }

 private:
  Openssl_Endpoint(SSL_CTX* ctx, bool is_server, Endpoint_Events& events, std::string peer);
  void feed(const std::uint8_t data[], std::size_t size);
  void drive();
  void flush();
  void handshake_done();
  void fail(Failure_Source source, core::Error error, const std::string& what);
  void fail_from_openssl(int ret);
  void gate_refused(core::Error error, const std::string& detail,
                    const std::vector<std::uint8_t>& alert);

  static void info_cb(const SSL* ssl, int where, int ret);
  static void msg_cb(int write_p, int version, int content_type, const void* buf, std::size_t len,
                     SSL* ssl, void* arg);
  static int verify_cb(X509_STORE_CTX* ctx, void* arg);
  static int client_hello_cb(SSL* ssl, int* al, void* arg);
  static int client_cert_cb(SSL* ssl, X509** x509, EVP_PKEY** pkey);
  static Openssl_Endpoint* from(const SSL* ssl);

  SSL* m_ssl = nullptr;
  BIO* m_in = nullptr;   // network -> OpenSSL
  BIO* m_out = nullptr;  // OpenSSL -> network
  bool m_server;
  Endpoint_Events& m_events;
  std::string m_peer;
  std::unique_ptr<Client_Hello_Gate> m_ch_gate;
  std::unique_ptr<Server_Hello_Gate> m_sh_gate;
  bool m_crl_checking = false;
  bool m_renegotiation_off = false;  // UE: the context refuses every HelloRequest
  bool m_established = false;
  int m_handshakes = 0;
  int m_pending_done = 0;
  bool m_finished_sent = false;
  bool m_finished_received = false;
  bool m_answer_key_update = false;
  int m_tickets_received = 0;
  int m_cr_sent = 0;
  core::Error m_core_error = core::Error::ok;  // a refusal from an event
  int m_alert_sent = -1;
  int m_alert_received = -1;
  Endpoint_Failure m_failure;
};

}  // namespace annexo::tls::openssl
