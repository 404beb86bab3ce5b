#include "adapters/probe/pcscf_sip/plain_sip.h"

#include <poll.h>
#include <sys/socket.h>

#include <cerrno>

#include "adapters/probe/pcscf_sip/tcp.h"

namespace annexo::probe::pcscf_sip {

Plain_Sip::~Plain_Sip() {
  close_fd(m_fd);
}

bool Plain_Sip::start(const std::string& host, int port) {
  m_fd = tcp_connect(host, port, m_error);
  m_connecting = m_fd >= 0;
  return m_fd >= 0;
}

void Plain_Sip::send(const std::string& text) {
  m_out += text;
  flush();
}

void Plain_Sip::slots(std::vector<Poll_Slot>& out) {
  if (m_fd < 0) return;
  short ev = POLLIN;
  if (m_connecting || !m_out.empty()) ev |= POLLOUT;
  out.push_back(Poll_Slot{m_fd, ev, this, 0});
}

void Plain_Sip::ready(int, short revents) {
  if (m_connecting) {
    if (!(revents & (POLLOUT | POLLERR | POLLHUP))) return;
    m_connecting = false;
    m_error = connect_result(m_fd);
    if (!m_error.empty()) {
      m_error = "TCP connect to the sec-agree port: " + m_error;
      close_fd(m_fd);
      return;
    }
    m_connected = true;
    m_local_port = pcscf_sip::local_port(m_fd);
  }
  if (revents & POLLOUT) flush();
  if (!(revents & (POLLIN | POLLERR | POLLHUP))) return;
  char buf[16384];
  for (;;) {
    if (m_fd < 0) return;
    const ssize_t n = ::recv(m_fd, buf, sizeof(buf), 0);
    if (n > 0) {
      if (!m_stream.feed(std::string(buf, static_cast<std::size_t>(n)), m_in)) close_fd(m_fd);
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
    if (n < 0 && errno == EINTR) continue;
    m_closed = true;
    close_fd(m_fd);
    return;
  }
}

void Plain_Sip::flush() {
  while (m_fd >= 0 && m_connected && !m_out.empty()) {
    const ssize_t n = ::send(m_fd, m_out.data(), m_out.size(), MSG_NOSIGNAL);
    if (n > 0) {
      m_out.erase(0, static_cast<std::size_t>(n));
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
    if (n < 0 && errno == EINTR) continue;
    m_closed = true;
    close_fd(m_fd);
  }
}

}  // namespace annexo::probe::pcscf_sip
