#include "adapters/net/event_loop.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <cstring>
#include <vector>

#include "adapters/net/clock.h"

namespace annexo::net {

namespace {

std::string errno_text(const char* what) {
  return std::string(what) + ": " + std::strerror(errno);
}

bool to_sockaddr(const Endpoint& e, sockaddr_storage* ss, socklen_t* len) {
  std::memset(ss, 0, sizeof(*ss));
  auto* v4 = reinterpret_cast<sockaddr_in*>(ss);
  if (::inet_pton(AF_INET, e.host.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(e.port);
    *len = sizeof(sockaddr_in);
    return true;
  }
  auto* v6 = reinterpret_cast<sockaddr_in6*>(ss);
  if (::inet_pton(AF_INET6, e.host.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(e.port);
    *len = sizeof(sockaddr_in6);
    return true;
  }
  return false;
}

Endpoint from_sockaddr(const sockaddr_storage& ss) {
  Endpoint e;
  char buf[INET6_ADDRSTRLEN] = {0};
  if (ss.ss_family == AF_INET) {
    const auto* v4 = reinterpret_cast<const sockaddr_in*>(&ss);
    ::inet_ntop(AF_INET, &v4->sin_addr, buf, sizeof(buf));
    e.port = ntohs(v4->sin_port);
  } else if (ss.ss_family == AF_INET6) {
    const auto* v6 = reinterpret_cast<const sockaddr_in6*>(&ss);
    ::inet_ntop(AF_INET6, &v6->sin6_addr, buf, sizeof(buf));
    e.port = ntohs(v6->sin6_port);
  }
  e.host = buf;
  return e;
}

}  // namespace

Event_Loop::Event_Loop() {
  m_epoll = ::epoll_create1(EPOLL_CLOEXEC);
  if (m_epoll < 0) m_error = errno_text("epoll_create1");
}

Event_Loop::~Event_Loop() {
  if (m_signal_fd >= 0) ::close(m_signal_fd);
  if (m_epoll >= 0) ::close(m_epoll);
}

void Event_Loop::add(int fd, bool want_write_now, Handler handler) {
  epoll_event ev{};
  ev.events = EPOLLIN | EPOLLRDHUP | (want_write_now ? EPOLLOUT : 0u);
  ev.data.fd = fd;
  ::epoll_ctl(m_epoll, EPOLL_CTL_ADD, fd, &ev);
  m_handlers[fd] = std::move(handler);
  m_interest[fd] = Interest{true, want_write_now};
}

void Event_Loop::update(int fd) {
  const auto it = m_interest.find(fd);
  if (it == m_interest.end()) return;
  epoll_event ev{};
  ev.events = (it->second.read ? (EPOLLIN | EPOLLRDHUP) : 0u) | (it->second.write ? EPOLLOUT : 0u);
  ev.data.fd = fd;
  ::epoll_ctl(m_epoll, EPOLL_CTL_MOD, fd, &ev);
}

void Event_Loop::want_write(int fd, bool on) {
  const auto it = m_interest.find(fd);
  if (it == m_interest.end()) {
    // Not added through add() (kept for callers that register elsewhere).
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLRDHUP | (on ? EPOLLOUT : 0u);
    ev.data.fd = fd;
    ::epoll_ctl(m_epoll, EPOLL_CTL_MOD, fd, &ev);
    return;
  }
  if (it->second.write == on) return;
  it->second.write = on;
  update(fd);
}

void Event_Loop::want_read(int fd, bool on) {
  const auto it = m_interest.find(fd);
  if (it == m_interest.end() || it->second.read == on) return;
  it->second.read = on;
  update(fd);
}

void Event_Loop::again(int fd) {
  if (m_handlers.count(fd) == 0) return;
  if (std::find(m_again.begin(), m_again.end(), fd) == m_again.end()) m_again.push_back(fd);
}

void Event_Loop::remove(int fd) {
  ::epoll_ctl(m_epoll, EPOLL_CTL_DEL, fd, nullptr);
  m_handlers.erase(fd);
  m_interest.erase(fd);
  m_again.erase(std::remove(m_again.begin(), m_again.end(), fd), m_again.end());
  // Events of this round still queued for fd are about the descriptor that
  // was removed, not about a new one the kernel may hand out under the same
  // number before the round ends (an accept after a close).
  m_removed_this_round.push_back(fd);
}

void Event_Loop::set_timer(Deadline_Source source, Tick tick) {
  m_deadline = std::move(source);
  m_tick = std::move(tick);
}

void Event_Loop::on_signal(int signo, std::function<void()> handler) {
  sigset_t set;
  sigemptyset(&set);
  for (const auto& [s, h] : m_signal_handlers) sigaddset(&set, s);
  sigaddset(&set, signo);
  // Block the signal so it is only seen through the signalfd.
  ::sigprocmask(SIG_BLOCK, &set, nullptr);
  m_signal_handlers[signo] = std::move(handler);
  if (m_signal_fd >= 0) {
    ::signalfd(m_signal_fd, &set, SFD_NONBLOCK | SFD_CLOEXEC);
    return;
  }
  m_signal_fd = ::signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.fd = m_signal_fd;
  ::epoll_ctl(m_epoll, EPOLL_CTL_ADD, m_signal_fd, &ev);
}

int Event_Loop::timeout_ms() const {
  if (!m_again.empty()) return 0;  // held-back work: poll, do not block
  if (!m_deadline) return -1;
  const auto next = m_deadline();
  if (!next) return -1;
  const core::Seconds now = monotonic_seconds();
  if (core::time_reached(now, *next)) return 0;
  // Wrap-safe distance; the core keeps deadlines < 2^31 s ahead. Wake up at the
  // start of the deadline's second plus a little, never busy-loop.
  const auto ahead = static_cast<std::uint32_t>(*next - now);
  const std::uint64_t ms = static_cast<std::uint64_t>(ahead) * 1000u;
  return ms > static_cast<std::uint64_t>(INT_MAX) ? INT_MAX : static_cast<int>(ms);
}

int Event_Loop::run() {
  if (m_epoll < 0) return -1;
  m_running = true;
  std::vector<epoll_event> events(64);
  while (m_running && (!m_handlers.empty() || m_signal_fd >= 0)) {
    const int n =
        ::epoll_wait(m_epoll, events.data(), static_cast<int>(events.size()), timeout_ms());
    if (n < 0) {
      if (errno == EINTR) continue;
      m_error = errno_text("epoll_wait");
      return -1;
    }
    m_removed_this_round.clear();
    for (int i = 0; i < n && m_running; ++i) {
      const int fd = events[static_cast<std::size_t>(i)].data.fd;
      const std::uint32_t bits = events[static_cast<std::size_t>(i)].events;
      if (fd == m_signal_fd) {
        signalfd_siginfo info{};
        while (::read(m_signal_fd, &info, sizeof(info)) == static_cast<ssize_t>(sizeof(info))) {
          auto it = m_signal_handlers.find(static_cast<int>(info.ssi_signo));
          if (it != m_signal_handlers.end()) it->second();
        }
        continue;
      }
      auto it = m_handlers.find(fd);
      if (it == m_handlers.end()) continue;  // removed by an earlier handler this round
      if (std::find(m_removed_this_round.begin(), m_removed_this_round.end(), fd) !=
          m_removed_this_round.end()) {
        continue;  // removed and reused this round: the event was for the old one
      }
      Ready r;
      r.readable = (bits & (EPOLLIN | EPOLLRDHUP)) != 0;
      r.writable = (bits & EPOLLOUT) != 0;
      r.hangup = (bits & (EPOLLERR | EPOLLHUP)) != 0;
      Handler h = it->second;  // copy: the handler may remove itself
      h(r);
    }
    // The calls asked for by again() before this pass (those asked for now
    // wait for the next one, after the kernel's events have been served).
    if (!m_again.empty() && m_running) {
      std::vector<int> due;
      due.swap(m_again);
      for (const int fd : due) {
        auto it = m_handlers.find(fd);
        if (it == m_handlers.end() || !m_running) continue;
        if (std::find(m_removed_this_round.begin(), m_removed_this_round.end(), fd) !=
            m_removed_this_round.end()) {
          continue;  // removed (and maybe reused) this round
        }
        Handler h = it->second;
        h(Ready{});
      }
    }
    if (m_tick && m_running) m_tick(monotonic_seconds());
    if (m_handlers.empty() && m_signal_handlers.empty()) break;
  }
  return 0;
}

std::string Endpoint::str() const {
  if (host.find(':') != std::string::npos) return "[" + host + "]:" + std::to_string(port);
  return host + ":" + std::to_string(port);
}

std::optional<Endpoint> parse_endpoint(const std::string& text, std::string* err,
                                       bool allow_port_zero) {
  Endpoint e;
  std::string port;
  if (!text.empty() && text[0] == '[') {
    const auto close = text.find(']');
    if (close == std::string::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      *err = "'" + text + "': expected [IPv6]:PORT";
      return std::nullopt;
    }
    e.host = text.substr(1, close - 1);
    port = text.substr(close + 2);
  } else {
    const auto colon = text.rfind(':');
    if (colon == std::string::npos || colon == 0) {
      *err = "'" + text + "': expected ADDR:PORT";
      return std::nullopt;
    }
    e.host = text.substr(0, colon);
    port = text.substr(colon + 1);
  }
  if (port.empty() || port.size() > 5 ||
      port.find_first_not_of("0123456789") != std::string::npos) {
    *err = "'" + text + "': port must be a number 1-65535";
    return std::nullopt;
  }
  const unsigned long p = std::stoul(port);
  if ((p == 0 && !allow_port_zero) || p > 65535) {
    *err = "'" + text + "': port must be a number 1-65535";
    return std::nullopt;
  }
  e.port = static_cast<std::uint16_t>(p);
  sockaddr_storage ss;
  socklen_t len;
  if (!to_sockaddr(e, &ss, &len)) {
    *err = "'" + e.host + "' is not a numeric IPv4 or IPv6 address";
    return std::nullopt;
  }
  return e;
}

namespace {

// A non-blocking TCP socket of the address family of `where`; *ss/*len hold
// its socket address. -1 with *err set on failure.
int tcp_socket(const Endpoint& where, sockaddr_storage* ss, socklen_t* len, std::string* err) {
  if (!to_sockaddr(where, ss, len)) {
    *err = "bad address " + where.host;
    return -1;
  }
  const int fd = ::socket(ss->ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) *err = errno_text("socket");
  return fd;
}

}  // namespace

int listen_tcp(const Endpoint& where, std::string* err) {
  sockaddr_storage ss;
  socklen_t len;
  const int fd = tcp_socket(where, &ss, &len, err);
  if (fd < 0) return -1;
  const int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  if (::bind(fd, reinterpret_cast<sockaddr*>(&ss), len) != 0) {
    *err = errno_text(("bind " + where.str()).c_str());
    ::close(fd);
    return -1;
  }
  if (::listen(fd, 1024) != 0) {
    *err = errno_text("listen");
    ::close(fd);
    return -1;
  }
  return fd;
}

int connect_tcp(const Endpoint& where, std::string* err) {
  sockaddr_storage ss;
  socklen_t len;
  const int fd = tcp_socket(where, &ss, &len, err);
  if (fd < 0) return -1;
  const int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  if (::connect(fd, reinterpret_cast<sockaddr*>(&ss), len) != 0 && errno != EINPROGRESS) {
    *err = errno_text(("connect " + where.str()).c_str());
    ::close(fd);
    return -1;
  }
  return fd;
}

int connect_result(int fd) {
  int so_error = 0;
  socklen_t len = sizeof(so_error);
  if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &so_error, &len) != 0) return errno;
  return so_error;
}

int accept_tcp(int listen_fd, Endpoint* peer) {
  sockaddr_storage ss{};
  socklen_t len = sizeof(ss);
  const int fd =
      ::accept4(listen_fd, reinterpret_cast<sockaddr*>(&ss), &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
  if (fd < 0) return -1;
  const int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  if (peer) *peer = from_sockaddr(ss);
  return fd;
}

std::optional<Endpoint> local_endpoint(int fd) {
  sockaddr_storage ss{};
  socklen_t len = sizeof(ss);
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len) != 0) return std::nullopt;
  return from_sockaddr(ss);
}

void close_fd(int fd) {
  if (fd >= 0) ::close(fd);
}

void reset_fd(int fd) {
  if (fd < 0) return;
  const linger abort{1, 0};
  (void)::setsockopt(fd, SOL_SOCKET, SO_LINGER, &abort, sizeof(abort));
  ::close(fd);
}

Fd_Reserve::Fd_Reserve() : m_fd(::open("/dev/null", O_RDONLY | O_CLOEXEC)) {}

Fd_Reserve::~Fd_Reserve() {
  close_fd(m_fd);
}

bool Fd_Reserve::shed(int listen_fd) {
  if (m_fd < 0) m_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (m_fd < 0) return false;
  ::close(m_fd);
  m_fd = -1;
  const int fd = ::accept4(listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
  if (fd >= 0) ::close(fd);
  m_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  return fd >= 0;
}

bool Write_Queue::flush(int fd) {
  while (m_off < m_buf.size()) {
    const ssize_t n = ::send(fd, m_buf.data() + m_off, m_buf.size() - m_off, MSG_NOSIGNAL);
    if (n > 0) {
      m_off += static_cast<std::size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
    return false;
  }
  if (m_off == m_buf.size()) {
    m_buf.clear();
    m_off = 0;
  } else if (m_off > 65536) {
    m_buf.erase(0, m_off);
    m_off = 0;
  }
  return true;
}

long read_available(int fd, std::string& out) {
  long total = 0;
  char buf[16384];
  for (;;) {
    const ssize_t n = ::recv(fd, buf, sizeof(buf), 0);
    if (n > 0) {
      out.append(buf, static_cast<std::size_t>(n));
      total += n;
      continue;
    }
    if (n == 0) return total > 0 ? total : 0;
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return total > 0 ? total : -2;
    return -1;
  }
}

long read_some(int fd, std::string& out, std::size_t max) {
  long total = 0;
  char buf[16384];
  while (static_cast<std::size_t>(total) < max) {
    const std::size_t want = std::min(sizeof(buf), max - static_cast<std::size_t>(total));
    const ssize_t n = ::recv(fd, buf, want, 0);
    if (n > 0) {
      out.append(buf, static_cast<std::size_t>(n));
      total += n;
      continue;
    }
    if (n == 0) return total > 0 ? total : 0;
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return total > 0 ? total : -2;
    return -1;
  }
  return total;
}

}  // namespace annexo::net
