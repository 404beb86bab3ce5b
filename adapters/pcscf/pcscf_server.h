// The pcscf program's server: a TLS listener on the epoll loop, one
// Connection per accepted TCP connection (Endpoint_Events on a tls::Endpoint
// of the stack --tls-stack names, adapters/tls/stack.h, whose Client_Hello_Gate reads
// the raw first ClientHello, and the core's P-CSCF driver), the binding table, and
// the next hop (next_hop.h): the embedded home network (users file, SIP
// Digest challenge and 2xx) so the program runs alone, or a real S-CSCF
// (--next-hop). The core decides; this file carries bytes and facts and
// logs every decision with the requirement ID the core names.
#pragma once

#include <cstdint>
#include <cstdio>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "adapters/log/decision_log.h"
#include "adapters/net/event_loop.h"
#include "adapters/net/timer_heap.h"
#include "adapters/pcscf/auth_limits.h"
#include "adapters/pcscf/next_hop.h"
#include "adapters/pcscf/plain_sip.h"
#include "adapters/sip/digest.h"
#include "adapters/sip/message.h"
#include "adapters/tls/stack.h"
#include "core/binding_table.h"
#include "core/pcscf_machine.h"
#include "core/profile.h"
#include "core/sec_agree.h"
#include "core/siphash.h"

namespace annexo::pcscf {

struct Options {
  net::Endpoint listen{"127.0.0.1", 5061};
  // Plain TCP for the first, unprotected REGISTER of the RFC 3329 variant
  // (O.2-UE-VARIANT-SECAGREE); off unless given.
  std::optional<net::Endpoint> secagree_listen;
  // Plain TCP towards the core network (the S-CSCF side): terminating
  // requests routed by the Path flow token; off unless given. In a real
  // network this interface is protected by NDS/IP (TS 33.210), not Annex O.
  std::optional<net::Endpoint> core_listen;
  // The S-CSCF / I-CSCF registrations and originating requests go to (TCP);
  // none: the embedded home network answers them.
  std::optional<net::Endpoint> next_hop;
  bool next_hop_tls = false;  // --next-hop-transport tls
  std::string next_hop_ca;    // its trust anchors (tls)
  std::string next_hop_name;  // the name its certificate must carry (tls)
  std::string cert_file;
  std::string key_file;
  // The TLS library under the connections (--tls-stack; RD-170).
  tls::Tls_Stack tls_stack = tls::kDefaultTlsStack;
  std::string users_file;
  std::uint32_t session_lifetime_s = 3600;
  std::uint32_t unbound_idle_s = 32;  // 64 x T1 (catalogue A7); also the sec-agree side
  // Total lifetime of a TLS connection that has not bound, from accept,
  // whatever it sends (RD-129); 0: no budget.
  std::uint32_t unbound_lifetime_s = 64;
  // Once a connection starts closing (close_notify queued, FIN once its
  // queue is written), at most this long for the peer to take the queue;
  // then it is reset, the queue dropped (RD-292). 0: only what the socket
  // takes at once. Never unbounded: a peer that reads nothing would keep the
  // connection (and a bound one its slot) for as long as it likes.
  std::uint32_t closing_budget_s = 5;
  // A terminating request the UE does not answer within this gets 408 towards
  // the core side (RFC 3261 Timer B/F: 64 x T1).
  std::uint32_t transaction_timeout_s = 32;
  bool allow_null_encryption = false;
  // The access type of the listening sockets (RD-39, P.3): on 3GPP access
  // SIP Digest with TLS is never accepted (O.1.1, N.1).
  bool access_3gpp = false;
  std::uint32_t max_bindings = 1000;
  // Connections held at once, TLS and plain together (RD-102); lowered at
  // start-up to what the descriptor limit allows.
  std::uint32_t max_connections = 10000;
  // Per-connection budgets (RD-215..RD-217); 0: none. Replies queued for
  // the socket above which the connection is neither read nor served until
  // the queue is down to half; received bytes held but not yet handled
  // above which reading stops (at least 2 x the framer's 64 KiB message);
  // requests handled per connection in one loop pass.
  std::uint32_t max_output_bytes = 256 * 1024;
  std::uint32_t max_input_bytes = 128 * 1024;
  std::uint32_t max_requests_per_pass = 32;
  // Failed-authentication limits per (IMPI, source) and per source (RD-130).
  Auth_Limit_Options auth_limits;
  log::Format log_format = log::Format::text;
  // Identical DENY lines written per second and peer (RD-131); 0: no limit.
  std::uint32_t log_deny_limit = 10;
  // Embedded home network.
  std::string realm = "annexo.test";
  std::uint32_t max_registration_expires_s = 600;
  sip::DigestAlgorithm digest = sip::DigestAlgorithm::md5;
};

class Connection;
class Home_Network;

class Server final : public Next_Hop_Client {
 public:
  Server(Options options, log::Decision_Log& log, net::Event_Loop& loop);
  ~Server() override;
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Loads credentials and users, checks the configuration with the core,
  // listens. False with *err set (the message names the file or requirement).
  bool start(std::string* err);
  // The bound port (useful with --listen 127.0.0.1:0).
  std::uint16_t port() const { return m_port; }
  // SIGUSR1: one line per binding (JSON when --log-format json, ending with
  // a {"bindings":N,"capacity":M} line; text: that count first).
  void dump_bindings(std::FILE* out) const;
  std::size_t connections() const { return m_conns.size(); }

  // --- used by Connection ---
  const Options& options() const { return m_options; }
  log::Decision_Log& log() { return m_log; }
  net::Event_Loop& loop() { return m_loop; }
  const core::pcscf::RtPolicy& machine_policy() const { return m_policy; }
  const core::PcscfTlsConfig& tls_config() const { return m_tls_config; }
  core::BindingTable& table() { return m_table; }
  Auth_Limits& auth_limits() { return m_auth_limits; }
  Next_Hop& next_hop() { return *m_next_hop; }
  tls::Server_Stack& tls_stack() { return *m_tls_stack; }
  std::uint64_t next_session_handle() { return ++m_session_counter; }
  void retire(std::uint64_t conn_id);  // the connection closed: destroy it after this loop turn
  // The connection's machine moved: its deadline (none when closed) for the timer heap.
  void deadline_changed(std::uint64_t conn_id, std::optional<core::Seconds> at) {
    m_timers.set(conn_id, at);
  }
  const core::SipHashKey& flow_key() const { return m_flow_key; }
  // The Security-Server list this P-CSCF sends: the core's answer (exactly tls).
  const core::SecMechList& security_server() const { return m_security_server; }
  // host:port put into the Path URI: the core-side listener, else the TLS one.
  std::string path_host_port() const;
  // Next_Hop_Client: hands the next hop's answer to the connection by id.
  void next_hop_answer(std::uint64_t conn_id, const sip::Message& ue_request,
                       const Register_Facts* reg, const sip::Message& response) override;
  // A terminating request the P-CSCF sent to a UE over TLS (top Via branch ->
  // the connection it went on and the core-side peer to answer).
  void add_terminating(const std::string& branch, std::uint64_t conn_id, std::uint64_t core_peer,
                       const sip::Message& request);
  // A response from conn_id whose top Via is ours: relays it to the core side
  // (false when the branch is not a transaction of that connection).
  bool relay_terminating_response(std::uint64_t conn_id, const sip::Message& response);
  // Answers a core-side request with code (when the peer is still there).
  void answer_core(std::uint64_t core_peer, const sip::Message& req, int code,
                   const std::string& reason = {});

 private:
  // O.2.1-PC-CERT-PROFILE: the core's profile check of the configured chain.
  bool check_own_certificate(std::string* err);
  void on_accept();
  bool evict_oldest_unbound();
  std::size_t live_connections() const;
  bool make_room();
  void note_refused(const char* why);
  void log_limits();
  std::optional<core::Seconds> next_deadline() const;
  void on_tick(core::Seconds now);
  void reap();
  void on_secagree_message(Plain_Sip_Peer& peer, const sip::Message& m);
  // --next-hop: the unprotected REGISTER forwarded for the S-CSCF's challenge,
  // and that answer relayed to the plain connection (RD-370).
  void forward_secagree_register(Plain_Sip_Peer& peer, const sip::Message& m, log::Fields who);
  void secagree_answered(std::uint64_t peer_id, const sip::Message& ue_request,
                         const sip::Message& response);
  // Next_Hop ids of the sec-agree side: the plain peer's id with this bit
  // (TLS connection ids count from 1 and never reach it).
  static constexpr std::uint64_t kSecAgreeConn = std::uint64_t{1} << 63;
  void on_core_message(Plain_Sip_Peer& peer, const sip::Message& m);

  struct Terminating {
    std::uint64_t conn_id = 0;
    std::uint64_t core_peer = 0;
    sip::Message request;        // to answer 430 if the connection dies first
    core::Seconds deadline = 0;  // 408 to the core side when the UE stays silent
  };

  Options m_options;
  log::Decision_Log& m_log;
  net::Event_Loop& m_loop;
  core::pcscf::RtPolicy m_policy{};
  core::PcscfTlsConfig m_tls_config;
  std::vector<core::Binding> m_rows;
  std::vector<std::uint32_t> m_index;
  std::vector<core::IdentityChunk> m_chunks;
  core::BindingTable m_table;
  // Botan or OpenSSL, with all their state (RNG, credentials, SSL_CTX).
  std::unique_ptr<tls::Server_Stack> m_tls_stack;
  tls::Own_Certificate m_own_cert;
  int m_listen_fd = -1;
  std::uint16_t m_port = 0;
  std::uint64_t m_conn_counter = 0;
  std::uint64_t m_session_counter = 0;
  std::map<std::uint64_t, std::unique_ptr<Connection>> m_conns;
  // The connections' deadlines (issue 15: no scan of m_conns per loop pass).
  mutable net::Timer_Heap m_timers;
  // Connection cap (RD-102): descriptors kept for everything but TLS
  // connections, the spare descriptor, refusals not yet logged.
  static constexpr unsigned kFdHeadroom = 32;
  std::uint32_t m_max_connections = 0;
  net::Fd_Reserve m_reserve;
  bool m_listen_paused = false;
  core::Seconds m_listen_resume = 0;
  std::uint64_t m_refused = 0;
  bool m_refused_logged = false;
  core::Seconds m_refused_at = 0;
  std::vector<std::uint64_t> m_retired;
  core::SipHashKey m_flow_key{};
  core::SecMechList m_security_server{};
  std::unique_ptr<Plain_Sip_Listener> m_secagree;
  std::unique_ptr<Plain_Sip_Listener> m_core_side;
  std::unique_ptr<Next_Hop> m_next_hop;
  Home_Network* m_home = nullptr;  // the embedded one, when m_next_hop is it
  std::map<std::string, Terminating> m_terminating;
  Auth_Limits m_auth_limits;
};

}  // namespace annexo::pcscf
