// One error enum for the whole core, with stable numbers grouped in ranges.
// Each error names the requirement it enforces (an ID in spec/), a message and
// the TLS alert an adapter sends for it (TlsAlert::none when the verdict is
// not a TLS alert, e.g. a SIP response or a configuration error).
//
// Ranges (a number, once released, never changes meaning):
//   0          ok
//   1000-1999  TLS versions, cipher suites, offers and choices   errors_profile.def
//   2000-2999  TLS handshake reader (malformed input)            errors_reader.def
//   3000-3999  certificate policy                                errors_cert.def
//   4000-4999  P-CSCF connection machine                         errors_pcscf.def
//   5000-5999  UE machine                                        errors_ue.def
//   6000-6999  binding table and RFC 5626 flow tokens            errors_binding.def
//
// The rows live in the .def files (one per range, one owner each); this file
// only stitches them together. A row is
//   ANNEXO_ERROR(name, number, "REQUIREMENT-ID", "message", TlsAlert::x)
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/tls_alert.h"

namespace annexo::core {

enum class Error : std::uint16_t {
  ok = 0,
#define ANNEXO_ERROR(name, number, req, message, alert) name = number,
// The ranges must stay in ascending order, not sorted by name.
// clang-format off
#include "core/errors_profile.def"
#include "core/errors_reader.def"
#include "core/errors_cert.def"
#include "core/errors_pcscf.def"
#include "core/errors_ue.def"
#include "core/errors_binding.def"
// clang-format on
#undef ANNEXO_ERROR
};

struct ErrorInfo {
  Error error;
  std::uint16_t number;
  const char* name;
  const char* requirement;  // an ID in spec/; checked by //tests/core:errors_test
  const char* message;
  TlsAlert alert;
};

// Each refusal's stable number, message, alert and requirement ID, the ID
// checked against spec/ by //tests/core:errors_test.
//= spec#IMPL-ERRORS-TRACEABLE type=implementation
inline constexpr ErrorInfo kErrorTable[] = {
    {Error::ok, 0, "ok", "", "no error", TlsAlert::none},
#define ANNEXO_ERROR(name, number, req, message, alert) \
  {Error::name, number, #name, req, message, alert},
// The ranges must stay in ascending order, not sorted by name.
// clang-format off
#include "core/errors_profile.def"
#include "core/errors_reader.def"
#include "core/errors_cert.def"
#include "core/errors_pcscf.def"
#include "core/errors_ue.def"
#include "core/errors_binding.def"
// clang-format on
#undef ANNEXO_ERROR
};

inline constexpr std::size_t kErrorCount = sizeof(kErrorTable) / sizeof(kErrorTable[0]);

// Rows are sorted by number, so a lookup is a binary search and duplicates show.
constexpr bool error_table_sorted() {
  for (std::size_t i = 1; i < kErrorCount; ++i) {
    if (kErrorTable[i - 1].number >= kErrorTable[i].number) return false;
  }
  return true;
}
static_assert(error_table_sorted(), "errors_*.def: numbers must be unique and ascending");

constexpr const ErrorInfo& error_info(Error e) {
  std::size_t lo = 0, hi = kErrorCount;
  const auto n = static_cast<std::uint16_t>(e);
  while (lo + 1 < hi) {
    const std::size_t mid = lo + (hi - lo) / 2;
    if (kErrorTable[mid].number <= n) {
      lo = mid;
    } else {
      hi = mid;
    }
  }
  return kErrorTable[lo];  // exact: every Error value has a row by construction
}

constexpr const char* error_requirement(Error e) {
  return error_info(e).requirement;
}
constexpr const char* error_message(Error e) {
  return error_info(e).message;
}
constexpr TlsAlert error_alert(Error e) {
  return error_info(e).alert;
}

}  // namespace annexo::core
