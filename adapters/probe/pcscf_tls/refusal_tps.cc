// TPs whose stimulus is a raw crafted ClientHello the IUT must refuse: pass on
// a fatal alert or a close without ServerHello, fail on any ServerHello,
// inconc when nothing happens within timers.handshake_s (pcscf.toml).
#include "adapters/probe/pcscf_tls/answer.h"
#include "adapters/probe/pcscf_tls/hello.h"
#include "adapters/probe/pcscf_tls/tls_tps.h"

namespace annexo::probe::pcscf_tls {
namespace {

constexpr std::uint16_t kScsv = 0x00FF;

Tp_Outcome judge_refusal(const Answer& a, const std::string& what) {
  Tp_Outcome o;
  o.evidence = a.evidence;
  switch (a.kind) {
    case Answer_Kind::server_hello:
    case Answer_Kind::sslv2_server_hello:
      o.verdict = Verdict::fail;
      o.reason = "the IUT answered " + what + " with " + describe(a);
      break;
    case Answer_Kind::alert:
    case Answer_Kind::closed:
      o.verdict = Verdict::pass;
      o.reason = what + " refused: " + describe(a);
      break;
    case Answer_Kind::timeout:
      o.verdict = Verdict::inconc;
      o.reason = what + ": no answer and no close within timers.handshake_s";
      break;
  }
  return o;
}

Tp_Outcome refused(const Tp_Context& ctx, const std::vector<std::uint8_t>& hello,
                   const std::string& what) {
  Answer a;
  std::string error;
  if (!offer(ctx, hello, "iut->probe tls c1", a, error)) {
    return {Verdict::error, "IUT unreachable: " + error, {}};
  }
  return judge_refusal(a, what);
}

std::vector<std::uint16_t> with_scsv(std::vector<std::uint16_t> v) {
  v.push_back(kScsv);
  return v;
}

// A TLS 1.2 hello offering `suites` (+ SCSV), all usual extensions.
Hello_Spec tls12(const Tp_Context& ctx, const std::vector<std::uint16_t>& suites) {
  Hello_Spec s;
  s.suites = with_scsv(suites);
  s.sni = ctx.pixit.iut_fqdn;
  return s;
}

// A legacy hello: client_version `v`, no supported_versions, no TLS 1.2-only extensions.
Hello_Spec legacy(const Tp_Context& ctx, std::uint16_t v,
                  const std::vector<std::uint16_t>& suites) {
  Hello_Spec s;
  s.record_version = v;
  s.client_version = v;
  s.suites = with_scsv(suites);
  s.sni = ctx.pixit.iut_fqdn;
  s.signature_algorithms = false;
  s.renegotiation_info = false;  // the SCSV signals RFC 5746
  return s;
}

// ECDHE-*-AES-CBC-SHA: the suites TLS 1.0 / 1.1 peers have.
const std::vector<std::uint16_t> kLegacyCbc = {0xC009, 0xC00A, 0xC013, 0xC014};

}  // namespace

// TP_PC_TLS_001 (33210-6.2.1-NO-LEGACY-VERSIONS): SSL 3.0 record and hello,
// profile suites + SCSV, no extensions.
Tp_Outcome tp_tls_001(const Tp_Context& ctx) {
  Hello_Spec s = legacy(ctx, 0x0300, profile_tls12_suites());
  s.extensions = false;
  return refused(ctx, build_client_hello(s), "an SSL 3.0 ClientHello");
}

// TP_PC_TLS_002 (33210-6.2.1-NO-LEGACY-VERSIONS): at most TLS 1.0.
Tp_Outcome tp_tls_002(const Tp_Context& ctx) {
  return refused(ctx, build_client_hello(legacy(ctx, 0x0301, kLegacyCbc)), "a TLS 1.0 ClientHello");
}

// TP_PC_TLS_003 (33210-6.2.1-NO-LEGACY-VERSIONS): at most TLS 1.1.
Tp_Outcome tp_tls_003(const Tp_Context& ctx) {
  return refused(ctx, build_client_hello(legacy(ctx, 0x0302, kLegacyCbc)), "a TLS 1.1 ClientHello");
}

// TP_PC_TLS_004 (O.2.1-ALL-SUITE-RULES-ALL-VERSIONS, O.1.2-ALL-CONF-NEGOTIATED-IN-TLS):
// NULL-encryption suites only, without the IUT's opt-in.
Tp_Outcome tp_tls_004(const Tp_Context& ctx) {
  return refused(ctx, build_client_hello(tls12(ctx, {0xC006, 0xC010, 0xC0B4, 0xC0B5})),
                 "a NULL-only TLS 1.2 offer");
}

// TP_PC_TLS_006 (33210-6.2.3-TLS12-PROFILE, O.2.1-ALL-PROFILE): static RSA only.
Tp_Outcome tp_tls_006(const Tp_Context& ctx) {
  return refused(ctx, build_client_hello(tls12(ctx, {0x009C, 0x009D})), "a static-RSA-only offer");
}

// TP_PC_TLS_007 (33210-6.2.3-TLS12-PROFILE, O.2.1-ALL-PROFILE): CBC only.
Tp_Outcome tp_tls_007(const Tp_Context& ctx) {
  return refused(ctx,
                 build_client_hello(
                     tls12(ctx, {0xC009, 0xC00A, 0xC013, 0xC014, 0xC023, 0xC024, 0xC027, 0xC028})),
                 "a CBC-only offer");
}

// TP_PC_TLS_008 (33210-6.2.3-TLS12-PROFILE, O.2.1-ALL-PROFILE): RC4, 3DES, export.
Tp_Outcome tp_tls_008(const Tp_Context& ctx) {
  return refused(
      ctx, build_client_hello(tls12(ctx, {0x0005, 0xC011, 0x000A, 0xC012, 0x0003, 0x0008, 0x0014})),
      "an RC4/3DES/export-only offer");
}

// TP_PC_TLS_009 (33210-6.2.3-TLS12-PROFILE, O.2.1-ALL-PROFILE): anonymous and PSK.
Tp_Outcome tp_tls_009(const Tp_Context& ctx) {
  return refused(ctx, build_client_hello(tls12(ctx, {0x00A6, 0xC018, 0x00A8, 0xD001})),
                 "an anonymous/PSK-only offer");
}

// TP_PC_TLS_010 (33210-6.2.3-TLS12-PROFILE): finite-field DHE only (RD-29).
Tp_Outcome tp_tls_010(const Tp_Context& ctx) {
  return refused(ctx, build_client_hello(tls12(ctx, {0x009E, 0x009F})), "a DHE-only offer");
}

// TP_PC_TLS_011 (O.1.3-ALL-INTEG-ALWAYS, O.2.1-ALL-SUITE-RULES-ALL-VERSIONS):
// TLS_NULL_WITH_NULL_NULL only.
Tp_Outcome tp_tls_011(const Tp_Context& ctx) {
  return refused(ctx, build_client_hello(tls12(ctx, {0x0000})),
                 "an offer of TLS_NULL_WITH_NULL_NULL only");
}

// TP_PC_TLS_020 (RFC5746-PC-RENEG-INDICATION): profile offer without
// renegotiation_info and without the SCSV.
Tp_Outcome tp_tls_020(const Tp_Context& ctx) {
  Hello_Spec s;
  s.suites = profile_tls12_suites();
  s.sni = ctx.pixit.iut_fqdn;
  s.renegotiation_info = false;
  return refused(ctx, build_client_hello(s), "a profile offer without RFC 5746 indication");
}

// TP_PC_TLS_021 (33210-6.2.1-NO-LEGACY-VERSIONS): SSL 2.0 CLIENT-HELLO, then
// the SSLv3-compatible form announcing TLS 1.2. Both must be refused.
Tp_Outcome tp_tls_021(const Tp_Context& ctx) {
  const std::vector<std::uint8_t> v2 =
      build_sslv2_client_hello(0x0002, {0x010080, 0x0700C0, 0x030080});
  const std::vector<std::uint8_t> v2compat =
      build_sslv2_client_hello(0x0303, {0x00C02B, 0x00C02F, 0x00C030, 0x0000FF});
  Tp_Outcome total{Verdict::pass, "", {}};
  const struct {
    const std::vector<std::uint8_t>& hello;
    const char* what;
    const char* stream;
  } tries[] = {{v2, "an SSL 2.0 CLIENT-HELLO", "iut->probe tls c1 (SSL 2.0)"},
               {v2compat, "an SSL 2.0-format CLIENT-HELLO announcing 0x0303",
                "iut->probe tls c2 (SSLv2 format, 0x0303)"}};
  for (const auto& t : tries) {
    Answer a;
    std::string error;
    if (!offer(ctx, t.hello, t.stream, a, error)) {
      return {Verdict::error, "IUT unreachable: " + error, {}};
    }
    const Tp_Outcome one = judge_refusal(a, t.what);
    total.evidence.insert(total.evidence.end(), one.evidence.begin(), one.evidence.end());
    if (probe_data::worse(total.verdict, one.verdict) != total.verdict) {
      total.verdict = one.verdict;
      total.reason = one.reason;
    }
  }
  if (total.verdict == Verdict::pass) total.reason = "both SSL 2.0-format hellos refused";
  return total;
}

}  // namespace annexo::probe::pcscf_tls
