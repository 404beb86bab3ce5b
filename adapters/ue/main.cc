// ue: an Annex O UE that registers with a P-CSCF over TLS with SIP Digest
// (see adapters/README.md). A thin program over the UE client library
// (adapters/ue/client/): the command line (options.h), one Ue_Client on the
// event loop, its report lines on stdout, its exit code (options.h: Exit).
// On a refusal one line goes to stdout:  ue: REFUSED <REQUIREMENT-ID> <error>: <message>
#include <signal.h>

#include <cstdio>
#include <string>

#include "adapters/log/decision_log.h"
#include "adapters/net/event_loop.h"
#include "adapters/ue/client/options.h"
#include "adapters/ue/client/ue_client.h"

namespace {

namespace ue = annexo::ue;

// The report lines on stdout, flushed one by one; the end stops the loop.
class Stdout_Observer final : public ue::Ue_Observer {
 public:
  explicit Stdout_Observer(annexo::net::Event_Loop& loop) : m_loop(loop) {}
  void report(const std::string& line) override {
    std::fputs(line.c_str(), stdout);
    std::fputc('\n', stdout);
    std::fflush(stdout);
  }
  void finished(ue::Ue_Client&, int) override { m_loop.stop(); }

 private:
  annexo::net::Event_Loop& m_loop;
};

}  // namespace

int main(int argc, char** argv) {
  const ue::Parsed p = ue::parse_command_line(argc, argv);
  if (p.kind == ue::Parsed::Kind::help) {
    std::fputs(ue::usage_text(), stdout);
    return 0;
  }
  if (p.kind == ue::Parsed::Kind::usage_error) {
    std::fprintf(stderr, "ue: %s\n%s", p.error.c_str(), ue::usage_text());
    return ue::kUsageError;
  }
  ::signal(SIGPIPE, SIG_IGN);
  annexo::log::Decision_Log log("ue", p.options.log_format, stderr);
  annexo::net::Event_Loop loop;
  Stdout_Observer observer(loop);
  ue::Ue_Client client(p.options, log, loop, observer);
  if (!client.start()) return client.exit_code();
  loop.set_timer([&] { return client.deadline(); },
                 [&](annexo::core::Seconds now) { client.tick(now); });
  loop.on_signal(SIGINT, [&] { loop.stop(); });
  loop.on_signal(SIGTERM, [&] { loop.stop(); });
  if (loop.run() != 0) {
    std::fprintf(stderr, "ue: event loop: %s\n", loop.error().c_str());
    return ue::kNetwork;
  }
  return client.exit_code();
}
