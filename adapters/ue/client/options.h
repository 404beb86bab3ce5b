// The ue command line: options, their parsing and the usage text (shared by
// `ue` and the programs built on the UE client library).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "adapters/log/decision_log.h"
#include "adapters/net/event_loop.h"
#include "adapters/tls/stack_kind.h"
#include "core/ue_machine.h"

namespace annexo::ue {

namespace core = ::annexo::core;
namespace net = ::annexo::net;

// Exit codes (distinct, documented in adapters/README.md):
//   0 registered (and, with --stay, still registered when the stay ended)
//   1 usage error
//   2 P-CSCF certificate rejected (O.2.1-UE-AUTH-PC-BY-CERT, O.3.1.2, O.5.x)
//   3 TLS handshake refused (version or cipher suite; the P-CSCF's or the TLS stack's alert)
//   4 authentication failed (O.3.1.1: 403 / wrong password; N.2 rspauth)
//   5 refused by policy (access selection O.1.1, CertificateRequest with
//     --abort-on-certificate-request, offer without an encrypting suite, other
//     final SIP failure; sec-agree: no tls in Security-Server, a 2xx to the
//     unprotected REGISTER, a 494 to the REGISTER carrying Security-Verify)
//   6 network error (TCP connect failed, connection lost for good, no answer to
//     the TLS handshake, not registered when --stay ended; RD-103, RD-104)
enum Exit : int {
  kRegistered = 0,
  kUsageError = 1,
  kCertRejected = 2,
  kTlsRefused = 3,
  kAuthFailed = 4,
  kPolicy = 5,
  kNetwork = 6,
};

struct Options {
  net::Endpoint pcscf;
  std::string fqdn;
  std::string ca;
  // --crl FILE (repeatable): CRLs for the trust anchors and the intermediates
  // the P-CSCF sends. Given at least once, revocation checking is on and every
  // certificate of the path but the anchor needs a current CRL (RD-83).
  std::vector<std::string> crls;
  std::string impi;
  std::vector<std::string> impus;
  std::string password;
  std::uint32_t stay_s = 0;
  // TS 24.229 5.1.1.2: the UE asks for 600 000 s; the registrar shortens it
  // and the UE re-registers on what the 2xx grants.
  //= spec#24229-5.1.1.2-DEFAULT-EXPIRES type=implementation
  std::uint32_t expires_s = 600000;
  // --keepalive-interval: configured upper bound of the CRLF ping interval
  // when the registrar sends no Flow-Timer (0: RFC 5626 default, 95-120 s). RD-78.
  std::uint32_t keepalive_bound_s = 0;
  // RFC 5626 4.5 flow recovery while --stay lasts (RD-103): base-time and
  // max-time of the wait between attempts to replace a failed flow.
  std::uint32_t reconnect_base_s = core::kFlowRecoveryBaseS;
  std::uint32_t reconnect_max_s = core::kFlowRecoveryMaxS;
  // TLS set-up bound (the machine's handshake_timeout_s).
  std::uint32_t handshake_timeout_s = core::kUeDefaultConfig.handshake_timeout_s;
  bool offer_null = false;
  bool abort_on_cert_req = false;
  bool access_3gpp = false;
  bool require_security = false;
  std::string message_to;          // --message URI: one MESSAGE over the session once registered
  std::string preferred_identity;  // --preferred-identity URI: P-Preferred-Identity of that MESSAGE
  annexo::log::Format log_format = annexo::log::Format::text;
  // --secagree HOST:PORT: the P-CSCF's plain-TCP sec-agree address; set = the
  // RFC 3329 variant of O.2 (O.2-UE-VARIANT-SECAGREE), unset = TLS-first.
  std::optional<net::Endpoint> secagree;
  // --tls-stack botan|openssl (issue 14, decision RD-180): the TLS library
  // behind the endpoint; Botan 2.19 speaks TLS 1.2 only, OpenSSL 3.0 TLS 1.2
  // and 1.3. The default is botan.
  using Tls_Stack = ::annexo::tls::Tls_Stack;
  Tls_Stack tls_stack = ::annexo::tls::kDefaultTlsStack;
};

// "botan" / "openssl" -> the stack; false for anything else.
bool parse_tls_stack(const char* s, Options::Tls_Stack* out);

// The usage text `ue` prints (stdout for --help, stderr after a usage error).
const char* usage_text();

// A parsed command line: run with `options`, print the usage (--help), or a
// usage error (`error` says why; `ue` prints "ue: ERROR" and the usage text on
// stderr and exits kUsageError).
struct Parsed {
  enum class Kind { run, help, usage_error };
  Kind kind = Kind::run;
  Options options;
  std::string error;
};
Parsed parse_command_line(int argc, const char* const* argv);

// A decimal number of seconds in 0..2^31-1 (no sign, no spaces).
bool parse_u32(const char* s, std::uint32_t* out);

}  // namespace annexo::ue
