#include "adapters/ue/client/options.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>

namespace annexo::ue {
namespace {

const char* const kUsage =
    "usage: ue --pcscf HOST:PORT --pcscf-fqdn NAME --ca FILE --impi IMPI --impu IMPU\n"
    "          (--password P | --password-file F) [options]\n"
    "  --pcscf HOST:PORT                numeric address of the P-CSCF (port 5061 by default)\n"
    "  --pcscf-fqdn NAME                reference identity its certificate must carry (O.5.2)\n"
    "  --ca FILE                        trust anchors (PEM)\n"
    "  --crl FILE (repeatable)          CRLs (PEM or DER): revocation checking on; every\n"
    "                                   certificate but the anchor needs a current CRL of its\n"
    "                                   issuer, else it is refused (RD-83; default: off)\n"
    "  --impi X  --impu Y (repeatable)  private and public identities (first IMPU registers)\n"
    "  --password P | --password-file F Digest password\n"
    "  --stay SECONDS                   stay registered this long (re-register, renegotiate,\n"
    "                                   keep-alive), then exit (default 0: exit once registered)\n"
    "  --expires SECONDS                registration interval asked for (default 600000, TS "
    "24.229)\n"
    "  --keepalive-interval SECONDS     upper bound U of the CRLF keep-alive interval when the\n"
    "                                   2xx has no Flow-Timer: pings at a random [U - U/5, U] s\n"
    "                                   (1-120; default: 95-120 s, RFC 5626 4.4.1; RD-78)\n"
    "  --reconnect-base SECONDS         RFC 5626 4.5 base-time of the wait before another attempt\n"
    "                                   to replace a failed flow while --stay lasts (default 30)\n"
    "  --reconnect-max SECONDS          RFC 5626 4.5 max-time of that wait (default 1800)\n"
    "  --handshake-timeout SECONDS      bound of the TLS set-up with the P-CSCF (default 32)\n"
    "  --offer-null-encryption          also offer NULL-encryption suites, after every\n"
    "                                   encrypting one (O.2.1 MAY, RD-01); openssl: TLS 1.2\n"
    "                                   0xC006, 0xC010, 0x003B; botan: none exist (RD-350)\n"
    "  --abort-on-certificate-request   abort when the P-CSCF sends CertificateRequest\n"
    "  --access 3gpp|non-3gpp           access type (default non-3gpp; O.1.1)\n"
    "  --require-signalling-security    operator policy of O.1.1 NOTE 2\n"
    "  --message URI                    once registered, send one MESSAGE to URI over the session\n"
    "                                   and log the P-Asserted-Identity of the answer\n"
    "  --preferred-identity URI         P-Preferred-Identity of that MESSAGE\n"
    "  --secagree HOST:PORT             RFC 3329 sec-agree variant: first REGISTER unprotected\n"
    "                                   over plain TCP to HOST:PORT (Security-Client: tls),\n"
    "                                   then TLS to --pcscf (default: TLS-first)\n"
    "  --tls-stack botan|openssl        TLS library: botan (Botan 2.19, TLS 1.2 only; the\n"
    "                                   default, RD-180) or openssl (OpenSSL 3.0, TLS 1.3 and "
    "1.2)\n"
    "  --log-format text|json           decision log on stderr (default text)\n"
    "exit: 0 registered, 1 usage, 2 certificate rejected, 3 TLS handshake refused,\n"
    "      4 authentication failed, 5 refused by policy, 6 network error\n";

Parsed usage_error(Parsed& p, const std::string& why) {
  p.kind = Parsed::Kind::usage_error;
  p.error = why;
  return p;
}

}  // namespace

const char* usage_text() {
  return kUsage;
}

bool parse_tls_stack(const char* s, Options::Tls_Stack* out) {
  return s != nullptr && ::annexo::tls::parse_tls_stack(s, out);
}

bool parse_u32(const char* s, std::uint32_t* out) {
  if (s == nullptr || *s == '\0' || s[0] == '-') return false;
  char* end = nullptr;
  errno = 0;
  const unsigned long long v = std::strtoull(s, &end, 10);
  if (errno != 0 || *end != '\0' || v > 0x7FFFFFFFull) return false;
  *out = static_cast<std::uint32_t>(v);
  return true;
}

Parsed parse_command_line(int argc, const char* const* argv) {
  Parsed p;
  Options& o = p.options;
  bool have_pcscf = false, have_password = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    const char* v = nullptr;
    auto value = [&]() {
      if (i + 1 >= argc) return false;
      v = argv[++i];
      return true;
    };
    if (a == "--help" || a == "-h") {
      p.kind = Parsed::Kind::help;
      return p;
    } else if (a == "--pcscf") {
      if (!value()) return usage_error(p, "--pcscf needs HOST:PORT");
      std::string err;
      auto ep = net::parse_endpoint(v, &err);
      if (!ep) return usage_error(p, "--pcscf: " + err);
      o.pcscf = *ep;
      have_pcscf = true;
    } else if (a == "--pcscf-fqdn") {
      if (!value() || *v == '\0') return usage_error(p, "--pcscf-fqdn needs a name");
      o.fqdn = v;
    } else if (a == "--ca") {
      if (!value()) return usage_error(p, "--ca needs a file");
      o.ca = v;
    } else if (a == "--crl") {
      if (!value() || *v == '\0') return usage_error(p, "--crl needs a file");
      o.crls.push_back(v);
    } else if (a == "--impi") {
      if (!value() || *v == '\0') return usage_error(p, "--impi needs a value");
      o.impi = v;
    } else if (a == "--impu") {
      if (!value() || *v == '\0') return usage_error(p, "--impu needs a value");
      o.impus.emplace_back(v);
    } else if (a == "--password") {
      if (!value()) return usage_error(p, "--password needs a value");
      if (have_password) return usage_error(p, "give --password or --password-file once");
      o.password = v;
      have_password = true;
    } else if (a == "--password-file") {
      if (!value()) return usage_error(p, "--password-file needs a file");
      if (have_password) return usage_error(p, "give --password or --password-file once");
      std::ifstream f(v);
      if (!f || !std::getline(f, o.password))
        return usage_error(p, std::string("cannot read ") + v);
      if (!o.password.empty() && o.password.back() == '\r') o.password.pop_back();
      have_password = true;
    } else if (a == "--stay") {
      if (!value() || !parse_u32(v, &o.stay_s)) return usage_error(p, "--stay needs seconds");
    } else if (a == "--expires") {
      if (!value() || !parse_u32(v, &o.expires_s) || o.expires_s == 0)
        return usage_error(p, "--expires needs seconds > 0");
    } else if (a == "--keepalive-interval") {
      // RD-78: 1-120 s; a longer bound than RFC 5626's default would let NAT
      // bindings expire, so it is refused rather than clamped.
      if (!value() || !parse_u32(v, &o.keepalive_bound_s) || o.keepalive_bound_s == 0 ||
          o.keepalive_bound_s > 120)
        return usage_error(
            p, "--keepalive-interval needs seconds in 1-120 (5626-4.4.1-UE-KEEPALIVE, RD-78)");
    } else if (a == "--reconnect-base") {
      if (!value() || !parse_u32(v, &o.reconnect_base_s) || o.reconnect_base_s == 0)
        return usage_error(
            p, "--reconnect-base needs seconds > 0 (5626-4.5-UE-FLOW-RECOVERY, RD-103)");
    } else if (a == "--reconnect-max") {
      if (!value() || !parse_u32(v, &o.reconnect_max_s) || o.reconnect_max_s == 0)
        return usage_error(p,
                           "--reconnect-max needs seconds > 0 (5626-4.5-UE-FLOW-RECOVERY, RD-103)");
    } else if (a == "--handshake-timeout") {
      if (!value() || !parse_u32(v, &o.handshake_timeout_s) || o.handshake_timeout_s == 0)
        return usage_error(p, "--handshake-timeout needs seconds > 0");
    } else if (a == "--offer-null-encryption") {
      o.offer_null = true;
    } else if (a == "--abort-on-certificate-request") {
      o.abort_on_cert_req = true;
    } else if (a == "--require-signalling-security") {
      o.require_security = true;
    } else if (a == "--message") {
      if (!value() || *v == '\0') return usage_error(p, "--message needs a URI");
      o.message_to = v;
    } else if (a == "--preferred-identity") {
      if (!value() || *v == '\0') return usage_error(p, "--preferred-identity needs a URI");
      o.preferred_identity = v;
    } else if (a == "--access") {
      if (!value()) return usage_error(p, "--access needs 3gpp or non-3gpp");
      if (std::strcmp(v, "3gpp") == 0) {
        o.access_3gpp = true;
      } else if (std::strcmp(v, "non-3gpp") == 0) {
        o.access_3gpp = false;
      } else {
        return usage_error(p, "--access needs 3gpp or non-3gpp");
      }
    } else if (a == "--secagree") {
      if (!value()) return usage_error(p, "--secagree needs HOST:PORT");
      std::string err;
      auto ep = net::parse_endpoint(v, &err);
      if (!ep) return usage_error(p, "--secagree: " + err);
      o.secagree = *ep;
    } else if (a == "--tls-stack") {
      if (!value() || !parse_tls_stack(v, &o.tls_stack))
        return usage_error(p, "--tls-stack needs botan or openssl");
    } else if (a == "--log-format") {
      if (!value() || !annexo::log::parse_format(v, &o.log_format))
        return usage_error(p, "--log-format needs text or json");
    } else {
      return usage_error(p, "unknown option " + a);
    }
  }
  if (!have_pcscf || o.fqdn.empty() || o.ca.empty() || o.impi.empty() || o.impus.empty() ||
      !have_password) {
    return usage_error(p,
                       "--pcscf, --pcscf-fqdn, --ca, --impi, --impu and a password are required");
  }
  if (o.reconnect_max_s < o.reconnect_base_s) {
    return usage_error(p, "--reconnect-max must not be below --reconnect-base (RD-103)");
  }
  return p;
}

}  // namespace annexo::ue
