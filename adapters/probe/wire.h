// Blocking TCP with a budget on every wait, for the test-purpose
// implementations (adapters/probe/tp.h: "every wait has a budget"). A probe
// talks to one IUT at a time from a forked child, so plain sockets and poll()
// are enough; nothing here interprets the bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace annexo::probe {

// How a read ended.
enum class Read_End { data, closed, reset, timeout, error };
const char* read_end_name(Read_End e);

class Tcp_Conn {
 public:
  Tcp_Conn() = default;
  ~Tcp_Conn();
  Tcp_Conn(const Tcp_Conn&) = delete;
  Tcp_Conn& operator=(const Tcp_Conn&) = delete;

  // Connects within `budget_ms`. False with `error` set ("connection refused
  // by 127.0.0.1:5061", "connect to ...: no answer within 3000 ms").
  bool connect(const std::string& host, int port, int budget_ms, std::string& error);
  bool send_all(const std::uint8_t* data, std::size_t size);
  bool send_all(const std::vector<std::uint8_t>& bytes) {
    return send_all(bytes.data(), bytes.size());
  }
  // Waits up to `budget_ms` for bytes and appends what arrived to `out`.
  Read_End read_some(std::vector<std::uint8_t>& out, int budget_ms);
  void close();
  int fd() const { return m_fd; }
  int local_port() const;

 private:
  int m_fd = -1;
};

// Milliseconds on a monotonic clock, for deadlines.
long long now_ms();

}  // namespace annexo::probe
