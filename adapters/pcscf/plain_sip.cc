#include "adapters/pcscf/plain_sip.h"

#include <cerrno>
#include <utility>

#include "adapters/net/clock.h"
#include "adapters/pcscf/raw_refusal.h"

namespace annexo::pcscf {

using log::Verdict;

Plain_Sip_Peer::Plain_Sip_Peer(Plain_Sip_Listener& owner, int fd, std::uint64_t id,
                               net::Endpoint peer, core::Seconds now)
    : m_owner(owner), m_fd(fd), m_id(id), m_peer(std::move(peer)), m_last(now) {}

bool Plain_Sip_Peer::send(const sip::Message& m) {
  auto wire = sip::serialize(m);
  if (!wire.ok()) {
    m_owner.log().decision(Verdict::error, "ADP-SIP-MALFORMED-400", "message not serialisable",
                           {{"side", m_owner.name()}, {"reason", wire.error().text()}});
    return false;
  }
  send_text(*wire);
  return true;
}

void Plain_Sip_Peer::send_text(const std::string& text) {
  if (m_dead) return;
  m_wq.append(reinterpret_cast<const std::uint8_t*>(text.data()), text.size());
  flush();
}

void Plain_Sip_Peer::close_after_flush() {
  m_closing = true;
  flush();
}

void Plain_Sip_Peer::on_ready(net::Ready r) {
  if (m_dead) return;
  if (r.readable) {
    std::string in;
    const long n = net::read_available(m_fd, in);
    if (!in.empty()) m_last = net::monotonic_seconds();
    if (!in.empty() && !m_closing) {
      m_framer.feed(in);
      for (;;) {
        auto ev = m_framer.next();
        if (!ev.ok()) {
          const Raw_Refusal refusal = framing_refusal(ev.error());
          m_owner.log().decision(
              Verdict::deny, refusal.requirement, "SIP framing error: answered and closed",
              {{"side", m_owner.name()}, {"peer", m_peer.str()}, {"reason", ev.error().text()}});
          send_text(refusal.wire);
          close_after_flush();
          break;
        }
        if (!ev.value().has_value()) break;
        const sip::FrameEvent fe = std::move(*ev.value());
        if (fe.kind != sip::FrameKind::message) continue;  // CRLFs: nothing to answer here
        auto msg = sip::parse_message(fe.bytes);
        if (!msg.ok()) {
          const Raw_Refusal refusal = parse_refusal(msg.error());
          m_owner.log().decision(
              Verdict::deny, refusal.requirement, "malformed SIP message",
              {{"side", m_owner.name()}, {"peer", m_peer.str()}, {"reason", msg.error().text()}});
          send_text(refusal.wire);
          continue;
        }
        m_owner.deliver(*this, *msg);
        if (m_dead || m_closing) break;
      }
    }
    if (n == 0 || n == -1) {
      finish();
      return;
    }
  }
  if (r.hangup) {
    finish();
    return;
  }
  flush();
}

void Plain_Sip_Peer::flush() {
  if (m_dead) return;
  if (!m_wq.flush(m_fd)) {
    finish();
    return;
  }
  m_owner.loop().want_write(m_fd, !m_wq.empty());
  if (m_closing && m_wq.empty()) finish();
}

void Plain_Sip_Peer::finish() {
  if (m_dead) return;
  m_dead = true;
  m_owner.loop().remove(m_fd);
  net::close_fd(m_fd);
  m_owner.retire(m_id);
}

Plain_Sip_Listener::Plain_Sip_Listener(std::string name, log::Decision_Log& log,
                                       net::Event_Loop& loop, Handler handler, std::uint32_t idle_s)
    : m_name(std::move(name)),
      m_log(log),
      m_loop(loop),
      m_handler(std::move(handler)),
      m_idle_s(idle_s) {}

std::optional<core::Seconds> Plain_Sip_Listener::next_deadline() const {
  if (m_idle_s == 0) return std::nullopt;
  return m_timers.next();  // issue 15: no scan of every peer
}

void Plain_Sip_Listener::on_tick(core::Seconds now) {
  if (m_idle_s == 0) return;
  // Heap entries are never later than a peer's idle deadline (activity only
  // moves it later): each popped peer is checked and, if active since, set again.
  std::vector<Plain_Sip_Peer*> idle;
  for (const std::uint64_t id : m_timers.pop_due(now)) {
    const auto it = m_peers.find(id);
    if (it == m_peers.end() || it->second->dead()) continue;
    const core::Seconds d = core::time_add(it->second->last_activity(), m_idle_s);
    if (core::time_reached(now, d)) {
      idle.push_back(it->second.get());
    } else {
      m_timers.set(id, d);
    }
  }
  for (Plain_Sip_Peer* p : idle) {
    m_log.decision(
        log::Verdict::deny, "O.4.2-PC-UNBOUND-IDLE-CLOSE", "idle plain connection closed",
        {{"side", m_name}, {"peer", p->peer().str()}, {"idle_s", std::to_string(m_idle_s)}});
    p->close_now();
  }
  reap();
}

Plain_Sip_Listener::~Plain_Sip_Listener() {
  m_peers.clear();
  if (m_listen_fd >= 0) net::close_fd(m_listen_fd);
}

bool Plain_Sip_Listener::start(const net::Endpoint& where, std::string* err) {
  m_listen_fd = net::listen_tcp(where, err);
  if (m_listen_fd < 0) return false;
  const auto local = net::local_endpoint(m_listen_fd);
  m_port = local ? local->port : where.port;
  m_loop.add(m_listen_fd, false, [this](net::Ready) { on_accept(); });
  return true;
}

Plain_Sip_Peer* Plain_Sip_Listener::peer(std::uint64_t id) {
  const auto it = m_peers.find(id);
  return it == m_peers.end() ? nullptr : it->second.get();
}

void Plain_Sip_Listener::on_accept() {
  for (;;) {
    net::Endpoint peer;
    const int fd = net::accept_tcp(m_listen_fd, &peer);
    if (fd < 0) {
      // At the descriptor limit: drain the backlog on the spare descriptor
      // rather than spin on a listener that stays readable (RD-102).
      if ((errno == EMFILE || errno == ENFILE) && m_reserve.shed(m_listen_fd)) continue;
      break;
    }
    if (m_admit && !m_admit()) {
      net::close_fd(fd);  // the connection cap (RD-102); the admission logged why
      continue;
    }
    const std::uint64_t id = ++m_counter;
    auto p = std::make_unique<Plain_Sip_Peer>(*this, fd, id, peer, net::monotonic_seconds());
    Plain_Sip_Peer* raw = p.get();
    m_peers.emplace(id, std::move(p));
    if (m_idle_s != 0) m_timers.set(id, core::time_add(raw->last_activity(), m_idle_s));
    m_loop.add(fd, false, [this, raw, id](net::Ready r) {
      raw->on_ready(r);
      if (m_idle_s != 0 && !raw->dead()) {
        m_timers.set(id, core::time_add(raw->last_activity(), m_idle_s));
      }
      reap();
    });
  }
}

bool Plain_Sip_Listener::evict_oldest() {
  for (auto& [id, p] : m_peers) {
    if (p->dead()) continue;
    p->close_now();
    return true;
  }
  return false;
}

void Plain_Sip_Listener::reap() {
  for (std::uint64_t id : m_retired) {
    m_peers.erase(id);
    m_timers.remove(id);
  }
  m_retired.clear();
}

}  // namespace annexo::pcscf
