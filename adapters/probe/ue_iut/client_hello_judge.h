// TP_UE_TLS_001 (and the offer part of TP_UE_TLS_010): the UE's ClientHello
// judged by the core. The bytes are read with the core's reader
// (adapters/tls/first_hello.h), then checked with the core's own P-CSCF
// check (core::pcscf_check_client_hello: compression, version,
// O.2.1-UE-NONNULL-OFFER, RFC 5746, a choice exists) and with the per-code
// profile table (core::suite_facts): every offered code is a profile suite
// (NULL ones only when the PICS enables NULL) or a signal, no version below
// TLS 1.2 in supported_versions, no early_data (33210-6.2.2-NO-0RTT).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace annexo::probe::ue_iut {

struct Hello_Judgement {
  bool read = false;                     // a whole ClientHello was read
  std::vector<std::string> violations;   // one line each: the rule and what was seen
  std::string summary;                   // "version=0x0303 suites=[...] ..."
  std::vector<std::uint16_t> suites;     // offered codes, in order
  bool offers_tls13 = false;             // 0x0304 in supported_versions
  std::vector<std::uint8_t> session_id;  // legacy_session_id (a resumption attempt if known)
};

// The offer alone (a renegotiation ClientHello's suites, TP_UE_TLS_010):
// every code a profile suite or a signal, at least one that encrypts
// (core::offer_has_encrypting_suite, O.2.1-UE-NONNULL-OFFER).
std::vector<std::string> judge_offer(const std::vector<std::uint16_t>& suites, bool null_enabled);

// "a; b; c; and N more": the first few violations for a one-line reason.
std::string list_violations(const std::vector<std::string>& v, std::size_t shown = 4);

// `stream` starts at the ClientHello's record (a connection's first byte).
Hello_Judgement judge_client_hello(const std::vector<std::uint8_t>& stream, bool tls13_claimed,
                                   bool null_enabled);

}  // namespace annexo::probe::ue_iut
