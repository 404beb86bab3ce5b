#include "adapters/tls/first_hello.h"

#include "core/tls_alert.h"

namespace annexo::tls {
namespace {

std::string where(const core::ReadResult& r) {
  return std::string("field=") + core::field_name(r.field) + " offset=" + std::to_string(r.offset);
}

core::ReadResult parse(core::ByteView body, core::ClientHello& out) {
  return core::parse_client_hello(body, out);
}
core::ReadResult parse(core::ByteView body, core::ServerHello& out) {
  return core::parse_server_hello(body, out);
}

template <class Hello>
Hello_Read read(const std::vector<std::uint8_t>& held, std::vector<std::uint8_t>& storage,
                Hello& out, core::tls::HandshakeType expected, const char* not_expected) {
  Hello_Read res;
  // Kept at its size (gate_storage): resizing to the same size writes nothing.
  storage.resize(core::kHandshakeBufferCapacity);
  core::HandshakeMessage msg;
  std::size_t consumed = 0;
  const core::ReadResult r = core::read_first_message(
      core::ByteView(held.data(), held.size()), storage.data(), storage.size(), msg, consumed);
  if (r.need_more && !r.failed()) return res;
  res.status = Hello_Read::Status::refused;
  if (r.failed()) {
    res.error = r.error;
    res.detail = where(r);
    return res;
  }
  if (msg.type != expected) {
    res.error = core::Error::reader_unexpected_message;
    res.detail = not_expected;
    return res;
  }
  const core::ReadResult p = parse(msg.body, out);
  if (p.failed() || p.need_more) {
    res.error = p.error;
    res.detail = where(p);
    return res;
  }
  res.status = Hello_Read::Status::parsed;
  return res;
}

}  // namespace

Hello_Read read_first_hello(const std::vector<std::uint8_t>& held,
                            std::vector<std::uint8_t>& storage, core::ClientHello& out) {
  return read(held, storage, out, core::tls::HandshakeType::client_hello,
              "first handshake message is not a ClientHello");
}

Hello_Read read_first_hello(const std::vector<std::uint8_t>& held,
                            std::vector<std::uint8_t>& storage, core::ServerHello& out) {
  return read(held, storage, out, core::tls::HandshakeType::server_hello,
              "first handshake message from the P-CSCF is not a ServerHello");
}

std::vector<std::uint8_t>& gate_storage() {
  thread_local std::vector<std::uint8_t> storage;
  return storage;
}

std::size_t first_hello_resume_at(const std::vector<std::uint8_t>& held) {
  std::size_t at = 0;  // start of the first record not wholly held
  while (held.size() - at >= core::kRecordHeaderSize) {
    const std::size_t len = static_cast<std::size_t>((held[at + 3] << 8) | held[at + 4]);
    const std::size_t end = at + core::kRecordHeaderSize + len;
    if (held.size() < end) return end;
    at = end;
  }
  return held.size() + 1;
}

std::vector<std::uint8_t> fatal_alert_record(core::Error e) {
  // Stack-neutral: core::TlsAlert values are the IANA AlertDescription numbers
  // (core/tls_alert.h), so no TLS library is needed to write the record.
  const core::TlsAlert a = core::error_alert(e);
  if (a == core::TlsAlert::none) return {};
  // Content type 21 (alert), record version 0x0303 (also TLS 1.3's, RFC 8446
  // 5.1), length 2, level fatal (2), description.
  return {0x15, 0x03, 0x03, 0x00, 0x02, 0x02, static_cast<std::uint8_t>(a)};
}

}  // namespace annexo::tls
