// Fuzz target: the users file of the embedded home network
// (adapters/sip/users.h, ADP-SIP-USERS-FILE), the one file format the
// programs parse themselves (certificates and keys are Botan's). Invariant:
// a file that parses has, for every record, a non-empty IMPI, password and
// IMPU list.
#include <string>
#include <string_view>

#include "adapters/sip/users.h"
#include "tests/fuzz/fuzz_target.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto users = annexo::sip::parse_users(text);
  if (users.ok()) {
    for (const auto& u : users->records) {
      FUZZ_CHECK(!u.impi.empty() && !u.password.empty() && !u.impus.empty());
    }
  }
  return 0;
}
