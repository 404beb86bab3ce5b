#include "adapters/probe/ue_iut/probe_pcscf.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <sstream>

#include "adapters/sip/message.h"
#include "adapters/tls/openssl/endpoint.h"

namespace annexo::probe::ue_iut {

namespace {

std::string read_file(const std::string& path, std::string& error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = "cannot read " + path;
    return {};
  }
  std::ostringstream o;
  o << in.rdbuf();
  return o.str();
}

// TP_UE_TLS_009: the client's certificate, if any, is recorded, never judged.
int accept_any_client_cert(int, X509_STORE_CTX*) {
  return 1;
}

// A non-blocking TCP listener on host:port, or -1 with `error`.
int listen_on(const std::string& host, int port, std::string& error) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  const int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<std::uint16_t>(port));
  if (::inet_pton(AF_INET, host.c_str(), &a.sin_addr) != 1) {
    error = "probe.host " + host + " is not an IPv4 address";
    ::close(fd);
    return -1;
  }
  if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(fd, 16) != 0) {
    error = "cannot listen on " + host + ":" + std::to_string(port) + ": " + std::strerror(errno);
    ::close(fd);
    return -1;
  }
  return fd;
}

// Writes all of `size` bytes to a non-blocking socket (short waits when full).
void send_all(int fd, const std::uint8_t* data, std::size_t size) {
  std::size_t done = 0;
  while (done < size) {
    const ssize_t n = ::send(fd, data + done, size - done, MSG_NOSIGNAL);
    if (n > 0) {
      done += static_cast<std::size_t>(n);
    } else if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
      pollfd p{fd, POLLOUT, 0};
      ::poll(&p, 1, 100);
    } else {
      return;
    }
  }
}

// A connected non-blocking TCP socket to host:port (loopback: the connect
// completes or is refused at once), or -1.
int connect_to(const std::string& host, int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<std::uint16_t>(port));
  if (fd < 0 || ::inet_pton(AF_INET, host.c_str(), &a.sin_addr) != 1 ||
      ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    if (fd >= 0) ::close(fd);
    return -1;
  }
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
  return fd;
}

}  // namespace

// ------------------------------------------------------------------ Ue_Conn

Ue_Conn::Ue_Conn(Probe_Pcscf& owner, int fd, std::size_t index, std::string peer, bool plain)
    : m_owner(owner), m_fd(fd), m_index(index), m_peer(std::move(peer)), m_plain(plain) {}

Ue_Conn::~Ue_Conn() {
  m_endpoint.reset();
  if (m_fd >= 0) ::close(m_fd);
  if (m_relay_fd >= 0) ::close(m_relay_fd);
}

std::string Ue_Conn::tls_failure() const {
  if (!m_endpoint || !m_endpoint->failed()) return {};
  const auto& f = m_endpoint->failure();
  return std::string(tls::failure_source_name(f.source)) + ": " + f.what;
}

void Ue_Conn::write_raw(const std::vector<std::uint8_t>& bytes) {
  tls_out(bytes.data(), bytes.size());
}

void Ue_Conn::send_sip(const std::string& text) {
  if (m_plain) {
    tls_out(reinterpret_cast<const std::uint8_t*>(text.data()), text.size());
  } else if (m_endpoint && m_endpoint->established()) {
    m_endpoint->send(reinterpret_cast<const std::uint8_t*>(text.data()), text.size());
  }
}

void Ue_Conn::drop(bool reset) {
  if (m_fd < 0) return;
  if (reset) {
    linger l{1, 0};
    ::setsockopt(m_fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
  }
  ::close(m_fd);
  m_fd = -1;
}

void Ue_Conn::tls_out(const std::uint8_t data[], std::size_t size) {
  std::size_t done = 0;
  while (m_fd >= 0 && done < size) {
    const ssize_t n = ::send(m_fd, data + done, size - done, MSG_NOSIGNAL);
    if (n > 0) {
      done += static_cast<std::size_t>(n);
    } else if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
      pollfd p{m_fd, POLLOUT, 0};
      ::poll(&p, 1, 100);
    } else {
      return;  // the UE went away; what it sent is already recorded
    }
  }
}

void Ue_Conn::tls_plaintext(const std::uint8_t data[], std::size_t size) {
  m_framer.feed(data, size);
  for (;;) {
    auto ev = m_framer.next();
    if (!ev.ok() || !ev->has_value()) return;
    const sip::FrameEvent& e = **ev;
    if (e.kind == sip::FrameKind::ping) {
      m_ping_times.push_back(std::chrono::steady_clock::now());
      m_sip_offset += 4;
      if (m_owner.answer_pings) send_sip("\r\n");
      continue;
    }
    if (e.kind == sip::FrameKind::pong) {
      m_sip_offset += 2;
      continue;
    }
    const std::size_t at = m_sip_offset;
    m_sip_offset += e.bytes.size();
    m_owner.on_sip(*this, at, e.bytes);
  }
}

void Ue_Conn::tls_alert_received(const tls::Alert_Fact& alert) {
  m_alert = alert.description;
}

core::Error Ue_Conn::tls_handshake_complete(const tls::Handshake_Facts& facts) {
  ++m_handshakes;
  m_facts = facts;
  return core::Error::ok;
}

void Ue_Conn::readable() {
  std::uint8_t buf[16384];
  const ssize_t n = ::recv(m_fd, buf, sizeof buf, 0);
  if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
  if (n <= 0) {
    m_eof = true;
    m_closed_at = std::chrono::steady_clock::now();
    ::close(m_fd);
    m_fd = -1;
    if (m_relay_fd >= 0) ::shutdown(m_relay_fd, SHUT_WR);
    return;
  }
  m_in.insert(m_in.end(), buf, buf + n);
  if (m_relay_fd >= 0) {
    send_all(m_relay_fd, buf, static_cast<std::size_t>(n));
  } else if (m_plain) {
    tls_plaintext(buf, static_cast<std::size_t>(n));  // SIP as it arrived
  } else if (m_endpoint && !m_endpoint->failed()) {
    m_endpoint->received(buf, static_cast<std::size_t>(n));
  }
}

void Ue_Conn::relay_readable() {
  std::uint8_t buf[16384];
  const ssize_t n = ::recv(m_relay_fd, buf, sizeof buf, 0);
  if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
  if (n <= 0) {
    // The server ended: half-close towards the UE, so what the UE does next
    // (an alert, its own close) is still its own and still recorded.
    ::close(m_relay_fd);
    m_relay_fd = -1;
    if (m_fd >= 0) ::shutdown(m_fd, SHUT_WR);
    return;
  }
  m_from_server.insert(m_from_server.end(), buf, buf + n);
  tls_out(buf, static_cast<std::size_t>(n));
}

// -------------------------------------------------------------- Probe_Pcscf

Probe_Pcscf::Probe_Pcscf(const probe_data::Pixit& pixit, Tls_Profile tls, Registrar_Profile sip)
    : m_pixit(pixit), m_tls(std::move(tls)), m_registrar(pixit, sip) {}

Probe_Pcscf::~Probe_Pcscf() {
  m_conns.clear();
  if (m_listen >= 0) ::close(m_listen);
  if (m_listen_plain >= 0) ::close(m_listen_plain);
}

bool Probe_Pcscf::start(std::string& error, int secagree_port) {
  if (!m_tls.chain_file.empty()) {
    // The core's P-CSCF profile: TLS 1.2, and TLS 1.3 only for TP_UE_TLS_003.
    m_config.enable_tls13 = m_tls.tls13;
    m_config.certificate_is_ecdsa = m_tls.ecdsa;
    const std::string chain = read_file(m_tls.chain_file, error);
    if (!error.empty()) return false;
    const std::string key = read_file(m_tls.key_file, error);
    if (!error.empty()) return false;
    m_ctx = tls::openssl::make_pcscf_context(m_config, chain, key);
    if (!m_ctx.ok()) {
      error = "TLS context: " + m_ctx.error;
      return false;
    }
    if (m_tls.request_client_certificate) {
      SSL_CTX_set_verify(m_ctx.ctx.get(), SSL_VERIFY_PEER, &accept_any_client_cert);
    }
  }
  m_listen = listen_on(m_pixit.probe_host, m_pixit.probe_listen_port, error);
  if (m_listen < 0) return false;
  if (secagree_port != 0) {
    m_listen_plain = listen_on(m_pixit.probe_host, secagree_port, error);
    if (m_listen_plain < 0) return false;
  }
  return true;
}

void Probe_Pcscf::accept_one(int listener, bool plain) {
  sockaddr_in a{};
  socklen_t len = sizeof a;
  const int fd =
      ::accept4(listener, reinterpret_cast<sockaddr*>(&a), &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
  if (fd < 0) return;
  char ip[INET_ADDRSTRLEN] = "?";
  ::inet_ntop(AF_INET, &a.sin_addr, ip, sizeof ip);
  const std::string peer = std::string(ip) + ":" + std::to_string(ntohs(a.sin_port));
  auto c = std::make_unique<Ue_Conn>(*this, fd, m_conns.size(), peer, plain);
  if (m_tls.relay_port != 0 && !plain) {
    // Relay mode (RD-211): one server connection per UE connection; a server
    // that does not answer leaves the UE's connection without a peer (the
    // TP's waits end on its budget, and say so).
    c->m_relay_fd = connect_to(m_pixit.probe_host, m_tls.relay_port);
    c->m_relay_used = true;
    if (c->m_relay_fd < 0) relay_failures++;
  } else if (m_ctx.ok() && !plain) {
    c->m_endpoint = tls::openssl::Openssl_Endpoint::server(m_ctx.ctx.get(), m_config, *c, peer);
    c->m_endpoint->start();
  }
  m_conns.push_back(std::move(c));
}

void Probe_Pcscf::on_sip(Ue_Conn& c, std::size_t offset, std::string bytes) {
  Sip_Seen seen;
  seen.conn = c.index();
  seen.plain = c.plain();
  seen.offset = offset;
  seen.first_line = bytes.substr(0, bytes.find("\r\n"));
  auto m = sip::parse_message(bytes);
  if (m.ok()) seen.message = std::move(*m);
  std::optional<std::string> answer;
  if (m.ok() && seen.message.is_request && answer_sip) answer = m_registrar.on_request(seen);
  m_requests.push_back(std::move(seen));
  if (answer) c.send_sip(*answer);
}

bool Probe_Pcscf::run_until(const std::function<bool()>& pred, int budget_ms) {
  const auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(budget_ms);
  while (!pred()) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                          end - std::chrono::steady_clock::now())
                          .count();
    if (left <= 0) return false;
    std::vector<pollfd> fds;
    std::vector<Ue_Conn*> who;
    fds.push_back(pollfd{m_listen, POLLIN, 0});
    who.push_back(nullptr);
    if (m_listen_plain >= 0) {
      fds.push_back(pollfd{m_listen_plain, POLLIN, 0});
      who.push_back(nullptr);
    }
    std::vector<bool> relay(fds.size(), false);
    for (auto& c : m_conns) {
      if (c->m_fd >= 0) {
        fds.push_back(pollfd{c->m_fd, POLLIN, 0});
        who.push_back(c.get());
        relay.push_back(false);
      }
      if (c->m_relay_fd >= 0) {
        fds.push_back(pollfd{c->m_relay_fd, POLLIN, 0});
        who.push_back(c.get());
        relay.push_back(true);
      }
    }
    const int n = ::poll(fds.data(), fds.size(), static_cast<int>(left < 50 ? left : 50));
    if (n <= 0) continue;
    for (std::size_t i = 0; i < fds.size(); ++i) {
      if ((fds[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
      if (who[i] == nullptr) {
        accept_one(fds[i].fd, fds[i].fd == m_listen_plain);
      } else if (relay[i]) {
        if (who[i]->m_relay_fd == fds[i].fd) who[i]->relay_readable();
      } else if (who[i]->m_fd == fds[i].fd) {
        who[i]->readable();
      }
    }
  }
  return true;
}

}  // namespace annexo::probe::ue_iut
