// Display names of the core's enums (counterexamples only).
#pragma once

#include <cstdint>

namespace annexo::proofs {

const char* ue_state_name(std::uint64_t v);
const char* ue_event_name(std::uint64_t v);
const char* ue_guard_name(std::uint64_t v);
const char* ue_action_name(std::uint64_t v);
const char* mechanism_name(std::uint64_t v);
const char* pc_state_name(std::uint64_t v);
const char* pc_event_name(std::uint64_t v);
const char* pc_guard_name(std::uint64_t v);
const char* pc_act_name(std::uint64_t v);
const char* pc_method_name(std::uint64_t v);
const char* pc_response_name(std::uint64_t v);

}  // namespace annexo::proofs
