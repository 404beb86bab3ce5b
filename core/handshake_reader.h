// An allocation-free reader of cleartext TLS records and handshake messages.
//
// Three users, one API:
//  - the P-CSCF adapter inspects the raw ClientHello before the TLS library
//    sees it (read_record + HandshakeAssembler, or read_first_message);
//  - the UE notices a HelloRequest or CertificateRequest in the cleartext
//    TLS 1.2 flight (HandshakeAssembler::next, message types);
//  - conformance tools read captured byte streams (all of it).
//
// Zero-copy: every ByteView points into a buffer the caller owns — either the
// input span or the caller-provided reassembly storage. Messages split over
// several records are copied into that storage; several messages in one
// record come out one by one. Every length is checked against its enclosing
// structure before any byte under it is read; a failure names the Error, the
// Field and the byte offset (relative to the span passed to that function).
//
//= spec#IMPL-READER-BOUNDS type=implementation
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/bytes.h"
#include "core/errors.h"
#include "core/tls_constants.h"

namespace annexo::core {

// Which field a reader error is about.
enum class Field : std::uint8_t {
  none,
  record_header,
  record_type,
  record_version,
  record_length,
  handshake_header,
  handshake_length,
  message_body,
  legacy_version,
  random,
  session_id,
  cipher_suites,
  cipher_suite,
  compression_methods,
  compression_method,
  extensions,
  extension_header,
  extension_body,
  ext_server_name,
  ext_supported_versions,
  ext_supported_groups,
  ext_signature_algorithms,
  ext_renegotiation_info,
  ext_key_share,
  certificate_list,
  certificate_entry,
  certificate_types,
  signature_algorithms,
  certificate_authorities,
};
const char* field_name(Field f);

// Outcome of a read: ok, need more input (not an error: a stream reader
// keeps the bytes and calls again), or an Error with where it happened.
struct ReadResult {
  Error error = Error::ok;
  Field field = Field::none;
  std::size_t offset = 0;
  bool need_more = false;

  constexpr bool ok() const { return error == Error::ok && !need_more; }
  constexpr bool failed() const { return error != Error::ok; }
};

// A list of 16-bit big-endian values, viewed in place (cipher suites, groups,
// signature schemes, versions). The reader has checked that raw.size is even.
struct U16List {
  ByteView raw;
  constexpr std::size_t count() const { return raw.size / 2; }
  constexpr std::uint16_t at(std::size_t i) const {
    return static_cast<std::uint16_t>((raw.data[2 * i] << 8) | raw.data[2 * i + 1]);
  }
  constexpr bool contains(std::uint16_t v) const {
    for (std::size_t i = 0; i < count(); ++i) {
      if (at(i) == v) return true;
    }
    return false;
  }
};

// ---- Record layer (RFC 8446 section 5.1, RFC 5246 section 6.2.1) ----

inline constexpr std::size_t kRecordHeaderSize = 5;
// Largest cleartext fragment: 2^14 bytes (RFC 8446 section 5.1).
inline constexpr std::size_t kMaxPlaintextFragment = 16384;

struct Record {
  tls::ContentType type = tls::ContentType::handshake;
  std::uint16_t version = 0;  // legacy_record_version
  ByteView fragment;          // into the input
  std::size_t wire_size = 0;  // header + fragment: bytes to consume
};

// Reads one record from the start of `in`. need_more when `in` holds less
// than a whole record; the caller keeps the bytes and retries with more.
[[nodiscard]] ReadResult read_record(ByteView in, Record& out);

// ---- Handshake layer ----

inline constexpr std::size_t kHandshakeHeaderSize = 4;
// Default reassembly capacity: 2^16 bytes. It holds the 4-byte header plus
// any ClientHello/ServerHello annexo accepts (ClientHello capped by the
// caller's buffer; real ones are < 2 KiB) and a server Certificate message of
// a 3-certificate chain of up to ~20 KiB each.
inline constexpr std::size_t kHandshakeBufferCapacity = 65536;

struct HandshakeMessage {
  tls::HandshakeType type = tls::HandshakeType::hello_request;
  ByteView body;   // the message without its 4-byte header
  ByteView whole;  // header + body, e.g. for a transcript or for the TLS library
};

// Parses the handshake header at the start of `in`; need_more if `in` holds
// less than a whole message.
[[nodiscard]] ReadResult read_handshake(ByteView in, HandshakeMessage& out);

// Reassembles handshake messages from handshake records into caller storage.
// Views from next() stay valid until the next push().
class HandshakeAssembler {
 public:
  HandshakeAssembler(std::uint8_t* storage, std::size_t capacity) : buf_(storage), cap_(capacity) {}

  // Appends the fragment of a handshake record. A record of another type is
  // refused (reader_record_interleaved when a message is half-read,
  // reader_record_not_handshake otherwise): the caller routes those itself.
  [[nodiscard]] ReadResult push(const Record& rec);

  // Pops the next complete message, if one is buffered (need_more if not).
  [[nodiscard]] ReadResult next(HandshakeMessage& out);

  // True while bytes of an unfinished message are buffered.
  bool mid_message() const { return end_ > begin_; }

 private:
  std::uint8_t* buf_;
  std::size_t cap_;
  std::size_t begin_ = 0;  // first unread byte
  std::size_t end_ = 0;    // one past the last buffered byte
};

// Convenience for a byte stream that begins with cleartext records (a TCP
// stream from its first byte, or a capture): reads records until the first
// handshake message is complete. `consumed` is the number of stream bytes of
// the records used. need_more if the stream ends first.
[[nodiscard]] ReadResult read_first_message(ByteView stream, std::uint8_t* storage,
                                            std::size_t capacity, HandshakeMessage& out,
                                            std::size_t& consumed);

// ---- Messages ----

// At most this many extensions are examined (duplicate check is pairwise).
// Real ClientHellos carry fewer than 30; 128 leaves room for GREASE and growth.
inline constexpr std::size_t kMaxExtensions = 128;

struct ExtensionView {
  std::uint16_t type = 0;
  ByteView body;
};

struct ClientHello {
  std::uint16_t legacy_version = 0;
  ByteView random;               // 32 bytes
  ByteView session_id;           // 0..32 bytes
  U16List cipher_suites;         // as offered, GREASE and SCSVs included
  ByteView compression_methods;  // 1..255 bytes
  ByteView extensions;           // raw extension block (may be empty)
  std::size_t extension_count = 0;

  bool has_server_name = false;
  ByteView server_name;  // first host_name entry
  bool has_supported_versions = false;
  U16List supported_versions;
  bool has_supported_groups = false;
  U16List supported_groups;
  bool has_signature_algorithms = false;
  U16List signature_algorithms;
  bool has_renegotiation_info = false;
  ByteView renegotiation_info;  // renegotiated_connection contents
  bool has_key_share = false;
  ByteView key_share;  // client_shares list, structure checked
  bool has_post_handshake_auth = false;
  bool has_early_data = false;
};

struct ServerHello {
  std::uint16_t legacy_version = 0;
  ByteView random;  // 32 bytes
  ByteView session_id;
  std::uint16_t cipher_suite = 0;
  std::uint8_t compression_method = 0;
  ByteView extensions;
  std::size_t extension_count = 0;
  bool is_hello_retry_request = false;

  bool has_supported_versions = false;
  std::uint16_t selected_version = 0;
  bool has_renegotiation_info = false;
  ByteView renegotiation_info;
  bool has_key_share = false;
  std::uint16_t key_share_group = 0;
};

// Body = HandshakeMessage::body of a client_hello / server_hello.
[[nodiscard]] ReadResult parse_client_hello(ByteView body, ClientHello& out);
[[nodiscard]] ReadResult parse_server_hello(ByteView body, ServerHello& out);

// Iterates the extension block of a parsed hello (already validated).
[[nodiscard]] ExtensionView extension_at(ByteView extensions, std::size_t index);

// HelloRequest (0) and ServerHelloDone (14) have empty bodies.
[[nodiscard]] ReadResult check_empty_body(const HandshakeMessage& m);

// TLS 1.2 Certificate (11): certificate_list<0..2^24-1> of ASN.1Cert<1..2^24-1>.
struct CertificateList {
  std::size_t count = 0;
  ByteView leaf;  // first entry's DER (empty if count == 0)
  ByteView list;  // raw list, for iteration with certificate_at
};
[[nodiscard]] ReadResult parse_certificate_tls12(ByteView body, CertificateList& out);
[[nodiscard]] ByteView certificate_at(const CertificateList& l, std::size_t index);

// TLS 1.2 CertificateRequest (13) (RFC 5246 section 7.4.4).
struct CertificateRequest12 {
  ByteView certificate_types;
  U16List signature_algorithms;
  ByteView certificate_authorities;
};
[[nodiscard]] ReadResult parse_certificate_request_tls12(ByteView body, CertificateRequest12& out);

}  // namespace annexo::core
