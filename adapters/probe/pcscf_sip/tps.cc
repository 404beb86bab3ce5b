// The P-CSCF SIP-level group's table (adapters/probe/tp.h; TPs of
// spec/test_purposes/pcscf.toml): every TP_PC_SIP_* of the catalogue.
#include "adapters/probe/pcscf_sip/tps.h"

namespace annexo::probe {

std::vector<Tp_Impl> pcscf_sip_tps() {
  using namespace pcscf_sip;
  return {
      {"TP_PC_SIP_001", tp_sip_001}, {"TP_PC_SIP_002", tp_sip_002}, {"TP_PC_SIP_003", tp_sip_003},
      {"TP_PC_SIP_004", tp_sip_004}, {"TP_PC_SIP_005", tp_sip_005}, {"TP_PC_SIP_006", tp_sip_006},
      {"TP_PC_SIP_007", tp_sip_007}, {"TP_PC_SIP_008", tp_sip_008}, {"TP_PC_SIP_009", tp_sip_009},
      {"TP_PC_SIP_010", tp_sip_010}, {"TP_PC_SIP_011", tp_sip_011}, {"TP_PC_SIP_012", tp_sip_012},
      {"TP_PC_SIP_013", tp_sip_013}, {"TP_PC_SIP_014", tp_sip_014}, {"TP_PC_SIP_015", tp_sip_015},
      {"TP_PC_SIP_016", tp_sip_016}, {"TP_PC_SIP_017", tp_sip_017}, {"TP_PC_SIP_018", tp_sip_018},
      {"TP_PC_SIP_019", tp_sip_019}, {"TP_PC_SIP_020", tp_sip_020}, {"TP_PC_SIP_021", tp_sip_021},
      {"TP_PC_SIP_022", tp_sip_022}, {"TP_PC_SIP_023", tp_sip_023}, {"TP_PC_SIP_024", tp_sip_024},
      {"TP_PC_SIP_025", tp_sip_025}, {"TP_PC_SIP_026", tp_sip_026}, {"TP_PC_SIP_027", tp_sip_027},
      {"TP_PC_SIP_028", tp_sip_028}, {"TP_PC_SIP_029", tp_sip_029}, {"TP_PC_SIP_030", tp_sip_030},
      {"TP_PC_SIP_031", tp_sip_031}, {"TP_PC_SIP_032", tp_sip_032}, {"TP_PC_SIP_033", tp_sip_033},
      {"TP_PC_SIP_034", tp_sip_034}, {"TP_PC_SIP_035", tp_sip_035}, {"TP_PC_SIP_036", tp_sip_036},
      {"TP_PC_SIP_037", tp_sip_037}, {"TP_PC_SIP_038", tp_sip_038},
  };
}

}  // namespace annexo::probe
