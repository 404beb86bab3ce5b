// SIP over plain TCP for the two non-TLS sides of the pcscf program:
//  - the sec-agree listener (--secagree-listen), where a UE using the RFC 3329
//    variant sends its first, unprotected REGISTER (O.2-UE-VARIANT-SECAGREE);
//  - the core-network side (--core-listen), where the S-CSCF (or a test
//    playing it) sends terminating requests routed by the Path flow token.
// Framing, parsing and the socket live here; what a message means is decided
// by the handler the server installs. Nothing received here ever creates or
// changes a binding: only the TLS side does (O.2.2-PC-ASSOC-ONLY-ON-AUTH-CONN).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "adapters/log/decision_log.h"
#include "adapters/net/event_loop.h"
#include "adapters/net/timer_heap.h"
#include "adapters/sip/framer.h"
#include "adapters/sip/message.h"
#include "core/domain.h"

namespace annexo::pcscf {

class Plain_Sip_Listener;

// One accepted plain TCP connection.
class Plain_Sip_Peer final {
 public:
  Plain_Sip_Peer(Plain_Sip_Listener& owner, int fd, std::uint64_t id, net::Endpoint peer,
                 core::Seconds now);
  std::uint64_t id() const { return m_id; }
  const net::Endpoint& peer() const { return m_peer; }
  // Queues a SIP message (serialised) and flushes; false if it could not be serialised.
  bool send(const sip::Message& m);
  void send_text(const std::string& text);
  void close_after_flush();
  void on_ready(net::Ready r);
  // When bytes last arrived (or the connection was accepted).
  core::Seconds last_activity() const { return m_last; }
  // Closes at once (idle timeout, connection cap).
  void close_now() { finish(); }
  bool dead() const { return m_dead; }

 private:
  void flush();
  void finish();

  Plain_Sip_Listener& m_owner;
  int m_fd;
  std::uint64_t m_id;
  net::Endpoint m_peer;
  sip::Framer m_framer{sip::FramerRole::server};
  net::Write_Queue m_wq;
  bool m_closing = false;
  bool m_dead = false;
  core::Seconds m_last = 0;
};

class Plain_Sip_Listener final {
 public:
  // Called for every parsed SIP message; malformed ones are answered 400 here.
  using Handler = std::function<void(Plain_Sip_Peer&, const sip::Message&)>;

  // idle_s > 0: a peer that sends nothing for idle_s seconds is closed (the
  // sec-agree side faces unauthenticated UEs; 0 = never, the core side).
  Plain_Sip_Listener(std::string name, log::Decision_Log& log, net::Event_Loop& loop,
                     Handler handler, std::uint32_t idle_s);
  ~Plain_Sip_Listener();
  Plain_Sip_Listener(const Plain_Sip_Listener&) = delete;
  Plain_Sip_Listener& operator=(const Plain_Sip_Listener&) = delete;

  bool start(const net::Endpoint& where, std::string* err);
  std::uint16_t port() const { return m_port; }
  const std::string& name() const { return m_name; }
  // The peer with that id if it is still connected.
  Plain_Sip_Peer* peer(std::uint64_t id);
  // The earliest idle deadline, and closing the peers past theirs.
  std::optional<core::Seconds> next_deadline() const;
  void on_tick(core::Seconds now);
  // Connection cap (RD-102): `admit` is asked for every accepted connection
  // (false: it is closed at once); live() counts the peers still open;
  // evict_oldest() closes the oldest one (false when there is none).
  void set_admission(std::function<bool()> admit) { m_admit = std::move(admit); }
  std::size_t live() const { return m_peers.size() - m_retired.size(); }
  bool evict_oldest();

  // --- used by Plain_Sip_Peer ---
  log::Decision_Log& log() { return m_log; }
  net::Event_Loop& loop() { return m_loop; }
  void deliver(Plain_Sip_Peer& p, const sip::Message& m) { m_handler(p, m); }
  void retire(std::uint64_t id) { m_retired.push_back(id); }

 private:
  void on_accept();
  void reap();

  std::string m_name;
  log::Decision_Log& m_log;
  net::Event_Loop& m_loop;
  Handler m_handler;
  std::uint32_t m_idle_s;
  int m_listen_fd = -1;
  std::uint16_t m_port = 0;
  std::uint64_t m_counter = 0;
  std::map<std::uint64_t, std::unique_ptr<Plain_Sip_Peer>> m_peers;
  mutable net::Timer_Heap m_timers;  // idle deadlines (issue 15)
  std::vector<std::uint64_t> m_retired;
  net::Fd_Reserve m_reserve;  // drains the backlog at the descriptor limit (RD-102)
  std::function<bool()> m_admit;
};

}  // namespace annexo::pcscf
