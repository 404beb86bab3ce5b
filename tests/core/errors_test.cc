// Every row of the core's error table names a requirement that exists in
// spec/, and its number sits in the range of the .def file it belongs to.
#include <catch2/catch.hpp>

#include <filesystem>
#include <set>
#include <string>
#include <utility>

#include <toml++/toml.h>

#include "core/errors.h"
#include "tests/support/req.h"

using namespace annexo::core;

namespace {

std::set<std::string> spec_ids() {
  std::set<std::string> ids;
  for (const auto& entry : std::filesystem::directory_iterator("spec/requirements")) {
    if (entry.path().extension() != ".toml") continue;
    const toml::table t = toml::parse_file(entry.path().string());
    const toml::array* reqs = t["requirement"].as_array();
    if (reqs == nullptr) continue;
    for (const auto& r : *reqs) {
      const auto id = r.as_table()->get_as<std::string>("id");
      if (id != nullptr) ids.insert(id->get());
    }
  }
  return ids;
}

}  // namespace

//= spec#IMPL-ERRORS-TRACEABLE type=test
TEST_CASE("IMPL-ERRORS-TRACEABLE: every error row names a requirement ID that exists in spec") {
  const std::set<std::string> ids = spec_ids();
  REQUIRE(ids.size() > 100);  // the catalogue was read, not an empty directory
  REQUIRE(ids.count("O.2.1-UE-NONNULL-OFFER") == 1);
  for (std::size_t i = 1; i < kErrorCount; ++i) {
    const ErrorInfo& row = kErrorTable[i];
    INFO(row.name << " " << row.number << " " << row.requirement);
    REQ("IMPL-ERRORS-TRACEABLE", ids.count(row.requirement) == 1);
    REQ("IMPL-ERRORS-TRACEABLE", std::string(row.message).size() > 10);
    REQ("IMPL-ERRORS-TRACEABLE", error_info(row.error).number == row.number);
    CHECK(static_cast<std::uint16_t>(row.error) == row.number);
    // Range discipline (core/errors.h): 1000-6999, one thousand per .def file.
    REQ("IMPL-ERRORS-TRACEABLE", row.number >= 1000);
    REQ("IMPL-ERRORS-TRACEABLE", row.number < 7000);
  }
  // Verdicts of the TLS ranges carry a TLS alert; configuration errors none.
  for (std::size_t i = 1; i < kErrorCount; ++i) {
    const ErrorInfo& row = kErrorTable[i];
    const bool config = std::string(row.name).rfind("profile_config_", 0) == 0;
    if (row.number >= 1000 && row.number < 4000) {
      INFO(row.name);
      REQ("IMPL-ERRORS-TRACEABLE", (row.alert == TlsAlert::none) == config);
    }
  }
}

//= spec#IMPL-ERRORS-TRACEABLE type=test
TEST_CASE("IMPL-ERRORS-TRACEABLE: error numbers are stable, pinned as literals") {
  // Logs, the report and peers' expectations quote these numbers: a
  // renumbering must fail here, not only where the table agrees with itself.
  const std::pair<Error, int> pinned[] = {
      {Error::profile_config_no_version, 1001}, {Error::reader_record_type, 2001},
      {Error::cert_path_not_checked, 3001},     {Error::cert_path_unknown_ca, 3002},
      {Error::cert_path_expired, 3003},         {Error::cert_path_name_chaining, 3007},
      {Error::cert_name_mismatch, 3025},        {Error::pcscf_event_not_allowed, 4000},
      {Error::pcscf_request_on_unbound, 4001},  {Error::ue_no_mechanism_3gpp, 5001},
      {Error::ue_no_protected_mechanism, 5002}, {Error::binding_table_full, 6000},
      {Error::flow_token_tampered, 6101},
  };
  for (const auto& [e, number] : pinned) {
    INFO(error_info(e).name);
    REQ("IMPL-ERRORS-TRACEABLE", static_cast<int>(e) == number);
    REQ("IMPL-ERRORS-TRACEABLE", static_cast<int>(error_info(e).number) == number);
  }
}
