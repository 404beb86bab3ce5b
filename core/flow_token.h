// RFC 5626 flow tokens for the P-CSCF's edge-proxy role (O.2.1 "Forwarding
// requests", catalogue 2.12; decisions RD-38, RD-85).
//
// A token names one flow, and here the flow is the TLS connection: its
// payload is the adapter's 64-bit connection id (never reused), split into two
// 32-bit fields, and it carries a SipHash-2-4 MAC over both under a key the
// adapter draws at start-up:
//   token bytes  = id low 32 bits (4, LE) | id high 32 bits (4, LE) | MAC (8, LE)
//   token text   = 32 lowercase hex characters (usable as a SIP URI user part)
// Why this is enough (5626-5.2-PC-TOKEN-UNIQUE): a connection id names one
// connection for the process lifetime, so a token of a closed connection never
// names a later one (the adapter finds no such connection: 430). With the
// 64-bit MAC a forgery needs ~2^64 guesses (5626-5.2-PC-TOKEN-TAMPERPROOF).
// The fields keep their historical names `slot` (low half) and `generation`
// (high half); the row-scoped tokens they once named are gone (RD-85).
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/bytes.h"
#include "core/errors.h"
#include "core/siphash.h"

namespace annexo::core {

inline constexpr std::size_t kFlowTokenBytes = 16;
inline constexpr std::size_t kFlowTokenTextSize = 2 * kFlowTokenBytes;  // 32 hex chars

struct FlowToken {
  std::uint32_t slot = 0;
  std::uint32_t generation = 0;
  std::uint64_t mac = 0;
};

// Writes kFlowTokenTextSize characters (no terminator) to out.
[[nodiscard]] Error flow_token_encode(const FlowToken& t, char* out, std::size_t out_size);

// Parses and verifies text. Error::flow_token_malformed (wrong length, not
// lowercase hex) or Error::flow_token_tampered (MAC fails) mean 403
// (5626-5.3-PC-403-BAD-TOKEN); on ok, *out holds the verified fields.
// Whether the connection still exists is the adapter's question (430).
[[nodiscard]] Error flow_token_decode(const SipHashKey& key, ByteView text, FlowToken* out);

// The token of connection conn_id: the form the pcscf program puts into Path
// and Record-Route (RD-38). The Path goes into the REGISTER before any binding
// exists, so the token names the connection, not a binding.
[[nodiscard]] FlowToken flow_token_for_conn(const SipHashKey& key, std::uint64_t conn_id);
// The connection id a (verified) connection-scoped token names.
[[nodiscard]] std::uint64_t flow_token_conn_id(const FlowToken& t);

}  // namespace annexo::core
