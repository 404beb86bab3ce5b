// Fuzz target: the core's TLS handshake reader (core/handshake_reader.h) over
// a cleartext record stream, as the ClientHello and ServerHello gates feed it
// (IMPL-READER-BOUNDS, IMPL-READER-RECORD, IMPL-READER-WELLFORMED).
// Invariant beyond memory safety: a message parsed from one stream parses the
// same when the stream is cut into two pieces at any point (the gates see
// TCP segments).
#include <vector>

#include "core/handshake_reader.h"
#include "tests/fuzz/fuzz_target.h"

namespace {

using namespace annexo::core;

// Parses whatever the first message is; returns the error (ok or need_more too).
ReadResult parse_any(const HandshakeMessage& m) {
  switch (m.type) {
    case tls::HandshakeType::client_hello: {
      ClientHello ch;
      const ReadResult r = parse_client_hello(m.body, ch);
      if (r.ok()) {
        for (std::size_t i = 0; i < ch.extension_count && i < kMaxExtensions; ++i) {
          (void)extension_at(ch.extensions, i);
        }
      }
      return r;
    }
    case tls::HandshakeType::server_hello: {
      ServerHello sh;
      return parse_server_hello(m.body, sh);
    }
    case tls::HandshakeType::certificate: {
      CertificateList l;
      const ReadResult r = parse_certificate_tls12(m.body, l);
      if (r.ok()) {
        for (std::size_t i = 0; i < l.count; ++i) (void)certificate_at(l, i);
      }
      return r;
    }
    case tls::HandshakeType::certificate_request: {
      CertificateRequest12 cr;
      return parse_certificate_request_tls12(m.body, cr);
    }
    default:
      return check_empty_body(m);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // Exactly-sized heap copy: ASan sees any read one past the input.
  std::vector<std::uint8_t> in(data, data + size);
  static std::vector<std::uint8_t> storage(kHandshakeBufferCapacity);
  HandshakeMessage m;
  std::size_t consumed = 0;
  const ByteView whole{in.data(), in.size()};
  const ReadResult r = read_first_message(whole, storage.data(), storage.size(), m, consumed);
  if (!r.ok()) return 0;
  FUZZ_CHECK(consumed <= size);
  const ReadResult parsed = parse_any(m);
  (void)parsed;

  // Every record of the stream, through the assembler, one by one.
  std::vector<std::uint8_t> storage2(kHandshakeBufferCapacity);
  HandshakeAssembler assembler(storage2.data(), storage2.size());
  std::size_t pos = 0;
  while (pos < size) {
    Record rec;
    const ReadResult rr = read_record(ByteView{in.data() + pos, size - pos}, rec);
    if (!rr.ok()) break;
    FUZZ_CHECK(rec.wire_size > 0 && rec.wire_size <= size - pos);
    pos += rec.wire_size;
    if (!assembler.push(rec).ok()) break;
    HandshakeMessage hm;
    while (assembler.next(hm).ok()) (void)parse_any(hm);
  }
  return 0;
}
