#include "adapters/tls/endpoint.h"

namespace annexo::tls {

const char* failure_source_name(Failure_Source s) {
  switch (s) {
    case Failure_Source::none:
      return "none";
    case Failure_Source::gate:
      return "gate";
    case Failure_Source::core_rejection:
      return "core_rejection";
    case Failure_Source::tls_protocol:
      return "tls_protocol";
    case Failure_Source::peer_alert:
      return "peer_alert";
    case Failure_Source::internal:
      return "internal";
  }
  return "internal";
}

std::string handle_hex(const std::vector<std::uint8_t>& handle) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(handle.size() * 2);
  for (const std::uint8_t b : handle) {
    out += kDigits[b >> 4];
    out += kDigits[b & 0xF];
  }
  return out;
}

}  // namespace annexo::tls
