// Reference model of the Annex O TLS profile, written from the catalogue
// (annex-o-catalogue.md section 3: 3.1 TLS 1.3, 3.2 TLS 1.2, 3.3 forbidden,
// 3.4 NULL suites and decision A1/A23) and NOT from core/cipher_suites.h:
// plain lists of IANA codes. Plus an encoder of ClientHello/ServerHello bytes
// from a plain description, so generated offers are real wire messages.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

namespace annexo::prop::tls_model {

// Encrypting profile suites (catalogue 3.1, 3.2). 0x1305 (CCM_8) is not offered (3.1).
inline const std::vector<std::uint16_t> kProfile13 = {0x1301, 0x1302, 0x1303, 0x1304};
// DHE-RSA-AES-GCM (0x009E/0x009F) is refused (decision RD-29).
inline const std::vector<std::uint16_t> kProfile12 = {0xC02B, 0xC02F, 0xC02C,
                                                      0xC030, 0xCCA9, 0xCCA8};
// NULL-encryption suites usable behind the opt-in (3.4, A23).
inline const std::vector<std::uint16_t> kNull12 = {0xC006, 0xC010, 0x003B};
inline const std::vector<std::uint16_t> kNull13 = {0xC0B4, 0xC0B5};
// TLS 1.2 suites authenticated by an ECDSA certificate; the rest of kProfile12
// and kNull12 need RSA.
inline const std::vector<std::uint16_t> kEcdsa12 = {0xC02B, 0xC02C, 0xCCA9, 0xC006};
// A sample of the always-forbidden families (3.3, 3.4 excluded rows): NULL_WITH_NULL_NULL,
// NULL_MD5, RSA_NULL_SHA, export, RC4, DES, 3DES, anon, ECDH_anon_NULL, PSK (incl. PSK NULL),
// static ECDH NULL, CBC RSA, CCM_8, DHE AEAD (RD-29).
inline const std::vector<std::uint16_t> kForbiddenSample = {
    0x0000, 0x0001, 0x0002, 0x0003, 0x0004, 0x0005, 0x0009, 0x000A, 0x0018, 0x001B, 0x0034, 0x006C,
    0xC015, 0xC016, 0xC017, 0xC018, 0xC019, 0xC007, 0xC011, 0x002C, 0x002D, 0x002E, 0x00B0, 0x00B1,
    0xC039, 0xC03A, 0xC001, 0xC00B, 0x002F, 0x0035, 0x1305, 0x00A8, 0xC0A4, 0x009E, 0x009F};
// The profile's groups (the set the generators draw from).
inline const std::vector<std::uint16_t> kProfileGroups = {0x0017, 0x001D, 0x0018};
// The P-CSCF's default group preference (RD-77): x25519, secp256r1 (the MTI
// group), secp384r1.
inline const std::vector<std::uint16_t> kDefaultGroupPreference = {0x001D, 0x0017, 0x0018};

inline bool in(const std::vector<std::uint16_t>& v, std::uint16_t c) {
  return std::find(v.begin(), v.end(), c) != v.end();
}
inline bool is_grease(std::uint16_t v) {
  return (v & 0x0f0f) == 0x0a0a && (v >> 8) == (v & 0xff);
}
inline bool encrypting(std::uint16_t c) {
  return in(kProfile12, c) || in(kProfile13, c);
}
inline bool null_suite(std::uint16_t c) {
  return in(kNull12, c) || in(kNull13, c);
}
inline bool for13(std::uint16_t c) {
  return in(kProfile13, c) || in(kNull13, c);
}
inline bool for12(std::uint16_t c) {
  return in(kProfile12, c) || in(kNull12, c);
}
// Named group needed: ECDHE suites and every TLS 1.3 suite (DHE: no).
inline bool needs_group(std::uint16_t c) {
  return for13(c) || (for12(c) && c != 0x009E && c != 0x009F && c != 0x003B);
}

// May a P-CSCF with this policy choose c at this version?
inline bool pcscf_permitted(std::uint16_t c, bool tls13, bool allow_null, bool ecdsa_cert) {
  if (tls13) return in(kProfile13, c) || (allow_null && in(kNull13, c));
  if (!(in(kProfile12, c) || (allow_null && in(kNull12, c)))) return false;
  return ecdsa_cert == in(kEcdsa12, c);
}

// ---- wire encoding ----

struct Ext {
  std::uint16_t type;
  std::vector<std::uint8_t> body;
};

struct HelloSpec {
  std::uint16_t legacy_version = 0x0303;
  std::vector<std::uint8_t> session_id;
  std::vector<std::uint16_t> suites;
  std::vector<std::uint8_t> compression = {0};
  std::vector<Ext> extensions;  // in order, as encoded
};

inline void put8(std::vector<std::uint8_t>& o, unsigned v) {
  o.push_back(static_cast<std::uint8_t>(v));
}
inline void put16(std::vector<std::uint8_t>& o, unsigned v) {
  put8(o, (v >> 8) & 0xff);
  put8(o, v & 0xff);
}
inline void put24(std::vector<std::uint8_t>& o, unsigned v) {
  put8(o, (v >> 16) & 0xff);
  put16(o, v & 0xffff);
}

inline std::vector<std::uint8_t> list16(const std::vector<std::uint16_t>& v, int len_bytes) {
  std::vector<std::uint8_t> o;
  if (len_bytes == 1)
    put8(o, static_cast<unsigned>(v.size() * 2));
  else
    put16(o, static_cast<unsigned>(v.size() * 2));
  for (auto x : v) put16(o, x);
  return o;
}

inline Ext ext_supported_versions(const std::vector<std::uint16_t>& v) {
  return {43, list16(v, 1)};
}
inline Ext ext_supported_groups(const std::vector<std::uint16_t>& v) {
  return {10, list16(v, 2)};
}
inline Ext ext_signature_algorithms() {
  return {13, list16({0x0403, 0x0804, 0x0401, 0x0503}, 2)};
}
inline Ext ext_key_share(std::uint16_t group) {
  std::vector<std::uint8_t> entry;
  put16(entry, group);
  put16(entry, 32);
  for (int i = 0; i < 32; ++i) put8(entry, static_cast<unsigned>(i + 1));
  std::vector<std::uint8_t> b;
  put16(b, static_cast<unsigned>(entry.size()));
  b.insert(b.end(), entry.begin(), entry.end());
  return {51, b};
}
inline Ext ext_renegotiation_info(const std::vector<std::uint8_t>& data) {
  std::vector<std::uint8_t> b;
  put8(b, static_cast<unsigned>(data.size()));
  b.insert(b.end(), data.begin(), data.end());
  return {0xff01, b};
}
inline Ext ext_server_name(const std::string& host) {
  std::vector<std::uint8_t> entry;
  put8(entry, 0);
  put16(entry, static_cast<unsigned>(host.size()));
  entry.insert(entry.end(), host.begin(), host.end());
  std::vector<std::uint8_t> b;
  put16(b, static_cast<unsigned>(entry.size()));
  b.insert(b.end(), entry.begin(), entry.end());
  return {0, b};
}

inline std::vector<std::uint8_t> encode_extensions(const std::vector<Ext>& exts) {
  std::vector<std::uint8_t> block;
  for (const auto& e : exts) {
    put16(block, e.type);
    put16(block, static_cast<unsigned>(e.body.size()));
    block.insert(block.end(), e.body.begin(), e.body.end());
  }
  return block;
}

// ClientHello body (without the 4-byte handshake header).
inline std::vector<std::uint8_t> client_hello_body(const HelloSpec& h) {
  std::vector<std::uint8_t> b;
  put16(b, h.legacy_version);
  for (int i = 0; i < 32; ++i) put8(b, static_cast<unsigned>(0xA0 + i));
  put8(b, static_cast<unsigned>(h.session_id.size()));
  b.insert(b.end(), h.session_id.begin(), h.session_id.end());
  const auto s = list16(h.suites, 2);
  b.insert(b.end(), s.begin(), s.end());
  put8(b, static_cast<unsigned>(h.compression.size()));
  b.insert(b.end(), h.compression.begin(), h.compression.end());
  if (!h.extensions.empty()) {
    const auto block = encode_extensions(h.extensions);
    put16(b, static_cast<unsigned>(block.size()));
    b.insert(b.end(), block.begin(), block.end());
  }
  return b;
}

inline std::vector<std::uint8_t> handshake(std::uint8_t type,
                                           const std::vector<std::uint8_t>& body) {
  std::vector<std::uint8_t> m;
  put8(m, type);
  put24(m, static_cast<unsigned>(body.size()));
  m.insert(m.end(), body.begin(), body.end());
  return m;
}

// Splits a handshake byte string into handshake records (type 22) at the
// given cut points (sorted, within (0, size)).
inline std::vector<std::uint8_t> records(const std::vector<std::uint8_t>& hs,
                                         const std::vector<std::size_t>& cuts) {
  std::vector<std::uint8_t> out;
  std::size_t prev = 0;
  auto emit = [&](std::size_t a, std::size_t b) {
    put8(out, 22);
    put16(out, 0x0301);
    put16(out, static_cast<unsigned>(b - a));
    out.insert(out.end(), hs.begin() + static_cast<long>(a), hs.begin() + static_cast<long>(b));
  };
  for (auto c : cuts) {
    emit(prev, c);
    prev = c;
  }
  emit(prev, hs.size());
  return out;
}

}  // namespace annexo::prop::tls_model
