// Limits shared by the P-CSCF machine and the binding table.
#pragma once

#include <cstdint>

namespace annexo::core {

// IMPUs per binding: covers an implicit registration set of typical size; a
// 2xx registering more is handled as "no binding" for the excess (fail
// closed: those IMPUs are never asserted). Worst case sized exactly.
inline constexpr std::uint8_t kMaxImpus = 8;
// "No IMPU" index (e.g. no P-Preferred-Identity, or one outside the set).
inline constexpr std::uint8_t kNoImpu = 0xFF;

// The transport tuple of a TLS connection as the adapter sees it.
// session: adapter-assigned handle of the TLS session, unique for the process
//   lifetime (a counter, never reused, 0 = none): for TLS 1.2 it stands for
//   the server-issued non-empty Session ID, for TLS 1.3 for the exporter
//   value (catalogue A5; decision RD-55). A renegotiation yields a new handle.
// ip_hi/ip_lo: the UE's address as 128 bits, big-endian halves; IPv4 as
//   the IPv4-mapped IPv6 address ::ffff:a.b.c.d (ip_hi = 0,
//   ip_lo = 0x0000ffff00000000 | a.b.c.d).
// port: the UE's source port of this TCP connection.
struct ConnTuple {
  std::uint64_t session = 0;
  std::uint64_t ip_hi = 0;
  std::uint64_t ip_lo = 0;
  std::uint16_t port = 0;
};

}  // namespace annexo::core
