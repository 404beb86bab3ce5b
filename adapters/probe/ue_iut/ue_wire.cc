#include "adapters/probe/ue_iut/ue_wire.h"

#include <cstdio>

#include "core/errors.h"
#include "core/handshake_reader.h"

namespace annexo::probe::ue_iut {

namespace core = ::annexo::core;

Ue_Wire read_ue_wire(const std::vector<std::uint8_t>& bytes) {
  Ue_Wire w;
  w.size = bytes.size();
  std::vector<std::uint8_t> storage(core::kHandshakeBufferCapacity);
  core::HandshakeAssembler hs(storage.data(), storage.size());
  std::size_t off = 0;
  std::size_t hs_record_offset = 0;
  while (off < bytes.size()) {
    core::Record rec;
    const core::ReadResult r =
        core::read_record(core::ByteView(bytes.data() + off, bytes.size() - off), rec);
    if (r.need_more) break;
    if (r.failed()) {
      w.reader_error = std::string(core::error_info(r.error).name) +
                       " field=" + core::field_name(r.field) +
                       " offset=" + std::to_string(off + r.offset);
      break;
    }
    switch (rec.type) {
      case core::tls::ContentType::change_cipher_spec:
        if (!w.change_cipher_spec) {
          w.change_cipher_spec = true;
          w.ccs_offset = off;
        }
        break;
      case core::tls::ContentType::alert: {
        Wire_Alert a;
        a.offset = off;
        a.cleartext = !w.change_cipher_spec;
        if (a.cleartext && rec.fragment.size >= 2) {
          a.level = rec.fragment[0];
          a.description = rec.fragment[1];
        }
        w.alerts.push_back(a);
        break;
      }
      case core::tls::ContentType::application_data:
        if (!w.app_data) {
          w.app_data = true;
          w.app_data_offset = off;
        }
        break;
      case core::tls::ContentType::handshake: {
        if (w.change_cipher_spec) break;  // encrypted (Finished, renegotiation)
        if (!hs.mid_message()) hs_record_offset = off;
        if (hs.push(rec).failed()) break;
        core::HandshakeMessage m;
        while (hs.next(m).ok()) {
          if (m.type == core::tls::HandshakeType::client_hello && !w.client_hello) {
            w.client_hello = true;
            w.client_hello_offset = hs_record_offset;
          } else if (m.type == core::tls::HandshakeType::certificate && !w.client_certificate &&
                     m.body.size >= 3) {
            w.client_certificate = true;
            w.client_certificate_offset = hs_record_offset;
            w.client_certificate_list_size =
                (std::size_t{m.body[0]} << 16) | (std::size_t{m.body[1]} << 8) | m.body[2];
          }
        }
        break;
      }
    }
    off += rec.wire_size;
  }
  return w;
}

std::string hex_at(const std::vector<std::uint8_t>& bytes, std::size_t offset, std::size_t n) {
  std::string out;
  char b[4];
  for (std::size_t i = offset; i < bytes.size() && i < offset + n; ++i) {
    std::snprintf(b, sizeof b, "%02x", bytes[i]);
    if (!out.empty()) out += ' ';
    out += b;
  }
  return out;
}

std::string hex4(std::uint16_t v) {
  char b[8];
  std::snprintf(b, sizeof b, "0x%04X", v);
  return b;
}

std::string alert_text(int d) {
  const char* name = "alert";
  switch (d) {
    case 0:
      name = "close_notify";
      break;
    case 10:
      name = "unexpected_message";
      break;
    case 20:
      name = "bad_record_mac";
      break;
    case 40:
      name = "handshake_failure";
      break;
    case 42:
      name = "bad_certificate";
      break;
    case 43:
      name = "unsupported_certificate";
      break;
    case 44:
      name = "certificate_revoked";
      break;
    case 45:
      name = "certificate_expired";
      break;
    case 46:
      name = "certificate_unknown";
      break;
    case 47:
      name = "illegal_parameter";
      break;
    case 48:
      name = "unknown_ca";
      break;
    case 50:
      name = "decode_error";
      break;
    case 51:
      name = "decrypt_error";
      break;
    case 70:
      name = "protocol_version";
      break;
    case 71:
      name = "insufficient_security";
      break;
    case 80:
      name = "internal_error";
      break;
    case 90:
      name = "user_canceled";
      break;
    case 100:
      name = "no_renegotiation";
      break;
    case 110:
      name = "unsupported_extension";
      break;
  }
  return std::string(name) + "(" + std::to_string(d) + ")";
}

}  // namespace annexo::probe::ue_iut
