// Issue 14: the programs (pcscf, ue, load), the SIP layer and the event loop
// do not know which TLS stack runs. Their targets depend on no stack folder
// (//adapters/tls/botan, //adapters/tls/openssl) and their sources include
// neither a stack folder's header nor a TLS / X.509 header of either
// library: adapters/tls/stack.h is the one entry. Both checks are also fed
// bad inputs here, so they are shown to be able to fail.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "tools/depcheck/depcheck.h"

using annexo::tools::check_listed_files;
using annexo::tools::check_stack_neutral_includes;
using annexo::tools::check_stack_neutral_labels;
using annexo::tools::read_text;

TEST_CASE("build: the programs' targets depend on no TLS stack folder directly") {
  const std::string deps = read_text("tests/build/stack_neutral_deps");
  CHECK(deps.find("//adapters/tls:stack") != std::string::npos);  // the one entry
  const auto errors = check_stack_neutral_labels(deps);
  for (const auto& e : errors) UNSCOPED_INFO(e);
  CHECK(errors.empty());
}

TEST_CASE("build: the programs' sources include no TLS stack header") {
  std::size_t files = 0;
  const auto errors = check_listed_files("tests/build/stack_neutral_sources.txt",
                                         check_stack_neutral_includes, &files);
  REQUIRE(files >= 20);
  for (const auto& e : errors) UNSCOPED_INFO(e);
  CHECK(errors.empty());
}

TEST_CASE("build: the stack-neutrality checks fail on a stack folder or a TLS header") {
  const auto labels =
      check_stack_neutral_labels(read_text("tests/build/testdata/bad_program_deps.txt"));
  REQUIRE(labels.size() == 3);
  CHECK(labels[0].find("//adapters/tls/botan:credentials") != std::string::npos);
  CHECK(labels[1].find("//adapters/tls/openssl:openssl") != std::string::npos);
  CHECK(labels[2].find("@system//:openssl") != std::string::npos);
  CHECK(!check_stack_neutral_labels("").empty());

  const auto includes = check_stack_neutral_includes(
      "bad_program_file.cc", read_text("tests/build/testdata/bad_program_file.cc"));
  REQUIRE(includes.size() == 5);
  CHECK(includes[0].find("adapters/tls/botan/credentials.h") != std::string::npos);
  CHECK(includes[1].find("botan/tls_client.h") != std::string::npos);
  CHECK(includes[2].find("adapters/tls/openssl/endpoint.h") != std::string::npos);
  CHECK(includes[3].find("openssl/ssl.h") != std::string::npos);
  CHECK(includes[4].find("botan/x509cert.h") != std::string::npos);
}
