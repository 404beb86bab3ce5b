// Traceability of the conformance probe's test purposes (issue 13): the
// catalogue in spec/test_purposes/, the PICS proforma and the PICS / PIXIT
// files in spec/probe/. A tree passes when
//  - every file loads (tools/probe_data: file, key and line for each problem);
//  - TP IDs are unique and well formed, selection expressions name only
//    proforma items asked of the TP's role;
//  - every requirement a TP cites exists in spec/ and concerns the TP's role;
//  - every shall / shall-not with no exception in the in-scope files
//    (tp_scope_files) whose observable is on the wire has at least one TP, or
//    an [[unobservable]] entry with the reason it cannot be seen from outside;
//  - an [[unobservable]] entry names an existing requirement, once, and one
//    that no TP checks.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "tools/trace/spec.h"

namespace annexo::trace {

// Requirement files (basenames without .toml) whose externally observable
// shall / shall-not rows need a TP: Annex O, O.2.1's TLS profile, O.5,
// Annex N, RFC 3329 and RFC 5626.
const std::set<std::string>& tp_scope_files();

// Whether the requirement's observable starts with a wire class (SIP, HS,
// CERT, NET, AL, CS). Mirrors the `wire` default of spec/README.md.
bool observable_on_wire(const Requirement& r);

struct TpCheckResult {
  std::vector<std::string> errors;
  std::size_t tps = 0, unobservable = 0, in_scope = 0, pics_files = 0, pixit_files = 0;
};

// `spec_dir` is the directory holding requirements/, test_purposes/, probe/;
// messages name files as `display_prefix` + path inside it.
TpCheckResult check_test_purposes(const Spec& spec, const std::string& spec_dir,
                                  const std::string& display_prefix = "spec/");

}  // namespace annexo::trace
