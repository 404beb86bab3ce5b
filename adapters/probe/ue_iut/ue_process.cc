#include "adapters/probe/ue_iut/ue_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>
#include <vector>

namespace annexo::probe::ue_iut {

std::string ue_command(const Tp_Context& ctx, const std::string& ca_file, std::size_t user,
                       std::string& error, bool secagree) {
  const auto& px = ctx.pixit;
  std::map<std::string, std::string> v;
  v["pcscf_host"] = px.probe_host;
  v["pcscf_port"] = std::to_string(px.probe_listen_port);
  v["pcscf_fqdn"] = px.probe_fqdn;
  v["ca"] = ca_file;
  v["domain"] = px.domain;
  v["workdir"] = ctx.work_dir;
  v["secagree_port"] = std::to_string(px.probe_secagree_port);
  if (user < px.users.size()) {
    v["impi"] = px.users[user].impi;
    v["password"] = px.users[user].password;
    v["impu"] = px.users[user].impus.empty() ? "" : px.users[user].impus.front();
  }
  if (secagree && (px.ue_secagree_command.empty() || px.probe_secagree_port == 0)) {
    error = "the PIXIT has no [ue] secagree_command or probe.secagree_port (sec-agree variant)";
    return {};
  }
  return probe_data::expand_command(secagree ? px.ue_secagree_command : px.ue_command, v, error);
}

Ue_Process::~Ue_Process() {
  stop(500);
}

bool Ue_Process::start(const std::string& command, const std::string& log_path,
                       std::string& error) {
  m_log = log_path;
  const int fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) {
    error = "cannot open " + log_path + ": " + std::strerror(errno);
    return false;
  }
  const pid_t pid = ::fork();
  if (pid < 0) {
    error = std::string("fork: ") + std::strerror(errno);
    ::close(fd);
    return false;
  }
  if (pid == 0) {
    ::setpgid(0, 0);
    // The probe's runner kills a TP that overruns its wall budget; the UE
    // must not outlive it.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    ::dup2(fd, 1);
    ::dup2(fd, 2);
    const int devnull = ::open("/dev/null", O_RDONLY);
    if (devnull >= 0) ::dup2(devnull, 0);
    ::execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ::setpgid(pid, pid);  // both sides, so stop() never races the child's own call
  ::close(fd);
  m_pid = pid;
  m_status = -1;
  return true;
}

bool Ue_Process::running() {
  if (m_pid <= 0) return false;
  int st = 0;
  const pid_t r = ::waitpid(m_pid, &st, WNOHANG);
  if (r == 0) return true;
  if (r == m_pid) m_status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
  ::kill(-m_pid, SIGKILL);  // anything the command left behind in its group
  m_pid = -1;
  return false;
}

int Ue_Process::exit_status() {
  running();
  return m_status;
}

void Ue_Process::stop(int grace_ms) {
  if (!running()) return;
  ::kill(-m_pid, SIGTERM);
  const auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(grace_ms);
  while (std::chrono::steady_clock::now() < end) {
    if (!running()) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ::kill(-m_pid, SIGKILL);
  int st = 0;
  ::waitpid(m_pid, &st, 0);
  m_status = 128 + SIGKILL;
  m_pid = -1;
}

std::string Ue_Process::log_tail(std::size_t lines) const {
  std::ifstream in(m_log);
  std::vector<std::string> all;
  for (std::string l; std::getline(in, l);) all.push_back(l);
  std::ostringstream o;
  const std::size_t first = all.size() > lines ? all.size() - lines : 0;
  for (std::size_t i = first; i < all.size(); ++i) o << (i > first ? " | " : "") << all[i];
  return o.str();
}

}  // namespace annexo::probe::ue_iut
