// The property sets; each registers its properties with their requirement
// IDs (citations directly above each registration line).
#pragma once

#include "proofs/prover.h"

namespace annexo::proofs {

void register_suite_properties(Registry& r);
void register_ue_properties(Registry& r);
void register_pcscf_properties(Registry& r);

}  // namespace annexo::proofs
