#include "adapters/probe/pcscf_sip/probe_ue.h"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "adapters/probe/pcscf_sip/tcp.h"
#include "adapters/tls/botan/credentials.h"
#include "adapters/tls/botan/endpoint.h"
#include "adapters/tls/chain_report.h"
#include "adapters/tls/openssl/endpoint.h"
#include "core/cert_policy.h"

namespace annexo::probe::pcscf_sip {

Probe_Ue::Probe_Ue(const probe_data::Pixit& pixit, std::string name)
    : m_pixit(pixit), m_name(std::move(name)) {
  // Botan 2.19 speaks TLS 1.2 only; the TLS level has its own TPs (pcscf_tls).
  m_config.enable_tls13 = false;
}

Probe_Ue::~Probe_Ue() {
  close_fd(m_fd);
  if (m_offered != nullptr) SSL_SESSION_free(m_offered);
}

void Probe_Ue::offer_session(SSL_SESSION* session) {
  if (session == nullptr || SSL_SESSION_up_ref(session) != 1) return;
  if (m_offered != nullptr) SSL_SESSION_free(m_offered);
  m_offered = session;
}

SSL_SESSION* Probe_Ue::session() const {
  auto* o = dynamic_cast<tls::openssl::Openssl_Endpoint*>(m_tls.get());
  return o == nullptr ? nullptr : SSL_get1_session(o->native());
}

bool Probe_Ue::start() {
  if (core::build_offer(m_config, m_offer) != core::Error::ok) {
    m_error = "the core refused the probe UE's offer";
    return false;
  }
  try {
    m_creds = tls::Client_Credentials::from_file(m_pixit.iut_ca_file);
  } catch (const std::exception& e) {
    m_error = std::string("PIXIT iut.ca_file: ") + e.what();
    return false;
  }
  if (m_openssl) {
    std::string pem;
    for (const auto& c : tls::load_certificates(m_pixit.iut_ca_file)) pem += c.PEM_encode();
    m_ossl = tls::openssl::make_ue_context(m_config, m_offer, pem);
    if (!m_ossl.ok()) {
      m_error = "OpenSSL UE context: " + m_ossl.error;
      return false;
    }
  }
  m_fd = tcp_connect(m_pixit.iut_host, m_pixit.iut_port, m_error);
  if (m_fd < 0) return false;
  m_connecting = true;
  return true;
}

void Probe_Ue::connected() {
  m_connecting = false;
  const std::string e = connect_result(m_fd);
  if (!e.empty()) {
    fail("TCP connect to the IUT: " + e);
    return;
  }
  m_local_port = pcscf_sip::local_port(m_fd);
  const std::string peer = m_pixit.iut_host + ":" + std::to_string(m_pixit.iut_port);
  if (m_openssl) {
    auto o = tls::openssl::Openssl_Endpoint::client(m_ossl.ctx.get(), m_config, m_offer, *this,
                                                    peer, m_pixit.iut_fqdn);
    if (m_offered != nullptr) SSL_set_session(o->native(), m_offered);
    m_tls = std::move(o);
  } else {
    m_tls = tls::Botan_Endpoint::client(m_config, m_offer, *m_creds, m_rng, *this, peer,
                                        m_pixit.iut_fqdn);
  }
  m_tls->start();
  flush();
}

bool Probe_Ue::send(const std::string& text) {
  if (!m_established || m_tls == nullptr || m_fd < 0) return false;
  if (!m_tls->send(reinterpret_cast<const std::uint8_t*>(text.data()), text.size())) return false;
  flush();
  return true;
}

void Probe_Ue::send_close_notify() {
  if (m_tls && m_fd >= 0 && !m_tls->failed()) m_tls->close();
  flush();
}

void Probe_Ue::close() {
  if (m_tls && m_fd >= 0 && !m_tls->failed()) m_tls->close();
  flush();
  if (m_fd >= 0) ::shutdown(m_fd, SHUT_RDWR);
  close_fd(m_fd);
}

void Probe_Ue::slots(std::vector<Poll_Slot>& out) {
  if (m_fd < 0) return;
  short ev = POLLIN;
  if (m_connecting || !m_out.empty()) ev |= POLLOUT;
  out.push_back(Poll_Slot{m_fd, ev, this, 0});
}

void Probe_Ue::ready(int, short revents) {
  if (m_connecting) {
    if (revents & (POLLOUT | POLLERR | POLLHUP)) connected();
    return;
  }
  if (revents & POLLOUT) flush();
  if (revents & (POLLIN | POLLERR | POLLHUP)) read_some();
}

void Probe_Ue::read_some() {
  std::uint8_t buf[16384];
  for (;;) {
    if (m_fd < 0) return;
    const ssize_t n = ::recv(m_fd, buf, sizeof(buf), 0);
    if (n > 0) {
      const bool ok =
          !m_tls || m_tls->failed() || m_tls->received(buf, static_cast<std::size_t>(n));
      m_raw_in += static_cast<std::size_t>(n);
      if (!ok) {
        fail(std::string("TLS failed: ") + m_tls->failure().what);
        return;
      }
      send_answers();
      flush();
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
    if (n < 0 && errno == EINTR) continue;
    m_reset = n < 0 && errno == ECONNRESET;
    m_eof = true;
    if (m_close_offset == 0) m_close_offset = m_stream.bytes();
    close_fd(m_fd);
    return;
  }
}

void Probe_Ue::flush() {
  while (m_fd >= 0 && !m_out.empty() && !m_connecting) {
    const ssize_t n = ::send(m_fd, m_out.data(), m_out.size(), MSG_NOSIGNAL);
    if (n > 0) {
      m_out.erase(0, static_cast<std::size_t>(n));
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
    if (n < 0 && errno == EINTR) continue;
    m_eof = true;
    m_reset = errno == ECONNRESET || errno == EPIPE;
    close_fd(m_fd);
    return;
  }
}

void Probe_Ue::fail(const std::string& why) {
  if (m_error.empty()) m_error = why;
  close_fd(m_fd);
}

void Probe_Ue::tls_out(const std::uint8_t d[], std::size_t n) {
  m_out.append(reinterpret_cast<const char*>(d), n);
}

void Probe_Ue::tls_plaintext(const std::uint8_t d[], std::size_t n) {
  const std::size_t first = m_in.size();
  if (!m_stream.feed(std::string(reinterpret_cast<const char*>(d), n), m_in)) return;
  for (std::size_t i = first; i < m_in.size(); ++i) {
    if (m_in[i].msg.is_request) answer(m_in[i]);
  }
}

void Probe_Ue::answer(const Sip_Seen& s) {
  if (s.msg.method == "ACK") return;
  if (m_ring && s.msg.method == "INVITE") {
    auto ringing = sip::serialize(sip::make_response(s.msg, 180, "Ringing", "probeue"));
    if (ringing.ok()) m_answers += *ringing;
    m_held.push_back(s.msg);
    return;
  }
  const int code = s.msg.method == "INVITE" ? 486 : 200;
  auto wire =
      sip::serialize(sip::make_response(s.msg, code, code == 486 ? "Busy Here" : "OK", "probeue"));
  // Sent once Botan has returned (not from inside its callback).
  if (wire.ok()) m_answers += *wire;
}

bool Probe_Ue::answer_held(int code, const std::string& reason) {
  if (m_held.empty()) return false;
  for (const auto& invite : m_held) {
    // The same To tag as the 180 (make_response's tag argument).
    auto wire = sip::serialize(sip::make_response(invite, code, reason, "probeue"));
    if (wire.ok()) m_answers += *wire;
  }
  m_held.clear();
  send_answers();
  flush();
  return true;
}

void Probe_Ue::send_answers() {
  if (m_answers.empty() || !m_tls || !m_tls->established()) return;
  const std::string a = std::move(m_answers);
  m_answers.clear();
  m_tls->send(reinterpret_cast<const std::uint8_t*>(a.data()), a.size());
}

core::Error Probe_Ue::tls_peer_chain(const tls::Peer_Chain& chain) {
  // A UE only talks to a P-CSCF whose certificate the core accepts for the
  // PIXIT FQDN (O.2.1-UE-AUTH-PC-BY-CERT); the certificate TPs are pcscf_tls's.
  return core::cert_verdict(tls::to_core_facts(chain, m_pixit.iut_fqdn));
}

core::Error Probe_Ue::tls_handshake_complete(const tls::Handshake_Facts& f) {
  m_facts = f;
  m_handshake_offset = m_raw_in;
  ++m_handshakes;
  m_established = true;
  return core::Error::ok;
}

void Probe_Ue::tls_peer_closed() {
  m_close_notify = true;
  if (m_close_offset == 0) m_close_offset = m_stream.bytes();
}

}  // namespace annexo::probe::pcscf_sip
