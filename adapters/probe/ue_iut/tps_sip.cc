// TP_UE_SIP_*: registration behaviour of the UE (spec/test_purposes/ue.toml).
#include "adapters/probe/ue_iut/tps_tls.h"
#include "adapters/probe/ue_iut/ue_run.h"

namespace annexo::probe::ue_iut {

std::vector<Tp_Impl> ue_sip_tps() {
  return {};
}

}  // namespace annexo::probe::ue_iut
