// Start-up check of the P-CSCF configuration (core/pcscf_machine.h PcscfConfig).
#pragma once

#include <cstdint>

#include "core/errors.h"
#include "core/pcscf_machine.h"

namespace annexo::core {

// Re-registration interval the UE uses for a granted registration expiry,
// TS 24.229 5.1.1.4.1: 600 s before expiry when the registration is longer
// than 1200 s, otherwise at half time.
constexpr std::uint32_t reregistration_interval_s(std::uint32_t granted_expires_s) {
  return granted_expires_s > 1200 ? granted_expires_s - 600 : granted_expires_s / 2;
}
static_assert(reregistration_interval_s(3600) == 3000, "24.229: 600 s before expiry");
static_assert(reregistration_interval_s(1200) == 600, "24.229: half time");

struct ConfigCheck {
  Error error = Error::ok;    // the configuration is refused
  Error warning = Error::ok;  // accepted, but the operator is told
};

// error: a zero timer (4100, 4102, 4103) or one >= 2^31 s (4101), which the
// wrap-safe clock cannot order. warning: tls_session_lifetime_s shorter than
// the re-registration interval for `granted_expires_s` (O.2.1 recommends the
// session outlive it so that O.4.3 re-registration can use it; A3).
[[nodiscard]] ConfigCheck check_pcscf_config(const pcscf::PcscfConfig& c,
                                             std::uint32_t granted_expires_s);

}  // namespace annexo::core
