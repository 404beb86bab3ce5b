// The P-CSCF TLS and certificate test purposes this probe implements
// (spec/test_purposes/pcscf.toml): all of TP_PC_TLS_001..023 and
// TP_PC_CERT_001..003.
#include "adapters/probe/pcscf_tls/tls_tps.h"
#include "adapters/probe/tp.h"

namespace annexo::probe {

std::vector<Tp_Impl> pcscf_tls_tps() {
  using namespace pcscf_tls;
  return {
      {"TP_PC_TLS_001", tp_tls_001},   {"TP_PC_TLS_002", tp_tls_002},
      {"TP_PC_TLS_003", tp_tls_003},   {"TP_PC_TLS_004", tp_tls_004},
      {"TP_PC_TLS_005", tp_tls_005},   {"TP_PC_TLS_006", tp_tls_006},
      {"TP_PC_TLS_007", tp_tls_007},   {"TP_PC_TLS_008", tp_tls_008},
      {"TP_PC_TLS_009", tp_tls_009},   {"TP_PC_TLS_010", tp_tls_010},
      {"TP_PC_TLS_011", tp_tls_011},   {"TP_PC_TLS_012", tp_tls_012},
      {"TP_PC_TLS_013", tp_tls_013},   {"TP_PC_TLS_014", tp_tls_014},
      {"TP_PC_TLS_015", tp_tls_015},   {"TP_PC_TLS_016", tp_tls_016},
      {"TP_PC_TLS_017", tp_tls_017},   {"TP_PC_TLS_018", tp_tls_018},
      {"TP_PC_TLS_019", tp_tls_019},   {"TP_PC_TLS_020", tp_tls_020},
      {"TP_PC_TLS_021", tp_tls_021},   {"TP_PC_TLS_022", tp_tls_022},
      {"TP_PC_TLS_023", tp_tls_023},   {"TP_PC_CERT_001", tp_cert_001},
      {"TP_PC_CERT_002", tp_cert_002}, {"TP_PC_CERT_003", tp_cert_003},
  };
}

}  // namespace annexo::probe
