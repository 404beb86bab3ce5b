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
  // PIXIT [ue_servers]: a TP named there runs with that third-party server
  // instead of the probe's own (RD-211).
  for (auto& t : all) {
    t.run = [id = t.id, own = std::move(t.run)](const Tp_Context& ctx) {
      const auto it = ctx.pixit.ue_servers.find(id);
      return it == ctx.pixit.ue_servers.end() ? own(ctx)
                                              : ue_iut::external_server_tp(ctx, it->second);
    };
  }
  return all;
}

}  // namespace annexo::probe
