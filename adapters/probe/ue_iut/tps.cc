// Test purposes of the UE group (see adapters/probe/tp.h): the probe plays
// the P-CSCF towards a UE under test (spec/test_purposes/ue.toml).
#include "adapters/probe/tp.h"
#include "adapters/probe/ue_iut/tps_tls.h"

namespace annexo::probe {

std::vector<Tp_Impl> ue_tps() {
  std::vector<Tp_Impl> all = ue_iut::ue_tls_tps();
  for (auto* group : {&ue_iut::ue_cert_tps, &ue_iut::ue_sip_tps, &ue_iut::ue_timer_tps,
                      &ue_iut::ue_secagree_tps}) {
    for (auto& t : group()) all.push_back(std::move(t));
  }
  return all;
}

}  // namespace annexo::probe
