#include <cstdio>
#include <cstring>
#include <string>

#include "adapters/net/clock.h"
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
  // Inside an endpoint's event close_conn only marks the close: the old
  // connection goes now, without its alert, and nothing of it (its TLS
  // endpoint, a pending close) may act on the new one. Its endpoint is kept
  // until the next open (the TLS library may still be running on it); it is
  // never used again, so no session of its is ever trusted again.
  if (m_fd >= 0) {
    (void)m_wq.flush(m_fd);
    drop_fd();
  }
  m_close_pending = false;
  m_old_tls = std::move(m_tls);
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
  m_gate_detail.clear();
  m_peer_closed = false;
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
    // The TLS endpoint of the chosen stack (RD-180); either runs the core's
    // Server_Hello_Gate on the raw ServerHello before its library sees it.
    m_in_tls = true;
    try {
      m_tls = m_stack.make_endpoint(*this, m_o.pcscf.str(), m_o.fqdn);
      m_tls->start();
    } catch (const std::exception& ex) {
      m_in_tls = false;
      tls_failed(std::string("TLS client not created: ") + ex.what());
      return;
    } catch (...) {
      m_in_tls = false;
      tls_failed("TLS client not created");
      return;
    }
    m_in_tls = false;
    if (m_tls->failed()) {
      tls_failed();
      return;
    }
    flush();
    return;
  }
  if (r.readable) {
    std::string in;
    const long n = net::read_available(m_fd, in);
    if (!in.empty() && m_tls) {
      // The endpoint's gate reads the raw ServerHello first (the core's
      // reader, before the TLS library); then the library.
      m_in_tls = true;
      const bool ok = m_tls->received(reinterpret_cast<const std::uint8_t*>(in.data()), in.size());
      m_in_tls = false;
      if (superseded(gen)) return;
      if (!ok) {
        tls_failed();
        return;
      }
      if (m_close_pending) {
        close_conn();
        return;
      }
      process_plaintext();
      if (superseded(gen)) return;
      if (m_peer_closed) {
        m_log.decision(Verdict::info, "", "TLS connection closed by the P-CSCF",
                       {{"alert", m_last_alert}});
        close_conn();  // our close_notify in answer (when the stack has not sent it)
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
  const atls::Endpoint_Failure& f = m_tls->failure();
  m_gate_error = f.error;
  m_gate_detail = f.what;
  m_log.decision(Verdict::deny, core::error_requirement(m_gate_error),
                 "ServerHello refused before the TLS library saw it",
                 {{"error", core::error_info(m_gate_error).name},
                  {"reason", core::error_message(m_gate_error)},
                  {"detail", m_gate_detail}});
  (void)m_wq.flush(m_fd);  // the gate's fatal alert record
  drop_fd();
  lost_event();
}

void Ue_Client::tls_failed(const std::string& what) {
  atls::Endpoint_Failure f;
  if (m_tls && what.empty()) {
    f = m_tls->failure();
  } else {
    f.source = atls::Failure_Source::internal;
    f.what = what;
  }
  if (f.source == atls::Failure_Source::gate) {
    server_hello_refused();
    return;
  }
  if (f.source == atls::Failure_Source::peer_alert) {
    // The P-CSCF's fatal alert ended the connection (tls_alert_received
    // noted it).
    m_log.decision(Verdict::info, "", "TLS connection closed by the P-CSCF",
                   {{"alert", m_last_alert}, {"what", f.what}});
    m_close_pending = false;
    flush();
    drop_fd();
    lost_event();
    return;
  }
  const bool core_rejection = f.source == atls::Failure_Source::core_rejection;
  m_tls_failure = f.what.empty() ? atls::failure_source_name(f.source) : f.what;
  m_log.decision(core_rejection ? Verdict::deny : Verdict::error,
                 core_rejection ? core::error_requirement(f.error) : "", "TLS failure",
                 {{"kind", atls::failure_source_name(f.source)},
                  {"alert", std::to_string(f.alert_sent)},
                  {"what", f.what}});
  m_close_pending = false;
  flush();  // the alert the stack queued
  drop_fd();
  if (core_rejection) {
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
  if (m_in_tls) {
    // Inside an endpoint's event: the stack still has to emit what the
    // event's verdict asks for (the fatal alert); close once it returns.
    m_close_pending = true;
    return;
  }
  m_close_pending = false;
  if (m_tls && !m_tls->failed()) m_tls->close();  // close_notify
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
  if (!m_tls || !m_tls->established() || m_in_tls) {
    m_pending_plain += text;  // sent once the handshake has completed (process_plaintext)
    return;
  }
  if (!m_tls->send(reinterpret_cast<const std::uint8_t*>(text.data()), text.size())) {
    tls_failed();
    return;
  }
  flush();
}

}  // namespace annexo::ue
