// Build-graph and include checks that keep //core independent (brief: "Keep
// the core independent"): //core may depend on nothing outside //core, and
// its sources may include only freestanding standard headers and core/ ones.
#pragma once

#include <string>
#include <vector>

namespace annexo::tools {

// Labels of deps(//core:core) (genquery output, one per line). Returns one
// message per label outside //core.
std::vector<std::string> check_core_labels(const std::string& genquery_output);

// One core source file. Returns one message per forbidden #include.
std::vector<std::string> check_core_includes(const std::string& path, const std::string& text);

}  // namespace annexo::tools
