// pcscf: the Annex O P-CSCF with an embedded home network (see adapters/README.md).
//
// Exit codes: 0 stopped by SIGINT/SIGTERM; 1 usage error; 2 start-up refused
// (unreadable or invalid certificate, key, users file, or a configuration the
// core refuses); 3 the event loop failed.
#include <signal.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "adapters/log/decision_log.h"
#include "adapters/net/event_loop.h"
#include "adapters/pcscf/pcscf_server.h"

namespace {

const char* kUsage =
    "usage: pcscf --cert FILE --key FILE (--users FILE | --next-hop ADDR:PORT --core-listen "
    "ADDR:PORT)\n"
    "             [options]\n"
    "  --listen ADDR:PORT        TLS listen address (default 127.0.0.1:5061; O.2.1 port 5061;\n"
    "                            port 0: the kernel picks one, logged in the O.2.1-PC-PORT line)\n"
    "  --secagree-listen ADDR:PORT  plain TCP for the unprotected first REGISTER of the RFC 3329\n"
    "                            sec-agree variant (answered 401 + Security-Server: tls; with\n"
    "                            --next-hop the 401 is the next hop's; off by default)\n"
    "  --core-listen ADDR:PORT   plain TCP towards the core network: terminating requests routed\n"
    "                            by the Path flow token (top Route, else the embedded registrar);\n"
    "                            also the host:port of the Path URI (off by default)\n"
    "  --next-hop ADDR:PORT      forward REGISTER and originating requests to this S-CSCF/I-CSCF\n"
    "                            over TCP instead of the embedded home network (needs\n"
    "                            --core-listen; --users, --realm, --digest, "
    "--registration-expires\n"
    "                            are then unused; connected on demand, 503 while unreachable)\n"
    "  --next-hop-transport tcp|tls  transport towards --next-hop (default tcp)\n"
    "  --next-hop-ca FILE        tls: trust anchors for the next hop's certificate (PEM)\n"
    "  --next-hop-name NAME      tls: the name the next hop's certificate must carry\n"
    "  --access-type 3gpp|non-3gpp  access the listeners serve (default non-3gpp; on 3gpp every\n"
    "                            REGISTER is refused: no SIP Digest on 3GPP access, N.1)\n"
    "  --cert FILE               PEM certificate chain, leaf first\n"
    "  --key FILE                PKCS#8 PEM private key (BEGIN PRIVATE KEY)\n"
    "  --tls-stack botan|openssl TLS library (default botan: TLS 1.2 only; openssl: TLS 1.2 and\n"
    "                            1.3, OpenSSL 3.0; decision RD-170)\n"
    "  --users FILE              embedded home network: 'IMPI PASSWORD IMPU[,IMPU...]' lines\n"
    "  --session-lifetime S      TLS session lifetime before renegotiation (default 3600)\n"
    "  --allow-null-encryption   let the core choose a NULL-encryption suite (O.2.1, RD-01) when\n"
    "                            the client offers nothing encrypting pcscf can choose (a\n"
    "                            NULL-only offer is still refused); openssl: TLS 1.2 0xC006,\n"
    "                            0xC010, 0x003B, each negotiation audit-logged; botan: has no\n"
    "                            NULL suite, so this changes nothing on the wire (RD-350)\n"
    "  --max-bindings N          binding table capacity (default 1000)\n"
    "  --max-connections N       connections held at once, TLS and plain (default 10000,\n"
    "                            lowered to the descriptor limit minus 32); at the cap a new\n"
    "                            connection replaces the oldest unbound one, or is closed\n"
    "                            (RD-102)\n"
    "  --unbound-idle S          close a connection still unbound after S idle seconds, and a\n"
    "                            sec-agree connection idle that long (default 32)\n"
    "  --unbound-lifetime S      close a TLS connection still unbound S seconds after accept,\n"
    "                            whatever it sends (default 64; 0: no budget; RD-129)\n"
    "  --closing-budget S        a closing connection whose replies and close_notify are not\n"
    "                            written within S seconds is reset, its queue dropped\n"
    "                            (default 5, at most 3600; 0: only what the socket takes at\n"
    "                            once; RD-292)\n"
    "  --max-output-bytes N      reply bytes queued for one connection above which it is\n"
    "                            neither read nor served until half is written (default\n"
    "                            262144; 0: none; RD-215)\n"
    "  --max-input-bytes N       received bytes held unhandled on one connection above which\n"
    "                            it is not read (default 131072, at least 131072; 0: none;\n"
    "                            RD-217)\n"
    "  --max-requests-per-pass N requests handled per connection per loop pass; the rest\n"
    "                            wait for the next pass (default 32; 0: no cap; RD-216)\n"
    "  --auth-fail-max N         failed authentications (403 to a REGISTER with credentials)\n"
    "                            per IMPI and source address before that pair's REGISTERs\n"
    "                            are refused 503 + Retry-After, unchecked (default 5; 0: off;\n"
    "                            never per IMPI alone; RD-130)\n"
    "  --auth-fail-max-source N  the same per source address, any IMPI (default 20; 0: off)\n"
    "  --auth-fail-block S       how long a key stays refused after its last failure, and\n"
    "                            the longest gap between counted failures (default 60)\n"
    "  --transaction-timeout S   408 to the core side for a terminating request the UE leaves\n"
    "                            unanswered this long, and to the UE for a request the next hop\n"
    "                            leaves unanswered (default 32 = 64 x T1)\n"
    "  --registration-expires S  longest registration granted (default 600)\n"
    "  --realm NAME              Digest realm (default annexo.test)\n"
    "  --digest md5|sha256       Digest algorithm of the challenge (default md5)\n"
    "  --log-format text|json    decision log format on stderr (default text)\n"
    "  --log-deny-limit N        identical DENY lines (requirement, reason, peer) written per\n"
    "                            second; the rest are counted in one summary line (default\n"
    "                            10; 0: no limit; RD-131)\n"
    "SIGUSR1 dumps the binding table to stdout.\n";

bool parse_u32(const char* s, std::uint32_t* out) {
  if (s == nullptr || *s == '\0') return false;
  char* end = nullptr;
  errno = 0;
  const unsigned long long v = std::strtoull(s, &end, 10);
  if (errno != 0 || *end != '\0' || v > 0xFFFFFFFFull || s[0] == '-') return false;
  *out = static_cast<std::uint32_t>(v);
  return true;
}

int usage(const std::string& why) {
  std::fprintf(stderr, "pcscf: %s\n%s", why.c_str(), kUsage);
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  using annexo::pcscf::Options;
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&](const char** out) {
      if (i + 1 >= argc) return false;
      *out = argv[++i];
      return true;
    };
    const char* v = nullptr;
    if (a == "--help" || a == "-h") {
      std::fputs(kUsage, stdout);
      return 0;
    } else if (a == "--allow-null-encryption") {
      o.allow_null_encryption = true;
    } else if (a == "--listen") {
      if (!value(&v)) return usage("--listen needs ADDR:PORT");
      std::string err;
      auto ep = annexo::net::parse_endpoint(v, &err, /*allow_port_zero=*/true);
      if (!ep) return usage("--listen: " + err);
      o.listen = *ep;
    } else if (a == "--next-hop") {
      if (!value(&v)) return usage("--next-hop needs ADDR:PORT");
      std::string err;
      auto ep = annexo::net::parse_endpoint(v, &err);
      if (!ep) return usage("--next-hop: " + err);
      o.next_hop = *ep;
    } else if (a == "--next-hop-transport") {
      if (!value(&v)) return usage("--next-hop-transport needs tcp or tls");
      if (std::strcmp(v, "tls") == 0) {
        o.next_hop_tls = true;
      } else if (std::strcmp(v, "tcp") == 0) {
        o.next_hop_tls = false;
      } else {
        return usage("--next-hop-transport needs tcp or tls");
      }
    } else if (a == "--next-hop-ca" || a == "--next-hop-name") {
      if (!value(&v) || *v == '\0') return usage(a + " needs a value");
      (a == "--next-hop-ca" ? o.next_hop_ca : o.next_hop_name) = v;
    } else if (a == "--secagree-listen" || a == "--core-listen") {
      if (!value(&v)) return usage(a + " needs ADDR:PORT");
      std::string err;
      auto ep = annexo::net::parse_endpoint(v, &err, /*allow_port_zero=*/true);
      if (!ep) return usage(a + ": " + err);
      (a == "--secagree-listen" ? o.secagree_listen : o.core_listen) = *ep;
    } else if (a == "--access-type") {
      if (!value(&v)) return usage("--access-type needs 3gpp or non-3gpp");
      if (std::strcmp(v, "3gpp") == 0) {
        o.access_3gpp = true;
      } else if (std::strcmp(v, "non-3gpp") == 0) {
        o.access_3gpp = false;
      } else {
        return usage("--access-type needs 3gpp or non-3gpp");
      }
    } else if (a == "--cert") {
      if (!value(&v)) return usage("--cert needs a file");
      o.cert_file = v;
    } else if (a == "--key") {
      if (!value(&v)) return usage("--key needs a file");
      o.key_file = v;
    } else if (a == "--tls-stack") {
      if (!value(&v) || !annexo::tls::parse_tls_stack(v, &o.tls_stack))
        return usage("--tls-stack needs botan or openssl");
    } else if (a == "--users") {
      if (!value(&v)) return usage("--users needs a file");
      o.users_file = v;
    } else if (a == "--session-lifetime") {
      if (!value(&v) || !parse_u32(v, &o.session_lifetime_s))
        return usage("--session-lifetime needs seconds");
    } else if (a == "--unbound-idle") {
      if (!value(&v) || !parse_u32(v, &o.unbound_idle_s))
        return usage("--unbound-idle needs seconds");
    } else if (a == "--auth-fail-max") {
      if (!value(&v) || !parse_u32(v, &o.auth_limits.max_per_pair))
        return usage("--auth-fail-max needs a count");
    } else if (a == "--auth-fail-max-source") {
      if (!value(&v) || !parse_u32(v, &o.auth_limits.max_per_source))
        return usage("--auth-fail-max-source needs a count");
    } else if (a == "--auth-fail-block") {
      if (!value(&v) || !parse_u32(v, &o.auth_limits.block_s) || o.auth_limits.block_s == 0)
        return usage("--auth-fail-block needs seconds > 0");
    } else if (a == "--max-output-bytes") {
      if (!value(&v) || !parse_u32(v, &o.max_output_bytes))
        return usage("--max-output-bytes needs a byte count");
    } else if (a == "--max-input-bytes") {
      if (!value(&v) || !parse_u32(v, &o.max_input_bytes) ||
          (o.max_input_bytes != 0 && o.max_input_bytes < 131072))
        return usage("--max-input-bytes needs 0 or a byte count >= 131072 (2 x 64 KiB message)");
    } else if (a == "--max-requests-per-pass") {
      if (!value(&v) || !parse_u32(v, &o.max_requests_per_pass))
        return usage("--max-requests-per-pass needs a count");
    } else if (a == "--unbound-lifetime") {
      if (!value(&v) || !parse_u32(v, &o.unbound_lifetime_s))
        return usage("--unbound-lifetime needs seconds");
    } else if (a == "--closing-budget") {
      if (!value(&v) || !parse_u32(v, &o.closing_budget_s) || o.closing_budget_s > 3600)
        return usage("--closing-budget needs seconds, at most 3600");
    } else if (a == "--transaction-timeout") {
      if (!value(&v) || !parse_u32(v, &o.transaction_timeout_s) || o.transaction_timeout_s == 0)
        return usage("--transaction-timeout needs seconds > 0");
    } else if (a == "--max-bindings") {
      if (!value(&v) || !parse_u32(v, &o.max_bindings))
        return usage("--max-bindings needs a number");
    } else if (a == "--max-connections") {
      if (!value(&v) || !parse_u32(v, &o.max_connections) || o.max_connections == 0)
        return usage("--max-connections needs a number > 0");
    } else if (a == "--registration-expires") {
      if (!value(&v) || !parse_u32(v, &o.max_registration_expires_s) ||
          o.max_registration_expires_s == 0)
        return usage("--registration-expires needs seconds > 0");
    } else if (a == "--realm") {
      if (!value(&v) || *v == '\0') return usage("--realm needs a name");
      o.realm = v;
    } else if (a == "--digest") {
      if (!value(&v)) return usage("--digest needs md5 or sha256");
      if (std::strcmp(v, "md5") == 0) {
        o.digest = annexo::sip::DigestAlgorithm::md5;
      } else if (std::strcmp(v, "sha256") == 0) {
        o.digest = annexo::sip::DigestAlgorithm::sha256;
      } else {
        return usage("--digest needs md5 or sha256");
      }
    } else if (a == "--log-deny-limit") {
      if (!value(&v) || !parse_u32(v, &o.log_deny_limit))
        return usage("--log-deny-limit needs a count");
    } else if (a == "--log-format") {
      if (!value(&v) || !annexo::log::parse_format(v, &o.log_format))
        return usage("--log-format needs text or json");
    } else {
      return usage("unknown option " + a);
    }
  }
  if (o.cert_file.empty() || o.key_file.empty() || (o.users_file.empty() && !o.next_hop)) {
    return usage("--cert, --key and --users (or --next-hop) are required");
  }
  ::signal(SIGPIPE, SIG_IGN);
  annexo::log::Decision_Log log("pcscf", o.log_format, stderr);
  annexo::net::Event_Loop loop;
  annexo::pcscf::Server server(o, log, loop);
  std::string err;
  if (!server.start(&err)) {
    log.decision(annexo::log::Verdict::error, "", "start-up refused", {{"reason", err}});
    std::fprintf(stderr, "pcscf: %s\n", err.c_str());
    return 2;
  }
  loop.on_signal(SIGUSR1, [&] { server.dump_bindings(stdout); });
  loop.on_signal(SIGINT, [&] { loop.stop(); });
  loop.on_signal(SIGTERM, [&] { loop.stop(); });
  if (loop.run() != 0) {
    std::fprintf(stderr, "pcscf: event loop: %s\n", loop.error().c_str());
    return 3;
  }
  log.decision(annexo::log::Verdict::info, "", "stopped", {});
  return 0;
}
