// Plain sockets for the probe's two sides (issue 13): non-blocking TCP
// listen, connect and the local port of a connection. Errors are returned as
// -1 with a one-line reason; nothing here waits.
#pragma once

#include <cstdint>
#include <string>

namespace annexo::probe::pcscf_sip {

// A listening socket on host:port (SO_REUSEADDR), non-blocking; -1 and `err`.
int tcp_listen(const std::string& host, int port, std::string& err);
// A non-blocking connect to host:port started; -1 and `err` when it failed at once.
int tcp_connect(const std::string& host, int port, std::string& err);
// A non-blocking accept; -1 when nothing is pending.
int tcp_accept(int listen_fd, std::string& peer);
// The local / remote port of a socket (0 when unknown).
int local_port(int fd);
// "" once a started connect succeeded, else the socket error's text.
std::string connect_result(int fd);
void close_fd(int& fd);

}  // namespace annexo::probe::pcscf_sip
