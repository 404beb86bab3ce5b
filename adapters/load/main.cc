// load: many Annex O UEs in one process on one event loop, built on the UE
// client library (adapters/ue/client), against one P-CSCF on loopback.
// Distinct IMPIs from a users file (the pcscf's format, adapters/sip/users.h),
// registrations started at a bounded rate, re-registrations (what the
// registrar grants for --expires), MESSAGEs from one UE to another's IMPU,
// churn (a registered UE's connection cut; it registers again over a new one),
// a progress line every second and a summary: registrations per second,
// p50/p99 latency, failures by cause. Every loop is bounded in count and time:
// the run ends at --duration whatever happens.
//
// Exit: 0 every UE registered and nothing failed, 1 usage, 2 failures.
#include <signal.h>
#include <sys/resource.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "adapters/log/decision_log.h"
#include "adapters/net/clock.h"
#include "adapters/net/event_loop.h"
#include "adapters/sip/users.h"
#include "adapters/ue/client/options.h"
#include "adapters/ue/client/ue_client.h"

namespace {

namespace ue = annexo::ue;
namespace net = annexo::net;
namespace core = annexo::core;

const char* const kUsage =
    "usage: load --pcscf HOST:PORT --pcscf-fqdn NAME --ca FILE --users FILE [options]\n"
    "  --pcscf HOST:PORT          the P-CSCF's TLS address (loopback only)\n"
    "  --pcscf-fqdn NAME          reference identity its certificate must carry\n"
    "  --ca FILE                  trust anchors (PEM)\n"
    "  --users FILE               IMPI PASSWORD IMPU[,IMPU...] per line (the pcscf's file)\n"
    "  --ues N                    UEs, one per user line from the top (default: every user)\n"
    "  --rate R                   UEs started per second (default 200)\n"
    "  --duration SECONDS         length of the whole run (default 10, at most 86400)\n"
    "  --expires SECONDS          registration interval asked for (default 600000; the\n"
    "                             registrar shortens it, the UEs re-register at what it grants)\n"
    "  --message-rate R           MESSAGEs per second, each from a registered UE to another\n"
    "                             UE's IMPU (default 0)\n"
    "  --churn-rate R             registered UEs per second whose connection is cut; each\n"
    "                             registers again over a new one (default 0)\n"
    "  --register-timeout SECONDS a UE not registered this long after its start is a\n"
    "                             failure (default 30)\n"
    "  --log FILE                 the UEs' decision log (default: none)\n"
    "  --log-format text|json     format of that log (default text)\n"
    "  --tls-stack botan|openssl  the UEs' TLS library (default botan, RD-180)\n"
    "exit: 0 every UE registered and nothing failed, 1 usage, 2 failures\n";

int usage(const std::string& why) {
  std::fprintf(stderr, "load: %s\n%s", why.c_str(), kUsage);
  return 1;
}

struct Load_Options {
  ue::Options base;  // what every UE shares (P-CSCF, CA, intervals)
  std::string users;
  std::string log_file;
  std::uint32_t ues = 0;  // 0: every user
  std::uint32_t rate = 200;
  std::uint32_t duration_s = 10;
  std::uint32_t message_rate = 0;
  std::uint32_t churn_rate = 0;
  std::uint32_t register_timeout_s = 30;
};

// Milliseconds, sorted on demand: the p-th percentile (nearest rank).
struct Latencies {
  std::vector<std::uint64_t> ms;
  std::uint64_t at(double p) {
    if (ms.empty()) return 0;
    std::sort(ms.begin(), ms.end());
    std::size_t rank =
        static_cast<std::size_t>(p / 100.0 * static_cast<double>(ms.size()) + 0.999999);
    if (rank == 0) rank = 1;
    return ms[std::min(rank, ms.size()) - 1];
  }
};

class Load_Run final : public ue::Ue_Observer {
 public:
  Load_Run(Load_Options o, std::vector<annexo::sip::UserRecord> users,
           annexo::log::Decision_Log& log, net::Event_Loop& loop)
      : m_o(std::move(o)), m_users(std::move(users)), m_log(log), m_loop(loop) {
    m_ues.resize(m_users.size());
  }

  ~Load_Run() override {
    if (m_pace_fd >= 0) {
      m_loop.remove(m_pace_fd);
      ::close(m_pace_fd);
    }
  }

  // false: no pacing timer (errno says why).
  bool begin() {
    m_t0 = net::monotonic_millis();
    m_last_tick = m_t0;
    m_last_progress = m_t0;
    m_loop.set_timer([this] { return deadline(); }, [this](core::Seconds now) { tick(now); });
    // The loop's timer counts whole seconds (the core's clock); starts,
    // MESSAGEs and churn are paced by a 10 ms timerfd instead of in bursts
    // once a second. It only wakes the loop; the UEs' time is still the core's.
    m_pace_fd = ::timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    if (m_pace_fd < 0) return false;
    itimerspec its{};
    its.it_interval.tv_nsec = 10 * 1000 * 1000;
    its.it_value.tv_nsec = 10 * 1000 * 1000;
    if (::timerfd_settime(m_pace_fd, 0, &its, nullptr) != 0) return false;
    m_loop.add(m_pace_fd, false, [this](net::Ready) {
      std::uint64_t expirations = 0;
      (void)!::read(m_pace_fd, &expirations, sizeof expirations);
    });
    tick(net::monotonic_seconds());
    return true;
  }

  // ------------------------------------------------------------ observer
  void report(const std::string&) override {}  // the summary says what counts

  void finished(ue::Ue_Client& c, int code) override {
    Slot& s = slot(c);
    if (s.failed) return;
    s.failed = true;
    ++m_failed;
    std::string cause = "exit " + std::to_string(code);
    if (!c.refusal_error().empty())
      cause += " " + c.refusal_requirement() + " " + c.refusal_error();
    ++m_causes[cause];
  }

  void registered(ue::Ue_Client& c, bool first) override {
    Slot& s = slot(c);
    const std::uint64_t now = net::monotonic_millis();
    if (first) {
      s.registered = true;
      ++m_registered;
      m_first.ms.push_back(now - s.started_ms);
      m_last_first_ms = now;
    } else if (s.dropped_ms != 0) {
      m_recovery.ms.push_back(now - s.dropped_ms);
      s.dropped_ms = 0;
      ++m_recovered;
    } else {
      ++m_reregistered;
    }
  }

  void message_answered(ue::Ue_Client& c, int status) override {
    Slot& s = slot(c);
    if (s.message_ms == 0) return;
    m_message.ms.push_back(net::monotonic_millis() - s.message_ms);
    s.message_ms = 0;
    if (status >= 200 && status < 300) {
      ++m_messages_ok;
    } else {
      ++m_messages_failed;
      ++m_causes["MESSAGE answered " + std::to_string(status)];
    }
  }

  // ------------------------------------------------------------ summary
  // Prints the summary; returns the exit code.
  int summary() {
    const std::uint64_t end = net::monotonic_millis();
    std::size_t pending = 0, timed_out = 0, failed_first = 0;
    for (const Slot& s : m_ues) {
      if (s.client && !s.registered && s.failed) ++failed_first;
      if (s.client && !s.registered && !s.failed) {
        ++pending;
        if (s.timed_out) ++timed_out;
      }
    }
    const std::size_t not_started = m_users.size() - m_started;
    if (timed_out > 0) m_causes["not registered within --register-timeout"] += timed_out;
    if (pending > timed_out)
      m_causes["still registering when the run ended"] += pending - timed_out;
    if (not_started > 0) m_causes["not started when the run ended"] += not_started;
    std::size_t not_back = 0, unanswered = 0;
    for (const Slot& s : m_ues) {
      if (s.dropped_ms != 0 && !s.failed) ++not_back;
      if (s.message_ms != 0) ++unanswered;
    }
    if (not_back > 0) m_causes["cut by churn, not registered again when the run ended"] += not_back;
    if (unanswered > 0) m_causes["MESSAGE unanswered when the run ended"] += unanswered;
    const double span_s =
        static_cast<double>((m_last_first_ms > m_t0 ? m_last_first_ms : end) - m_t0) / 1000.0;
    // ues = registered + failed_unregistered + pending + not_started;
    // failed_registered: ended after having registered.
    std::printf(
        "load: summary ues=%zu registered=%zu failed_unregistered=%zu pending=%zu "
        "not_started=%zu failed_registered=%zu run_s=%.1f\n",
        m_users.size(), m_registered, failed_first, pending, not_started, m_failed - failed_first,
        static_cast<double>(end - m_t0) / 1000.0);
    std::printf("load: registrations=%zu per_s=%.1f p50_ms=%llu p99_ms=%llu max_ms=%llu\n",
                m_first.ms.size(), span_s > 0 ? static_cast<double>(m_registered) / span_s : 0.0,
                ull(m_first.at(50)), ull(m_first.at(99)), ull(m_first.at(100)));
    std::printf("load: reregistrations=%zu\n", m_reregistered);
    std::printf("load: churn dropped=%zu recovered=%zu p50_ms=%llu p99_ms=%llu\n", m_dropped,
                m_recovered, ull(m_recovery.at(50)), ull(m_recovery.at(99)));
    // sent = ok + failed + cut (their connection cut by churn) + unanswered
    std::printf(
        "load: messages sent=%zu ok=%zu failed=%zu cut=%zu unanswered=%zu p50_ms=%llu "
        "p99_ms=%llu\n",
        m_messages_sent, m_messages_ok, m_messages_failed, m_messages_cut, unanswered,
        ull(m_message.at(50)), ull(m_message.at(99)));
    std::size_t total = 0;
    for (const auto& [cause, n] : m_causes) {
      std::printf("load: failure count=%zu cause=%s\n", n, cause.c_str());
      total += n;
    }
    std::printf("load: failures=%zu\n", total);
    std::fflush(stdout);
    return total == 0 && m_registered == m_users.size() ? 0 : 2;
  }

 private:
  struct Slot {
    std::unique_ptr<ue::Ue_Client> client;
    std::uint64_t started_ms = 0;
    std::uint64_t dropped_ms = 0;  // churn: cut, not yet registered again
    std::uint64_t message_ms = 0;  // a MESSAGE outstanding since
    bool registered = false;       // registered at least once
    bool failed = false;           // ended (refused)
    bool timed_out = false;
  };

  static unsigned long long ull(std::uint64_t v) { return static_cast<unsigned long long>(v); }

  Slot& slot(ue::Ue_Client& c) { return m_ues[m_index.at(&c)]; }

  std::optional<core::Seconds> deadline() const {
    // Wake at least every second (progress, schedule, end of the run).
    std::optional<core::Seconds> best = core::time_add(net::monotonic_seconds(), 1);
    for (const Slot& s : m_ues) {
      if (!s.client || s.failed) continue;
      const auto d = s.client->deadline();
      if (d && core::time_reached(*best, *d)) best = *d;
    }
    return best;
  }

  void tick(core::Seconds now_s) {
    const std::uint64_t now = net::monotonic_millis();
    if (now - m_t0 >= std::uint64_t{m_o.duration_s} * 1000) {
      m_loop.stop();
      return;
    }
    for (Slot& s : m_ues) {
      if (!s.client || s.failed) continue;
      const auto d = s.client->deadline();
      if (d && core::time_reached(now_s, *d)) s.client->tick(now_s);
    }
    start_due(now);
    // The last second drains: no new MESSAGE, no new cut, so what is still
    // outstanding at the end is a failure, not bad timing.
    if (now - m_t0 + 1000 < std::uint64_t{m_o.duration_s} * 1000) {
      schedule(now, m_o.message_rate, m_message_credit,
               [this](std::size_t i) { return message(i); });
      schedule(now, m_o.churn_rate, m_churn_credit, [this](std::size_t i) { return churn(i); });
    }
    m_last_tick = now;
    if (now - m_last_progress >= 1000) {
      m_last_progress = now;
      progress(now);
    }
  }

  // UEs started so far: at most --rate per second since the beginning.
  void start_due(std::uint64_t now) {
    const std::uint64_t due =
        std::min<std::uint64_t>(m_users.size(), (now - m_t0) * m_o.rate / 1000 + 1);
    while (m_started < due) {
      const std::size_t i = m_started++;
      ue::Options o = m_o.base;
      o.impi = m_users[i].impi;
      o.impus = m_users[i].impus;
      o.password = m_users[i].password;
      Slot& s = m_ues[i];
      s.client = std::make_unique<ue::Ue_Client>(o, m_log, m_loop, *this);
      m_index[s.client.get()] = i;
      s.started_ms = net::monotonic_millis();
      (void)s.client->start();  // a refusal at start-up comes through finished()
    }
    for (std::size_t i = 0; i < m_started; ++i) {
      Slot& s = m_ues[i];
      if (!s.registered && !s.failed && !s.timed_out && now >= s.started_ms &&
          now - s.started_ms >= std::uint64_t{m_o.register_timeout_s} * 1000) {
        s.timed_out = true;
      }
    }
  }

  // Runs `act` on random registered UEs, `rate` per second on average; a
  // bounded number of attempts per tick.
  template <typename Act>
  void schedule(std::uint64_t now, std::uint32_t rate, double& credit, Act act) {
    if (rate == 0 || m_registered == 0) return;
    credit += static_cast<double>(now - m_last_tick) * rate / 1000.0;
    if (credit > rate) credit = rate;  // no catching up after a stall
    for (int attempts = 0; credit >= 1.0 && attempts < 4 * static_cast<int>(rate) + 4; ++attempts) {
      std::uniform_int_distribution<std::size_t> d(0, m_started - 1);
      if (act(d(m_random))) credit -= 1.0;
    }
  }

  bool live(const Slot& s) const {
    return s.client && s.registered && !s.failed && s.dropped_ms == 0;
  }

  bool message(std::size_t i) {
    Slot& s = m_ues[i];
    if (!live(s) || s.message_ms != 0 || m_started < 2) return false;
    std::uniform_int_distribution<std::size_t> d(0, m_users.size() - 1);
    std::size_t j = d(m_random);
    if (j == i) j = (j + 1) % m_users.size();
    s.message_ms = net::monotonic_millis();
    if (!s.client->send_message(m_users[j].impus.front())) {
      s.message_ms = 0;
      return false;
    }
    ++m_messages_sent;
    return true;
  }

  bool churn(std::size_t i) {
    Slot& s = m_ues[i];
    if (!live(s)) return false;
    s.dropped_ms = net::monotonic_millis();
    if (s.message_ms != 0) ++m_messages_cut;  // it goes with the connection
    s.message_ms = 0;
    ++m_dropped;
    s.client->drop_connection();
    return true;
  }

  void progress(std::uint64_t now) {
    std::fprintf(stderr,
                 "load: t=%llus started=%zu registered=%zu failed=%zu rereg=%zu churn=%zu/%zu "
                 "msgs=%zu/%zu\n",
                 ull((now - m_t0) / 1000), m_started, m_registered, m_failed, m_reregistered,
                 m_recovered, m_dropped, m_messages_ok + m_messages_failed, m_messages_sent);
  }

  Load_Options m_o;
  int m_pace_fd = -1;
  std::vector<annexo::sip::UserRecord> m_users;
  annexo::log::Decision_Log& m_log;
  net::Event_Loop& m_loop;
  std::vector<Slot> m_ues;
  std::map<const ue::Ue_Client*, std::size_t> m_index;
  std::mt19937 m_random{std::random_device{}()};
  std::uint64_t m_t0 = 0, m_last_tick = 0, m_last_progress = 0, m_last_first_ms = 0;
  std::size_t m_started = 0, m_registered = 0, m_failed = 0, m_reregistered = 0;
  std::size_t m_dropped = 0, m_recovered = 0;
  std::size_t m_messages_sent = 0, m_messages_ok = 0, m_messages_failed = 0, m_messages_cut = 0;
  double m_message_credit = 0, m_churn_credit = 0;
  Latencies m_first, m_recovery, m_message;
  std::map<std::string, std::size_t> m_causes;
};

bool loopback(const std::string& host) {
  return host.rfind("127.", 0) == 0 || host == "::1";
}

}  // namespace

int main(int argc, char** argv) {
  Load_Options o;
  bool have_pcscf = false;
  annexo::log::Format format = annexo::log::Format::text;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    const char* v = nullptr;
    auto value = [&]() {
      if (i + 1 >= argc) return false;
      v = argv[++i];
      return true;
    };
    auto number = [&](std::uint32_t* out, std::uint32_t lo, std::uint32_t hi) {
      return value() && ue::parse_u32(v, out) && *out >= lo && *out <= hi;
    };
    if (a == "--help" || a == "-h") {
      std::fputs(kUsage, stdout);
      return 0;
    } else if (a == "--pcscf") {
      std::string err;
      std::optional<net::Endpoint> ep;
      if (!value() || !(ep = net::parse_endpoint(v, &err))) return usage("--pcscf needs HOST:PORT");
      if (!loopback(ep->host)) return usage("--pcscf must be a loopback address");
      o.base.pcscf = *ep;
      have_pcscf = true;
    } else if (a == "--pcscf-fqdn") {
      if (!value() || *v == '\0') return usage("--pcscf-fqdn needs a name");
      o.base.fqdn = v;
    } else if (a == "--ca") {
      if (!value()) return usage("--ca needs a file");
      o.base.ca = v;
    } else if (a == "--users") {
      if (!value()) return usage("--users needs a file");
      o.users = v;
    } else if (a == "--ues") {
      if (!number(&o.ues, 1, 100000)) return usage("--ues needs 1-100000");
    } else if (a == "--rate") {
      if (!number(&o.rate, 1, 100000)) return usage("--rate needs 1-100000");
    } else if (a == "--duration") {
      if (!number(&o.duration_s, 1, 86400)) return usage("--duration needs 1-86400 seconds");
    } else if (a == "--expires") {
      if (!number(&o.base.expires_s, 1, 0x7FFFFFFF)) return usage("--expires needs seconds > 0");
    } else if (a == "--message-rate") {
      if (!number(&o.message_rate, 0, 100000)) return usage("--message-rate needs 0-100000");
    } else if (a == "--churn-rate") {
      if (!number(&o.churn_rate, 0, 100000)) return usage("--churn-rate needs 0-100000");
    } else if (a == "--register-timeout") {
      if (!number(&o.register_timeout_s, 1, 86400))
        return usage("--register-timeout needs seconds");
    } else if (a == "--log") {
      if (!value()) return usage("--log needs a file");
      o.log_file = v;
    } else if (a == "--log-format") {
      if (!value() || !annexo::log::parse_format(v, &format))
        return usage("--log-format needs text or json");
    } else if (a == "--tls-stack") {
      if (!value() || !ue::parse_tls_stack(v, &o.base.tls_stack))
        return usage("--tls-stack needs botan or openssl");
    } else {
      return usage("unknown option " + a);
    }
  }
  if (!have_pcscf || o.base.fqdn.empty() || o.base.ca.empty() || o.users.empty()) {
    return usage("--pcscf, --pcscf-fqdn, --ca and --users are required");
  }
  auto users = annexo::sip::load_users(o.users);
  if (!users.ok()) return usage(users.error().text());
  std::vector<annexo::sip::UserRecord> records = std::move(users->records);
  if (o.ues != 0) {
    if (o.ues > records.size()) {
      return usage("--ues " + std::to_string(o.ues) + " but " + o.users + " has " +
                   std::to_string(records.size()) + " users");
    }
    records.resize(o.ues);
  }
  if (records.empty()) return usage(o.users + " has no users");
  // Each UE stays for the whole run (re-registering, keep-alive); the run
  // ends them by destroying them.
  o.base.stay_s = o.duration_s + 3600;
  // One descriptor per UE, plus the sec-agree-free margin: the soft limit is
  // raised to the hard one.
  rlimit rl{};
  if (::getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    (void)::setrlimit(RLIMIT_NOFILE, &rl);
  }
  std::FILE* log_out = nullptr;
  if (!o.log_file.empty()) {
    log_out = std::fopen(o.log_file.c_str(), "w");
    if (log_out == nullptr)
      return usage("cannot write " + o.log_file + ": " + std::strerror(errno));
  } else {
    log_out = std::fopen("/dev/null", "w");
    if (log_out == nullptr)
      return usage(std::string("cannot open /dev/null: ") + std::strerror(errno));
  }
  ::signal(SIGPIPE, SIG_IGN);
  int code = 0;
  {
    annexo::log::Decision_Log log("ue", format, log_out);
    net::Event_Loop loop;
    Load_Run run(o, std::move(records), log, loop);
    loop.on_signal(SIGINT, [&] { loop.stop(); });
    loop.on_signal(SIGTERM, [&] { loop.stop(); });
    if (!run.begin()) {
      std::fprintf(stderr, "load: pacing timer: %s\n", std::strerror(errno));
      code = 2;
    } else if (loop.run() != 0) {
      std::fprintf(stderr, "load: event loop: %s\n", loop.error().c_str());
      code = 2;
    }
    const int c = run.summary();
    if (code == 0) code = c;
  }
  std::fclose(log_out);
  return code;
}
