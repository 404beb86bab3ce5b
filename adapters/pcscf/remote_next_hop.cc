#include "adapters/pcscf/remote_next_hop.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include "adapters/net/clock.h"
#include "adapters/pcscf/record_route.h"
#include "adapters/sip/digest.h"
#include "adapters/tls/alert_name.h"
#include "adapters/tls/chain_report.h"
#include "core/cert_policy.h"

namespace annexo::pcscf {

using log::Verdict;

namespace {

// RFC 3261 16.6 item 8: the P-CSCF's own Via, on top, with a fresh branch.
constexpr const char* kMagic = "z9hG4bK";

}  // namespace

// The TLS client towards the next hop (RD-271): an endpoint of the stack
// --tls-stack names (adapters/tls/stack.h), its offer and policy from the
// core's tables as the UE's (build_offer; TLS 1.3 where the stack speaks
// it), the Server_Hello_Gate on the raw ServerHello. Records out to the write
// queue, plaintext in to the SIP framer. The next hop's certificate is
// judged by core::cert_verdict: the RFC 5280 path to --next-hop-ca and the
// name --next-hop-name. No CRL is configured towards the next hop, so
// revocation information is not required; no client certificate.
class Remote_Next_Hop::Tls_Link final : public tls::Endpoint_Events {
 public:
  Tls_Link(Remote_Next_Hop& owner, tls::Client_Stack& stack)
      : m_owner(owner),
        m_endpoint(stack.make_endpoint(*this, owner.m_o.next_hop.str(), owner.m_o.server_name)) {}
  tls::Endpoint& endpoint() { return *m_endpoint; }

  void tls_out(const std::uint8_t data[], std::size_t size) override {
    m_owner.m_wq.append(data, size);
  }
  void tls_plaintext(const std::uint8_t data[], std::size_t size) override {
    m_owner.m_framer.feed(data, size);
  }
  void tls_alert_received(const tls::Alert_Fact& alert) override {
    m_owner.m_log.decision(Verdict::info, "", "TLS alert from the next hop",
                           {{"alert", tls::alert_name(alert.description)}});
  }
  core::Error tls_peer_chain(const tls::Peer_Chain& chain) override {
    core::CertFacts cf = tls::to_core_facts(chain, m_owner.m_o.server_name);
    cf.revocation_required = false;
    const core::Error verdict = core::cert_verdict(cf);
    if (verdict != core::Error::ok) {
      m_owner.m_log.decision(Verdict::deny, "3261-16.7-PC-NEXT-HOP-FAILURE",
                             "next hop certificate rejected",
                             {{"server_name", m_owner.m_o.server_name},
                              {"error", core::error_info(verdict).name},
                              {"reason", core::error_message(verdict)},
                              {"path", chain.path_text}});
    }
    return verdict;
  }
  // No client certificate: the stack answers with an empty Certificate.
  core::Error tls_certificate_request() override { return core::Error::ok; }
  // A renegotiation the next hop asks for runs under the same policy and
  // the same certificate check.
  core::Error tls_renegotiation_client_hello(const std::vector<std::uint16_t>&) override {
    return core::Error::ok;
  }
  core::Error tls_handshake_complete(const tls::Handshake_Facts& f) override {
    if (f.renegotiation) return core::Error::ok;
    char suite[8];
    std::snprintf(suite, sizeof(suite), "0x%04X", f.suite);
    m_owner.m_log.decision(Verdict::info, "3261-16.7-PC-NEXT-HOP-FAILURE",
                           "TLS to the next hop established",
                           {{"next_hop", m_owner.m_o.next_hop.str()},
                            {"server_name", m_owner.m_o.server_name},
                            {"stack", m_endpoint->stack_name()},
                            {"suite", suite}});
    return core::Error::ok;
  }

 private:
  Remote_Next_Hop& m_owner;
  std::unique_ptr<tls::Endpoint> m_endpoint;
};

Remote_Next_Hop::Remote_Next_Hop(Remote_Next_Hop_Options o, log::Decision_Log& log,
                                 net::Event_Loop& loop, Next_Hop_Client& client,
                                 std::function<std::string()> sent_by)
    : m_o(std::move(o)),
      m_log(log),
      m_loop(loop),
      m_client(client),
      m_sent_by(std::move(sent_by)) {}

Remote_Next_Hop::~Remote_Next_Hop() {
  m_tls.reset();
  if (m_fd >= 0) {
    m_loop.remove(m_fd);
    net::close_fd(m_fd);
  }
}

bool Remote_Next_Hop::start(std::string* err) {
  if (m_o.tls) {
    if (m_o.ca_file.empty() || m_o.server_name.empty()) {
      *err = "TLS towards the next hop needs --next-hop-ca and --next-hop-name";
      return false;
    }
    // The core's client profile (RD-271), on the stack --tls-stack names.
    core::UeTlsConfig config;
    //= spec#33210-6.2.1-TLS13-MANDATORY type=implementation
    config.enable_tls13 = tls::tls_stack_speaks_tls13(m_o.tls_stack);
    core::Offer offer;
    if (const core::Error e = core::build_offer(config, offer); e != core::Error::ok) {
      *err = std::string("--next-hop-transport tls: ") + core::error_message(e);
      return false;
    }
    m_stack = std::make_unique<tls::Client_Stack>();
    if (!m_stack->start(m_o.tls_stack, config, offer, m_o.ca_file, {}, err)) {
      *err = "--next-hop-ca: " + *err;
      return false;
    }
  }
  m_log.decision(Verdict::info, "24229-5.2.1-PATH-SUPPORT",
                 "next hop towards the home network (registrations and originating requests)",
                 {{"next_hop", m_o.next_hop.str()},
                  {"transport", m_o.tls ? "tls" : "tcp"},
                  {"tls_stack", m_o.tls ? tls::tls_stack_name(m_o.tls_stack) : "none"},
                  {"transaction_timeout_s", std::to_string(m_o.transaction_timeout_s)}});
  return true;  // connected on demand: the S-CSCF may start after the P-CSCF
}

// RD-110: the IMPI of a forwarded REGISTER is the credentials' username; a
// REGISTER without credentials concerns no IMPI the P-CSCF can know (the
// S-CSCF challenges it).
std::string Remote_Next_Hop::impi_of(const sip::Message&,
                                     const std::optional<sip::DigestCredentials>& creds) const {
  return creds ? creds->username : std::string();
}

void Remote_Next_Hop::forward_register(std::uint64_t conn_id, const sip::Message& ue_request,
                                       const sip::Message& fwd, const Register_Facts& facts) {
  forward(conn_id, ue_request, fwd, &facts);
}

void Remote_Next_Hop::forward_request(std::uint64_t conn_id, const sip::Message& ue_request,
                                      const sip::Message& fwd) {
  forward(conn_id, ue_request, fwd, nullptr);
}

void Remote_Next_Hop::answer_locally(const Pending& p, int code, const std::string& reason,
                                     const char* requirement, const std::string& why) {
  m_log.decision(Verdict::deny, requirement, why,
                 {{"conn", std::to_string(p.conn_id)},
                  {"method", p.ue_request.method},
                  {"call_id", p.ue_request.call_id},
                  {"status", std::to_string(code)},
                  {"next_hop", m_o.next_hop.str()}});
  if (p.ue_request.method == "ACK") return;
  sip::Message r = sip::make_response(p.ue_request, code, reason, sip::random_hex(4));
  if (code == 503 && m_backoff_s > 0) r.add("Retry-After", std::to_string(m_backoff_s));
  m_client.next_hop_answer(p.conn_id, p.ue_request, p.reg ? &*p.reg : nullptr, r);
}

void Remote_Next_Hop::forward(std::uint64_t conn_id, const sip::Message& ue_request,
                              sip::Message fwd, const Register_Facts* reg) {
  Pending p;
  p.conn_id = conn_id;
  p.ue_request = ue_request;
  if (reg != nullptr) p.reg = *reg;
  const std::string me = m_sent_by();
  //= spec#3261-16.3-PC-MAXFWD-LOOP type=implementation
  // RFC 3261 16.3 item 3: Max-Forwards 0 is not forwarded (483); 16.6 item 3:
  // decremented, or 70 when absent.
  std::uint32_t max_forwards = 70;
  if (const std::string* mf = fwd.first("Max-Forwards")) {
    auto n = sip::parse_uint32(*mf, "Max-Forwards");
    if (!n.ok()) {
      answer_locally(p, 400, n.error().text(), "3261-16.3-PC-MAXFWD-LOOP", "bad Max-Forwards");
      return;
    }
    if (*n == 0) {
      answer_locally(p, 483, "Too Many Hops", "3261-16.3-PC-MAXFWD-LOOP",
                     "Max-Forwards 0: not forwarded");
      return;
    }
    max_forwards = *n - 1;
  }
  // RFC 3261 16.3 item 4: a request already carrying this P-CSCF's Via has
  // come back to it: loop (482).
  for (const sip::Via& v : fwd.via) {
    const std::string hp = v.host + (v.port ? ":" + std::to_string(*v.port) : "");
    if (hp == me && v.transport == (m_o.tls ? "TLS" : "TCP")) {
      answer_locally(p, 482, "Loop Detected", "3261-16.3-PC-MAXFWD-LOOP",
                     "request carries this P-CSCF's Via: loop");
      return;
    }
  }
  fwd.remove("Max-Forwards");
  fwd.add("Max-Forwards", std::to_string(max_forwards));
  std::string branch;
  do {
    branch = kMagic + sip::random_hex(8);
  } while (m_pending.count(branch) != 0);
  const auto first_via = std::find_if(fwd.headers.begin(), fwd.headers.end(),
                                      [](const sip::HeaderField& h) { return h.name == "Via"; });
  fwd.headers.insert(first_via,
                     sip::HeaderField{"Via", std::string("SIP/2.0/") + (m_o.tls ? "TLS " : "TCP ") +
                                                 me + ";branch=" + branch + ";rport"});
  if (!ensure_connection()) {
    answer_locally(p, 503, "Next Hop Unreachable", "3261-16.7-PC-NEXT-HOP-FAILURE",
                   "next hop cannot be reached: 503 to the UE");
    return;
  }
  auto wire = sip::serialize(fwd);
  if (!wire.ok()) {
    answer_locally(p, 500, "Not Forwardable", "ADP-SIP-MALFORMED-400", wire.error().text());
    return;
  }
  if (reg != nullptr) {
    const std::string* authz = fwd.first("Authorization");
    //= spec#O.2-PC-INTEGRITY-PROTECTED-PARAM type=implementation
    m_log.decision(Verdict::allow, "O.2-PC-INTEGRITY-PROTECTED-PARAM",
                   "REGISTER forwarded to the next hop",
                   {{"conn", std::to_string(conn_id)},
                    {"branch", branch},
                    {"path", fwd.joined("Path")},
                    {"authorization", authz != nullptr ? *authz : ""}});
  } else {
    m_log.decision(Verdict::allow, "24229-5.2.1-PATH-SUPPORT",
                   "originating request forwarded to the next hop",
                   {{"conn", std::to_string(conn_id)},
                    {"method", fwd.method},
                    {"branch", branch},
                    {"route", fwd.joined("Route")}});
  }
  send_sip(*wire);
  if (fwd.method != "ACK") {
    p.deadline = core::time_add(net::monotonic_seconds(), m_o.transaction_timeout_s);
    m_pending.emplace(branch, std::move(p));
  }
  flush();
}

// A TCP connection to the next hop, or a connect under way; false while the
// back-off after a failure runs or when the connect fails at once.
bool Remote_Next_Hop::ensure_connection() {
  if (m_fd >= 0) return true;
  const core::Seconds now = net::monotonic_seconds();
  if (m_backoff_s > 0 && !core::time_reached(now, m_retry_at)) return false;
  std::string err;
  const int fd = net::connect_tcp(m_o.next_hop, &err);
  if (fd < 0) {
    connection_failed("connect: " + err, true);
    return false;
  }
  m_fd = fd;
  m_connected = false;
  m_wq = net::Write_Queue{};
  m_framer = sip::Framer{sip::FramerRole::client};
  m_loop.add(m_fd, true, [this](net::Ready r) { on_ready(r); });
  return true;
}

void Remote_Next_Hop::send_sip(const std::string& wire) {
  if (!m_o.tls) {
    m_wq.append(reinterpret_cast<const std::uint8_t*>(wire.data()), wire.size());
    return;
  }
  if (!m_tls || !m_tls->endpoint().established()) {
    m_before_handshake += wire;
    return;
  }
  if (!m_tls->endpoint().send(reinterpret_cast<const std::uint8_t*>(wire.data()), wire.size())) {
    m_log.decision(Verdict::error, "", "TLS send to the next hop failed",
                   {{"what", m_tls->endpoint().failure().what}});
  }
}

void Remote_Next_Hop::connection_failed(const std::string& why, bool back_off) {
  m_tls.reset();
  m_before_handshake.clear();
  if (m_fd >= 0) {
    m_loop.remove(m_fd);
    net::close_fd(m_fd);
    m_fd = -1;
  }
  const bool was_connected = m_connected;
  m_connected = false;
  if (back_off) {
    m_backoff_s = m_backoff_s == 0 ? 1 : std::min(m_backoff_s * 2, m_o.max_backoff_s);
    m_retry_at = core::time_add(net::monotonic_seconds(), m_backoff_s);
  }
  m_log.decision(Verdict::deny, "3261-16.7-PC-NEXT-HOP-FAILURE", "connection to the next hop lost",
                 {{"next_hop", m_o.next_hop.str()},
                  {"reason", why},
                  {"was_connected", was_connected ? "yes" : "no"},
                  {"retry_after_s", std::to_string(back_off ? m_backoff_s : 0)}});
  // Nothing will answer the requests sent on it: 503 to each UE now.
  auto pending = std::move(m_pending);
  m_pending.clear();
  for (auto& [branch, p] : pending) {
    answer_locally(p, 503, "Next Hop Unreachable", "3261-16.7-PC-NEXT-HOP-FAILURE",
                   "next hop connection failed before the answer: 503 to the UE");
  }
}

void Remote_Next_Hop::flush() {
  if (m_fd < 0 || !m_connected) return;
  if (!m_wq.flush(m_fd)) {
    connection_failed("write error", true);
    return;
  }
  m_loop.want_write(m_fd, !m_wq.empty());
}

void Remote_Next_Hop::on_ready(net::Ready r) {
  if (m_fd < 0) return;
  if (!m_connected && (r.writable || r.hangup)) {
    const int e = net::connect_result(m_fd);
    if (e != 0) {
      connection_failed(std::string("connect: ") + std::strerror(e), true);
      return;
    }
    m_connected = true;
    m_backoff_s = 0;
    m_log.decision(Verdict::info, "3261-16.7-PC-NEXT-HOP-FAILURE", "connected to the next hop",
                   {{"next_hop", m_o.next_hop.str()}});
    if (m_o.tls) {
      try {
        m_tls = std::make_unique<Tls_Link>(*this, *m_stack);
        m_tls->endpoint().start();  // ClientHello queued
      } catch (const std::exception& ex) {
        connection_failed(std::string("TLS: ") + ex.what(), true);
        return;
      }
      if (m_tls->endpoint().failed()) {
        connection_failed("TLS: " + m_tls->endpoint().failure().what, true);
        return;
      }
    }
  }
  if (r.readable) {
    std::string in;
    const long n = net::read_available(m_fd, in);
    if (!in.empty() && m_tls) {
      if (!m_tls->endpoint().received(reinterpret_cast<const std::uint8_t*>(in.data()),
                                      in.size())) {
        // Certificate or handshake refused: a transport error (503 to the UE).
        (void)m_wq.flush(m_fd);  // the alert the stack queued
        const tls::Endpoint_Failure& f = m_tls->endpoint().failure();
        connection_failed(std::string("TLS: ") + tls::failure_source_name(f.source) + ": " + f.what,
                          true);
        return;
      }
      if (m_tls->endpoint().established() && !m_before_handshake.empty()) {
        std::string queued;
        queued.swap(m_before_handshake);
        send_sip(queued);
      }
      in.clear();
    } else if (!in.empty()) {
      m_framer.feed(in);
    }
    dispatch_framed();
    if (m_fd < 0) return;
    if (n == 0 || n == -1) {
      connection_failed(n == 0 ? "next hop closed the connection" : "read error", false);
      return;
    }
  }
  if (r.hangup) {
    connection_failed("hang-up", false);
    return;
  }
  flush();
}

void Remote_Next_Hop::dispatch_framed() {
  for (;;) {
    auto ev = m_framer.next();
    if (!ev.ok()) {
      connection_failed("SIP framing error: " + ev.error().text(), false);
      return;
    }
    if (!ev.value().has_value()) return;
    const sip::FrameEvent fe = std::move(*ev.value());
    if (fe.kind != sip::FrameKind::message) continue;
    auto msg = sip::parse_message(fe.bytes);
    if (!msg.ok()) {
      m_log.decision(Verdict::deny, "ADP-SIP-MALFORMED-400",
                     "malformed SIP message from the next hop", {{"reason", msg.error().text()}});
      continue;
    }
    on_message(*msg);
    if (m_fd < 0) return;
  }
}

void Remote_Next_Hop::on_message(const sip::Message& m) {
  if (m.is_request) {
    // Terminating requests reach the core-side listener (the Path URI).
    m_log.decision(Verdict::info, "", "request on the next-hop connection ignored",
                   {{"method", m.method}});
    return;
  }
  if (m.via.empty() || !m.via.front().branch) return;
  const auto it = m_pending.find(*m.via.front().branch);
  if (it == m_pending.end()) {
    m_log.decision(Verdict::info, "", "response from the next hop matches no transaction",
                   {{"status", std::to_string(m.status)}});
    return;
  }
  sip::Message r = m;
  // Our Via (the top one) is removed before the response goes to the UE.
  for (std::size_t i = 0; i < r.headers.size(); ++i) {
    if (r.headers[i].name != "Via") continue;
    auto list = sip::parse_via(r.headers[i].value);
    if (list.ok() && list->size() > 1) {
      std::string rest;
      for (std::size_t k = 1; k < list->size(); ++k) {
        rest += (rest.empty() ? "" : ", ") + sip::format_via((*list)[k]);
      }
      r.headers[i].value = rest;
    } else {
      r.headers.erase(r.headers.begin() + static_cast<std::ptrdiff_t>(i));
    }
    break;
  }
  if (!r.via.empty()) r.via.erase(r.via.begin());
  const std::uint64_t conn_id = it->second.conn_id;
  const sip::Message ue_request = it->second.ue_request;
  std::optional<Register_Facts> reg = it->second.reg;
  if (m.status >= 200) {
    m_pending.erase(it);
  } else if (restarts_timer_c(ue_request, m)) {
    // RD-203: the far end is alerting: Timer C, not 408 after Timer B.
    it->second.deadline = core::time_add(net::monotonic_seconds(), kTimerCSeconds);
  }
  m_client.next_hop_answer(conn_id, ue_request, reg ? &*reg : nullptr, r);
}

void Remote_Next_Hop::connection_closed(std::uint64_t conn_id) {
  for (auto it = m_pending.begin(); it != m_pending.end();) {
    it = it->second.conn_id == conn_id ? m_pending.erase(it) : std::next(it);
  }
}

std::optional<core::Seconds> Remote_Next_Hop::next_deadline() const {
  std::optional<core::Seconds> best;
  for (const auto& [branch, p] : m_pending) {
    if (!best || core::time_reached(*best, p.deadline)) best = p.deadline;
  }
  return best;
}

void Remote_Next_Hop::on_tick(core::Seconds now) {
  std::vector<Pending> due;
  for (auto it = m_pending.begin(); it != m_pending.end();) {
    if (core::time_reached(now, it->second.deadline)) {
      due.push_back(std::move(it->second));
      it = m_pending.erase(it);
    } else {
      ++it;
    }
  }
  //= spec#3261-16.7-PC-NEXT-HOP-FAILURE type=implementation
  // RFC 3261 16.7 / 16.8: no final response before the timer: 408 to the UE.
  for (const Pending& p : due) {
    answer_locally(p, 408, "Request Timeout", "3261-16.7-PC-NEXT-HOP-FAILURE",
                   "next hop did not answer in time: 408 to the UE");
  }
}

}  // namespace annexo::pcscf
