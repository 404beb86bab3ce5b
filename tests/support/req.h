// Requirement assertions: the only way a test earns credit for a requirement.
//
// The conformance report credits requirement ID to a test case only when an
// assertion naming ID ran and held in that case in this run (issue 11,
// "credit per assertion, not per comment"). A citation comment above the case
// (`//= spec#ID type=test`) is traceability, not evidence.
//
//   REQ("O.2.1-UE-NONNULL-OFFER", offer.size() > 0);          // Catch2, like CHECK
//   REQ_REQUIRE("O.5.2-UE-BINARY-NAME-MATCH", v == Verdict::x); // Catch2, like REQUIRE
//   RC_REQ("O.2.2-PC-MATCH-FULL-TUPLE", got == model);          // inside a RapidCheck property
//
// Every outcome is noted in a per-process registry; tests/support/catch_main.cc
// collects the notes of each test case and writes them into the JUnit XML as
//   <property name="requirement" value="ID"/>         (every note for ID held)
//   <property name="requirement-failed" value="ID"/>  (a note for ID did not hold)
// Shell cases use `annexo_req ID command...` (tests/support/testlib.sh), same XML.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace annexo::req {

// One assertion outcome for `id`. Thread-safe enough for our tests: single-threaded.
void note(const char* id, bool held);

// Every note since the last take(), in order; clears the list.
std::vector<std::pair<std::string, bool>> take();

// The requirement the Catch2 assertion being evaluated is about (nullptr when
// none); set by REQ's scope, read by the JUnit listener in assertionEnded.
const char* current();

class Scope {
 public:
  explicit Scope(const char* id);
  ~Scope();
  Scope(const Scope&) = delete;
  Scope& operator=(const Scope&) = delete;

 private:
  const char* previous_;
};

}  // namespace annexo::req

// Catch2 forms. The listener notes the assertion's result against the ID.
#define REQ(id, ...)                                  \
  do {                                                \
    const ::annexo::req::Scope annexo_req_scope_{id}; \
    CHECK(__VA_ARGS__);                               \
  } while (false)

#define REQ_REQUIRE(id, ...)                          \
  do {                                                \
    const ::annexo::req::Scope annexo_req_scope_{id}; \
    REQUIRE(__VA_ARGS__);                             \
  } while (false)

// RapidCheck form: notes the outcome, then fails the property when it does not hold.
#define RC_REQ(id, ...)                                                        \
  do {                                                                         \
    const bool annexo_req_held_ = static_cast<bool>(__VA_ARGS__);              \
    ::annexo::req::note(id, annexo_req_held_);                                 \
    if (!annexo_req_held_)                                                     \
      RC_FAIL(std::string("requirement ") + (id) + " not met: " #__VA_ARGS__); \
  } while (false)
