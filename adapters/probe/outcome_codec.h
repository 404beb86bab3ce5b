// A Tp_Outcome as bytes, so that a TP run in a forked child (runner.cc) can
// hand its verdict and evidence back over a pipe. Length-prefixed fields, no
// escaping; decode refuses anything truncated or trailing.
#pragma once

#include <string>

#include "adapters/probe/tp.h"

namespace annexo::probe {

std::string encode_outcome(const Tp_Outcome& o);
bool decode_outcome(const std::string& bytes, Tp_Outcome& out);

}  // namespace annexo::probe
