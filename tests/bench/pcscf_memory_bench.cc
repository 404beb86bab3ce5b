// Memory per established TLS connection in the pcscf program, per TLS stack
// (issue 14): starts adapters/pcscf/pcscf --tls-stack STACK on 127.0.0.1
// (port chosen by the kernel), opens 1 + N TLS connections with OpenSSL as
// the client (a library pcscf does not use on the botan stack; handshake
// complete, no SIP), reads the process's VmRSS after the first, after N/10
// and after all, then stops it by its PID. Prints figures; not a test.
//
// bazel run -c opt //tests/bench:pcscf_memory_bench --
//     [--tls-stack botan|openssl] [--tls 1.2|1.3] [--connections N]
//
// Target: below Kamailio's published 52 KB per TLS connection.
#include <fcntl.h>
#include <netinet/in.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace {

long rss_kb(pid_t pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(f, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::strtol(line.c_str() + 6, nullptr, 10);
  }
  return -1;
}

// A self-signed ECDSA P-256 leaf in the O.5.1 profile (one CN, an equal SAN
// dNSName, SHA-256), PKCS#8 key: what pcscf's start-up check accepts.
bool write_credentials(const std::string& cert_path, const std::string& key_path) {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  X509* x = X509_new();
  if (key == nullptr || x == nullptr) return false;
  X509_set_version(x, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
  X509_gmtime_adj(X509_getm_notBefore(x), -3600);
  X509_gmtime_adj(X509_getm_notAfter(x), 86400);
  X509_set_pubkey(x, key);
  X509_NAME* n = X509_get_subject_name(x);
  X509_NAME_add_entry_by_txt(n, "O", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("annexo bench"), -1, -1, 0);
  X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("pcscf.test"), -1, -1, 0);
  X509_set_issuer_name(x, n);
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, x, x, nullptr, nullptr, 0);
  X509_EXTENSION* san = X509V3_EXT_conf_nid(nullptr, &ctx, NID_subject_alt_name, "DNS:pcscf.test");
  if (san == nullptr || X509_add_ext(x, san, -1) != 1) return false;
  X509_EXTENSION_free(san);
  if (X509_sign(x, key, EVP_sha256()) == 0) return false;
  FILE* c = std::fopen(cert_path.c_str(), "w");
  FILE* k = std::fopen(key_path.c_str(), "w");
  const bool ok = c != nullptr && k != nullptr && PEM_write_X509(c, x) == 1 &&
                  PEM_write_PrivateKey(k, key, nullptr, nullptr, 0, nullptr, nullptr) == 1;
  if (c) std::fclose(c);
  if (k) std::fclose(k);
  X509_free(x);
  EVP_PKEY_free(key);
  return ok;
}

struct Client {
  int fd = -1;
  SSL* ssl = nullptr;
};

bool connect_tls(SSL_CTX* ctx, std::uint16_t port, Client* out) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0) {
    ::close(fd);
    return false;
  }
  SSL* ssl = SSL_new(ctx);
  SSL_set_fd(ssl, fd);
  SSL_set_tlsext_host_name(ssl, "pcscf.test");
  if (SSL_connect(ssl) != 1) {
    SSL_free(ssl);
    ::close(fd);
    return false;
  }
  out->fd = fd;
  out->ssl = ssl;
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  int connections = 1000;
  std::string stack = "botan", version = "1.2", pcscf = "adapters/pcscf/pcscf";
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    if (a == "--connections") connections = std::atoi(argv[i + 1]);
    if (a == "--tls-stack") stack = argv[i + 1];
    if (a == "--tls") version = argv[i + 1];
    if (a == "--pcscf") pcscf = argv[i + 1];
  }
  ::signal(SIGPIPE, SIG_IGN);
  rlimit rl{};
  ::getrlimit(RLIMIT_NOFILE, &rl);
  rl.rlim_cur = rl.rlim_max;
  ::setrlimit(RLIMIT_NOFILE, &rl);
  if (rl.rlim_cur < static_cast<rlim_t>(connections) + 64) {
    std::printf("RLIMIT_NOFILE %llu too small for %d connections\n",
                static_cast<unsigned long long>(rl.rlim_cur), connections);
    return 1;
  }
  char dir_tmpl[] = "/tmp/annexo_membench.XXXXXX";
  const std::string dir = ::mkdtemp(dir_tmpl);
  const std::string cert = dir + "/cert.pem", key = dir + "/key.pem", users = dir + "/users",
                    log = dir + "/pcscf.log";
  if (!write_credentials(cert, key)) {
    std::printf("could not make the test credentials\n");
    return 1;
  }
  std::ofstream(users) << "alice@annexo.test secret sip:alice@annexo.test\n";
  const std::string max_conn = std::to_string(connections + 16);
  const pid_t pid = ::fork();
  if (pid == 0) {
    const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ::dup2(fd, 2);
    const int devnull = ::open("/dev/null", O_WRONLY);
    ::dup2(devnull, 1);
    ::execl(pcscf.c_str(), pcscf.c_str(), "--tls-stack", stack.c_str(), "--listen", "127.0.0.1:0",
            "--cert", cert.c_str(), "--key", key.c_str(), "--users", users.c_str(),
            "--max-bindings", max_conn.c_str(), "--max-connections", max_conn.c_str(),
            "--unbound-idle", "600", "--unbound-lifetime", "0", "--log-format", "json",
            static_cast<char*>(nullptr));
    std::_Exit(127);
  }
  std::uint16_t port = 0;
  for (int i = 0; i < 400 && port == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
    std::ifstream f(log);
    std::stringstream ss;
    ss << f.rdbuf();
    const std::string s = ss.str();
    const auto at = s.find("\"listen\":\"127.0.0.1:");
    if (at != std::string::npos) port = static_cast<std::uint16_t>(std::atoi(s.c_str() + at + 20));
  }
  const auto stop = [&] {
    ::kill(pid, SIGTERM);
    ::waitpid(pid, nullptr, 0);
  };
  if (port == 0) {
    std::printf("pcscf (%s) did not start; its log: %s\n", pcscf.c_str(), log.c_str());
    stop();
    return 1;
  }
  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  const int v = version == "1.3" ? TLS1_3_VERSION : TLS1_2_VERSION;
  SSL_CTX_set_min_proto_version(ctx, v);
  SSL_CTX_set_max_proto_version(ctx, v);
  SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
  SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, nullptr);  // a load generator, not a test of pcscf
  std::vector<Client> conns;
  Client first;
  if (!connect_tls(ctx, port, &first)) {
    std::printf("the first TLS %s connection to pcscf --tls-stack %s failed\n", version.c_str(),
                stack.c_str());
    stop();
    return 1;
  }
  const std::string negotiated = SSL_get_version(first.ssl);
  const std::string cipher = SSL_get_cipher_name(first.ssl);
  conns.push_back(first);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const long base = rss_kb(pid);
  long at_tenth = 0;
  const int tenth = connections / 10;
  const auto t0 = std::chrono::steady_clock::now();
  for (int i = 1; i <= connections; ++i) {
    Client c;
    if (!connect_tls(ctx, port, &c)) {
      std::printf("connection %d failed\n", i);
      stop();
      return 1;
    }
    conns.push_back(c);
    if (i == tenth) {
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      at_tenth = rss_kb(pid);
    }
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  const long full = rss_kb(pid);
  const double per = static_cast<double>(full - base) / connections;
  const double marginal = static_cast<double>(full - at_tenth) / (connections - tenth);
  std::printf("pcscf --tls-stack %s: %d connections, %s %s (OpenSSL client), in %.1f s\n",
              stack.c_str(), connections + 1, negotiated.c_str(), cipher.c_str(), secs);
  std::printf("  VmRSS after 1 connection     %8ld KB\n", base);
  std::printf("  VmRSS after %5d connections %8ld KB\n", tenth + 1, at_tenth);
  std::printf("  VmRSS after %5d connections %8ld KB\n", connections + 1, full);
  std::printf("  per connection (1 -> %d):     %.1f KB   Kamailio's 52 KB: %s\n", connections + 1,
              per, per < 52 ? "below" : "NOT below");
  std::printf("  per connection (%d -> %d):  %.1f KB (marginal)\n", tenth + 1, connections + 1,
              marginal);
  for (auto& c : conns) {
    SSL_free(c.ssl);
    ::close(c.fd);
  }
  SSL_CTX_free(ctx);
  stop();
  std::remove(cert.c_str());
  std::remove(key.c_str());
  std::remove(users.c_str());
  std::remove(log.c_str());
  ::rmdir(dir.c_str());
  return 0;
}
