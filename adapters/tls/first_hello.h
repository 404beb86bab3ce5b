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

// The reassembly storage the gates pass to read_first_hello: one per thread,
// kept between reads. A fresh vector per read meant a 64 KiB allocation,
// zero-filled, twice per handshake (both gates): 1.6 % of a TLS 1.3 handshake's
// instructions over OpenSSL and more in time (the zeroing evicts the handshake's
// working set from the cache; issue 14, tests/bench/README.md). A gate uses the
// parsed Hello only inside its push(), and push() calls nothing that reads
// again, so the views never outlive the next read on the thread.
std::vector<std::uint8_t>& gate_storage();

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
