#include "core/access_selection.h"

namespace annexo::core {

AccessDecision select_access_security(const AccessFacts& facts, bool require_signalling_security) {
  const auto m = static_cast<Mechanism>(select_mechanism<Concrete>(
      facts.access_3gpp, facts.tls_available, facts.ipsec_available, require_signalling_security));
  if (m != Mechanism::none) return AccessDecision{m, Error::ok};
  //= spec#O.1.1-ALL-NOT-ON-3GPP-ACCESS type=implementation
  if (facts.access_3gpp) return AccessDecision{m, Error::ue_no_mechanism_3gpp};
  //= spec#O.1.1-OP-NO-BIDDOWN type=implementation
  return AccessDecision{m, Error::ue_no_protected_mechanism};
}

}  // namespace annexo::core
