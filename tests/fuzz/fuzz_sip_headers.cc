// Fuzz target: the SIP header-field parsers (adapters/sip/headers.h) one by
// one, the first input byte choosing the parser: URIs, name-addr lists,
// Contact, Via, CSeq, option tags, the Digest challenge, credentials and
// Authentication-Info (Annex N, RFC 7616), RFC 3329 security headers
// (ADP-SIP-MALFORMED-400).
#include <string>
#include <string_view>

#include "adapters/sip/headers.h"
#include "tests/fuzz/fuzz_target.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace annexo::sip;
  if (size == 0) return 0;
  const std::string value(reinterpret_cast<const char*>(data + 1), size - 1);
  const std::string_view v = value;
  switch (data[0] % 13) {
    case 0:
      (void)parse_uri(v);
      break;
    case 1:
      (void)parse_name_addr(v, "From");
      break;
    case 2:
      (void)parse_name_addr_list(v, "Route");
      break;
    case 3:
      (void)parse_contacts(v);
      break;
    case 4:
      (void)parse_via(v);
      break;
    case 5:
      (void)parse_cseq(v);
      break;
    case 6:
      (void)parse_uint32(v, "Expires");
      break;
    case 7:
      (void)parse_option_tags(v, "Supported");
      break;
    case 8:
      (void)parse_challenge(v);
      break;
    case 9:
      (void)parse_credentials(v);
      break;
    case 10:
      (void)parse_authentication_info(v);
      break;
    case 11:
      (void)parse_security(v, "Security-Client");
      break;
    default:
      (void)parse_auth_params(v, "Authorization");
      break;
  }
  return 0;
}
