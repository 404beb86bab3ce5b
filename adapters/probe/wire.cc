#include "adapters/probe/wire.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

namespace annexo::probe {

const char* read_end_name(Read_End e) {
  switch (e) {
    case Read_End::data:
      return "data";
    case Read_End::closed:
      return "closed";
    case Read_End::reset:
      return "reset";
    case Read_End::timeout:
      return "timeout";
    case Read_End::error:
      return "error";
  }
  return "?";
}

long long now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

Tcp_Conn::~Tcp_Conn() {
  close();
}

void Tcp_Conn::close() {
  if (m_fd >= 0) ::close(m_fd);
  m_fd = -1;
}

int Tcp_Conn::local_port() const {
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  if (m_fd < 0 || getsockname(m_fd, reinterpret_cast<sockaddr*>(&ss), &len) != 0) return 0;
  if (ss.ss_family == AF_INET) return ntohs(reinterpret_cast<sockaddr_in*>(&ss)->sin_port);
  return ntohs(reinterpret_cast<sockaddr_in6*>(&ss)->sin6_port);
}

bool Tcp_Conn::connect(const std::string& host, int port, int budget_ms, std::string& error) {
  close();
  const std::string where = host + ":" + std::to_string(port);
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* res = nullptr;
  if (const int rc = getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &res);
      rc != 0) {
    error = "cannot resolve " + where + ": " + gai_strerror(rc);
    return false;
  }
  const int fd = socket(res->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    freeaddrinfo(res);
    error = std::string("socket: ") + std::strerror(errno);
    return false;
  }
  int rc = ::connect(fd, res->ai_addr, res->ai_addrlen);
  freeaddrinfo(res);
  if (rc != 0 && errno != EINPROGRESS) {
    error = "connect to " + where + ": " + std::strerror(errno);
    ::close(fd);
    return false;
  }
  if (rc != 0) {
    pollfd p{fd, POLLOUT, 0};
    rc = poll(&p, 1, budget_ms);
    if (rc == 0) {
      error = "connect to " + where + ": no answer within " + std::to_string(budget_ms) + " ms";
      ::close(fd);
      return false;
    }
    int soerr = 0;
    socklen_t len = sizeof soerr;
    getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len);
    if (rc < 0 || soerr != 0) {
      error = "connect to " + where + ": " + std::strerror(rc < 0 ? errno : soerr);
      ::close(fd);
      return false;
    }
  }
  // Back to blocking writes; reads are polled with a budget.
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  m_fd = fd;
  return true;
}

bool Tcp_Conn::send_all(const std::uint8_t* data, std::size_t size) {
  while (size > 0) {
    const ssize_t n = ::send(m_fd, data, size, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

Read_End Tcp_Conn::read_some(std::vector<std::uint8_t>& out, int budget_ms) {
  if (m_fd < 0) return Read_End::error;
  pollfd p{m_fd, POLLIN, 0};
  int rc;
  do {
    rc = poll(&p, 1, budget_ms < 0 ? 0 : budget_ms);
  } while (rc < 0 && errno == EINTR);
  if (rc == 0) return Read_End::timeout;
  if (rc < 0) return Read_End::error;
  std::uint8_t buf[16384];
  const ssize_t n = ::recv(m_fd, buf, sizeof buf, 0);
  if (n == 0) return Read_End::closed;
  if (n < 0) return errno == ECONNRESET ? Read_End::reset : Read_End::error;
  out.insert(out.end(), buf, buf + n);
  return Read_End::data;
}

}  // namespace annexo::probe
