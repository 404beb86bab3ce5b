#include "adapters/probe/pcscf_sip/tcp.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace annexo::probe::pcscf_sip {

namespace {

bool address(const std::string& host, int port, sockaddr_in& sa, std::string& err) {
  std::memset(&sa, 0, sizeof(sa));
  sa.sin_family = AF_INET;
  sa.sin_port = htons(static_cast<std::uint16_t>(port));
  if (inet_pton(AF_INET, host.c_str(), &sa.sin_addr) != 1) {
    err = "not an IPv4 address: " + host;
    return false;
  }
  return true;
}

int fresh_socket(std::string& err) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) err = std::string("socket: ") + std::strerror(errno);
  return fd;
}

}  // namespace

int tcp_listen(const std::string& host, int port, std::string& err) {
  sockaddr_in sa;
  if (!address(host, port, sa, err)) return -1;
  int fd = fresh_socket(err);
  if (fd < 0) return -1;
  const int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  if (::bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof(sa)) != 0 || ::listen(fd, 64) != 0) {
    err = "listen on " + host + ":" + std::to_string(port) + ": " + std::strerror(errno);
    close_fd(fd);
    return -1;
  }
  return fd;
}

int tcp_connect(const std::string& host, int port, std::string& err) {
  sockaddr_in sa;
  if (!address(host, port, sa, err)) return -1;
  int fd = fresh_socket(err);
  if (fd < 0) return -1;
  const int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  if (::connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof(sa)) != 0 && errno != EINPROGRESS) {
    err = "connect to " + host + ":" + std::to_string(port) + ": " + std::strerror(errno);
    close_fd(fd);
    return -1;
  }
  return fd;
}

int tcp_accept(int listen_fd, std::string& peer) {
  sockaddr_in sa;
  socklen_t len = sizeof(sa);
  const int fd =
      ::accept4(listen_fd, reinterpret_cast<sockaddr*>(&sa), &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
  if (fd < 0) return -1;
  char ip[INET_ADDRSTRLEN] = {0};
  ::inet_ntop(AF_INET, &sa.sin_addr, ip, sizeof(ip));
  peer = std::string(ip) + ":" + std::to_string(ntohs(sa.sin_port));
  return fd;
}

int local_port(int fd) {
  sockaddr_in sa;
  socklen_t len = sizeof(sa);
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&sa), &len) != 0) return 0;
  return ntohs(sa.sin_port);
}

std::string connect_result(int fd) {
  int so = 0;
  socklen_t len = sizeof(so);
  if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &so, &len) != 0) return std::strerror(errno);
  return so == 0 ? "" : std::strerror(so);
}

void close_fd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

}  // namespace annexo::probe::pcscf_sip
