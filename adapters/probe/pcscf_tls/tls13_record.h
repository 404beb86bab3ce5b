// One TLS 1.3 protected record written by the probe itself (RFC 8446 5.2,
// 7.1, 7.3), for TP_PC_TLS_022: a ClientHello sent as a protected handshake
// message after the handshake, which no TLS library sends. The traffic
// secret comes from the OpenSSL client's key log of the same connection.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace annexo::probe::pcscf_tls {

// Encrypts `content` of `type` (22 handshake, 23 application_data) as record
// number `seq` under `secret` (the client_application_traffic_secret_0) for
// `suite` (0x1301, 0x1302, 0x1303). Empty, with `error`, for another suite.
std::vector<std::uint8_t> protect_tls13_record(std::uint16_t suite,
                                               const std::vector<std::uint8_t>& secret,
                                               std::uint64_t seq, std::uint8_t type,
                                               const std::vector<std::uint8_t>& content,
                                               std::string& error);

// Hex text to bytes (key log values); empty on bad input.
std::vector<std::uint8_t> from_hex(const std::string& hex);

}  // namespace annexo::probe::pcscf_tls
