// The P-CSCF TLS and certificate test purposes (spec/test_purposes/pcscf.toml,
// TP_PC_TLS_*, TP_PC_CERT_*), one function each; tps.cc lists them.
#pragma once

#include "adapters/probe/tp.h"

namespace annexo::probe::pcscf_tls {

// refusal_tps.cc: raw crafted offers the IUT must refuse.
Tp_Outcome tp_tls_001(const Tp_Context& ctx);
Tp_Outcome tp_tls_002(const Tp_Context& ctx);
Tp_Outcome tp_tls_003(const Tp_Context& ctx);
Tp_Outcome tp_tls_004(const Tp_Context& ctx);
Tp_Outcome tp_tls_006(const Tp_Context& ctx);
Tp_Outcome tp_tls_007(const Tp_Context& ctx);
Tp_Outcome tp_tls_008(const Tp_Context& ctx);
Tp_Outcome tp_tls_009(const Tp_Context& ctx);
Tp_Outcome tp_tls_010(const Tp_Context& ctx);
Tp_Outcome tp_tls_011(const Tp_Context& ctx);
Tp_Outcome tp_tls_020(const Tp_Context& ctx);
Tp_Outcome tp_tls_021(const Tp_Context& ctx);

// choice_tps.cc: raw offers the IUT answers, its choice judged.
Tp_Outcome tp_tls_005(const Tp_Context& ctx);
Tp_Outcome tp_tls_012(const Tp_Context& ctx);
Tp_Outcome tp_tls_014(const Tp_Context& ctx);
Tp_Outcome tp_tls_023(const Tp_Context& ctx);

// handshake_tps.cc: complete profile handshakes.
Tp_Outcome tp_tls_013(const Tp_Context& ctx);
Tp_Outcome tp_tls_017(const Tp_Context& ctx);
Tp_Outcome tp_tls_019(const Tp_Context& ctx);
Tp_Outcome tp_tls_015(const Tp_Context& ctx);  // TLS 1.3

// early_data_tps.cc: 0-RTT (TLS 1.3).
Tp_Outcome tp_tls_016(const Tp_Context& ctx);

// reneg_tps.cc: client renegotiation of a registered UE.
Tp_Outcome tp_tls_018(const Tp_Context& ctx);
Tp_Outcome tp_tls_022(const Tp_Context& ctx);  // TLS 1.3
// The renegotiation part of TP_PC_TLS_017: a registered UE's TLS 1.2
// connection held until the IUT renegotiates (timers.lifetime_budget_s);
// fail on a CertificateRequest in that handshake, inconc when none happened.
Tp_Outcome renegotiation_certificate_requests(const Tp_Context& ctx);

// cert_tps.cc: the IUT's certificate chain under the core's policy.
Tp_Outcome tp_cert_001(const Tp_Context& ctx);
Tp_Outcome tp_cert_002(const Tp_Context& ctx);
Tp_Outcome tp_cert_003(const Tp_Context& ctx);

}  // namespace annexo::probe::pcscf_tls
