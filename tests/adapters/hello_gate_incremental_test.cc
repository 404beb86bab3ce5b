// The Hello gates read incrementally (issue 15): they skip the reader while the
// bytes held cannot change its need_more. The oracle is a fresh gate given each
// prefix at once (its first push always reads): for real captures
// (tests/vectors), re-split into records of several sizes and with corrupted
// bytes, the incremental gate fed byte by byte, and in two pieces at every
// split, reaches the same verdict at the same byte with the same error and
// detail. And a 60 KB ClientHello sent one byte at a time is read a handful of
// times, not 60 000.
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "adapters/tls/client_hello_gate.h"
#include "adapters/tls/server_hello_gate.h"
#include "core/errors.h"
#include "core/profile.h"
#include "tests/core/vector_file.h"

namespace {

using Bytes = std::vector<std::uint8_t>;
using annexo::tls::Client_Hello_Gate;
using annexo::tls::Server_Hello_Gate;

struct Verdict {
  int state = 0;
  annexo::core::Error error = annexo::core::Error::ok;
  std::string detail;
  bool operator==(const Verdict& o) const {
    return state == o.state && error == o.error && detail == o.detail;
  }
};

template <class Gate>
Verdict verdict(const Gate& g) {
  return {static_cast<int>(g.state()), g.error(), g.detail()};
}

struct Ue {
  annexo::core::UeTlsConfig config;
  annexo::core::Offer offer;
  Ue() {
    config.enable_tls13 = false;
    REQUIRE(annexo::core::build_offer(config, offer) == annexo::core::Error::ok);
  }
};

struct Makers {
  annexo::core::PcscfTlsConfig pc;
  Ue ue;
};

// The handshake bytes of the leading handshake records, re-split into records
// of `frag` bytes (0: as captured); the rest of the stream follows unchanged.
Bytes rerecord(const Bytes& in, std::size_t frag) {
  if (frag == 0) return in;
  Bytes hs;
  std::size_t at = 0;
  while (in.size() - at >= 5 && in[at] == 22) {
    const std::size_t len = static_cast<std::size_t>((in[at + 3] << 8) | in[at + 4]);
    if (in.size() - at - 5 < len) break;
    hs.insert(hs.end(), in.begin() + at + 5, in.begin() + at + 5 + len);
    at += 5 + len;
  }
  Bytes out;
  for (std::size_t i = 0; i < hs.size(); i += frag) {
    const std::size_t n = std::min(frag, hs.size() - i);
    out.insert(out.end(),
               {22, 3, 3, static_cast<std::uint8_t>(n >> 8), static_cast<std::uint8_t>(n)});
    out.insert(out.end(), hs.begin() + i, hs.begin() + i + n);
  }
  out.insert(out.end(), in.begin() + at, in.end());
  return out;
}

template <class Gate, class Make>
void same_verdicts(const Bytes& s, Make make, const std::string& what) {
  INFO(what << " (" << s.size() << " bytes)");
  // Oracle: the verdict for each prefix, read whole.
  std::vector<Verdict> oracle(s.size() + 1);
  std::size_t decided = s.size() + 1;  // first prefix length with a verdict
  for (std::size_t k = 0; k <= s.size(); ++k) {
    Gate g = make();
    if (k > 0) g.push(s.data(), k);
    oracle[k] = verdict(g);
    if (oracle[k].state != static_cast<int>(Gate::State::reading)) {
      decided = k;
      break;
    }
  }
  // Byte by byte.
  {
    Gate g = make();
    for (std::size_t k = 1; k <= s.size() && k <= decided; ++k) {
      g.push(s.data() + k - 1, 1);
      INFO("byte " << k);
      REQUIRE(verdict(g) == oracle[k]);
    }
  }
  // Two pieces at every split.
  const Verdict whole = oracle[std::min(decided, s.size())];
  for (std::size_t i = 1; i < s.size(); ++i) {
    Gate g = make();
    g.push(s.data(), i);
    g.push(s.data() + i, s.size() - i);
    INFO("split at " << i);
    REQUIRE(verdict(g) == whole);
  }
}

template <class Gate, class Make>
void all_variants(const std::string& file, Make make) {
  const Bytes captured = annexo::test::load_vector(file);
  for (std::size_t frag : {std::size_t{0}, std::size_t{1}, std::size_t{7}, std::size_t{100}}) {
    const Bytes s = rerecord(captured, frag);
    same_verdicts<Gate>(s, make, file + " frag=" + std::to_string(frag));
    if (frag == 1 || frag == 100) continue;  // corrupted variants: as captured and 7-byte records
    // Corrupted: every header byte of the first two records, and a few body bytes.
    std::vector<std::size_t> at;
    for (std::size_t i = 0; i < 10 && i < s.size(); ++i) at.push_back(i);
    const std::size_t second = 5 + static_cast<std::size_t>((s[3] << 8) | s[4]);
    for (std::size_t i = second; i < second + 5 && i < s.size(); ++i) at.push_back(i);
    for (std::size_t i = 1; i < 8; ++i) at.push_back(s.size() * i / 8);
    for (std::size_t p : at) {
      for (std::uint8_t x : {std::uint8_t{0xFF}, std::uint8_t{0x01}}) {
        Bytes m = s;
        m[p] ^= x;
        same_verdicts<Gate>(m, make,
                            file + " frag=" + std::to_string(frag) + " byte " + std::to_string(p) +
                                " ^ " + std::to_string(x));
      }
    }
  }
}

}  // namespace

TEST_CASE("Client_Hello_Gate: incremental reads give the same verdicts as reading whole") {
  Makers m;
  const auto make = [&m] { return Client_Hello_Gate(m.pc); };
  for (const char* f :
       {"ch_gnutls_39suites_15ext.bin", "ch_gnutls_default.bin", "ch_gnutls_tls12_only.bin",
        "ch_grease_openssl_derived.bin", "ch_openssl_40suites.bin", "ch_openssl_default.bin",
        "ch_openssl_null_only.bin", "ch_openssl_tls10_only.bin",
        // Not a ClientHello: refused as such, at the same byte.
        "sh_openssl_tls12_flight.bin"}) {
    all_variants<Client_Hello_Gate>(f, make);
  }
}

TEST_CASE("Server_Hello_Gate: incremental reads give the same verdicts as reading whole") {
  Makers m;
  const auto make = [&m] { return Server_Hello_Gate(m.ue.config, m.ue.offer); };
  for (const char* f :
       {"sh_gnutls_tls12_certreq_flight.bin", "sh_gnutls_tls12_flight.bin", "sh_gnutls_tls13.bin",
        "sh_openssl_tls12_certreq_flight.bin", "sh_openssl_tls12_flight.bin",
        "sh_openssl_tls13.bin", "ch_openssl_default.bin"}) {
    all_variants<Server_Hello_Gate>(f, make);
  }
}

// A captured ClientHello grown to about 60 KB with a padding extension
// (RFC 7685, type 21) and sent in 16 KB records, one byte per push.
TEST_CASE("Client_Hello_Gate: a 60 KB ClientHello sent byte by byte is read a few times") {
  const Bytes captured = annexo::test::load_vector("ch_openssl_default.bin");
  REQUIRE(captured[0] == 22);
  Bytes hs(captured.begin() + 5, captured.end());  // one record in the capture
  REQUIRE(hs.size() == static_cast<std::size_t>((captured[3] << 8) | captured[4]));
  // Handshake header (4) | version (2) | random (32) | session_id | suites | compression | exts.
  std::size_t at = 4 + 2 + 32;
  at += 1 + hs[at];
  at += 2 + ((hs[at] << 8) | hs[at + 1]);
  at += 1 + hs[at];
  const std::size_t ext_len = static_cast<std::size_t>((hs[at] << 8) | hs[at + 1]);
  REQUIRE(at + 2 + ext_len == hs.size());
  const std::size_t pad = 60000;
  hs.insert(hs.end(),
            {0x00, 21, static_cast<std::uint8_t>(pad >> 8), static_cast<std::uint8_t>(pad)});
  hs.insert(hs.end(), pad, 0);
  const std::size_t new_ext = ext_len + 4 + pad;
  hs[at] = static_cast<std::uint8_t>(new_ext >> 8);
  hs[at + 1] = static_cast<std::uint8_t>(new_ext);
  const std::size_t body = hs.size() - 4;
  hs[1] = static_cast<std::uint8_t>(body >> 16);
  hs[2] = static_cast<std::uint8_t>(body >> 8);
  hs[3] = static_cast<std::uint8_t>(body);
  Bytes one = {22, 3, 3, static_cast<std::uint8_t>(hs.size() >> 8),
               static_cast<std::uint8_t>(hs.size())};
  one.insert(one.end(), hs.begin(), hs.end());  // only to compute the split
  const Bytes s = rerecord(one, 16384);
  const std::size_t records = (hs.size() + 16383) / 16384;

  annexo::core::PcscfTlsConfig pc;
  Client_Hello_Gate whole(pc);
  whole.push(s.data(), s.size());
  Client_Hello_Gate g(pc);
  const auto t0 = std::chrono::steady_clock::now();
  for (std::size_t i = 0; i < s.size() && g.state() == Client_Hello_Gate::State::reading; ++i) {
    g.push(s.data() + i, 1);
  }
  const double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  std::printf("60 KB ClientHello (%zu bytes, %zu records) byte by byte: %zu reads, %.1f ms\n",
              s.size(), records, g.reads(), ms);
  CHECK(verdict(g) == verdict(whole));
  CHECK(g.state() != Client_Hello_Gate::State::reading);
  // At most one read per header byte of each record and one when it is whole.
  CHECK(g.reads() <= records * 6);
}
