// TP_UE_TLS_*: the UE's ClientHello and its reaction to TLS-level
// misbehaviour of the P-CSCF (spec/test_purposes/ue.toml).
#include "adapters/probe/ue_iut/tps_tls.h"

#include <cstdio>

#include "adapters/probe/ue_iut/client_hello_judge.h"
#include "adapters/probe/ue_iut/crafted.h"
#include "adapters/probe/ue_iut/ue_run.h"
#include "core/cipher_suites.h"

namespace annexo::probe::ue_iut {

namespace {

// TP_UE_TLS_001: the ClientHello judged by the core (client_hello_judge.h).
Tp_Outcome tls_001(const Tp_Context& ctx) {
  Ue_Run run;
  Tp_Outcome o;
  if (!start_run(ctx, chain_profile(ctx, "pcscf-ec"), {}, run, o)) return o;
  if (!run.wait_client_hello(ctx.budget_ms("ue_start_s", 10)) ||
      !read_ue_wire(run.conn()->from_ue()).client_hello) {
    return no_client_hello(run);
  }
  const auto& bytes = run.conn()->from_ue();
  const Hello_Judgement j =
      judge_client_hello(bytes, pics_true(ctx, "PICS_TLS13"), pics_true(ctx, "PICS_NULL_ENABLED"));
  o.evidence.push_back({"ue->probe tls c0", 0, "ClientHello " + j.summary});
  if (j.violations.empty()) {
    o.verdict = Verdict::pass;
    o.reason = "ClientHello within the profile (core reader and checks)";
    return o;
  }
  o.verdict = Verdict::fail;
  o.reason = list_violations(j.violations);
  return o;
}

// TP_UE_TLS_002: a good TLS 1.2 P-CSCF; the handshake completes at 0x0303.
Tp_Outcome tls_002(const Tp_Context& ctx) {
  Ue_Run run;
  Tp_Outcome o;
  if (!start_run(ctx, chain_profile(ctx, "pcscf-ec"), {}, run, o)) return o;
  o = judge_accepted(ctx, run, "33210-6.2.1-TLS12-MANDATORY");
  if (o.verdict == Verdict::pass) {
    const auto& f = run.conn()->last_handshake();
    o.evidence.push_back(
        {"probe tls c0", 0, "negotiated version=" + hex4(f.version) + " suite=" + hex4(f.suite)});
    if (f.version != 0x0303) {
      o.verdict = Verdict::fail;
      o.reason = "handshake completed at " + hex4(f.version) + ", not TLS 1.2";
    }
  }
  return o;
}

// TP_UE_TLS_003: a TLS 1.3 P-CSCF; the UE offers 0x0304 within the profile
// (the core's judgement with TLS 1.3 claimed) and the handshake completes
// at TLS 1.3 with a REGISTER over it.
Tp_Outcome tls_003(const Tp_Context& ctx) {
  Ue_Run run;
  Tp_Outcome o;
  Tls_Profile p = chain_profile(ctx, "pcscf-ec");
  p.tls13 = true;
  if (!start_run(ctx, p, {}, run, o)) return o;
  o = judge_accepted(ctx, run, "33210-6.2.1-TLS13-MANDATORY");
  Ue_Conn* c = run.conn();
  if (c == nullptr || !read_ue_wire(c->from_ue()).client_hello) return o;
  const Hello_Judgement j =
      judge_client_hello(c->from_ue(), true, pics_true(ctx, "PICS_NULL_ENABLED"));
  o.evidence.push_back({"ue->probe tls c0", 0, "ClientHello " + j.summary});
  std::vector<std::string> bad = j.violations;
  if (!j.offers_tls13) bad.insert(bad.begin(), "no 0x0304 in supported_versions");
  const auto& f = c->last_handshake();
  if (o.verdict == Verdict::pass && f.version != 0x0304) {
    bad.push_back("handshake completed at " + hex4(f.version) + ", not TLS 1.3");
  }
  if (!bad.empty()) {
    o.verdict = Verdict::fail;
    o.reason = "33210-6.2.2-RFC8446-9.1: " + list_violations(bad);
  } else if (o.verdict == Verdict::pass) {
    o.reason = "TLS 1.3 offered within the profile; handshake at 0x0304 and REGISTER over it";
  }
  return o;
}

// The offered suites of the first ClientHello (empty when unreadable).
std::vector<std::uint16_t> offered(const Ue_Run& run) {
  return judge_client_hello(run.conn()->from_ue(), true, true).suites;
}

// TP_UE_TLS_004/_005/_006/_007/_008: one crafted ServerHello after the
// UE's ClientHello; the UE must refuse before any SIP.
Tp_Outcome crafted_refusal(const Tp_Context& ctx, const std::string& rule, bool alert_required,
                           const std::function<bool(const std::vector<std::uint16_t>&,
                                                    Crafted_Hello&, std::string&)>& make) {
  Ue_Run run;
  Tp_Outcome o;
  if (!start_run(ctx, Tls_Profile{}, {}, run, o)) return o;
  if (!run.wait_client_hello(ctx.budget_ms("ue_start_s", 10)) ||
      !read_ue_wire(run.conn()->from_ue()).client_hello) {
    return no_client_hello(run);
  }
  Crafted_Hello h;
  std::string why;
  if (!make(offered(run), h, why)) {
    o.verdict = Verdict::inconc;
    o.reason = why;
    return o;
  }
  const auto sh = server_hello_record(h);
  run.conn()->write_raw(sh);
  o = judge_refusal(ctx, run, rule, alert_required);
  o.evidence.insert(o.evidence.begin(),
                    Evidence{"probe->ue tls c0", 0,
                             "crafted ServerHello " + hex_at(sh, 0, 11) + " suite=" +
                                 hex4(h.suite) + " compression=" + std::to_string(h.compression)});
  return o;
}

// A profile TLS 1.2 suite the UE offered (ECDSA first), for crafted hellos.
std::uint16_t offered_profile_suite(const std::vector<std::uint16_t>& suites) {
  for (const bool ecdsa : {true, false}) {
    for (const std::uint16_t s : suites) {
      const auto f = core::suite_facts(s);
      if (f.in_profile && f.for_tls12 && f.auth_ecdsa == ecdsa) return s;
    }
  }
  return 0;
}

Tp_Outcome tls_legacy(const Tp_Context& ctx, std::uint16_t version) {
  return crafted_refusal(ctx, "33210-6.2.1-NO-LEGACY-VERSIONS", false,
                         [version](const auto&, Crafted_Hello& h, std::string&) {
                           h.version = version;
                           h.suite = 0xC013;  // ECDHE_RSA_WITH_AES_128_CBC_SHA: defined there
                           return true;
                         });
}

Tp_Outcome tls_006(const Tp_Context& ctx) {
  return crafted_refusal(ctx, "O.2.1-ALL-SUITE-RULES-ALL-VERSIONS", true,
                         [](const auto&, Crafted_Hello& h, std::string&) {
                           h.suite = 0xC006;  // TLS_ECDHE_ECDSA_WITH_NULL_SHA
                           return true;
                         });
}

// TP_UE_TLS_007: a ServerHello choosing a suite the UE did not offer (RFC
// 5246 7.4.1.3, RFC 8446 4.1.3: the client aborts with illegal_parameter;
// O.1.2/O.1.3: only what TLS negotiated protects). The code, first match:
//  1. a TLS 1.2 profile suite absent from the offer: only "not offered" is
//     wrong with it, so a refusal is for that rule alone;
//  2. else (the UE offers every profile suite, as annexo's ue does) an
//     assigned suite shaped like the profile's (ECDHE, ECDSA, AEAD) but in no
//     profile and no usual offer (RD-277): TLS_ECDHE_ECDSA_WITH_ARIA_128_GCM_SHA256
//     (0xC05C), TLS_ECDHE_ECDSA_WITH_CAMELLIA_128_GCM_SHA256 (0xC086). Not
//     NULL or export (TP_UE_TLS_006's case), not unassigned (a parser could
//     refuse an unknown code before comparing it with the offer).
Tp_Outcome tls_007(const Tp_Context& ctx) {
  return crafted_refusal(
      ctx, "O.1.2-ALL-CONF-NEGOTIATED-IN-TLS", true,
      [](const std::vector<std::uint16_t>& suites, Crafted_Hello& h, std::string& why) {
        const auto in_offer = [&suites](std::uint16_t c) {
          for (const std::uint16_t s : suites) {
            if (s == c) return true;
          }
          return false;
        };
        for (std::uint32_t code = 0; code <= 0xFFFF; ++code) {
          const auto c = static_cast<std::uint16_t>(code);
          const auto f = core::suite_facts(c);
          if (f.in_profile && f.for_tls12 && !in_offer(c)) {
            h.suite = c;
            return true;
          }
        }
        for (const std::uint16_t c : {std::uint16_t{0xC05C}, std::uint16_t{0xC086}}) {
          if (!in_offer(c)) {
            h.suite = c;
            return true;
          }
        }
        why =
            "the UE offered every TLS 1.2 profile suite and 0xC05C and 0xC086 (nothing left "
            "to choose)";
        return false;
      });
}

Tp_Outcome tls_008(const Tp_Context& ctx) {
  return crafted_refusal(
      ctx, "33210-6.2.1-NO-COMPRESSION", true,
      [](const std::vector<std::uint16_t>& suites, Crafted_Hello& h, std::string& why) {
        h.suite = offered_profile_suite(suites);
        h.compression = 1;  // DEFLATE
        if (h.suite == 0) why = "no TLS 1.2 profile suite in the offer";
        return h.suite != 0;
      });
}

}  // namespace

// TP_UE_TLS_009: a CertificateRequest; an empty Certificate or an abort.
// `p`: the probe's own server asking for a certificate, or a relay to a
// third-party server that does (RD-211).
Tp_Outcome judge_certificate_request(const Tp_Context& ctx, const Tls_Profile& p) {
  Ue_Run run;
  Tp_Outcome o;
  if (!start_run(ctx, p, {}, run, o)) return o;
  if (!run.wait_client_hello(ctx.budget_ms("ue_start_s", 10))) {
    return no_client_hello(run);
  }
  Ue_Conn& c = *run.conn();
  run.pcscf->run_until(
      [&] {
        const Ue_Wire w = read_ue_wire(c.from_ue());
        return c.peer_closed() || w.client_certificate || w.change_cipher_spec || !w.alerts.empty();
      },
      ctx.budget_ms("handshake_s", 5));
  const Ue_Wire w = read_ue_wire(c.from_ue());
  if (w.client_certificate) {
    o.evidence.push_back({"ue->probe tls c0", w.client_certificate_offset,
                          "Certificate " + hex_at(c.from_ue(), w.client_certificate_offset, 12)});
    o.verdict = w.client_certificate_list_size == 0 ? Verdict::pass : Verdict::fail;
    o.reason = w.client_certificate_list_size == 0
                   ? "RFC5246-EMPTY-CLIENT-CERT: empty client Certificate"
                   : "a non-empty client Certificate (" +
                         std::to_string(w.client_certificate_list_size) + " bytes of list)";
    return o;
  }
  for (const Wire_Alert& a : w.alerts) {
    if (a.cleartext && a.level == 2) {
      o.verdict = Verdict::pass;
      o.reason = "the UE aborted with " + alert_text(a.description);
      o.evidence.push_back(
          {"ue->probe tls c0", a.offset, "fatal alert " + hex_at(c.from_ue(), a.offset, 7)});
      return o;
    }
  }
  if (c.peer_closed()) {
    o.verdict = Verdict::pass;
    o.reason = "the UE closed the connection (abort)";
    return o;
  }
  o.verdict = Verdict::inconc;
  o.reason = "no answer to the CertificateRequest within timers.handshake_s; " + run.ue_state();
  return o;
}

namespace {

Tp_Outcome tls_009(const Tp_Context& ctx) {
  Tls_Profile p = chain_profile(ctx, "pcscf-ec");
  p.request_client_certificate = true;
  return judge_certificate_request(ctx, p);
}

}  // namespace

std::vector<Tp_Impl> ue_tls_tps() {
  return {
      {"TP_UE_TLS_001", tls_001},
      {"TP_UE_TLS_002", tls_002},
      {"TP_UE_TLS_003", tls_003},
      {"TP_UE_TLS_004", [](const Tp_Context& c) { return tls_legacy(c, 0x0301); }},
      {"TP_UE_TLS_005", [](const Tp_Context& c) { return tls_legacy(c, 0x0302); }},
      {"TP_UE_TLS_006", tls_006},
      {"TP_UE_TLS_007", tls_007},
      {"TP_UE_TLS_008", tls_008},
      {"TP_UE_TLS_009", tls_009},
  };
}

}  // namespace annexo::probe::ue_iut
