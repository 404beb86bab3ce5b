// TP_PC_TLS_016 (33210-6.2.2-NO-0RTT): 0-RTT early data is not accepted.
// Connection 1: a TLS 1.3 handshake through annexo's client endpoint with
// tickets kept (the core's client context refuses them; the probe turns
// that off for this TP only) until the IUT's NewSessionTicket arrives.
// Connection 2: OpenSSL resumes with that ticket and sends a SIP OPTIONS as
// early data; the IUT's EncryptedExtensions says whether it accepted it.
// A ticket that does not allow early data is used anyway (its
// max_early_data is raised on the probe's copy): the IUT must then ignore it.
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <sys/time.h>

#include "adapters/probe/pcscf_tls/handshake.h"
#include "adapters/probe/pcscf_tls/hello.h"
#include "adapters/probe/pcscf_tls/tls_tps.h"

namespace annexo::probe::pcscf_tls {
namespace {

// The newest session the IUT's tickets gave (one TP per forked child).
SSL_SESSION*& ticket() {
  static SSL_SESSION* session = nullptr;
  return session;
}
int keep_session(SSL*, SSL_SESSION* s) {
  if (ticket() != nullptr) SSL_SESSION_free(ticket());
  ticket() = s;
  return 1;  // we keep the reference
}

void keep_tickets(SSL_CTX* ctx) {
  SSL_CTX_clear_options(ctx, SSL_OP_NO_TICKET);
  SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL_STORE);
  SSL_CTX_sess_set_new_cb(ctx, keep_session);
}

void set_timeouts(int fd, int ms) {
  timeval tv{ms / 1000, (ms % 1000) * 1000};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

}  // namespace

Tp_Outcome tp_tls_016(const Tp_Context& ctx) {
  Tp_Outcome o{Verdict::inconc, "", {}};
  Tls_Session first(ctx);
  first.configure(keep_tickets);
  if (!first.handshake(ctx.pixit.iut_host, ctx.pixit.iut_port, true)) {
    if (!first.run().connected)
      return {Verdict::error, "IUT unreachable: " + first.run().error, {}};
    o.reason = "no TLS 1.3 handshake to get a ticket: " + summary(first.run());
    return o;
  }
  if (first.run().facts.version != 0x0304) {
    o.reason = "the IUT chose " + hex16(first.run().facts.version) + ": no TLS 1.3 ticket";
    return o;
  }
  // Tickets come after the handshake.
  first.pump(ctx.budget_ms("handshake_s", 5), [] { return ticket() != nullptr; });
  if (ticket() == nullptr) {
    o.reason = "the IUT issues no ticket (0-RTT cannot be attempted)";
    o.evidence.push_back({"iut->probe tls c1", first.run().from_iut.size(),
                          "no NewSessionTicket within timers.handshake_s"});
    return o;
  }
  const std::uint32_t allowed = SSL_SESSION_get_max_early_data(ticket());
  o.evidence.push_back({"iut->probe tls c1", first.run().from_iut.size(),
                        "NewSessionTicket, max_early_data=" + std::to_string(allowed)});
  if (allowed == 0) SSL_SESSION_set_max_early_data(ticket(), 16384);
  SSL_CTX* sctx = first.ssl_ctx();
  Tcp_Conn conn;
  std::string error;
  if (!conn.connect(ctx.pixit.iut_host, ctx.pixit.iut_port, ctx.budget_ms("connect_s", 3), error)) {
    return {Verdict::error, "IUT unreachable: " + error, o.evidence};
  }
  set_timeouts(conn.fd(), ctx.budget_ms("handshake_s", 5));
  SSL* ssl = SSL_new(sctx);
  SSL_set_fd(ssl, conn.fd());
  SSL_set_tlsext_host_name(ssl, ctx.pixit.iut_fqdn.c_str());
  SSL_set_verify(ssl, SSL_VERIFY_NONE, nullptr);  // the chain is TP_PC_CERT_*'s business
  SSL_set_session(ssl, ticket());
  SSL_set_connect_state(ssl);
  const std::string options = "OPTIONS sip:" + ctx.pixit.domain + " SIP/2.0\r\nVia: SIP/2.0/TLS " +
                              ctx.pixit.probe_host + ";branch=z9hG4bK0rtt" +
                              std::to_string(conn.local_port()) +
                              "\r\nMax-Forwards: 70\r\nFrom: <sip:probe@" + ctx.pixit.domain +
                              ">;tag=0rtt\r\nTo: <sip:" + ctx.pixit.domain +
                              ">\r\nCall-ID: 0rtt@probe\r\nCSeq: 1 OPTIONS\r\n"
                              "Content-Length: 0\r\n\r\n";
  std::size_t written = 0;
  const int w = SSL_write_early_data(ssl, options.data(), options.size(), &written);
  o.evidence.push_back(
      {"probe->iut tls c2", 0,
       w == 1 ? "SIP OPTIONS sent as early data (" + std::to_string(written) + " bytes)"
              : "OpenSSL did not send early data"});
  const int h = SSL_do_handshake(ssl);
  const int status = SSL_get_early_data_status(ssl);
  const bool resumed = SSL_session_reused(ssl) == 1;
  SSL_free(ssl);
  if (ticket() != nullptr) SSL_SESSION_free(ticket());
  ticket() = nullptr;
  if (w != 1) return {Verdict::error, "probe: OpenSSL would not send 0-RTT data", o.evidence};
  o.evidence.push_back({"iut->probe tls c2", 0,
                        std::string("handshake ") + (h == 1 ? "completed" : "not completed") +
                            (resumed ? ", resumed" : ", full") + ", early data " +
                            (status == SSL_EARLY_DATA_ACCEPTED ? "ACCEPTED" : "not accepted")});
  if (status == SSL_EARLY_DATA_ACCEPTED) {
    o.verdict = Verdict::fail;
    o.reason = "the IUT accepted 0-RTT early data (early_data in EncryptedExtensions)";
    return o;
  }
  if (h != 1) {
    o.reason = "the resumption handshake did not complete within timers.handshake_s";
    return o;
  }
  o.verdict = Verdict::pass;
  o.reason =
      "early data not accepted (EncryptedExtensions without early_data); the S-CSCF side "
      "(nothing forwarded) is not observed by this TLS-level implementation";
  return o;
}

}  // namespace annexo::probe::pcscf_tls
