// The core is independent: //core depends on nothing outside //core (build
// graph from genquery) and includes no header that brings heap, I/O, clock,
// threads or a library. Both checks are also fed bad inputs here, so they are
// shown to be able to fail.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "tools/depcheck/depcheck.h"

using annexo::tools::check_core_includes;
using annexo::tools::check_core_labels;
using annexo::tools::check_listed_files;
using annexo::tools::read_text;

TEST_CASE("build: deps(//core:core) stays inside //core") {
  const auto errors = check_core_labels(read_text("tests/build/core_deps"));
  for (const auto& e : errors) UNSCOPED_INFO(e);
  CHECK(errors.empty());
}

TEST_CASE("build: core sources include only core/ and freestanding standard headers") {
  // The list: $(SRCS) of //core:traced_sources (the core_sources genrule).
  std::size_t files = 0;
  const auto errors =
      check_listed_files("tests/build/core_sources.txt", check_core_includes, &files);
  REQUIRE(files >= 5);
  for (const auto& e : errors) UNSCOPED_INFO(e);
  CHECK(errors.empty());
}

TEST_CASE("build: the dependency check fails on a graph with Botan and an adapter in it") {
  const auto errors = check_core_labels(read_text("tests/build/testdata/bad_core_deps.txt"));
  REQUIRE(errors.size() == 2);
  CHECK(errors[0].find("@system//:botan") != std::string::npos);
  CHECK(errors[1].find("//adapters/net:loop") != std::string::npos);
  CHECK(!check_core_labels("").empty());
}

TEST_CASE("build: the include check fails on sockets, clock, heap containers and adapter headers") {
  const auto errors =
      check_core_includes("bad_core_file.h", read_text("tests/build/testdata/bad_core_file.h"));
  REQUIRE(errors.size() == 4);
  CHECK(errors[0].find("sys/socket.h") != std::string::npos);
  CHECK(errors[1].find("chrono") != std::string::npos);
  CHECK(errors[2].find("vector") != std::string::npos);
  CHECK(errors[3].find("adapters/tls/botan/policy.h") != std::string::npos);
}
