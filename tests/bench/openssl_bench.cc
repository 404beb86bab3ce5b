// Full handshakes per second through the OpenSSL 3.0 adapter (issue 14)
// against bare OpenSSL over memory BIOs with the same suite and group, and
// TLS 1.3 against TLS 1.2, in one run, configurations interleaved in rounds.
// Figures, not a test: tests/bench/README.md.
//
//   bazel run -c opt //tests/bench:openssl_bench [-- --handshakes N]
#include <botan/auto_rng.h>
#include <botan/pkcs8.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>
#include <vector>

#include "adapters/tls/botan/endpoint.h"
#include "adapters/tls/chain_report.h"
#include "adapters/tls/endpoint.h"
#include "adapters/tls/openssl/context.h"
#include "adapters/tls/openssl/endpoint.h"
#include "core/cert_policy.h"
#include "core/profile.h"
#include "tests/adapters/test_pki.h"

namespace {

namespace core = annexo::core;
namespace ossl = annexo::tls::openssl;
const std::string kFqdn = "pcscf.test";

struct Events final : annexo::tls::Endpoint_Events {
  std::vector<std::uint8_t> out;
  int done = 0;
  std::uint16_t suite = 0, group = 0, version = 0;
  void tls_out(const std::uint8_t d[], std::size_t n) override { out.insert(out.end(), d, d + n); }
  void tls_plaintext(const std::uint8_t*, std::size_t) override {}
  void tls_alert_received(const annexo::tls::Alert_Fact&) override {}
  core::Error tls_peer_chain(const annexo::tls::Peer_Chain& c) override {
    return core::cert_verdict(annexo::tls::to_core_facts(c, kFqdn));
  }
  core::Error tls_certificate_request() override { return core::Error::ok; }
  core::Error tls_renegotiation_client_hello(const std::vector<std::uint16_t>&) override {
    return core::Error::ok;
  }
  core::Error tls_handshake_complete(const annexo::tls::Handshake_Facts& f) override {
    ++done;
    suite = f.suite;
    group = f.group;
    version = f.version;
    return core::Error::ok;
  }
};

struct Setup {
  ossl::Built_Context pc, ue;
  core::PcscfTlsConfig pc_config;
  core::UeTlsConfig ue_config;
  core::Offer offer;
};

// One TLS 1.2 handshake through the Botan adapter behind the same Endpoint
// interface (Botan 2.19 has no TLS 1.3).
struct Botan_Setup {
  core::PcscfTlsConfig pc_config;
  core::UeTlsConfig ue_config;
  core::Offer offer;
  std::unique_ptr<annexo::tls::Server_Credentials> pc_creds;
  std::unique_ptr<annexo::tls::Client_Credentials> ue_creds;
  Botan::AutoSeeded_RNG rng;
};

bool botan_handshake(Botan_Setup& s, std::uint16_t* suite) {
  Events ue, pc;
  auto server = annexo::tls::Botan_Endpoint::server(s.pc_config, *s.pc_creds, s.rng, pc,
                                                    "127.0.0.1:1", [] { return false; });
  auto client = annexo::tls::Botan_Endpoint::client(s.ue_config, s.offer, *s.ue_creds, s.rng, ue,
                                                    "127.0.0.1:5061", kFqdn);
  for (int i = 0; i < 16 && (!ue.out.empty() || !pc.out.empty()); ++i) {
    auto a = std::move(ue.out);
    ue.out.clear();
    if (!a.empty()) server->received(a.data(), a.size());
    auto b = std::move(pc.out);
    pc.out.clear();
    if (!b.empty()) client->received(b.data(), b.size());
  }
  if (suite) *suite = pc.suite;
  return ue.done == 1 && pc.done == 1 && !client->failed() && !server->failed();
}

// One handshake through the adapter; false if it did not complete.
bool adapter_handshake(Setup& s, std::uint16_t* suite, std::uint16_t* group) {
  Events ue, pc;
  auto server = ossl::Openssl_Endpoint::server(s.pc.ctx.get(), s.pc_config, pc, "127.0.0.1:1");
  auto client = ossl::Openssl_Endpoint::client(s.ue.ctx.get(), s.ue_config, s.offer, ue,
                                               "127.0.0.1:5061", kFqdn);
  client->start();
  for (int i = 0; i < 16 && (!ue.out.empty() || !pc.out.empty()); ++i) {
    auto a = std::move(ue.out);
    ue.out.clear();
    if (!a.empty()) server->received(a.data(), a.size());
    auto b = std::move(pc.out);
    pc.out.clear();
    if (!b.empty()) client->received(b.data(), b.size());
  }
  if (suite) *suite = pc.suite;
  if (group) *group = pc.group;
  return ue.done == 1 && pc.done == 1 && !client->failed() && !server->failed();
}

struct Bare {
  SSL_CTX* server = nullptr;
  SSL_CTX* client = nullptr;
};

// Bare OpenSSL: the same suite and group, the server's certificate checked by
// OpenSSL's own verification and hostname check, no tickets and the same
// session cache settings as the adapter (RD-119: the server issues a Session
// ID but stores no session, the client has no cache; OpenSSL's default server
// cache would add every TLS 1.2 session to its store and sweep it every 255
// handshakes, work the adapter never does).
Bare make_bare(const std::string& leaf, const std::string& key, const std::string& ca, bool tls13,
               const char* suite_name, const char* group) {
  Bare b;
  b.server = SSL_CTX_new(TLS_server_method());
  b.client = SSL_CTX_new(TLS_client_method());
  for (SSL_CTX* c : {b.server, b.client}) {
    SSL_CTX_set_min_proto_version(c, tls13 ? TLS1_3_VERSION : TLS1_2_VERSION);
    SSL_CTX_set_max_proto_version(c, tls13 ? TLS1_3_VERSION : TLS1_2_VERSION);
    if (tls13) {
      if (!SSL_CTX_set_ciphersuites(c, suite_name)) std::fprintf(stderr, "bare: suites\n");
    } else {
      SSL_CTX_set_cipher_list(c, suite_name);
    }
    if (!SSL_CTX_set1_groups_list(c, group)) std::fprintf(stderr, "bare: groups %s\n", group);
    SSL_CTX_set_num_tickets(c, 0);
    SSL_CTX_set_options(c, SSL_OP_NO_TICKET);
  }
  BIO* lb = BIO_new_mem_buf(leaf.data(), static_cast<int>(leaf.size()));
  X509* cert = PEM_read_bio_X509(lb, nullptr, nullptr, nullptr);
  BIO* kb = BIO_new_mem_buf(key.data(), static_cast<int>(key.size()));
  EVP_PKEY* pkey = PEM_read_bio_PrivateKey(kb, nullptr, nullptr, nullptr);
  if (SSL_CTX_use_certificate(b.server, cert) != 1) std::fprintf(stderr, "bare: certificate\n");
  if (SSL_CTX_use_PrivateKey(b.server, pkey) != 1) std::fprintf(stderr, "bare: key\n");
  BIO* cb = BIO_new_mem_buf(ca.data(), static_cast<int>(ca.size()));
  X509* anchor = PEM_read_bio_X509(cb, nullptr, nullptr, nullptr);
  SSL_CTX_set_session_cache_mode(b.server, SSL_SESS_CACHE_SERVER | SSL_SESS_CACHE_NO_INTERNAL);
  SSL_CTX_set_session_cache_mode(b.client, SSL_SESS_CACHE_OFF);
  X509_STORE_add_cert(SSL_CTX_get_cert_store(b.client), anchor);
  SSL_CTX_set_verify(b.client, SSL_VERIFY_PEER, nullptr);
  X509_free(cert);
  X509_free(anchor);
  EVP_PKEY_free(pkey);
  BIO_free(lb);
  BIO_free(kb);
  BIO_free(cb);
  return b;
}

void move_bytes(BIO* from, BIO* to) {
  char buf[16384];
  while (BIO_ctrl_pending(from) > 0) {
    const int n = BIO_read(from, buf, sizeof(buf));
    if (n <= 0) break;
    BIO_write(to, buf, n);
  }
}

bool bare_handshake(Bare& b) {
  SSL* s = SSL_new(b.server);
  SSL* c = SSL_new(b.client);
  BIO *si = BIO_new(BIO_s_mem()), *so = BIO_new(BIO_s_mem());
  BIO *ci = BIO_new(BIO_s_mem()), *co = BIO_new(BIO_s_mem());
  BIO_set_mem_eof_return(si, -1);
  BIO_set_mem_eof_return(ci, -1);
  SSL_set_bio(s, si, so);
  SSL_set_bio(c, ci, co);
  SSL_set_accept_state(s);
  SSL_set_connect_state(c);
  SSL_set_tlsext_host_name(c, kFqdn.c_str());
  SSL_set1_host(c, kFqdn.c_str());
  for (int i = 0; i < 16 && !(SSL_is_init_finished(s) && SSL_is_init_finished(c)); ++i) {
    SSL_do_handshake(c);
    move_bytes(co, si);
    SSL_do_handshake(s);
    move_bytes(so, ci);
  }
  SSL_do_handshake(c);
  const bool ok =
      SSL_is_init_finished(s) && SSL_is_init_finished(c) && SSL_get_verify_result(c) == X509_V_OK;
  if (!ok) {
    std::fprintf(stderr, "bare: server %d client %d verify %ld\n", SSL_is_init_finished(s),
                 SSL_is_init_finished(c), SSL_get_verify_result(c));
    ERR_print_errors_fp(stderr);
  }
  SSL_free(s);
  SSL_free(c);
  return ok;
}

}  // namespace

int main(int argc, char** argv) {
  int handshakes = 1000;
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], "--handshakes") == 0) handshakes = std::atoi(argv[i + 1]);
  }
  annexo::testing::Test_Pki pki;
  auto leaf = pki.leaf(kFqdn, kFqdn);
  const std::string leaf_pem = leaf.cert.PEM_encode();
  const std::string key_pem = Botan::PKCS8::PEM_encode(*leaf.key);
  const std::string ca_pem = pki.ca().PEM_encode();

  Setup s13, s12;
  for (Setup* s : {&s13, &s12}) {
    const bool tls13 = s == &s13;
    // One version per configuration, on both sides (as the bare contexts:
    // minimum = maximum version).
    s->pc_config.enable_tls13 = tls13;
    s->ue_config.enable_tls13 = tls13;
    s->pc_config.enable_tls12 = !tls13;
    s->ue_config.enable_tls12 = !tls13;
    if (core::build_offer(s->ue_config, s->offer) != core::Error::ok) return 1;
    s->pc = ossl::make_pcscf_context(s->pc_config, leaf_pem, key_pem);
    s->ue = ossl::make_ue_context(s->ue_config, s->offer, ca_pem);
    if (!s->pc.ok() || !s->ue.ok()) {
      std::fprintf(stderr, "context: %s %s\n", s->pc.error.c_str(), s->ue.error.c_str());
      return 1;
    }
  }
  std::uint16_t suite13 = 0, group13 = 0, suite12 = 0, group12 = 0;
  if (!adapter_handshake(s13, &suite13, &group13) || !adapter_handshake(s12, &suite12, &group12)) {
    std::fprintf(stderr, "adapter handshake failed\n");
    return 1;
  }
  const char* name13 = ossl::suite_name(suite13);
  const char* name12 = ossl::suite_name(suite12);
  std::printf("adapter TLS 1.3: suite 0x%04X %s, group 0x%04X %s\n", suite13, name13, group13,
              ossl::group_name(group13));
  std::printf("adapter TLS 1.2: suite 0x%04X %s, group 0x%04X %s\n", suite12, name12, group12,
              ossl::group_name(group12));
  // The adapter's group list (the negotiated group is its first, X25519): at
  // TLS 1.2 the client's supported_groups must also name the ECDSA
  // certificate's curve (RFC 8422 5.1), so a list of X25519 alone fails.
  const std::string groups = s13.pc.groups_list;
  Bare b13 = make_bare(leaf_pem, key_pem, ca_pem, true, name13, groups.c_str());
  Bare b12 = make_bare(leaf_pem, key_pem, ca_pem, false, name12, groups.c_str());
  if (!bare_handshake(b13) || !bare_handshake(b12)) {
    std::fprintf(stderr, "bare handshake failed\n");
    return 1;
  }

  Botan_Setup bs;
  bs.pc_config.enable_tls13 = false;
  bs.ue_config.enable_tls13 = false;
  if (core::build_offer(bs.ue_config, bs.offer) != core::Error::ok) return 1;
  {
    auto bleaf = pki.leaf(kFqdn, kFqdn);
    bs.pc_creds = std::make_unique<annexo::tls::Server_Credentials>(
        std::vector<Botan::X509_Certificate>{bleaf.cert}, std::move(bleaf.key));
    bs.ue_creds = std::make_unique<annexo::tls::Client_Credentials>(
        std::vector<Botan::X509_Certificate>{pki.ca()});
  }
  std::uint16_t botan_suite = 0;
  if (!botan_handshake(bs, &botan_suite)) {
    std::fprintf(stderr, "Botan adapter handshake failed\n");
    return 1;
  }
  std::printf(
      "Botan adapter TLS 1.2: suite 0x%04X (group not reported by Botan 2.19; x25519 by the "
      "core's default order)\n",
      botan_suite);
  // Wall time and this thread's CPU time (the machine is shared: CPU time is
  // the cost of the code, wall time includes waiting for a core).
  const auto cpu_now = [] {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
  };
  using Clock = std::chrono::steady_clock;
  // adapter13, bare13, adapter12, bare12, botan adapter 12
  double wall[5] = {0, 0, 0, 0, 0}, cpu[5] = {0, 0, 0, 0, 0};
  // Each round's CPU time per configuration: on a shared machine a round in
  // which another process took the core (and the caches) is an outlier, so
  // the median round is reported beside the totals.
  std::vector<double> round_cpu[5];
  const int round = 25;
  for (int done = 0; done < handshakes; done += round) {
    const auto time = [&](int k, auto&& fn) {
      const auto a = Clock::now();
      const double c0 = cpu_now();
      for (int i = 0; i < round; ++i) {
        if (!fn()) {
          std::fprintf(stderr, "handshake failed (configuration %d)\n", k);
          std::exit(1);
        }
      }
      round_cpu[k].push_back(cpu_now() - c0);
      cpu[k] += round_cpu[k].back();
      wall[k] += std::chrono::duration<double>(Clock::now() - a).count();
    };
    // Adapter and bare take turns at going first after the previous round's
    // Botan block (which leaves a cold cache and a reshaped heap behind).
    const bool adapter_first = (done / round) % 2 == 0;
    const auto pair = [&](int k_adapter, Setup& s, Bare& b) {
      const auto a = [&] { return adapter_handshake(s, nullptr, nullptr); };
      const auto o = [&] { return bare_handshake(b); };
      if (adapter_first) {
        time(k_adapter, a);
        time(k_adapter + 1, o);
      } else {
        time(k_adapter + 1, o);
        time(k_adapter, a);
      }
    };
    pair(0, s13, b13);
    pair(2, s12, b12);
    time(4, [&] { return botan_handshake(bs, nullptr); });
  }
  const int n = (handshakes + round - 1) / round * round;
  const char* names[5] = {"annexo OpenSSL adapter, TLS 1.3", "bare OpenSSL, TLS 1.3",
                          "annexo OpenSSL adapter, TLS 1.2", "bare OpenSSL, TLS 1.2",
                          "annexo Botan adapter, TLS 1.2"};
  std::printf("%d full handshakes per configuration (both ends in this thread)\n", n);
  std::printf("%-34s %12s %12s\n", "configuration", "wall hs/s", "CPU hs/s");
  for (int k = 0; k < 5; ++k) {
    std::printf("%-34s %12.1f %12.1f\n", names[k], n / wall[k], n / cpu[k]);
  }
  std::printf("ratio adapter/bare TLS 1.3: wall %.3f, CPU %.3f\n", wall[1] / wall[0],
              cpu[1] / cpu[0]);
  std::printf("ratio adapter/bare TLS 1.2: wall %.3f, CPU %.3f\n", wall[3] / wall[2],
              cpu[3] / cpu[2]);
  // Per order: the rounds where the adapter went first, and those where bare
  // OpenSSL did (the position effect), and the median over pairs of
  // consecutive rounds (one of each order), robust to a round another process
  // disturbed.
  const auto by_order = [&](int k, int first) {
    double a = 0, b = 0;
    for (std::size_t r = first; r < round_cpu[k].size(); r += 2) {
      a += round_cpu[k][r];
      b += round_cpu[k + 1][r];
    }
    return b / a;
  };
  const auto median_pairs = [&](int k) {
    std::vector<double> v;
    for (std::size_t r = 0; r + 1 < round_cpu[k].size(); r += 2) {
      v.push_back((round_cpu[k + 1][r] + round_cpu[k + 1][r + 1]) /
                  (round_cpu[k][r] + round_cpu[k][r + 1]));
    }
    if (v.empty()) return 0.0;
    std::nth_element(v.begin(), v.begin() + v.size() / 2, v.end());
    return v[v.size() / 2];
  };
  for (int k : {0, 2}) {
    std::printf(
        "ratio adapter/bare TLS 1.%d CPU: adapter first %.3f, bare first %.3f, median of round "
        "pairs %.3f\n",
        k == 0 ? 3 : 2, by_order(k, 0), by_order(k, 1), median_pairs(k));
  }
  std::printf("ratio adapter TLS 1.3 / TLS 1.2: wall %.3f, CPU %.3f\n", wall[2] / wall[0],
              cpu[2] / cpu[0]);
  std::printf("ratio OpenSSL adapter / Botan adapter, TLS 1.2: wall %.3f, CPU %.3f\n",
              wall[4] / wall[2], cpu[4] / cpu[2]);
  for (Bare* b : {&b13, &b12}) {
    SSL_CTX_free(b->server);
    SSL_CTX_free(b->client);
  }
  return 0;
}
