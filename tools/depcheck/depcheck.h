// Build-graph and include checks that keep //core independent (brief: "Keep
// the core independent"): //core may depend on nothing outside //core, and
// its sources may include only freestanding standard headers and core/ ones.
// And the same two checks keeping the programs stack-neutral (issue 14): the
// programs, the SIP layer and the event loop reach the TLS libraries only
// through //adapters/tls:stack.
#pragma once

#include <string>
#include <vector>

namespace annexo::tools {

// Labels of deps(//core:core) (genquery output, one per line). Returns one
// message per label outside //core.
std::vector<std::string> check_core_labels(const std::string& genquery_output);

// One core source file. Returns one message per forbidden #include.
std::vector<std::string> check_core_includes(const std::string& path, const std::string& text);

// deps(set(program targets), 1) (genquery output): one message per direct
// dependency on a stack folder (//adapters/tls/botan, //adapters/tls/openssl)
// or on OpenSSL itself.
std::vector<std::string> check_stack_neutral_labels(const std::string& genquery_output);

// One source of a stack-neutral package. One message per #include of a stack
// folder's header or of a TLS / X.509 header of either library (Botan's
// hashes, MACs and random numbers stay allowed: SIP Digest uses them).
std::vector<std::string> check_stack_neutral_includes(const std::string& path,
                                                      const std::string& text);

// The text of a file ("" when it cannot be read: every check above then
// reports a problem).
std::string read_text(const std::string& path);

// Runs `check` on every file named in `list_path` (one path a line, as the
// tests' genrules write them); an unreadable file is an error too. *files:
// how many were named.
std::vector<std::string> check_listed_files(
    const std::string& list_path,
    std::vector<std::string> (*check)(const std::string& path, const std::string& text),
    std::size_t* files);

}  // namespace annexo::tools
