#include "proofs/props.h"
namespace annexo::proofs {
void register_suite_properties(Registry&) {}
}
