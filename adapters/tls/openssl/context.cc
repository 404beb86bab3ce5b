#include "adapters/tls/openssl/context.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/obj_mac.h>
#include <openssl/pem.h>
#include <openssl/x509_vfy.h>

#include <algorithm>
#include <iomanip>
#include <iterator>
#include <sstream>

#include "adapters/tls/signature_schemes.h"
#include "core/cipher_suites.h"
#include "core/tls_constants.h"

namespace annexo::tls::openssl {

namespace {

struct Group_Row {
  std::uint16_t iana;
  const char* name;
  int nid;
};
// IANA NamedGroup -> OpenSSL 3.0 group name and NID (names only; policy is the core's).
constexpr Group_Row kGroups[] = {
    {core::tls::group::secp256r1, "P-256", NID_X9_62_prime256v1},
    {core::tls::group::secp384r1, "P-384", NID_secp384r1},
    {core::tls::group::secp521r1, "P-521", NID_secp521r1},
    {core::tls::group::x25519, "X25519", NID_X25519},
    {core::tls::group::x448, "X448", NID_X448},
    {core::tls::group::ffdhe2048, "ffdhe2048", NID_ffdhe2048},
    {core::tls::group::ffdhe3072, "ffdhe3072", NID_ffdhe3072},
};

struct Sigalg_Row {
  std::uint16_t iana;
  const char* name;  // RFC 8446 name, which OpenSSL 3.0's sigalgs parser accepts
};
constexpr Sigalg_Row kSigalgs[] = {
    {core::tls::sig::rsa_pkcs1_sha1, "rsa_pkcs1_sha1"},
    {core::tls::sig::ecdsa_sha1, "ecdsa_sha1"},
    {core::tls::sig::rsa_pkcs1_sha256, "rsa_pkcs1_sha256"},
    {core::tls::sig::ecdsa_secp256r1_sha256, "ecdsa_secp256r1_sha256"},
    {core::tls::sig::rsa_pkcs1_sha384, "rsa_pkcs1_sha384"},
    {core::tls::sig::ecdsa_secp384r1_sha384, "ecdsa_secp384r1_sha384"},
    {core::tls::sig::rsa_pkcs1_sha512, "rsa_pkcs1_sha512"},
    {core::tls::sig::ecdsa_secp521r1_sha512, "ecdsa_secp521r1_sha512"},
    {core::tls::sig::rsa_pss_rsae_sha256, "rsa_pss_rsae_sha256"},
    {core::tls::sig::rsa_pss_rsae_sha384, "rsa_pss_rsae_sha384"},
    {core::tls::sig::rsa_pss_rsae_sha512, "rsa_pss_rsae_sha512"},
    {core::tls::sig::ed25519, "ed25519"},
};

std::string hex4(std::uint16_t c) {
  std::ostringstream o;
  o << "0x" << std::hex << std::uppercase << std::setw(4) << std::setfill('0') << c;
  return o.str();
}

std::string openssl_errors() {
  std::string out;
  unsigned long e;
  while ((e = ERR_get_error()) != 0) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof(buf));
    if (!out.empty()) out += "; ";
    out += buf;
  }
  return out;
}

// One SSL_CTX/SSL pair used only to look names up in OpenSSL's own table.
struct Lookup {
  SSL_CTX* ctx = SSL_CTX_new(TLS_method());
  SSL* ssl = ctx ? SSL_new(ctx) : nullptr;
  ~Lookup() {
    SSL_free(ssl);
    SSL_CTX_free(ctx);
  }
};

const SSL_CIPHER* find_cipher(std::uint16_t iana) {
  static Lookup lookup;
  if (lookup.ssl == nullptr) return nullptr;
  const unsigned char bytes[2] = {static_cast<unsigned char>(iana >> 8),
                                  static_cast<unsigned char>(iana & 0xff)};
  return SSL_CIPHER_find(lookup.ssl, bytes);
}

bool is_tls13_suite(std::uint16_t code) {
  return (core::suite_info(code).versions & core::kForTls13) != 0;
}

std::string join(const std::vector<std::string>& names) {
  std::string s;
  for (const auto& n : names) {
    if (!s.empty()) s += ":";
    s += n;
  }
  return s;
}

std::vector<std::uint16_t> list_or(const core::CodeList& list, const std::uint16_t* def,
                                   std::size_t n) {
  if (list.count == 0) return std::vector<std::uint16_t>(def, def + n);
  return std::vector<std::uint16_t>(list.codes, list.codes + list.count);
}

// Splits `order` (already filtered by the core) into the two OpenSSL lists.
void set_suites(Built_Context& b, const std::vector<std::uint16_t>& chosen) {
  for (std::uint16_t code : b.core_order) {
    if (find_cipher(code) == nullptr) b.not_runnable.push_back(code);
  }
  std::vector<std::string> n12, n13;
  for (std::uint16_t code : chosen) {
    const SSL_CIPHER* c = find_cipher(code);
    if (c == nullptr) continue;  // listed in not_runnable
    if (is_tls13_suite(code)) {
      b.tls13_suites.push_back(code);
      n13.push_back(SSL_CIPHER_get_name(c));
    } else {
      b.tls12_suites.push_back(code);
      n12.push_back(SSL_CIPHER_get_name(c));
    }
  }
  b.cipher_list = join(n12);
  b.ciphersuites = join(n13);
}

// Security level 0 leaves every list to the core. The core's profile has no
// finite-field DHE suite (RD-29), so no DH group is ever negotiated; should a
// table change bring one back, this callback keeps the floor OpenSSL's level
// would have given: 2048-bit groups (112 security bits, Botan's
// minimum_dh_group_size). Every other question (suites, curves, signature
// schemes, certificate keys and hashes) goes to the lists and to the core's
// certificate policy.
int security_cb(const SSL* /*ssl*/, const SSL_CTX* /*ctx*/, int op, int bits, int /*nid*/,
                void* /*other*/, void* /*ex*/) {
  if ((op & ~SSL_SECOP_PEER) == SSL_SECOP_TMP_DH) return bits >= kMinDhSecurityBits ? 1 : 0;
  return 1;
}

bool apply_common(Built_Context& b, bool tls12, bool tls13, bool renegotiation_used) {
  SSL_CTX* ctx = b.ctx.get();
  SSL_CTX_set_security_level(ctx, 0);
  SSL_CTX_set_security_callback(ctx, &security_cb);
  //= spec#33210-6.2.1-NO-LEGACY-VERSIONS type=implementation
  const int min =
      tls12 && core::version_in_profile(core::tls::kTls12) ? TLS1_2_VERSION : TLS1_3_VERSION;
  const int max =
      tls13 && core::version_in_profile(core::tls::kTls13) ? TLS1_3_VERSION : TLS1_2_VERSION;
  if (!SSL_CTX_set_min_proto_version(ctx, min) || !SSL_CTX_set_max_proto_version(ctx, max)) {
    b.error = "protocol version range: " + openssl_errors();
    return false;
  }
  // TLS 1.2 list: an empty list would leave OpenSSL's default in place, so
  // a disabled TLS 1.2 gets the one name that matches nothing.
  if (!SSL_CTX_set_cipher_list(ctx, b.cipher_list.empty() ? "-ALL" : b.cipher_list.c_str()) &&
      !b.cipher_list.empty()) {
    b.error = "cipher list '" + b.cipher_list + "': " + openssl_errors();
    return false;
  }
  ERR_clear_error();
  if (!SSL_CTX_set_ciphersuites(ctx, b.ciphersuites.c_str())) {
    b.error = "ciphersuites '" + b.ciphersuites + "': " + openssl_errors();
    return false;
  }
  if (!SSL_CTX_set1_groups_list(ctx, b.groups_list.c_str())) {
    b.error = "groups '" + b.groups_list + "': " + openssl_errors();
    return false;
  }
  if (!SSL_CTX_set1_sigalgs_list(ctx, b.sigalgs_list.c_str())) {
    b.error = "signature schemes '" + b.sigalgs_list + "': " + openssl_errors();
    return false;
  }
  // 33210-6.2.1: no compression. RFC 5746 on both sides, no legacy peers.
  //= spec#RFC5746-SECURE-RENEG type=implementation
  SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_TICKET);
  SSL_CTX_clear_options(ctx, SSL_OP_LEGACY_SERVER_CONNECT |
                                 SSL_OP_ALLOW_UNSAFE_LEGACY_RENEGOTIATION |
                                 SSL_OP_ALLOW_CLIENT_RENEGOTIATION);
  if (!renegotiation_used) SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION);
  // No 0-RTT on either side (RD-41, RD-118, 33210-6.2.2-NO-0RTT): nothing is
  // ever accepted (max_early_data 0; the endpoint never calls
  // SSL_read_early_data / SSL_write_early_data). A client that tries anyway,
  // with a ticket from some other server, gets a full 1-RTT handshake and
  // its early records are skipped unread (RFC 8446 4.2.10), up to one
  // record's worth; more is a fatal unexpected_message.
  //= spec#33210-6.2.2-NO-0RTT type=implementation
  SSL_CTX_set_max_early_data(ctx, 0);
  SSL_CTX_set_recv_max_early_data(ctx, SSL3_RT_MAX_PLAIN_LENGTH);
  // No tickets: TLS 1.3 sends no NewSessionTicket (RD-119).
  SSL_CTX_set_num_tickets(ctx, 0);
  return true;
}

// The signature schemes OpenSSL can name, in the stack-neutral order
// (signature_schemes(own): the core's table, `own` first when non-zero).
void set_sigalgs(Built_Context& b, std::uint16_t own) {
  std::vector<std::string> sn;
  b.signature_schemes.clear();
  for (std::uint16_t s : signature_schemes(own)) {
    if (const char* n = sigalg_name(s)) {
      b.signature_schemes.push_back(s);
      sn.push_back(n);
    }
  }
  b.sigalgs_list = join(sn);
}

void set_groups_and_sigalgs(Built_Context& b, const std::vector<std::uint16_t>& groups) {
  std::vector<std::string> gn;
  for (std::uint16_t g : groups) {
    if (const char* n = group_name(g)) {
      b.groups.push_back(g);
      gn.push_back(n);
    }
  }
  b.groups_list = join(gn);
  set_sigalgs(b, 0);
}

struct Bio_Free {
  void operator()(BIO* b) const { BIO_free(b); }
};
using Bio_Ptr = std::unique_ptr<BIO, Bio_Free>;

Bio_Ptr mem_bio(const std::string& text) {
  return Bio_Ptr(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
}

}  // namespace

const char* group_name(std::uint16_t iana) {
  for (const auto& r : kGroups) {
    if (r.iana == iana) return r.name;
  }
  return nullptr;
}

std::uint16_t group_from_nid(int nid) {
  for (const auto& r : kGroups) {
    if (r.nid == nid) return r.iana;
  }
  return 0;
}

int group_nid(std::uint16_t iana) {
  for (const auto& r : kGroups) {
    if (r.iana == iana) return r.nid;
  }
  return 0;
}

const char* sigalg_name(std::uint16_t iana) {
  for (const auto& r : kSigalgs) {
    if (r.iana == iana) return r.name;
  }
  return nullptr;
}

const char* suite_name(std::uint16_t iana) {
  const SSL_CIPHER* c = find_cipher(iana);
  return c ? SSL_CIPHER_get_name(c) : nullptr;
}

Built_Context make_pcscf_context(const core::PcscfTlsConfig& config, const std::string& chain_pem,
                                 const std::string& key_pem) {
  Built_Context b;
  b.side = "pcscf";
  b.ctx.reset(SSL_CTX_new(TLS_server_method()));
  if (!b.ctx) {
    b.error = "SSL_CTX_new: " + openssl_errors();
    return b;
  }
  b.core_order = list_or(config.suite_preference, core::kDefaultSuiteOrder,
                         std::size(core::kDefaultSuiteOrder));
  // O.1.2: the P-CSCF chooses by its own preference among what the core lets
  // it choose at each version.
  //= spec#O.1.2-PC-DECIDES-SUITE type=implementation
  //= spec#O.2.1-ALL-SUITE-RULES-ALL-VERSIONS type=implementation
  std::vector<std::uint16_t> chosen;
  for (std::uint16_t code : b.core_order) {
    if (core::pcscf_may_choose(code, core::tls::kTls12, config) ||
        core::pcscf_may_choose(code, core::tls::kTls13, config))
      chosen.push_back(code);
  }
  set_suites(b, chosen);
  set_groups_and_sigalgs(b, list_or(config.group_preference, core::kDefaultGroupOrder,
                                    std::size(core::kDefaultGroupOrder)));
  if (!apply_common(b, config.enable_tls12, config.enable_tls13, config.renegotiation_used))
    return b;
  SSL_CTX* ctx = b.ctx.get();
  SSL_CTX_set_options(ctx, SSL_OP_CIPHER_SERVER_PREFERENCE);
  // RD-172: an idle connection keeps no record buffers (a registered UE is
  // idle most of the time; 1 000s of connections per P-CSCF).
  SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
  // O.2.1-PC-NO-CLIENT-CERT-REQ: never a CertificateRequest (RD-06).
  //= spec#O.2.1-PC-NO-CLIENT-CERT-REQ type=implementation
  SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, nullptr);
  // A server-side cache mode keeps the Session ID in the TLS 1.2 ServerHello
  // (OpenSSL sends an empty one with the cache off); without the internal
  // store and lookup nothing is ever resumed (RD-119).
  //= spec#O.2.1-PC-NONEMPTY-SESSION-ID type=implementation
  SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_SERVER | SSL_SESS_CACHE_NO_INTERNAL);
  static const unsigned char kSidCtx[] = "annexo-pcscf";
  SSL_CTX_set_session_id_context(ctx, kSidCtx, sizeof(kSidCtx) - 1);

  Bio_Ptr cb = mem_bio(chain_pem);
  X509* leaf = PEM_read_bio_X509(cb.get(), nullptr, nullptr, nullptr);
  if (leaf == nullptr || SSL_CTX_use_certificate(ctx, leaf) != 1) {
    X509_free(leaf);
    b.error = "certificate: " + openssl_errors();
    return b;
  }
  X509_free(leaf);
  while (X509* extra = PEM_read_bio_X509(cb.get(), nullptr, nullptr, nullptr)) {
    if (SSL_CTX_add0_chain_cert(ctx, extra) != 1) {
      X509_free(extra);
      b.error = "chain certificate: " + openssl_errors();
      return b;
    }
  }
  ERR_clear_error();  // the loop above ends on "no start line"
  Bio_Ptr kb = mem_bio(key_pem);
  EVP_PKEY* key = PEM_read_bio_PrivateKey(kb.get(), nullptr, nullptr, nullptr);
  if (key == nullptr || SSL_CTX_use_PrivateKey(ctx, key) != 1 ||
      SSL_CTX_check_private_key(ctx) != 1) {
    EVP_PKEY_free(key);
    b.error = "private key: " + openssl_errors();
    return b;
  }
  // RD-171: with an ECDSA key, the core's signature scheme list with the
  // scheme of the key's own curve first, so that TLS 1.2 (where OpenSSL
  // takes the first shared scheme of the server's list and ECDSA schemes are
  // not bound to a curve) signs with the hash TLS 1.3 would use: SHA-384 on
  // P-384, as the Botan stack does. The list itself is unchanged.
  char curve[64] = {0};
  std::size_t curve_len = 0;
  if (EVP_PKEY_is_a(key, "EC") &&
      EVP_PKEY_get_utf8_string_param(key, "group", curve, sizeof(curve), &curve_len) == 1) {
    const std::string c(curve, curve_len);
    const std::uint16_t own =
        ecdsa_scheme_of_group(c == "secp384r1"    ? core::tls::group::secp384r1
                              : c == "prime256v1" ? core::tls::group::secp256r1
                                                  : 0);
    const auto it = std::find(b.signature_schemes.begin(), b.signature_schemes.end(), own);
    if (own != 0 && it != b.signature_schemes.end() && it != b.signature_schemes.begin()) {
      set_sigalgs(b, own);
      if (!SSL_CTX_set1_sigalgs_list(ctx, b.sigalgs_list.c_str())) {
        EVP_PKEY_free(key);
        b.error = "signature schemes '" + b.sigalgs_list + "': " + openssl_errors();
        return b;
      }
    }
  }
  EVP_PKEY_free(key);
  return b;
}

Built_Context make_ue_context(const core::UeTlsConfig& config, const core::Offer& offer,
                              const std::string& anchors_pem,
                              const std::vector<std::string>& crl_pems) {
  Built_Context b;
  b.side = "ue";
  b.ctx.reset(SSL_CTX_new(TLS_client_method()));
  if (!b.ctx) {
    b.error = "SSL_CTX_new: " + openssl_errors();
    return b;
  }
  // The UE offers what core::build_offer built, in its order.
  //= spec#O.2.1-UE-NONNULL-OFFER type=implementation
  //= spec#O.1.2-UE-ALWAYS-OFFER-SUITES type=implementation
  b.core_order.assign(offer.suites, offer.suites + offer.suite_count);
  set_suites(b, b.core_order);
  set_groups_and_sigalgs(b, std::vector<std::uint16_t>(std::begin(core::kDefaultGroupOrder),
                                                       std::end(core::kDefaultGroupOrder)));
  if (!apply_common(b, config.enable_tls12 && offer.tls12, config.enable_tls13 && offer.tls13,
                    config.renegotiation_used))
    return b;
  SSL_CTX* ctx = b.ctx.get();
  // The client never resumes (RD-119): no cache, so nothing to offer.
  SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
  X509_STORE* store = SSL_CTX_get_cert_store(ctx);
  Bio_Ptr ab = mem_bio(anchors_pem);
  int anchors = 0;
  while (X509* a = PEM_read_bio_X509(ab.get(), nullptr, nullptr, nullptr)) {
    X509_STORE_add_cert(store, a);
    X509_free(a);
    ++anchors;
  }
  ERR_clear_error();
  if (anchors == 0) {
    b.error = "no trust anchor in the CA PEM";
    return b;
  }
  int crls = 0;
  for (const auto& pem : crl_pems) {
    Bio_Ptr crlb = mem_bio(pem);
    while (X509_CRL* c = PEM_read_bio_X509_CRL(crlb.get(), nullptr, nullptr, nullptr)) {
      X509_STORE_add_crl(store, c);
      X509_CRL_free(c);
      ++crls;
    }
    ERR_clear_error();
  }
  if (crls > 0) X509_STORE_set_flags(store, X509_V_FLAG_CRL_CHECK | X509_V_FLAG_CRL_CHECK_ALL);
  // The verdict is the core's: the endpoint installs the cert_verify_callback
  // (O.2.1-UE-AUTH-PC-BY-CERT); no SSL_set1_host, so OpenSSL's hostname
  // check never runs (RFC 6125 matching without wildcards is the core's).
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
  return b;
}

std::string describe_context(const Built_Context& b) {
  std::ostringstream o;
  const auto yes = [](bool v) { return v ? "true" : "false"; };
  o << "# annexo effective TLS configuration: " << b.side << " (OpenSSL 3.0 adapter)\n";
  o << "side = " << b.side << "\n";
  if (!b.ok()) {
    o << "error = " << b.error << "\n";
    return o.str();
  }
  SSL_CTX* ctx = b.ctx.get();
  const auto vname = [](long v) -> std::string {
    switch (v) {
      case TLS1_2_VERSION:
        return "TLS 1.2";
      case TLS1_3_VERSION:
        return "TLS 1.3";
      case 0:
        return "library default";
      default:
        return hex4(static_cast<std::uint16_t>(v));
    }
  };
  o << "min_proto_version = " << vname(SSL_CTX_get_min_proto_version(ctx)) << "\n";
  o << "max_proto_version = " << vname(SSL_CTX_get_max_proto_version(ctx)) << "\n";
  o << "core_order =";
  for (auto c : b.core_order) o << " " << hex4(c);
  o << "\n";
  o << "core_order_not_runnable_in_openssl =";
  for (auto c : b.not_runnable) o << " " << hex4(c);
  o << "\n";
  o << "cipher_list = " << b.cipher_list << "\n";
  o << "ciphersuites = " << b.ciphersuites << "\n";
  // What an SSL made from this context will actually offer / accept, in
  // order (version range and security level applied by OpenSSL).
  SSL* ssl = SSL_new(ctx);
  STACK_OF(SSL_CIPHER)* eff = ssl ? SSL_get1_supported_ciphers(ssl) : nullptr;
  o << "effective_suites =";
  for (int i = 0; eff != nullptr && i < sk_SSL_CIPHER_num(eff); ++i) {
    o << " " << hex4(SSL_CIPHER_get_protocol_id(sk_SSL_CIPHER_value(eff, i)));
  }
  o << "\n";
  for (int i = 0; eff != nullptr && i < sk_SSL_CIPHER_num(eff); ++i) {
    const SSL_CIPHER* c = sk_SSL_CIPHER_value(eff, i);
    o << "  " << hex4(SSL_CIPHER_get_protocol_id(c)) << " " << SSL_CIPHER_get_name(c) << " "
      << SSL_CIPHER_standard_name(c) << "\n";
  }
  sk_SSL_CIPHER_free(eff);
  SSL_free(ssl);
  o << "groups =";
  for (auto g : b.groups) o << " " << hex4(g);
  o << " (" << b.groups_list << ")\n";
  o << "signature_schemes =";
  for (auto s : b.signature_schemes) o << " " << hex4(s);
  o << "\n  " << b.sigalgs_list << "\n";
  const std::uint64_t opts = SSL_CTX_get_options(ctx);
  o << "no_compression = " << yes(opts & SSL_OP_NO_COMPRESSION) << "\n";
  o << "no_ticket = " << yes(opts & SSL_OP_NO_TICKET) << "\n";
  o << "num_tickets = " << SSL_CTX_get_num_tickets(ctx) << "\n";
  o << "max_early_data = " << SSL_CTX_get_max_early_data(ctx) << "\n";
  o << "recv_max_early_data = " << SSL_CTX_get_recv_max_early_data(ctx) << "\n";
  o << "allow_client_renegotiation = " << yes(opts & SSL_OP_ALLOW_CLIENT_RENEGOTIATION) << "\n";
  o << "no_renegotiation = " << yes(opts & SSL_OP_NO_RENEGOTIATION) << "\n";
  o << "allow_unsafe_legacy_renegotiation = "
    << yes(opts & SSL_OP_ALLOW_UNSAFE_LEGACY_RENEGOTIATION) << "\n";
  o << "legacy_server_connect = " << yes(opts & SSL_OP_LEGACY_SERVER_CONNECT) << "\n";
  o << "server_cipher_preference = " << yes(opts & SSL_OP_CIPHER_SERVER_PREFERENCE) << "\n";
  const int vm = SSL_CTX_get_verify_mode(ctx);
  o << "verify_peer = " << yes(vm & SSL_VERIFY_PEER) << "\n";
  o << "verify_fail_if_no_peer_cert = " << yes(vm & SSL_VERIFY_FAIL_IF_NO_PEER_CERT) << "\n";
  o << "verify_post_handshake = " << yes(vm & SSL_VERIFY_POST_HANDSHAKE) << "\n";
  o << "session_cache_mode = "
    << hex4(static_cast<std::uint16_t>(SSL_CTX_get_session_cache_mode(ctx))) << "\n";
  o << "security_level = " << SSL_CTX_get_security_level(ctx) << "\n";
  const auto cb = SSL_CTX_get_security_callback(ctx);
  const bool dh_floor = cb != nullptr &&
                        cb(nullptr, ctx, SSL_SECOP_PEER | SSL_SECOP_TMP_DH, kMinDhSecurityBits - 1,
                           0, nullptr, nullptr) == 0 &&
                        cb(nullptr, ctx, SSL_SECOP_PEER | SSL_SECOP_TMP_DH, kMinDhSecurityBits, 0,
                           nullptr, nullptr) == 1;
  o << "min_dh_security_bits = " << (dh_floor ? kMinDhSecurityBits : 0) << "\n";
  return o.str();
}

}  // namespace annexo::tls::openssl
