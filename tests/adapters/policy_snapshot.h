// The two effective policies as the programs build them by default, as text.
#pragma once

#include <string>

#include "adapters/tls/botan/policy.h"
#include "core/profile.h"

namespace annexo::testing {

inline std::string pcscf_policy_text() {
  core::PcscfTlsConfig config;
  config.enable_tls13 = false;  // Botan 2.19
  tls::Pcscf_Policy p(config, {[] { return false; }, [] { return false; }});
  return tls::describe_policy(p, "pcscf",
                              std::vector<std::uint16_t>(std::begin(core::kDefaultSuiteOrder),
                                                         std::end(core::kDefaultSuiteOrder)));
}

inline std::string ue_policy_text() {
  core::UeTlsConfig config;
  config.enable_tls13 = false;
  core::Offer offer;
  if (core::build_offer(config, offer) != core::Error::ok) return "build_offer failed\n";
  tls::Ue_Policy p(config, offer);
  return tls::describe_policy(
      p, "ue", std::vector<std::uint16_t>(offer.suites, offer.suites + offer.suite_count));
}

}  // namespace annexo::testing
