#include "adapters/probe/ue_iut/ue_run.h"

#include <fstream>

namespace annexo::probe::ue_iut {

bool pics_true(const Tp_Context& ctx, const std::string& item) {
  const auto it = ctx.pics.answers.find(item);
  return it != ctx.pics.answers.end() && it->second.b;
}

std::string pki(const Tp_Context& ctx, const std::string& name) {
  return ctx.pixit.probe_pki_dir + "/" + name;
}

std::string trust_bundle(const Tp_Context& ctx, std::string& error) {
  const std::string out = ctx.work_dir + "/ue-trust.pem";
  std::ofstream o(out);
  for (const char* ca : {"ca-ec.pem", "ca-rsa.pem", "ca-odd.pem"}) {
    std::ifstream in(pki(ctx, ca));
    if (!in) {
      error = "cannot read " + pki(ctx, ca) + " (PIXIT probe.pki_dir)";
      return {};
    }
    o << in.rdbuf();
  }
  if (!o) error = "cannot write " + out;
  return out;
}

Tls_Profile chain_profile(const Tp_Context& ctx, const std::string& name, bool ecdsa) {
  Tls_Profile p;
  p.chain_file = pki(ctx, name + ".pem");
  p.key_file = pki(ctx, name + ".key");
  p.ecdsa = ecdsa;
  return p;
}

Ue_Conn* Ue_Run::conn(std::size_t i) const {
  if (!pcscf || pcscf->conns().size() <= i) return nullptr;
  return pcscf->conns()[i].get();
}

bool Ue_Run::wait_client_hello(int budget_ms) {
  return pcscf->run_until(
             [&] {
               Ue_Conn* c = conn();
               if (c == nullptr) return !ue.running();  // ended without connecting: stop waiting
               return read_ue_wire(c->from_ue()).client_hello || c->peer_closed();
             },
             budget_ms) &&
         conn() != nullptr;
}

bool Ue_Run::ue_gone() {
  if (ue.running()) return false;
  for (const auto& c : pcscf->conns()) {
    if (!c->closed()) return false;
  }
  return true;
}

std::string Ue_Run::ue_state() {
  const bool running = ue.running();
  return std::string(running ? "UE running" : "UE exit=" + std::to_string(ue.exit_status())) +
         "; UE log: " + ue.log_tail(4);
}

Tp_Outcome no_client_hello(Ue_Run& run) {
  Tp_Outcome o;
  const int status = run.ue.running() ? -1 : run.ue.exit_status();
  o.verdict = status == 126 || status == 127 ? Verdict::error : Verdict::inconc;
  o.reason = (o.verdict == Verdict::error ? "test system: the PIXIT [ue] command could not be run; "
                                          : "no ClientHello within timers.ue_start_s; ") +
             run.ue_state();
  return o;
}

bool start_run(const Tp_Context& ctx, Tls_Profile tls, Registrar_Profile sip, Ue_Run& run,
               Tp_Outcome& out, std::size_t user, bool secagree) {
  std::string error;
  const std::string ca = trust_bundle(ctx, error);
  std::string cmd;
  if (error.empty()) cmd = ue_command(ctx, ca, user, error, secagree);
  if (error.empty()) {
    run.pcscf = std::make_unique<Probe_Pcscf>(ctx.pixit, std::move(tls), sip);
    run.pcscf->start(error, secagree ? ctx.pixit.probe_secagree_port : 0);
  }
  if (error.empty()) {
    run.log = ctx.work_dir + "/ue" + (run.what.empty() ? "" : "-" + run.what) + ".log";
    if (ctx.note) ctx.note("starting UE: " + cmd);
    run.ue.start(cmd, run.log, error);
  }
  if (error.empty()) return true;
  out.verdict = Verdict::error;
  out.reason = "test system: " + error;
  return false;
}

namespace {

std::string stream_name(const Ue_Run& run, const Ue_Conn& c) {
  return "ue->probe tls c" + std::to_string(c.index()) + (run.what.empty() ? "" : " " + run.what);
}

}  // namespace

Tp_Outcome judge_refusal(const Tp_Context& ctx, Ue_Run& run, const std::string& rule,
                         bool alert_required) {
  Tp_Outcome o;
  const int start_ms = ctx.budget_ms("ue_start_s", 10);
  if (!run.wait_client_hello(start_ms) || !read_ue_wire(run.conn()->from_ue()).client_hello) {
    return no_client_hello(run);
  }
  Ue_Conn& c = *run.conn();
  // The UE's reaction: an alert, a close, or application data.
  run.pcscf->run_until(
      [&] {
        const Ue_Wire w = read_ue_wire(c.from_ue());
        return c.peer_closed() || w.app_data || c.handshakes() > 0;
      },
      ctx.budget_ms("handshake_s", 5));
  // After an abort, the rest of the connection (close) so late SIP is seen too.
  const Ue_Wire seen = read_ue_wire(c.from_ue());
  if (!c.peer_closed() && !seen.alerts.empty() && !seen.app_data && c.handshakes() == 0) {
    run.pcscf->run_until([&] { return c.peer_closed(); }, ctx.budget_ms("close_budget_s", 5));
  }
  const Ue_Wire w = read_ue_wire(c.from_ue());
  const std::string stream = stream_name(run, c);
  o.evidence.push_back({stream, w.client_hello_offset,
                        "ClientHello " + hex_at(c.from_ue(), w.client_hello_offset, 11)});
  if (w.app_data) {
    o.verdict = Verdict::fail;
    o.reason = rule + ": the UE sent application data (SIP) instead of aborting";
    o.evidence.push_back({stream, w.app_data_offset,
                          "application_data record " + hex_at(c.from_ue(), w.app_data_offset, 5)});
    return o;
  }
  if (c.handshakes() > 0) {
    o.verdict = Verdict::fail;
    o.reason = rule + ": the UE completed the handshake";
    return o;
  }
  for (const Wire_Alert& a : w.alerts) {
    if (a.cleartext && a.level == 2) {
      o.verdict = Verdict::pass;
      o.reason = rule + ": fatal " + alert_text(a.description) + ", no application data" +
                 (c.peer_closed() ? ", connection closed" : "");
      o.evidence.push_back(
          {stream, a.offset,
           "fatal alert " + alert_text(a.description) + ": " + hex_at(c.from_ue(), a.offset, 7)});
      return o;
    }
  }
  if (c.peer_closed() && !alert_required) {
    o.verdict = Verdict::pass;
    o.reason = rule + ": connection closed without application data (no alert)";
    o.evidence.push_back({stream, w.size, "FIN after " + std::to_string(w.size) + " bytes"});
    return o;
  }
  if (c.peer_closed()) {
    o.verdict = Verdict::fail;
    o.reason = rule + ": the UE closed without a fatal alert (O.3.1.2-UE-ALERT-ON-CERT-FAIL)";
    o.evidence.push_back({stream, w.size, "FIN after " + std::to_string(w.size) + " bytes"});
    return o;
  }
  o.verdict = Verdict::fail;
  o.reason = rule + ": the UE neither aborted nor closed within the budget (it continues); " +
             run.ue_state();
  return o;
}

Tp_Outcome judge_accepted(const Tp_Context& ctx, Ue_Run& run, const std::string& rule) {
  Tp_Outcome o;
  if (!run.wait_client_hello(ctx.budget_ms("ue_start_s", 10))) {
    return no_client_hello(run);
  }
  Ue_Conn& c = *run.conn();
  const auto& reqs = run.pcscf->requests();
  run.pcscf->run_until(
      [&] { return c.peer_closed() || (!reqs.empty() && reqs.front().conn == c.index()); },
      ctx.budget_ms("handshake_s", 5) + ctx.budget_ms("sip_response_s", 5));
  const Ue_Wire w = read_ue_wire(c.from_ue());
  const std::string stream = stream_name(run, c);
  if (!reqs.empty() && reqs.front().message.method == "REGISTER" && c.handshakes() > 0) {
    o.verdict = Verdict::pass;
    o.reason = rule + ": handshake completed and REGISTER received over it";
    // TLS 1.3 hides the client's Finished in application_data records too:
    // the first such record is SIP only at TLS 1.2.
    if (c.last_handshake().version == 0x0303) {
      o.evidence.push_back(
          {stream, w.app_data_offset,
           "first application_data record " + hex_at(c.from_ue(), w.app_data_offset, 5)});
    }
    o.evidence.push_back({stream + " sip", reqs.front().offset, reqs.front().first_line});
    return o;
  }
  for (const Wire_Alert& a : w.alerts) {
    if (a.cleartext && a.level == 2) {
      o.verdict = Verdict::fail;
      o.reason = rule + ": the UE refused with " + alert_text(a.description);
      o.evidence.push_back({stream, a.offset, "fatal alert " + hex_at(c.from_ue(), a.offset, 7)});
      return o;
    }
  }
  if (c.peer_closed()) {
    o.verdict = Verdict::fail;
    o.reason = rule + ": the UE closed the connection (" + (c.handshakes() ? "after" : "before") +
               " the handshake) without REGISTER; " + run.ue_state();
    return o;
  }
  o.verdict = Verdict::inconc;
  o.reason = rule + ": no REGISTER within the budget; " + run.ue_state();
  return o;
}

std::string sip_stream(std::size_t conn) {
  return "ue->probe sip c" + std::to_string(conn);
}

Evidence seen_evidence(const Sip_Seen& s, const std::string& extra) {
  return {sip_stream(s.conn), s.offset, s.first_line + extra};
}

int registration_budget(const Tp_Context& ctx) {
  return ctx.budget_ms("ue_start_s", 10) + ctx.budget_ms("handshake_s", 5) +
         2 * ctx.budget_ms("sip_response_s", 5);
}

bool wait_registrations(Ue_Run& run, int count, int budget_ms) {
  return run.pcscf->run_until(
             [&] { return run.pcscf->registrar().registrations() >= count || run.ue_gone(); },
             budget_ms) &&
         run.pcscf->registrar().registrations() >= count;
}

Tp_Outcome not_registered(Ue_Run& run, const std::string& what) {
  if (run.pcscf->conns().empty()) return no_client_hello(run);
  Tp_Outcome o;
  o.verdict = Verdict::inconc;
  o.reason = "no completed registration (" + what + ") within the budget; " + run.ue_state();
  for (const auto& s : run.pcscf->requests()) {
    o.evidence.push_back(seen_evidence(s, " -> " + std::to_string(s.answered)));
  }
  return o;
}

bool start_registered(const Tp_Context& ctx, const Registrar_Profile& sip, Ue_Run& run,
                      Tp_Outcome& out, const std::string& what) {
  if (!start_run(ctx, chain_profile(ctx, "pcscf-ec"), sip, run, out)) return false;
  if (wait_registrations(run, 1, registration_budget(ctx))) return true;
  out = not_registered(run, what);
  return false;
}

void merge(Tp_Outcome& into, const Tp_Outcome& part, const std::string& label) {
  into.verdict = into.evidence.empty() && into.reason.empty()
                     ? part.verdict
                     : probe_data::worse(into.verdict, part.verdict);
  into.reason += (into.reason.empty() ? "" : "; ") + label + ": " + part.reason;
  into.evidence.insert(into.evidence.end(), part.evidence.begin(), part.evidence.end());
}

}  // namespace annexo::probe::ue_iut
