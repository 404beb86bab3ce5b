// TP_PC_TLS_018 and _022: a new handshake asked for inside a connection.
// TP_PC_TLS_018: client-initiated renegotiation on the connection of a
// registered UE. The probe's OpenSSL client is told to renegotiate
// (SSL_renegotiate): its new ClientHello, with renegotiation_info, goes out
// protected inside the established connection; the IUT's reaction is read
// through the endpoint (alerts, close, a second completed handshake).
#include <openssl/bio.h>
#include <openssl/ssl.h>

#include "adapters/probe/pcscf_tls/handshake.h"
#include "adapters/probe/pcscf_tls/hello.h"
#include "adapters/probe/pcscf_tls/registration.h"
#include "adapters/probe/pcscf_tls/tls13_record.h"
#include "adapters/probe/pcscf_tls/tls_tps.h"

namespace annexo::probe::pcscf_tls {
namespace {

const char kStream[] = "iut->probe tls c1";

// Starts a client renegotiation and writes the ClientHello record(s) OpenSSL
// produced to the socket (the endpoint has no client-side refresh: it is a UE
// that never renegotiates on its own, RD-04).
bool start_client_renegotiation(Tls_Session& s) {
  SSL* ssl = s.endpoint().native();
  if (SSL_renegotiate(ssl) != 1) return false;
  const int r = SSL_do_handshake(ssl);
  if (r <= 0) {
    const int err = SSL_get_error(ssl, r);
    if (err != SSL_ERROR_WANT_READ && err != SSL_ERROR_WANT_WRITE) return false;
  }
  BIO* out = SSL_get_wbio(ssl);
  char buf[16384];
  bool sent = false;
  while (BIO_ctrl_pending(out) > 0) {
    const int n = BIO_read(out, buf, sizeof buf);
    if (n <= 0) break;
    sent =
        s.conn().send_all(reinterpret_cast<const std::uint8_t*>(buf), static_cast<std::size_t>(n));
  }
  return sent;
}

}  // namespace

// TP_PC_TLS_018 (O.4.2-PC-NO-CLIENT-RENEG).
Tp_Outcome tp_tls_018(const Tp_Context& ctx) {
  Tls_Session s(ctx);
  Tp_Outcome o{Verdict::inconc, "", {}};
  if (!s.handshake(ctx.pixit.iut_host, ctx.pixit.iut_port, false)) {
    if (!s.run().connected) return {Verdict::error, "IUT unreachable: " + s.run().error, {}};
    o.reason = "initial condition not reached: " + summary(s.run());
    return o;
  }
  if (s.run().facts.version != 0x0303) {
    o.reason = "initial condition not reached: the IUT chose " + hex16(s.run().facts.version);
    return o;
  }
  std::string why;
  if (!register_user(s, ctx, o.evidence, why)) {
    o.reason = "initial condition not reached (registered UE): " + why;
    return o;
  }
  const std::size_t alerts_before = s.run().alerts.size();
  const std::size_t stream_at = s.run().from_iut.size();
  if (!start_client_renegotiation(s)) {
    return {Verdict::error, "probe: OpenSSL would not start a client renegotiation", o.evidence};
  }
  ctx.note("ClientHello sent inside the established connection");
  const Read_End end = s.pump(ctx.budget_ms("handshake_s", 5), [&] {
    return s.run().handshakes > 1 || s.run().alerts.size() > alerts_before || s.endpoint().failed();
  });
  if (s.run().handshakes > 1) {
    o.verdict = Verdict::fail;
    o.reason = "the client-initiated renegotiation completed";
    o.evidence.push_back(
        {kStream, s.run().from_iut.size(), "second handshake completed (renegotiation)"});
    return o;
  }
  for (std::size_t i = alerts_before; i < s.run().alerts.size(); ++i) {
    const auto& a = s.run().alerts[i];
    o.evidence.push_back({kStream, stream_at,
                          std::string(a.fatal ? "fatal" : "warning") + " alert " +
                              std::to_string(a.description) + " (protected record)"});
  }
  if (s.run().alerts.size() > alerts_before || end == Read_End::closed || end == Read_End::reset) {
    if (end == Read_End::closed || end == Read_End::reset) {
      o.evidence.push_back(
          {kStream, s.run().from_iut.size(), std::string("connection ") + read_end_name(end)});
    }
    o.verdict = Verdict::pass;
    o.reason = "client renegotiation refused: " + o.evidence.back().observed;
    return o;
  }
  if (s.endpoint().failed()) {
    o.verdict = Verdict::pass;
    o.reason = "client renegotiation not completed: " + s.endpoint().failure().what;
    return o;
  }
  o.reason = "no reaction to the renegotiation within timers.handshake_s";
  return o;
}

// TP_PC_TLS_022 (RFC8446-NO-RENEG): after a TLS 1.3 handshake, a
// ClientHello sent as a protected handshake message (the probe protects the
// record itself with the client_application_traffic_secret_0 of the key
// log: first record after the handshake, sequence number 0). The IUT's
// answer is read through the endpoint, which decrypts the IUT's records.
Tp_Outcome tp_tls_022(const Tp_Context& ctx) {
  Tls_Session s(ctx);
  s.keep_key_log();
  Tp_Outcome o{Verdict::inconc, "", {}};
  if (!s.handshake(ctx.pixit.iut_host, ctx.pixit.iut_port, true)) {
    if (!s.run().connected) return {Verdict::error, "IUT unreachable: " + s.run().error, {}};
    o.reason = "initial condition not reached: " + summary(s.run());
    return o;
  }
  if (s.run().facts.version != 0x0304) {
    o.reason = "initial condition not reached: the IUT chose " + hex16(s.run().facts.version);
    return o;
  }
  const std::vector<std::uint8_t> secret = from_hex(s.key_log("CLIENT_TRAFFIC_SECRET_0"));
  if (secret.empty()) return {Verdict::error, "probe: no client traffic secret in the key log", {}};
  Hello_Spec spec;
  spec.suites = {0x1301, 0x1302, 0x1303};
  spec.sni = ctx.pixit.iut_fqdn;
  spec.supported_versions = {0x0304};
  spec.renegotiation_info = false;
  std::vector<std::uint8_t> hello = build_client_hello(spec);
  hello.erase(hello.begin(),
              hello.begin() + 5);  // the handshake message, without its record header
  std::string error;
  const std::vector<std::uint8_t> record =
      protect_tls13_record(s.run().facts.suite, secret, 0, 22, hello, error);
  if (record.empty()) return {Verdict::error, "probe: " + error, {}};
  const std::size_t alerts_before = s.run().alerts.size();
  const std::size_t stream_at = s.run().from_iut.size();
  if (!s.conn().send_all(record)) {
    return {Verdict::error, "probe: the protected ClientHello could not be sent", {}};
  }
  ctx.note("protected ClientHello sent (" + std::to_string(record.size()) + " bytes)");
  const Read_End end = s.pump(ctx.budget_ms("handshake_s", 5), [&] {
    return s.run().alerts.size() > alerts_before || s.endpoint().failed();
  });
  bool unexpected_message = false;
  for (std::size_t i = alerts_before; i < s.run().alerts.size(); ++i) {
    const auto& a = s.run().alerts[i];
    unexpected_message = unexpected_message || (a.fatal && a.description == 10);
    o.evidence.push_back({kStream, stream_at,
                          std::string(a.fatal ? "fatal" : "warning") + " alert " +
                              std::to_string(a.description) + " (protected record)"});
  }
  // The close, within timers.close_budget_s, if it has not come yet.
  const Read_End closed = end == Read_End::data
                              ? s.pump(ctx.budget_ms("close_budget_s", 5), [] { return false; })
                              : end;
  const bool was_closed = closed == Read_End::closed || closed == Read_End::reset;
  if (was_closed) {
    o.evidence.push_back(
        {kStream, s.run().from_iut.size(), std::string("connection ") + read_end_name(closed)});
  }
  if (s.run().alerts.size() == alerts_before && s.endpoint().failed()) {
    o.verdict = Verdict::fail;
    o.reason = "the IUT answered with handshake data: " + s.endpoint().failure().what;
    return o;
  }
  if (unexpected_message) {
    o.verdict = Verdict::pass;
    o.reason = std::string("fatal unexpected_message(10)") +
               (was_closed ? " and close" : ", no close within timers.close_budget_s");
    return o;
  }
  o.reason = s.run().alerts.size() > alerts_before
                 ? "refused with another alert than unexpected_message(10)"
                 : "no reaction within timers.handshake_s";
  return o;
}

Tp_Outcome renegotiation_certificate_requests(const Tp_Context& ctx) {
  const char* stream = "iut->probe tls c3 (registered, renegotiation)";
  Tls_Session s(ctx);
  Tp_Outcome o{Verdict::inconc, "", {}};
  if (!s.handshake(ctx.pixit.iut_host, ctx.pixit.iut_port, false) ||
      s.run().facts.version != 0x0303) {
    if (!s.run().connected) return {Verdict::error, "IUT unreachable: " + s.run().error, {}};
    o.reason = "renegotiation not observed: no TLS 1.2 connection";
    return o;
  }
  std::string why;
  if (!register_user(s, ctx, o.evidence, why)) {
    o.reason = "renegotiation not observed: not registered (" + why + ")";
    return o;
  }
  ctx.note("registered; waiting for the IUT's renegotiation");
  s.pump(ctx.budget_ms("lifetime_budget_s", 120), [&] {
    return s.run().handshakes > 1 || s.run().certificate_requests > 0 || s.endpoint().failed();
  });
  if (s.run().certificate_requests > 0) {
    o.verdict = Verdict::fail;
    o.reason = "the IUT sent a CertificateRequest in the renegotiation of a registered UE";
    o.evidence.push_back({stream, s.run().from_iut.size(), "CertificateRequest (protected)"});
    return o;
  }
  if (s.run().handshakes > 1) {
    o.verdict = Verdict::pass;
    o.reason = "no CertificateRequest in the IUT's renegotiation";
    o.evidence.push_back(
        {stream, s.run().from_iut.size(), "renegotiation completed, no CertificateRequest"});
    return o;
  }
  o.reason = "renegotiation not observed within timers.lifetime_budget_s";
  return o;
}

}  // namespace annexo::probe::pcscf_tls
