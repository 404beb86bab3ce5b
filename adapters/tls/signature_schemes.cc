#include "adapters/tls/signature_schemes.h"

#include <algorithm>
#include <iterator>

#include "core/profile.h"
#include "core/tls_constants.h"

namespace annexo::tls {

std::uint16_t ecdsa_scheme_of_group(std::uint16_t group) {
  if (group == core::tls::group::secp256r1) return core::tls::sig::ecdsa_secp256r1_sha256;
  if (group == core::tls::group::secp384r1) return core::tls::sig::ecdsa_secp384r1_sha384;
  return 0;
}

//= spec#33210-6.2.2-ECDSA-P384-SIG type=implementation
std::vector<std::uint16_t> signature_schemes(std::uint16_t own) {
  std::vector<std::uint16_t> out(std::begin(core::kDefaultSignatureSchemes),
                                 std::end(core::kDefaultSignatureSchemes));
  const auto it = std::find(out.begin(), out.end(), own);
  if (own != 0 && it != out.end()) std::rotate(out.begin(), it, it + 1);
  return out;
}

}  // namespace annexo::tls
