// Raw ClientHellos as the P-CSCF TLS test purposes send them (spec/test_purposes/
// pcscf.toml, TP_PC_TLS_*): byte for byte what the TP's stimulus says, so a
// legacy version, an SSL 2.0 record, a forbidden suite family or a missing
// renegotiation indication can be offered, which no TLS library will do.
// The "profile offer" suites come from the core's offer builder.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace annexo::probe::pcscf_tls {

struct Hello_Spec {
  std::uint16_t record_version = 0x0301;  // legacy_record_version
  std::uint16_t client_version = 0x0303;  // ClientHello.legacy_version
  std::vector<std::uint16_t> suites;
  std::vector<std::uint8_t> compression = {0};
  std::string sni;                                // server_name, "" for none
  bool extensions = true;                         // false: no extension block at all (SSL 3.0)
  bool groups = true;                             // supported_groups (x25519, P-256, P-384)
  bool point_formats = true;                      // ec_point_formats {uncompressed}
  bool signature_algorithms = true;               // the core's default schemes
  bool renegotiation_info = true;                 // empty renegotiation_info extension
  bool extended_master_secret = true;             // RFC 7627
  std::vector<std::uint16_t> supported_versions;  // empty: extension absent
};

std::vector<std::uint8_t> build_client_hello(const Hello_Spec& spec);

// An SSL 2.0 CLIENT-HELLO (RFC 6101 appendix E.2 / draft-hickman): two-byte
// record header with the high bit set, msg type 1, `version` (0x0002 for
// SSL 2.0, 0x0303 for the SSLv3-compatible form), 3-byte cipher specs.
std::vector<std::uint8_t> build_sslv2_client_hello(std::uint16_t version,
                                                   const std::vector<std::uint32_t>& specs);

// The TLS 1.2 profile suites of the core's offer builder (core::build_offer
// with TLS 1.3 and NULL off), in its order.
std::vector<std::uint16_t> profile_tls12_suites();

// The TLS 1.2 NULL-encryption suites the same builder appends with the NULL
// opt-in (O.2.1-ALL-NULL-MAY), in its order: the profile's NULL set.
std::vector<std::uint16_t> null_tls12_suites();

std::string hex16(std::uint16_t v);  // "0x0303"

}  // namespace annexo::probe::pcscf_tls
