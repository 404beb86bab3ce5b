#include "core/handshake_reader.h"

namespace annexo::core {
namespace {

constexpr ReadResult fail(Error e, Field f, std::size_t off) {
  return ReadResult{e, f, off, false};
}
constexpr ReadResult more() {
  return ReadResult{Error::ok, Field::none, 0, true};
}
constexpr ReadResult good() {
  return ReadResult{};
}

// A bounds-checked cursor over one span. Every read checks the remaining
// length first; a failed read leaves the cursor unchanged.
//= spec#IMPL-READER-BOUNDS type=implementation
class Cursor {
 public:
  explicit constexpr Cursor(ByteView v, std::size_t base = 0) : v_(v), base_(base) {}
  constexpr std::size_t pos() const { return pos_; }
  constexpr std::size_t abs() const { return base_ + pos_; }
  constexpr std::size_t left() const { return v_.size - pos_; }
  constexpr bool done() const { return pos_ == v_.size; }

  bool u8(std::uint8_t& out) {
    if (left() < 1) return false;
    out = v_.data[pos_++];
    return true;
  }
  bool u16(std::uint16_t& out) {
    if (left() < 2) return false;
    out = static_cast<std::uint16_t>((v_.data[pos_] << 8) | v_.data[pos_ + 1]);
    pos_ += 2;
    return true;
  }
  bool u24(std::uint32_t& out) {
    if (left() < 3) return false;
    out = (static_cast<std::uint32_t>(v_.data[pos_]) << 16) |
          (static_cast<std::uint32_t>(v_.data[pos_ + 1]) << 8) | v_.data[pos_ + 2];
    pos_ += 3;
    return true;
  }
  bool bytes(std::size_t n, ByteView& out) {
    if (left() < n) return false;
    out = v_.sub(pos_, n);
    pos_ += n;
    return true;
  }
  // A vector with a 1-, 2- or 3-byte length prefix.
  bool vec8(ByteView& out) {
    std::uint8_t n = 0;
    const std::size_t save = pos_;
    if (!u8(n) || !bytes(n, out)) {
      pos_ = save;
      return false;
    }
    return true;
  }
  bool vec16(ByteView& out) {
    std::uint16_t n = 0;
    const std::size_t save = pos_;
    if (!u16(n) || !bytes(n, out)) {
      pos_ = save;
      return false;
    }
    return true;
  }
  bool vec24(ByteView& out) {
    std::uint32_t n = 0;
    const std::size_t save = pos_;
    if (!u24(n) || !bytes(n, out)) {
      pos_ = save;
      return false;
    }
    return true;
  }

 private:
  ByteView v_;
  std::size_t base_;
  std::size_t pos_ = 0;
};

// A list of u16 values with a 2-byte (or 1-byte) length; min_items >= 1 means
// the list must not be empty.
ReadResult read_u16_list(Cursor& c, bool len8, std::size_t min_items, Field f, U16List& out) {
  const std::size_t at = c.abs();
  ByteView raw;
  if (!(len8 ? c.vec8(raw) : c.vec16(raw))) return fail(Error::reader_truncated, f, at);
  if (raw.size % 2 != 0) return fail(Error::reader_odd_length, f, at);
  if (raw.size / 2 < min_items) return fail(Error::reader_empty_list, f, at);
  out.raw = raw;
  return good();
}

// An extension body must be consumed exactly.
ReadResult expect_end(const Cursor& c, Field f) {
  if (!c.done()) return fail(Error::reader_trailing_bytes, f, c.abs());
  return good();
}

// Walks an extension block, checks each header and the pairwise uniqueness
// of types, and calls on_ext(type, body, body_offset) for each.
template <class F>
ReadResult walk_extensions(ByteView block, std::size_t base, std::size_t& count, F&& on_ext) {
  Cursor c(block, base);
  std::uint16_t types[kMaxExtensions];
  count = 0;
  while (!c.done()) {
    const std::size_t at = c.abs();
    std::uint16_t type = 0;
    ByteView body;
    if (!c.u16(type) || !c.vec16(body))
      return fail(Error::reader_truncated, Field::extension_header, at);
    if (count == kMaxExtensions)
      return fail(Error::reader_too_many_extensions, Field::extensions, at);
    //= spec#IMPL-READER-WELLFORMED type=implementation
    for (std::size_t i = 0; i < count; ++i) {
      if (types[i] == type)
        return fail(Error::reader_duplicate_extension, Field::extension_header, at);
    }
    types[count++] = type;
    const ReadResult r = on_ext(type, body, at + 4);
    if (!r.ok()) return r;
  }
  return good();
}

// Optional extension block after the fixed part of a hello: absent (no bytes
// left), or a 2-byte length covering exactly the rest.
ReadResult read_extension_block(Cursor& c, ByteView& out) {
  if (c.done()) {
    out = ByteView();
    return good();
  }
  const std::size_t at = c.abs();
  if (!c.vec16(out)) return fail(Error::reader_truncated, Field::extensions, at);
  return expect_end(c, Field::extensions);
}

}  // namespace

const char* field_name(Field f) {
  switch (f) {
    case Field::none:
      return "none";
    case Field::record_header:
      return "record header";
    case Field::record_type:
      return "record content type";
    case Field::record_version:
      return "record version";
    case Field::record_length:
      return "record length";
    case Field::handshake_header:
      return "handshake header";
    case Field::handshake_length:
      return "handshake length";
    case Field::message_body:
      return "message body";
    case Field::legacy_version:
      return "legacy_version";
    case Field::random:
      return "random";
    case Field::session_id:
      return "session_id";
    case Field::cipher_suites:
      return "cipher_suites";
    case Field::cipher_suite:
      return "cipher_suite";
    case Field::compression_methods:
      return "compression_methods";
    case Field::compression_method:
      return "compression_method";
    case Field::extensions:
      return "extensions";
    case Field::extension_header:
      return "extension header";
    case Field::extension_body:
      return "extension body";
    case Field::ext_server_name:
      return "server_name extension";
    case Field::ext_supported_versions:
      return "supported_versions extension";
    case Field::ext_supported_groups:
      return "supported_groups extension";
    case Field::ext_signature_algorithms:
      return "signature_algorithms extension";
    case Field::ext_renegotiation_info:
      return "renegotiation_info extension";
    case Field::ext_key_share:
      return "key_share extension";
    case Field::certificate_list:
      return "certificate_list";
    case Field::certificate_entry:
      return "certificate entry";
    case Field::certificate_types:
      return "certificate_types";
    case Field::signature_algorithms:
      return "supported_signature_algorithms";
    case Field::certificate_authorities:
      return "certificate_authorities";
  }
  return "unknown field";
}

//= spec#IMPL-READER-RECORD type=implementation
ReadResult read_record(ByteView in, Record& out) {
  if (in.size < kRecordHeaderSize) {
    // Reject a bad type or version as soon as its byte is there.
    if (in.size >= 1 && (in[0] < 20 || in[0] > 23))
      return fail(Error::reader_record_type, Field::record_type, 0);
    if (in.size >= 2 && in[1] != 3)
      return fail(Error::reader_record_version, Field::record_version, 1);
    return more();
  }
  const std::uint8_t type = in[0];
  if (type < 20 || type > 23) return fail(Error::reader_record_type, Field::record_type, 0);
  if (in[1] != 3) return fail(Error::reader_record_version, Field::record_version, 1);
  const std::size_t len = static_cast<std::size_t>((in[3] << 8) | in[4]);
  if (len > kMaxPlaintextFragment)
    return fail(Error::reader_record_overflow, Field::record_length, 3);
  if (len == 0 && type == static_cast<std::uint8_t>(tls::ContentType::handshake))
    return fail(Error::reader_record_empty_handshake, Field::record_length, 3);
  if (in.size - kRecordHeaderSize < len) return more();
  out.type = static_cast<tls::ContentType>(type);
  out.version = static_cast<std::uint16_t>((in[1] << 8) | in[2]);
  out.fragment = in.sub(kRecordHeaderSize, len);
  out.wire_size = kRecordHeaderSize + len;
  return good();
}

ReadResult read_handshake(ByteView in, HandshakeMessage& out) {
  if (in.size < kHandshakeHeaderSize) return more();
  const std::size_t len =
      (static_cast<std::size_t>(in[1]) << 16) | (static_cast<std::size_t>(in[2]) << 8) | in[3];
  if (in.size - kHandshakeHeaderSize < len) return more();
  out.type = static_cast<tls::HandshakeType>(in[0]);
  out.body = in.sub(kHandshakeHeaderSize, len);
  out.whole = in.sub(0, kHandshakeHeaderSize + len);
  return good();
}

//= spec#IMPL-READER-CAPACITY type=implementation
ReadResult HandshakeAssembler::push(const Record& rec) {
  if (rec.type != tls::ContentType::handshake) {
    // RFC 8446 5.1: handshake messages must not be interleaved with other records.
    return mid_message() ? fail(Error::reader_record_interleaved, Field::record_type, 0)
                         : fail(Error::reader_record_not_handshake, Field::record_type, 0);
  }
  const std::size_t n = rec.fragment.size;
  if (cap_ - end_ < n) {
    // Compact: move the unread bytes to the front (views from next() die here).
    const std::size_t live = end_ - begin_;
    for (std::size_t i = 0; i < live; ++i) buf_[i] = buf_[begin_ + i];
    begin_ = 0;
    end_ = live;
    if (cap_ - end_ < n) return fail(Error::reader_message_too_large, Field::handshake_length, 0);
  }
  for (std::size_t i = 0; i < n; ++i) buf_[end_ + i] = rec.fragment.data[i];
  end_ += n;
  // A header announcing more than the storage can ever hold fails now, not
  // after the peer has sent it all.
  if (end_ - begin_ >= kHandshakeHeaderSize) {
    const std::size_t len = (static_cast<std::size_t>(buf_[begin_ + 1]) << 16) |
                            (static_cast<std::size_t>(buf_[begin_ + 2]) << 8) | buf_[begin_ + 3];
    if (len > cap_ - kHandshakeHeaderSize)
      return fail(Error::reader_message_too_large, Field::handshake_length, 1);
  }
  return good();
}

ReadResult HandshakeAssembler::next(HandshakeMessage& out) {
  const ReadResult r = read_handshake(ByteView(buf_ + begin_, end_ - begin_), out);
  if (!r.ok()) return r;
  begin_ += out.whole.size;
  if (begin_ == end_) begin_ = end_ = 0;
  return r;
}

ReadResult read_first_message(ByteView stream, std::uint8_t* storage, std::size_t capacity,
                              HandshakeMessage& out, std::size_t& consumed) {
  HandshakeAssembler as(storage, capacity);
  consumed = 0;
  while (true) {
    Record rec;
    const ReadResult r = read_record(stream.sub(consumed, stream.size - consumed), rec);
    if (r.failed()) return fail(r.error, r.field, consumed + r.offset);
    if (r.need_more) return r;
    const ReadResult p = as.push(rec);
    if (p.failed()) return fail(p.error, p.field, consumed + p.offset);
    consumed += rec.wire_size;
    const ReadResult m = as.next(out);
    if (m.failed() || m.ok()) return m;
  }
}

ReadResult parse_client_hello(ByteView body, ClientHello& out) {
  out = ClientHello();
  Cursor c(body);
  if (!c.u16(out.legacy_version))
    return fail(Error::reader_truncated, Field::legacy_version, c.abs());
  if (!c.bytes(32, out.random)) return fail(Error::reader_truncated, Field::random, c.abs());
  std::size_t at = c.abs();
  if (!c.vec8(out.session_id)) return fail(Error::reader_truncated, Field::session_id, at);
  if (out.session_id.size > 32)
    return fail(Error::reader_session_id_too_long, Field::session_id, at);
  ReadResult r = read_u16_list(c, false, 1, Field::cipher_suites, out.cipher_suites);
  if (!r.ok()) return r;
  at = c.abs();
  if (!c.vec8(out.compression_methods))
    return fail(Error::reader_truncated, Field::compression_methods, at);
  if (out.compression_methods.empty())
    return fail(Error::reader_empty_list, Field::compression_methods, at);
  const std::size_t ext_base = c.abs() + 2;
  r = read_extension_block(c, out.extensions);
  if (!r.ok()) return r;

  ClientHello& ch = out;
  return walk_extensions(
      out.extensions, ext_base, out.extension_count,
      [&ch](std::uint16_t type, ByteView b, std::size_t base) -> ReadResult {
        Cursor e(b, base);
        switch (type) {
          case tls::ext::server_name: {
            // ServerNameList<1..2^16-1> of {NameType, HostName<1..2^16-1>}
            ByteView list;
            if (!e.vec16(list))
              return fail(Error::reader_truncated, Field::ext_server_name, e.abs());
            if (list.empty()) return fail(Error::reader_empty_list, Field::ext_server_name, base);
            const ReadResult end = expect_end(e, Field::ext_server_name);
            if (!end.ok()) return end;
            Cursor l(list, base + 2);
            while (!l.done()) {
              const std::size_t p = l.abs();
              std::uint8_t name_type = 0;
              ByteView name;
              if (!l.u8(name_type) || !l.vec16(name))
                return fail(Error::reader_truncated, Field::ext_server_name, p);
              if (name.empty()) return fail(Error::reader_empty_list, Field::ext_server_name, p);
              if (name_type == 0 && !ch.has_server_name) {
                ch.has_server_name = true;
                ch.server_name = name;
              }
            }
            return good();
          }
          case tls::ext::supported_versions: {
            ch.has_supported_versions = true;
            const ReadResult v =
                read_u16_list(e, true, 1, Field::ext_supported_versions, ch.supported_versions);
            return v.ok() ? expect_end(e, Field::ext_supported_versions) : v;
          }
          case tls::ext::supported_groups: {
            ch.has_supported_groups = true;
            const ReadResult v =
                read_u16_list(e, false, 1, Field::ext_supported_groups, ch.supported_groups);
            return v.ok() ? expect_end(e, Field::ext_supported_groups) : v;
          }
          case tls::ext::signature_algorithms: {
            ch.has_signature_algorithms = true;
            const ReadResult v = read_u16_list(e, false, 1, Field::ext_signature_algorithms,
                                               ch.signature_algorithms);
            return v.ok() ? expect_end(e, Field::ext_signature_algorithms) : v;
          }
          case tls::ext::renegotiation_info: {
            ch.has_renegotiation_info = true;
            if (!e.vec8(ch.renegotiation_info))
              return fail(Error::reader_truncated, Field::ext_renegotiation_info, e.abs());
            return expect_end(e, Field::ext_renegotiation_info);
          }
          case tls::ext::key_share: {
            // KeyShareClientHello: client_shares<0..2^16-1> of {group, key_exchange<1..2^16-1>}
            ch.has_key_share = true;
            if (!e.vec16(ch.key_share))
              return fail(Error::reader_truncated, Field::ext_key_share, e.abs());
            const ReadResult end = expect_end(e, Field::ext_key_share);
            if (!end.ok()) return end;
            Cursor k(ch.key_share, base + 2);
            while (!k.done()) {
              const std::size_t p = k.abs();
              std::uint16_t group = 0;
              ByteView key;
              if (!k.u16(group) || !k.vec16(key))
                return fail(Error::reader_truncated, Field::ext_key_share, p);
              if (key.empty()) return fail(Error::reader_empty_list, Field::ext_key_share, p);
            }
            return good();
          }
          case tls::ext::post_handshake_auth:
            ch.has_post_handshake_auth = true;
            return good();
          case tls::ext::early_data:
            ch.has_early_data = true;
            return good();
          default:
            return good();  // other extensions: header checked, body is the TLS library's
        }
      });
}

ReadResult parse_server_hello(ByteView body, ServerHello& out) {
  out = ServerHello();
  Cursor c(body);
  if (!c.u16(out.legacy_version))
    return fail(Error::reader_truncated, Field::legacy_version, c.abs());
  if (!c.bytes(32, out.random)) return fail(Error::reader_truncated, Field::random, c.abs());
  out.is_hello_retry_request = equal(out.random, ByteView(tls::kHelloRetryRequestRandom));
  const std::size_t at = c.abs();
  if (!c.vec8(out.session_id)) return fail(Error::reader_truncated, Field::session_id, at);
  if (out.session_id.size > 32)
    return fail(Error::reader_session_id_too_long, Field::session_id, at);
  if (!c.u16(out.cipher_suite)) return fail(Error::reader_truncated, Field::cipher_suite, c.abs());
  if (!c.u8(out.compression_method))
    return fail(Error::reader_truncated, Field::compression_method, c.abs());
  const std::size_t ext_base = c.abs() + 2;
  const ReadResult r = read_extension_block(c, out.extensions);
  if (!r.ok()) return r;

  ServerHello& sh = out;
  return walk_extensions(
      out.extensions, ext_base, out.extension_count,
      [&sh](std::uint16_t type, ByteView b, std::size_t base) -> ReadResult {
        Cursor e(b, base);
        switch (type) {
          case tls::ext::supported_versions:
            sh.has_supported_versions = true;
            if (!e.u16(sh.selected_version))
              return fail(Error::reader_truncated, Field::ext_supported_versions, base);
            return expect_end(e, Field::ext_supported_versions);
          case tls::ext::renegotiation_info:
            sh.has_renegotiation_info = true;
            if (!e.vec8(sh.renegotiation_info))
              return fail(Error::reader_truncated, Field::ext_renegotiation_info, base);
            return expect_end(e, Field::ext_renegotiation_info);
          case tls::ext::key_share: {
            // ServerHello: {group, key_exchange<1..>}; HelloRetryRequest: group only.
            sh.has_key_share = true;
            if (!e.u16(sh.key_share_group))
              return fail(Error::reader_truncated, Field::ext_key_share, base);
            if (sh.is_hello_retry_request) return expect_end(e, Field::ext_key_share);
            ByteView key;
            if (!e.vec16(key)) return fail(Error::reader_truncated, Field::ext_key_share, e.abs());
            if (key.empty()) return fail(Error::reader_empty_list, Field::ext_key_share, base + 2);
            return expect_end(e, Field::ext_key_share);
          }
          default:
            return good();
        }
      });
}

ExtensionView extension_at(ByteView extensions, std::size_t index) {
  Cursor c(extensions);
  for (std::size_t i = 0;; ++i) {
    ExtensionView v;
    if (!c.u16(v.type) || !c.vec16(v.body)) return ExtensionView();
    if (i == index) return v;
  }
}

ReadResult check_empty_body(const HandshakeMessage& m) {
  if (!m.body.empty())
    return fail(Error::reader_nonempty_body, Field::message_body, kHandshakeHeaderSize);
  return good();
}

ReadResult parse_certificate_tls12(ByteView body, CertificateList& out) {
  out = CertificateList();
  Cursor c(body);
  if (!c.vec24(out.list)) return fail(Error::reader_truncated, Field::certificate_list, 0);
  const ReadResult end = expect_end(c, Field::certificate_list);
  if (!end.ok()) return end;
  Cursor l(out.list, 3);
  while (!l.done()) {
    const std::size_t at = l.abs();
    ByteView der;
    if (!l.vec24(der)) return fail(Error::reader_truncated, Field::certificate_entry, at);
    if (der.empty()) return fail(Error::reader_empty_list, Field::certificate_entry, at);
    if (out.count == 0) out.leaf = der;
    ++out.count;
  }
  return good();
}

ByteView certificate_at(const CertificateList& l, std::size_t index) {
  Cursor c(l.list);
  for (std::size_t i = 0;; ++i) {
    ByteView der;
    if (!c.vec24(der)) return ByteView();
    if (i == index) return der;
  }
}

ReadResult parse_certificate_request_tls12(ByteView body, CertificateRequest12& out) {
  out = CertificateRequest12();
  Cursor c(body);
  if (!c.vec8(out.certificate_types))
    return fail(Error::reader_truncated, Field::certificate_types, 0);
  if (out.certificate_types.empty())
    return fail(Error::reader_empty_list, Field::certificate_types, 0);
  const ReadResult r =
      read_u16_list(c, false, 1, Field::signature_algorithms, out.signature_algorithms);
  if (!r.ok()) return r;
  const std::size_t at = c.abs();
  if (!c.vec16(out.certificate_authorities))
    return fail(Error::reader_truncated, Field::certificate_authorities, at);
  return expect_end(c, Field::certificate_authorities);
}

}  // namespace annexo::core
