// Adapter measurements (issue 7), printed as figures; not a timed test.
//
//  1. Full TLS 1.2 handshakes per second, in memory (client and server wired
//     back to back, no sockets), four configurations interleaved in rounds
//     in the same run:
//       annexo     Pcscf_Policy + Client_Hello_Gate + Callbacks (core verdicts)
//                  on the server, Ue_Policy + Callbacks + core cert_verdict on
//                  the client: everything the programs run per handshake,
//                  default profile (groups x25519 first, RD-77).
//       annexo-p256  the same with the P-CSCF's group preference secp256r1
//                  first (an operator configuration; the default before RD-77
//                  was revised): the cost of the P-256 key exchange.
//       default    plain Botan 2.19 TLS::Policy on both ends (only
//                  require_cert_revocation_info() switched off, without which
//                  Botan's default refuses a chain that has no OCSP/CRL) and
//                  Botan's own certificate check with hostname.
//       no-cecpq1  Botan's default minus its CECPQ1 key exchange: between two
//                  Botan 2.19 ends the default negotiates the experimental
//                  CECPQ1 (NewHope + X25519) suite 0x16B8, which no other TLS
//                  stack speaks; this is the default as any other peer sees it.
//       like       plain Botan, no core, but the same choices as annexo's
//                  default (ECDHE x25519, AES-128-GCM): isolates the cost of
//                  the adapter and core from the cost of different choices.
//     Target: annexo / default >= 0.95. What each configuration negotiated
//     (suite, group, server signature scheme, client's group order) is read
//     from the plaintext handshake records of the warm-up and printed.
//  The pcscf's memory per established connection, on both TLS stacks, is
//  pcscf_memory_bench's (one program for that figure).
//
// bazel run -c opt //tests/bench:adapter_bench [-- --handshakes N]
#include <botan/pkcs8.h>
#include <botan/tls_client.h>
#include <botan/tls_server.h>
#include <botan/tls_session_manager.h>
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "adapters/tls/botan/alerts.h"
#include "adapters/tls/botan/callbacks.h"
#include "adapters/tls/botan/cert_facts.h"
#include "adapters/tls/botan/credentials.h"
#include "adapters/tls/botan/policy.h"
#include "adapters/tls/client_hello_gate.h"
#include "core/cert_policy.h"
#include "core/profile.h"
#include "tests/adapters/test_pki.h"

namespace {

using annexo::core::Error;
const std::string kFqdn = "pcscf.test";

// ------------------------------------------------------------ annexo side
struct Side final : annexo::tls::Tls_Events {
  std::vector<std::uint8_t> out;
  bool server = false;
  void tls_out(const std::uint8_t d[], std::size_t n) override { out.insert(out.end(), d, d + n); }
  void tls_in(const std::uint8_t*, std::size_t) override {}
  void tls_alert_received(Botan::TLS::Alert) override {}
  Error tls_chain(const annexo::tls::Chain_Facts& f) override {
    return annexo::core::cert_verdict(annexo::tls::to_core_facts(f, kFqdn));
  }
  Error tls_certificate_request() override { return Error::ue_certificate_request_abort; }
  Error tls_renegotiation_client_hello(const std::vector<std::uint16_t>&) override {
    return Error::ok;
  }
  Error tls_established(const annexo::tls::Session_Facts& f) override {
    return f.session_id.empty() ? Error::pcscf_handshake_failed : Error::ok;
  }
};

struct Fixture {
  annexo::testing::Test_Pki pki;
  std::unique_ptr<annexo::tls::Server_Credentials> server_creds;
  std::unique_ptr<annexo::tls::Client_Credentials> client_creds;
  annexo::core::PcscfTlsConfig pc_config;
  // The same P-CSCF with the operator's group preference secp256r1 first (the
  // MTI group, TS 33.210 6.2.2; annexo's default order before RD-77 changed).
  annexo::core::PcscfTlsConfig pc_config_p256;
  static constexpr std::uint16_t kP256First[3] = {0x0017, 0x001D, 0x0018};
  annexo::core::UeTlsConfig ue_config;
  annexo::core::Offer offer;
  Botan::TLS::Session_Manager_Noop sessions;
  Botan::X509_Certificate leaf_cert;
  std::string leaf_key_pem;

  Fixture() {
    auto leaf = pki.leaf(kFqdn, kFqdn);
    leaf_cert = leaf.cert;
    leaf_key_pem = Botan::PKCS8::PEM_encode(*leaf.key);
    server_creds = std::make_unique<annexo::tls::Server_Credentials>(
        std::vector<Botan::X509_Certificate>{leaf.cert}, std::move(leaf.key));
    client_creds = std::make_unique<annexo::tls::Client_Credentials>(
        std::vector<Botan::X509_Certificate>{pki.ca()});
    pc_config.enable_tls13 = false;
    pc_config_p256 = pc_config;
    pc_config_p256.group_preference = annexo::core::CodeList{kP256First, 3};
    if (annexo::core::pcscf_check_config(pc_config_p256) != Error::ok) std::abort();
    ue_config.enable_tls13 = false;
    if (annexo::core::build_offer(ue_config, offer) != Error::ok) std::abort();
  }
};

// ------------------------------------------------------------ wire observer
// When set (warm-up only), pump() appends the raw bytes of each direction.
struct Wire {
  std::vector<std::uint8_t> to_server, to_client;
};
Wire* g_wire = nullptr;

// The handshake messages sent in plaintext (before ChangeCipherSpec), joined
// across records: 1-byte type, 3-byte length, body.
std::vector<std::uint8_t> plaintext_handshake(const std::vector<std::uint8_t>& w) {
  std::vector<std::uint8_t> hs;
  for (std::size_t i = 0; i + 5 <= w.size();) {
    const std::size_t len = (std::size_t{w[i + 3]} << 8) | w[i + 4];
    if (w[i] == 20 || i + 5 + len > w.size()) break;  // ChangeCipherSpec: encrypted from here
    if (w[i] == 22)
      hs.insert(hs.end(), w.begin() + static_cast<long>(i + 5),
                w.begin() + static_cast<long>(i + 5 + len));
    i += 5 + len;
  }
  return hs;
}

unsigned be16(const std::vector<std::uint8_t>& b, std::size_t i) {
  return i + 1 < b.size() ? (unsigned{b[i]} << 8) | b[i + 1] : 0xFFFFFFFFu;
}

// Prints suite, ECDHE group, server signature scheme and the client's
// supported_groups order of one observed handshake.
void describe_wire(const char* name, const Wire& w) {
  unsigned suite = 0, group = 0, sig = 0;
  bool other_kex = false;  // a ServerKeyExchange that is not ECDHE named_curve
  std::string client_groups;
  const auto c = plaintext_handshake(w.to_server);
  const auto s = plaintext_handshake(w.to_client);
  if (c.size() > 4 && c[0] == 1) {  // ClientHello
    std::size_t i = 4 + 2 + 32;
    i += 1 + (i < c.size() ? c[i] : 0);  // session_id
    i += 2 + be16(c, i);                 // cipher_suites
    i += 1 + (i < c.size() ? c[i] : 0);  // compression_methods
    const std::size_t end = i + 2 + be16(c, i);
    for (i += 2; i + 4 <= end && end <= c.size();) {
      const unsigned type = be16(c, i), len = be16(c, i + 2);
      if (type == 10) {  // supported_groups
        for (std::size_t k = i + 6; k + 1 < i + 4 + len; k += 2) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "%s%04X", client_groups.empty() ? "" : " ", be16(c, k));
          client_groups += buf;
        }
      }
      i += 4 + len;
    }
  }
  for (std::size_t i = 0; i + 4 <= s.size();) {
    const std::size_t len = (std::size_t{s[i + 1]} << 16) | (std::size_t{s[i + 2]} << 8) | s[i + 3];
    const std::size_t b = i + 4;
    if (s[i] == 2 && b + 35 <= s.size()) suite = be16(s, b + 2 + 32 + 1 + s[b + 34]);
    if (s[i] == 12 && b + 4 <= s.size()) {
      if (s[b] == 3) {  // ECCurveType named_curve
        group = be16(s, b + 1);
        sig = be16(s, b + 4 + s[b + 3]);
      } else {
        other_kex = true;
      }
    }
    i = b + len;
  }
  if (other_kex) {
    std::printf("  %-28s suite 0x%04X  key exchange not ECDHE named_curve  client groups %s\n",
                name, suite, client_groups.c_str());
  } else {
    std::printf("  %-28s suite 0x%04X  group 0x%04X  server signature 0x%04X  client groups %s\n",
                name, suite, group, sig, client_groups.c_str());
  }
}

// Pumps bytes between two endpoints until both are active (or 64 rounds).
template <class Srv, class Cli>
bool pump(Srv& to_server, Cli& to_client, std::vector<std::uint8_t>& c_out,
          std::vector<std::uint8_t>& s_out, const std::function<bool()>& done) {
  for (int round = 0; round < 64 && !done(); ++round) {
    auto a = std::move(c_out);
    c_out.clear();
    if (g_wire) g_wire->to_server.insert(g_wire->to_server.end(), a.begin(), a.end());
    if (!a.empty()) to_server(a);
    auto b = std::move(s_out);
    s_out.clear();
    if (g_wire) g_wire->to_client.insert(g_wire->to_client.end(), b.begin(), b.end());
    if (!b.empty()) to_client(b);
    if (a.empty() && b.empty()) break;
  }
  return done();
}

bool annexo_handshake(Fixture& fx, bool p256_first = false) {
  Side ue, pc;
  annexo::tls::Pcscf_Policy pc_policy(
      p256_first ? fx.pc_config_p256 : fx.pc_config,
      annexo::tls::Pcscf_Policy::Machine_Questions{[] { return false; }, [] { return false; }});
  annexo::tls::Ue_Policy ue_policy(fx.ue_config, fx.offer);
  const auto now = [] { return std::chrono::system_clock::now(); };
  annexo::tls::Callbacks pc_cb(pc, "127.0.0.1:40000", now);
  annexo::tls::Callbacks ue_cb(ue, "127.0.0.1:5061", now);
  annexo::tls::Client_Hello_Gate gate(fx.pc_config);
  Botan::TLS::Server server(pc_cb, fx.sessions, *fx.server_creds, pc_policy, fx.pki.rng());
  Botan::TLS::Client client(ue_cb, fx.sessions, *fx.client_creds, ue_policy, fx.pki.rng(),
                            Botan::TLS::Server_Information(kFqdn, 5061),
                            Botan::TLS::Protocol_Version::TLS_V12);
  bool failed = false;
  auto to_server = [&](std::vector<std::uint8_t>& b) {
    if (gate.state() == annexo::tls::Client_Hello_Gate::State::reading) {
      if (gate.push(b.data(), b.size()) != annexo::tls::Client_Hello_Gate::State::accepted) {
        failed = gate.state() == annexo::tls::Client_Hello_Gate::State::refused;
        return;
      }
      b = gate.take();
    }
    try {
      server.received_data(b.data(), b.size());
    } catch (...) {
      (void)annexo::tls::classify_current_exception();
      failed = true;
    }
  };
  auto to_client = [&](std::vector<std::uint8_t>& b) {
    try {
      client.received_data(b.data(), b.size());
    } catch (...) {
      (void)annexo::tls::classify_current_exception();
      failed = true;
    }
  };
  return pump(to_server, to_client, ue.out, pc.out,
              [&] { return failed || (client.is_active() && server.is_active()); }) &&
         !failed;
}

// ------------------------------------------------------------ plain Botan
struct Plain_Callbacks final : Botan::TLS::Callbacks {
  std::vector<std::uint8_t> out;
  void tls_emit_data(const std::uint8_t d[], std::size_t n) override {
    out.insert(out.end(), d, d + n);
  }
  void tls_record_received(std::uint64_t, const std::uint8_t*, std::size_t) override {}
  void tls_alert(Botan::TLS::Alert) override {}
  bool tls_session_established(const Botan::TLS::Session&) override { return false; }
};

class Default_Policy final : public Botan::TLS::Policy {
 public:
  bool require_cert_revocation_info() const override { return false; }
};

class No_Cecpq1_Policy final : public Botan::TLS::Policy {
 public:
  bool require_cert_revocation_info() const override { return false; }
  std::vector<std::string> allowed_key_exchange_methods() const override {
    std::vector<std::string> v = Botan::TLS::Policy::allowed_key_exchange_methods();
    v.erase(std::remove(v.begin(), v.end(), "CECPQ1"), v.end());
    return v;
  }
};

class Like_Annexo_Policy final : public Botan::TLS::Policy {
 public:
  bool require_cert_revocation_info() const override { return false; }
  std::vector<std::string> allowed_ciphers() const override { return {"AES-128/GCM"}; }
  std::vector<Botan::TLS::Group_Params> key_exchange_groups() const override {
    return {Botan::TLS::Group_Params::X25519};
  }
  bool allow_tls10() const override { return false; }
  bool allow_tls11() const override { return false; }
};

template <class P>
bool plain_handshake(Fixture& fx) {
  P policy;
  Plain_Callbacks scb, ccb;
  Botan::TLS::Server server(scb, fx.sessions, *fx.server_creds, policy, fx.pki.rng());
  Botan::TLS::Client client(ccb, fx.sessions, *fx.client_creds, policy, fx.pki.rng(),
                            Botan::TLS::Server_Information(kFqdn, 5061),
                            Botan::TLS::Protocol_Version::TLS_V12);
  bool failed = false;
  auto to_server = [&](std::vector<std::uint8_t>& b) {
    try {
      server.received_data(b.data(), b.size());
    } catch (...) {
      failed = true;
    }
  };
  auto to_client = [&](std::vector<std::uint8_t>& b) {
    try {
      client.received_data(b.data(), b.size());
    } catch (...) {
      failed = true;
    }
  };
  return pump(to_server, to_client, ccb.out, scb.out,
              [&] { return failed || (client.is_active() && server.is_active()); }) &&
         !failed;
}

struct Tally {
  int done = 0;
  double seconds = 0;
  double rate() const { return seconds > 0 ? done / seconds : 0; }
};

template <class F>
bool timed(Tally& t, int n, F&& f) {
  const auto a = std::chrono::steady_clock::now();
  for (int i = 0; i < n; ++i) {
    if (!f()) return false;
  }
  t.seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - a).count();
  t.done += n;
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  int handshakes = 300;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    if (a == "--handshakes") handshakes = std::atoi(argv[i + 1]);
  }
  ::signal(SIGPIPE, SIG_IGN);
  Fixture fx;
  // Warm-up and correctness: each configuration completes a handshake; what
  // it negotiated is read off the wire.
  std::printf("negotiated (warm-up handshake, read from the plaintext records):\n");
  const auto observe = [](const char* name, const std::function<bool()>& f) {
    Wire w;
    g_wire = &w;
    const bool ok = f();
    g_wire = nullptr;
    if (ok) describe_wire(name, w);
    return ok;
  };
  if (!observe("annexo (default)", [&] { return annexo_handshake(fx); }) ||
      !observe("annexo (secp256r1 first)", [&] { return annexo_handshake(fx, true); }) ||
      !observe("plain Botan default", [&] { return plain_handshake<Default_Policy>(fx); }) ||
      !observe("plain default, no CECPQ1", [&] { return plain_handshake<No_Cecpq1_Policy>(fx); }) ||
      !observe("plain Botan like annexo",
               [&] { return plain_handshake<Like_Annexo_Policy>(fx); })) {
    std::printf("handshake failed in warm-up\n");
    return 1;
  }
  Tally annexo, annexo_p, plain, plain_nopq, like;
  const int round = 25;
  for (int done = 0; done < handshakes; done += round) {
    if (!timed(annexo, round, [&] { return annexo_handshake(fx); }) ||
        !timed(annexo_p, round, [&] { return annexo_handshake(fx, true); }) ||
        !timed(plain, round, [&] { return plain_handshake<Default_Policy>(fx); }) ||
        !timed(plain_nopq, round, [&] { return plain_handshake<No_Cecpq1_Policy>(fx); }) ||
        !timed(like, round, [&] { return plain_handshake<Like_Annexo_Policy>(fx); })) {
      std::printf("a handshake failed\n");
      return 1;
    }
  }
  const double ratio = annexo.rate() / plain.rate();
  std::printf(
      "full TLS 1.2 handshakes/s (in memory, client + server in one thread, %d each, "
      "interleaved in rounds of %d):\n",
      annexo.done, round);
  std::printf("  annexo adapter (core policy, gate, callbacks, cert policy) %8.1f /s\n",
              annexo.rate());
  std::printf("  annexo adapter, P-CSCF group preference secp256r1 first  %8.1f /s\n",
              annexo_p.rate());
  std::printf("  plain Botan, default policy                               %8.1f /s\n",
              plain.rate());
  std::printf("  plain Botan, default policy without CECPQ1                %8.1f /s\n",
              plain_nopq.rate());
  std::printf("  plain Botan, same suite/group as annexo                   %8.1f /s\n",
              like.rate());
  std::printf("  ratio annexo / default = %.3f   target >= 0.95: %s\n", ratio,
              ratio >= 0.95 ? "met" : "NOT met");
  const double ratio_nopq = annexo.rate() / plain_nopq.rate();
  std::printf("  ratio annexo / default without CECPQ1 = %.3f   target >= 0.95: %s\n", ratio_nopq,
              ratio_nopq >= 0.95 ? "met" : "NOT met");
  std::printf("  ratio annexo / like    = %.3f   (cost of the adapter and the core alone)\n",
              annexo.rate() / like.rate());
  std::printf("  ratio annexo (secp256r1 first) / default = %.3f\n",
              annexo_p.rate() / plain.rate());
  return 0;
}
