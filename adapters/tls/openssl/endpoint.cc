#include "adapters/tls/openssl/endpoint.h"

#include <openssl/err.h>
#include <openssl/x509_vfy.h>

#include <cstring>

#include "adapters/tls/openssl/context.h"
#include "adapters/tls/openssl/peer_chain.h"
#include "core/tls_alert.h"

namespace annexo::tls::openssl {

namespace {

int ex_index() {
  static const int index = SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
  return index;
}

std::string openssl_errors() {
  std::string out;
  unsigned long e;
  while ((e = ERR_get_error()) != 0) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof(buf));
    if (!out.empty()) out += "; ";
    out += buf;
  }
  return out;
}

int alert_of(core::Error e) {
  const core::TlsAlert a = core::error_alert(e);
  return a == core::TlsAlert::none ? static_cast<int>(core::TlsAlert::internal_error)
                                   : static_cast<int>(a);
}

const core::Choice kNoChoice{};

}  // namespace

Openssl_Endpoint* Openssl_Endpoint::from(const SSL* ssl) {
  return static_cast<Openssl_Endpoint*>(SSL_get_ex_data(ssl, ex_index()));
}

Openssl_Endpoint::Openssl_Endpoint(SSL_CTX* ctx, bool is_server, Endpoint_Events& events,
                                   std::string peer)
    : m_server(is_server), m_events(events), m_peer(std::move(peer)) {
  m_ssl = SSL_new(ctx);
  m_in = BIO_new(BIO_s_mem());
  m_out = BIO_new(BIO_s_mem());
  if (m_ssl == nullptr || m_in == nullptr || m_out == nullptr) {
    BIO_free(m_in);
    BIO_free(m_out);
    m_in = m_out = nullptr;
    fail(Failure_Source::internal, core::Error::ok, "SSL_new: " + openssl_errors());
    return;
  }
  BIO_set_mem_eof_return(m_in, -1);  // empty input = "want more", not EOF
  SSL_set_bio(m_ssl, m_in, m_out);   // the SSL owns both BIOs now
  SSL_set_ex_data(m_ssl, ex_index(), this);
  SSL_set_info_callback(m_ssl, &Openssl_Endpoint::info_cb);
  SSL_set_msg_callback(m_ssl, &Openssl_Endpoint::msg_cb);
}

std::unique_ptr<Openssl_Endpoint> Openssl_Endpoint::server(SSL_CTX* ctx,
                                                           const core::PcscfTlsConfig& config,
                                                           Endpoint_Events& events,
                                                           std::string peer) {
  std::unique_ptr<Openssl_Endpoint> e(new Openssl_Endpoint(ctx, true, events, std::move(peer)));
  if (e->failed()) return e;
  e->m_ch_gate = std::make_unique<Client_Hello_Gate>(config);
  SSL_CTX_set_client_hello_cb(ctx, &Openssl_Endpoint::client_hello_cb, nullptr);
  SSL_set_accept_state(e->m_ssl);
  return e;
}

std::unique_ptr<Openssl_Endpoint> Openssl_Endpoint::client(
    SSL_CTX* ctx, const core::UeTlsConfig& config, const core::Offer& offer,
    Endpoint_Events& events, std::string peer, const std::string& sni) {
  std::unique_ptr<Openssl_Endpoint> e(new Openssl_Endpoint(ctx, false, events, std::move(peer)));
  if (e->failed()) return e;
  e->m_sh_gate = std::make_unique<Server_Hello_Gate>(config, offer);
  SSL_CTX_set_cert_verify_callback(ctx, &Openssl_Endpoint::verify_cb, nullptr);
  SSL_CTX_set_client_cert_cb(ctx, &Openssl_Endpoint::client_cert_cb);
  const unsigned long flags =
      X509_VERIFY_PARAM_get_flags(SSL_CTX_get0_param(ctx)) |
      X509_VERIFY_PARAM_get_flags(X509_STORE_get0_param(SSL_CTX_get_cert_store(ctx)));
  e->m_crl_checking = (flags & X509_V_FLAG_CRL_CHECK) != 0;
  e->m_renegotiation_off = (SSL_CTX_get_options(ctx) & SSL_OP_NO_RENEGOTIATION) != 0;
  if (!sni.empty()) SSL_set_tlsext_host_name(e->m_ssl, sni.c_str());
  SSL_set_connect_state(e->m_ssl);
  return e;
}

Openssl_Endpoint::~Openssl_Endpoint() {
  SSL_free(m_ssl);  // frees the BIOs
}

const core::Choice& Openssl_Endpoint::gate_choice() const {
  return m_ch_gate ? m_ch_gate->choice() : kNoChoice;
}

void Openssl_Endpoint::start() {
  if (m_server || failed()) return;
  drive();
}

void Openssl_Endpoint::gate_refused(core::Error error, const std::string& detail,
                                    const std::vector<std::uint8_t>& alert) {
  if (!alert.empty()) {
    m_events.tls_out(alert.data(), alert.size());
    m_alert_sent = alert.back();
  }
  fail(Failure_Source::gate, error, detail);
}

bool Openssl_Endpoint::received(const std::uint8_t data[], std::size_t size) {
  if (failed()) return false;
  // The core reads the raw first Hello before OpenSSL sees a byte.
  if (m_ch_gate && m_ch_gate->state() == Client_Hello_Gate::State::reading) {
    m_ch_gate->push(data, size);
    if (m_ch_gate->state() == Client_Hello_Gate::State::refused) {
      gate_refused(m_ch_gate->error(), m_ch_gate->detail(), m_ch_gate->alert_record());
      return false;
    }
    if (m_ch_gate->state() == Client_Hello_Gate::State::reading) return true;
    const std::vector<std::uint8_t> held = m_ch_gate->take();
    feed(held.data(), held.size());
    return !failed();
  }
  if (m_sh_gate && m_sh_gate->state() == Server_Hello_Gate::State::reading) {
    m_sh_gate->push(data, size);
    if (m_sh_gate->state() == Server_Hello_Gate::State::refused) {
      gate_refused(m_sh_gate->error(), m_sh_gate->detail(), m_sh_gate->alert_record());
      return false;
    }
    if (m_sh_gate->state() == Server_Hello_Gate::State::reading) return true;
    const std::vector<std::uint8_t> held = m_sh_gate->take();
    feed(held.data(), held.size());
    return !failed();
  }
  feed(data, size);  // straight into the BIO, no copy of our own
  return !failed();
}

void Openssl_Endpoint::feed(const std::uint8_t data[], std::size_t size) {
  if (size > 0 && BIO_write(m_in, data, static_cast<int>(size)) <= 0) {
    fail(Failure_Source::internal, core::Error::ok, "BIO_write failed");
    return;
  }
  drive();
}

void Openssl_Endpoint::fail(Failure_Source source, core::Error error, const std::string& what) {
  if (failed()) return;
  m_failure.source = source;
  m_failure.error = error;
  m_failure.alert_sent = m_alert_sent;
  m_failure.alert_received = m_alert_received;
  m_failure.what = what;
}

void Openssl_Endpoint::fail_from_openssl(int ret) {
  const int err = SSL_get_error(m_ssl, ret);
  const std::string what = openssl_errors();
  flush();  // the alert OpenSSL wrote
  if (m_core_error != core::Error::ok) {
    fail(Failure_Source::core_rejection, m_core_error, what);
  } else if (m_alert_received >= 0) {
    fail(Failure_Source::peer_alert, core::Error::ok, what);
  } else if (err == SSL_ERROR_SSL) {
    fail(Failure_Source::tls_protocol, core::Error::ok, what);
  } else {
    fail(Failure_Source::internal, core::Error::ok,
         "SSL_get_error=" + std::to_string(err) + " " + what);
  }
}

void Openssl_Endpoint::flush() {
  char buf[16384];
  while (m_out != nullptr && BIO_ctrl_pending(m_out) > 0) {
    const int n = BIO_read(m_out, buf, sizeof(buf));
    if (n <= 0) break;
    m_events.tls_out(reinterpret_cast<const std::uint8_t*>(buf), static_cast<std::size_t>(n));
  }
}

void Openssl_Endpoint::drive() {
  if (failed()) return;
  ERR_clear_error();
  if (!m_established) {
    const int r = SSL_do_handshake(m_ssl);
    if (m_pending_done > 0) handshake_done();
    if (failed()) return;
    if (r <= 0) {
      const int err = SSL_get_error(m_ssl, r);
      if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) {
        flush();
        return;
      }
      if (err == SSL_ERROR_WANT_X509_LOOKUP && m_core_error != core::Error::ok) {
        // TLS 1.2: the UE refused a CertificateRequest (client_cert_cb).
        // Nothing is encrypted yet, so the core's alert goes out as a
        // plaintext fatal alert record, then the connection is dead.
        flush();
        const std::uint8_t rec[] = {
            0x15, 0x03, 0x03, 0x00, 0x02, 0x02, static_cast<std::uint8_t>(alert_of(m_core_error))};
        m_events.tls_out(rec, sizeof(rec));
        m_alert_sent = rec[6];
        fail(Failure_Source::core_rejection, m_core_error, "CertificateRequest refused");
        return;
      }
      fail_from_openssl(r);
      return;
    }
  }
  flush();
  char buf[16384];
  for (;;) {
    ERR_clear_error();
    const int n = SSL_read(m_ssl, buf, sizeof(buf));
    if (m_pending_done > 0) handshake_done();
    if (failed()) return;
    if (n > 0) {
      m_events.tls_plaintext(reinterpret_cast<const std::uint8_t*>(buf),
                             static_cast<std::size_t>(n));
      continue;
    }
    const int err = SSL_get_error(m_ssl, n);
    if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) break;
    if (err == SSL_ERROR_ZERO_RETURN) {
      m_events.tls_peer_closed();
      break;
    }
    fail_from_openssl(n);
    return;
  }
  if (m_answer_key_update) {
    // RD-117: OpenSSL 3.0 would answer KeyUpdate(update_requested) only with
    // our next write; answer now, so the peer's session refresh completes
    // whether or not we have SIP to send. The same pending update, not a
    // second one.
    m_answer_key_update = false;
    ERR_clear_error();
    if (SSL_key_update(m_ssl, SSL_KEY_UPDATE_NOT_REQUESTED) == 1) {
      const int r = SSL_do_handshake(m_ssl);
      if (r <= 0) {
        const int err = SSL_get_error(m_ssl, r);
        if (err != SSL_ERROR_WANT_READ && err != SSL_ERROR_WANT_WRITE) {
          fail_from_openssl(r);
          return;
        }
      }
    }
  }
  flush();
}

// After every completed handshake: the facts for the core (RD-116).
void Openssl_Endpoint::handshake_done() {
  while (m_pending_done > 0) {
    --m_pending_done;
    Handshake_Facts f;
    f.version = static_cast<std::uint16_t>(SSL_version(m_ssl));
    const SSL_CIPHER* c = SSL_get_current_cipher(m_ssl);
    f.suite = c ? SSL_CIPHER_get_protocol_id(c) : 0;
    f.group = group_from_nid(SSL_get_negotiated_group(m_ssl));
    f.renegotiation = m_handshakes > 0;
    f.resumed = SSL_session_reused(m_ssl) == 1;
    f.peer = m_peer;
    if (f.version == TLS1_3_VERSION) {
      // TLS 1.3: no Session ID (RFC 8446 4.1.2); the exporter (RFC 8446 7.5)
      // with annexo's private label, the same at both ends of this
      // connection and new for every handshake.
      //= spec#RFC8446-SESSION-ID-LEGACY type=implementation
      f.handle_kind = Handle_Kind::exporter;
      f.session_handle.resize(kExporterHandleSize);
      if (SSL_export_keying_material(m_ssl, f.session_handle.data(), f.session_handle.size(),
                                     kSessionHandleLabel, std::strlen(kSessionHandleLabel), nullptr,
                                     0, 0) != 1) {
        f.session_handle.clear();
      }
    } else {
      f.handle_kind = Handle_Kind::session_id;
      unsigned int len = 0;
      const SSL_SESSION* s = SSL_get_session(m_ssl);
      const unsigned char* id = s ? SSL_SESSION_get_id(s, &len) : nullptr;
      if (id != nullptr) f.session_handle.assign(id, id + len);
    }
    if (m_server && !f.renegotiation && m_ch_gate) {
      // O.1.2: what OpenSSL ran must be what the core chose.
      const core::Choice& chosen = m_ch_gate->choice();
      if (f.version != chosen.version || f.suite != chosen.suite ||
          (chosen.group != 0 && f.group != chosen.group)) {
        SSL_shutdown(m_ssl);
        flush();
        fail(Failure_Source::internal, core::Error::ok,
             "OpenSSL negotiated other parameters than the core chose");
        return;
      }
    }
    ++m_handshakes;
    m_established = true;
    const core::Error e = m_events.tls_handshake_complete(f);
    if (e != core::Error::ok) {
      // After Finished OpenSSL has no way to send a chosen fatal alert: the
      // refusal closes with close_notify (documented in adapters/README.md).
      m_core_error = e;
      SSL_shutdown(m_ssl);
      flush();
      fail(Failure_Source::core_rejection, e, "handshake refused by the core");
      return;
    }
  }
}

bool Openssl_Endpoint::send(const std::uint8_t data[], std::size_t size) {
  if (failed() || !m_established) return false;
  ERR_clear_error();
  const int n = SSL_write(m_ssl, data, static_cast<int>(size));
  if (n <= 0) {
    fail_from_openssl(n);
    return false;
  }
  flush();
  return true;
}

//= spec#O.4.2-PC-MAY-RENEGOTIATE type=implementation
bool Openssl_Endpoint::refresh_session() {
  if (failed() || !m_established) return false;
  ERR_clear_error();
  if (SSL_version(m_ssl) == TLS1_3_VERSION) {
    // RD-04, RD-117: TLS 1.3 has no renegotiation; KeyUpdate(update_requested).
    if (SSL_key_update(m_ssl, SSL_KEY_UPDATE_REQUESTED) != 1) return false;
  } else {
    if (!m_server || SSL_renegotiate(m_ssl) != 1) return false;  // HelloRequest
  }
  const int r = SSL_do_handshake(m_ssl);
  if (r <= 0) {
    const int err = SSL_get_error(m_ssl, r);
    if (err != SSL_ERROR_WANT_READ && err != SSL_ERROR_WANT_WRITE) {
      fail_from_openssl(r);
      return false;
    }
  }
  flush();
  return true;
}

void Openssl_Endpoint::close() {
  if (m_ssl == nullptr) return;
  ERR_clear_error();
  SSL_shutdown(m_ssl);
  flush();
}

void Openssl_Endpoint::info_cb(const SSL* ssl, int where, int ret) {
  Openssl_Endpoint* self = from(ssl);
  if (self == nullptr) return;
  if (where & SSL_CB_HANDSHAKE_DONE) {
    // OpenSSL 3.0 also reports "done" after a server wrote a HelloRequest or
    // refused a client's renegotiation: only a Finished sent and a Finished
    // received since the last handshake make a handshake.
    if (self->m_finished_sent && self->m_finished_received) {
      ++self->m_pending_done;
      self->m_finished_sent = self->m_finished_received = false;
    }
  }
  if (where & SSL_CB_ALERT) {
    const int level = (ret >> 8) & 0xff;
    const int desc = ret & 0xff;
    if (where & SSL_CB_READ) {
      if (level == SSL3_AL_FATAL) self->m_alert_received = desc;
      self->m_events.tls_alert_received(Alert_Fact{desc, level == SSL3_AL_FATAL});
    } else if (level == SSL3_AL_FATAL) {
      self->m_alert_sent = desc;
    }
  }
}

void Openssl_Endpoint::msg_cb(int write_p, int /*version*/, int content_type, const void* buf,
                              std::size_t len, SSL* ssl, void* /*arg*/) {
  Openssl_Endpoint* self = from(ssl);
  if (self == nullptr || content_type != SSL3_RT_HANDSHAKE || len < 1) return;
  const auto* b = static_cast<const std::uint8_t*>(buf);
  switch (b[0]) {
    case 0:  // hello_request (TLS 1.2), read before OpenSSL acts on it
      if (!write_p && !self->m_server && !self->m_renegotiation_off) {
        // The UE's machine decides (O.4.1, RD-47): accepted, OpenSSL
        // renegotiates; refused, it declines with no_renegotiation.
        const core::Error e = self->m_events.tls_renegotiation_client_hello({});
        if (e == core::Error::ok) {
          SSL_clear_options(ssl, SSL_OP_NO_RENEGOTIATION);
        } else {
          SSL_set_options(ssl, SSL_OP_NO_RENEGOTIATION);
        }
      }
      break;
    case 4:  // new_session_ticket
      if (!write_p) ++self->m_tickets_received;
      break;
    case 13:  // certificate_request
      if (write_p) {
        ++self->m_cr_sent;
      } else if (!self->m_server) {
        //= spec#O.2.1-PC-NO-CLIENT-CERT-REQ type=implementation
        const core::Error e = self->m_events.tls_certificate_request();
        if (e != core::Error::ok) self->m_core_error = e;
      }
      break;
    case 20:  // finished
      (write_p ? self->m_finished_sent : self->m_finished_received) = true;
      break;
    case 24:  // key_update
      if (!write_p && len >= 5 && b[4] == 1) self->m_answer_key_update = true;
      self->m_events.tls_key_update(!write_p, len >= 5 && b[4] == 1);
      break;
    default:
      break;
  }
}

// UE: OpenSSL's RFC 5280 path validation, then the core's certificate
// policy on the facts; a refusal sends the core's alert.
//= spec#O.2.1-UE-AUTH-PC-BY-CERT type=implementation
//= spec#O.3.1.2-UE-ALERT-ON-CERT-FAIL type=implementation
//= spec#O.5.2-UE-NO-USER-OVERRIDE type=implementation
int Openssl_Endpoint::verify_cb(X509_STORE_CTX* ctx, void* /*arg*/) {
  SSL* ssl =
      static_cast<SSL*>(X509_STORE_CTX_get_ex_data(ctx, SSL_get_ex_data_X509_STORE_CTX_idx()));
  Openssl_Endpoint* self = ssl ? from(ssl) : nullptr;
  if (self == nullptr) return 0;
  // A CertificateRequest already refused (TLS 1.3 sends it before the
  // Certificate): abort here with the core's alert.
  if (self->m_core_error != core::Error::ok) {
    X509_STORE_CTX_set_error(ctx, x509_error_for_alert(alert_of(self->m_core_error)));
    return 0;
  }
  STACK_OF(X509)* sent = X509_STORE_CTX_get0_untrusted(ctx);
  const bool verified = X509_verify_cert(ctx) == 1;
  const Peer_Chain chain = collect_peer_chain(ctx, sent, verified, self->m_crl_checking);
  const core::Error e = self->m_events.tls_peer_chain(chain);
  if (e == core::Error::ok) {
    X509_STORE_CTX_set_error(ctx, X509_V_OK);
    return 1;
  }
  self->m_core_error = e;
  X509_STORE_CTX_set_error(ctx, x509_error_for_alert(alert_of(e)));
  return 0;
}

// P-CSCF: a ClientHello inside an established TLS 1.2 connection (the answer
// to our HelloRequest; a client-initiated one OpenSSL refuses before this)
// is checked by the core. The first ClientHello was read by the gate.
int Openssl_Endpoint::client_hello_cb(SSL* ssl, int* al, void* /*arg*/) {
  Openssl_Endpoint* self = from(ssl);
  if (self == nullptr) return SSL_CLIENT_HELLO_SUCCESS;
  if (self->m_handshakes == 0) {
    // The first handshake (and its second ClientHello after a
    // HelloRetryRequest): OpenSSL runs exactly what the core chose from the
    // raw ClientHello (O.1.2): that version, that suite, that group. Left
    // to itself OpenSSL 3.0 takes the client's key share at TLS 1.3 even when
    // the P-CSCF prefers another group; restricted to the core's group it
    // asks for it with a HelloRetryRequest.
    //= spec#O.1.2-PC-DECIDES-SUITE type=implementation
    const core::Choice& c = self->gate_choice();
    bool ok = SSL_set_min_proto_version(ssl, c.version) == 1 &&
              SSL_set_max_proto_version(ssl, c.version) == 1;
    if (ok && c.group != 0) {
      const int nid = group_nid(c.group);
      ok = nid != 0 && SSL_set1_groups(ssl, &nid, 1) == 1;
    }
    // The suite is not restricted here (re-parsing a cipher list per
    // connection costs ~5 % of a handshake): with the core's list and server
    // preference OpenSSL picks the same one, and handshake_done() refuses
    // the connection if it did not.
    if (!ok) {
      *al = static_cast<int>(core::TlsAlert::internal_error);
      return SSL_CLIENT_HELLO_ERROR;
    }
    return SSL_CLIENT_HELLO_SUCCESS;
  }
  const unsigned char* raw = nullptr;
  const std::size_t n = SSL_client_hello_get0_ciphers(ssl, &raw);
  std::vector<std::uint16_t> suites;
  for (std::size_t i = 0; i + 1 < n; i += 2) {
    suites.push_back(static_cast<std::uint16_t>((raw[i] << 8) | raw[i + 1]));
  }
  const core::Error e = self->m_events.tls_renegotiation_client_hello(suites);
  if (e == core::Error::ok) return SSL_CLIENT_HELLO_SUCCESS;
  self->m_core_error = e;
  *al = alert_of(e);
  return SSL_CLIENT_HELLO_ERROR;
}

// UE, TLS 1.2: OpenSSL asks for a client certificate after a
// CertificateRequest. The UE has none (an empty Certificate, RFC 5246
// 7.4.6) unless the core refused the request: then suspend, and drive()
// sends the core's alert.
int Openssl_Endpoint::client_cert_cb(SSL* ssl, X509** /*x509*/, EVP_PKEY** /*pkey*/) {
  Openssl_Endpoint* self = from(ssl);
  if (self != nullptr && self->m_core_error != core::Error::ok) return -1;
  return 0;
}

}  // namespace annexo::tls::openssl
