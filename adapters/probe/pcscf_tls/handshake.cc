#include "adapters/probe/pcscf_tls/handshake.h"

#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/ssl.h>

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

// The endpoint's events: bytes out to the socket, every fact kept, nothing refused.
class Recorder final : public tls::Endpoint_Events {
 public:
  Recorder(Tcp_Conn& conn, Handshake_Run& run) : m_conn(conn), m_run(run) {}
  std::string plaintext;  // what the IUT sent inside TLS
  void tls_out(const std::uint8_t data[], std::size_t size) override {
    m_conn.send_all(data, size);
  }
  void tls_plaintext(const std::uint8_t data[], std::size_t size) override {
    plaintext.append(reinterpret_cast<const char*>(data), size);
  }
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
    ++m_run.handshakes;
    return core::Error::ok;
  }
  void tls_peer_closed() override { m_run.peer_closed = true; }

 private:
  Tcp_Conn& m_conn;
  Handshake_Run& m_run;
};

namespace {

// Key log lines of this process (one TP per forked child; TP_PC_TLS_022 only).
std::vector<std::string>& key_log_lines() {
  static std::vector<std::string> lines;
  return lines;
}
void key_log_cb(const SSL*, const char* line) {
  key_log_lines().emplace_back(line);
}

std::string read_file(const std::string& path, bool& ok) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  ok = static_cast<bool>(in);
  return s.str();
}

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

// The server's SignatureScheme from OpenSSL's signature type and digest.
std::uint16_t peer_scheme(SSL* ssl) {
  int type = 0, digest = 0;
  if (SSL_get_peer_signature_type_nid(ssl, &type) != 1 ||
      SSL_get_peer_signature_nid(ssl, &digest) != 1)
    return 0;
  const int hash = digest == NID_sha256   ? 1
                   : digest == NID_sha384 ? 2
                   : digest == NID_sha512 ? 3
                                          : 0;
  if (hash == 0) return 0;
  if (type == EVP_PKEY_EC) return hash == 1 ? 0x0403 : hash == 2 ? 0x0503 : 0x0603;
  if (type == EVP_PKEY_RSA_PSS) return static_cast<std::uint16_t>(0x0803 + hash);  // rsae
  if (type == EVP_PKEY_RSA) return static_cast<std::uint16_t>(0x0301 + 0x100 * hash);
  return 0;
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
  Tls_Session session(ctx);
  session.handshake(host, port, tls13);
  session.close();
  return session.run();
}

Tls_Session::Tls_Session(const Tp_Context& ctx) : m_ctx(ctx) {}
Tls_Session::~Tls_Session() = default;

bool Tls_Session::handshake(const std::string& host, int port, bool tls13) {
  Handshake_Run& run = m_run;
  core::UeTlsConfig& config = run.config;
  config.enable_tls13 = tls13;
  core::Offer& offer = run.offer;
  if (const core::Error e = core::build_offer(config, offer); e != core::Error::ok) {
    run.error = std::string("probe: core::build_offer refused: ") + core::error_message(e);
    return false;
  }
  bool ok = false;
  const std::string anchors = read_file(m_ctx.pixit.iut_ca_file, ok);
  if (!ok || anchors.empty()) {
    run.error = "probe: cannot read the PIXIT iut.ca_file " + m_ctx.pixit.iut_ca_file;
    return false;
  }
  m_built = std::make_unique<tls::openssl::Built_Context>(
      tls::openssl::make_ue_context(config, offer, anchors));
  if (!m_built->ok()) {
    run.error = "probe: OpenSSL client context: " + m_built->error;
    return false;
  }
  if (m_key_log) SSL_CTX_set_keylog_callback(m_built->ctx.get(), key_log_cb);
  if (m_configure) m_configure(m_built->ctx.get());
  if (!m_conn.connect(host, port, m_ctx.budget_ms("connect_s", 3), run.error)) return false;
  run.connected = true;
  run.local_port = m_conn.local_port();
  m_ctx.note("connected from port " + std::to_string(run.local_port));
  m_events = std::make_unique<Recorder>(m_conn, run);
  m_ep = tls::openssl::Openssl_Endpoint::client(m_built->ctx.get(), config, offer, *m_events,
                                                host + ":" + std::to_string(port),
                                                m_ctx.pixit.iut_fqdn);
  m_ep->start();
  const Read_End end = pump(m_ctx.budget_ms("handshake_s", 5),
                            [this] { return m_ep->established() || m_ep->failed(); });
  run.timed_out = end == Read_End::timeout;
  run.established = m_ep->established();
  if (run.established) run.peer_signature_scheme = peer_scheme(m_ep->native());
  run.failure = m_ep->failure();
  tap(run);
  m_ctx.note(summary(run));
  return run.established;
}

Read_End Tls_Session::pump(int budget_ms, const std::function<bool()>& done) {
  const long long deadline = now_ms() + budget_ms;
  while (!done()) {
    const long long left = deadline - now_ms();
    if (left <= 0) return Read_End::timeout;
    std::vector<std::uint8_t> in;
    const Read_End end = m_conn.read_some(in, static_cast<int>(left));
    if (end == Read_End::timeout) continue;
    if (end != Read_End::data) {
      m_run.peer_closed = true;
      return end;
    }
    m_run.from_iut.insert(m_run.from_iut.end(), in.begin(), in.end());
    m_ep->received(in.data(), in.size());
  }
  return Read_End::data;
}

bool Tls_Session::send(const std::string& plaintext) {
  return m_ep &&
         m_ep->send(reinterpret_cast<const std::uint8_t*>(plaintext.data()), plaintext.size());
}

std::string& Tls_Session::plaintext() {
  return m_events->plaintext;
}

tls::openssl::Openssl_Endpoint& Tls_Session::endpoint() {
  return *m_ep;
}

std::string Tls_Session::key_log(const std::string& label) const {
  std::string value;
  for (const auto& line : key_log_lines()) {
    if (line.rfind(label + " ", 0) == 0) value = line.substr(line.rfind(' ') + 1);
  }
  return value;
}

void Tls_Session::close() {
  if (m_ep && m_ep->established()) m_ep->close();
  m_conn.close();
}

}  // namespace annexo::probe::pcscf_tls
