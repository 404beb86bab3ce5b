#include <random>
#include <string>

#include "adapters/ue/client/ue_client.h"

namespace annexo::ue {

using core::Error;
using core::UeEvent;
using core::UeInput;
using core::UeOutputKind;
using core::UeResult;
using core::UeStateId;
using log::Verdict;
namespace sip = ::annexo::sip;

//= spec#5626-4.5-UE-FLOW-RECOVERY type=implementation
//= spec#O.4.1-UE-REREG-ON-CONN-LOSS type=implementation
bool Ue_Client::recovery_applies() const {
  return m_exit < 0 && m_ever_registered && m_stay_armed && m_gate_error == Error::ok &&
         m_cert_error == Error::ok && m_last_alert.empty() && m_tls_failure.empty();
}

void Ue_Client::retry_later(const std::string& why) {
  UeInput in;
  in.event = UeEvent::stop;  // the attempt is abandoned: the machine goes idle
  (void)handle(in, "stop (flow recovery)");
  drop_fd();
  ++m_failures;
  const auto w = core::ue_flow_recovery_wait(m_o.reconnect_base_s, m_o.reconnect_max_s, m_failures);
  std::uniform_int_distribution<std::uint32_t> d(w.min_s, w.max_s);
  const std::uint32_t wait = d(m_random);
  // The clock counts whole seconds: one more makes the wait at least `wait`
  // seconds (and at most one more).
  m_retry_at = core::time_add(now(), wait + 1);
  m_retry_armed = true;
  m_log.decision(Verdict::info, "5626-4.5-UE-FLOW-RECOVERY",
                 "attempt to replace the failed flow failed: next attempt after the wait",
                 {{"reason", why},
                  {"consecutive_failures", std::to_string(m_failures)},
                  {"wait_s", std::to_string(wait)},
                  {"min_s", std::to_string(w.min_s)},
                  {"max_s", std::to_string(w.max_s)}});
}

void Ue_Client::retry_now() {
  m_retry_armed = false;
  m_opens = 0;
  UeInput in;
  in.event = UeEvent::start_registration;
  in.access.access_3gpp = m_o.access_3gpp;
  in.access.tls_available = true;
  in.access.ipsec_available = false;
  (void)handle(in, "start_registration (flow recovery)");
}

}  // namespace annexo::ue
