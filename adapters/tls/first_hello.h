// The first handshake message of a connection, read with the core's
// allocation-free reader from the bytes held so far and parsed as the Hello a
// gate expects: the ClientHello at the P-CSCF (Client_Hello_Gate), the
// ServerHello at the UE (Server_Hello_Gate). Refusals carry the core's error
// and, for the log, the field and offset the reader names.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/errors.h"
#include "core/handshake_reader.h"

namespace annexo::tls {

struct Hello_Read {
  enum class Status { need_more, refused, parsed };
  Status status = Status::need_more;
  core::Error error = core::Error::ok;
  std::string detail;  // refused: "field=<name> offset=<n>" or what arrived instead
};

// `storage` is the reassembly buffer (resized to core::kHandshakeBufferCapacity);
// the parsed Hello's views point into it or into `held`, so both must outlive
// `out`.
Hello_Read read_first_hello(const std::vector<std::uint8_t>& held,
                            std::vector<std::uint8_t>& storage, core::ClientHello& out);
Hello_Read read_first_hello(const std::vector<std::uint8_t>& held,
                            std::vector<std::uint8_t>& storage, core::ServerHello& out);

// After read_first_hello said need_more for `held`: the held size below which
// reading again must say need_more again, so a gate may skip the read until
// then (issue 15). The reader checks each record header as its bytes arrive but
// looks at a record's body only once the whole record is held; so while the
// last record's header is complete and its body is not, nothing can change
// before its last byte. Without a complete header it is held.size() + 1.
std::size_t first_hello_resume_at(const std::vector<std::uint8_t>& held);

// A TLS 1.2 plaintext fatal alert record (RFC 5246 6.2.1, 7.2) carrying the
// core's alert for `e`; empty when `e` maps to no alert.
std::vector<std::uint8_t> fatal_alert_record(core::Error e);

}  // namespace annexo::tls
