// Test purposes of this group (see adapters/probe/tp.h). Empty until built.
#include "adapters/probe/tp.h"

namespace annexo::probe {

std::vector<Tp_Impl> ue_tps() {
  return {};
}

}  // namespace annexo::probe
