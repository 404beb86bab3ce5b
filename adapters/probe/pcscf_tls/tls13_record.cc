#include "adapters/probe/pcscf_tls/tls13_record.h"

#include <openssl/evp.h>
#include <openssl/kdf.h>

#include <memory>

namespace annexo::probe::pcscf_tls {
namespace {

// HKDF-Expand-Label(secret, label, "", length) (RFC 8446 7.1).
bool expand_label(const EVP_MD* md, const std::vector<std::uint8_t>& secret,
                  const std::string& label, std::size_t length, std::vector<std::uint8_t>& out) {
  const std::string full = "tls13 " + label;
  std::vector<std::uint8_t> info = {static_cast<std::uint8_t>(length >> 8),
                                    static_cast<std::uint8_t>(length & 0xff),
                                    static_cast<std::uint8_t>(full.size())};
  info.insert(info.end(), full.begin(), full.end());
  info.push_back(0);  // empty context
  std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> ctx(
      EVP_PKEY_CTX_new_id(EVP_PKEY_HKDF, nullptr), EVP_PKEY_CTX_free);
  out.assign(length, 0);
  std::size_t n = length;
  return ctx && EVP_PKEY_derive_init(ctx.get()) == 1 &&
         EVP_PKEY_CTX_set_hkdf_mode(ctx.get(), EVP_PKEY_HKDEF_MODE_EXPAND_ONLY) == 1 &&
         EVP_PKEY_CTX_set_hkdf_md(ctx.get(), md) == 1 &&
         EVP_PKEY_CTX_set1_hkdf_key(ctx.get(), secret.data(), static_cast<int>(secret.size())) ==
             1 &&
         EVP_PKEY_CTX_add1_hkdf_info(ctx.get(), info.data(), static_cast<int>(info.size())) == 1 &&
         EVP_PKEY_derive(ctx.get(), out.data(), &n) == 1 && n == length;
}

}  // namespace

std::vector<std::uint8_t> from_hex(const std::string& hex) {
  std::vector<std::uint8_t> out;
  if (hex.size() % 2 != 0) return out;
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    const auto nib = [](char c) {
      return c >= '0' && c <= '9'   ? c - '0'
             : c >= 'a' && c <= 'f' ? c - 'a' + 10
             : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                    : -1;
    };
    const int hi = nib(hex[i]), lo = nib(hex[i + 1]);
    if (hi < 0 || lo < 0) return {};
    out.push_back(static_cast<std::uint8_t>(hi << 4 | lo));
  }
  return out;
}

std::vector<std::uint8_t> protect_tls13_record(std::uint16_t suite,
                                               const std::vector<std::uint8_t>& secret,
                                               std::uint64_t seq, std::uint8_t type,
                                               const std::vector<std::uint8_t>& content,
                                               std::string& error) {
  const EVP_MD* md = suite == 0x1302 ? EVP_sha384() : EVP_sha256();
  const EVP_CIPHER* cipher = suite == 0x1301   ? EVP_aes_128_gcm()
                             : suite == 0x1302 ? EVP_aes_256_gcm()
                             : suite == 0x1303 ? EVP_chacha20_poly1305()
                                               : nullptr;
  if (cipher == nullptr) {
    error = "the probe cannot protect records of suite " + std::to_string(suite);
    return {};
  }
  std::vector<std::uint8_t> key, iv;
  if (!expand_label(md, secret, "key", static_cast<std::size_t>(EVP_CIPHER_key_length(cipher)),
                    key) ||
      !expand_label(md, secret, "iv", 12, iv)) {
    error = "HKDF-Expand-Label failed";
    return {};
  }
  for (int i = 0; i < 8; ++i) iv[11 - i] ^= static_cast<std::uint8_t>(seq >> (8 * i));
  std::vector<std::uint8_t> inner = content;
  inner.push_back(type);  // TLSInnerPlaintext, no padding
  const std::size_t length = inner.size() + 16;
  std::vector<std::uint8_t> rec = {23, 0x03, 0x03, static_cast<std::uint8_t>(length >> 8),
                                   static_cast<std::uint8_t>(length & 0xff)};
  std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)> c(EVP_CIPHER_CTX_new(),
                                                                    EVP_CIPHER_CTX_free);
  std::vector<std::uint8_t> out(inner.size() + 16);
  int n = 0, m = 0;
  if (!c || EVP_EncryptInit_ex(c.get(), cipher, nullptr, nullptr, nullptr) != 1 ||
      EVP_CIPHER_CTX_ctrl(c.get(), EVP_CTRL_AEAD_SET_IVLEN, 12, nullptr) != 1 ||
      EVP_EncryptInit_ex(c.get(), nullptr, nullptr, key.data(), iv.data()) != 1 ||
      EVP_EncryptUpdate(c.get(), nullptr, &n, rec.data(), 5) != 1 ||
      EVP_EncryptUpdate(c.get(), out.data(), &n, inner.data(), static_cast<int>(inner.size())) !=
          1 ||
      EVP_EncryptFinal_ex(c.get(), out.data() + n, &m) != 1 ||
      EVP_CIPHER_CTX_ctrl(c.get(), EVP_CTRL_AEAD_GET_TAG, 16, out.data() + inner.size()) != 1) {
    error = "record encryption failed";
    return {};
  }
  rec.insert(rec.end(), out.begin(), out.end());
  return rec;
}

}  // namespace annexo::probe::pcscf_tls
