// TP_UE_SIP_*: registration behaviour of the UE (spec/test_purposes/ue.toml).
// The probe is a good TLS P-CSCF (pki_dir pcscf-ec) with the registrar of
// registrar.h; each TP switches one answer or drops the connection. Every
// request is named by its connection and its offset in that connection's
// decrypted SIP stream.
#include <algorithm>

#include "adapters/probe/ue_iut/client_hello_judge.h"
#include "adapters/probe/ue_iut/tps_tls.h"
#include "adapters/probe/ue_iut/ue_run.h"
#include "adapters/sip/headers.h"

namespace annexo::probe::ue_iut {

namespace {

using Answer = Registrar_Profile::Answer;

const Sip_Seen* first_with_credentials(const std::vector<Sip_Seen>& reqs, std::size_t from = 0) {
  for (std::size_t i = from; i < reqs.size(); ++i) {
    if (reqs[i].message.method == "REGISTER" && reqs[i].has_credentials) return &reqs[i];
  }
  return nullptr;
}

// The expiry a REGISTER asks for: the first Contact's expires parameter when
// it has one, otherwise the Expires header; "(none)" without either.
std::string requested_expires(const sip::Message& m) {
  for (const std::string* c : m.all("Contact")) {
    auto cs = sip::parse_contacts(*c);
    if (!cs.ok() || cs->list.empty()) continue;
    if (auto e = sip::contact_expires(cs->list.front())) return std::to_string(*e);
    break;
  }
  const std::string* ex = m.first("Expires");
  return ex != nullptr ? *ex : std::string("(none)");
}

// TP_UE_SIP_001: Digest registration over TLS, one run per claimed algorithm.
Tp_Outcome sip_001_run(const Tp_Context& ctx, sip::DigestAlgorithm alg) {
  Ue_Run run;
  run.what = sip::algorithm_name(alg);
  Tp_Outcome o;
  Registrar_Profile rp;
  rp.algorithm = alg;
  if (!start_run(ctx, chain_profile(ctx, "pcscf-ec"), rp, run, o)) return o;
  const bool done = wait_registrations(run, 1, registration_budget(ctx));
  const auto& reqs = run.pcscf->requests();
  if (reqs.empty()) return not_registered(run, "no REGISTER");
  const Sip_Seen& first = reqs.front();
  o.evidence.push_back(seen_evidence(first));
  std::vector<std::string> bad;
  if (first.message.method != "REGISTER") bad.push_back("first request is " + first.message.method);
  // O.2-UE-VARIANT-TLS-FIRST: no Security-Client on the TLS-first REGISTER.
  if (first.message.first("Security-Client") != nullptr) {
    bad.push_back("Security-Client in the TLS-first REGISTER");
  }
  if (first.has_credentials) bad.push_back("credentials before any challenge");
  // 24229-5.1.1.2-DEFAULT-EXPIRES: the UE asks for 600000 s, in the Expires
  // header or in the Contact's expires parameter (TS 24.229 5.1.1.2.1 allows
  // either; the parameter, when present, is what the registrar uses for that
  // contact, RFC 3261 10.2.1.1; RD-210).
  const std::string asked = requested_expires(first.message);
  o.evidence.push_back({sip_stream(first.conn), first.offset, "expiry asked: " + asked});
  if (asked != "600000") bad.push_back("registration expiry asked is not 600000");
  const Sip_Seen* creds = first_with_credentials(reqs);
  if (creds == nullptr) {
    if (!done) return not_registered(run, "no REGISTER with credentials");
    bad.push_back("registered without credentials");
  } else {
    const std::string* auth = creds->message.first("Authorization");
    o.evidence.push_back(
        seen_evidence(*creds, " Authorization: " + (auth != nullptr ? *auth : std::string())));
    auto c = sip::parse_credentials(auth != nullptr ? *auth : std::string());
    if (!c.ok() || c->username != ctx.pixit.users.front().impi) {
      bad.push_back("Authorization username is not the IMPI");
    }
    // N.1-DIGEST-RFC7616, O.1.1-ALL-DIGEST-REQUIRED: the shared verifier's word.
    if (creds->digest_verdict != "ok") bad.push_back("Digest check: " + creds->digest_verdict);
  }
  if (bad.empty() && done) {
    o.verdict = Verdict::pass;
    o.reason =
        "REGISTER over TLS without Security-Client, expiry 600000, correct Digest response, "
        "registered";
    return o;
  }
  o.verdict = bad.empty() ? Verdict::inconc : Verdict::fail;
  for (const auto& b : bad) o.reason += (o.reason.empty() ? "" : "; ") + b;
  if (bad.empty()) o.reason = "not registered within the budget; " + run.ue_state();
  return o;
}

Tp_Outcome sip_001(const Tp_Context& ctx) {
  Tp_Outcome all;
  if (pics_true(ctx, "PICS_DIGEST_MD5") || !pics_true(ctx, "PICS_DIGEST_SHA256")) {
    merge(all, sip_001_run(ctx, sip::DigestAlgorithm::md5), "MD5");
  }
  if (pics_true(ctx, "PICS_DIGEST_SHA256")) {
    merge(all, sip_001_run(ctx, sip::DigestAlgorithm::sha256), "SHA-256");
  }
  return all;
}

// TP_UE_SIP_002: +sip.instance, reg-id and Supported: outbound.
Tp_Outcome sip_002(const Tp_Context& ctx) {
  Ue_Run run;
  Tp_Outcome o;
  if (!start_run(ctx, chain_profile(ctx, "pcscf-ec"), {}, run, o)) return o;
  run.pcscf->run_until([&] { return !run.pcscf->requests().empty() || run.ue_gone(); },
                       registration_budget(ctx));
  const auto& reqs = run.pcscf->requests();
  if (reqs.empty()) return not_registered(run, "no REGISTER");
  const Sip_Seen& r = reqs.front();
  const std::string contact = r.message.joined("Contact");
  const std::string supported = r.message.joined("Supported");
  o.evidence.push_back(seen_evidence(r, " Contact: " + contact + " Supported: " + supported));
  bool instance = false, reg_id = false, outbound = false;
  if (auto cs = sip::parse_contacts(contact); cs.ok()) {
    for (const auto& na : cs->list) {
      instance = instance || sip::contact_instance(na).has_value();
      reg_id = reg_id || sip::contact_reg_id(na).has_value();
    }
  }
  if (auto tags = sip::parse_option_tags(supported, "Supported"); tags.ok()) {
    outbound = std::find(tags->begin(), tags->end(), "outbound") != tags->end();
  }
  o.verdict = instance && reg_id && outbound ? Verdict::pass : Verdict::fail;
  o.reason = std::string("5626-4.2-UE-INSTANCE-REGID: +sip.instance ") + (instance ? "yes" : "no") +
             ", reg-id " + (reg_id ? "yes" : "no") + ", Supported outbound " +
             (outbound ? "yes" : "no");
  return o;
}

// The requests and pings on connection `conn` after the first 200.
std::size_t requests_after(const std::vector<Sip_Seen>& reqs, std::size_t conn, std::size_t from) {
  std::size_t n = 0;
  for (std::size_t i = from; i < reqs.size(); ++i) n += reqs[i].conn == conn ? 1 : 0;
  return n;
}

// TP_UE_SIP_003: a wrong rspauth in the 200; the UE must treat the
// registration as failed and close, never use the connection. The 200
// grants a short Flow-Timer, so a UE that takes itself as registered sends a
// keep-alive (RFC 5626 4.4.1: at 80-100 % of it) within the close budget
// instead of idling silently past it (ue_rspauth_not_checked, RD-281).
constexpr std::uint32_t kRspauthFlowTimerS = 3;

Tp_Outcome sip_003(const Tp_Context& ctx) {
  Ue_Run run;
  Tp_Outcome o;
  Registrar_Profile rp;
  rp.answer = Answer::bad_rspauth;
  rp.flow_timer_s = kRspauthFlowTimerS;
  if (!start_registered(ctx, rp, run, o, "no 200 carrying the wrong rspauth sent")) return o;
  const auto& reqs = run.pcscf->requests();
  const std::size_t after = reqs.size();
  const Sip_Seen& ok = reqs.back();
  o.evidence.push_back(seen_evidence(ok, " -> 200 with a wrong rspauth"));
  Ue_Conn& c = *run.conn(ok.conn);
  const int pings0 = c.pings();
  run.pcscf->run_until(
      [&] {
        return c.peer_closed() || requests_after(reqs, ok.conn, after) > 0 || c.pings() > pings0;
      },
      ctx.budget_ms("close_budget_s", 5));
  const std::size_t later = requests_after(reqs, ok.conn, after);
  if (later > 0 || c.pings() > pings0) {
    o.verdict = Verdict::fail;
    o.reason = "N.2-UE-VERIFY-RSPAUTH: the UE used the connection after the bad rspauth";
    if (later > 0)
      o.evidence.push_back(seen_evidence(reqs[after]));
    else
      o.evidence.push_back({"ue->probe tls c" + std::to_string(ok.conn), c.from_ue().size(),
                            "CRLFCRLF keep-alive (Flow-Timer " +
                                std::to_string(kRspauthFlowTimerS) + " in the 200)"});
    return o;
  }
  if (c.peer_closed()) {
    o.verdict = Verdict::pass;
    o.reason = "N.2-UE-VERIFY-RSPAUTH: the UE closed the connection, no request after the 200";
    o.evidence.push_back({"ue->probe tls c" + std::to_string(ok.conn), c.from_ue().size(),
                          std::string(c.close_notify() ? "close_notify, " : "") + "FIN"});
    return o;
  }
  o.verdict = Verdict::inconc;
  o.reason = "neither a close nor a request within timers.close_budget_s; " + run.ue_state();
  return o;
}

// TP_UE_SIP_004: 403 to the credentials REGISTER; close_notify and FIN.
Tp_Outcome sip_004(const Tp_Context& ctx) {
  Ue_Run run;
  Tp_Outcome o;
  Registrar_Profile rp;
  rp.answer = Answer::forbidden;
  if (!start_run(ctx, chain_profile(ctx, "pcscf-ec"), rp, run, o)) return o;
  const auto& reqs = run.pcscf->requests();
  run.pcscf->run_until([&] { return first_with_credentials(reqs) != nullptr || run.ue_gone(); },
                       registration_budget(ctx));
  const Sip_Seen* creds = first_with_credentials(reqs);
  if (creds == nullptr && run.pcscf->conns().empty()) return no_client_hello(run);
  if (creds == nullptr) {
    o.verdict = Verdict::inconc;
    o.reason = "no credentials REGISTER within timers.sip_response_s after the challenge; " +
               run.ue_state();
    return o;
  }
  const std::size_t conn = creds->conn;
  o.evidence.push_back(seen_evidence(*creds, " -> 403"));
  Ue_Conn& c = *run.conn(conn);
  run.pcscf->run_until([&] { return c.peer_closed(); }, ctx.budget_ms("close_budget_s", 5));
  const std::string stream = "ue->probe tls c" + std::to_string(conn);
  if (!c.peer_closed()) {
    o.verdict = Verdict::fail;
    o.reason =
        "O.3.1.1-UE-CLOSE-ON-AUTH-FAIL: the connection is still open after "
        "timers.close_budget_s";
    return o;
  }
  if (!c.close_notify()) {
    o.verdict = Verdict::fail;
    o.reason = "O.3.1.1-UE-CLOSE-ON-AUTH-FAIL: FIN without close_notify";
    o.evidence.push_back({stream, c.from_ue().size(), "FIN"});
    return o;
  }
  o.evidence.push_back({stream, c.from_ue().size(), "close_notify (decrypted), then FIN"});
  // A later connection must not offer the discarded session (the probe's
  // server never resumes, so any later handshake is full; the offer is
  // what the UE decides).
  const auto& old_session = c.last_handshake().session_handle;
  for (auto& later : run.pcscf->conns()) {
    if (later->index() <= conn || !read_ue_wire(later->from_ue()).client_hello) continue;
    const Hello_Judgement j = judge_client_hello(later->from_ue(), true, true);
    if (!j.session_id.empty() && j.session_id == old_session) {
      o.verdict = Verdict::fail;
      o.reason = "O.3.1.1-UE-CLOSE-ON-AUTH-FAIL: connection c" + std::to_string(later->index()) +
                 " offers to resume the session of the failed authentication";
      return o;
    }
  }
  o.verdict = Verdict::pass;
  o.reason =
      "O.3.1.1-UE-CLOSE-ON-AUTH-FAIL: close_notify and FIN after the 403; no later "
      "connection offered the old session";
  return o;
}

// TP_UE_SIP_005: the probe drops the registered connection (FIN, then RST
// in a second run); the UE must register again on a new connection.
Tp_Outcome sip_005_run(const Tp_Context& ctx, bool reset) {
  Ue_Run run;
  run.what = reset ? "rst" : "fin";
  Tp_Outcome o;
  if (!start_registered(ctx, {}, run, o, "initial")) return o;
  const Sip_Seen first = run.pcscf->requests().back();
  run.conn(first.conn)->drop(reset);
  o.evidence.push_back({"probe->ue tcp c" + std::to_string(first.conn), 0,
                        reset ? "RST sent after the 200" : "FIN sent after the 200"});
  const bool again = run.pcscf->run_until(
      [&] { return run.pcscf->registrar().registrations() >= 2 || !run.ue.running(); },
      ctx.budget_ms("rereg_budget_s", 60));
  const auto& reqs = run.pcscf->requests();
  if (again && run.pcscf->registrar().registrations() >= 2) {
    const Sip_Seen& last = reqs.back();
    Ue_Conn& c = *run.conn(last.conn);
    if (last.conn != first.conn && c.handshakes() > 0) {
      o.verdict = Verdict::pass;
      o.reason = "O.4.1-UE-REREG-ON-CONN-LOSS: new TLS handshake and registration on c" +
                 std::to_string(last.conn);
      o.evidence.push_back({"ue->probe tls c" + std::to_string(last.conn),
                            read_ue_wire(c.from_ue()).client_hello_offset, "ClientHello"});
      for (const auto& s : reqs) {
        if (s.conn == last.conn)
          o.evidence.push_back(seen_evidence(s, " -> " + std::to_string(s.answered)));
      }
      return o;
    }
  }
  if (!run.ue.running()) {
    o.verdict = Verdict::inconc;
    o.reason = "the UE process ended before the budget; " + run.ue_state();
    return o;
  }
  o.verdict = Verdict::fail;
  o.reason =
      "O.4.1-UE-REREG-ON-CONN-LOSS: no new handshake and registration within "
      "timers.rereg_budget_s; " +
      std::to_string(run.pcscf->conns().size()) + " connection(s)";
  return o;
}

Tp_Outcome sip_005(const Tp_Context& ctx) {
  Tp_Outcome all;
  merge(all, sip_005_run(ctx, false), "FIN");
  // The RST run only when the FIN run passed: a failed FIN run already
  // decides the verdict, and two full rereg budgets would not fit the TP's
  // wall budget.
  if (all.verdict == Verdict::pass) merge(all, sip_005_run(ctx, true), "RST");
  return all;
}

// TP_UE_SIP_006: the 200 grants 60 s; the re-REGISTER uses the same connection.
Tp_Outcome sip_006(const Tp_Context& ctx) {
  Ue_Run run;
  Tp_Outcome o;
  Registrar_Profile rp;
  rp.expires_s = 60;
  if (!start_registered(ctx, rp, run, o, "initial")) return o;
  const auto& reqs = run.pcscf->requests();
  const std::size_t n0 = reqs.size();
  const std::size_t conn0 = reqs.back().conn;
  o.evidence.push_back(seen_evidence(reqs.back(), " -> 200 Expires: 60"));
  run.pcscf->run_until(
      [&] {
        for (std::size_t i = n0; i < reqs.size(); ++i) {
          if (reqs[i].message.method == "REGISTER") return true;
        }
        return false;
      },
      60 * 1000 + ctx.budget_ms("sip_response_s", 5));
  for (std::size_t i = n0; i < reqs.size(); ++i) {
    if (reqs[i].message.method != "REGISTER") continue;
    o.evidence.push_back(seen_evidence(reqs[i]));
    const bool same = reqs[i].conn == conn0 && run.pcscf->conns().size() == conn0 + 1;
    o.verdict = same ? Verdict::pass : Verdict::fail;
    o.reason = same ? "O.4.3-UE-REREG-OVER-ACTIVE-SESSION: re-REGISTER on the same connection"
                    : "O.4.3-UE-REREG-OVER-ACTIVE-SESSION: re-REGISTER on a new connection c" +
                          std::to_string(reqs[i].conn);
    return o;
  }
  o.verdict = Verdict::inconc;
  o.reason = "no re-REGISTER within 60 s + timers.sip_response_s; " + run.ue_state();
  return o;
}

// TP_UE_SIP_007: the credentials are answered once with 401 stale=true.
Tp_Outcome sip_007(const Tp_Context& ctx) {
  Ue_Run run;
  Tp_Outcome o;
  Registrar_Profile rp;
  rp.answer = Answer::stale_once;
  if (!start_run(ctx, chain_profile(ctx, "pcscf-ec"), rp, run, o)) return o;
  const auto& reqs = run.pcscf->requests();
  const auto retried = [&]() -> const Sip_Seen* {
    const Sip_Seen* stale = first_with_credentials(reqs);
    if (stale == nullptr) return nullptr;
    return first_with_credentials(reqs, static_cast<std::size_t>(stale - reqs.data()) + 1);
  };
  run.pcscf->run_until([&] { return retried() != nullptr || run.ue_gone(); },
                       registration_budget(ctx));
  const Sip_Seen* stale = first_with_credentials(reqs);
  const Sip_Seen* retry = retried();
  if (stale == nullptr || retry == nullptr) return not_registered(run, "no retry after stale");
  o.evidence.push_back(seen_evidence(*stale, " -> 401 stale=true"));
  o.evidence.push_back(seen_evidence(*retry, " nonce=" + retry->nonce));
  const bool same_conn = retry->conn == stale->conn;
  const bool new_nonce = retry->nonce != run.pcscf->registrar().stale_nonce();
  o.verdict = same_conn && new_nonce ? Verdict::pass : Verdict::fail;
  o.reason = std::string("O.3.1.3-UE-STALE-RETRY-SAME-SESSION: retry ") +
             (same_conn ? "on the same connection" : "on a new connection") +
             (new_nonce ? " with the new nonce" : " with the stale nonce");
  return o;
}

// TP_UE_SIP_013: the registrar challenges the initial REGISTER and never
// answers the one with credentials (O.3.1.4: the UE answered a challenge and
// the transaction timed out); past Timer F the UE must close that connection
// and register again on a new one with a full handshake (no resumption of
// the unfinished session). RD-281: silent from the challenged REGISTER on,
// not from the first one, so a UE that gives up after answering a challenge
// (ue_timeout_gives_up) fails.
Tp_Outcome sip_013(const Tp_Context& ctx) {
  Ue_Run run;
  Tp_Outcome o;
  Registrar_Profile rp;
  rp.answer = Answer::silent_after_challenge;
  if (!start_run(ctx, chain_profile(ctx, "pcscf-ec"), rp, run, o)) return o;
  const auto& reqs = run.pcscf->requests();
  run.pcscf->run_until([&] { return first_with_credentials(reqs) != nullptr || run.ue_gone(); },
                       registration_budget(ctx));
  const Sip_Seen* creds = first_with_credentials(reqs);
  if (creds == nullptr) return not_registered(run, "no REGISTER with credentials");
  const std::size_t conn0 = creds->conn;
  const std::size_t after = static_cast<std::size_t>(creds - reqs.data()) + 1;
  o.evidence.push_back(seen_evidence(*creds, " -> no answer"));
  Ue_Conn& c0 = *run.conn(conn0);
  const auto new_hello = [&]() -> Ue_Conn* {
    for (auto& c : run.pcscf->conns()) {
      if (c->index() > conn0 && read_ue_wire(c->from_ue()).client_hello) return c.get();
    }
    return nullptr;
  };
  // ue_gone, not "not running": a UE that closes and exits at once has its
  // FIN read only after its exit is seen (a race that gave inconc).
  run.pcscf->run_until(
      [&] { return (c0.peer_closed() && new_hello() != nullptr) || run.ue_gone(); },
      ctx.budget_ms("rereg_budget_s", 60));
  const std::size_t reused = requests_after(reqs, conn0, after);
  Ue_Conn* next = new_hello();
  if (reused > 0) {
    o.verdict = Verdict::fail;
    o.reason = "O.4.1-UE-PURGE-INCOMPLETE: the unfinished connection was used again";
    return o;
  }
  if (!c0.peer_closed()) {
    o.verdict = run.ue.running() ? Verdict::fail : Verdict::inconc;
    o.reason =
        "O.4.1-UE-PURGE-INCOMPLETE: the unanswered connection is still open after "
        "timers.rereg_budget_s; " +
        run.ue_state();
    return o;
  }
  o.evidence.push_back({"ue->probe tls c" + std::to_string(conn0), c0.from_ue().size(),
                        std::string(c0.close_notify() ? "close_notify, " : "") + "FIN"});
  if (next == nullptr) {
    // The PIXIT command's UE wants IMS service for the whole run, so one
    // that exits after the timeout has given up: fail too (RD-281).
    o.verdict = Verdict::fail;
    o.reason = std::string("O.3.1.4-UE-NEW-REG-ON-TIMEOUT: closed, but ") +
               (run.ue.running() ? "no new connection within timers.rereg_budget_s; "
                                 : "the UE exited instead of registering again; ") +
               run.ue_state();
    return o;
  }
  const Hello_Judgement j = judge_client_hello(next->from_ue(), true, true);
  const auto& old = c0.last_handshake().session_handle;
  const bool resumes = !j.session_id.empty() && j.session_id == old;
  o.evidence.push_back({"ue->probe tls c" + std::to_string(next->index()), 0,
                        "ClientHello session_id of " + std::to_string(j.session_id.size()) +
                            " bytes" + (resumes ? " = the unfinished session's" : "")});
  o.verdict = resumes ? Verdict::fail : Verdict::pass;
  o.reason = resumes ? "O.4.1-UE-PURGE-INCOMPLETE: the new connection offers to resume the "
                       "unfinished session"
                     : "O.4.1-UE-PURGE-INCOMPLETE, O.3.1.4-UE-NEW-REG-ON-TIMEOUT: closed the "
                       "unanswered connection, new connection with a full handshake";
  return o;
}

// TP_UE_SIP_014 (O.4.1-UE-PURGE-INCOMPLETE, RD-333): the probe closes the
// connection right after challenging the first REGISTER (close_notify, then
// the socket: FIN, or RST when the UE's answer is already unread in it), so
// the registration is unfinished with a challenge the UE has not answered on
// it. When the UE starts over, no REGISTER on a later connection may answer
// that challenge (carry its nonce).
Tp_Outcome sip_014(const Tp_Context& ctx) {
  Ue_Run run;
  Tp_Outcome o;
  if (!start_run(ctx, chain_profile(ctx, "pcscf-ec"), {}, run, o)) return o;
  const auto& reqs = run.pcscf->requests();
  const auto challenged = [&]() -> const Sip_Seen* {
    for (const auto& r : reqs) {
      if (r.answered == 401 && !r.plain) return &r;
    }
    return nullptr;
  };
  run.pcscf->run_until([&] { return challenged() != nullptr || run.ue_gone(); },
                       registration_budget(ctx));
  const Sip_Seen* first = challenged();
  if (first == nullptr) return not_registered(run, "no REGISTER challenged");
  const std::size_t conn0 = first->conn;
  const std::string nonce = run.pcscf->registrar().last_nonce();
  Ue_Conn& c0 = *run.conn(conn0);
  if (c0.endpoint() != nullptr) c0.endpoint()->close();
  c0.drop(false);
  o.evidence.push_back(seen_evidence(*first, " -> 401 (nonce " + nonce + "), then closed"));
  // Starting over: a REGISTER on a later connection, then that registration
  // completed (or the budget).
  const auto later = [&](std::size_t i) { return reqs[i].conn > conn0; };
  run.pcscf->run_until([&] { return run.pcscf->registrar().registrations() >= 1 || run.ue_gone(); },
                       registration_budget(ctx));
  bool started_over = false;
  for (std::size_t i = 0; i < reqs.size(); ++i) {
    if (!later(i) || reqs[i].message.method != "REGISTER") continue;
    const Sip_Seen& r = reqs[i];
    if (!started_over) o.evidence.push_back(seen_evidence(r, " (first on a later connection)"));
    started_over = true;
    if (r.has_credentials && r.nonce == nonce) {
      o.evidence.push_back(seen_evidence(r, " Authorization nonce " + r.nonce));
      o.verdict = Verdict::fail;
      o.reason = "O.4.1-UE-PURGE-INCOMPLETE: the REGISTER on c" + std::to_string(r.conn) +
                 " answers the challenge of the unfinished registration on c" +
                 std::to_string(conn0);
      return o;
    }
  }
  if (!started_over) {
    o.verdict = Verdict::inconc;
    o.reason = "the UE did not start over within the registration budget; " + run.ue_state();
    return o;
  }
  o.verdict = Verdict::pass;
  o.reason =
      "O.4.1-UE-PURGE-INCOMPLETE: the UE started over on a new connection without the "
      "unfinished registration's challenge";
  return o;
}

}  // namespace

std::vector<Tp_Impl> ue_sip_tps() {
  return {
      {"TP_UE_SIP_001", sip_001}, {"TP_UE_SIP_002", sip_002}, {"TP_UE_SIP_003", sip_003},
      {"TP_UE_SIP_004", sip_004}, {"TP_UE_SIP_005", sip_005}, {"TP_UE_SIP_006", sip_006},
      {"TP_UE_SIP_007", sip_007}, {"TP_UE_SIP_013", sip_013}, {"TP_UE_SIP_014", sip_014},
  };
}

}  // namespace annexo::probe::ue_iut
