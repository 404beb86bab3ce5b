// TPs whose stimulus is a raw crafted ClientHello the IUT should answer: the
// ServerHello's choice is judged against the offer and the core's suite
// table (core/cipher_suites.h). The handshake is not completed (the probe
// has no key exchange for raw hellos); the choice is what these TPs judge.
#include <algorithm>

#include "adapters/probe/pcscf_tls/answer.h"
#include "adapters/probe/pcscf_tls/hello.h"
#include "adapters/probe/pcscf_tls/tls_tps.h"
#include "core/cipher_suites.h"

namespace annexo::probe::pcscf_tls {
namespace {

bool contains(const std::vector<std::uint16_t>& v, std::uint16_t x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

Hello_Spec tls12(const Tp_Context& ctx, std::vector<std::uint16_t> suites) {
  Hello_Spec s;
  s.suites = std::move(suites);
  s.suites.push_back(0x00FF);
  s.sni = ctx.pixit.iut_fqdn;
  return s;
}

std::string suite_text(std::uint16_t code) {
  const core::SuiteInfo* info = core::find_suite(code);
  return hex16(code) + (info ? std::string(" ") + info->name : std::string(" (unknown)"));
}

}  // namespace

// TP_PC_TLS_005 (O.1.3-ALL-INTEG-ALWAYS, O.2.1-ALL-SUITE-RULES-ALL-VERSIONS):
// with the IUT's NULL opt-in, an offer of 0x0000 and the NULL-encryption
// suites never yields 0x0000 or a suite not offered.
Tp_Outcome tp_tls_005(const Tp_Context& ctx) {
  const std::vector<std::uint16_t> nulls = {0x0000, 0xC006, 0xC010, 0xC0B4, 0xC0B5};
  Answer a;
  std::string error;
  if (!offer(ctx, build_client_hello(tls12(ctx, nulls)), "iut->probe tls c1", a, error)) {
    return {Verdict::error, "IUT unreachable: " + error, {}};
  }
  Tp_Outcome o{Verdict::inconc, "", a.evidence};
  if (a.kind != Answer_Kind::server_hello) {
    o.reason = "the IUT did not choose a NULL-encryption suite (" + describe(a) +
               "): its policy may refuse NULL, the TP cannot decide";
    return o;
  }
  const bool null_with_mac =
      a.suite != 0x0000 && contains(nulls, a.suite) && core::suite_facts(a.suite).null_encryption;
  o.verdict = null_with_mac ? Verdict::pass : Verdict::fail;
  o.reason = (null_with_mac ? "chose the offered integrity-protected NULL suite "
                            : "chose a suite without integrity or not offered: ") +
             suite_text(a.suite);
  return o;
}

// TP_PC_TLS_012 (O.1.2-PC-DECIDES-SUITE, O.2.1-ALL-SUITE-RULES-ALL-VERSIONS,
// 33210-6.2.3-TLS12-PROFILE): forbidden suites first (static RSA, CBC, 3DES,
// NULL, anon), then the profile's mandatory AEAD suite for each certificate
// type (ECDSA, RSA), so an IUT with either key has one profile suite to pick.
Tp_Outcome tp_tls_012(const Tp_Context& ctx) {
  const std::vector<std::uint16_t> offered = {0x009C, 0xC013, 0x000A, 0xC006,
                                              0xC018, 0xC02B, 0xC02F};
  Answer a;
  std::string error;
  if (!offer(ctx, build_client_hello(tls12(ctx, offered)), "iut->probe tls c1", a, error)) {
    return {Verdict::error, "IUT unreachable: " + error, {}};
  }
  Tp_Outcome o{Verdict::fail, "", a.evidence};
  if (a.kind == Answer_Kind::timeout) {
    o.verdict = Verdict::inconc;
    o.reason = "no answer within timers.handshake_s";
    return o;
  }
  if (a.kind != Answer_Kind::server_hello) {
    o.reason = "the IUT refused an offer holding a profile suite: " + describe(a);
    return o;
  }
  const bool ok =
      contains(offered, a.suite) && core::suite_facts(a.suite).in_profile && a.version() == 0x0303;
  o.verdict = ok ? Verdict::pass : Verdict::fail;
  o.reason = (ok ? "chose the profile suite " : "chose a forbidden or not-offered suite ") +
             suite_text(a.suite) + " at " + hex16(a.version());
  return o;
}

// TP_PC_TLS_014 (33210-6.2.1-NO-COMPRESSION): compression {DEFLATE, null}
// must give a ServerHello with null compression; {DEFLATE} alone must be
// refused. A refusal of the first offer is not what the TP expects but
// violates no compression rule: inconc (the TP cannot see the IUT's choice).
Tp_Outcome tp_tls_014(const Tp_Context& ctx) {
  Hello_Spec both = tls12(ctx, profile_tls12_suites());
  both.suites.pop_back();  // the renegotiation_info extension is there already
  both.compression = {1, 0};
  Hello_Spec deflate = both;
  deflate.compression = {1};
  Answer a1, a2;
  std::string error;
  if (!offer(ctx, build_client_hello(both), "iut->probe tls c1 {DEFLATE,null}", a1, error) ||
      !offer(ctx, build_client_hello(deflate), "iut->probe tls c2 {DEFLATE}", a2, error)) {
    return {Verdict::error, "IUT unreachable: " + error, {}};
  }
  Tp_Outcome o{Verdict::pass, "", a1.evidence};
  o.evidence.insert(o.evidence.end(), a2.evidence.begin(), a2.evidence.end());
  if ((a1.kind == Answer_Kind::server_hello && a1.compression != 0) ||
      (a2.kind == Answer_Kind::server_hello)) {
    o.verdict = Verdict::fail;
    o.reason = "compression negotiated: {DEFLATE,null} -> " + describe(a1) + "; {DEFLATE} -> " +
               describe(a2);
    return o;
  }
  if (a1.kind == Answer_Kind::timeout || a2.kind == Answer_Kind::timeout) {
    o.verdict = Verdict::inconc;
    o.reason = "no reaction within timers.handshake_s";
    return o;
  }
  if (a1.kind != Answer_Kind::server_hello) {
    o.verdict = Verdict::inconc;
    o.reason = "{DEFLATE,null} was refused (" + describe(a1) +
               "), not answered with null compression; {DEFLATE} refused (" + describe(a2) + ")";
    return o;
  }
  o.reason = "{DEFLATE,null} -> null compression; {DEFLATE} refused (" + describe(a2) + ")";
  return o;
}

}  // namespace annexo::probe::pcscf_tls
