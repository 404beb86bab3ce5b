#include "proofs/props.h"
namespace annexo::proofs {
void register_pcscf_properties(Registry&) {}
}
