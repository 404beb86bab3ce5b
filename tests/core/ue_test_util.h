// Helpers for the UE machine tests: drive a UeMachine through its events.
#pragma once

#include "core/ue_machine.h"

namespace annexo::core::uetest {

inline AccessFacts non3gpp_tls() {
  return AccessFacts{false, true, false};
}

inline UeInput ev(UeEvent e, std::uint32_t conn = 0) {
  UeInput in;
  in.event = e;
  in.conn = conn;
  return in;
}

inline UeInput start(AccessFacts a = non3gpp_tls()) {
  UeInput in = ev(UeEvent::start_registration);
  in.access = a;
  return in;
}

inline UeInput cert(std::uint32_t conn, Error e = Error::ok) {
  UeInput in = ev(UeEvent::cert_verdict, conn);
  in.cert_error = e;
  return in;
}

inline UeInput r401(std::uint32_t conn, bool stale = false, bool secserver_tls = false) {
  UeInput in = ev(UeEvent::response_401, conn);
  in.stale = stale;
  in.security_server_tls = secserver_tls;
  return in;
}

inline UeInput r2xx(std::uint32_t conn, std::uint32_t expires = 3600, bool rspauth = true,
                    std::uint32_t keepalive = 100) {
  UeInput in = ev(UeEvent::response_2xx, conn);
  in.expires_s = expires;
  in.rspauth_ok = rspauth;
  in.keepalive_s = keepalive;
  return in;
}

inline UeInput with_keepalive(UeInput in, std::uint32_t k) {
  in.keepalive_s = k;
  return in;
}

inline bool has(const UeResult& r, UeOutputKind k) {
  for (std::uint8_t i = 0; i < r.outputs.count; ++i) {
    if (r.outputs.items[i].kind == k) return true;
  }
  return false;
}

inline const UeOutput* find(const UeResult& r, UeOutputKind k) {
  for (std::uint8_t i = 0; i < r.outputs.count; ++i) {
    if (r.outputs.items[i].kind == k) return &r.outputs.items[i];
  }
  return nullptr;
}

inline bool sends_sip(const UeResult& r) {
  return has(r, UeOutputKind::send_register_initial) ||
         has(r, UeOutputKind::send_register_credentials) || has(r, UeOutputKind::send_reregister) ||
         has(r, UeOutputKind::send_request) || has(r, UeOutputKind::send_register_secagree) ||
         has(r, UeOutputKind::send_keepalive);
}

// TLS-first registration up to `registered`, returns the connection id.
inline std::uint32_t register_tls_first(UeMachine& m, Seconds now = 100) {
  auto r = m.handle(start(), now);
  const std::uint32_t c = m.state().conn;
  r = m.handle(cert(c), now);
  r = m.handle(ev(UeEvent::handshake_done, c), now);
  r = m.handle(r401(c), now);
  r = m.handle(r2xx(c), now);
  (void)r;
  return c;
}

inline UeConfig<Concrete> cfg_with(bool require, bool abort_cr, bool secagree) {
  UeConfig<Concrete> c = kUeDefaultConfig;
  c.require_signalling_security = require;
  c.abort_on_certificate_request = abort_cr;
  c.use_sec_agree = secagree;
  return c;
}

}  // namespace annexo::core::uetest
