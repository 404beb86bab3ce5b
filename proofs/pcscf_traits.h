// The P-CSCF connection machine (core/pcscf_machine.h) as seen by
// MachineProver: the core's own templates instantiated over Z3D.
#pragma once

#include <string>

#include "core/pcscf_machine.h"
#include "proofs/names.h"
#include "proofs/symbolic.h"
#include "proofs/z3_domain.h"

namespace annexo::proofs {

struct PcTraits {
  using State = core::pcscf::ConnState<Z3D>;
  using Facts = core::pcscf::Event<Z3D>;
  // The policy and the time the connection was accepted (initial_state's
  // arguments).
  struct Config {
    core::pcscf::Policy<Z3D> p;
    ZBv<32> now0;
  };
  using Row = core::pcscf::Row;
  static constexpr int kBmcDepth = 7;

  static State fresh_state(const std::string& p);
  static Facts fresh_facts(const std::string& p);
  static Config fresh_config(const std::string& p);
  static State init(const Config& c) { return core::pcscf::initial_state<Z3D>(c.p, c.now0); }
  static ZBool inv(const State& s) { return core::pcscf::check_invariants<Z3D>(s); }
  static std::size_t row_count() { return core::pcscf::kRowCount; }
  static const Row& row(std::size_t i) { return core::pcscf::kRows[i]; }
  static ZBool matches(const Row& r, const State& s, const Facts& e, const Config& c) {
    return s.state == Z3D::enum8(r.from) && e.kind == Z3D::enum8(r.event) &&
           core::pcscf::guard<Z3D>(r.guard, c.p, s, e);
  }
  static State apply(const Row& r, const State& s, const Facts& e, const Config& c) {
    State n = core::pcscf::update<Z3D>(r.act, c.p, s, e);
    n.state = Z3D::enum8(r.to);
    return n;
  }
  static State step(const State& s, const Facts& e, const Config& c) {
    return core::pcscf::step<Z3D>(c.p, s, e).next;
  }
  static bool same_group(const Row& a, const Row& b) {
    return a.from == b.from && a.event == b.event;
  }
  static std::string row_text(const Row& r);
  static std::string state_text(const z3::model& m, const State& s, const State* before = nullptr);
  static std::string facts_text(const z3::model& m, const Facts& f);
  static std::string config_text(const z3::model& m, const Config& c);
};

}  // namespace annexo::proofs
