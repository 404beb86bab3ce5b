#include "adapters/probe/pcscf_tls/hello.h"

#include <cstdio>
#include <random>

#include "core/cipher_suites.h"
#include "core/profile.h"

namespace annexo::probe::pcscf_tls {
namespace {

void u8(std::vector<std::uint8_t>& b, unsigned v) {
  b.push_back(static_cast<std::uint8_t>(v & 0xff));
}
void u16(std::vector<std::uint8_t>& b, unsigned v) {
  u8(b, v >> 8);
  u8(b, v);
}
void u24(std::vector<std::uint8_t>& b, unsigned v) {
  u8(b, v >> 16);
  u16(b, v);
}
void bytes(std::vector<std::uint8_t>& b, const std::vector<std::uint8_t>& v) {
  b.insert(b.end(), v.begin(), v.end());
}
void random_bytes(std::vector<std::uint8_t>& b, std::size_t n) {
  static std::random_device rd;
  for (std::size_t i = 0; i < n; ++i) u8(b, rd());
}

void extension(std::vector<std::uint8_t>& b, std::uint16_t type,
               const std::vector<std::uint8_t>& body) {
  u16(b, type);
  u16(b, static_cast<unsigned>(body.size()));
  bytes(b, body);
}

std::vector<std::uint8_t> u16_list(const std::vector<std::uint16_t>& v, bool one_byte_len) {
  std::vector<std::uint8_t> b;
  if (one_byte_len) {
    u8(b, static_cast<unsigned>(2 * v.size()));
  } else {
    u16(b, static_cast<unsigned>(2 * v.size()));
  }
  for (const auto x : v) u16(b, x);
  return b;
}

}  // namespace

std::string hex16(std::uint16_t v) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%04X", v);
  return buf;
}

std::vector<std::uint16_t> profile_tls12_suites() {
  core::UeTlsConfig config;
  config.enable_tls13 = false;
  core::Offer offer;
  std::vector<std::uint16_t> v;
  if (core::build_offer(config, offer) != core::Error::ok) return v;
  for (std::size_t i = 0; i < offer.suite_count; ++i) v.push_back(offer.suites[i]);
  return v;
}

std::vector<std::uint16_t> null_tls12_suites() {
  core::UeTlsConfig config;
  config.enable_tls13 = false;
  config.offer_null_encryption = true;
  core::Offer offer;
  std::vector<std::uint16_t> v;
  if (core::build_offer(config, offer) != core::Error::ok) return v;
  for (std::size_t i = 0; i < offer.suite_count; ++i) {
    if (!core::suite_encrypts(offer.suites[i])) v.push_back(offer.suites[i]);
  }
  return v;
}

std::vector<std::uint8_t> build_client_hello(const Hello_Spec& spec) {
  std::vector<std::uint8_t> body;
  u16(body, spec.client_version);
  random_bytes(body, 32);
  u8(body, 0);  // empty session_id
  u16(body, static_cast<unsigned>(2 * spec.suites.size()));
  for (const auto s : spec.suites) u16(body, s);
  u8(body, static_cast<unsigned>(spec.compression.size()));
  bytes(body, spec.compression);
  if (spec.extensions) {
    std::vector<std::uint8_t> ext;
    if (!spec.sni.empty()) {
      std::vector<std::uint8_t> sni;
      u16(sni, static_cast<unsigned>(spec.sni.size() + 3));
      u8(sni, 0);  // host_name
      u16(sni, static_cast<unsigned>(spec.sni.size()));
      sni.insert(sni.end(), spec.sni.begin(), spec.sni.end());
      extension(ext, core::tls::ext::server_name, sni);
    }
    if (spec.groups) {
      extension(ext, core::tls::ext::supported_groups,
                u16_list({core::tls::group::x25519, core::tls::group::secp256r1,
                          core::tls::group::secp384r1},
                         false));
    }
    if (spec.point_formats) extension(ext, core::tls::ext::ec_point_formats, {1, 0});
    if (spec.signature_algorithms) {
      std::vector<std::uint16_t> schemes(std::begin(core::kDefaultSignatureSchemes),
                                         std::end(core::kDefaultSignatureSchemes));
      extension(ext, core::tls::ext::signature_algorithms, u16_list(schemes, false));
    }
    if (spec.extended_master_secret) extension(ext, core::tls::ext::extended_master_secret, {});
    if (!spec.supported_versions.empty()) {
      extension(ext, core::tls::ext::supported_versions, u16_list(spec.supported_versions, true));
    }
    if (spec.renegotiation_info) extension(ext, core::tls::ext::renegotiation_info, {0});
    u16(body, static_cast<unsigned>(ext.size()));
    bytes(body, ext);
  }
  std::vector<std::uint8_t> hs;
  u8(hs, 1);  // client_hello
  u24(hs, static_cast<unsigned>(body.size()));
  bytes(hs, body);
  std::vector<std::uint8_t> rec;
  u8(rec, 22);
  u16(rec, spec.record_version);
  u16(rec, static_cast<unsigned>(hs.size()));
  bytes(rec, hs);
  return rec;
}

std::vector<std::uint8_t> build_sslv2_client_hello(std::uint16_t version,
                                                   const std::vector<std::uint32_t>& specs) {
  std::vector<std::uint8_t> msg;
  u8(msg, 1);  // CLIENT-HELLO
  u16(msg, version);
  u16(msg, static_cast<unsigned>(3 * specs.size()));
  u16(msg, 0);   // session id length
  u16(msg, 16);  // challenge length
  for (const auto s : specs) u24(msg, s);
  random_bytes(msg, 16);
  std::vector<std::uint8_t> rec;
  u16(rec, 0x8000u | static_cast<unsigned>(msg.size()));
  bytes(rec, msg);
  return rec;
}

}  // namespace annexo::probe::pcscf_tls
