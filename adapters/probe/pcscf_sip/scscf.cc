#include "adapters/probe/pcscf_sip/scscf.h"

#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <map>

#include "adapters/probe/pcscf_sip/tcp.h"
#include "adapters/sip/digest.h"

namespace annexo::probe::pcscf_sip {

namespace {
constexpr int kListenTag = -1;
}

Scscf* Scscf::shared(const probe_data::Pixit& pixit, std::string& err) {
  // One per next-hop address in this process (the runner's child of one TP).
  static std::map<std::string, std::unique_ptr<Scscf>> instances;
  const std::string key = pixit.probe_host + ":" + std::to_string(pixit.probe_next_hop_port);
  auto& slot = instances[key];
  if (slot) return slot.get();
  std::unique_ptr<Scscf> s(new Scscf(pixit));
  s->m_listen = tcp_listen(pixit.probe_host, pixit.probe_next_hop_port, err);
  if (s->m_listen < 0) {
    instances.erase(key);
    return nullptr;
  }
  slot = std::move(s);
  return slot.get();
}

Scscf::~Scscf() {
  close_fd(m_listen);
  for (auto& c : m_conns) close_fd(c->fd);
}

void Scscf::slots(std::vector<Poll_Slot>& out) {
  if (m_listen >= 0) out.push_back(Poll_Slot{m_listen, POLLIN, this, kListenTag});
  for (std::size_t i = 0; i < m_conns.size(); ++i) {
    const Conn& c = *m_conns[i];
    if (c.fd < 0) continue;
    short ev = POLLIN;
    if (c.connecting || !c.out.empty()) ev |= POLLOUT;
    out.push_back(Poll_Slot{c.fd, ev, this, static_cast<int>(i)});
  }
}

void Scscf::ready(int tag, short revents) {
  if (tag == kListenTag) {
    accept_all();
    return;
  }
  Conn& c = *m_conns[static_cast<std::size_t>(tag)];
  if (c.connecting && (revents & (POLLOUT | POLLERR | POLLHUP))) {
    c.connecting = false;
    if (!connect_result(c.fd).empty()) {
      close_fd(c.fd);
      return;
    }
  }
  if (revents & POLLOUT) flush(c);
  if (revents & (POLLIN | POLLERR | POLLHUP)) read_conn(c);
}

void Scscf::accept_all() {
  for (;;) {
    std::string peer;
    const int fd = tcp_accept(m_listen, peer);
    if (fd < 0) return;
    auto c = std::make_unique<Conn>();
    c->fd = fd;
    c->name = "c" + std::to_string(++m_accepted);
    m_conns.push_back(std::move(c));
  }
}

void Scscf::read_conn(Conn& c) {
  char buf[16384];
  for (;;) {
    if (c.fd < 0) return;
    const ssize_t n = ::recv(c.fd, buf, sizeof(buf), 0);
    if (n > 0) {
      std::vector<Sip_Seen> got;
      const bool ok = c.stream.feed(std::string(buf, static_cast<std::size_t>(n)), got);
      for (const auto& s : got) on_message(c, s);
      if (!ok) close_fd(c.fd);
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
    if (n < 0 && errno == EINTR) continue;
    close_fd(c.fd);
    return;
  }
}

void Scscf::flush(Conn& c) {
  while (c.fd >= 0 && !c.connecting && !c.out.empty()) {
    const ssize_t n = ::send(c.fd, c.out.data(), c.out.size(), MSG_NOSIGNAL);
    if (n > 0) {
      c.out.erase(0, static_cast<std::size_t>(n));
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
    if (n < 0 && errno == EINTR) continue;
    close_fd(c.fd);
  }
}

void Scscf::on_message(Conn& c, const Sip_Seen& s) {
  const std::string stream = "iut->scscf " + c.name + " sip";
  if (!s.msg.is_request) {
    m_responses.push_back(Scscf_Seen{stream, s});
    return;
  }
  m_requests.push_back(Scscf_Seen{stream, s});
  if (s.msg.method == "ACK" || m_silent.count(s.msg.method) != 0) return;
  sip::Message answer = s.msg.method == "REGISTER" ? m_registrar.answer(s.msg)
                                                   : sip::make_response(s.msg, 200, "OK", "scscf");
  // RFC 3261 12.1.1: a UAS copies the Record-Route of a dialog-forming
  // request (and of a target refresh) into its 2xx (TP_PC_SIP_037).
  if (s.msg.method == "INVITE" || s.msg.method == "UPDATE")
    for (const std::string* rr : s.msg.all("Record-Route")) answer.add("Record-Route", *rr);
  auto wire = sip::serialize(answer);
  if (!wire.ok()) return;
  c.out += *wire;
  flush(c);
}

std::string Scscf::send_terminating(const std::string& method, const std::string& request_uri,
                                    const std::string& route, const std::string& from_impu,
                                    std::string& err) {
  auto routes = sip::parse_name_addr_list(route, "Route");
  if (!routes.ok() || routes->empty()) {
    err = "the registered Path is not a Route: " + route;
    return "";
  }
  const sip::SipUri& top = routes->front().uri;
  const int port = top.port ? *top.port : 5060;
  auto c = std::make_unique<Conn>();
  c->fd = tcp_connect(top.host, port, err);
  if (c->fd < 0) return "";
  c->connecting = true;
  c->outbound = true;
  c->name = "t" + std::to_string(++m_legs);
  sip::Message m = sip::make_request(method, request_uri);
  const std::string call_id = "probe-term-" + sip::random_hex(8);
  m.add("Via", "SIP/2.0/TCP " + m_pixit.probe_host + ":" +
                   std::to_string(m_pixit.probe_next_hop_port) + ";branch=z9hG4bK" +
                   sip::random_hex(8));
  m.add("Route", route);
  m.add("From", "<" + from_impu + ">;tag=" + sip::random_hex(4));
  m.add("To", "<" + request_uri + ">");
  m.add("Call-ID", call_id);
  m.add("CSeq", "1 " + method);
  m.add("Contact", "<sip:probe@" + m_pixit.probe_host + ":" +
                       std::to_string(m_pixit.probe_next_hop_port) + ";transport=tcp>");
  auto wire = sip::serialize(m);
  if (!wire.ok()) {
    err = "serialize: " + wire.error().text();
    close_fd(c->fd);
    return "";
  }
  c->out = *wire;
  m_conns.push_back(std::move(c));
  return call_id;
}

}  // namespace annexo::probe::pcscf_sip
