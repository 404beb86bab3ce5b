// PIXIT [ue_servers] (RD-211): for a TP named there, a third-party TLS server
// (e.g. OpenSSL s_server, GnuTLS gnutls-serv) produces the adversarial server
// behaviour instead of the probe's own. The probe starts it from the template
// on a free loopback port, waits until it listens, and relays the UE's
// connection to it byte for byte (probe_pcscf.h relay mode), so the UE's
// bytes are judged exactly as with the probe's own server.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "adapters/probe/ue_iut/tps_tls.h"
#include "adapters/probe/ue_iut/ue_run.h"

namespace annexo::probe::ue_iut {

namespace {

// A loopback port nobody listens on now.
int free_port(const std::string& host) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  ::inet_pton(AF_INET, host.c_str(), &a.sin_addr);
  socklen_t len = sizeof a;
  int port = 0;
  if (fd >= 0 && ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0) {
    port = ntohs(a.sin_port);
  }
  if (fd >= 0) ::close(fd);
  return port;
}

// Some socket of this machine listens on `port` (any address), read from
// /proc/net/tcp{,6} so that no connection is spent on the check (a server
// started with -naccept 1 would serve it instead of the UE).
bool listening(int port) {
  for (const char* f : {"/proc/net/tcp", "/proc/net/tcp6"}) {
    std::ifstream in(f);
    std::string line;
    std::getline(in, line);
    while (std::getline(in, line)) {
      std::istringstream l(line);
      std::string sl, local, remote, state;
      l >> sl >> local >> remote >> state;
      const auto colon = local.rfind(':');
      if (state == "0A" && colon != std::string::npos &&
          std::stoi(local.substr(colon + 1), nullptr, 16) == port) {
        return true;
      }
    }
  }
  return false;
}

// The TPs a third-party server can stand for, and how each is judged.
enum class Judge { refusal, refusal_alert, certificate_request, unsupported };

Judge judge_of(const std::string& id) {
  if (id == "TP_UE_TLS_004" || id == "TP_UE_TLS_005") return Judge::refusal;
  if (id == "TP_UE_TLS_009") return Judge::certificate_request;
  for (int n = 2; n <= 14; ++n) {
    const std::string cert = std::string("TP_UE_CERT_0") + (n < 10 ? "0" : "") + std::to_string(n);
    if (id == cert) return Judge::refusal_alert;
  }
  return Judge::unsupported;
}

}  // namespace

Tp_Outcome external_server_tp(const Tp_Context& ctx, const std::string& command) {
  Tp_Outcome o;
  const Judge judge = judge_of(ctx.tp.id);
  if (judge == Judge::unsupported) {
    o.verdict = Verdict::error;
    o.reason = "test system: PIXIT [ue_servers] names " + ctx.tp.id +
               ", which this probe cannot judge with a third-party server (only TP_UE_TLS_004, "
               "_005, _009 and TP_UE_CERT_002.._014)";
    return o;
  }
  const int port = free_port(ctx.pixit.probe_host);
  std::string error;
  const std::string cmd = probe_data::expand_command(command,
                                                     {{"host", ctx.pixit.probe_host},
                                                      {"port", std::to_string(port)},
                                                      {"fqdn", ctx.pixit.probe_fqdn},
                                                      {"pki_dir", ctx.pixit.probe_pki_dir},
                                                      {"workdir", ctx.work_dir}},
                                                     error);
  if (port == 0 || !error.empty()) {
    o.verdict = Verdict::error;
    o.reason = "test system: PIXIT [ue_servers] " + ctx.tp.id + ": " +
               (port == 0 ? std::string("no free port") : error);
    return o;
  }
  Ue_Process server;
  const std::string log = ctx.work_dir + "/server.log";
  if (ctx.note) ctx.note("starting third-party server: " + cmd);
  if (!server.start(cmd, log, error)) {
    o.verdict = Verdict::error;
    o.reason = "test system: third-party server: " + error;
    return o;
  }
  const auto end =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(ctx.budget_ms("connect_s", 3));
  while (!listening(port) && server.running() && std::chrono::steady_clock::now() < end) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  if (!listening(port)) {
    o.verdict = Verdict::error;
    o.reason = "test system: the third-party server (" + cmd + ") did not listen on port " +
               std::to_string(port) +
               " within timers.connect_s; exit=" + std::to_string(server.exit_status()) +
               " log: " + server.log_tail(3);
    server.stop(500);
    return o;
  }
  Tls_Profile relay;  // raw, relayed
  relay.relay_port = port;
  if (judge == Judge::certificate_request) {
    o = judge_certificate_request(ctx, relay);
  } else {
    Ue_Run run;
    run.what = "external";
    if (!start_run(ctx, relay, {}, run, o)) {
      server.stop(500);
      return o;
    }
    const std::string rule = ctx.tp.requirements.empty() ? ctx.tp.id : ctx.tp.requirements.front();
    o = judge_refusal(ctx, run, rule, judge == Judge::refusal_alert);
    // The stimulus is the server's: its first record must be a handshake
    // record starting with a ServerHello (for TP_UE_TLS_004/005 at the
    // legacy version), or the UE's reaction answers something else (e.g.
    // the server's own protocol_version alert) and says nothing.
    if (Ue_Conn* c = run.conn()) {
      const auto& b = c->from_server();
      o.evidence.push_back(
          {"server->ue tls c0 external", 0,
           b.empty() ? std::string("(nothing)") : "first bytes " + hex_at(b, 0, 11)});
      const bool hello = b.size() >= 11 && b[0] == 0x16 && b[5] == 0x02;
      const int version = hello ? (b[9] << 8 | b[10]) : 0;
      const int want = ctx.tp.id == "TP_UE_TLS_004"   ? 0x0301
                       : ctx.tp.id == "TP_UE_TLS_005" ? 0x0302
                                                      : 0;
      if (o.verdict == Verdict::pass && (!hello || (want != 0 && version != want))) {
        o.verdict = Verdict::inconc;
        o.reason =
            "the third-party server did not send the stimulus (" +
            std::string(hello ? "ServerHello version " + hex_at(b, 9, 2) : "no ServerHello first") +
            "), so the UE's reaction proves nothing; " + o.reason;
      }
    }
    if (run.pcscf->relay_failures > 0 && o.verdict != Verdict::pass) {
      o.verdict = Verdict::error;
      o.reason = "test system: the third-party server refused the relayed connection; " + o.reason;
    }
  }
  o.reason = "third-party server `" + cmd + "`: " + o.reason;
  server.stop(500);
  o.evidence.push_back({"third-party server log", 0, server.log_tail(4)});
  return o;
}

}  // namespace annexo::probe::ue_iut
