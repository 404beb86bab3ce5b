// ns/op of the profile core on real input (README.md in this directory).
#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "core/cert_policy.h"
#include "core/handshake_reader.h"
#include "core/profile.h"
#include "tests/core/vector_file.h"

using namespace annexo::core;

namespace {

std::vector<std::uint8_t>& hello39() {
  // GnuTLS 3.7.9 ClientHello: 39 suites, 15 extensions, 427 bytes on the wire.
  static std::vector<std::uint8_t> v = annexo::test::load_vector("ch_gnutls_39suites_15ext.bin");
  return v;
}
std::vector<std::uint8_t>& hello_openssl41() {
  static std::vector<std::uint8_t> v = annexo::test::load_vector("ch_openssl_40suites.bin");
  return v;
}

std::uint8_t g_storage[kHandshakeBufferCapacity];

void parse_and_check(benchmark::State& state, const std::vector<std::uint8_t>& wire) {
  PcscfTlsConfig config;
  for (auto _ : state) {
    HandshakeMessage m;
    std::size_t consumed = 0;
    ReadResult r = read_first_message(ByteView(wire.data(), wire.size()), g_storage,
                                      sizeof(g_storage), m, consumed);
    ClientHello ch;
    r = parse_client_hello(m.body, ch);
    Choice choice;
    const Error e = pcscf_check_client_hello(ch, config, HandshakeContext(), choice);
    benchmark::DoNotOptimize(e);
    benchmark::DoNotOptimize(choice);
    if (!r.ok() || e != Error::ok) state.SkipWithError("unexpected verdict");
  }
}

void BM_ParseAndCheckClientHello_GnuTLS39x15(benchmark::State& state) {
  parse_and_check(state, hello39());
}
void BM_ParseAndCheckClientHello_OpenSSL41x13(benchmark::State& state) {
  parse_and_check(state, hello_openssl41());
}

void BM_BuildOffer(benchmark::State& state) {
  UeTlsConfig config;
  config.offer_null_encryption = true;
  for (auto _ : state) {
    Offer o;
    const Error e = build_offer(config, o);
    benchmark::DoNotOptimize(e);
    benchmark::DoNotOptimize(o);
  }
}

void BM_ChooseSuite(benchmark::State& state) {
  // Parsing done once; only the check-and-choose step is timed (TLS 1.2, RSA
  // certificate: the preference walk goes past the TLS 1.3 and ECDSA suites).
  HandshakeMessage m;
  std::size_t consumed = 0;
  static std::uint8_t storage[kHandshakeBufferCapacity];
  if (!read_first_message(ByteView(hello39().data(), hello39().size()), storage, sizeof(storage), m,
                          consumed)
           .ok())
    std::abort();
  ClientHello ch;
  if (!parse_client_hello(m.body, ch).ok()) std::abort();
  PcscfTlsConfig config;
  config.enable_tls13 = false;
  config.certificate_is_ecdsa = false;
  for (auto _ : state) {
    Choice c;
    const Error e = pcscf_check_client_hello(ch, config, HandshakeContext(), c);
    benchmark::DoNotOptimize(e);
    benchmark::DoNotOptimize(c);
  }
}

void BM_CertVerdict(benchmark::State& state) {
  static const char kName[] = "pcscf.ims.example.net";
  const ByteView name(reinterpret_cast<const std::uint8_t*>(kName), sizeof(kName) - 1);
  CertFacts f;
  f.path = PathResult::ok;
  f.chain[0] = ChainCertFacts{3, SigHash::sha256, KeyAlg::ecdsa, 0, Curve::p256};
  f.chain[1] = ChainCertFacts{3, SigHash::sha384, KeyAlg::rsa, 3072, Curve::none};
  f.chain_length = 2;
  f.common_names[0] = name;
  f.common_name_count = 1;
  f.san_dns_names[0] = name;
  f.san_dns_count = 1;
  f.reference_fqdn = name;
  f.path_certs[0] = PathCertFacts{name, name, false};
  f.path_length = 1;
  for (auto _ : state) {
    const Error e = cert_verdict(f);
    benchmark::DoNotOptimize(e);
  }
}

}  // namespace

BENCHMARK(BM_ParseAndCheckClientHello_GnuTLS39x15);
BENCHMARK(BM_ParseAndCheckClientHello_OpenSSL41x13);
BENCHMARK(BM_BuildOffer);
BENCHMARK(BM_ChooseSuite);
BENCHMARK(BM_CertVerdict);

BENCHMARK_MAIN();
