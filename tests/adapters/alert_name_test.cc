// adapters/tls/alert_name.h and tls::handle_hex (issue 14, RD-272): the
// programs' stack-neutral texts are the ones they printed when Botan
// produced them, so no log line or REFUSED line changes with the split.
#include <botan/hex.h>
#include <botan/tls_alert.h>

#include <catch2/catch.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "adapters/tls/alert_name.h"
#include "adapters/tls/endpoint.h"

TEST_CASE("alert_name: every wire alert number is named as Botan 2.19 names it") {
  for (int d = 0; d <= 255; ++d) {
    const std::string botan =
        Botan::TLS::Alert(static_cast<Botan::TLS::Alert::Type>(d), true).type_string();
    INFO("alert " << d);
    CHECK(annexo::tls::alert_name(d) == botan);
  }
  CHECK(annexo::tls::alert_name(42) == "bad_certificate");
  CHECK(annexo::tls::alert_name(109) == "unrecognized_alert_109");
}

TEST_CASE("handle_hex: lower-case hex as Botan's hex_encode(v, false)") {
  const std::vector<std::uint8_t> handle = {0x00, 0x0f, 0xa5, 0xff, 0x10};
  CHECK(annexo::tls::handle_hex(handle) == Botan::hex_encode(handle, false));
  CHECK(annexo::tls::handle_hex({}).empty());
}
