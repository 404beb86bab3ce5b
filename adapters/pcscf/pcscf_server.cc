#include "adapters/pcscf/pcscf_server.h"

#include <arpa/inet.h>
#include <sys/resource.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>

#include "adapters/net/clock.h"
#include "adapters/pcscf/home_network.h"
#include "adapters/pcscf/raw_refusal.h"
#include "adapters/pcscf/record_route.h"
#include "adapters/pcscf/register_forwarding.h"
#include "adapters/pcscf/remote_next_hop.h"
#include "adapters/pcscf/sec_agree_sip.h"
#include "adapters/sip/framer.h"
#include "adapters/sip/message.h"
#include "adapters/tls/stack.h"
#include "core/cipher_suites.h"
#include "core/flow_token.h"
#include "core/path_rules.h"
#include "core/pcscf_config.h"
#include "core/pcscf_driver.h"
#include "core/pcscf_scheme.h"

namespace annexo::pcscf {

namespace cp = core::pcscf;
using log::Verdict;

namespace {

const char* state_name(cp::State s) {
  switch (s) {
    case cp::State::handshaking:
      return "handshaking";
    case cp::State::unbound:
      return "unbound";
    case cp::State::reg_pending:
      return "reg_pending";
    case cp::State::bound:
      return "bound";
    case cp::State::renegotiating:
      return "renegotiating";
    case cp::State::closed:
      return "closed";
  }
  return "?";
}

// The UE's address as the core's 128-bit tuple halves (core/pcscf_limits.h):
// IPv4 as the IPv4-mapped IPv6 address.
bool ip_halves(const std::string& host, std::uint64_t* hi, std::uint64_t* lo) {
  in_addr v4{};
  if (inet_pton(AF_INET, host.c_str(), &v4) == 1) {
    *hi = 0;
    *lo = 0x0000ffff00000000ull | ntohl(v4.s_addr);
    return true;
  }
  in6_addr v6{};
  std::string h = host;
  if (!h.empty() && h.front() == '[') h = h.substr(1, h.size() - 2);
  if (inet_pton(AF_INET6, h.c_str(), &v6) != 1) return false;
  *hi = 0;
  *lo = 0;
  for (int i = 0; i < 8; ++i) *hi = (*hi << 8) | v6.s6_addr[i];
  for (int i = 8; i < 16; ++i) *lo = (*lo << 8) | v6.s6_addr[i];
  return true;
}

core::ByteView view(const std::string& s) {
  return core::ByteView(reinterpret_cast<const std::uint8_t*>(s.data()), s.size());
}

// `base` followed by `extra`: the fields of one decision-log line.
log::Fields with_fields(log::Fields base, log::Fields extra) {
  for (auto& kv : extra) base.push_back(std::move(kv));
  return base;
}

// Removes the first entry of the first `name` field (a Route we consume, our
// own Via): the field goes when that was its only entry.
template <class Parse, class Format>
void drop_first_entry(sip::Message& m, const char* name, Parse parse, Format format) {
  for (std::size_t i = 0; i < m.headers.size(); ++i) {
    if (sip::canonical_header_name(m.headers[i].name) != name) continue;
    auto list = parse(m.headers[i].value);
    if (list.ok() && list->size() > 1) {
      std::string rest;
      for (std::size_t k = 1; k < list->size(); ++k) {
        rest += (rest.empty() ? "" : ", ") + format((*list)[k]);
      }
      m.headers[i].value = rest;
    } else {
      m.headers.erase(m.headers.begin() + static_cast<std::ptrdiff_t>(i));
    }
    return;
  }
}

bool is_emergency(const sip::Message& m) {
  // RFC 5031 service URN for emergency (urn:service:sos and sub-services).
  return m.request_uri.rfind("urn:service:sos", 0) == 0;
}

}  // namespace

// ============================================================ Connection
class Connection final : public tls::Endpoint_Events {
 public:
  Connection(Server& srv, int fd, std::uint64_t id, net::Endpoint peer, core::Seconds now)
      : m_srv(srv), m_fd(fd), m_id(id), m_peer(std::move(peer)), m_framer(sip::FramerRole::server) {
    m_mc = core::pcscf_accept(srv.machine_policy(), id, now);
    if (srv.options().unbound_lifetime_s > 0) {
      m_unbound_budget = core::time_add(now, srv.options().unbound_lifetime_s);
    }
    // The TLS stack the server runs (adapters/tls/stack.h); the Client_Hello_Gate
    // reads the raw first ClientHello inside the endpoint, for both stacks.
    // O.4.2: a renegotiation ClientHello is accepted exactly while the
    // machine waits for the one it asked for (or when the operator allows
    // client-initiated renegotiation).
    m_tls = srv.tls_stack().make_endpoint(*this, m_peer.str(),
                                          [this] { return answer_renegotiation_question(); });
    std::uint64_t hi = 0, lo = 0;
    (void)ip_halves(m_peer.host, &hi, &lo);
    m_ip_hi = hi;
    m_ip_lo = lo;
  }

  cp::State state() const { return static_cast<cp::State>(m_mc.s.state); }

  // Botan asks allow_client_initiated_renegotiation() when a ClientHello
  // arrives on an established connection and, on "no", sends the warning
  // alert no_renegotiation before any callback sees the message. So the
  // refusal is the machine's client_hello row, driven (and logged) here.
  bool answer_renegotiation_question() {
    // Only the renegotiation the P-CSCF asked for (HelloRequest), unless the
    // operator allows client-initiated renegotiation; "no" is no_renegotiation.
    //= spec#O.4.2-PC-NO-CLIENT-RENEG type=implementation
    if (state() == cp::State::renegotiating || m_srv.machine_policy().allow_client_reneg) {
      return true;  // the ClientHello is then driven from tls_renegotiation_client_hello
    }
    if (state() == cp::State::handshaking || state() == cp::State::closed) return false;
    const auto o = drive(cp::make_event(cp::EventKind::client_hello, now()), core::EventIds{});
    log_outcome(o, "renegotiation ClientHello from the UE");
    return false;
  }
  bool bound() const { return m_mc.s.has_binding; }
  bool dead() const { return m_dead; }

  // The connection cap is reached and a new connection takes this one's
  // place (the oldest unbound one; RD-102).
  void evict() { close_now(); }

  std::optional<core::Seconds> deadline() const {
    if (m_dead) return std::nullopt;
    // RD-292: a closing connection waits for its queue to be written and for
    // nothing else; the machine's timers no longer act on it.
    if (m_closing) return m_closing_deadline;
    if (state() == cp::State::closed) return std::nullopt;
    std::optional<core::Seconds> best = unbound_budget();
    const auto d = cp::next_deadline<core::Concrete>(m_mc.s);
    if (d.armed && (!best || core::time_reached(*best, d.at))) best = d.at;
    return best;
  }

  // RD-129: the total budget of a connection that has not bound, from accept
  // (none once it has bound or is closing).
  std::optional<core::Seconds> unbound_budget() const {
    if (!m_unbound_budget || bound() || m_closing || m_dead) return std::nullopt;
    return m_unbound_budget;
  }

  // RD-129: the budget ran out before the connection bound, whatever it sent:
  // close_notify, then FIN once it is written.
  //= spec#IMPL-PC-UNBOUND-LIFETIME type=implementation
  bool close_if_unbound_budget_spent(core::Seconds now) {
    const auto b = unbound_budget();
    if (!b || !core::time_reached(now, *b)) return false;
    m_srv.log().decision(
        Verdict::deny, "IMPL-PC-UNBOUND-LIFETIME",
        "connection still unbound at its lifetime budget: closed (close_notify + FIN)",
        fields({{"unbound_lifetime_s", std::to_string(m_srv.options().unbound_lifetime_s)}}));
    m_unbound_budget.reset();
    close_after_flush();
    flush();
    if (!m_dead && !m_wq.empty()) {
      // RD-215: the kernel's send buffer is full, so the peer is not reading
      // what it was sent; the connection had its whole lifetime already, so
      // it gets no closing budget (RD-292) either: reset at once.
      //= spec#IMPL-PC-OUTPUT-BUDGET type=implementation
      reset_unwritten("IMPL-PC-OUTPUT-BUDGET",
                      "lifetime budget spent while the peer reads nothing: closed at once, "
                      "queued replies dropped",
                      {});
      return true;
    }
    regulate();  // a paused connection reads again while closing (its EOF)
    return true;
  }

  // RD-292: a connection that started closing (for whatever reason: the
  // machine's close actions, a TLS or framing failure, the peer's
  // close_notify, the unbound lifetime) and whose queue, close_notify last,
  // is still not written when its closing budget runs out has a peer that
  // reads nothing: waiting longer would keep the connection, and a bound
  // one its slot, for as long as that peer likes. Reset, queue dropped.
  //= spec#IMPL-PC-CLOSING-BUDGET type=implementation
  bool close_if_closing_budget_spent(core::Seconds now) {
    if (!m_closing || m_dead) return false;
    if (!m_closing_deadline || !core::time_reached(now, *m_closing_deadline)) return false;
    flush();  // the peer may have read meanwhile: then it closes as usual
    if (m_dead) return true;
    reset_unwritten("IMPL-PC-CLOSING-BUDGET",
                    "closing budget spent with the queue (close_notify last) unwritten: the peer "
                    "reads nothing; connection reset, queue dropped",
                    {{"closing_budget_s", std::to_string(m_srv.options().closing_budget_s)}});
    return true;
  }

  // One loop pass for this connection (RD-215..RD-217): replies queued for
  // the socket first, then the requests held from earlier passes, then new
  // bytes (at most what the input budget leaves room for), at most
  // --max-requests-per-pass of them; then the read interest follows the
  // budgets.
  void on_ready(net::Ready r) {
    if (m_dead) return;
    m_handled_this_pass = 0;
    if (r.writable && !m_wq.flush(m_fd)) {
      lost("write error");
      return;
    }
    note_output_level();
    if (m_framer.buffered() > 0) process_plaintext();
    if (m_dead) return;
    // A closing connection discards what it reads (feed) but keeps reading
    // to see the peer's EOF.
    const std::size_t allowance = m_closing ? 65536 : read_allowance();
    if (r.readable && m_reading && allowance > 0) {
      std::string in;
      const long n = net::read_some(m_fd, in, allowance);
      if (!in.empty()) feed(reinterpret_cast<const std::uint8_t*>(in.data()), in.size());
      if (n == 0 || n == -1) {
        lost(n == 0 ? "peer closed the TCP connection" : "read error");
        return;
      }
    }
    if (r.hangup && !m_dead) {
      lost("TCP hang-up");
      return;
    }
    flush();
    regulate();
  }

  void on_timer(core::Seconds now) {
    if (close_if_closing_budget_spent(now) || m_closing) return;
    if (close_if_unbound_budget_spent(now)) return;
    const auto d = deadline();
    if (!d || !core::time_reached(now, *d)) return;
    const auto o = drive(cp::make_event(cp::EventKind::timer, now), core::EventIds{});
    log_outcome(o, "timer");
    perform(o, nullptr);
    flush();
    regulate();
  }

  void dump(std::FILE* out, bool json) const {
    const core::Binding* b = m_srv.table().find(m_id);
    if (b == nullptr) return;
    std::vector<std::string> impus;
    for (std::uint8_t i = 0; i < core::kMaxImpus; ++i) {
      std::uint8_t buf[512];
      const std::size_t n = m_srv.table().copy_impu(m_id, i, buf, sizeof(buf));
      if (n > 0) impus.emplace_back(reinterpret_cast<const char*>(buf), n);
    }
    const auto it = m_session_ids.find(b->session);
    const std::string sid = it == m_session_ids.end() ? "?" : it->second;
    if (json) {
      nlohmann::ordered_json j;
      j["conn"] = m_id;
      j["peer"] = m_peer.str();
      j["session_id"] = sid;
      j["impi"] = m_impi;
      j["impus"] = impus;
      j["state"] = state_name(state());
      std::fprintf(out, "%s\n", j.dump().c_str());
    } else {
      std::string list;
      for (const auto& s : impus) list += (list.empty() ? "" : ",") + s;
      std::fprintf(out, "binding conn=%llu peer=%s session_id=%s impi=%s impus=%s state=%s\n",
                   static_cast<unsigned long long>(m_id), m_peer.str().c_str(), sid.c_str(),
                   m_impi.c_str(), list.c_str(), state_name(state()));
    }
  }

  // ------------------------------------------------------------ Endpoint_Events
  void tls_out(const std::uint8_t data[], std::size_t size) override { m_wq.append(data, size); }
  void tls_plaintext(const std::uint8_t data[], std::size_t size) override {
    m_plain.append(reinterpret_cast<const char*>(data), size);
  }
  void tls_alert_received(const tls::Alert_Fact& alert) override {
    m_srv.log().decision(Verdict::info, "", "TLS alert received",
                         fields({{"alert", std::to_string(alert.description)},
                                 {"level", alert.fatal ? "fatal" : "warning"}}));
    if (alert.description == 100 /* no_renegotiation */ && state() == cp::State::renegotiating) {
      const auto o = drive(cp::make_event(cp::EventKind::reneg_refused, now()), core::EventIds{});
      log_outcome(o, "reneg_refused");
      perform(o, nullptr);
    }
  }
  core::Error tls_peer_chain(const tls::Peer_Chain&) override {
    // The P-CSCF never asks for a client certificate (O.2.1), so no stack
    // hands it a client chain; if one did, nothing here may accept it.
    return core::Error::pcscf_event_not_allowed;
  }
  core::Error tls_certificate_request() override { return core::Error::pcscf_event_not_allowed; }

  void tls_peer_closed() override { m_tls_peer_closed = true; }  // answered after received()

  // RD-117: at TLS 1.3 the machine's hello_request went out as
  // KeyUpdate(update_requested); the UE's KeyUpdate is the answer, fed to
  // the machine as reneg_done with a new 64-bit handle for the same
  // exporter value (a TLS 1.3 connection has one handshake).
  void tls_key_update(bool received, bool /*update_requested*/) override {
    if (!received || m_version != 0x0304 || state() != cp::State::renegotiating) return;
    const std::uint64_t handle = m_srv.next_session_handle();
    m_session_ids[handle] = m_session_sid;
    auto e = cp::make_event(cp::EventKind::reneg_done, now());
    e.session = handle;
    e.ip_hi = m_ip_hi;
    e.ip_lo = m_ip_lo;
    e.port = m_peer.port;
    const auto o = drive(e, core::EventIds{});
    log_outcome(o, "session refreshed by KeyUpdate (TLS 1.3)",
                {{"session_handle", m_session_sid}, {"handle_kind", "exporter"}});
    forget_other_handles(handle);
    perform(o, nullptr);
  }

  core::Error tls_renegotiation_client_hello(const std::vector<std::uint16_t>& suites) override {
    // O.2.1-UE-NONNULL-OFFER holds for every ClientHello, renegotiation ones
    // included (decision A21): the core's test on the offered list.
    std::vector<std::uint8_t> raw;
    for (auto s : suites) {
      raw.push_back(static_cast<std::uint8_t>(s >> 8));
      raw.push_back(static_cast<std::uint8_t>(s));
    }
    const core::U16List list{core::ByteView(raw.data(), raw.size())};
    if (!core::offer_has_encrypting_suite(list)) {
      deny(core::Error::profile_ch_no_encrypting_suite, "renegotiation ClientHello refused",
           {{"offered_suites", std::to_string(suites.size())}});
      return core::Error::profile_ch_no_encrypting_suite;
    }
    const auto o = drive(cp::make_event(cp::EventKind::client_hello, now()), core::EventIds{});
    log_outcome(o, "renegotiation ClientHello");
    // A refusal (refuse_reneg) is carried out by the TLS library: Botan's
    // policy answers allow_client_initiated_renegotiation() from the same
    // machine state; OpenSSL refuses a client's renegotiation itself
    // (RD-121). Either sends the warning alert no_renegotiation.
    return core::Error::ok;
  }

  core::Error tls_handshake_complete(const tls::Handshake_Facts& f) override {
    // The session handle the binding keys on (RD-116): the P-CSCF's Session
    // ID at TLS 1.2, the exporter value at TLS 1.3.
    const bool tls13 = f.version == 0x0304;
    const std::string sid = tls::handle_hex(f.session_handle);
    if (f.session_handle.empty()) {
      // Neither stack issues tickets or resumes here (RD-119), so this does
      // not happen; if it did, there would be nothing to bind (O.2.1/O.2.2):
      // refuse.
      m_srv.log().decision(Verdict::deny,
                           tls13 ? "RFC8446-SESSION-ID-LEGACY" : "O.2.1-PC-NONEMPTY-SESSION-ID",
                           tls13 ? "handshake produced no exporter session handle: refused"
                                 : "handshake produced an empty Session ID: refused",
                           fields({}));
      return core::Error::pcscf_handshake_failed;
    }
    const std::uint64_t handle = m_srv.next_session_handle();
    m_session_ids[handle] = sid;
    m_version = f.version;
    auto e = cp::make_event(
        f.renegotiation ? cp::EventKind::reneg_done : cp::EventKind::handshake_ok, now());
    e.session = handle;
    e.ip_hi = m_ip_hi;
    e.ip_lo = m_ip_lo;
    e.port = m_peer.port;
    const std::string old_sid = m_session_sid;
    const auto o = drive(e, core::EventIds{});
    char suite[8];
    std::snprintf(suite, sizeof(suite), "0x%04X", f.suite);
    char group[8];
    std::snprintf(group, sizeof(group), "0x%04X", f.group);
    log::Fields extra{{"version", f.version == 0x0303   ? "TLS1.2"
                                  : f.version == 0x0304 ? "TLS1.3"
                                                        : std::to_string(f.version)},
                      {"suite", suite},
                      {"group", group},
                      {"stack", m_tls->stack_name()},
                      {"session_id", sid}};
    if (tls13) extra.emplace_back("handle_kind", "exporter");
    if (f.renegotiation) extra.emplace_back("old_session_id", old_sid);
    log_outcome(o, f.renegotiation ? "renegotiation finished" : "handshake finished", extra);
    // RD-01, O.1.2-OP-PRIVACY-LAW: every negotiated NULL-encryption suite
    // leaves an audit record. Reachable only with --allow-null-encryption on
    // the OpenSSL stack (Botan 2.19 has no NULL suite; RD-350).
    //= spec#O.2.1-ALL-NULL-MAY type=implementation
    if (!core::suite_encrypts(f.suite))
      m_srv.log().decision(Verdict::allow, "O.2.1-ALL-NULL-MAY",
                           "NULL-encryption suite negotiated (operator opt-in): integrity "
                           "protection only, no confidentiality",
                           fields({{"suite", suite}, {"session_id", sid}}));
    if (!f.renegotiation) {
      // Neither stack sends a CertificateRequest at the P-CSCF (Botan's policy,
      // OpenSSL's SSL_VERIFY_NONE; RD-121).
      m_srv.log().decision(Verdict::info, "O.2.1-PC-NO-CLIENT-CERT-REQ",
                           "handshake completed without a CertificateRequest",
                           fields({{"session_id", sid}}));
      if (tls13) {
        m_srv.log().decision(
            Verdict::info, "RFC8446-SESSION-ID-LEGACY",
            "TLS 1.3: the session handle is the TLS exporter value (RD-116), not a Session ID",
            fields({{"session_id", sid}, {"length", std::to_string(f.session_handle.size())}}));
      } else {
        m_srv.log().decision(
            Verdict::info, "O.2.1-PC-NONEMPTY-SESSION-ID", "P-CSCF issued a non-empty Session ID",
            fields({{"session_id", sid}, {"length", std::to_string(f.session_handle.size())}}));
      }
    }
    if (!o.accepted)
      return o.error == core::Error::ok ? core::Error::pcscf_event_not_allowed : o.error;
    m_session_sid = sid;
    forget_other_handles(handle);
    perform(o, nullptr);
    return core::Error::ok;
  }

  // Only the current session's handle can be in the binding (the driver
  // replaced it): forget older ones so a long-lived connection stays small.
  void forget_other_handles(std::uint64_t handle) {
    for (auto it = m_session_ids.begin(); it != m_session_ids.end();) {
      it = it->first == handle ? std::next(it) : m_session_ids.erase(it);
    }
  }

 private:
  static core::Seconds now() { return net::monotonic_seconds(); }

  log::Fields fields(log::Fields extra) const {
    return with_fields({{"conn", std::to_string(m_id)}, {"peer", m_peer.str()}}, std::move(extra));
  }

  void deny(core::Error e, const std::string& what, log::Fields extra) {
    extra.emplace_back("error", core::error_info(e).name);
    extra.emplace_back("reason", core::error_message(e));
    m_srv.log().decision(Verdict::deny, core::error_requirement(e), what, fields(std::move(extra)));
  }

  cp::Outcome drive(cp::RtEvent e, const core::EventIds& ids) {
    const cp::Outcome o = core::pcscf_drive(m_srv.machine_policy(), m_srv.table(), m_mc, e, ids);
    m_srv.deadline_changed(m_id, deadline());  // m_mc changes only here and when accepted
    return o;
  }

  //= spec#ADP-PCSCF-DECISION-LOG type=implementation
  void log_outcome(const cp::Outcome& o, const std::string& what, log::Fields extra = {}) {
    extra.emplace_back("from", state_name(o.from));
    extra.emplace_back("to", state_name(o.accepted ? o.to : o.from));
    extra.emplace_back("act", std::to_string(static_cast<int>(o.act)));
    if (o.error != core::Error::ok) {
      extra.emplace_back("error", core::error_info(o.error).name);
      extra.emplace_back("reason", core::error_message(o.error));
    }
    const bool refused = !o.accepted || o.error != core::Error::ok;
    std::string req = o.requirement != nullptr ? o.requirement : "";
    if (req.empty()) req = core::error_requirement(o.error);
    if (req.empty()) req = "IMPL-PC-DENY-UNLISTED";
    m_srv.log().decision(refused ? Verdict::deny : Verdict::allow, req, what,
                         fields(std::move(extra)));
  }

  // Feeds TCP bytes to the endpoint: its Client_Hello_Gate reads the first
  // ClientHello with the core's reader before the TLS library sees a byte.
  void feed(const std::uint8_t* data, std::size_t size) {
    if (m_closing) return;
    const bool was_active = m_tls->established();
    const bool ok = m_tls->received(data, size);
    const tls::Endpoint_Failure& f = m_tls->failure();
    if (!m_gate_logged &&
        (f.source == tls::Failure_Source::gate || m_tls->gate_choice().version != 0)) {
      m_gate_logged = true;
      if (f.source == tls::Failure_Source::gate) {
        // The endpoint wrote the gate's alert record (tls_out).
        deny(f.error, "ClientHello refused before the TLS library saw it", {{"detail", f.what}});
        const auto o =
            drive(cp::make_event(cp::EventKind::handshake_failed, now()), core::EventIds{});
        log_outcome(o, "handshake failed");
        close_after_flush();
        return;
      }
      const auto& ch = m_tls->gate_choice();
      char suite[8];
      std::snprintf(suite, sizeof(suite), "0x%04X", ch.suite);
      m_srv.log().decision(Verdict::allow, "O.2.1-UE-NONNULL-OFFER",
                           "ClientHello accepted by the core's handshake reader",
                           fields({{"chosen_suite", suite}, {"stack", m_tls->stack_name()}}));
    }
    if (!ok) {
      log::Fields extra{{"source", tls::failure_source_name(f.source)},
                        {"alert_sent", std::to_string(f.alert_sent)},
                        {"alert_received", std::to_string(f.alert_received)},
                        {"what", f.what}};
      if (f.source == tls::Failure_Source::core_rejection) {
        deny(f.error, "TLS refused on the core's verdict", extra);
      } else {
        m_srv.log().decision(Verdict::deny, "O.4.2-PC-HANDSHAKE-GATE", "TLS failure",
                             fields(extra));
      }
      if (!m_dead && state() != cp::State::closed) {
        const auto kind = (was_active || state() != cp::State::handshaking)
                              ? cp::EventKind::connection_lost
                              : cp::EventKind::handshake_failed;
        const auto o = drive(cp::make_event(kind, now()), core::EventIds{});
        log_outcome(o, "TLS failure");
      }
      close_after_flush();
      return;
    }
    if (m_tls_peer_closed && !m_closing && !m_dead) {
      answer_close_notify();
      return;
    }
    process_plaintext();
  }

  // RFC 5246 7.2.1: a close_notify received is answered with our own and
  // the connection closed at once, "discarding any pending writes" (RFC 8446
  // 6.1: close_notify before the write side closes). SIP read with it or
  // held from earlier passes is not acted on: no reply could reach the UE
  // (Botan has already reset its channel; OpenSSL would still write), so
  // both stacks discard it alike, logged. Botan writes its close_notify
  // itself; OpenSSL's comes from SSL_shutdown in close_after_flush.
  //= spec#RFC5246-7.2.1-PC-ANSWER-CLOSE-NOTIFY type=implementation
  void answer_close_notify() {
    const std::size_t pending = m_plain.size() + m_framer.buffered();
    if (pending > 0) {
      m_srv.log().decision(Verdict::deny, "RFC5246-7.2.1-PC-ANSWER-CLOSE-NOTIFY",
                           "SIP received before the UE's close_notify discarded: no answer can "
                           "reach the UE",
                           fields({{"bytes", std::to_string(pending)}}));
      m_plain.clear();
    }
    m_srv.log().decision(Verdict::info, "RFC5246-7.2.1-PC-ANSWER-CLOSE-NOTIFY",
                         "close_notify received: answered with close_notify, connection closed",
                         fields({}));
    if (state() != cp::State::closed) {
      const auto o = drive(cp::make_event(cp::EventKind::connection_lost, now()), core::EventIds{});
      log_outcome(o, "connection closed by the peer's close_notify");
    }
    close_after_flush();
    flush();
  }

  void process_plaintext() {
    if (!m_plain.empty()) {
      m_framer.feed(m_plain);
      m_plain.clear();
    }
    m_held = false;
    while (!m_closing && !m_dead) {
      // RD-215: no new request while the replies already queued are over the
      // output budget; RD-216: at most --max-requests-per-pass a pass. What
      // is left stays in the framer for a later pass (regulate()).
      if (output_blocked()) {
        m_held = true;
        return;
      }
      const std::uint32_t cap = m_srv.options().max_requests_per_pass;
      if (cap > 0 && m_handled_this_pass >= cap) {
        m_held = true;
        note_fair_pass_hold();
        return;
      }
      auto ev = m_framer.next();
      if (!ev.ok()) {
        const sip::SipError& err = ev.error();
        const Raw_Refusal r = framing_refusal(err);
        m_srv.log().decision(
            Verdict::deny, r.requirement, "SIP framing error: answered and closed",
            fields({{"status", std::to_string(err.status)}, {"reason", err.text()}}));
        send_plain(r.wire);
        close_after_flush();
        return;
      }
      if (!ev.value().has_value()) return;
      ++m_handled_this_pass;
      const sip::FrameEvent fe = std::move(*ev.value());
      if (fe.kind == sip::FrameKind::ping) {
        const auto o = drive(cp::make_event(cp::EventKind::crlf_ping, now()), core::EventIds{});
        log_outcome(o, "CRLF keep-alive");
        perform(o, nullptr);
        continue;
      }
      if (fe.kind == sip::FrameKind::pong) continue;  // stray CRLF (RFC 3261 7.5)
      auto msg = sip::parse_message(fe.bytes);
      if (!msg.ok()) {
        const Raw_Refusal r = parse_refusal(msg.error());
        m_srv.log().decision(Verdict::deny, r.requirement, "malformed SIP message",
                             fields({{"reason", msg.error().text()}}));
        send_plain(r.wire);
        continue;
      }
      if (!msg->is_request) {
        // A response to a terminating request this P-CSCF delivered over this
        // very connection goes back to the core side; anything else is dropped.
        // Our Record-Route entry shows the core face to the core side (RD-200).
        sip::Message resp = *msg;
        rewrite_record_route(resp, flow_token_text(), rr_core_face());
        if (m_srv.relay_terminating_response(m_id, resp)) continue;
        m_srv.log().decision(Verdict::info, "O.2-ALL-SM7-OVER-TLS", "response from the UE ignored",
                             fields({{"status", std::to_string(msg->status)}}));
        continue;
      }
      handle_request(*msg);
    }
  }

  void send_plain(const std::string& text) {
    if (m_dead || !m_tls->established()) return;
    if (!m_tls->send(reinterpret_cast<const std::uint8_t*>(text.data()), text.size())) {
      m_srv.log().decision(Verdict::error, "", "TLS send failed",
                           fields({{"what", m_tls->failure().what}}));
    }
  }

  void send_message(const sip::Message& m) {
    auto wire = sip::serialize(m);
    if (!wire.ok()) {
      m_srv.log().decision(Verdict::error, "ADP-SIP-MALFORMED-400", "response not serialisable",
                           fields({{"reason", wire.error().text()}}));
      return;
    }
    send_plain(*wire);
  }

  void respond(const sip::Message& req, int code, const std::string& reason = {}) {
    if (req.method == "ACK") return;
    sip::Message r = sip::make_response(
        req, code, reason.empty() ? sip::default_reason(code) : reason, sip::random_hex(4));
    send_message(r);
  }

  // The transport facts of this connection for a request event.
  cp::RtEvent request_event(cp::Method method) const {
    auto e = cp::make_event(cp::EventKind::sip_request, now());
    e.session = m_mc.s.session;
    e.ip_hi = m_ip_hi;
    e.ip_lo = m_ip_lo;
    e.port = m_peer.port;
    e.method = static_cast<std::uint8_t>(method);
    return e;
  }

  void handle_request(const sip::Message& m) {
    const bool is_register = m.method == "REGISTER";
    std::optional<sip::DigestCredentials> creds;
    const char* scheme = "";
    if (is_register) {
      // P.3: classify before anything else (3GPP access, AKA: refused).
      core::SchemeFacts sf;
      sf.access_3gpp = m_srv.options().access_3gpp;
      sf.over_tls = true;
      const std::string* authz = m.first("Authorization");
      sf.aka_credentials = authz != nullptr && sip::names_aka_algorithm(*authz);
      const core::SchemeDecision d = core::classify_register(sf);
      if (d.error != core::Error::ok) {
        const bool aka = d.error == core::Error::pcscf_aka_on_annex_o;
        deny(d.error, "REGISTER refused by the authentication-scheme classification",
             {{"access", sf.access_3gpp ? "3gpp" : "non-3gpp"},
              {"authorization", authz != nullptr ? *authz : ""}});
        respond(m, aka ? 400 : 403,
                aka ? "AKA Not Used With Annex O (SIP Digest Only)"
                    : "SIP Digest With TLS Not Allowed On 3GPP Access");
        return;
      }
      scheme = core::scheme_name(d.scheme);
      if (const std::string* a = authz) {
        auto c = sip::parse_credentials(*a);
        if (!c.ok()) {
          m_srv.log().decision(Verdict::deny, "ADP-SIP-MALFORMED-400", "malformed Authorization",
                               fields({{"reason", c.error().text()}}));
          respond(m, 400, c.error().text());
          return;
        }
        creds = *c;
      }
    }
    const std::string impi = is_register ? m_srv.next_hop().impi_of(m, creds) : std::string();
    const cp::Method method = is_register       ? cp::Method::register_
                              : is_emergency(m) ? cp::Method::emergency
                                                : cp::Method::other;
    auto e = request_event(method);
    e.credentials = creds.has_value() && !creds->response.empty();
    if (is_register) {
      // RFC 3329 2.3.1: Security-Verify must echo the Security-Server list this
      // P-CSCF sends (the sec-agree variant's 401); none = TLS-first variant.
      auto sv = security_verify_fact(m, m_srv.security_server());
      if (!sv.ok()) {
        m_srv.log().decision(Verdict::deny, "ADP-SIP-MALFORMED-400", "malformed Security-Verify",
                             fields({{"reason", sv.error().text()}}));
        respond(m, 400, sv.error().text());
        return;
      }
      e.sec_verify = static_cast<std::uint8_t>(*sv);
      if (*sv == cp::SecVerify::matches) {
        m_srv.log().decision(Verdict::allow, "RFC3329-PC-VERIFY-ECHO",
                             "Security-Verify equals the Security-Server list sent",
                             fields({{"security_verify", *m.first("Security-Verify")}}));
      }
    }
    std::string preferred;
    if (const std::string* p = m.first("P-Preferred-Identity")) {
      auto na = sip::parse_name_addr(*p, "P-Preferred-Identity");
      if (na.ok()) preferred = na->uri_text;
    }
    core::EventIds ids;
    ids.preferred = view(preferred);
    ids.impi = view(impi);
    const auto o = drive(e, ids);
    log::Fields facts{{"call_id", m.call_id}};
    if (is_register) {
      // What the UE put in its REGISTER (outbound, lifetime, sec-agree), so
      // its duties can be checked from the P-CSCF's log.
      facts.emplace_back("scheme", scheme);
      facts.emplace_back("contact", m.joined("Contact"));
      facts.emplace_back("expires", m.joined("Expires"));
      facts.emplace_back("supported", m.joined("Supported"));
      facts.emplace_back("security_client", m.joined("Security-Client"));
      facts.emplace_back("security_verify", m.joined("Security-Verify"));
    }
    log_outcome(o, m.method + " from the UE", facts);
    perform(o, &m);
    if (!o.accepted) return;
    for (std::uint8_t i = 0; i < o.actions.count; ++i) {
      const cp::Action& a = o.actions.items[i];
      if (a.kind != cp::Out::forward_request) continue;
      if (is_register) {
        forward_register(m, creds, impi, a.integrity, path_for(m));
      } else if (a.impu != core::kNoImpu) {
        forward_originating(m, a.impu);
      } else {
        // Emergency without a binding: no emergency network behind this
        // P-CSCF; forwarded nowhere, answered without any asserted identity.
        respond(m, 501, "No Emergency Service Behind This P-CSCF");
      }
    }
  }

  // The URI naming this connection's flow, as Path and Record-Route carry it:
  // the flow token (RD-38) as user part, the core-side address, lr [, ob].
  std::string flow_uri(bool ob) const {
    const std::string token = flow_token_text();
    if (token.empty()) return {};
    return "<sip:" + token + "@" + m_srv.path_host_port() + ";lr" + m_srv.next_hop().uri_params() +
           (ob ? ";ob" : "") + ">";
  }

  std::string flow_token_text() const {
    char token[core::kFlowTokenTextSize];
    const core::FlowToken t = core::flow_token_for_conn(m_srv.flow_key(), m_id);
    if (core::flow_token_encode(t, token, sizeof token) != core::Error::ok) return {};
    return std::string(token, sizeof token);
  }

  // The faces of this P-CSCF's Record-Route entry for this flow (record_route.h):
  // towards the core side (the Path URI without ob) and towards the UE (its TLS listener).
  std::string rr_core_face() const { return flow_uri(/*ob=*/false); }
  // The UE face names the address the UE reached (this connection's local
  // end), so a wildcard --listen still gives the UE an address it can use.
  std::string rr_ue_face() const {
    net::Endpoint tls_side = m_srv.options().listen;
    tls_side.port = m_srv.port();
    if (const auto local = net::local_endpoint(m_fd)) tls_side = *local;
    return record_route_entry(flow_token_text(), tls_side.str(), ";transport=tls");
  }

  // The Path header field value this P-CSCF adds to a REGISTER it forwards
  // from this connection: its flow token as user part, ';ob' as the core's
  // path_rule says (RFC 3327, RFC 5626 5.1, TS 24.229 5.2.2).
  std::string path_for(const sip::Message& m) {
    core::PathFacts f;
    f.via_count = static_cast<std::uint32_t>(m.via.size());
    if (const std::string* c = m.first("Contact")) {
      auto cs = sip::parse_contacts(*c);
      f.contact_reg_id = cs.ok() && !cs->star && cs->list.size() == 1 &&
                         sip::contact_reg_id(cs->list.front()).has_value();
    }
    const core::PathRule rule = core::path_rule(f);
    if (!rule.flow_token) return {};  // not reached: path_rule always asks for the token
    const std::string path = flow_uri(rule.ob);
    const char* req = rule.ob            ? "24229-PC-OUTBOUND-PATH"
                      : f.contact_reg_id ? "5626-5.1-PC-NO-OB-IF-NOT-FIRST"
                                         : "5626-5.1-PC-PATH-FLOW-TOKEN";
    m_srv.log().decision(Verdict::allow, req, "Path with the connection's flow token added",
                         fields({{"path", path},
                                 {"vias", std::to_string(f.via_count)},
                                 {"reg_id", f.contact_reg_id ? "yes" : "no"},
                                 {"ob", rule.ob ? "yes" : "no"}}));
    return path;
  }

 public:
  // A terminating request routed here by its flow token (core side). The
  // machine decides: bound -> over this TLS connection (never a new one),
  // otherwise 430 (5626-5.3-PC-430-FLOW-GONE).
  void deliver_terminating(const sip::Message& req, std::uint64_t core_peer) {
    const auto o =
        drive(cp::make_event(cp::EventKind::terminating_request, now()), core::EventIds{});
    log_outcome(o, "terminating " + req.method + " for this flow", {{"call_id", req.call_id}});
    for (std::uint8_t i = 0; o.accepted && i < o.actions.count; ++i) {
      const cp::Action& a = o.actions.items[i];
      if (a.kind == cp::Out::send_response) m_srv.answer_core(core_peer, req, a.code);
      if (a.kind == cp::Out::forward_to_ue) forward_to_ue(req, core_peer);
    }
    // No row (handshaking, closed): the flow cannot carry it.
    if (!o.accepted) m_srv.answer_core(core_peer, req, 430);
    flush();
  }

 private:
  void forward_to_ue(const sip::Message& req, std::uint64_t core_peer) {
    sip::Message f = req;
    // Our own Route entry (the Path URI with the token) is consumed here.
    drop_first_entry(
        f, "Route", [](const std::string& v) { return sip::parse_name_addr_list(v, "Route"); },
        sip::format_name_addr);
    const std::string branch = "z9hG4bK" + sip::random_hex(8);
    net::Endpoint tls_side = m_srv.options().listen;
    tls_side.port = m_srv.port();  // the bound port (--listen ...:0 lets the kernel pick)
    sip::HeaderField via{"Via", "SIP/2.0/TLS " + tls_side.str() + ";branch=" + branch};
    auto first_via = std::find_if(f.headers.begin(), f.headers.end(),
                                  [](const sip::HeaderField& h) { return h.name == "Via"; });
    f.headers.insert(first_via, via);
    //= spec#IMPL-PC-RR-TERMINATING type=implementation
    // RD-201: a terminating dialog-forming or target-refresh request is
    // Record-Routed with the flow token, the UE face on the way to the UE.
    if (dialog_role(req) != Dialog_Role::none) {
      add_record_route(f, rr_ue_face());
      m_srv.log().decision(Verdict::allow, "IMPL-PC-RR-TERMINATING",
                           "terminating dialog request Record-Routed with the flow token",
                           fields({{"method", req.method}, {"record_route", rr_ue_face()}}));
    }
    // An ACK has no answer to wait for (RFC 3261 17.1.1.3 / 13.2.2.4).
    if (req.method != "ACK") m_srv.add_terminating(branch, m_id, core_peer, req);
    m_srv.log().decision(Verdict::allow, "5626-5.3-PC-FORWARD-OVER-FLOW",
                         "terminating request sent over the UE's TLS connection",
                         fields({{"method", req.method}, {"branch", branch}}));
    send_message(f);
  }

 private:
  // RFC 3261 16.4: a top Route naming this P-CSCF (a UE's outbound proxy
  // setting: the TLS listener) is consumed before the request goes on.
  void drop_own_route(sip::Message& fwd) const {
    const std::string* top = fwd.first("Route");
    if (top == nullptr) return;
    auto routes = sip::parse_name_addr_list(*top, "Route");
    if (!routes.ok() || routes->empty()) return;
    const sip::SipUri& u = routes->front().uri;
    const std::string& host = m_srv.options().listen.host;
    const bool any = host == "0.0.0.0" || host == "::" || host == "[::]";
    if (!u.port || *u.port != m_srv.port() || (!any && u.host != host)) return;
    drop_first_entry(
        fwd, "Route", [](const std::string& v) { return sip::parse_name_addr_list(v, "Route"); },
        sip::format_name_addr);
  }

  // An originating request on a bound connection, forwarded to the next hop
  // with the identity the binding asserts (O.2.2-PC-ASSERT-FROM-ASSOC).
  void forward_originating(const sip::Message& m, std::uint8_t pos) {
    std::uint8_t buf[512];
    const std::size_t n = m_srv.table().copy_impu(m_id, pos, buf, sizeof(buf));
    const std::string impu(reinterpret_cast<const char*>(buf), n);
    m_srv.log().decision(Verdict::allow, "O.2.2-PC-ASSERT-FROM-ASSOC",
                         "request forwarded with P-Asserted-Identity from the binding",
                         fields({{"method", m.method}, {"asserted", impu}}));
    // The request as the P-CSCF forwards it towards the core network.
    sip::Message fwd = m;
    drop_own_route(fwd);
    // RFC 3329 2.3.1 has the UE send Security-Verify and sec-agree in every
    // request after the agreement; they end at this P-CSCF (RD-381).
    strip_sec_agree(fwd);
    fwd.remove("P-Preferred-Identity");
    fwd.add("P-Asserted-Identity", "<" + impu + ">");
    // RFC 5626 5.3: the P-CSCF Record-Routes a dialog-forming request whose
    // Contact has 'ob' with its flow token; only as its first hop, one Via
    // (IMPL-PC-RR-FIRST-HOP-ONLY, RD-391).
    core::RecordRouteFacts rf;
    // RD-200: target refreshes too (24229-5.2.6.3.6-RR-REWRITE rewrites the
    // entry in their answers).
    rf.dialog_forming = dialog_role(m) != Dialog_Role::none;
    rf.via_count = static_cast<std::uint32_t>(m.via.size());
    if (const std::string* c = m.first("Contact")) {
      auto cs = sip::parse_contacts(*c);
      rf.contact_ob = cs.ok() && !cs->star && !cs->list.empty() &&
                      sip::find_param(cs->list.front().uri.params, "ob") != nullptr;
    }
    if (core::record_route_with_token(rf)) {
      const std::string rr = rr_core_face();
      add_record_route(fwd, rr);
      m_srv.log().decision(Verdict::allow, "5626-5.3-PC-RR-FLOW-TOKEN",
                           "dialog-forming request Record-Routed with the flow token",
                           fields({{"method", m.method}, {"record_route", rr}}));
    }
    // TS 24.229 5.2.6.3.2: originating requests are routed by the Service-Route
    // the registrar returned for this registration (24229-5.2.1-PATH-SUPPORT).
    // In-dialog requests follow the dialog's route set instead (RFC 3261 12.2.1.1).
    if (!m_service_route.empty() && !m.to.tag()) {
      fwd.headers.insert(fwd.headers.begin(), sip::HeaderField{"Route", m_service_route});
      //= spec#24229-5.2.1-PATH-SUPPORT type=implementation
      m_srv.log().decision(Verdict::allow, "24229-5.2.1-PATH-SUPPORT",
                           "originating request routed by the stored Service-Route",
                           fields({{"method", m.method}, {"route", m_service_route}}));
    }
    m_srv.next_hop().forward_request(m_id, m, fwd);
  }

  // A REGISTER the machine let through, as the P-CSCF forwards it (TS 24.229
  // 5.2.2): Path with this connection's flow token on top, Supported: path,
  // and the Authorization's integrity-protected parameter as the machine
  // says (O.2-PC-INTEGRITY-PROTECTED-PARAM, RD-33: any value the UE sent is
  // replaced). The next hop answers through next_hop_answered.
  void forward_register(const sip::Message& m, const std::optional<sip::DigestCredentials>& creds,
                        const std::string& impi, cp::Integrity integrity, const std::string& path) {
    Register_Facts f;
    f.creds = creds;
    f.impi = impi;
    f.integrity = integrity;
    f.path = path;
    f.who = fields({});
    if (refused_by_auth_limits(m, f)) return;
    sip::Message fwd = register_to_forward(m, path, creds, integrity);
    drop_own_route(fwd);
    m_srv.next_hop().forward_register(m_id, m, fwd, f);
  }

  static bool has_digest_response(const Register_Facts& f) {
    return f.creds && !f.creds->response.empty();
  }

  // RD-130: a REGISTER with credentials whose (IMPI, source) pair or source
  // address is blocked after failed authentications is answered 503 with
  // Retry-After, its password never checked; the machine sees that answer
  // as the next hop's (no binding).
  //= spec#IMPL-PC-AUTH-FAILURE-LIMIT type=implementation
  bool refused_by_auth_limits(const sip::Message& m, const Register_Facts& f) {
    if (!has_digest_response(f)) return false;
    const auto v = m_srv.auth_limits().blocked(f.impi, m_peer.host, now());
    if (v.scope == Auth_Limits::Scope::none) return false;
    const bool pair = v.scope == Auth_Limits::Scope::pair;
    m_srv.log().decision(Verdict::deny, "IMPL-PC-AUTH-FAILURE-LIMIT",
                         pair ? "too many failed authentications for this IMPI from this address: "
                                "REGISTER refused 503 unchecked"
                              : "too many failed authentications from this address: REGISTER "
                                "refused 503 unchecked",
                         fields({{"impi", f.impi},
                                 {"scope", pair ? "impi+source" : "source"},
                                 {"retry_after_s", std::to_string(v.retry_after_s)}}));
    sip::Message r =
        sip::make_response(m, 503, "Too Many Failed Authentications", sip::random_hex(4));
    r.add("Retry-After", std::to_string(v.retry_after_s));
    register_answered(m, f, r);
    return true;
  }

  // RD-130: counts the final answer to a REGISTER with credentials (a 403
  // from the home network or relayed from the S-CSCF is a failure).
  void count_auth_answer(const Register_Facts& f, const sip::Message& r) {
    if (!has_digest_response(f) || r.status == 503) return;
    const auto scope = m_srv.auth_limits().answered(f.impi, m_peer.host, r.status, now());
    if (scope == Auth_Limits::Scope::none) return;
    const auto& o = m_srv.auth_limits().options();
    const bool pair = scope == Auth_Limits::Scope::pair;
    m_srv.log().decision(
        Verdict::deny, "IMPL-PC-AUTH-FAILURE-LIMIT",
        pair ? "failed authentications for this IMPI from this address reached the limit: "
               "its REGISTERs are refused 503 for the block time"
             : "failed authentications from this address reached the limit: its REGISTERs are "
               "refused 503 for the block time",
        fields({{"impi", f.impi},
                {"scope", pair ? "impi+source" : "source"},
                {"max", std::to_string(pair ? o.max_per_pair : o.max_per_source)},
                {"block_s", std::to_string(o.block_s)}}));
  }

  // The final answer of the next hop to a REGISTER from this connection:
  // the machine decides (bind, deregister, relay, relay and close on 403).
  void register_answered(const sip::Message& m, const Register_Facts& f, const sip::Message& r) {
    count_auth_answer(f, r);
    auto e = cp::make_event(cp::EventKind::register_response, now());
    e.txn_here = true;
    const cp::Response kind = register_response_kind(m, r);
    const bool success = kind == cp::Response::success;
    e.response = static_cast<std::uint8_t>(kind);
    std::vector<std::string> impus;
    std::uint32_t expires = 0;
    if (success) {
      expires = granted_expires(m, r);
      impus = registered_impus(r);
    }
    e.expires_s = expires;
    std::vector<core::ByteView> impu_views;
    for (const auto& u : impus) impu_views.push_back(view(u));
    core::EventIds ids;
    ids.impi = view(f.impi);
    ids.impus = impu_views.data();
    ids.impu_count = static_cast<std::uint8_t>(std::min<std::size_t>(impu_views.size(), 255));
    const auto o = drive(e, ids);
    if (o.accepted && pcscf_binds(o)) {
      m_impi = f.impi;
      m_unbound_budget.reset();  // RD-129: a connection that bound is never closed for it
    }
    // The P-CSCF keeps the Service-Route of the registration it relays (TS
    // 24.229 5.2.2); a deregistration or a refusal leaves nothing to route by.
    if (o.accepted && success && expires > 0) {
      m_service_route = r.joined("Service-Route");
    } else if (o.accepted && success) {
      m_service_route.clear();
    }
    log_outcome(o, "REGISTER " + std::to_string(r.status) + " from the home network",
                {{"impi", f.impi}, {"session_id", m_session_sid}});
    perform(o, &m, &r);
  }

 public:
  // The next hop's answer to a request forwarded from this connection (the
  // UE's own Vias on top): a REGISTER's final answer drives the machine; any
  // other answer is relayed over this connection.
  void next_hop_answered(const sip::Message& req, const Register_Facts* reg,
                         const sip::Message& r) {
    if (m_dead || m_closing) return;
    if (reg != nullptr && r.status >= 200) {
      register_answered(req, *reg, r);
    } else {
      //= spec#24229-5.2.6.3.6-RR-REWRITE type=implementation
      // Our Record-Route entry shows the UE face to the UE, in the answer to
      // the initial request and to every target refresh alike (RD-200).
      sip::Message to_ue = r;
      if (rewrite_record_route(to_ue, flow_token_text(), rr_ue_face()) > 0) {
        m_srv.log().decision(Verdict::allow, "24229-5.2.6.3.6-RR-REWRITE",
                             "own Record-Route entry rewritten to the UE face in the answer",
                             fields({{"status", std::to_string(r.status)},
                                     {"method", r.cseq.method},
                                     {"record_route", rr_ue_face()}}));
      }
      send_message(to_ue);
    }
    flush();
  }

 private:
  static bool pcscf_binds(const cp::Outcome& o) {
    for (std::uint8_t i = 0; i < o.actions.count; ++i) {
      if (o.actions.items[i].kind == cp::Out::create_binding) return true;
    }
    return false;
  }

  // Carries out the machine's actions (table effects were applied by the driver).
  void perform(const cp::Outcome& o, const sip::Message* req,
               const sip::Message* response = nullptr) {
    if (!o.accepted) return;
    for (std::uint8_t i = 0; i < o.actions.count; ++i) {
      const cp::Action& a = o.actions.items[i];
      switch (a.kind) {
        case cp::Out::send_response:
          if (req != nullptr) respond(*req, a.code);
          break;
        case cp::Out::forward_response:
          if (response != nullptr) send_message(*response);
          break;
        case cp::Out::hello_request:
          // TLS 1.2: HelloRequest, a full handshake with a fresh Session ID;
          // TLS 1.3: KeyUpdate(update_requested) (RD-04, RD-117).
          //= spec#O.4.2-PC-MAY-RENEGOTIATE type=implementation
          //= spec#O.2.1-ALL-RENEG-PER-O4 type=implementation
          if (!m_tls->refresh_session()) {
            m_srv.log().decision(Verdict::error, "O.4.2-PC-MAY-RENEGOTIATE",
                                 "session refresh (HelloRequest / KeyUpdate) failed",
                                 fields({{"what", m_tls->failure().what}}));
          }
          break;
        case cp::Out::send_crlf:
          send_plain("\r\n");
          break;
        case cp::Out::close:
          close_now();
          return;
        case cp::Out::close_after_flush:
          close_after_flush();
          break;
        default:
          break;  // forward_request: handled by the caller; table effects: driver
      }
    }
  }

  void flush() {
    if (m_dead) return;
    if (!m_wq.flush(m_fd)) {
      lost("write error");
      return;
    }
    // Paused on the output budget: writability (even with nothing left to
    // write, if another path emptied the queue) is what resumes reading.
    m_srv.loop().want_write(m_fd, !m_wq.empty() || m_out_paused);
    if (m_closing && m_wq.empty()) finish();
  }

  // ------------------------------------------------ budgets (RD-215..RD-217)
  bool output_blocked() const {
    const std::uint32_t max = m_srv.options().max_output_bytes;
    return m_out_paused || (max > 0 && m_wq.pending() >= max);
  }

  std::size_t read_allowance() const {
    const std::uint32_t max = m_srv.options().max_input_bytes;
    if (max == 0) return SIZE_MAX;
    const std::size_t held = m_framer.buffered() + m_plain.size();
    return held >= max ? 0 : max - held;
  }

  // The output budget with hysteresis: paused at --max-output-bytes queued,
  // resumed at half of it.
  //= spec#IMPL-PC-OUTPUT-BUDGET type=implementation
  void note_output_level() {
    const std::uint32_t max = m_srv.options().max_output_bytes;
    if (max == 0 || m_dead) return;
    const std::size_t queued = m_wq.pending();
    if (!m_out_paused && queued >= max) {
      m_out_paused = true;
      ++m_out_pauses;
      m_srv.log().decision(
          Verdict::deny, "IMPL-PC-OUTPUT-BUDGET",
          "replies not read: output budget reached, requests no longer read or handled on this "
          "connection until the queue drains",
          fields({{"queued_bytes", std::to_string(queued)},
                  {"max_output_bytes", std::to_string(max)},
                  {"resume_at_bytes", std::to_string(max / 2)}}));
    } else if (m_out_paused && queued <= max / 2) {
      m_out_paused = false;
      log_resume(
          "IMPL-PC-OUTPUT-BUDGET",
          "replies read: queue below the low-water mark, connection served again", m_out_pauses,
          m_out_resume_logged_at,
          {{"queued_bytes", std::to_string(queued)}, {"resume_at_bytes", std::to_string(max / 2)}});
    }
  }

  //= spec#IMPL-PC-INPUT-BUDGET type=implementation
  void note_input_level() {
    const std::uint32_t max = m_srv.options().max_input_bytes;
    if (max == 0 || m_dead) return;
    const std::size_t held = m_framer.buffered() + m_plain.size();
    const bool full = held >= max;
    if (full == m_in_paused) return;
    m_in_paused = full;
    if (full) {
      ++m_in_pauses;
      m_srv.log().decision(
          Verdict::deny, "IMPL-PC-INPUT-BUDGET",
          "input budget reached: received bytes not yet handled, reading paused",
          fields({{"held_bytes", std::to_string(held)}, {"max_input_bytes", std::to_string(max)}}));
    } else {
      log_resume("IMPL-PC-INPUT-BUDGET", "held bytes below the input budget: reading again",
                 m_in_pauses, m_in_resume_logged_at, {{"held_bytes", std::to_string(held)}});
    }
  }

  // Resume lines are not denials (RD-131 does not limit them): at most one a
  // second per connection and budget, carrying the pauses since the last one.
  void log_resume(const char* req, const char* what, std::uint64_t& pauses,
                  std::optional<core::Seconds>& logged_at, log::Fields extra) {
    const core::Seconds t = now();
    if (logged_at && !core::time_reached(t, core::time_add(*logged_at, 1))) return;
    logged_at = t;
    extra.emplace_back("pauses", std::to_string(pauses));
    pauses = 0;
    m_srv.log().decision(Verdict::info, req, what, fields(std::move(extra)));
  }

  //= spec#IMPL-PC-FAIR-PASS type=implementation
  void note_fair_pass_hold() {
    if (m_fair_logged) return;  // once per connection: a flood would repeat it every pass
    m_fair_logged = true;
    m_srv.log().decision(
        Verdict::deny, "IMPL-PC-FAIR-PASS",
        "request cap of a loop pass reached: the rest is held for later passes (logged once "
        "per connection)",
        fields({{"max_requests_per_pass", std::to_string(m_srv.options().max_requests_per_pass)},
                {"held_bytes", std::to_string(m_framer.buffered())}}));
  }

  // After a pass: the read interest follows the budgets, and held requests
  // get another pass unless the output budget holds them (writability then
  // resumes the connection).
  void regulate() {
    if (m_dead) return;
    note_output_level();
    note_input_level();
    const bool read = m_closing || (!m_out_paused && !m_in_paused);
    if (read != m_reading) {
      m_reading = read;
      m_srv.loop().want_read(m_fd, read);
    }
    if (m_out_paused) m_srv.loop().want_write(m_fd, true);
    if (m_held && !m_out_paused && !m_closing) m_srv.loop().again(m_fd);
  }

  void close_after_flush() {
    if (m_closing) return;
    m_closing = true;
    // RD-292: the queue (close_notify last) must be written by then.
    m_closing_deadline = core::time_add(now(), m_srv.options().closing_budget_s);
    m_srv.deadline_changed(m_id, deadline());
    if (m_tls->established()) m_tls->close();
  }

  // The peer reads nothing (RD-215, RD-292): logged DENY under `req`, the
  // queue dropped and TCP reset, so that the kernel does not keep the
  // unwritten bytes either (a plain close would leave an orphan socket
  // waiting for the peer's window).
  void reset_unwritten(const char* req, const char* what, log::Fields extra) {
    extra.emplace_back("queued_bytes", std::to_string(m_wq.pending()));
    m_srv.log().decision(Verdict::deny, req, what, fields(std::move(extra)));
    finish(true);
  }

  void close_now() {
    close_after_flush();
    (void)m_wq.flush(m_fd);
    finish();
  }

  void lost(const char* why) {
    if (m_dead) return;
    if (state() != cp::State::closed) {
      const auto o = drive(cp::make_event(cp::EventKind::connection_lost, now()), core::EventIds{});
      log_outcome(o, std::string("connection lost: ") + why);
    }
    finish();
  }

  // reset: TCP RST instead of FIN, what the kernel holds dropped (RD-292).
  void finish(bool reset = false) {
    if (m_dead) return;
    m_dead = true;
    if (state() != cp::State::closed) {
      const auto o = drive(cp::make_event(cp::EventKind::connection_lost, now()), core::EventIds{});
      log_outcome(o, "connection closed");
    }
    m_srv.loop().remove(m_fd);
    if (reset) {
      net::reset_fd(m_fd);
    } else {
      net::close_fd(m_fd);
    }
    m_srv.retire(m_id);
  }

  Server& m_srv;
  int m_fd;
  std::uint64_t m_id;
  net::Endpoint m_peer;
  std::uint64_t m_ip_hi = 0, m_ip_lo = 0;
  core::PcscfConn m_mc;
  sip::Framer m_framer;
  std::unique_ptr<tls::Endpoint> m_tls;  // Botan or OpenSSL (adapters/tls/stack.h)
  bool m_gate_logged = false;
  std::uint16_t m_version = 0;  // of the last handshake (0x0304: TLS 1.3)
  net::Write_Queue m_wq;
  std::string m_plain;
  std::string m_impi;
  std::string m_service_route;  // from the registrar's 2xx (TS 24.229 5.2.2)
  std::string m_session_sid;
  std::map<std::uint64_t, std::string> m_session_ids;  // session handle -> Session ID hex
  bool m_closing = false;
  bool m_tls_peer_closed = false;                   // a close_notify came (answer_close_notify)
  std::optional<core::Seconds> m_unbound_budget;    // RD-129
  std::optional<core::Seconds> m_closing_deadline;  // RD-292: set once closing
  bool m_dead = false;
  // Budgets (RD-215..RD-217).
  bool m_reading = true;  // read interest as last given to the loop
  bool m_out_paused = false;
  bool m_in_paused = false;
  bool m_held = false;  // requests (maybe) left in the framer after a pass
  bool m_fair_logged = false;
  std::uint32_t m_handled_this_pass = 0;
  std::uint64_t m_out_pauses = 0, m_in_pauses = 0;
  std::optional<core::Seconds> m_out_resume_logged_at, m_in_resume_logged_at;
};

// ============================================================ Server
Server::Server(Options options, log::Decision_Log& log, net::Event_Loop& loop)
    : m_options(std::move(options)),
      m_log(log),
      m_loop(loop),
      m_auth_limits(m_options.auth_limits) {}

Server::~Server() {
  m_conns.clear();
  if (m_listen_fd >= 0) net::close_fd(m_listen_fd);
}

// O.2.1-PC-CERT-PROFILE (RD-82): the chain the P-CSCF will send is checked
// against the O.5.1 profile by the core before anything listens; a violation
// refuses the start with one line naming the rule and the field.
//= spec#O.2.1-PC-CERT-PROFILE type=implementation
bool Server::check_own_certificate(std::string* err) {
  const core::ProfileFinding& finding = m_own_cert.finding;
  if (finding.error != core::Error::ok) {
    const std::string field = core::cert_field_name(finding.field);
    const std::string which =
        "certificate " + std::to_string(finding.cert_index) + " of " + m_options.cert_file;
    m_log.decision(Verdict::deny, "O.2.1-PC-CERT-PROFILE",
                   "own certificate outside the O.5.1 profile",
                   {{"rule", core::error_requirement(finding.error)},
                    {"error", core::error_info(finding.error).name},
                    {"field", field},
                    {"certificate", which},
                    {"reason", core::error_message(finding.error)}});
    *err = std::string("REFUSED O.2.1-PC-CERT-PROFILE ") + core::error_requirement(finding.error) +
           " " + core::error_info(finding.error).name + ": " + which + ", field " + field + ": " +
           core::error_message(finding.error);
    return false;
  }
  // Validity is the receiver's RFC 5280 check, not a profile field (RD-82):
  // an expired or not yet valid certificate is served, with a warning here.
  if (!m_own_cert.valid_now) {
    m_log.decision(Verdict::info, "O.2.1-PC-CERT-PROFILE",
                   "own certificate is outside its validity period: UEs will refuse it",
                   {{"not_before", m_own_cert.not_before}, {"not_after", m_own_cert.not_after}});
  }
  m_log.decision(Verdict::allow, "O.2.1-PC-CERT-PROFILE",
                 "own certificate follows the O.5.1 profile",
                 {{"certificates", std::to_string(m_own_cert.certificates)}});
  return true;
}

bool Server::start(std::string* err) {
  // TLS profile: TLS 1.2 and 1.3 with OpenSSL; TLS 1.2 only with Botan 2.19
  // (no TLS 1.3), the default stack (RD-170).
  //= spec#33210-6.2.1-TLS13-MANDATORY type=implementation
  m_tls_config.enable_tls13 = tls::tls_stack_speaks_tls13(m_options.tls_stack);
  m_tls_config.allow_null_encryption = m_options.allow_null_encryption;
  m_tls_stack = std::make_unique<tls::Server_Stack>();
  if (!m_tls_stack->load(m_options.tls_stack, m_options.cert_file, m_options.key_file,
                         net::wall_clock_now(), &m_own_cert, err)) {
    return false;
  }
  if (!check_own_certificate(err)) return false;
  const std::string algo = m_own_cert.key_algorithm;
  m_tls_config.certificate_is_ecdsa = algo == "ECDSA";
  if (const core::Error e = core::pcscf_check_config(m_tls_config); e != core::Error::ok) {
    *err = std::string(core::error_requirement(e)) + ": " + core::error_message(e);
    return false;
  }
  core::pcscf::PcscfConfig cfg;
  cfg.tls_session_lifetime_s = m_options.session_lifetime_s;
  cfg.unbound_idle_s = m_options.unbound_idle_s;
  const core::ConfigCheck chk = core::check_pcscf_config(cfg, m_options.max_registration_expires_s);
  if (chk.error != core::Error::ok) {
    *err = std::string(core::error_requirement(chk.error)) + ": " + core::error_message(chk.error);
    return false;
  }
  if (chk.warning != core::Error::ok) {
    m_log.decision(Verdict::info, core::error_requirement(chk.warning),
                   core::error_message(chk.warning),
                   {{"session_lifetime_s", std::to_string(cfg.tls_session_lifetime_s)}});
  }
  m_policy = cp::policy_of<core::Concrete>(cfg);

  if (m_options.next_hop) {
    if (!m_options.core_listen) {
      *err = "--next-hop needs --core-listen (the Path address the next hop routes to)";
      return false;
    }
    Remote_Next_Hop_Options ro;
    ro.next_hop = *m_options.next_hop;
    ro.transaction_timeout_s = m_options.transaction_timeout_s;
    ro.tls = m_options.next_hop_tls;
    ro.ca_file = m_options.next_hop_ca;
    ro.server_name = m_options.next_hop_name;
    ro.tls_stack = m_options.tls_stack;
    m_next_hop = std::make_unique<Remote_Next_Hop>(ro, m_log, m_loop, *this,
                                                   [this] { return path_host_port(); });
  } else {
    Home_Network_Options ho;
    ho.users_file = m_options.users_file;
    ho.realm = m_options.realm;
    ho.max_registration_expires_s = m_options.max_registration_expires_s;
    ho.digest = m_options.digest;
    auto home = std::make_unique<Home_Network>(ho, m_log, *this);
    m_home = home.get();
    m_next_hop = std::move(home);
  }
  if (!m_next_hop->start(err)) return false;

  if (m_options.max_bindings == 0 || m_options.max_bindings > (1u << 24)) {
    *err = "--max-bindings must be 1..16777216";
    return false;
  }
  const std::uint32_t cap = m_options.max_bindings;
  // Identity arena: 8 chunks a binding covers an IMPI and 3-4 IMPUs of the
  // typical size with room (core/binding_table.h: typical 4 chunks).
  m_rows.resize(cap);
  m_index.resize(core::binding_index_size_for(cap));
  m_chunks.resize(std::size_t{cap} * 8);
  core::BindingStorage st{m_rows.data(),   cap,
                          m_index.data(),  static_cast<std::uint32_t>(m_index.size()),
                          m_chunks.data(), static_cast<std::uint32_t>(m_chunks.size())};
  if (const core::Error e = m_table.init(st); e != core::Error::ok) {
    *err = std::string("binding table: ") + core::error_message(e);
    return false;
  }

  if (!m_tls_stack->start(m_tls_config, err)) return false;
  m_log.decision(Verdict::info, "33210-6.2.1-TLS13-MANDATORY", "TLS stack",
                 {{"stack", tls::tls_stack_name(m_options.tls_stack)},
                  {"tls13", m_tls_config.enable_tls13 ? "yes" : "no"},
                  {"runs", m_tls_stack->describe()}});
  // Flow-token MAC key: drawn per start, so tokens of an earlier run (or of
  // another P-CSCF) never verify (5626-5.2-PC-TOKEN-TAMPERPROOF).
  tls::random_bytes(m_flow_key.bytes, sizeof m_flow_key.bytes);
  // The Security-Server list: the core's answer to a client offering tls.
  core::SecMechList tls_only;
  if (core::secagree_push(tls_only, core::SecMech::tls) != core::Error::ok ||
      core::secagree_answer(tls_only, /*sip_digest=*/true, &m_security_server) != core::Error::ok) {
    *err = "sec-agree: the core offers no Security-Server list";
    return false;
  }
  m_listen_fd = net::listen_tcp(m_options.listen, err);
  if (m_listen_fd < 0) return false;
  const auto local = net::local_endpoint(m_listen_fd);
  m_port = local ? local->port : m_options.listen.port;
  //= spec#O.2.1-PC-PORT type=implementation
  m_log.decision(Verdict::info, "O.2.1-PC-PORT", "listening for TLS",
                 {{"listen", m_options.listen.host + ":" + std::to_string(m_port)},
                  {"default_port", "5061"},
                  {"session_lifetime_s", std::to_string(m_options.session_lifetime_s)},
                  {"max_bindings", std::to_string(cap)},
                  {"certificate", algo},
                  {"access_type", m_options.access_3gpp ? "3gpp" : "non-3gpp"}});
  m_loop.add(m_listen_fd, false, [this](net::Ready) { on_accept(); });
  // RD-102: the cap, lowered so that the descriptors the process may open
  // always cover it plus a headroom (listeners, logs, sec-agree and core-side
  // peers, the reserve descriptor).
  m_max_connections = m_options.max_connections;
  rlimit rl{};
  std::string cap_reason = "--max-connections";
  if (::getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY) {
    const rlim_t room = rl.rlim_cur > kFdHeadroom ? rl.rlim_cur - kFdHeadroom : 1;
    if (room < m_max_connections) {
      m_max_connections = static_cast<std::uint32_t>(room);
      cap_reason = "descriptor limit (RLIMIT_NOFILE " + std::to_string(rl.rlim_cur) + " minus " +
                   std::to_string(kFdHeadroom) + " in reserve)";
    }
  }
  m_log.decision(Verdict::info, "IMPL-PC-MAX-CONNECTIONS", "connection cap",
                 {{"max_connections", std::to_string(m_max_connections)},
                  {"configured", std::to_string(m_options.max_connections)},
                  {"set_by", cap_reason},
                  {"reserve_fd", m_reserve.held() ? "yes" : "no"}});
  log_limits();
  if (m_options.secagree_listen) {
    m_secagree = std::make_unique<Plain_Sip_Listener>(
        "sec-agree", m_log, m_loop,
        [this](Plain_Sip_Peer& p, const sip::Message& m) { on_secagree_message(p, m); },
        m_options.unbound_idle_s);
    m_secagree->set_admission([this] {
      if (make_room()) return true;
      note_refused(
          "connection cap reached and every connection is bound: new plain-TCP "
          "connection closed");
      return false;
    });
    if (!m_secagree->start(*m_options.secagree_listen, err)) return false;
    //= spec#O.2-UE-VARIANT-SECAGREE type=implementation
    m_log.decision(
        Verdict::info, "O.2-UE-VARIANT-SECAGREE",
        "listening for the unprotected sec-agree REGISTER (plain TCP)",
        {{"listen", m_options.secagree_listen->host + ":" + std::to_string(m_secagree->port())},
         {"security_server", format_core_list(m_security_server)}});
  }
  if (m_options.core_listen) {
    m_core_side = std::make_unique<Plain_Sip_Listener>(
        "core", m_log, m_loop,
        [this](Plain_Sip_Peer& p, const sip::Message& m) { on_core_message(p, m); },
        /*idle_s=*/0);
    m_core_side->set_admission([this] {
      if (make_room()) return true;
      note_refused(
          "connection cap reached and every connection is bound: new plain-TCP "
          "connection closed");
      return false;
    });
    if (!m_core_side->start(*m_options.core_listen, err)) return false;
    m_log.decision(Verdict::info, "24229-5.2.1-PATH-SUPPORT",
                   "listening for terminating requests from the core network (plain TCP)",
                   {{"listen", path_host_port()}});
  }
  m_loop.set_timer([this] { return next_deadline(); }, [this](core::Seconds now) { on_tick(now); });
  return true;
}

//= spec#IMPL-PC-MAX-CONNECTIONS type=implementation
void Server::on_accept() {
  for (;;) {
    net::Endpoint peer;
    const int fd = net::accept_tcp(m_listen_fd, &peer);
    if (fd < 0) {
      const int e = errno;
      if (e != EMFILE && e != ENFILE) break;  // EAGAIN: the backlog is empty
      // At the descriptor limit the listener stays readable: drain it on the
      // reserve descriptor, or stop listening for a second (never spin).
      if (m_reserve.shed(m_listen_fd)) {
        note_refused(
            "descriptor limit reached: a pending connection was accepted on the reserve "
            "descriptor and closed");
        continue;
      }
      if (m_reserve.held()) break;  // nothing was pending after all
      note_refused("descriptor limit reached and no reserve descriptor: listener paused for 1 s");
      m_loop.remove(m_listen_fd);
      m_listen_paused = true;
      m_listen_resume = core::time_add(net::monotonic_seconds(), 1);
      break;
    }
    if (!make_room()) {
      net::close_fd(fd);
      note_refused("connection cap reached and every connection is bound: new connection closed");
      continue;
    }
    const std::uint64_t id = ++m_conn_counter;
    auto conn = std::make_unique<Connection>(*this, fd, id, peer, net::monotonic_seconds());
    Connection* c = conn.get();
    m_conns.emplace(id, std::move(conn));
    m_timers.set(id, c->deadline());
    m_loop.add(fd, false, [this, c, id](net::Ready r) {
      c->on_ready(r);
      (void)id;
      reap();
    });
  }
  reap();
}

// RD-129 / RD-130 / RD-131: the limits in force, once at start-up.
void Server::log_limits() {
  m_log.limit_identical_denials(m_options.log_deny_limit, [] {
    return static_cast<std::int64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                         std::chrono::steady_clock::now().time_since_epoch())
                                         .count());
  });
  m_log.decision(Verdict::info, "IMPL-LOG-DENY-RATE-LIMIT",
                 "identical DENY lines (requirement, reason, peer) written per second; the rest "
                 "are summarised (0: no limit)",
                 {{"log_deny_limit", std::to_string(m_options.log_deny_limit)}});
  m_log.decision(Verdict::info, "IMPL-PC-OUTPUT-BUDGET",
                 "reply bytes queued for a connection above which it is neither read nor served "
                 "until the queue is down to half (0: none)",
                 {{"max_output_bytes", std::to_string(m_options.max_output_bytes)}});
  m_log.decision(Verdict::info, "IMPL-PC-INPUT-BUDGET",
                 "received bytes held but not yet handled above which a connection is not read "
                 "(0: none)",
                 {{"max_input_bytes", std::to_string(m_options.max_input_bytes)}});
  m_log.decision(Verdict::info, "IMPL-PC-FAIR-PASS",
                 "requests handled per connection in one loop pass; the rest wait for the next "
                 "(0: no cap)",
                 {{"max_requests_per_pass", std::to_string(m_options.max_requests_per_pass)}});
  m_log.decision(Verdict::info, "IMPL-PC-UNBOUND-LIFETIME",
                 "total lifetime of a connection that has not bound (0: none)",
                 {{"unbound_lifetime_s", std::to_string(m_options.unbound_lifetime_s)}});
  m_log.decision(Verdict::info, "IMPL-PC-CLOSING-BUDGET",
                 "time a closing connection has to take its queue before it is reset (0: what "
                 "the socket takes at once)",
                 {{"closing_budget_s", std::to_string(m_options.closing_budget_s)}});
  const auto& a = m_options.auth_limits;
  m_log.decision(Verdict::info, "IMPL-PC-AUTH-FAILURE-LIMIT",
                 "failed authentications before REGISTERs with credentials are refused 503, per "
                 "(IMPI, source address) and per source address, never per IMPI alone (0: off)",
                 {{"max_per_impi_and_source", std::to_string(a.max_per_pair)},
                  {"max_per_source", std::to_string(a.max_per_source)},
                  {"block_s", std::to_string(a.block_s)}});
}

// RD-102: the cap counts TLS connections and the plain ones (sec-agree and
// core side) alike.
std::size_t Server::live_connections() const {
  std::size_t n = m_conns.size() - m_retired.size();
  if (m_secagree) n += m_secagree->live();
  if (m_core_side) n += m_core_side->live();
  return n;
}

bool Server::make_room() {
  return live_connections() < m_max_connections || evict_oldest_unbound();
}

// RD-102: at the cap a new connection replaces the oldest TLS connection that
// has not bound (the one most likely idle or hostile), else the oldest
// sec-agree connection (never authenticated); bound connections and the core
// side are never closed for it.
bool Server::evict_oldest_unbound() {
  for (auto& [id, c] : m_conns) {
    if (c->dead() || c->bound()) continue;
    c->evict();
    note_refused("connection cap reached: the oldest unbound connection was closed for a new one");
    return true;
  }
  if (m_secagree && m_secagree->evict_oldest()) {
    note_refused(
        "connection cap reached: the oldest sec-agree connection was closed for a new one");
    return true;
  }
  return false;
}

// One log line per second at most for refused connections (a flood would
// otherwise flood the log), with how many were refused since the last one.
void Server::note_refused(const char* why) {
  ++m_refused;
  const core::Seconds now = net::monotonic_seconds();
  if (m_refused_logged && !core::time_reached(now, core::time_add(m_refused_at, 1))) return;
  m_log.decision(Verdict::deny, "IMPL-PC-MAX-CONNECTIONS", why,
                 {{"refused", std::to_string(m_refused)},
                  {"connections", std::to_string(live_connections())},
                  {"max_connections", std::to_string(m_max_connections)}});
  m_refused = 0;
  m_refused_at = now;
  m_refused_logged = true;
}

std::optional<core::Seconds> Server::next_deadline() const {
  std::optional<core::Seconds> best;
  auto consider = [&best](std::optional<core::Seconds> d) {
    if (d && (!best || core::time_reached(*best, *d))) best = *d;  // d at or before best
  };
  consider(m_timers.next());
  for (const auto& [branch, t] : m_terminating) consider(t.deadline);
  if (m_next_hop) consider(m_next_hop->next_deadline());
  if (m_listen_paused) consider(m_listen_resume);
  if (m_secagree) consider(m_secagree->next_deadline());
  // RD-131: suppressed denials are summarised within about a second.
  if (m_log.has_suppressed()) consider(core::time_add(net::monotonic_seconds(), 1));
  return best;
}

void Server::on_tick(core::Seconds now) {
  if (m_listen_paused && core::time_reached(now, m_listen_resume)) {
    m_listen_paused = false;
    m_loop.add(m_listen_fd, false, [this](net::Ready) { on_accept(); });
  }
  for (const std::uint64_t id : m_timers.pop_due(now)) {
    const auto it = m_conns.find(id);
    if (it == m_conns.end()) continue;  // already destroyed
    Connection* c = it->second.get();
    c->on_timer(now);
    if (!c->dead()) m_timers.set(id, c->deadline());  // popped: set again (a later one)
  }
  for (auto it = m_terminating.begin(); it != m_terminating.end();) {
    if (!core::time_reached(now, it->second.deadline)) {
      ++it;
      continue;
    }
    m_log.decision(Verdict::deny, "5626-5.3-PC-FORWARD-OVER-FLOW",
                   "terminating request unanswered by the UE: 408 to the core side",
                   {{"conn", std::to_string(it->second.conn_id)},
                    {"timeout_s", std::to_string(m_options.transaction_timeout_s)}});
    answer_core(it->second.core_peer, it->second.request, 408, "Request Timeout");
    it = m_terminating.erase(it);
  }
  if (m_secagree) m_secagree->on_tick(now);
  if (m_next_hop) m_next_hop->on_tick(now);
  m_log.flush_suppressed();
  reap();
}

void Server::retire(std::uint64_t conn_id) {
  m_retired.push_back(conn_id);
  m_timers.remove(conn_id);
  m_next_hop->connection_closed(conn_id);
  // Terminating requests still waiting on that connection will get no answer
  // from the UE: the flow failed (5626-5.3-PC-430-FLOW-GONE).
  for (auto it = m_terminating.begin(); it != m_terminating.end();) {
    if (it->second.conn_id != conn_id) {
      ++it;
      continue;
    }
    answer_core(it->second.core_peer, it->second.request, 430);
    it = m_terminating.erase(it);
  }
}

std::string Server::path_host_port() const {
  net::Endpoint e = m_options.core_listen ? *m_options.core_listen : m_options.listen;
  e.port = m_options.core_listen ? (m_core_side ? m_core_side->port() : e.port) : m_port;
  return e.str();
}

void Server::add_terminating(const std::string& branch, std::uint64_t conn_id,
                             std::uint64_t core_peer, const sip::Message& request) {
  m_terminating[branch] =
      Terminating{conn_id, core_peer, request,
                  core::time_add(net::monotonic_seconds(), m_options.transaction_timeout_s)};
}

bool Server::relay_terminating_response(std::uint64_t conn_id, const sip::Message& response) {
  if (response.via.empty() || !response.via.front().branch) return false;
  const auto it = m_terminating.find(*response.via.front().branch);
  // Only the connection the request went out on may answer it.
  if (it == m_terminating.end() || it->second.conn_id != conn_id) return false;
  sip::Message r = response;
  drop_first_entry(r, "Via", sip::parse_via, sip::format_via);  // ours, added in forward_to_ue
  const std::uint64_t peer_id = it->second.core_peer;
  if (response.status >= 200) {
    m_terminating.erase(it);
  } else if (restarts_timer_c(it->second.request, response)) {
    // RD-203: the UE is alerting: Timer C, not 408 after Timer B.
    it->second.deadline = core::time_add(net::monotonic_seconds(), kTimerCSeconds);
  }
  m_log.decision(Verdict::allow, "5626-5.3-PC-FORWARD-OVER-FLOW",
                 "UE's response to a terminating request relayed to the core side",
                 {{"conn", std::to_string(conn_id)}, {"status", std::to_string(response.status)}});
  Plain_Sip_Peer* p = m_core_side ? m_core_side->peer(peer_id) : nullptr;
  if (p != nullptr) (void)p->send(r);
  return true;
}

void Server::answer_core(std::uint64_t core_peer, const sip::Message& req, int code,
                         const std::string& reason) {
  Plain_Sip_Peer* p = m_core_side ? m_core_side->peer(core_peer) : nullptr;
  if (p == nullptr || req.method == "ACK") return;
  (void)p->send(sip::make_response(req, code, reason.empty() ? sip::default_reason(code) : reason,
                                   sip::random_hex(4)));
}

// The first, unprotected REGISTER of the RFC 3329 variant. Whatever arrives
// here, nothing is bound and nothing is authenticated: the Digest exchange is
// finished over TLS (O.2-UE-VARIANT-SECAGREE; O.2.2-PC-ASSOC-ONLY-ON-AUTH-CONN).
void Server::on_secagree_message(Plain_Sip_Peer& peer, const sip::Message& m) {
  const log::Fields who{{"side", "sec-agree"}, {"peer", peer.peer().str()}};
  auto with = [&who](log::Fields extra) { return with_fields(who, std::move(extra)); };
  if (!m.is_request || m.method == "ACK") return;
  if (m.method != "REGISTER") {
    m_log.decision(Verdict::deny, "O.2-UE-VARIANT-SECAGREE",
                   "only the sec-agree REGISTER is accepted without TLS",
                   with({{"method", m.method}}));
    (void)peer.send(sip::make_response(m, 403, "Forbidden (only REGISTER with sec-agree, O.2)",
                                       sip::random_hex(4)));
    return;
  }
  auto client = security_fields(m, "Security-Client");
  if (!client.ok()) {
    m_log.decision(Verdict::deny, "ADP-SIP-MALFORMED-400", "malformed Security-Client",
                   with({{"reason", client.error().text()}}));
    (void)peer.send(sip::make_response(m, 400, client.error().text(), sip::random_hex(4)));
    return;
  }
  core::SecMechList offered, answer;
  core::Error e = to_core_list(*client, &offered);
  if (e == core::Error::ok) e = core::secagree_answer(offered, /*sip_digest=*/true, &answer);
  // P.3 classification: 3GPP access refuses everything here; AKA is refused.
  core::SchemeFacts sf;
  sf.access_3gpp = m_options.access_3gpp;
  sf.secagree_tls_offered = e == core::Error::ok;
  const std::string* authz = m.first("Authorization");
  sf.aka_credentials = authz != nullptr && sip::names_aka_algorithm(*authz);
  const core::SchemeDecision d = core::classify_register(sf);
  if (d.error == core::Error::pcscf_digest_on_3gpp_access ||
      d.error == core::Error::pcscf_aka_on_annex_o) {
    m_log.decision(Verdict::deny, core::error_requirement(d.error), core::error_message(d.error),
                   with({{"access", sf.access_3gpp ? "3gpp" : "non-3gpp"}}));
    (void)peer.send(sip::make_response(m, d.error == core::Error::pcscf_aka_on_annex_o ? 400 : 403,
                                       core::error_message(d.error), sip::random_hex(4)));
    return;
  }
  if (e != core::Error::ok) {
    // O.3.2 -> 7.3.2.1: nothing negotiated; 494 tells the UE what would be.
    m_log.decision(Verdict::deny, core::error_requirement(e), core::error_message(e),
                   with({{"security_client", client->empty() ? "" : sip::format_security(*client)},
                         {"status", "494"}}));
    sip::Message r = sip::make_response(m, 494, "Security Agreement Required", sip::random_hex(4));
    r.add("Security-Server", format_core_list(m_security_server));
    (void)peer.send(r);
    return;
  }
  if (m_home == nullptr) {
    forward_secagree_register(peer, m,
                              with({{"scheme", core::scheme_name(d.scheme)},
                                    {"security_server", format_core_list(answer)}}));
    return;
  }
  sip::Message r = sip::make_response(m, 401, "Unauthorized", sip::random_hex(4));
  r.add("WWW-Authenticate", sip::format_challenge(m_home->make_challenge(false)));
  //= spec#N.1-NO-IPSEC-WITH-DIGEST type=implementation
  r.add("Security-Server", format_core_list(answer));
  m_log.decision(Verdict::allow, "O.2-UE-VARIANT-SECAGREE",
                 "unprotected REGISTER challenged; Security-Server sent, TLS required next",
                 with({{"scheme", core::scheme_name(d.scheme)},
                       {"security_client", sip::format_security(*client)},
                       {"security_server", format_core_list(answer)},
                       {"credentials_ignored", m.first("Authorization") ? "yes" : "no"}}));
  (void)peer.send(r);
}

// RD-370: with --next-hop the unprotected REGISTER goes to the S-CSCF, which
// challenges it (TS 24.229 5.2.2; RFC 3329 2.3.1: the 401 carries the
// Security-Server), through the same Next_Hop as the TLS leg's. It names no
// flow (the plain connection is never a flow: no Path) and authenticates
// nothing: its Authorization is not forwarded, so the S-CSCF always
// challenges (O.2.2-PC-ASSOC-ONLY-ON-AUTH-CONN; RD-110 inserts none).
void Server::forward_secagree_register(Plain_Sip_Peer& peer, const sip::Message& m,
                                       log::Fields who) {
  sip::Message fwd =
      register_to_forward(m, /*path=*/"", std::nullopt, core::pcscf::Integrity::none);
  const bool had_credentials = fwd.remove("Authorization") > 0;
  Register_Facts f;
  f.who = std::move(who);
  m_log.decision(Verdict::allow, "O.2-UE-VARIANT-SECAGREE",
                 "unprotected REGISTER forwarded to the next hop for its challenge",
                 with_fields(f.who, {{"credentials_dropped", had_credentials ? "yes" : "no"}}));
  m_next_hop->forward_register(kSecAgreeConn | peer.id(), m, fwd, f);
}

// The next hop's answer to an unprotected REGISTER (RD-370): relayed to the
// plain connection, a 401/407 with the Security-Server the Security-Client
// got (RFC 3329 2.3.1 step 2, N.1-NO-IPSEC-WITH-DIGEST). Nothing is bound
// whatever the status (O.2.2-PC-ASSOC-ONLY-ON-AUTH-CONN).
void Server::secagree_answered(std::uint64_t peer_id, const sip::Message& ue_request,
                               const sip::Message& response) {
  if (response.status < 200) return;
  // The answer to the REGISTER's own Security-Client, computed again as when
  // it was forwarded (it was found to agree on tls then; no state kept).
  core::SecMechList offered, answer = m_security_server;
  auto client = security_fields(ue_request, "Security-Client");
  if (client.ok() && to_core_list(*client, &offered) == core::Error::ok) {
    core::SecMechList a;
    if (core::secagree_answer(offered, /*sip_digest=*/true, &a) == core::Error::ok) answer = a;
  }
  Plain_Sip_Peer* p = m_secagree ? m_secagree->peer(peer_id) : nullptr;
  if (p == nullptr) {
    m_log.decision(Verdict::info, "",
                   "next hop answered an unprotected REGISTER whose connection is gone",
                   {{"status", std::to_string(response.status)}});
    return;
  }
  sip::Message r = response;
  const bool challenge = r.status == 401 || r.status == 407;
  //= spec#N.1-NO-IPSEC-WITH-DIGEST type=implementation
  if (challenge) r.add("Security-Server", format_core_list(answer));
  m_log.decision(Verdict::allow, "O.2-UE-VARIANT-SECAGREE",
                 challenge ? "next hop's challenge relayed with Security-Server, TLS required next"
                           : "next hop's answer to the unprotected REGISTER relayed, nothing bound",
                 {{"side", "sec-agree"},
                  {"peer", p->peer().str()},
                  {"status", std::to_string(r.status)},
                  {"security_server", challenge ? format_core_list(answer) : ""}});
  (void)p->send(r);
}

// A request from the core network for a UE: routed by the flow token in the
// top Route (the Path the registrar stored) or, without a Route, by the
// embedded registrar's Path for the Request-URI (the S-CSCF's job).
void Server::on_core_message(Plain_Sip_Peer& peer, const sip::Message& m) {
  if (!m.is_request) {
    m_log.decision(Verdict::info, "", "response on the core side ignored",
                   {{"status", std::to_string(m.status)}});
    return;
  }
  // An ACK is routed like any request when it names a flow (a 2xx's ACK along
  // the Record-Route); without a Route there is nobody to give it to.
  if (m.method == "ACK" && m.first("Route") == nullptr) return;
  const log::Fields who{{"side", "core"}, {"peer", peer.peer().str()}, {"method", m.method}};
  auto with = [&who](log::Fields extra) { return with_fields(who, std::move(extra)); };
  sip::Message req = m;
  std::string route_text;
  if (const std::string* r = m.first("Route")) {
    route_text = *r;
  } else {
    const auto path = m_next_hop->registered_path(m.request_uri);
    if (!path) {
      m_log.decision(Verdict::deny, "", "no registration for the Request-URI",
                     with({{"request_uri", m.request_uri}}));
      answer_core(peer.id(), m, 404);
      return;
    }
    route_text = *path;
    req.add("Route", route_text);  // the S-CSCF routes by the stored Path
  }
  auto routes = sip::parse_name_addr_list(route_text, "Route");
  if (!routes.ok() || routes->empty()) {
    m_log.decision(Verdict::deny, "ADP-SIP-MALFORMED-400", "malformed Route",
                   with({{"reason", routes.ok() ? "empty" : routes.error().text()}}));
    answer_core(peer.id(), m, 400, routes.ok() ? "Bad Route" : routes.error().text());
    return;
  }
  const std::string& token = routes->front().uri.user;
  core::FlowToken t;
  const core::Error e = core::flow_token_decode(m_flow_key, view(token), &t);
  if (e != core::Error::ok) {
    //= spec#5626-5.3-PC-403-BAD-TOKEN type=implementation
    m_log.decision(Verdict::deny, "5626-5.3-PC-403-BAD-TOKEN", core::error_message(e),
                   with({{"error", core::error_info(e).name}, {"token", token}}));
    answer_core(peer.id(), m, 403);
    return;
  }
  const std::uint64_t conn_id = core::flow_token_conn_id(t);
  const auto c = m_conns.find(conn_id);
  if (c == m_conns.end()) {
    //= spec#5626-5.3-PC-430-FLOW-GONE type=implementation
    m_log.decision(Verdict::deny, "5626-5.3-PC-430-FLOW-GONE",
                   core::error_message(core::Error::flow_gone),
                   with({{"conn", std::to_string(conn_id)}}));
    answer_core(peer.id(), m, 430);
    return;
  }
  if (const std::string* mf = req.first("Max-Forwards")) {
    auto n = sip::parse_uint32(*mf, "Max-Forwards");
    if (!n.ok() || *n == 0) {
      answer_core(peer.id(), m, n.ok() ? 483 : 400, n.ok() ? "Too Many Hops" : n.error().text());
      return;
    }
    req.remove("Max-Forwards");
    req.add("Max-Forwards", std::to_string(*n - 1));
  }
  c->second->deliver_terminating(req, peer.id());
}

void Server::next_hop_answer(std::uint64_t conn_id, const sip::Message& ue_request,
                             const Register_Facts* reg, const sip::Message& response) {
  if ((conn_id & kSecAgreeConn) != 0) {
    secagree_answered(conn_id & ~kSecAgreeConn, ue_request, response);
    return;
  }
  const auto c = m_conns.find(conn_id);
  if (c == m_conns.end()) {
    m_log.decision(
        Verdict::info, "", "next hop answered for a connection that is gone",
        {{"conn", std::to_string(conn_id)}, {"status", std::to_string(response.status)}});
    return;
  }
  c->second->next_hop_answered(ue_request, reg, response);
}

void Server::reap() {
  for (std::uint64_t id : m_retired) m_conns.erase(id);
  m_retired.clear();
}

//= spec#ADP-PCSCF-DECISION-LOG type=implementation
void Server::dump_bindings(std::FILE* out) const {
  const bool json = m_options.log_format == log::Format::json;
  if (!json) {
    std::fprintf(out, "bindings %u of %u\n", m_table.size(), m_table.capacity());
  }
  for (const auto& [id, c] : m_conns) c->dump(out, json);
  if (json) {
    // Last, so a reader knows the dump is complete (the text form's header
    // line, moved to the end).
    std::fprintf(out, "{\"bindings\":%u,\"capacity\":%u}\n", m_table.size(), m_table.capacity());
  }
  std::fflush(out);
}

}  // namespace annexo::pcscf
