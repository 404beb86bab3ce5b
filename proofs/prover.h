// The proof program's frame: named properties with their requirement IDs, a
// validity check on Z3, the command line, the JSON the conformance report
// reads (tools/report/evidence.cc), and the run of the mutant binaries.
//
// Nothing here knows the core; the properties (props_*.cc) do.
#pragma once

#include <z3++.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace annexo::proofs {

enum class Status { proved, refuted, unknown, error };
const char* status_name(Status s);

// What a proved property rests on (the JSON field "basis", read by the
// conformance report):
//   induction        an inductive argument over every row of a machine's
//                    table (unbounded: every reachable state);
//   exhaustive       every input of a function, symbolically (Z3) or by
//                    enumerating a finite domain; no induction involved;
//   by_construction  the property holds of constant data alone (a constexpr
//                    table): the solver only confirms what the data says, no
//                    input can change it. The report shows "by construction",
//                    not "proved". The prover checks the label: a property
//                    whose every obligation Z3 simplifies to true without
//                    search must say by_construction, and one that says so
//                    must have only such obligations.
enum class Basis { induction, exhaustive, by_construction };
const char* basis_name(Basis b);

struct Outcome {
  Status status = Status::error;
  std::string counterexample;  // refuted: what Z3 found, as events; unknown/error: why
  std::string method;          // how it was established (induction, exhaustive, ...)
  int obligations = 0;         // solver queries (or concrete cases) discharged
  int constant = 0;            // of those, claims Z3 simplifies to true (no input matters)
};

using PropertyFn = std::function<Outcome()>;

struct Property {
  std::string name;
  std::vector<std::string> requirements;
  PropertyFn run;
  Basis basis;
};

class Registry {
 public:
  // The line calling add() names the property first; its `//= spec#ID
  // type=proof` citations sit directly above it and list the same IDs
  // (checked by //proofs:proofs_test).
  void add(const std::string& name, std::vector<std::string> requirements, PropertyFn fn,
           Basis basis);
  const std::vector<Property>& all() const { return props_; }

 private:
  std::vector<Property> props_;
};

// Validity of `claim` under `hypotheses`: hypotheses && !claim is unsat.
struct Check {
  Status status = Status::error;
  std::optional<z3::model> model;  // refuted: a witness
  std::string reason;              // unknown: Z3's reason
};
Check prove_valid(const z3::expr& hypotheses, const z3::expr& claim, unsigned timeout_ms = 60000);

// Accumulates the obligations of one property; the first refutation wins.
class Obligations {
 public:
  explicit Obligations(std::string method) { out_.method = std::move(method); }
  // Returns true while everything so far is proved (callers may stop early).
  bool require(const z3::expr& hypotheses, const z3::expr& claim,
               const std::function<std::string(const z3::model&)>& explain);
  // The result of a query the caller ran itself (sat = refuted).
  bool record(z3::check_result r, const std::string& reason,
              const std::function<std::string()>& explain);
  // A concrete (exhaustive) case: `ok` or the explanation of the failure.
  bool require_concrete(bool ok, const std::function<std::string()>& explain);
  bool all_proved() const { return out_.status == Status::proved; }
  Outcome finish();
  Outcome& outcome() { return out_; }

 private:
  Outcome out_{Status::proved, "", "", 0, 0};
};

struct MainOptions {
  std::string json_path;
  std::string only;
  bool run_mutants = true;
  bool list = false;
};

// The whole program: parse argv, run the properties (and the mutants named in
// the manifest found next to the binary unless --no-mutants), print, write
// JSON. Returns the exit code.
int prove_main(int argc, char** argv, const Registry& registry);

// "name=value ..." (hex above 0xFFFF); with `before`, only the fields that differ.
std::string format_fields(
    const std::vector<std::pair<std::string, std::uint64_t>>& f,
    const std::vector<std::pair<std::string, std::uint64_t>>* before = nullptr);

}  // namespace annexo::proofs
