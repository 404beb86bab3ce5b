#include "adapters/probe/runner.h"

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <ctime>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <set>

#include "adapters/probe/outcome_codec.h"
#include "adapters/probe/wire.h"

namespace annexo::probe {

namespace fs = std::filesystem;
using probe_data::TestPurpose;

std::vector<Tp_Impl> all_implementations() {
  std::vector<Tp_Impl> all = pcscf_tls_tps();
  for (auto& t : pcscf_sip_tps()) all.push_back(std::move(t));
  for (auto& t : ue_tps()) all.push_back(std::move(t));
  return all;
}

std::vector<std::string> check_implementations(const std::vector<Tp_Impl>& impls,
                                               const probe_data::Catalogue& cat) {
  std::vector<std::string> errors;
  std::set<std::string> seen;
  for (const auto& impl : impls) {
    if (!seen.insert(impl.id).second) {
      errors.push_back("probe: TP " + impl.id + " is implemented twice");
    }
    const auto it = std::find_if(cat.tps.begin(), cat.tps.end(),
                                 [&](const TestPurpose& tp) { return tp.id == impl.id; });
    if (it == cat.tps.end()) {
      errors.push_back("probe: implementation of " + impl.id +
                       ", which is not in the catalogue (spec/test_purposes)");
    } else if (!probe_data::check_tp_id(impl.id, it->role).empty()) {
      errors.push_back("probe: implementation of " + impl.id + " does not fit its role " +
                       it->role);
    }
    if (!impl.run) errors.push_back("probe: implementation of " + impl.id + " has no function");
  }
  return errors;
}

int tp_wall_budget_ms(const TestPurpose& tp, const probe_data::Pixit& pixit) {
  const auto it = pixit.timers.find("tp_budget_s");
  int seconds = it == pixit.timers.end() ? 60 : it->second;
  if (tp.long_timer) {
    int largest = 0;
    for (const auto& [name, s] : pixit.timers) largest = std::max(largest, s);
    seconds += largest;
  }
  return seconds * 1000;
}

namespace {

// The child: runs the TP and writes its encoded outcome to `fd`.
[[noreturn]] void child_main(const Tp_Impl& impl, const Tp_Context& ctx, int fd) {
  setpgid(0, 0);  // the runner kills the whole group (a started UE too)
  Tp_Outcome out;
  try {
    out = impl.run(ctx);
  } catch (const std::exception& e) {
    out = Tp_Outcome{Verdict::error, std::string("the TP implementation threw: ") + e.what(), {}};
  } catch (...) {
    out = Tp_Outcome{Verdict::error, "the TP implementation threw", {}};
  }
  const std::string bytes = encode_outcome(out);
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = write(fd, bytes.data() + done, bytes.size() - done);
    if (n <= 0) break;
    done += static_cast<std::size_t>(n);
  }
  close(fd);
  std::cout.flush();
  _exit(0);
}

Tp_Outcome run_forked(const Tp_Impl& impl, const Tp_Context& ctx, int budget_ms) {
  int fds[2];
  if (pipe(fds) != 0) return {Verdict::error, "probe: pipe() failed", {}};
  std::cout.flush();
  std::cerr.flush();
  const pid_t pid = fork();
  if (pid < 0) {
    close(fds[0]);
    close(fds[1]);
    return {Verdict::error, "probe: fork() failed", {}};
  }
  if (pid == 0) {
    close(fds[0]);
    child_main(impl, ctx, fds[1]);
  }
  setpgid(pid, pid);
  close(fds[1]);
  std::string bytes;
  const long long deadline = now_ms() + budget_ms;
  bool timed_out = false;
  for (;;) {
    const long long left = deadline - now_ms();
    if (left <= 0) {
      timed_out = true;
      break;
    }
    pollfd p{fds[0], POLLIN, 0};
    const int rc = poll(&p, 1, static_cast<int>(left));
    if (rc < 0 && errno == EINTR) continue;
    if (rc <= 0) continue;
    char buf[4096];
    const ssize_t n = read(fds[0], buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    bytes.append(buf, static_cast<std::size_t>(n));
  }
  close(fds[0]);
  if (timed_out) kill(-pid, SIGKILL);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!timed_out) kill(-pid, SIGKILL);  // whatever the TP left running
  if (timed_out) {
    return {Verdict::error,
            "probe: the TP did not end within its wall budget of " +
                std::to_string(budget_ms / 1000) + " s (PIXIT timers.tp_budget_s); killed",
            {}};
  }
  Tp_Outcome out;
  if (decode_outcome(bytes, out)) return out;
  if (WIFSIGNALED(status)) {
    return {
        Verdict::error,
        "probe: the TP implementation crashed (signal " + std::to_string(WTERMSIG(status)) + ")",
        {}};
  }
  return {Verdict::error, "probe: the TP implementation ended without a verdict", {}};
}

std::string fresh_dir(const std::string& out_dir, const std::string& id) {
  const fs::path dir = fs::absolute(fs::path(out_dir) / "work" / id);
  std::error_code ec;
  fs::remove_all(dir, ec);
  fs::create_directories(dir, ec);
  return dir.string();
}

// On a terminal, a "running" line while a TP runs (some wait for IUT timers),
// replaced by its verdict line.
void print_running(std::size_t index, std::size_t total, const Tp_Result& r, bool verbose) {
  if (isatty(STDOUT_FILENO) == 0) return;
  std::cout << "[" << index << "/" << total << "] " << r.tp->id << "  running..."
            << (verbose ? "\n" : "\r") << std::flush;
}

void print_progress(std::size_t index, std::size_t total, const Tp_Result& r) {
  if (isatty(STDOUT_FILENO) != 0) std::cout << "\033[K";
  std::cout << "[" << index << "/" << total << "] " << r.tp->id << "  " << shown_verdict(r);
  if (r.ran()) std::cout << "  (" << static_cast<int>(r.seconds * 1000) << " ms)";
  const std::string why = r.ran() ? r.outcome.reason : r.not_run;
  if (!why.empty()) std::cout << "  " << why;
  std::cout << std::endl;
}

}  // namespace

int run_probe(const Options& opt, const std::vector<Tp_Impl>& impls, Run_Result& run,
              std::vector<std::string>& errors) {
  const std::string proforma_file = opt.spec_dir + "/probe/proforma.toml";
  const probe_data::Proforma proforma =
      probe_data::load_proforma(proforma_file, proforma_file, errors);
  auto loaded = std::make_shared<probe_data::Catalogue>(probe_data::load_catalogue(
      opt.spec_dir + "/test_purposes", opt.spec_dir + "/test_purposes", proforma));
  run.catalogue = loaded;
  const probe_data::Catalogue& cat = *loaded;
  errors.insert(errors.end(), cat.errors.begin(), cat.errors.end());
  const probe_data::Pics pics =
      probe_data::load_pics(opt.pics_file, opt.pics_file, proforma, errors);
  const probe_data::Pixit pixit = probe_data::load_pixit(opt.pixit_file, opt.pixit_file, errors);
  if (errors.empty()) probe_data::check_pair(pics, opt.pics_file, pixit, opt.pixit_file, errors);
  const auto impl_errors = check_implementations(impls, cat);
  errors.insert(errors.end(), impl_errors.begin(), impl_errors.end());
  // --tp is checked against the role only once the PICS has one.
  for (const auto& id : pics.role.empty() ? std::vector<std::string>{} : opt.only) {
    const bool known = std::any_of(cat.tps.begin(), cat.tps.end(), [&](const TestPurpose& tp) {
      return tp.id == id && tp.role == pics.role;
    });
    if (!known) errors.push_back("probe: --tp " + id + ": no such TP for role " + pics.role);
  }
  if (!errors.empty()) return 2;

  std::map<std::string, const Tp_Impl*> by_id;
  for (const auto& impl : impls) by_id[impl.id] = &impl;
  run.role = pics.role;
  run.run_id = opt.run_id;
  run.started = static_cast<long long>(std::time(nullptr));
  run.pics_file = opt.pics_file;
  run.pixit_file = opt.pixit_file;
  for (const auto& tp : cat.tps) {
    if (tp.role != pics.role) continue;
    if (!opt.only.empty() && std::find(opt.only.begin(), opt.only.end(), tp.id) == opt.only.end())
      continue;
    Tp_Result r;
    r.tp = &tp;
    r.selected = probe_data::selected(tp, pics);
    r.outcome.verdict = Verdict::none;
    if (r.selected && tp.long_timer && opt.skip_long) r.not_run = "not run (--skip-long)";
    run.tps.push_back(std::move(r));
  }

  const long long start = now_ms();
  std::size_t index = 0;
  for (auto& r : run.tps) {
    ++index;
    const auto it = by_id.find(r.tp->id);
    if (r.selected && r.not_run.empty() && it == by_id.end()) {
      if (opt.implemented_only) {
        r.not_run = "not run (not implemented)";
      } else {
        r.outcome = {Verdict::error, "not implemented by this probe", {}};
      }
    } else if (r.selected && r.not_run.empty()) {
      const std::string work = fresh_dir(opt.out_dir, r.tp->id);
      const bool verbose = opt.verbose;
      const std::string log_path = work + "/notes.log";
      Tp_Context ctx{*r.tp, pics, pixit, opt.spec_dir, work, nullptr};
      ctx.note = [verbose, log_path, id = r.tp->id](const std::string& line) {
        std::ofstream(log_path, std::ios::app) << line << "\n";
        if (verbose) std::cout << "  " << id << ": " << line << std::endl;
      };
      print_running(index, run.tps.size(), r, opt.verbose);
      const long long t0 = now_ms();
      r.outcome = run_forked(*it->second, ctx, tp_wall_budget_ms(*r.tp, pixit));
      r.seconds = static_cast<double>(now_ms() - t0) / 1000.0;
    }
    print_progress(index, run.tps.size(), r);
  }
  run.seconds = static_cast<double>(now_ms() - start) / 1000.0;
  roll_up(run);
  return 0;
}

}  // namespace annexo::probe
