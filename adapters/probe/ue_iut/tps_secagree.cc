// TP_UE_SIP_008..010: the UE in its sec-agree variant (O.2, RFC 3329) starts
// with an unprotected REGISTER on the probe's plain port (PIXIT
// probe.secagree_port, started by [ue] secagree_command). The probe answers
// it with a 401 carrying the Digest challenge and a Security-Server of the
// TP's choosing (decision RD-153: TS 24.229's form of the sec-agree answer).
#include "adapters/probe/ue_iut/client_hello_judge.h"
#include "adapters/probe/ue_iut/tps_tls.h"
#include "adapters/probe/ue_iut/ue_run.h"
#include "adapters/sip/headers.h"

namespace annexo::probe::ue_iut {

namespace {

using Secagree = Registrar_Profile::Secagree;

const Sip_Seen* first_plain(const std::vector<Sip_Seen>& reqs) {
  for (const auto& s : reqs) {
    if (s.plain) return &s;
  }
  return nullptr;
}

// The mechanism names of a Security-Client / -Verify value ("" unparsable).
std::vector<std::string> mechanisms(const sip::Message& m, const char* header) {
  std::vector<std::string> out;
  const std::string v = m.joined(header);
  auto list = sip::parse_security(v, header);
  if (!list.ok()) return out;
  for (const auto& mech : *list) out.push_back(mech.name);
  return out;
}

Tp_Outcome no_plain_register(Ue_Run& run) {
  if (run.pcscf->conns().empty()) {
    Tp_Outcome o = no_client_hello(run);
    if (o.verdict == Verdict::inconc)
      o.reason = "no unprotected REGISTER within timers.ue_start_s; " + run.ue_state();
    return o;
  }
  Tp_Outcome o;
  o.verdict = Verdict::inconc;
  o.reason = "no unprotected REGISTER within timers.ue_start_s; " + run.ue_state();
  return o;
}

// Starts the sec-agree variant and waits for the unprotected REGISTER.
const Sip_Seen* start_secagree(const Tp_Context& ctx, Ue_Run& run, Secagree mode, Tp_Outcome& o) {
  Registrar_Profile rp;
  rp.secagree = mode;
  if (!start_run(ctx, chain_profile(ctx, "pcscf-ec"), rp, run, o, 0, true)) return nullptr;
  const auto& reqs = run.pcscf->requests();
  run.pcscf->run_until([&] { return first_plain(reqs) != nullptr || run.ue_gone(); },
                       ctx.budget_ms("ue_start_s", 10));
  const Sip_Seen* plain = first_plain(reqs);
  if (plain == nullptr) {
    o = no_plain_register(run);
    return nullptr;
  }
  o.evidence.push_back(
      {"ue->probe sip plain c" + std::to_string(plain->conn), plain->offset,
       plain->first_line + " Security-Client: " + plain->message.joined("Security-Client")});
  return plain;
}

// TP_UE_SIP_008: Security-Client lists only tls; after Security-Server: tls
// the next REGISTER is the first SIP message of a new TLS connection and
// echoes Security-Verify.
Tp_Outcome sip_008(const Tp_Context& ctx) {
  Ue_Run run;
  Tp_Outcome o;
  const Sip_Seen* plain = start_secagree(ctx, run, Secagree::offer_tls, o);
  if (plain == nullptr) return o;
  const auto client = mechanisms(plain->message, "Security-Client");
  const auto& reqs = run.pcscf->requests();
  const auto tls_register = [&]() -> const Sip_Seen* {
    for (const auto& s : reqs) {
      if (!s.plain && s.message.method == "REGISTER") return &s;
    }
    return nullptr;
  };
  run.pcscf->run_until([&] { return tls_register() != nullptr || run.ue_gone(); },
                       ctx.budget_ms("handshake_s", 5) + ctx.budget_ms("sip_response_s", 5));
  std::vector<std::string> bad;
  if (client.empty()) bad.push_back("no parsable Security-Client");
  for (const auto& m : client) {
    if (m != "tls") bad.push_back("Security-Client offers " + m);
  }
  const Sip_Seen* r = tls_register();
  if (r == nullptr) {
    if (!bad.empty()) {
      o.verdict = Verdict::fail;
      o.reason = "RFC3329-UE-PICK-MECH: " + list_violations(bad);
      return o;
    }
    o.verdict = Verdict::inconc;
    o.reason = "no REGISTER over TLS within the budget; " + run.ue_state();
    return o;
  }
  const std::string verify = r->message.joined("Security-Verify");
  o.evidence.push_back(seen_evidence(*r, " Security-Verify: " + verify));
  bool first_on_conn = true;
  for (const auto& s : reqs) {
    if (&s == r) break;
    if (s.conn == r->conn) first_on_conn = false;
  }
  if (!first_on_conn) bad.push_back("the REGISTER is not the first SIP message on its connection");
  auto sent = sip::parse_security(run.pcscf->registrar().security_server(), "Security-Server");
  auto echoed = sip::parse_security(verify, "Security-Verify");
  if (!sent.ok() || !echoed.ok() || !sip::same_security_lists(*sent, *echoed)) {
    bad.push_back("Security-Verify '" + verify + "' does not echo Security-Server '" +
                  run.pcscf->registrar().security_server() + "'");
  }
  o.verdict = bad.empty() ? Verdict::pass : Verdict::fail;
  o.reason = bad.empty()
                 ? "RFC3329-UE-PICK-MECH: Security-Client tls only; REGISTER first on a new "
                   "TLS connection with Security-Verify echoing Security-Server"
                 : "RFC3329-UE-PICK-MECH: " + list_violations(bad);
  return o;
}

// TP_UE_SIP_009: Security-Server ipsec-3gpp only: no credentials, no
// ipsec-3gpp offered.
Tp_Outcome sip_009(const Tp_Context& ctx) {
  Ue_Run run;
  Tp_Outcome o;
  if (start_secagree(ctx, run, Secagree::offer_ipsec_only, o) == nullptr) return o;
  run.pcscf->run_until([&] { return run.ue_gone(); }, ctx.budget_ms("sip_response_s", 5));
  for (const auto& s : run.pcscf->requests()) {
    for (const auto& m : mechanisms(s.message, "Security-Client")) {
      if (m == "ipsec-3gpp") {
        o.verdict = Verdict::fail;
        o.reason = "N.1-NO-IPSEC-WITH-DIGEST: the UE offers ipsec-3gpp";
        o.evidence.push_back(seen_evidence(s));
        return o;
      }
    }
    if (s.has_credentials) {
      o.verdict = Verdict::fail;
      o.reason = "O.3.2-SECSETUP-ERRORS: credentials sent without an acceptable mechanism";
      o.evidence.push_back(seen_evidence(s, " (Authorization)"));
      return o;
    }
  }
  o.verdict = Verdict::pass;
  o.reason =
      "O.3.2-SECSETUP-ERRORS: after Security-Server ipsec-3gpp only, no credentials and no "
      "ipsec-3gpp within timers.sip_response_s";
  return o;
}

// TP_UE_SIP_010: a 401 with a Digest challenge and no Security-Server on the
// plain connection: no Digest response may leave the UE outside TLS.
Tp_Outcome sip_010(const Tp_Context& ctx) {
  Ue_Run run;
  Tp_Outcome o;
  if (start_secagree(ctx, run, Secagree::no_security_server, o) == nullptr) return o;
  run.pcscf->run_until([&] { return run.ue_gone(); }, ctx.budget_ms("sip_response_s", 5));
  for (const auto& s : run.pcscf->requests()) {
    if (s.plain && s.has_credentials) {
      o.verdict = Verdict::fail;
      o.reason = "O.2-ALL-SM7-OVER-TLS: a Digest response on the plain connection";
      o.evidence.push_back(seen_evidence(s, " (Authorization)"));
      return o;
    }
  }
  o.verdict = Verdict::pass;
  o.reason = "O.2-ALL-SM7-OVER-TLS: no Digest response outside TLS within timers.sip_response_s";
  return o;
}

}  // namespace

std::vector<Tp_Impl> ue_secagree_tps() {
  return {
      {"TP_UE_SIP_008", sip_008},
      {"TP_UE_SIP_009", sip_009},
      {"TP_UE_SIP_010", sip_010},
  };
}

}  // namespace annexo::probe::ue_iut
