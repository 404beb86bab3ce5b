#include <cstdio>
#include <cstring>
#include <string>

#include "adapters/net/clock.h"
#include "adapters/tls/alerts.h"
#include "adapters/ue/client/ue_client.h"

namespace annexo::ue {

using core::Error;
using core::UeEvent;
using core::UeInput;
using core::UeOutputKind;
using core::UeResult;
using core::UeStateId;
using log::Verdict;
namespace sip = ::annexo::sip;

void Ue_Client::open(std::uint32_t conn) {
  close_conn();
  // Inside a Botan callback close_conn only marks the close: the old
  // connection goes now, without its alert, and nothing of it (its TLS
  // channel, a pending close) may act on the new one. Its Botan objects are
  // kept until the next open (Botan may still be running on them); they are
  // never used again, so no session of theirs is ever trusted again.
  if (m_fd >= 0) {
    (void)m_wq.flush(m_fd);
    drop_fd();
  }
  m_close_pending = false;
  m_old_tls = std::move(m_tls);
  m_old_cb = std::move(m_cb);
  ++m_generation;
  if (++m_opens > 4) {
    refuse(kNetwork, Error::ue_connection_lost, "gave up after repeated connection failures");
    return;
  }
  m_conn = conn;
  m_tcp_connected = false;
  m_closed_by_peer_without_alert = false;
  m_last_alert.clear();
  m_tls_failure.clear();
  m_cert_error = Error::ok;
  m_gate_error = Error::ok;
  m_gate = std::make_unique<atls::Server_Hello_Gate>(m_tls_config, m_offer);
  m_cert_requests = 0;
  m_framer = sip::Framer(sip::FramerRole::client);
  m_plain.clear();
  m_pending_plain.clear();
  m_wq = net::Write_Queue();
  std::string err;
  m_fd = net::connect_tcp(m_o.pcscf, &err);
  if (m_fd < 0) {
    m_log.decision(Verdict::error, "", "TCP connect failed", {{"reason", err}});
    lost_event();
    return;
  }
  m_loop.add(m_fd, true, [this](net::Ready r) { on_ready(r); });
}

void Ue_Client::on_ready(net::Ready r) {
  if (m_fd < 0) return;
  const std::uint64_t gen = m_generation;
  if (!m_tcp_connected) {
    if (!r.writable && !r.hangup) return;
    const int e = net::connect_result(m_fd);
    if (e != 0) {
      m_log.decision(Verdict::error, "", "TCP connect failed", {{"reason", std::strerror(e)}});
      drop_fd();
      lost_event();
      return;
    }
    m_tcp_connected = true;
    const auto local = net::local_endpoint(m_fd);
    if (local) m_local = *local;
    m_cb = std::make_unique<atls::Callbacks>(*this, m_o.pcscf.str(),
                                             [] { return net::wall_clock_now(); });
    try {
      m_tls = std::make_unique<Botan::TLS::Client>(
          *m_cb, m_sessions, *m_creds, *m_policy, m_rng,
          Botan::TLS::Server_Information(m_o.fqdn, m_o.pcscf.port),
          Botan::TLS::Protocol_Version::TLS_V12);
    } catch (...) {
      tls_failed();
      return;
    }
    flush();
    return;
  }
  if (r.readable) {
    std::string in;
    const long n = net::read_available(m_fd, in);
    if (!in.empty() && m_gate && m_gate->state() == atls::Server_Hello_Gate::State::reading) {
      const auto st = m_gate->push(reinterpret_cast<const std::uint8_t*>(in.data()), in.size());
      in.clear();
      if (st == atls::Server_Hello_Gate::State::refused) {
        server_hello_refused();
        return;
      }
      if (st != atls::Server_Hello_Gate::State::reading) {
        const auto held = m_gate->take();
        in.assign(held.begin(), held.end());
        if (st == atls::Server_Hello_Gate::State::accepted) {
          char suite[8];
          std::snprintf(suite, sizeof(suite), "0x%04X", m_gate->negotiated().suite);
          m_log.decision(Verdict::allow, "O.1.2-PC-DECIDES-SUITE",
                         "ServerHello accepted by the core's handshake reader", {{"suite", suite}});
        }
      }
    }
    if (!in.empty() && m_tls) {
      try {
        m_in_botan = true;
        m_tls->received_data(reinterpret_cast<const std::uint8_t*>(in.data()), in.size());
        m_in_botan = false;
      } catch (...) {
        m_in_botan = false;
        if (!superseded(gen)) tls_failed();
        return;
      }
      if (superseded(gen)) return;
      if (m_close_pending) {
        close_conn();
        return;
      }
      process_plaintext();
      if (superseded(gen)) return;
      if (m_tls && m_tls->is_closed()) {
        m_log.decision(Verdict::info, "", "TLS connection closed by the P-CSCF",
                       {{"alert", m_last_alert}});
        drop_fd();
        lost_event();
        return;
      }
    }
    if (superseded(gen)) return;
    if (n == 0 || n == -1) {
      m_closed_by_peer_without_alert = m_last_alert.empty();
      m_log.decision(Verdict::info, "", "TCP connection closed by the P-CSCF", {});
      drop_fd();
      lost_event();
      return;
    }
  }
  if (r.hangup) {
    drop_fd();
    lost_event();
    return;
  }
  flush();
}

void Ue_Client::server_hello_refused() {
  m_gate_error = m_gate->error();
  m_log.decision(Verdict::deny, core::error_requirement(m_gate_error),
                 "ServerHello refused before the TLS library saw it",
                 {{"error", core::error_info(m_gate_error).name},
                  {"reason", core::error_message(m_gate_error)},
                  {"detail", m_gate->detail()}});
  const auto rec = m_gate->alert_record();
  m_wq.append(rec.data(), rec.size());
  (void)m_wq.flush(m_fd);
  drop_fd();
  lost_event();
}

void Ue_Client::tls_failed() {
  const atls::Tls_Failure f = atls::classify_current_exception();
  m_tls_failure = f.what;
  m_log.decision(
      f.kind == atls::Failure_Kind::core_rejection ? Verdict::deny : Verdict::error,
      f.kind == atls::Failure_Kind::core_rejection ? core::error_requirement(f.error) : "",
      "TLS failure",
      {{"kind", atls::failure_kind_name(f.kind)},
       {"alert", std::to_string(f.alert)},
       {"what", f.what}});
  m_close_pending = false;
  flush();  // the alert Botan queued
  drop_fd();
  if (f.kind == atls::Failure_Kind::core_rejection) {
    // The machine already decided (cert_reject / certreq_abort / refusal);
    // if it is still running, the connection is gone for it too.
    if (m_exit < 0) lost_event();
    return;
  }
  lost_event();
}

void Ue_Client::lost_event() {
  if (m_exit >= 0) return;
  const auto st = m_machine.state_id();
  if (st == UeStateId::tls_connecting && recovery_applies()) {
    retry_later(!m_tcp_connected ? "TCP connect failed"
                                 : "connection closed by the P-CSCF during the TLS set-up");
    return;
  }
  if (m_ever_registered && st != UeStateId::idle) m_recovering = true;
  UeInput in;
  in.event = st == UeStateId::tls_connecting ? UeEvent::handshake_failed : UeEvent::connection_lost;
  in.conn = m_conn;
  const UeResult r =
      handle(in, in.event == UeEvent::handshake_failed ? "handshake_failed" : "connection_lost");
  if (!r.accepted && m_exit < 0) {
    refuse(kNetwork, Error::ue_connection_lost, "connection lost");
  }
}

void Ue_Client::drop_fd() {
  if (m_fd >= 0) {
    m_loop.remove(m_fd);
    net::close_fd(m_fd);
    m_fd = -1;
  }
}

void Ue_Client::close_conn() {
  if (m_fd < 0) return;
  if (m_in_botan) {
    // Inside a Botan callback: Botan still has to emit what the callback's
    // verdict asks for (the fatal alert); close once it returns.
    m_close_pending = true;
    return;
  }
  m_close_pending = false;
  try {
    if (m_tls && m_tls->is_active()) m_tls->close();
  } catch (...) {
    (void)atls::classify_current_exception();
  }
  (void)m_wq.flush(m_fd);
  drop_fd();
}

void Ue_Client::flush() {
  if (m_fd < 0 || !m_tcp_connected) return;
  if (!m_wq.flush(m_fd)) {
    drop_fd();
    lost_event();
    return;
  }
  m_loop.want_write(m_fd, !m_wq.empty());
}

void Ue_Client::send_plain(const std::string& text) {
  if (!m_tls || !m_tls->is_active()) {
    m_pending_plain += text;  // sent once the handshake has activated the channel
    return;
  }
  try {
    m_tls->send(reinterpret_cast<const std::uint8_t*>(text.data()), text.size());
  } catch (...) {
    tls_failed();
    return;
  }
  flush();
}

}  // namespace annexo::ue
