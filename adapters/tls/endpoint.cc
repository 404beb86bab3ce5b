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

}  // namespace annexo::tls
