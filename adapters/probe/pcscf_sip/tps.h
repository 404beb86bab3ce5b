// The P-CSCF SIP-level TPs (issue 13; spec/test_purposes/pcscf.toml
// TP_PC_SIP_*), one function each; the table is pcscf_sip_tps() in tps.cc.
#pragma once

#include "adapters/probe/tp.h"

namespace annexo::probe::pcscf_sip {

Tp_Outcome tp_sip_001(const Tp_Context& ctx);
Tp_Outcome tp_sip_002(const Tp_Context& ctx);
Tp_Outcome tp_sip_003(const Tp_Context& ctx);
Tp_Outcome tp_sip_004(const Tp_Context& ctx);
Tp_Outcome tp_sip_005(const Tp_Context& ctx);
Tp_Outcome tp_sip_006(const Tp_Context& ctx);
Tp_Outcome tp_sip_007(const Tp_Context& ctx);
Tp_Outcome tp_sip_008(const Tp_Context& ctx);
Tp_Outcome tp_sip_009(const Tp_Context& ctx);
Tp_Outcome tp_sip_010(const Tp_Context& ctx);
Tp_Outcome tp_sip_011(const Tp_Context& ctx);
Tp_Outcome tp_sip_012(const Tp_Context& ctx);
Tp_Outcome tp_sip_013(const Tp_Context& ctx);
Tp_Outcome tp_sip_014(const Tp_Context& ctx);
Tp_Outcome tp_sip_015(const Tp_Context& ctx);
Tp_Outcome tp_sip_016(const Tp_Context& ctx);
Tp_Outcome tp_sip_017(const Tp_Context& ctx);
Tp_Outcome tp_sip_018(const Tp_Context& ctx);
Tp_Outcome tp_sip_019(const Tp_Context& ctx);
Tp_Outcome tp_sip_020(const Tp_Context& ctx);
Tp_Outcome tp_sip_021(const Tp_Context& ctx);
Tp_Outcome tp_sip_022(const Tp_Context& ctx);
Tp_Outcome tp_sip_023(const Tp_Context& ctx);
Tp_Outcome tp_sip_024(const Tp_Context& ctx);
Tp_Outcome tp_sip_025(const Tp_Context& ctx);
Tp_Outcome tp_sip_026(const Tp_Context& ctx);
Tp_Outcome tp_sip_027(const Tp_Context& ctx);
Tp_Outcome tp_sip_028(const Tp_Context& ctx);
Tp_Outcome tp_sip_029(const Tp_Context& ctx);
Tp_Outcome tp_sip_030(const Tp_Context& ctx);
Tp_Outcome tp_sip_031(const Tp_Context& ctx);
// tps_rereg.cc
Tp_Outcome tp_sip_032(const Tp_Context& ctx);
Tp_Outcome tp_sip_033(const Tp_Context& ctx);
// tps_close.cc
Tp_Outcome tp_sip_034(const Tp_Context& ctx);
// tps_routing.cc
Tp_Outcome tp_sip_035(const Tp_Context& ctx);
// tps_flow.cc
Tp_Outcome tp_sip_036(const Tp_Context& ctx);
// tps_routing.cc
Tp_Outcome tp_sip_037(const Tp_Context& ctx);
// tps_secagree.cc
Tp_Outcome tp_sip_038(const Tp_Context& ctx);

}  // namespace annexo::probe::pcscf_sip
