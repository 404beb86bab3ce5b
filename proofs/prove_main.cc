// //proofs:prove — every property over the core it is linked with (the real
// //core, or a mutant copy for //proofs/mutants:prove_<name>).
#include "proofs/props.h"
#include "proofs/prover.h"

#ifdef ANNEXO_EXPECT_MUTANT
// A mutant binary must be compiled against the mutated copy of the core; the
// copy's domain.h defines ANNEXO_MUTANT_CORE (proofs/mutants/mutants.bzl).
#include "core/domain.h"
#ifndef ANNEXO_MUTANT_CORE
#error "mutant prove binary compiled against the real core instead of its mutated copy"
#endif
#endif

int main(int argc, char** argv) {
  annexo::proofs::Registry registry;
  annexo::proofs::register_suite_properties(registry);
  annexo::proofs::register_ue_properties(registry);
  annexo::proofs::register_pcscf_properties(registry);
  return annexo::proofs::prove_main(argc, argv, registry);
}
