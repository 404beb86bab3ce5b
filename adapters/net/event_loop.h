// A small epoll event loop: many connections, one thread, timers driven by the
// core machines' next deadline.
//
// Why epoll and not standalone Asio (libasio-dev): annexo needs readiness for a
// few hundred lines of glue — accept, read, write-when-writable, one timeout —
// and wants every socket call and every clock read in one file a reviewer can
// audit (issue 7: "only this layer touches sockets and the clock"). Asio would
// bring a proactor, completion handlers that outlive connections, strands and
// its own timer queue (a second notion of time next to the core's deadlines).
// Botan's TLS channel is already sans-I/O (bytes in, tls_emit_data out), so a
// readiness loop feeds it directly. Linux only, which is what annexo targets.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/domain.h"

namespace annexo::net {

// Readiness bits handed to a handler (a subset of EPOLLIN/EPOLLOUT/EPOLLERR|HUP).
struct Ready {
  bool readable = false;
  bool writable = false;
  bool hangup = false;  // error or hang-up: the handler must close the fd
};

class Event_Loop final {
 public:
  using Handler = std::function<void(Ready)>;
  // Returns the earliest core deadline (absolute core::Seconds) or nothing.
  using Deadline_Source = std::function<std::optional<core::Seconds>()>;
  // Called with the current core time whenever a deadline may have passed.
  using Tick = std::function<void(core::Seconds now)>;

  Event_Loop();
  ~Event_Loop();
  Event_Loop(const Event_Loop&) = delete;
  Event_Loop& operator=(const Event_Loop&) = delete;

  // Registers fd (level-triggered) for reading, and for writing when want_write.
  void add(int fd, bool want_write, Handler handler);
  void want_write(int fd, bool on);
  // Read interest (on at add()): off, the fd is not watched for reading (nor
  // for a peer's half-close) until turned on again, so the kernel's receive
  // window pushes back on the peer (backpressure, RD-215). Errors and
  // hang-ups are still reported.
  void want_read(int fd, bool on);
  // Calls fd's handler once more in the next loop pass, with no readiness
  // bit set, even if the kernel reports nothing (work held back for
  // fairness, RD-216: a level-triggered fd that is not readable would
  // otherwise never be called again). epoll_wait does not block while such a
  // call is pending.
  void again(int fd);
  // Unregisters fd; safe to call from inside that fd's own handler. Does not close.
  void remove(int fd);

  void set_timer(Deadline_Source source, Tick tick);
  // Signals (SIGUSR1, SIGINT, SIGTERM ...) delivered through a signalfd.
  void on_signal(int signo, std::function<void()> handler);

  // Runs until stop() or until no fd is registered. Returns 0, or -1 with
  // error() set when epoll itself failed.
  int run();
  void stop() { m_running = false; }
  const std::string& error() const { return m_error; }
  std::size_t watched() const { return m_handlers.size(); }

 private:
  int timeout_ms() const;
  void update(int fd);

  struct Interest {
    bool read = true;
    bool write = false;
  };

  int m_epoll = -1;
  int m_signal_fd = -1;
  bool m_running = false;
  std::string m_error;
  std::unordered_map<int, Handler> m_handlers;
  std::unordered_map<int, Interest> m_interest;
  std::vector<int> m_again;               // fds to call in the next pass (again())
  std::vector<int> m_removed_this_round;  // fds removed since the last epoll_wait
  std::unordered_map<int, std::function<void()>> m_signal_handlers;
  Deadline_Source m_deadline;
  Tick m_tick;
};

// Non-blocking TCP helpers. Each returns -1 and fills *err on failure.
// Address is "IPv4:PORT" or "[IPv6]:PORT"; names are not resolved here.
struct Endpoint {
  std::string host;  // numeric address
  std::uint16_t port = 0;
  std::string str() const;
};
// allow_port_zero: a listener may ask the kernel for a free port (tests).
std::optional<Endpoint> parse_endpoint(const std::string& text, std::string* err,
                                       bool allow_port_zero = false);
int listen_tcp(const Endpoint& where, std::string* err);
// Starts a non-blocking connect; completion shows as writability.
int connect_tcp(const Endpoint& where, std::string* err);
// Result of a connect started by connect_tcp (0 = connected, else errno).
int connect_result(int fd);
// Accepts one connection (non-blocking); -1 with errno EAGAIN when none is left.
int accept_tcp(int listen_fd, Endpoint* peer);
std::optional<Endpoint> local_endpoint(int fd);
void close_fd(int fd);
// Closes a TCP socket with a reset (SO_LINGER 0): what the kernel still holds
// to send is dropped and the peer sees RST at once, instead of the kernel
// keeping an orphan that waits for the peer to read (RD-292).
void reset_fd(int fd);

// One spare descriptor held open so that a listener at the descriptor limit
// (accept fails with EMFILE/ENFILE and the listener stays readable) can still
// drain its backlog instead of spinning: shed() gives the spare back, accepts
// one pending connection, closes it at once and takes the spare again.
class Fd_Reserve final {
 public:
  Fd_Reserve();
  ~Fd_Reserve();
  Fd_Reserve(const Fd_Reserve&) = delete;
  Fd_Reserve& operator=(const Fd_Reserve&) = delete;
  bool held() const { return m_fd >= 0; }
  // true: one pending connection was accepted and closed (the spare is held
  // again when the kernel gives it back). false: no spare to give, or nothing
  // was pending.
  bool shed(int listen_fd);

 private:
  int m_fd = -1;
};

// An outgoing byte queue for a non-blocking socket: write what the kernel
// takes, keep the rest, and report whether EPOLLOUT is still needed.
class Write_Queue final {
 public:
  void append(const std::uint8_t* data, std::size_t size) {
    m_buf.append(reinterpret_cast<const char*>(data), size);
  }
  // Writes as much as possible; false on a hard error (EPIPE, ECONNRESET ...).
  bool flush(int fd);
  bool empty() const { return m_off >= m_buf.size(); }
  std::size_t pending() const { return m_buf.size() - m_off; }

 private:
  std::string m_buf;
  std::size_t m_off = 0;
};

// Reads everything available; appends to out. Returns bytes read, 0 on EOF,
// -1 on error; EAGAIN with nothing read returns -2.
long read_available(int fd, std::string& out);
// The same, reading at most max bytes (what is left stays in the kernel).
long read_some(int fd, std::string& out, std::size_t max);

}  // namespace annexo::net
