// Raw crafted server flights for the UE TPs that no conforming TLS library
// would send (TP_UE_TLS_004..008, TP_UE_CERT_015): a ServerHello with a chosen
// version, suite and compression method, and a Certificate message with
// arbitrary entries. Wire formats: RFC 5246 7.4.1.3, 7.4.2; RFC 5746 3.6.
#pragma once

#include <cstdint>
#include <vector>

namespace annexo::probe::ue_iut {

struct Crafted_Hello {
  std::uint16_t version = 0x0303;  // ServerHello.server_version and the record version
  std::uint16_t suite = 0xC02B;
  std::uint8_t compression = 0;
  bool renegotiation_info = true;  // an empty renegotiation_info (initial handshake)
};

// One handshake record holding the ServerHello (32-byte Session ID).
std::vector<std::uint8_t> server_hello_record(const Crafted_Hello& h);

// One handshake record holding a Certificate message whose certificate_list
// holds `entries` (each DER blob gets its 3-byte length).
std::vector<std::uint8_t> certificate_record(const std::vector<std::vector<std::uint8_t>>& entries);

// ServerHelloDone record.
std::vector<std::uint8_t> server_hello_done_record();

}  // namespace annexo::probe::ue_iut
