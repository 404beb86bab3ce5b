// RFC 5626 flow tokens for the P-CSCF's edge-proxy role (O.2.1 "Forwarding
// requests", catalogue 2.12).
//
// A token names one row of the binding table (slot index) and one use of that
// row (generation, incremented on every insert), and carries a SipHash-2-4
// MAC over both under a key the adapter draws at start-up:
//   token bytes  = slot (4, LE) | generation (4, LE) | MAC (8, LE)
//   token text   = 32 lowercase hex characters (usable as a SIP URI user part)
// Why this is enough (5626-5.2-PC-TOKEN-UNIQUE): a (slot, generation) pair is
// held by at most one binding at a time, and a slot's generation only changes
// when the slot is reused, so a token of a deleted binding never names the new
// one (it resolves to 430). 32-bit generations wrap after 2^32 reuses of ONE
// slot; with the 64-bit MAC a forgery needs ~2^64 guesses
// (5626-5.2-PC-TOKEN-TAMPERPROOF).
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

// MAC of (slot, generation) under key.
[[nodiscard]] FlowToken flow_token_make(const SipHashKey& key, std::uint32_t slot,
                                        std::uint32_t generation);

// Writes kFlowTokenTextSize characters (no terminator) to out.
[[nodiscard]] Error flow_token_encode(const FlowToken& t, char* out, std::size_t out_size);

// Parses and verifies text. Error::flow_token_malformed (wrong length, not
// lowercase hex) or Error::flow_token_tampered (MAC fails) mean 403
// (5626-5.3-PC-403-BAD-TOKEN); on ok, *out holds the verified slot/generation.
// Whether the flow still exists is the binding table's question (430).
[[nodiscard]] Error flow_token_decode(const SipHashKey& key, ByteView text, FlowToken* out);

// Connection-scoped token: the form the pcscf program puts into Path (RD-38).
// RFC 5626 names the flow, and here the flow is the TLS connection; the Path
// goes into the REGISTER before any binding row exists, so a row token
// (flow_token_make above) cannot be issued at that point. The 64-bit payload
// is the adapter's connection id (never reused: 5626-5.2-PC-TOKEN-UNIQUE),
// split into the two 32-bit fields of the same 16-byte format and MACed the
// same way. A program issues only one kind of token per key, so the two forms
// are never confused (the pcscf program issues connection tokens only).
[[nodiscard]] FlowToken flow_token_for_conn(const SipHashKey& key, std::uint64_t conn_id);
// The connection id a (verified) connection-scoped token names.
[[nodiscard]] std::uint64_t flow_token_conn_id(const FlowToken& t);

}  // namespace annexo::core
