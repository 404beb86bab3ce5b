// The allocation-free handshake reader on real captures and on every kind of
// malformed input (IMPL-READER-*).
#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "core/handshake_reader.h"
#include "tests/core/vector_file.h"
#include "tests/support/req.h"
#include "tests/support/rfc_alerts.h"

using namespace annexo::core;
using annexo::test::load_vector;

namespace {

using Bytes = std::vector<std::uint8_t>;

ByteView view(const Bytes& b) {
  return ByteView(b.data(), b.size());
}

// Handshake body of the first message in a capture (reassembled by the reader).
struct First {
  std::vector<std::uint8_t> storage = std::vector<std::uint8_t>(kHandshakeBufferCapacity);
  HandshakeMessage msg;
  std::size_t consumed = 0;
  ReadResult r;
};
First first_message(const Bytes& stream) {
  First f;
  f.r = read_first_message(view(stream), f.storage.data(), f.storage.size(), f.msg, f.consumed);
  return f;
}

// Wraps a handshake message in one record.
Bytes record(std::uint8_t type, const Bytes& fragment, std::uint16_t version = 0x0303) {
  Bytes r = {type, static_cast<std::uint8_t>(version >> 8), static_cast<std::uint8_t>(version),
             static_cast<std::uint8_t>(fragment.size() >> 8),
             static_cast<std::uint8_t>(fragment.size())};
  r.insert(r.end(), fragment.begin(), fragment.end());
  return r;
}
Bytes handshake(std::uint8_t type, const Bytes& body) {
  Bytes m = {type, static_cast<std::uint8_t>(body.size() >> 16),
             static_cast<std::uint8_t>(body.size() >> 8), static_cast<std::uint8_t>(body.size())};
  m.insert(m.end(), body.begin(), body.end());
  return m;
}
void put16(Bytes& b, std::size_t v) {
  b.push_back(static_cast<std::uint8_t>(v >> 8));
  b.push_back(static_cast<std::uint8_t>(v));
}

// A minimal well-formed ClientHello body, assembled field by field so each
// test can break exactly one field.
struct HelloParts {
  Bytes version = {0x03, 0x03};
  Bytes random = Bytes(32, 0x11);
  Bytes session_id = {};
  Bytes suites = {0x13, 0x01, 0xC0, 0x2B};
  Bytes compression = {0x00};
  std::vector<std::pair<std::uint16_t, Bytes>> exts = {{0x002b, {0x02, 0x03, 0x04}},
                                                       {0x000a, {0x00, 0x02, 0x00, 0x17}}};
  bool with_ext_block = true;

  Bytes body() const {
    Bytes b = version;
    b.insert(b.end(), random.begin(), random.end());
    b.push_back(static_cast<std::uint8_t>(session_id.size()));
    b.insert(b.end(), session_id.begin(), session_id.end());
    put16(b, suites.size());
    b.insert(b.end(), suites.begin(), suites.end());
    b.push_back(static_cast<std::uint8_t>(compression.size()));
    b.insert(b.end(), compression.begin(), compression.end());
    if (with_ext_block) {
      Bytes block;
      for (const auto& e : exts) {
        put16(block, e.first);
        put16(block, e.second.size());
        block.insert(block.end(), e.second.begin(), e.second.end());
      }
      put16(b, block.size());
      b.insert(b.end(), block.begin(), block.end());
    }
    return b;
  }
};

ReadResult parse_ch(const Bytes& body, ClientHello& ch) {
  return parse_client_hello(view(body), ch);
}

struct ChExpect {
  const char* file;
  std::uint16_t legacy_version;
  std::size_t suites;
  std::size_t extensions;
  std::uint16_t first_suite;
  bool supported_versions;
  bool renegotiation_info;
  const char* sni;  // nullptr: no server_name
};

// RFC 5246 / RFC 8446 alert numbers, not the core's own table (tests/support/rfc_alerts.h).
using namespace annexo::rfc_alert;

// Values read off with an independent Python parser (tests/vectors/README.md).
const ChExpect kClientHellos[] = {
    {"ch_openssl_default.bin", 0x0303, 31, 10, 0x1302, true, false, "pcscf.test"},
    {"ch_openssl_tls10_only.bin", 0x0301, 9, 6, 0xC00A, false, false, "pcscf.test"},
    {"ch_openssl_null_only.bin", 0x0303, 6, 7, 0xC006, false, false, "pcscf.test"},
    {"ch_openssl_40suites.bin", 0x0303, 41, 13, 0x1302, true, false, "pcscf.test"},
    {"ch_gnutls_default.bin", 0x0303, 29, 13, 0x1302, true, true, "pcscf.test"},
    {"ch_gnutls_tls12_only.bin", 0x0303, 25, 9, 0xC02C, false, true, nullptr},
    {"ch_gnutls_39suites_15ext.bin", 0x0303, 39, 15, 0x1302, true, true, "pcscf.test"},
    {"ch_grease_openssl_derived.bin", 0x0303, 32, 12, 0x2A2A, true, false, "pcscf.test"},
};

}  // namespace

//= spec#IMPL-READER-RECORD type=test
TEST_CASE("IMPL-READER-RECORD: captured OpenSSL and GnuTLS ClientHellos parse field by field") {
  for (const ChExpect& e : kClientHellos) {
    INFO(e.file);
    const Bytes stream = load_vector(e.file);
    First f = first_message(stream);
    REQ_REQUIRE("IMPL-READER-RECORD", f.r.ok());
    REQ_REQUIRE("IMPL-READER-RECORD", f.consumed == stream.size());
    REQUIRE(f.msg.type == tls::HandshakeType::client_hello);
    ClientHello ch;
    const ReadResult r = parse_client_hello(f.msg.body, ch);
    REQUIRE(r.ok());
    CHECK(ch.legacy_version == e.legacy_version);
    CHECK(ch.random.size == 32);
    CHECK(ch.cipher_suites.count() == e.suites);
    CHECK(ch.cipher_suites.at(0) == e.first_suite);
    CHECK(ch.extension_count == e.extensions);
    CHECK(ch.has_supported_versions == e.supported_versions);
    CHECK(ch.has_renegotiation_info == e.renegotiation_info);
    CHECK(ch.compression_methods.size == 1);
    CHECK(ch.has_server_name == (e.sni != nullptr));
    if (e.sni != nullptr) {
      CHECK(std::string(reinterpret_cast<const char*>(ch.server_name.data), ch.server_name.size) ==
            e.sni);
    }
    // The views point into the caller's storage, not into a copy of our own.
    CHECK(ch.random.data >= f.storage.data());
    CHECK(ch.random.data < f.storage.data() + f.storage.size());
  }
}

TEST_CASE("IMPL-READER-WELLFORMED: GREASE values are read as ordinary codes, lists stay intact") {
  const Bytes stream = load_vector("ch_grease_openssl_derived.bin");
  First f = first_message(stream);
  REQUIRE(f.r.ok());
  ClientHello ch;
  REQUIRE(parse_client_hello(f.msg.body, ch).ok());
  CHECK(ch.supported_groups.at(0) == 0x3A3A);
  CHECK(ch.supported_versions.at(0) == 0x4A4A);
  CHECK(ch.supported_versions.contains(tls::kTls13));
  CHECK(extension_at(ch.extensions, 0).type == 0x0A0A);
  CHECK(extension_at(ch.extensions, ch.extension_count - 1).type == 0xFAFA);
  CHECK(extension_at(ch.extensions, ch.extension_count - 1).body.size == 1);
  CHECK(extension_at(ch.extensions, ch.extension_count).type == 0);  // past the end: empty
}

struct FlightExpect {
  const char* file;
  std::vector<tls::HandshakeType> types;
  std::uint16_t suite;
  std::uint16_t selected_version;  // 0: no supported_versions
};

//= spec#IMPL-READER-RECORD type=test
TEST_CASE("IMPL-READER-RECORD: captured server flights yield every handshake message in order") {
  using T = tls::HandshakeType;
  const std::vector<FlightExpect> flights = {
      {"sh_openssl_tls12_flight.bin",
       {T::server_hello, T::certificate, T::server_key_exchange, T::server_hello_done},
       0xC02C,
       0},
      {"sh_openssl_tls12_certreq_flight.bin",
       {T::server_hello, T::certificate, T::server_key_exchange, T::certificate_request,
        T::server_hello_done},
       0xC02C,
       0},
      {"sh_gnutls_tls12_flight.bin",
       {T::server_hello, T::certificate, T::server_key_exchange, T::server_hello_done},
       0xC02C,
       0},
      {"sh_gnutls_tls12_certreq_flight.bin",
       {T::server_hello, T::certificate, T::server_key_exchange, T::certificate_request,
        T::server_hello_done},
       0xC02C,
       0},
      {"sh_openssl_tls13.bin", {T::server_hello}, 0x1302, 0x0304},
      {"sh_gnutls_tls13.bin", {T::server_hello}, 0x1302, 0x0304},
  };
  for (const FlightExpect& e : flights) {
    INFO(e.file);
    const Bytes stream = load_vector(e.file);
    Bytes storage(kHandshakeBufferCapacity);
    HandshakeAssembler as(storage.data(), storage.size());
    std::vector<tls::HandshakeType> seen;
    std::size_t pos = 0;
    bool stopped_at_ccs = false;
    while (pos < stream.size()) {
      Record rec;
      ReadResult r = read_record(ByteView(stream.data() + pos, stream.size() - pos), rec);
      REQ_REQUIRE("IMPL-READER-RECORD", r.ok());
      pos += rec.wire_size;
      if (rec.type != tls::ContentType::handshake) {
        // The caller routes other records; the assembler refuses them.
        REQ("IMPL-READER-RECORD", as.push(rec).error == Error::reader_record_not_handshake);
        stopped_at_ccs = true;
        break;
      }
      REQUIRE(as.push(rec).ok());
      HandshakeMessage m;
      while ((r = as.next(m)).ok()) {
        seen.push_back(m.type);
        if (m.type == tls::HandshakeType::server_hello) {
          ServerHello sh;
          REQUIRE(parse_server_hello(m.body, sh).ok());
          CHECK(sh.cipher_suite == e.suite);
          CHECK(sh.session_id.size == 32);
          CHECK(sh.has_supported_versions == (e.selected_version != 0));
          CHECK(sh.selected_version == e.selected_version);
          CHECK(sh.has_renegotiation_info == (e.selected_version == 0));
          CHECK(sh.compression_method == 0);
          CHECK_FALSE(sh.is_hello_retry_request);
        }
        if (m.type == tls::HandshakeType::certificate) {
          CertificateList cl;
          REQUIRE(parse_certificate_tls12(m.body, cl).ok());
          CHECK(cl.count == 1);
          CHECK(cl.leaf.size > 100);
          CHECK(cl.leaf[0] == 0x30);  // DER SEQUENCE
          CHECK(certificate_at(cl, 0).data == cl.leaf.data);
          CHECK(certificate_at(cl, 1).size == 0);
        }
        if (m.type == tls::HandshakeType::certificate_request) {
          CertificateRequest12 cr;
          REQUIRE(parse_certificate_request_tls12(m.body, cr).ok());
          CHECK(cr.signature_algorithms.count() > 0);
        }
        if (m.type == tls::HandshakeType::server_hello_done) CHECK(check_empty_body(m).ok());
      }
      REQUIRE_FALSE(r.failed());
    }
    CHECK(stopped_at_ccs);
    REQ("IMPL-READER-RECORD", seen == e.types);
  }
}

//= spec#IMPL-READER-RECORD type=test
TEST_CASE(
    "IMPL-READER-RECORD: a message split into 1-byte records and a flight in one record "
    "reassemble") {
  const Bytes stream = load_vector("sh_openssl_tls12_certreq_flight.bin");
  // Concatenate the handshake bytes of the flight (records before the alert).
  Bytes hs;
  std::size_t pos = 0;
  while (pos < stream.size() && stream[pos] == 22) {
    const std::size_t len = static_cast<std::size_t>(stream[pos + 3] << 8 | stream[pos + 4]);
    hs.insert(hs.end(), stream.begin() + static_cast<long>(pos + 5),
              stream.begin() + static_cast<long>(pos + 5 + len));
    pos += 5 + len;
  }
  REQUIRE(hs.size() == 93u + 420u + 116u + 52u + 4u);

  SECTION("one byte per record") {
    Bytes storage(4096);
    HandshakeAssembler as(storage.data(), storage.size());
    std::vector<tls::HandshakeType> seen;
    for (std::uint8_t b : hs) {
      const Bytes rec = record(22, {b});
      Record r;
      REQUIRE(read_record(view(rec), r).ok());
      REQUIRE(as.push(r).ok());
      HandshakeMessage m;
      ReadResult n;
      while ((n = as.next(m)).ok()) seen.push_back(m.type);
      REQUIRE(n.need_more);
    }
    REQ("IMPL-READER-RECORD", seen.size() == 5);
    REQ("IMPL-READER-RECORD", seen[3] == tls::HandshakeType::certificate_request);
    CHECK_FALSE(as.mid_message());
  }
  SECTION("whole flight in one record") {
    Bytes storage(4096);
    HandshakeAssembler as(storage.data(), storage.size());
    const Bytes rec = record(22, hs);
    Record r;
    REQUIRE(read_record(view(rec), r).ok());
    REQUIRE(as.push(r).ok());
    HandshakeMessage m;
    std::size_t n = 0;
    while (as.next(m).ok()) ++n;
    REQ("IMPL-READER-RECORD", n == 5);
  }
  SECTION("an alert between two fragments of one message is refused") {
    Bytes storage(4096);
    HandshakeAssembler as(storage.data(), storage.size());
    const Bytes part = record(22, Bytes(hs.begin(), hs.begin() + 10));
    Record r;
    REQUIRE(read_record(view(part), r).ok());
    REQUIRE(as.push(r).ok());
    CHECK(as.mid_message());
    const Bytes alert = record(21, {2, 40});
    REQUIRE(read_record(view(alert), r).ok());
    const ReadResult res = as.push(r);
    REQ("IMPL-READER-RECORD", res.error == Error::reader_record_interleaved);
    REQ("IMPL-READER-RECORD", static_cast<int>(error_alert(res.error)) == kUnexpectedMessage);
  }
}

//= spec#IMPL-READER-RECORD type=test
TEST_CASE("IMPL-READER-RECORD: record header errors name the field and offset") {
  Record r;
  SECTION("content type") {
    const Bytes b = {0x17 + 10, 3, 3, 0, 1, 0};
    const ReadResult res = read_record(view(b), r);
    REQ("IMPL-READER-RECORD", res.error == Error::reader_record_type);
    CHECK(res.field == Field::record_type);
    CHECK(res.offset == 0);
    // Even a 1-byte prefix shows it: no waiting for more bytes of garbage.
    REQ("IMPL-READER-RECORD",
        read_record(ByteView(b.data(), 1), r).error == Error::reader_record_type);
    const Bytes http = {'G', 'E', 'T', ' ', '/'};
    REQ("IMPL-READER-RECORD", read_record(view(http), r).error == Error::reader_record_type);
    // The types just outside 20-23 (19, and 24: heartbeat, RFC 6520) are refused.
    for (const std::uint8_t t : {std::uint8_t{19}, std::uint8_t{24}}) {
      const Bytes edge = {t, 3, 3, 0, 1, 0};
      REQ("IMPL-READER-RECORD", read_record(view(edge), r).error == Error::reader_record_type);
    }
  }
  SECTION("version major") {
    const Bytes b = {22, 2, 0, 0, 1, 0};
    const ReadResult res = read_record(view(b), r);
    REQ("IMPL-READER-RECORD", res.error == Error::reader_record_version);
    CHECK(res.offset == 1);
  }
  SECTION("overflow") {
    const Bytes b = {22, 3, 3, 0x40, 0x01};
    const ReadResult res = read_record(view(b), r);
    REQ("IMPL-READER-RECORD", res.error == Error::reader_record_overflow);
    CHECK(res.field == Field::record_length);
    REQ("IMPL-READER-RECORD", static_cast<int>(error_alert(res.error)) == kRecordOverflow);
  }
  SECTION("exactly 2^14 is fine") {
    Bytes b = {22, 3, 3, 0x40, 0x00};
    b.resize(5 + 16384, 0);
    REQ("IMPL-READER-RECORD", read_record(view(b), r).ok());
    CHECK(r.fragment.size == 16384);
  }
  SECTION("empty handshake fragment") {
    const Bytes b = {22, 3, 3, 0, 0};
    REQ("IMPL-READER-RECORD",
        read_record(view(b), r).error == Error::reader_record_empty_handshake);
    const Bytes ccs_empty = {20, 3, 3, 0, 0};
    REQ("IMPL-READER-RECORD", read_record(view(ccs_empty), r).ok());
  }
  SECTION("every prefix of a real record asks for more, never fails or reads on") {
    const Bytes stream = load_vector("ch_openssl_default.bin");
    for (std::size_t n = 0; n < stream.size(); ++n) {
      INFO(n);
      const ReadResult res = read_record(ByteView(stream.data(), n), r);
      REQ("IMPL-READER-RECORD", res.need_more);
      REQ("IMPL-READER-RECORD", !(res.failed()));
    }
    CHECK(read_record(view(stream), r).ok());
  }
}

//= spec#IMPL-READER-BOUNDS type=test
TEST_CASE(
    "IMPL-READER-BOUNDS: every truncation of every captured hello is refused with field and "
    "offset") {
  for (const char* file : {"ch_openssl_default.bin", "ch_gnutls_39suites_15ext.bin",
                           "ch_grease_openssl_derived.bin", "ch_openssl_null_only.bin"}) {
    INFO(file);
    const Bytes stream = load_vector(file);
    const Bytes body(stream.begin() + 9, stream.end());
    ClientHello ch;
    REQUIRE(parse_ch(body, ch).ok());
    for (std::size_t n = 0; n < body.size(); ++n) {
      INFO(n);
      // Copy the prefix into an exact-size heap block so ASan sees any overread.
      Bytes prefix(body.begin(), body.begin() + static_cast<long>(n));
      const ReadResult r = parse_ch(prefix, ch);
      // A cut right after compression_methods is a hello without extensions:
      // legal. Every other cut is an error inside the prefix.
      if (r.ok()) {
        CHECK(ch.extensions.size == 0);
        continue;
      }
      REQ("IMPL-READER-BOUNDS", r.failed());
      REQ("IMPL-READER-BOUNDS", r.offset <= n);
      REQ("IMPL-READER-BOUNDS", r.field != Field::none);
      REQ("IMPL-READER-BOUNDS", static_cast<int>(error_alert(r.error)) == kDecodeError);
    }
  }
  const Bytes sh_stream = load_vector("sh_openssl_tls13.bin");
  const Bytes sh_body(sh_stream.begin() + 9, sh_stream.begin() + 9 + 118);
  ServerHello sh;
  REQUIRE(parse_server_hello(ByteView(sh_body.data(), sh_body.size()), sh).ok());
  for (std::size_t n = 0; n < sh_body.size(); ++n) {
    Bytes prefix(sh_body.begin(), sh_body.begin() + static_cast<long>(n));
    const ReadResult r = parse_server_hello(ByteView(prefix.data(), prefix.size()), sh);
    if (r.ok()) continue;
    REQ("IMPL-READER-BOUNDS", r.offset <= n);
    REQ("IMPL-READER-BOUNDS", r.field != Field::none);
  }
}

//= spec#IMPL-READER-BOUNDS type=test
TEST_CASE("IMPL-READER-BOUNDS: length fields that overrun or leave bytes are refused") {
  ClientHello ch;
  SECTION("cipher_suites length beyond the body") {
    Bytes b = HelloParts().body();
    b[2 + 32 + 1] = 0xFF;  // cipher_suites length high byte
    const ReadResult r = parse_ch(b, ch);
    REQ("IMPL-READER-BOUNDS", r.error == Error::reader_truncated);
    REQ("IMPL-READER-BOUNDS", r.field == Field::cipher_suites);
    REQ("IMPL-READER-BOUNDS", r.offset == 35);
  }
  SECTION("extension block shorter than announced") {
    Bytes b = HelloParts().body();
    b.pop_back();
    const ReadResult r = parse_ch(b, ch);
    REQ("IMPL-READER-BOUNDS", r.error == Error::reader_truncated);
    REQ("IMPL-READER-BOUNDS", r.field == Field::extensions);
  }
  SECTION("bytes after the extension block") {
    Bytes b = HelloParts().body();
    b.push_back(0);
    const ReadResult r = parse_ch(b, ch);
    REQ("IMPL-READER-BOUNDS", r.error == Error::reader_trailing_bytes);
    REQ("IMPL-READER-BOUNDS", r.offset == b.size() - 1);
  }
  SECTION("supported_versions with a byte too many") {
    HelloParts p;
    p.exts[0].second = {0x02, 0x03, 0x04, 0x00};
    const ReadResult r = parse_ch(p.body(), ch);
    REQ("IMPL-READER-BOUNDS", r.error == Error::reader_trailing_bytes);
    REQ("IMPL-READER-BOUNDS", r.field == Field::ext_supported_versions);
  }
  SECTION("renegotiation_info shorter than its length byte") {
    HelloParts p;
    p.exts.push_back({0xff01, {0x05, 0x01}});
    const ReadResult r = parse_ch(p.body(), ch);
    REQ("IMPL-READER-BOUNDS", r.error == Error::reader_truncated);
    REQ("IMPL-READER-BOUNDS", r.field == Field::ext_renegotiation_info);
  }
  SECTION("server_name entry overruns") {
    HelloParts p;
    p.exts.push_back({0x0000, {0x00, 0x05, 0x00, 0x00, 0x09, 'a', 'b'}});
    const ReadResult r = parse_ch(p.body(), ch);
    REQ("IMPL-READER-BOUNDS", r.field == Field::ext_server_name);
    REQ("IMPL-READER-BOUNDS", r.failed());
  }
  SECTION("key_share entry overruns") {
    HelloParts p;
    p.exts.push_back({0x0033, {0x00, 0x06, 0x00, 0x17, 0x00, 0x41, 0x04, 0x01}});
    const ReadResult r = parse_ch(p.body(), ch);
    REQ("IMPL-READER-BOUNDS", r.error == Error::reader_truncated);
    REQ("IMPL-READER-BOUNDS", r.field == Field::ext_key_share);
  }
  SECTION("certificate entry overruns its list") {
    const Bytes body = {0x00, 0x00, 0x06, 0x00, 0x00, 0x09, 0x30, 0x01, 0x02};
    CertificateList cl;
    const ReadResult r = parse_certificate_tls12(ByteView(body.data(), body.size()), cl);
    REQ("IMPL-READER-BOUNDS", r.error == Error::reader_truncated);
    REQ("IMPL-READER-BOUNDS", r.field == Field::certificate_entry);
    REQ("IMPL-READER-BOUNDS", r.offset == 3);
  }
  SECTION("a minimal well-formed hello parses") {
    const Bytes b = HelloParts().body();  // ch views into it: it must outlive the checks
    REQUIRE(parse_ch(b, ch).ok());
    CHECK(ch.cipher_suites.count() == 2);
    CHECK(ch.supported_groups.at(0) == 0x0017);
  }
  SECTION("no extension block at all") {
    HelloParts p;
    p.with_ext_block = false;
    REQUIRE(parse_ch(p.body(), ch).ok());
    CHECK(ch.extension_count == 0);
  }
}

//= spec#IMPL-READER-WELLFORMED type=test
TEST_CASE("IMPL-READER-WELLFORMED: structural rules of hellos and empty messages") {
  ClientHello ch;
  SECTION("odd cipher_suites length") {
    HelloParts p;
    p.suites = {0x13, 0x01, 0xC0};
    const ReadResult r = parse_ch(p.body(), ch);
    REQ("IMPL-READER-WELLFORMED", r.error == Error::reader_odd_length);
    REQ("IMPL-READER-WELLFORMED", r.field == Field::cipher_suites);
  }
  SECTION("empty cipher_suites") {
    HelloParts p;
    p.suites = {};
    REQ("IMPL-READER-WELLFORMED", parse_ch(p.body(), ch).error == Error::reader_empty_list);
  }
  SECTION("empty compression_methods") {
    HelloParts p;
    p.compression = {};
    const ReadResult r = parse_ch(p.body(), ch);
    REQ("IMPL-READER-WELLFORMED", r.error == Error::reader_empty_list);
    REQ("IMPL-READER-WELLFORMED", r.field == Field::compression_methods);
  }
  SECTION("session ID of 33 bytes") {
    HelloParts p;
    p.session_id = Bytes(33, 1);
    const ReadResult r = parse_ch(p.body(), ch);
    REQ("IMPL-READER-WELLFORMED", r.error == Error::reader_session_id_too_long);
    REQ("IMPL-READER-WELLFORMED", r.offset == 34);
  }
  SECTION("session ID of 32 bytes is fine") {
    HelloParts p;
    p.session_id = Bytes(32, 1);
    CHECK(parse_ch(p.body(), ch).ok());
  }
  SECTION("duplicate extension") {
    HelloParts p;
    p.exts.push_back({0x002b, {0x02, 0x03, 0x03}});
    const ReadResult r = parse_ch(p.body(), ch);
    REQ("IMPL-READER-WELLFORMED", r.error == Error::reader_duplicate_extension);
    REQ("IMPL-READER-WELLFORMED", static_cast<int>(error_alert(r.error)) == kIllegalParameter);
  }
  SECTION("duplicate unknown extension") {
    HelloParts p;
    p.exts.push_back({0x7777, {}});
    p.exts.push_back({0x7777, {1}});
    REQ("IMPL-READER-WELLFORMED",
        parse_ch(p.body(), ch).error == Error::reader_duplicate_extension);
  }
  SECTION("empty supported_groups list") {
    HelloParts p;
    p.exts[1].second = {0x00, 0x00};
    const ReadResult r = parse_ch(p.body(), ch);
    REQ("IMPL-READER-WELLFORMED", r.error == Error::reader_empty_list);
    REQ("IMPL-READER-WELLFORMED", r.field == Field::ext_supported_groups);
  }
  SECTION("odd signature_algorithms") {
    HelloParts p;
    p.exts.push_back({0x000d, {0x00, 0x03, 0x04, 0x03, 0x05}});
    REQ("IMPL-READER-WELLFORMED", parse_ch(p.body(), ch).error == Error::reader_odd_length);
  }
  SECTION("HelloRequest with a body, ServerHelloDone without") {
    HandshakeMessage m;
    const Bytes hr = handshake(0, {0x01});
    REQUIRE(read_handshake(view(hr), m).ok());
    const ReadResult r = check_empty_body(m);
    REQ("IMPL-READER-WELLFORMED", r.error == Error::reader_nonempty_body);
    const Bytes shd = handshake(14, {});
    REQUIRE(read_handshake(view(shd), m).ok());
    CHECK(check_empty_body(m).ok());
  }
  SECTION("ServerHello with HelloRetryRequest random and a group-only key_share") {
    Bytes b = {0x03, 0x03};
    b.insert(b.end(), tls::kHelloRetryRequestRandom, tls::kHelloRetryRequestRandom + 32);
    b.insert(b.end(), {0x00, 0x13, 0x01, 0x00, 0x00, 0x0c, 0x00, 0x2b, 0x00, 0x02, 0x03, 0x04, 0x00,
                       0x33, 0x00, 0x02, 0x00, 0x17});
    ServerHello sh;
    REQUIRE(parse_server_hello(ByteView(b.data(), b.size()), sh).ok());
    CHECK(sh.is_hello_retry_request);
    CHECK(sh.key_share_group == 0x0017);
  }
  SECTION("CertificateRequest with empty certificate_types") {
    const Bytes body = {0x00, 0x00, 0x02, 0x04, 0x03, 0x00, 0x00};
    CertificateRequest12 cr;
    REQ("IMPL-READER-WELLFORMED",
        parse_certificate_request_tls12(ByteView(body.data(), body.size()), cr).error ==
            Error::reader_empty_list);
  }
}

//= spec#IMPL-READER-CAPACITY type=test
TEST_CASE("IMPL-READER-CAPACITY: oversized messages and extension floods are refused early") {
  SECTION("a header announcing more than the buffer fails on the first record") {
    Bytes storage(1024);
    HandshakeAssembler as(storage.data(), storage.size());
    const Bytes rec = record(22, {1, 0x00, 0x10, 0x00, 0x03, 0x03});  // 4096-byte ClientHello
    Record r;
    REQUIRE(read_record(view(rec), r).ok());
    const ReadResult res = as.push(r);
    REQ("IMPL-READER-CAPACITY", res.error == Error::reader_message_too_large);
    REQ("IMPL-READER-CAPACITY", res.field == Field::handshake_length);
  }
  SECTION("a header announcing one byte more than fits fails on the first record") {
    Bytes storage(4 + 100);
    HandshakeAssembler as(storage.data(), storage.size());
    const Bytes rec = record(22, {11, 0x00, 0x00, 101});  // the header alone, body to follow
    Record r;
    REQUIRE(read_record(view(rec), r).ok());
    const ReadResult res = as.push(r);
    REQ("IMPL-READER-CAPACITY", res.error == Error::reader_message_too_large);
    REQ("IMPL-READER-CAPACITY", res.field == Field::handshake_length);
  }
  SECTION("a message that just fits is accepted") {
    Bytes storage(4 + 100);
    HandshakeAssembler as(storage.data(), storage.size());
    const Bytes rec = record(22, handshake(11, Bytes(100, 0)));
    Record r;
    REQUIRE(read_record(view(rec), r).ok());
    REQUIRE(as.push(r).ok());
    HandshakeMessage m;
    REQUIRE(as.next(m).ok());
    REQ("IMPL-READER-CAPACITY", m.body.size == 100);
  }
  SECTION("more records than the buffer holds") {
    Bytes storage(8);
    HandshakeAssembler as(storage.data(), storage.size());
    const Bytes rec = record(22, Bytes(9, 0));
    Record r;
    REQUIRE(read_record(view(rec), r).ok());
    REQ("IMPL-READER-CAPACITY", as.push(r).error == Error::reader_message_too_large);
  }
  SECTION("129 extensions") {
    HelloParts p;
    p.exts.clear();
    for (std::uint16_t t = 0; t < 129; ++t)
      p.exts.push_back({static_cast<std::uint16_t>(0x1000 + t), {}});
    ClientHello ch;
    REQ("IMPL-READER-CAPACITY", parse_ch(p.body(), ch).error == Error::reader_too_many_extensions);
    p.exts.pop_back();
    REQ("IMPL-READER-CAPACITY", parse_ch(p.body(), ch).ok());
    REQ("IMPL-READER-CAPACITY", ch.extension_count == 128);
  }
  SECTION("read_first_message reports need_more on a cut stream and the offset of a bad record") {
    const Bytes stream = load_vector("ch_openssl_default.bin");
    Bytes storage(kHandshakeBufferCapacity);
    HandshakeMessage m;
    std::size_t consumed = 0;
    const Bytes cut(stream.begin(), stream.end() - 1);
    CHECK(read_first_message(view(cut), storage.data(), storage.size(), m, consumed).need_more);
    // ClientHello split over two records, second one with a bad type.
    Bytes two = record(22, Bytes(stream.begin() + 5, stream.begin() + 50));
    const std::size_t first_size = two.size();
    two.push_back(99);
    two.insert(two.end(), {3, 3, 0, 1, 0});
    const ReadResult r = read_first_message(view(two), storage.data(), storage.size(), m, consumed);
    CHECK(r.error == Error::reader_record_type);
    CHECK(r.offset == first_size);
  }
}

TEST_CASE("IMPL-READER-WELLFORMED: every Field has a name") {
  for (int f = 0; f <= static_cast<int>(Field::certificate_authorities); ++f) {
    CHECK(std::string(field_name(static_cast<Field>(f))) != "unknown field");
  }
}
