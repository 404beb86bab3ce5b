#include "adapters/tls/botan/endpoint.h"

#include "adapters/tls/botan/alerts.h"
#include "adapters/tls/signature_schemes.h"

namespace annexo::tls {

Peer_Chain to_peer_chain(const Chain_Facts& f) {
  Peer_Chain p;
  // The same facts the core would get through to_core_facts(Chain_Facts).
  const core::CertFacts c = to_core_facts(f, std::string());
  p.path_result = c.path;
  p.path_text = f.path_status_text;
  for (std::size_t i = 0; i < f.chain.size(); ++i) {
    const Cert_Info& in = f.chain[i];
    Peer_Cert out;
    out.common_names = in.common_names;
    out.dns_names = in.dns_names;
    out.x509_version = in.x509_version;
    if (i < core::kMaxChainFacts) {
      out.sig_hash = c.chain[i].signature_hash;
      out.key_alg = c.chain[i].key_algorithm;
      out.curve = c.chain[i].curve;
    }
    out.key_bits = static_cast<std::uint32_t>(in.key_bits);
    out.self_signed = in.self_signed;
    out.crl_distribution_point = in.has_crl_distribution_point;
    out.sig_algorithm = in.sig_algorithm;
    p.chain.push_back(std::move(out));
  }
  for (const auto& in : f.path) {
    p.path.push_back(Peer_Path_Cert{in.subject_der, in.issuer_der, in.crl_checked});
  }
  p.root_sent = c.root_sent;
  p.root_matches_stored = c.root_matches_stored;
  p.root_differences = c.root_differences;
  return p;
}

Botan_Endpoint::Botan_Endpoint(Endpoint_Events& events, std::string peer)
    : m_events(events), m_peer(std::move(peer)) {}

std::unique_ptr<Botan_Endpoint> Botan_Endpoint::server(
    const core::PcscfTlsConfig& config, Server_Credentials& creds,
    Botan::RandomNumberGenerator& rng, Endpoint_Events& events, std::string peer,
    std::function<bool()> accepts_renegotiation) {
  std::unique_ptr<Botan_Endpoint> e(new Botan_Endpoint(events, std::move(peer)));
  e->m_accepts_renegotiation = std::move(accepts_renegotiation);
  Botan_Endpoint* self = e.get();
  e->m_policy = std::make_unique<Pcscf_Policy>(
      config,
      Pcscf_Policy::Machine_Questions{
          [] { return false; },
          [self] { return self->m_accepts_renegotiation && self->m_accepts_renegotiation(); }},
      ecdsa_scheme_of_group(creds.ecdsa_group()));
  const auto now = [] { return std::chrono::system_clock::now(); };
  e->m_callbacks = std::make_unique<Callbacks>(static_cast<Tls_Events&>(*e), e->m_peer, now);
  e->m_ch_gate = std::make_unique<Client_Hello_Gate>(config);
  e->m_channel = std::make_unique<Botan::TLS::Server>(*e->m_callbacks, e->m_sessions, creds,
                                                      *e->m_policy, rng);
  return e;
}

std::unique_ptr<Botan_Endpoint> Botan_Endpoint::client(const core::UeTlsConfig& config,
                                                       const core::Offer& offer,
                                                       Client_Credentials& creds,
                                                       Botan::RandomNumberGenerator& rng,
                                                       Endpoint_Events& events, std::string peer,
                                                       const std::string& sni) {
  std::unique_ptr<Botan_Endpoint> e(new Botan_Endpoint(events, std::move(peer)));
  e->m_policy = std::make_unique<Ue_Policy>(config, offer);
  const auto now = [] { return std::chrono::system_clock::now(); };
  e->m_callbacks = std::make_unique<Callbacks>(static_cast<Tls_Events&>(*e), e->m_peer, now);
  e->m_sh_gate = std::make_unique<Server_Hello_Gate>(config, offer);
  // Botan's client writes its ClientHello from the constructor, through
  // tls_emit_data: start() is therefore a no-op for Botan.
  e->m_channel = std::make_unique<Botan::TLS::Client>(
      *e->m_callbacks, e->m_sessions, creds, *e->m_policy, rng,
      Botan::TLS::Server_Information(sni, 5061), Botan::TLS::Protocol_Version::TLS_V12);
  return e;
}

void Botan_Endpoint::start() {}

const core::Choice& Botan_Endpoint::gate_choice() const {
  static const core::Choice none{};
  return m_ch_gate ? m_ch_gate->choice() : none;
}

void Botan_Endpoint::gate_refused(core::Error e, const std::string& detail,
                                  const std::vector<std::uint8_t>& alert) {
  if (!alert.empty()) m_events.tls_out(alert.data(), alert.size());
  m_failure.source = Failure_Source::gate;
  m_failure.error = e;
  m_failure.alert_sent = alert.empty() ? -1 : alert.back();
  m_failure.what = detail;
}

bool Botan_Endpoint::received(const std::uint8_t data[], std::size_t size) {
  if (failed()) return false;
  if (m_ch_gate && m_ch_gate->state() == Client_Hello_Gate::State::reading) {
    m_ch_gate->push(data, size);
    if (m_ch_gate->state() == Client_Hello_Gate::State::refused) {
      gate_refused(m_ch_gate->error(), m_ch_gate->detail(), m_ch_gate->alert_record());
      return false;
    }
    if (m_ch_gate->state() == Client_Hello_Gate::State::reading) return true;
    feed(m_ch_gate->take());
    return !failed();
  }
  if (m_sh_gate && m_sh_gate->state() == Server_Hello_Gate::State::reading) {
    m_sh_gate->push(data, size);
    if (m_sh_gate->state() == Server_Hello_Gate::State::refused) {
      gate_refused(m_sh_gate->error(), m_sh_gate->detail(), m_sh_gate->alert_record());
      return false;
    }
    if (m_sh_gate->state() == Server_Hello_Gate::State::reading) return true;
    feed(m_sh_gate->take());
    return !failed();
  }
  feed(std::vector<std::uint8_t>(data, data + size));
  return !failed();
}

void Botan_Endpoint::feed(const std::vector<std::uint8_t>& bytes) {
  try {
    m_channel->received_data(bytes.data(), bytes.size());
  } catch (...) {
    const Tls_Failure f = classify_current_exception();
    m_failure.error = f.error;
    m_failure.what = f.what;
    m_failure.alert_received = m_alert_received;
    if (f.kind == Failure_Kind::core_rejection) {
      m_failure.source = Failure_Source::core_rejection;
      m_failure.alert_sent = f.alert;
    } else if (m_alert_received >= 0) {
      m_failure.source = Failure_Source::peer_alert;
    } else if (f.kind == Failure_Kind::internal) {
      m_failure.source = Failure_Source::internal;
    } else {
      m_failure.source = Failure_Source::tls_protocol;
      m_failure.alert_sent = f.alert;
    }
  }
}

bool Botan_Endpoint::send(const std::uint8_t data[], std::size_t size) {
  if (failed() || !m_channel->is_active()) return false;
  try {
    m_channel->send(data, size);
  } catch (...) {
    m_failure.source = Failure_Source::internal;
    m_failure.what = classify_current_exception().what;
    return false;
  }
  return true;
}

bool Botan_Endpoint::refresh_session() {
  if (failed() || !m_channel->is_active() || !m_ch_gate) return false;
  try {
    m_channel->renegotiate(true);  // HelloRequest (Botan 2.19: TLS 1.2 only)
  } catch (...) {
    return false;
  }
  return true;
}

void Botan_Endpoint::close() {
  try {
    m_channel->close();
  } catch (...) {
  }
}

bool Botan_Endpoint::established() const {
  return !failed() && m_channel->is_active();
}

void Botan_Endpoint::tls_out(const std::uint8_t data[], std::size_t size) {
  m_events.tls_out(data, size);
}
void Botan_Endpoint::tls_in(const std::uint8_t data[], std::size_t size) {
  m_events.tls_plaintext(data, size);
}
void Botan_Endpoint::tls_alert_received(Botan::TLS::Alert alert) {
  if (alert.type() == Botan::TLS::Alert::CLOSE_NOTIFY) m_events.tls_peer_closed();
  if (alert.is_fatal()) m_alert_received = alert.type();
  m_events.tls_alert_received(Alert_Fact{alert.type(), alert.is_fatal()});
}
core::Error Botan_Endpoint::tls_chain(const Chain_Facts& facts) {
  return m_events.tls_peer_chain(to_peer_chain(facts));
}
core::Error Botan_Endpoint::tls_certificate_request() {
  return m_events.tls_certificate_request();
}
core::Error Botan_Endpoint::tls_renegotiation_client_hello(
    const std::vector<std::uint16_t>& suites) {
  return m_events.tls_renegotiation_client_hello(suites);
}
core::Error Botan_Endpoint::tls_established(const Session_Facts& s) {
  Handshake_Facts f;
  f.version = s.version;
  f.suite = s.suite;
  f.group = 0;  // Botan 2.19's Session does not record the group
  f.handle_kind = Handle_Kind::session_id;
  f.session_handle = s.session_id;
  f.renegotiation = s.renegotiation;
  f.peer = s.peer;
  return m_events.tls_handshake_complete(f);
}

}  // namespace annexo::tls
