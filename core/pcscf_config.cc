#include "core/pcscf_config.h"

namespace annexo::core {

//= spec#IMPL-PC-CONFIG-CHECKS type=implementation
ConfigCheck check_pcscf_config(const pcscf::PcscfConfig& c, std::uint32_t granted_expires_s) {
  ConfigCheck r;
  constexpr std::uint32_t kHalfRange = 0x80000000u;  // domain.h: deadlines < 2^31 s ahead
  if (c.tls_session_lifetime_s == 0) {
    r.error = Error::pcscf_config_lifetime_zero;
  } else if (c.reneg_wait_s == 0) {
    r.error = Error::pcscf_config_reneg_wait_zero;
  } else if (c.unbound_idle_s == 0) {
    r.error = Error::pcscf_config_unbound_idle_zero;
  } else if (c.tls_session_lifetime_s >= kHalfRange || c.reneg_wait_s >= kHalfRange ||
             c.unbound_idle_s >= kHalfRange || granted_expires_s >= kHalfRange) {
    r.error = Error::pcscf_config_timer_too_long;
  }
  //= spec#O.2.1-ALL-LIFETIME-RECOMMENDED type=implementation
  if (c.tls_session_lifetime_s < reregistration_interval_s(granted_expires_s)) {
    r.warning = Error::pcscf_config_lifetime_below_rereg;
  }
  return r;
}

}  // namespace annexo::core
