// UE configuration checks (the machine refuses every event under a bad config).
#include "core/ue_machine.h"

namespace annexo::core {

Error check_ue_config(const UeConfig<Concrete>& cfg) {
  //= spec#UE-IMPL-CONFIG-TIMERS type=implementation
  // Deadlines are now + span on a wrapping 32-bit clock: a span must be
  // non-zero and below half the ring (core/domain.h).
  if (cfg.timer_f_s == 0 || cfg.timer_f_s > kUeMaxSpan) return Error::ue_config_timer_out_of_range;
  if (cfg.handshake_timeout_s == 0 || cfg.handshake_timeout_s > kUeMaxSpan) {
    return Error::ue_config_timer_out_of_range;
  }
  //= spec#5626-4.4.1-UE-PONG-TIMEOUT type=implementation
  if (cfg.pong_timeout_s == 0 || cfg.pong_timeout_s > 10) return Error::ue_config_pong_timeout;
  return Error::ok;
}

}  // namespace annexo::core
