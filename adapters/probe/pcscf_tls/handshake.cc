#include "adapters/probe/pcscf_tls/handshake.h"

#include <fstream>
#include <memory>
#include <sstream>

#include "adapters/probe/pcscf_tls/hello.h"
#include "adapters/probe/wire.h"
#include "adapters/tls/openssl/context.h"
#include "adapters/tls/openssl/endpoint.h"
#include "core/handshake_reader.h"
#include "core/profile.h"

namespace annexo::probe::pcscf_tls {
namespace {

std::string read_file(const std::string& path, bool& ok) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  ok = static_cast<bool>(in);
  return s.str();
}

// The endpoint's events: bytes out to the socket, every fact kept, nothing refused.
class Recorder final : public tls::Endpoint_Events {
 public:
  Recorder(Tcp_Conn& conn, Handshake_Run& run) : m_conn(conn), m_run(run) {}
  void tls_out(const std::uint8_t data[], std::size_t size) override {
    m_conn.send_all(data, size);
  }
  void tls_plaintext(const std::uint8_t*, std::size_t) override {}
  void tls_alert_received(const tls::Alert_Fact& alert) override { m_run.alerts.push_back(alert); }
  core::Error tls_peer_chain(const tls::Peer_Chain& chain) override {
    m_run.chain_seen = true;
    m_run.chain = chain;
    return core::Error::ok;
  }
  core::Error tls_certificate_request() override {
    ++m_run.certificate_requests;
    return core::Error::ok;
  }
  core::Error tls_renegotiation_client_hello(const std::vector<std::uint16_t>&) override {
    return core::Error::ok;
  }
  core::Error tls_handshake_complete(const tls::Handshake_Facts& facts) override {
    m_run.facts = facts;
    return core::Error::ok;
  }
  void tls_peer_closed() override { m_run.peer_closed = true; }

 private:
  Tcp_Conn& m_conn;
  Handshake_Run& m_run;
};

// Reads the server's cleartext handshake messages (up to its first
// ChangeCipherSpec or encrypted record) with the core's reader.
void tap(Handshake_Run& run) {
  static std::uint8_t storage[core::kHandshakeBufferCapacity];
  core::HandshakeAssembler assembler(storage, sizeof storage);
  std::size_t pos = 0;
  run.messages.clear();
  while (pos < run.from_iut.size()) {
    core::Record rec;
    const core::ReadResult rr = core::read_record(
        core::ByteView(run.from_iut.data() + pos, run.from_iut.size() - pos), rec);
    if (!rr.ok()) return;
    const std::size_t at = pos;
    pos += rec.wire_size;
    if (rec.type != core::tls::ContentType::handshake) {
      if (rec.type == core::tls::ContentType::alert) continue;
      return;  // ChangeCipherSpec or protected records: the rest is encrypted
    }
    if (assembler.push(rec).failed()) return;
    core::HandshakeMessage m;
    while (assembler.next(m).ok()) {
      run.messages.push_back({static_cast<std::uint8_t>(m.type), at,
                              std::vector<std::uint8_t>(m.body.data, m.body.data + m.body.size)});
    }
  }
}

}  // namespace

std::string summary(const Handshake_Run& h) {
  if (!h.connected) return h.error;
  if (h.established) {
    return "handshake completed, version " + hex16(h.facts.version) + " suite " +
           hex16(h.facts.suite);
  }
  if (h.timed_out) return "handshake not completed within timers.handshake_s";
  std::string s = "handshake failed (" + std::string(tls::failure_source_name(h.failure.source)) +
                  ": " + h.failure.what + ")";
  if (h.failure.alert_received >= 0) s += ", IUT alert " + std::to_string(h.failure.alert_received);
  return s;
}

Handshake_Run profile_handshake(const Tp_Context& ctx) {
  return profile_handshake(
      ctx, ctx.pixit.iut_host, ctx.pixit.iut_port,
      ctx.pics.answers.count("PICS_TLS13") != 0 && ctx.pics.answers.at("PICS_TLS13").b);
}

Handshake_Run profile_handshake(const Tp_Context& ctx, const std::string& host, int port,
                                bool tls13) {
  Handshake_Run run;
  core::UeTlsConfig& config = run.config;
  config.enable_tls13 = tls13;
  core::Offer& offer = run.offer;
  if (const core::Error e = core::build_offer(config, offer); e != core::Error::ok) {
    run.error = std::string("probe: core::build_offer refused: ") + core::error_message(e);
    return run;
  }
  bool ok = false;
  const std::string anchors = read_file(ctx.pixit.iut_ca_file, ok);
  if (!ok || anchors.empty()) {
    run.error = "probe: cannot read the PIXIT iut.ca_file " + ctx.pixit.iut_ca_file;
    return run;
  }
  const tls::openssl::Built_Context built = tls::openssl::make_ue_context(config, offer, anchors);
  if (!built.ok()) {
    run.error = "probe: OpenSSL client context: " + built.error;
    return run;
  }
  Tcp_Conn conn;
  if (!conn.connect(host, port, ctx.budget_ms("connect_s", 3), run.error)) return run;
  run.connected = true;
  run.local_port = conn.local_port();
  ctx.note("connected from port " + std::to_string(run.local_port));
  Recorder events(conn, run);
  auto ep =
      tls::openssl::Openssl_Endpoint::client(built.ctx.get(), config, offer, events,
                                             host + ":" + std::to_string(port), ctx.pixit.iut_fqdn);
  ep->start();
  const int budget = ctx.budget_ms("handshake_s", 5);
  const long long deadline = now_ms() + budget;
  while (!ep->established() && !ep->failed()) {
    const long long left = deadline - now_ms();
    if (left <= 0) {
      run.timed_out = true;
      break;
    }
    std::vector<std::uint8_t> in;
    const Read_End end = conn.read_some(in, static_cast<int>(left));
    if (end == Read_End::data) {
      run.from_iut.insert(run.from_iut.end(), in.begin(), in.end());
      ep->received(in.data(), in.size());
      continue;
    }
    if (end == Read_End::timeout) continue;
    run.peer_closed = true;
    break;
  }
  run.established = ep->established();
  run.failure = ep->failure();
  if (run.established) ep->close();
  tap(run);
  ctx.note(summary(run));
  return run;
}

}  // namespace annexo::probe::pcscf_tls
