#include "adapters/probe/tp.h"

namespace annexo::probe {

int Tp_Context::budget_ms(const std::string& name, int fallback_s) const {
  const auto it = pixit.timers.find(name);
  const int seconds = it == pixit.timers.end() ? fallback_s : it->second;
  return seconds * 1000;
}

}  // namespace annexo::probe
