// What the UE under test sent on one TCP connection, read from its first
// byte with the core's record and handshake readers (core/handshake_reader.h):
// where its ClientHello, its ChangeCipherSpec, its alerts and its first
// application data record (SIP) are. Before the UE's ChangeCipherSpec its
// records are cleartext, so an alert's level and description are read on
// the wire (O.3.1.2-UE-ALERT-ON-CERT-FAIL); after it only the record type
// is visible. An application_data record is SIP (or keep-alive) leaving the
// UE: "no SIP before the certificate verdict" is "no such record". That holds
// at TLS 1.2, which every refusal profile of the probe negotiates; at TLS 1.3
// the client's encrypted handshake messages use that record type too.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace annexo::probe::ue_iut {

struct Wire_Alert {
  std::size_t offset = 0;  // of the record header
  bool cleartext = false;  // before the UE's ChangeCipherSpec
  int level = -1;          // 1 warning, 2 fatal (cleartext only)
  int description = -1;    // IANA number (cleartext only)
};

struct Ue_Wire {
  std::size_t size = 0;
  bool client_hello = false;
  std::size_t client_hello_offset = 0;
  bool change_cipher_spec = false;
  std::size_t ccs_offset = 0;
  std::vector<Wire_Alert> alerts;
  bool app_data = false;
  std::size_t app_data_offset = 0;
  // A cleartext client Certificate message (answer to a CertificateRequest):
  // the length of its certificate_list (0 = empty, RFC 5246 7.4.6).
  bool client_certificate = false;
  std::size_t client_certificate_offset = 0;
  std::size_t client_certificate_list_size = 0;
  std::string reader_error;  // the core's reader refused the stream (error, field, offset)
};

Ue_Wire read_ue_wire(const std::vector<std::uint8_t>& bytes);

// "15 03 03 00 02 02 2a" for bytes[offset, offset+n) (clipped).
std::string hex_at(const std::vector<std::uint8_t>& bytes, std::size_t offset, std::size_t n);

// "0xC02B".
std::string hex4(std::uint16_t v);

// IANA alert name ("bad_certificate(42)").
std::string alert_text(int description);

}  // namespace annexo::probe::ue_iut
