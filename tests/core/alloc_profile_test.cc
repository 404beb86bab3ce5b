// Zero allocations across every entry point of the profile, reader and
// certificate-policy core (brief: the core never touches the heap).
//
// Global operator new/delete and malloc/calloc/realloc/free are replaced by
// counting versions (glibc's __libc_* do the work). Vectors are loaded and
// inputs prepared before counting starts; then every entry point runs on
// accept and reject paths while the counter must stay at zero. A control
// allocation inside a counting window proves the counter works.
// No Catch2 here: its assertions allocate.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string>
#include <vector>

#include "core/cert_policy.h"
#include "core/cipher_suites.h"
#include "core/errors.h"
#include "core/handshake_reader.h"
#include "core/profile.h"
#include "tests/core/vector_file.h"

extern "C" void* __libc_malloc(std::size_t);
extern "C" void* __libc_calloc(std::size_t, std::size_t);
extern "C" void* __libc_realloc(void*, std::size_t);
extern "C" void __libc_free(void*);

namespace {
volatile bool g_counting = false;
volatile std::size_t g_allocations = 0;
void note() {
  if (g_counting) g_allocations = g_allocations + 1;
}
}  // namespace

extern "C" void* malloc(std::size_t n) {
  note();
  return __libc_malloc(n);
}
extern "C" void* calloc(std::size_t a, std::size_t b) {
  note();
  return __libc_calloc(a, b);
}
extern "C" void* realloc(void* p, std::size_t n) {
  note();
  return __libc_realloc(p, n);
}
extern "C" void free(void* p) {
  __libc_free(p);
}

void* operator new(std::size_t n) {
  note();
  void* p = __libc_malloc(n == 0 ? 1 : n);
  if (p == nullptr) std::abort();
  return p;
}
void* operator new[](std::size_t n) {
  return operator new(n);
}
void operator delete(void* p) noexcept {
  __libc_free(p);
}
void operator delete[](void* p) noexcept {
  __libc_free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  __libc_free(p);
}
void operator delete[](void* p, std::size_t) noexcept {
  __libc_free(p);
}

using namespace annexo::core;

namespace {

int g_failures = 0;
void expect(bool ok, const char* what) {
  if (!ok) {
    ++g_failures;
    std::fprintf(stderr, "FAILED: %s\n", what);
  }
}

std::uint8_t g_storage[kHandshakeBufferCapacity];
std::uint8_t g_storage2[kHandshakeBufferCapacity];

// Runs every entry point; returns a checksum so nothing is optimised away.
std::size_t exercise(const std::vector<std::vector<std::uint8_t>>& hellos,
                     const std::vector<std::vector<std::uint8_t>>& flights) {
  std::size_t sum = 0;
  PcscfTlsConfig pc;
  PcscfTlsConfig pc12;
  pc12.enable_tls13 = false;
  pc12.allow_null_encryption = true;
  UeTlsConfig uc;
  UeTlsConfig uc_null;
  uc_null.offer_null_encryption = true;
  const std::uint16_t null_only[] = {0xC006};
  UeTlsConfig uc_bad;
  uc_bad.enable_tls13 = false;
  uc_bad.offer_null_encryption = true;
  uc_bad.suites = {null_only, 1};

  Offer offer;
  expect(build_offer(uc, offer) == Error::ok, "build_offer ok");
  Offer offer_null;
  expect(build_offer(uc_null, offer_null) == Error::ok, "build_offer null ok");
  Offer bad;
  expect(build_offer(uc_bad, bad) == Error::profile_config_no_encrypting_suite,
         "build_offer refuses");
  expect(pcscf_check_config(pc) == Error::ok, "pcscf_check_config");

  for (const auto& h : hellos) {
    HandshakeMessage m;
    std::size_t consumed = 0;
    const ReadResult r =
        read_first_message(ByteView(h.data(), h.size()), g_storage, sizeof(g_storage), m, consumed);
    expect(r.ok(), "read_first_message");
    ClientHello ch;
    expect(parse_client_hello(m.body, ch).ok(), "parse_client_hello");
    Choice c;
    sum += static_cast<std::size_t>(pcscf_check_client_hello(ch, pc, HandshakeContext(), c));
    sum += static_cast<std::size_t>(pcscf_check_client_hello(ch, pc12, HandshakeContext(), c));
    sum += offer_has_encrypting_suite(ch.cipher_suites) ? 1 : 0;
    for (std::size_t i = 0; i < ch.extension_count; ++i) sum += extension_at(ch.extensions, i).type;
    // Reject paths: every truncation.
    for (std::size_t n = 0; n < m.body.size; n += 7) {
      const ReadResult t = parse_client_hello(ByteView(m.body.data, n), ch);
      sum += static_cast<std::size_t>(t.error) + t.offset;
      sum += std::strlen(field_name(t.field));
    }
  }
  for (const auto& f : flights) {
    HandshakeAssembler as(g_storage2, sizeof(g_storage2));
    std::size_t pos = 0;
    while (pos < f.size()) {
      Record rec;
      if (!read_record(ByteView(f.data() + pos, f.size() - pos), rec).ok()) break;
      pos += rec.wire_size;
      if (!as.push(rec).ok()) break;
      HandshakeMessage m;
      while (as.next(m).ok()) {
        switch (m.type) {
          case tls::HandshakeType::server_hello: {
            ServerHello sh;
            expect(parse_server_hello(m.body, sh).ok(), "parse_server_hello");
            Negotiated n;
            sum += static_cast<std::size_t>(
                ue_check_server_hello(sh, offer, uc, HandshakeContext(), n));
            sum += static_cast<std::size_t>(
                ue_check_server_hello(sh, offer_null, uc_null, HandshakeContext(), n));
            sum += ue_may_accept(sh.cipher_suite, offer, tls::kTls12) ? 1 : 0;
            break;
          }
          case tls::HandshakeType::certificate: {
            CertificateList cl;
            expect(parse_certificate_tls12(m.body, cl).ok(), "parse_certificate_tls12");
            sum += certificate_at(cl, 0).size;
            break;
          }
          case tls::HandshakeType::certificate_request: {
            CertificateRequest12 cr;
            expect(parse_certificate_request_tls12(m.body, cr).ok(), "parse_certificate_request");
            break;
          }
          case tls::HandshakeType::server_hello_done:
            expect(check_empty_body(m).ok(), "check_empty_body");
            break;
          default:
            break;
        }
        sum += read_handshake(m.whole, m).ok() ? 1 : 0;
      }
    }
  }
  for (std::uint32_t code = 0; code <= 0xFFFF; code += 13) {
    const auto c = static_cast<std::uint16_t>(code);
    sum += pcscf_may_choose(c, tls::kTls12, pc) ? 1 : 0;
    sum += suite_encrypts(c) ? 1 : 0;
    sum += static_cast<std::size_t>(classify(c));
    sum += suite_info(c).versions;
  }
  CertFacts f;
  f.path = PathResult::ok;
  f.chain[0] = ChainCertFacts{3, SigHash::sha256, KeyAlg::ecdsa, 0, Curve::p256};
  f.chain_length = 1;
  static const std::uint8_t name[] = {'p', 'c', 's', 'c', 'f', '.', 't', 'e', 's', 't'};
  f.common_names[0] = ByteView(name);
  f.common_name_count = 1;
  f.san_dns_names[0] = ByteView(name);
  f.san_dns_count = 1;
  f.reference_fqdn = ByteView(name);
  f.path_certs[0] = PathCertFacts{ByteView(name), ByteView(name), false};
  f.path_length = 1;
  expect(cert_verdict(f) == Error::ok, "cert_verdict ok");
  f.chain[0].signature_hash = SigHash::sha1;
  expect(cert_verdict(f) == Error::cert_weak_signature_hash, "cert_verdict refuses");
  sum += is_fqdn(ByteView(name)) ? 1 : 0;
  sum += dns_name_equal(ByteView(name), ByteView(name)) ? 1 : 0;
  for (std::size_t i = 0; i < kErrorCount; ++i) {
    sum += std::strlen(error_message(kErrorTable[i].error));
    sum += static_cast<std::size_t>(error_alert(kErrorTable[i].error));
  }
  return sum;
}

}  // namespace

int main() {
  std::vector<std::vector<std::uint8_t>> hellos, flights;
  for (const char* n :
       {"ch_openssl_default.bin", "ch_openssl_tls10_only.bin", "ch_openssl_null_only.bin",
        "ch_openssl_40suites.bin", "ch_gnutls_default.bin", "ch_gnutls_tls12_only.bin",
        "ch_gnutls_39suites_15ext.bin", "ch_grease_openssl_derived.bin"})
    hellos.push_back(annexo::test::load_vector(n));
  for (const char* n : {"sh_openssl_tls12_flight.bin", "sh_openssl_tls12_certreq_flight.bin",
                        "sh_openssl_tls13.bin", "sh_gnutls_tls12_flight.bin",
                        "sh_gnutls_tls12_certreq_flight.bin", "sh_gnutls_tls13.bin"})
    flights.push_back(annexo::test::load_vector(n));

  // Control: the counter sees an allocation made inside the window.
  g_allocations = 0;
  g_counting = true;
  int* volatile control = new int(7);
  g_counting = false;
  delete control;
  if (g_allocations != 1) {
    std::fprintf(stderr, "FAILED: counting allocator did not see the control allocation (%zu)\n",
                 static_cast<std::size_t>(g_allocations));
    return 1;
  }

  g_allocations = 0;
  g_counting = true;
  const std::size_t sum = exercise(hellos, flights);
  g_counting = false;
  const std::size_t seen = g_allocations;

  std::printf("checksum %zu, allocations during core calls: %zu\n", sum, seen);
  if (seen != 0) {
    std::fprintf(stderr, "FAILED: the core allocated %zu times\n", seen);
    return 1;
  }
  if (g_failures != 0) return 1;
  std::printf("PASSED: zero allocations across every profile/reader/cert entry point\n");
  return 0;
}
