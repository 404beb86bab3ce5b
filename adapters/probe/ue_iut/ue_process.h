// The UE under test as a process: started from the PIXIT [ue] command
// template (issue 13; a lab's phone automation, annexo's `ue` in the tests)
// in its own process group, with its output in a log file, and ended by the
// probe (SIGTERM to the group, SIGKILL after a grace period). Every wait has a
// budget (adapters/probe/tp.h).
#pragma once

#include <sys/types.h>

#include <string>

#include "adapters/probe/tp.h"

namespace annexo::probe::ue_iut {

// The PIXIT command for this TP: {pcscf_host} {pcscf_port} {pcscf_fqdn} from
// [probe], {ca} = `ca_file`, {impi} {password} {impu} of [[user]] `user`,
// {domain}, {workdir} = ctx.work_dir. `error` names a bad template.
// `secagree`: the PIXIT [ue] secagree_command instead (the UE's sec-agree
// variant, {secagree_port} = probe.secagree_port); missing is an error.
std::string ue_command(const Tp_Context& ctx, const std::string& ca_file, std::size_t user,
                       std::string& error, bool secagree = false);

class Ue_Process {
 public:
  Ue_Process() = default;
  ~Ue_Process();
  Ue_Process(const Ue_Process&) = delete;
  Ue_Process& operator=(const Ue_Process&) = delete;

  // /bin/sh -c `command`, stdout and stderr appended to `log_path`.
  bool start(const std::string& command, const std::string& log_path, std::string& error);
  // True while the process runs (reaps it when it has ended).
  bool running();
  // The exit status once ended (-1 while running, 128+N for a signal).
  int exit_status();
  // Ends the process group: SIGTERM, then SIGKILL after `grace_ms`.
  void stop(int grace_ms = 2000);
  // The last `lines` lines of the log (for a failing verdict's reason).
  std::string log_tail(std::size_t lines = 5) const;

 private:
  pid_t m_pid = -1;
  int m_status = -1;
  std::string m_log;
};

}  // namespace annexo::probe::ue_iut
