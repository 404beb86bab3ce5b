// TPs whose stimulus is a raw crafted ClientHello the IUT should answer: the
// ServerHello's choice is judged against the offer and the core's suite
// table (core/cipher_suites.h). The handshake is not completed (the probe
// has no key exchange for raw hellos); the choice is what these TPs judge.
#include <algorithm>
#include <optional>

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

// The profile's TLS 1.2 encrypting suites (the core's offer builder) that a
// P-CSCF can choose only with an RSA (rsa true) or only with an ECDSA
// certificate (core::pcscf_choosable's authentication rule).
std::vector<std::uint16_t> encrypting_for(bool rsa) {
  std::vector<std::uint16_t> v;
  for (const std::uint16_t code : profile_tls12_suites()) {
    const core::SuiteFacts<core::Concrete> f = core::suite_facts(code);
    if (rsa ? f.auth_rsa : f.auth_ecdsa) v.push_back(code);
  }
  return v;
}

// One hello of the NULL-beside-unusable offers (RD-390): `leading` and the
// profile's NULL suites first, then the encrypting suites of one certificate
// type. For the IUT whose certificate has the other key type, the offer holds
// an encrypting suite (it passes an offer check such as RD-21's) while every
// suite it can choose is NULL. Which key type the IUT has is not asked: both
// hellos are sent, and the other one offers it a usable encrypting suite.
struct Null_Leg {
  std::string what;
  std::string stream;
  std::vector<std::uint16_t> offered;  // without the SCSV
};
// Both hellos, or nullopt when a part of them (the NULL suites, or one
// certificate type's encrypting suites) comes out empty: a TP would then
// judge an offer it did not mean to send.
std::optional<std::vector<Null_Leg>> null_beside_unusable(const std::vector<std::uint16_t>& leading,
                                                          int first_c) {
  const std::vector<std::uint16_t> nulls = null_tls12_suites();
  if (nulls.empty()) return std::nullopt;
  std::vector<Null_Leg> legs;
  const struct {
    bool rsa;
    const char* name;
  } kinds[] = {{true, "RSA"}, {false, "ECDSA"}};
  for (const auto& k : kinds) {
    const std::vector<std::uint16_t> encrypting = encrypting_for(k.rsa);
    if (encrypting.empty()) return std::nullopt;
    Null_Leg leg;
    leg.what = std::string("NULL suites + ") + k.name + "-only encrypting suites";
    leg.stream = "iut->probe tls c" + std::to_string(first_c++) + " (" + leg.what + ")";
    leg.offered = leading;
    leg.offered.insert(leg.offered.end(), nulls.begin(), nulls.end());
    leg.offered.insert(leg.offered.end(), encrypting.begin(), encrypting.end());
    legs.push_back(std::move(leg));
  }
  return legs;
}
const char* const kNullLegsUnbuildable =
    "the probe could not build its offers of NULL beside encrypting suites (the core's offer "
    "builder or suite table gave an empty part)";

}  // namespace

// TP_PC_TLS_005 (O.1.3-ALL-INTEG-ALWAYS, O.2.1-ALL-SUITE-RULES-ALL-VERSIONS):
// with the IUT's NULL opt-in, an offer of 0x0000 and the NULL-encryption
// suites never yields 0x0000 or a suite not offered. An IUT may refuse a
// NULL-only offer (annexo's pcscf does, RD-21), so two more hellos add the
// encrypting suites of one certificate type (RD-390): for one of them the
// IUT's only choosable suites are NULL. A leg answered with an offered
// encrypting suite, or refused, tells nothing about integrity.
Tp_Outcome tp_tls_005(const Tp_Context& ctx) {
  std::optional<std::vector<Null_Leg>> beside = null_beside_unusable({0x0000}, 2);
  if (!beside) return {Verdict::error, kNullLegsUnbuildable, {}};
  std::vector<Null_Leg> legs = {
      {"a NULL-only offer", "iut->probe tls c1", {0x0000, 0xC006, 0xC010, 0xC0B4, 0xC0B5}}};
  for (Null_Leg& l : *beside) legs.push_back(std::move(l));
  Tp_Outcome o{Verdict::inconc, "", {}};
  std::string seen, chosen;
  for (const Null_Leg& leg : legs) {
    Answer a;
    std::string error;
    if (!offer(ctx, build_client_hello(tls12(ctx, leg.offered)), leg.stream, a, error)) {
      return {Verdict::error, "IUT unreachable: " + error, {}};
    }
    o.evidence.insert(o.evidence.end(), a.evidence.begin(), a.evidence.end());
    seen += (seen.empty() ? "" : "; ") + leg.what + " -> " + describe(a);
    if (a.kind != Answer_Kind::server_hello) continue;
    if (a.suite == 0x0000 || !contains(leg.offered, a.suite)) {
      o.verdict = Verdict::fail;
      o.reason =
          leg.what + ": chose a suite without integrity or not offered: " + suite_text(a.suite);
      return o;
    }
    if (core::suite_facts(a.suite).null_encryption && chosen.empty()) {
      chosen =
          leg.what + ": chose the offered integrity-protected NULL suite " + suite_text(a.suite);
    }
  }
  if (!chosen.empty()) {
    o.verdict = Verdict::pass;
    o.reason = chosen;
  } else {
    o.reason = "the IUT chose no NULL-encryption suite (" + seen +
               "): its policy may refuse NULL, the TP cannot decide";
  }
  return o;
}

// TP_PC_TLS_023 (O.2.1-ALL-NULL-MAY, O.2.1-ALL-PROFILE,
// O.2.1-ALL-SUITE-RULES-ALL-VERSIONS): without the IUT's NULL opt-in, NULL
// suites beside encrypting suites its certificate cannot serve (RD-390).
// TP_PC_TLS_004's NULL-only offer may be refused for holding no encrypting
// suite at all (RD-21), before the IUT's choice is asked; this offer passes
// that check, so a P-CSCF choosing NULL without the opt-in shows it here.
Tp_Outcome tp_tls_023(const Tp_Context& ctx) {
  const std::optional<std::vector<Null_Leg>> legs = null_beside_unusable({}, 1);
  if (!legs) return {Verdict::error, kNullLegsUnbuildable, {}};
  Tp_Outcome o{Verdict::pass, "", {}};
  std::string seen;
  for (const Null_Leg& leg : *legs) {
    Answer a;
    std::string error;
    if (!offer(ctx, build_client_hello(tls12(ctx, leg.offered)), leg.stream, a, error)) {
      return {Verdict::error, "IUT unreachable: " + error, {}};
    }
    o.evidence.insert(o.evidence.end(), a.evidence.begin(), a.evidence.end());
    Verdict v = Verdict::pass;
    std::string why;
    switch (a.kind) {
      case Answer_Kind::server_hello:
        if (contains(leg.offered, a.suite) && core::suite_encrypts(a.suite)) {
          why = "chose the offered encrypting suite " + suite_text(a.suite);
        } else {
          v = Verdict::fail;
          why = "chose " + suite_text(a.suite) +
                (contains(leg.offered, a.suite) ? " without the NULL opt-in" : ", not offered");
        }
        break;
      case Answer_Kind::sslv2_server_hello:
        v = Verdict::fail;
        why = "answered with " + describe(a);
        break;
      case Answer_Kind::alert:
      case Answer_Kind::closed:
        why = "refused: " + describe(a);
        break;
      case Answer_Kind::timeout:
        v = Verdict::inconc;
        why = "no answer and no close within timers.handshake_s";
        break;
    }
    const std::string line = leg.what + " " + why;
    seen += (seen.empty() ? "" : "; ") + line;
    if (probe_data::worse(o.verdict, v) != o.verdict) {
      o.verdict = v;
      o.reason = line;
    }
  }
  if (o.verdict == Verdict::pass) o.reason = seen;
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
