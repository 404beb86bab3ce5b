// The UE machine (core/ue_logic.h, core/ue_table.h) as seen by
// MachineProver: the core's own templates instantiated over Z3D.
#pragma once

#include <string>

#include "core/access_selection.h"
#include "core/ue_logic.h"
#include "core/ue_table.h"
#include "core/ue_types.h"
#include "proofs/names.h"
#include "proofs/symbolic.h"
#include "proofs/z3_domain.h"

namespace annexo::proofs {

struct UeTraits {
  using State = core::UeState<Z3D>;
  using Facts = core::UeFacts<Z3D>;
  using Config = core::UeConfig<Z3D>;
  using Row = core::UeRow;
  static constexpr int kBmcDepth = 7;

  static State fresh_state(const std::string& p);
  static Facts fresh_facts(const std::string& p);
  static Config fresh_config(const std::string& p);
  static State init(const Config& c) { return core::ue_initial_state<Z3D>(c); }
  static ZBool inv(const State& s) { return core::check_invariants<Z3D>(s); }
  static std::size_t row_count() { return core::kUeRowCount; }
  static const Row& row(std::size_t i) { return core::kUeTable[i]; }
  static ZBool matches(const Row& r, const State& s, const Facts& f, const Config& c) {
    return core::ue_row_matches<Z3D>(r, s, f, c);
  }
  static State apply(const Row& r, const State& s, const Facts& f, const Config& c) {
    return core::ue_row_apply<Z3D>(r, s, f, c);
  }
  static State step(const State& s, const Facts& f, const Config& c) {
    ZBool accepted;
    return core::ue_step<Z3D>(s, f, c, accepted);
  }
  static bool same_group(const Row& a, const Row& b) {
    return a.state == b.state && a.event == b.event;
  }
  static std::string row_text(const Row& r);
  static std::string state_text(const z3::model& m, const State& s, const State* before = nullptr);
  static std::string facts_text(const z3::model& m, const Facts& f);
  static std::string config_text(const z3::model& m, const Config& c);
};

}  // namespace annexo::proofs
