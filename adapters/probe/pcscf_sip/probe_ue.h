// A probe UE towards the P-CSCF under test (issue 13, P-CSCF SIP group): one
// TCP connection, a TLS client built from annexo's own pieces (the core's
// offer, Botan_Endpoint, the core's certificate verdict on the IUT's chain
// for PIXIT iut.fqdn), and SIP text the TP writes itself, so a TP can send
// what annexo's UE never would (a request before registration, a foreign
// P-Preferred-Identity, a REGISTER for another IMPI). TLS runs on Botan
// (default; it follows a HelloRequest) or on OpenSSL (use_openssl(): it can
// offer an earlier connection's session, TP_PC_SIP_008, 009). It records what the IUT
// sent: SIP messages with their offsets in the plaintext stream, alerts,
// close_notify, FIN or reset. Terminating requests are answered (INVITE 486,
// others 200) so the IUT's transactions end.
#pragma once

#include <botan/auto_rng.h>
#include <openssl/ssl.h>

#include <memory>
#include <string>
#include <vector>

#include "adapters/probe/pcscf_sip/poll_part.h"
#include "adapters/probe/pcscf_sip/sip_stream.h"
#include "adapters/tls/endpoint.h"
#include "adapters/tls/openssl/context.h"
#include "core/profile.h"
#include "tools/probe_data/probe_data.h"

namespace annexo::tls {
class Client_Credentials;
}

namespace annexo::probe::pcscf_sip {

class Probe_Ue final : public Poll_Part, private tls::Endpoint_Events {
 public:
  // `name` names the streams in evidence ("c1" -> "iut->ue c1").
  Probe_Ue(const probe_data::Pixit& pixit, std::string name);
  ~Probe_Ue() override;

  // Before start(): TLS on OpenSSL instead of Botan.
  void use_openssl() { m_openssl = true; }
  // Before start(), with use_openssl(): offer TLS 1.3 too (TP_PC_SIP_025).
  void use_tls13() { m_config.enable_tls13 = true; }
  // TLS 1.3 KeyUpdates the IUT sent, and those with update_requested.
  int key_updates() const { return m_key_updates; }
  int key_updates_requested() const { return m_key_updates_requested; }
  // Before start(), OpenSSL only: offer this session (another connection's)
  // for resumption. The UE keeps its own reference.
  void offer_session(SSL_SESSION* session);
  // OpenSSL only, once established: the session (a new reference, or nullptr).
  SSL_SESSION* session() const;
  // Starts the TCP connect and, once connected, the handshake. false: at once
  // impossible (`error()`).
  bool start();
  // Plaintext (SIP) to protect and send; false when not established.
  bool send(const std::string& text);
  // close_notify then the socket closed (the probe UE leaves).
  void close();
  // close_notify only; the socket stays open to see the IUT's own close.
  void send_close_notify();
  // From now on a terminating INVITE is answered 180 and held (the UE
  // rings) until answer_held() gives its final answer (TP_PC_SIP_036).
  void ring_invites() { m_ring = true; }
  // The final answer `code` to every held INVITE; false when none is held.
  bool answer_held(int code, const std::string& reason);

  bool established() const { return m_established; }
  bool failed() const { return !m_error.empty(); }
  const std::string& error() const { return m_error; }
  // The IUT ended the connection: close_notify, FIN, or reset.
  bool peer_closed() const { return m_close_notify || m_eof; }
  bool close_notify() const { return m_close_notify; }
  bool eof() const { return m_eof; }
  bool reset() const { return m_reset; }
  int local_port() const { return m_local_port; }
  const std::string& name() const { return m_name; }
  std::string in_stream() const { return "iut->ue " + m_name + " sip"; }
  // Facts of the last handshake (first or renegotiation) and their count.
  const tls::Handshake_Facts& handshake() const { return m_facts; }
  int handshakes() const { return m_handshakes; }
  // Where the last handshake completed in the IUT's TLS byte stream: the
  // start of the read that carried its last message.
  std::size_t handshake_offset() const { return m_handshake_offset; }
  std::string tls_stream() const { return "iut->ue " + m_name + " tls"; }
  const std::vector<tls::Alert_Fact>& alerts() const { return m_alerts; }
  // Everything the IUT sent as SIP on this connection, in order.
  const std::vector<Sip_Seen>& received() const { return m_in; }
  const Sip_Stream& stream() const { return m_stream; }
  // Where the close was seen (plaintext offset).
  std::size_t close_offset() const { return m_close_offset; }

  void slots(std::vector<Poll_Slot>& out) override;
  void ready(int tag, short revents) override;

 private:
  void connected();
  void read_some();
  void flush();
  void fail(const std::string& why);
  void answer(const Sip_Seen& s);
  void send_answers();
  // Endpoint_Events.
  void tls_out(const std::uint8_t d[], std::size_t n) override;
  void tls_plaintext(const std::uint8_t d[], std::size_t n) override;
  void tls_alert_received(const tls::Alert_Fact& a) override { m_alerts.push_back(a); }
  core::Error tls_peer_chain(const tls::Peer_Chain& chain) override;
  core::Error tls_certificate_request() override { return core::Error::ok; }
  core::Error tls_renegotiation_client_hello(const std::vector<std::uint16_t>&) override {
    return core::Error::ok;
  }
  core::Error tls_handshake_complete(const tls::Handshake_Facts& f) override;
  void tls_peer_closed() override;
  void tls_key_update(bool received, bool update_requested) override {
    if (!received) return;
    ++m_key_updates;
    if (update_requested) ++m_key_updates_requested;
  }

  const probe_data::Pixit& m_pixit;
  std::string m_name;
  int m_fd = -1;
  bool m_connecting = false;
  int m_local_port = 0;
  core::UeTlsConfig m_config;
  core::Offer m_offer;
  Botan::AutoSeeded_RNG m_rng;
  std::unique_ptr<tls::Client_Credentials> m_creds;
  std::unique_ptr<tls::Endpoint> m_tls;
  bool m_openssl = false;
  tls::openssl::Built_Context m_ossl;
  SSL_SESSION* m_offered = nullptr;
  std::string m_out;
  std::string m_answers;  // responses to terminating requests, not yet sent
  bool m_ring = false;
  std::vector<sip::Message> m_held;  // INVITEs answered 180 (ring_invites)
  bool m_established = false;
  bool m_close_notify = false;
  bool m_eof = false;
  bool m_reset = false;
  std::size_t m_close_offset = 0;
  int m_handshakes = 0;
  std::size_t m_raw_in = 0;  // TLS bytes received from the IUT before the current read
  std::size_t m_handshake_offset = 0;
  int m_key_updates = 0;
  int m_key_updates_requested = 0;
  tls::Handshake_Facts m_facts;
  std::vector<tls::Alert_Fact> m_alerts;
  Sip_Stream m_stream{sip::FramerRole::client};
  std::vector<Sip_Seen> m_in;
  std::string m_error;
};

}  // namespace annexo::probe::pcscf_sip
