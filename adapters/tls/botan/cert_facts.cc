#include "adapters/tls/botan/cert_facts.h"

#include <botan/ecc_key.h>
#include <botan/oids.h>
#include <botan/pk_keys.h>
#include <botan/x509path.h>

#include <memory>
#include <set>

namespace annexo::tls {

namespace {

Sig_Hash hash_from_name(const std::string& name) {
  // Botan 2 names: "RSA/EMSA3(SHA-256)", "ECDSA/EMSA1(SHA-384)", "RSA/EMSA3(SHA-160)"
  // (SHA-160 is Botan's name for SHA-1), "RSA/EMSA3(MD5)"; RSA-PSS carries its
  // hash in the parameters and is reported as `other` unless named.
  const auto open = name.find('(');
  const auto close = name.rfind(')');
  if (open == std::string::npos || close == std::string::npos || close <= open) {
    return Sig_Hash::other;
  }
  const std::string h = name.substr(open + 1, close - open - 1);
  if (h == "MD5") return Sig_Hash::md5;
  if (h == "SHA-160" || h == "SHA-1") return Sig_Hash::sha1;
  if (h == "SHA-224") return Sig_Hash::sha224;
  if (h == "SHA-256") return Sig_Hash::sha256;
  if (h == "SHA-384") return Sig_Hash::sha384;
  if (h == "SHA-512") return Sig_Hash::sha512;
  return Sig_Hash::other;
}

Curve curve_from_oid(const Botan::OID& oid) {
  const std::string n = Botan::OIDS::oid2str_or_empty(oid);
  if (n == "secp256r1") return Curve::secp256r1;
  if (n == "secp384r1") return Curve::secp384r1;
  if (n == "secp521r1") return Curve::secp521r1;
  return Curve::other;
}

bool same_extensions(const Botan::X509_Certificate& a, const Botan::X509_Certificate& b) {
  return a.v3_extensions().extensions_raw() == b.v3_extensions().extensions_raw();
}

}  // namespace

Cert_Info describe_certificate(const Botan::X509_Certificate& cert) {
  Cert_Info c;
  c.common_names = cert.subject_dn().get_attribute("X520.CommonName");
  c.dns_names = cert.subject_alt_name().get_attribute("DNS");
  c.x509_version = cert.x509_version();
  c.sig_algorithm = Botan::OIDS::oid2str_or_empty(cert.signature_algorithm().get_oid());
  c.sig_hash = hash_from_name(c.sig_algorithm);
  c.self_signed = cert.is_self_signed();
  c.has_crl_distribution_point = !cert.crl_distribution_point().empty();
  try {
    std::unique_ptr<Botan::Public_Key> key = cert.load_subject_public_key();
    const std::string alg = key->algo_name();
    c.key_bits = key->key_length();
    if (alg == "RSA") {
      c.key_alg = Key_Alg::rsa;
    } else if (alg == "ECDSA") {
      c.key_alg = Key_Alg::ecdsa;
      if (const auto* ec = dynamic_cast<const Botan::EC_PublicKey*>(key.get())) {
        c.curve = curve_from_oid(ec->domain().get_curve_oid());
      } else {
        c.curve = Curve::other;
      }
    }
  } catch (const std::exception&) {
    // An unparsable key stays Key_Alg::other with 0 bits: the core refuses it.
  }
  return c;
}

Chain_Facts collect_chain_facts(const std::vector<Botan::X509_Certificate>& chain,
                                const std::vector<Botan::Certificate_Store*>& trusted,
                                Botan::Usage_Type usage,
                                std::chrono::system_clock::time_point validation_time) {
  Chain_Facts f;
  for (const auto& cert : chain) f.chain.push_back(describe_certificate(cert));
  if (chain.empty()) {
    f.path_valid = false;
    f.path_status = Botan::Certificate_Status_Code::CERT_ISSUER_NOT_FOUND;
    f.path_status_text = "no certificate";
    return f;
  }

  // Restrictions: Botan itself requires no revocation information (O.5.1: a
  // CRL distribution point is not mandatory; there is no OCSP here). CRLs the
  // UE was given (--crl) sit in the trusted store and are checked by Botan;
  // whether every certificate needs one is the core's rule (RD-83). A key
  // strength floor of 80 and every hash Botan can verify are accepted here, so
  // that a SHA-1 signature or a 1024-bit RSA key reaches the core and is
  // refused there with its own requirement ID (33310-6.1.1-HASH, -PUBKEY)
  // instead of a generic "path validation failed".
  const std::set<std::string> hashes = {"MD5",     "SHA-160", "SHA-224",
                                        "SHA-256", "SHA-384", "SHA-512"};
  const Botan::Path_Validation_Restrictions restrictions(false, 80, false, hashes);
  const Botan::Path_Validation_Result result =
      Botan::x509_path_validate(chain, restrictions, trusted, "", usage, validation_time);
  f.path_valid = result.successful_validation();
  f.path_status = result.result();
  f.path_status_text = result.result_string();

  // The path Botan built (with its lenient X509_DN comparison) and the
  // encoded names along it; the core compares them exactly.
  const auto& path = result.cert_path();
  const auto& statuses = result.all_statuses();
  for (std::size_t i = 0; i < path.size(); ++i) {
    if (!path[i]) continue;
    Path_Cert p;
    p.subject_der = path[i]->raw_subject_dn();
    p.issuer_der = path[i]->raw_issuer_dn();
    if (i < statuses.size()) {
      using C = Botan::Certificate_Status_Code;
      const auto& s = statuses[i];
      p.crl_checked = s.count(C::VALID_CRL_CHECKED) != 0 && s.count(C::CRL_HAS_EXPIRED) == 0 &&
                      s.count(C::CRL_NOT_YET_VALID) == 0 && s.count(C::CRL_BAD_SIGNATURE) == 0 &&
                      s.count(C::CA_CERT_NOT_FOR_CRL_ISSUER) == 0;
    }
    f.path.push_back(std::move(p));
  }

  const Botan::X509_Certificate& last = chain.back();
  f.root.sent = last.is_self_signed();
  if (f.root.sent) {
    for (const auto* store : trusted) {
      if (store == nullptr) continue;
      for (const auto& anchor : store->find_all_certs(last.subject_dn(), {})) {
        f.root.known = true;
        f.root.same_subject = anchor->raw_subject_dn() == last.raw_subject_dn();
        f.root.same_issuer = anchor->raw_issuer_dn() == last.raw_issuer_dn();
        f.root.same_key = anchor->subject_public_key_bits() == last.subject_public_key_bits();
        f.root.same_extensions = same_extensions(*anchor, last);
        f.root.same_sig_algorithm = anchor->signature_algorithm() == last.signature_algorithm();
        f.root.same_version = anchor->x509_version() == last.x509_version();
        f.root.same_serial = anchor->serial_number() == last.serial_number();
        f.root.same_validity = anchor->not_before().to_string() == last.not_before().to_string() &&
                               anchor->not_after().to_string() == last.not_after().to_string();
        f.root.same_signature = anchor->signature() == last.signature();
        if (f.root.same_key && f.root.same_extensions && f.root.same_issuer &&
            f.root.same_sig_algorithm && f.root.same_version) {
          break;  // an identical-but-for-serial/validity/signature anchor exists
        }
      }
      if (f.root.known) break;
    }
  }
  return f;
}

core::PathResult to_core_path(Botan::Certificate_Status_Code code) {
  using C = Botan::Certificate_Status_Code;
  switch (code) {
    case C::OK:
      return core::PathResult::ok;
    case C::CERT_ISSUER_NOT_FOUND:
    case C::CANNOT_ESTABLISH_TRUST:
    case C::CHAIN_LACKS_TRUST_ROOT:
      return core::PathResult::unknown_ca;
    case C::CERT_HAS_EXPIRED:
      return core::PathResult::expired;
    case C::CERT_NOT_YET_VALID:
      return core::PathResult::not_yet_valid;
    case C::CERT_IS_REVOKED:
      return core::PathResult::revoked;
    case C::SIGNATURE_ERROR:
      return core::PathResult::bad_signature;
    case C::CHAIN_NAME_MISMATCH:
    case C::CERT_CHAIN_LOOP:
      return core::PathResult::name_chaining;
    case C::NO_REVOCATION_DATA:
    case C::CRL_HAS_EXPIRED:
    case C::CRL_NOT_YET_VALID:
    case C::CRL_BAD_SIGNATURE:
    case C::CA_CERT_NOT_FOR_CRL_ISSUER:
      return core::PathResult::revocation_unknown;
    default:
      return core::PathResult::invalid;
  }
}

core::CertFacts to_core_facts(const Chain_Facts& f, const std::string& reference_fqdn) {
  core::CertFacts c;
  c.path = f.path_valid ? core::PathResult::ok : to_core_path(f.path_status);
  if (!f.path_valid && c.path == core::PathResult::ok) c.path = core::PathResult::invalid;
  c.chain_length = f.chain.size();
  for (std::size_t i = 0; i < f.chain.size() && i < core::kMaxChainFacts; ++i) {
    const Cert_Info& in = f.chain[i];
    core::ChainCertFacts& out = c.chain[i];
    out.x509_version = static_cast<std::uint8_t>(in.x509_version > 255 ? 255 : in.x509_version);
    switch (in.sig_hash) {
      case Sig_Hash::md5:
        out.signature_hash = core::SigHash::md5;
        break;
      case Sig_Hash::sha1:
        out.signature_hash = core::SigHash::sha1;
        break;
      case Sig_Hash::sha224:
        out.signature_hash = core::SigHash::sha224;
        break;
      case Sig_Hash::sha256:
        out.signature_hash = core::SigHash::sha256;
        break;
      case Sig_Hash::sha384:
        out.signature_hash = core::SigHash::sha384;
        break;
      case Sig_Hash::sha512:
        out.signature_hash = core::SigHash::sha512;
        break;
      case Sig_Hash::other:
        out.signature_hash = core::SigHash::unknown;
        break;
    }
    switch (in.key_alg) {
      case Key_Alg::rsa:
        out.key_algorithm = core::KeyAlg::rsa;
        break;
      case Key_Alg::ecdsa:
        out.key_algorithm = core::KeyAlg::ecdsa;
        break;
      case Key_Alg::other:
        out.key_algorithm = core::KeyAlg::other;
        break;
    }
    out.rsa_bits = static_cast<std::uint16_t>(in.key_bits > 65535 ? 65535 : in.key_bits);
    switch (in.curve) {
      case Curve::none:
        out.curve = core::Curve::none;
        break;
      case Curve::secp256r1:
        out.curve = core::Curve::p256;
        break;
      case Curve::secp384r1:
        out.curve = core::Curve::p384;
        break;
      case Curve::secp521r1:
        out.curve = core::Curve::p521;
        break;
      case Curve::other:
        out.curve = core::Curve::other;
        break;
    }
  }
  const auto view = [](const std::string& s) {
    return core::ByteView(reinterpret_cast<const std::uint8_t*>(s.data()), s.size());
  };
  if (!f.chain.empty()) {
    const Cert_Info& leaf = f.chain.front();
    c.common_name_count = leaf.common_names.size();
    for (std::size_t i = 0; i < leaf.common_names.size() && i < core::kMaxCommonNames; ++i) {
      c.common_names[i] = view(leaf.common_names[i]);
    }
    c.san_dns_count = leaf.dns_names.size();
    for (std::size_t i = 0; i < leaf.dns_names.size() && i < core::kMaxSanDnsNames; ++i) {
      c.san_dns_names[i] = view(leaf.dns_names[i]);
    }
    c.crl_distribution_point_present = leaf.has_crl_distribution_point;
  }
  c.path_length = f.path.size();
  for (std::size_t i = 0; i < f.path.size() && i < core::kMaxPathFacts; ++i) {
    const Path_Cert& in = f.path[i];
    c.path_certs[i].subject = core::ByteView(in.subject_der.data(), in.subject_der.size());
    c.path_certs[i].issuer = core::ByteView(in.issuer_der.data(), in.issuer_der.size());
    c.path_certs[i].crl_checked = in.crl_checked;
  }
  c.root_sent = f.root.sent;
  c.root_matches_stored = f.root.known && f.root.same_subject && f.root.same_key;
  std::uint16_t d = 0;
  if (f.root.sent && f.root.known) {
    if (!f.root.same_serial) d |= core::root_diff::serial;
    if (!f.root.same_validity) d |= core::root_diff::validity;
    if (!f.root.same_signature) d |= core::root_diff::signature;
    if (!f.root.same_subject) d |= core::root_diff::subject;
    if (!f.root.same_issuer) d |= core::root_diff::issuer;
    if (!f.root.same_key) d |= core::root_diff::public_key;
    if (!f.root.same_extensions) d |= core::root_diff::extensions;
    if (!f.root.same_version) d |= core::root_diff::version;
    if (!f.root.same_sig_algorithm) d |= core::root_diff::signature_algorithm;
  }
  c.root_differences = d;
  c.reference_fqdn = view(reference_fqdn);
  return c;
}

const char* sig_hash_name(Sig_Hash h) {
  switch (h) {
    case Sig_Hash::md5:
      return "MD5";
    case Sig_Hash::sha1:
      return "SHA-1";
    case Sig_Hash::sha224:
      return "SHA-224";
    case Sig_Hash::sha256:
      return "SHA-256";
    case Sig_Hash::sha384:
      return "SHA-384";
    case Sig_Hash::sha512:
      return "SHA-512";
    case Sig_Hash::other:
      return "other";
  }
  return "other";
}

const char* key_alg_name(Key_Alg k) {
  switch (k) {
    case Key_Alg::rsa:
      return "RSA";
    case Key_Alg::ecdsa:
      return "ECDSA";
    case Key_Alg::other:
      return "other";
  }
  return "other";
}

const char* curve_name(Curve c) {
  switch (c) {
    case Curve::none:
      return "none";
    case Curve::secp256r1:
      return "secp256r1";
    case Curve::secp384r1:
      return "secp384r1";
    case Curve::secp521r1:
      return "secp521r1";
    case Curve::other:
      return "other";
  }
  return "other";
}

}  // namespace annexo::tls
