#include <cstdio>
#include <string>

#include "adapters/tls/alert_name.h"
#include "adapters/tls/chain_report.h"
#include "adapters/ue/client/ue_client.h"
#include "core/cert_policy.h"
#include "core/cipher_suites.h"

namespace annexo::ue {

using core::Error;
using core::UeEvent;
using core::UeInput;
using core::UeOutputKind;
using core::UeResult;
using core::UeStateId;
using log::Verdict;
namespace sip = ::annexo::sip;

void Ue_Client::tls_alert_received(const atls::Alert_Fact& a) {
  // The alert's name for the log and the REFUSED line (RFC 5246 / 8446
  // names, whichever stack received it).
  m_last_alert = atls::alert_name(a.description);
  m_log.decision(Verdict::info, "", "TLS alert received",
                 {{"alert", m_last_alert}, {"fatal", a.fatal ? "yes" : "no"}});
  if (a.fatal) m_peer_closed = true;  // the P-CSCF ended the connection
}

Error Ue_Client::tls_peer_chain(const atls::Peer_Chain& facts) {
  core::CertFacts cf = atls::to_core_facts(facts, m_o.fqdn);
  cf.revocation_required = !m_o.crls.empty();
  const Error verdict = core::cert_verdict(cf);
  const std::string leaf = facts.chain.empty() || facts.chain.front().common_names.empty()
                               ? ""
                               : facts.chain.front().common_names.front();
  if (verdict == Error::ok) {
    m_log.decision(Verdict::allow, "O.2.1-UE-AUTH-PC-BY-CERT", "P-CSCF certificate accepted",
                   {{"reference_identity", m_o.fqdn}, {"leaf", leaf}});
  } else {
    m_log.decision(Verdict::deny, core::error_requirement(verdict), "P-CSCF certificate rejected",
                   {{"reference_identity", m_o.fqdn},
                    {"leaf", leaf},
                    {"error", core::error_info(verdict).name},
                    {"reason", core::error_message(verdict)},
                    {"path", facts.path_text}});
    m_cert_error = verdict;
  }
  UeInput in;
  in.event = UeEvent::cert_verdict;
  in.conn = m_conn;
  in.cert_error = verdict;
  const UeResult r = handle(in, "cert_verdict");
  if (verdict != Error::ok) return verdict;
  return r.accepted ? Error::ok
                    : (r.verdict == Error::ok ? Error::ue_event_not_allowed : r.verdict);
}

Error Ue_Client::tls_certificate_request() {
  m_cert_requests++;
  UeInput in;
  in.event = UeEvent::certificate_request;
  in.conn = m_conn;
  const UeResult r = handle(in, "certificate_request");
  for (std::uint8_t i = 0; i < r.outputs.count; ++i) {
    if (r.outputs.items[i].kind == UeOutputKind::send_alert) return r.outputs.items[i].error;
  }
  return Error::ok;  // the stack answers with an empty Certificate (no client credentials)
}

Error Ue_Client::tls_renegotiation_client_hello(const std::vector<std::uint16_t>&) {
  UeInput in;
  in.event = UeEvent::hello_request;
  in.conn = m_conn;
  const UeResult r = handle(in, "hello_request");
  if (r.accepted) return Error::ok;
  return r.verdict == Error::ok ? Error::ue_event_not_allowed : r.verdict;
}

Error Ue_Client::tls_handshake_complete(const atls::Handshake_Facts& f) {
  char suite[8];
  std::snprintf(suite, sizeof(suite), "0x%04X", f.suite);
  // The session handle (RD-116): the P-CSCF's Session ID at TLS 1.2, the
  // exporter value at TLS 1.3 (no Session ID there).
  const std::string sid = atls::handle_hex(f.session_handle);
  const bool tls13 = f.version == 0x0304;
  const char* handle_kind =
      f.handle_kind == atls::Handle_Kind::exporter ? "exporter" : "session_id";
  UeInput in;
  in.conn = m_conn;
  if (!f.renegotiation) {
    in.event = UeEvent::handshake_done;
    in.tls13 = tls13;
    m_log.decision(Verdict::info, "O.2.1-ALL-SESSION-ID", "TLS session established",
                   {{"version", f.version == 0x0303 ? "TLS1.2"
                                : tls13             ? "TLS1.3"
                                                    : std::to_string(f.version)},
                    {"suite", suite},
                    {"stack", m_tls ? m_tls->stack_name() : ""},
                    {"handle_kind", handle_kind},
                    {"session_id", sid}});
    if (m_cert_requests == 0) {
      m_log.decision(Verdict::allow, "O.2.1-PC-NO-CLIENT-CERT-REQ",
                     "handshake finished without a CertificateRequest from the P-CSCF",
                     {{"session_id", sid}});
    }
  } else {
    in.event = UeEvent::reneg_done;
    in.keepalive_s = keepalive_draw();
    m_log.decision(Verdict::info, "O.4.1-UE-RENEG-ON-HELLOREQUEST",
                   "renegotiation finished inside the same connection",
                   {{"suite", suite}, {"session_id", sid}, {"old_session_id", m_session_id}});
  }
  // RD-01, O.1.2-OP-PRIVACY-LAW: a negotiated NULL-encryption suite (only
  // after --offer-null-encryption, OpenSSL stack; RD-350) is audit-logged.
  //= spec#O.2.1-ALL-NULL-MAY type=implementation
  if (!core::suite_encrypts(f.suite))
    m_log.decision(Verdict::allow, "O.2.1-ALL-NULL-MAY",
                   "NULL-encryption suite negotiated (offered by opt-in): integrity protection "
                   "only, no confidentiality",
                   {{"suite", suite}, {"session_id", sid}});
  m_session_id = sid;
  const UeResult r = handle(in, f.renegotiation ? "reneg_done" : "handshake_done");
  if (r.accepted) return Error::ok;
  return r.verdict == Error::ok ? Error::ue_event_not_allowed : r.verdict;
}

// RD-117: a TLS 1.3 KeyUpdate is the P-CSCF's session refresh; the stack
// answers a request at once. The UE machine sees no event (no
// renegotiation, no new certificate, the same session handle).
void Ue_Client::tls_key_update(bool received, bool update_requested) {
  m_log.decision(
      Verdict::info, "",
      received ? "TLS 1.3 KeyUpdate received (answered by the stack; RD-117)"
               : "TLS 1.3 KeyUpdate sent",
      {{"update_requested", update_requested ? "yes" : "no"}, {"session_id", m_session_id}});
}

}  // namespace annexo::ue
