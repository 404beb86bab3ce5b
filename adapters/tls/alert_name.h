// The name of a TLS alert for the log and the REFUSED lines, whichever
// stack received it (issue 14): the RFC 5246 7.2 / RFC 8446 6 names by IANA
// number. The texts are the ones the programs printed when Botan named the
// alerts (Botan 2.19 Alert::type_string), so logs and the tests that read
// them do not change with the stack; tests/adapters:alert_name_test pins
// the table against Botan's.
#pragma once

#include <string>

namespace annexo::tls {

// "unrecognized_alert_N" for a number without a name in the table.
std::string alert_name(int description);

}  // namespace annexo::tls
