// The UE TPs that act on a registered UE over time (spec/test_purposes/ue.toml):
// HelloRequest (TP_UE_TLS_010) and CRLF keep-alive (TP_UE_SIP_011/012).
#include <chrono>
#include <cstdio>

#include "adapters/probe/ue_iut/client_hello_judge.h"
#include "adapters/probe/ue_iut/tps_tls.h"
#include "adapters/probe/ue_iut/ue_run.h"

namespace annexo::probe::ue_iut {

namespace {

using Clock = std::chrono::steady_clock;

double seconds(Clock::duration d) {
  return std::chrono::duration<double>(d).count();
}

std::string secs(double s) {
  char b[32];
  std::snprintf(b, sizeof b, "%.2f s", s);
  return b;
}

// TP_UE_TLS_010: once registered, the probe sends HelloRequest; the UE must
// renegotiate inside the same connection (OpenSSL's server completes a
// renegotiation only with RFC 5746 secure renegotiation, so a completed one
// carried the previous verify_data) with a profile offer.
Tp_Outcome tls_010(const Tp_Context& ctx) {
  Ue_Run run;
  Tp_Outcome o;
  if (!start_registered(ctx, {}, run, o, "initial")) return o;
  Ue_Conn& c = *run.conn(run.pcscf->requests().back().conn);
  const std::string stream = "probe<->ue tls c" + std::to_string(c.index());
  if (c.endpoint() == nullptr || !c.endpoint()->refresh_session()) {
    o.verdict = Verdict::error;
    o.reason = "test system: the probe's TLS server could not send HelloRequest";
    return o;
  }
  o.evidence.push_back({stream, 0, "HelloRequest sent after the 200"});
  run.pcscf->run_until(
      [&] { return c.handshakes() >= 2 || c.peer_closed() || run.pcscf->conns().size() > 1; },
      ctx.budget_ms("handshake_s", 5));
  if (run.pcscf->conns().size() > 1) {
    o.verdict = Verdict::fail;
    o.reason = "O.4.1-UE-RENEG-INSIDE-CONN: the UE opened a new TCP connection";
    return o;
  }
  if (c.renegotiation_offers().empty()) {
    o.verdict = c.peer_closed() ? Verdict::fail : Verdict::inconc;
    o.reason = c.peer_closed() ? "O.4.1-UE-RENEG-ON-HELLOREQUEST: the UE closed instead"
                               : "no ClientHello within timers.handshake_s; " + run.ue_state();
    return o;
  }
  const auto& offer = c.renegotiation_offers().front();
  const auto bad = judge_offer(offer, pics_true(ctx, "PICS_NULL_ENABLED"));
  o.evidence.push_back(
      {stream, 0,
       "renegotiation ClientHello with " + std::to_string(offer.size()) + " suite codes"});
  if (!bad.empty()) {
    o.verdict = Verdict::fail;
    o.reason = "renegotiation offer: " + list_violations(bad);
    return o;
  }
  if (c.handshakes() < 2 || c.tls_failed()) {
    o.verdict = Verdict::fail;
    o.reason = "RFC5746-SECURE-RENEG: the renegotiation did not complete (" + c.tls_failure() + ")";
    return o;
  }
  o.verdict = Verdict::pass;
  o.reason =
      "O.4.1-UE-RENEG-ON-HELLOREQUEST: secure renegotiation completed on the same "
      "connection with a profile offer";
  o.evidence.push_back({stream, 0, "second handshake completed"});
  return o;
}

// Flow-Timer the probe grants in TP_UE_SIP_011/012 (seconds): short, so the
// TPs take tens of seconds; RFC 5626 4.4.1 bounds scale with it.
constexpr std::uint32_t kFlowTimerS = 10;

// TP_UE_SIP_011: with Flow-Timer F, each CRLFCRLF comes 80-100 % of F after
// the previous one (or after the 200). A tolerance of 1 s on either side
// covers timer granularity (decision RD-152).
Tp_Outcome sip_011(const Tp_Context& ctx) {
  Ue_Run run;
  Tp_Outcome o;
  Registrar_Profile rp;
  rp.flow_timer_s = kFlowTimerS;
  if (!start_registered(ctx, rp, run, o, "initial")) return o;
  const Clock::time_point registered = Clock::now();
  Ue_Conn& c = *run.conn(run.pcscf->requests().back().conn);
  run.pcscf->run_until([&] { return c.pings() >= 2 || c.peer_closed(); },
                       ctx.budget_ms("keepalive_budget_s", 150));
  const auto& t = c.ping_times();
  if (t.size() < 2) {
    o.verdict = Verdict::inconc;
    o.reason = "fewer than two keep-alives within timers.keepalive_budget_s; " + run.ue_state();
    return o;
  }
  const double lo = 0.8 * kFlowTimerS - 1.0, hi = kFlowTimerS + 1.0;
  const double d1 = seconds(t[0] - registered), d2 = seconds(t[1] - t[0]);
  const std::string stream = "ue->probe sip c" + std::to_string(c.index());
  o.evidence.push_back({stream, 0,
                        "Flow-Timer " + std::to_string(kFlowTimerS) + ": CRLFCRLF " + secs(d1) +
                            " after the 200, then " + secs(d2) + " later"});
  const bool ok = d1 >= lo && d1 <= hi && d2 >= lo && d2 <= hi;
  o.verdict = ok ? Verdict::pass : Verdict::fail;
  o.reason = std::string("5626-4.4.1-UE-KEEPALIVE: intervals ") + secs(d1) + ", " + secs(d2) +
             (ok ? " within " : " outside ") + "[" + secs(lo) + ", " + secs(hi) + "]";
  return o;
}

// TP_UE_SIP_012: the probe never answers a keep-alive; 10 s after one the UE
// must close the flow and register again on a new connection.
Tp_Outcome sip_012(const Tp_Context& ctx) {
  Ue_Run run;
  Tp_Outcome o;
  Registrar_Profile rp;
  rp.flow_timer_s = kFlowTimerS;
  if (!start_run(ctx, chain_profile(ctx, "pcscf-ec"), rp, run, o)) return o;
  run.pcscf->answer_pings = false;
  if (!wait_registrations(run, 1, registration_budget(ctx))) {
    return not_registered(run, "initial");
  }
  Ue_Conn& c = *run.conn(run.pcscf->requests().back().conn);
  run.pcscf->run_until([&] { return c.pings() >= 1 || c.peer_closed(); },
                       ctx.budget_ms("keepalive_budget_s", 150));
  if (c.pings() < 1) {
    o.verdict = Verdict::inconc;
    o.reason = "no keep-alive within timers.keepalive_budget_s; " + run.ue_state();
    return o;
  }
  const Clock::time_point ping = c.ping_times().front();
  run.pcscf->run_until([&] { return run.pcscf->registrar().registrations() >= 2; },
                       10 * 1000 + ctx.budget_ms("rereg_budget_s", 60));
  const std::string stream = "ue->probe sip c" + std::to_string(c.index());
  if (!c.peer_closed()) {
    o.verdict = Verdict::fail;
    o.reason = "5626-4.4.1-UE-PONG-TIMEOUT: the connection is still in use " +
               std::to_string(c.pings()) + " keep-alive(s) after the unanswered one";
    return o;
  }
  const double after = seconds(c.closed_at() - ping);
  o.evidence.push_back({stream, 0, "CRLFCRLF unanswered; the UE closed " + secs(after) + " later"});
  if (after < 9.0) {
    o.verdict = Verdict::fail;
    o.reason = "5626-4.4.1-UE-PONG-TIMEOUT: closed " + secs(after) +
               " after the keep-alive, "
               "before 10 s";
    return o;
  }
  // RFC 5626 4.4.1: the flow has failed 10 s after the unanswered ping, so
  // a later close (e.g. at Timer F, ue_pong_timer_is_timer_f) fails too;
  // the same 1 s tolerance as below 10 s (RD-152, RD-281).
  if (after > 11.0) {
    o.verdict = Verdict::fail;
    o.reason = "5626-4.4.1-UE-PONG-TIMEOUT: closed " + secs(after) +
               " after the keep-alive, more than 10 s";
    return o;
  }
  if (run.pcscf->registrar().registrations() < 2) {
    o.verdict = Verdict::fail;
    o.reason =
        "5626-4.4.1-UE-PONG-TIMEOUT: closed, but no new registration within "
        "timers.rereg_budget_s; " +
        run.ue_state();
    return o;
  }
  const Sip_Seen& again = run.pcscf->requests().back();
  o.evidence.push_back(seen_evidence(again, " -> 200 (new registration)"));
  o.verdict = again.conn != c.index() ? Verdict::pass : Verdict::fail;
  o.reason = again.conn != c.index()
                 ? "5626-4.4.1-UE-PONG-TIMEOUT: closed " + secs(after) +
                       " after the unanswered keep-alive and registered on a new connection"
                 : "the new registration used the failed connection";
  return o;
}

}  // namespace

std::vector<Tp_Impl> ue_timer_tps() {
  return {
      {"TP_UE_TLS_010", tls_010},
      {"TP_UE_SIP_011", sip_011},
      {"TP_UE_SIP_012", sip_012},
  };
}

}  // namespace annexo::probe::ue_iut
