// Unbounded proofs over a transition table, generic in the machine.
//
// A machine's traits (props_ue.cc, props_pcscf.cc) give: its state, event
// facts and configuration over Z3D, its constexpr rows, the core's own
// row-matching (state, event, guard) and row update, its check_invariants and
// initial state. Nothing of the machine is re-implemented here.
//
// Induction: a claim C(pre, facts, cfg, post, row) is proved for EVERY row of
// the table and EVERY pre-state satisfying check_invariants, every event fact
// and every configuration:
//     Inv(pre) && fires(row, pre, facts, cfg)  =>  C(pre, facts, cfg, apply(row, pre, facts, cfg))
// Together with "check_invariants holds in the initial state" and
// "check_invariants is preserved by every row" (itself such a claim), and the
// table semantics "no matching row = state unchanged", this covers every
// reachable state after any number of events: unbounded, no depth limit.
// A row is considered where it fires under the tables' semantics: it matches
// and no earlier row of the same (state, event) matches.
//
// When an obligation fails, the prover looks for a concrete trace from the
// initial state (bounded model checking with the core's whole-step formula)
// that violates the claim, and prints it as a sequence of events; if none is
// found within the bound, it prints the counterexample to induction (a state
// satisfying the invariant, the event, the row and the post-state).
#pragma once

#include <functional>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "proofs/prover.h"
#include "proofs/z3_domain.h"

namespace annexo::proofs {

template <class T>
class MachineProver {
 public:
  using State = typename T::State;
  using Facts = typename T::Facts;
  using Config = typename T::Config;
  using Row = typename T::Row;
  using Claim =
      std::function<z3::expr(const State&, const Facts&, const Config&, const State&, const Row&)>;
  using Applies = std::function<bool(const Row&)>;

  static constexpr int kBmcDepth = T::kBmcDepth;

  // Inv(init(cfg)) for every configuration.
  static bool prove_initial(Obligations& ob) {
    const Config c = T::fresh_config("cfg");
    const State s0 = T::init(c);
    return ob.require(z3ctx().bool_val(true), T::inv(s0).e, [&](const z3::model& m) {
      return "check_invariants fails in the initial state\n  config: " + T::config_text(m, c) +
             "\n  state: " + T::state_text(m, s0);
    });
  }

  // Claim for every row selected by `applies`. One solver holds
  // check_invariants(pre); each row's hypothesis and negated claim are pushed
  // and popped.
  static bool prove_rows(Obligations& ob, const Applies& applies, const Claim& claim,
                         const std::string& what) {
    const State s = T::fresh_state("pre");
    const Facts f = T::fresh_facts("ev");
    const Config c = T::fresh_config("cfg");
    z3::solver solver(z3ctx());
    z3::params p(z3ctx());
    p.set("timeout", 60000u);
    solver.set(p);
    solver.add(T::inv(s).e);
    for (std::size_t i = 0; i < T::row_count(); ++i) {
      const Row& row = T::row(i);
      if (!applies(row)) continue;
      const State post = T::apply(row, s, f, c);
      solver.push();
      solver.add(first_match(i, s, f, c));
      solver.add(!claim(s, f, c, post, row));
      const z3::check_result r = solver.check();
      std::optional<z3::model> model;
      if (r == z3::sat) model = solver.get_model();
      const std::string reason = r == z3::unknown ? solver.reason_unknown() : "";
      solver.pop();
      const bool ok = ob.record(r, reason, [&]() {
        const z3::model& m = *model;
        std::string out =
            what + " fails at row " + std::to_string(i) + " " + T::row_text(row) + "\n";
        const std::string trace = find_trace(applies, claim);
        if (!trace.empty()) return out + trace;
        out += "no trace from the initial state within " + std::to_string(kBmcDepth) +
               " events; counterexample to induction:\n";
        out += "  config: " + T::config_text(m, c) + "\n";
        out += "  pre-state (satisfies check_invariants): " + T::state_text(m, s) + "\n";
        out += "  event: " + T::facts_text(m, f) + "\n";
        out += "  post-state: " + T::state_text(m, post, &s);
        return out;
      });
      if (!ok) return false;
    }
    return true;
  }

  // Row i fires: it matches and no earlier row of the same (state, event)
  // does (the tables' first-match semantics; rows of other (state, event)
  // pairs cannot match at the same time).
  static z3::expr first_match(std::size_t i, const State& s, const Facts& f, const Config& c) {
    const Row& row = T::row(i);
    z3::expr m = T::matches(row, s, f, c).e;
    for (std::size_t j = 0; j < i; ++j) {
      const Row& other = T::row(j);
      if (T::same_group(other, row)) m = m && !T::matches(other, s, f, c).e;
    }
    return m;
  }

  // Bounded search from the initial state for a step (first matching row,
  // the runtime's semantics) that violates the claim.
  static std::string find_trace(const Applies& applies, const Claim& claim) {
    z3::solver solver(z3ctx());
    z3::params p(z3ctx());
    p.set("timeout", 30000u);
    solver.set(p);
    const Config c = T::fresh_config("bmc.cfg");
    std::vector<State> states{T::init(c)};
    std::vector<Facts> facts;
    for (int k = 1; k <= kBmcDepth; ++k) {
      const State& pre = states.back();
      facts.push_back(T::fresh_facts("bmc.ev" + std::to_string(k)));
      const Facts& f = facts.back();
      z3::expr earlier = z3ctx().bool_val(false);
      z3::expr bad = z3ctx().bool_val(false);
      for (std::size_t i = 0; i < T::row_count(); ++i) {
        const Row& row = T::row(i);
        const z3::expr m = T::matches(row, pre, f, c).e;
        if (applies(row)) {
          const State post = T::apply(row, pre, f, c);
          bad = bad || (m && !earlier && !claim(pre, f, c, post, row));
        }
        earlier = earlier || m;
      }
      solver.push();
      solver.add(bad);
      const z3::check_result r = solver.check();
      if (r == z3::sat) {
        const z3::model mdl = solver.get_model();
        std::ostringstream out;
        out << "trace from the initial state (" << k
            << " events), config: " << T::config_text(mdl, c) << "\n";
        for (int j = 0; j < k; ++j) {
          out << "  " << (j + 1) << ". " << T::facts_text(mdl, facts[j]) << "\n";
          if (j + 1 < k) {
            out << "     -> " << T::state_text(mdl, states[j + 1], &states[j]) << "\n";
          }
        }
        out << "     in state " << T::state_text(mdl, states[k - 1]) << "\n";
        out << "     the step violates the property";
        return out.str();
      }
      solver.pop();
      if (r == z3::unknown) return "";
      states.push_back(T::step(pre, f, c));
    }
    return "";
  }
};

}  // namespace annexo::proofs
