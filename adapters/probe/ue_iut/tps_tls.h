// The UE group's tables, one per TP family (tps.cc joins them for ue_tps()).
#pragma once

#include <vector>

#include "adapters/probe/tp.h"
#include "adapters/probe/ue_iut/probe_pcscf.h"

namespace annexo::probe::ue_iut {

std::vector<Tp_Impl> ue_tls_tps();       // tps_tls.cc
std::vector<Tp_Impl> ue_cert_tps();      // tps_cert.cc
std::vector<Tp_Impl> ue_sip_tps();       // tps_sip.cc
std::vector<Tp_Impl> ue_timer_tps();     // tps_timers.cc: keep-alive, HelloRequest
std::vector<Tp_Impl> ue_secagree_tps();  // tps_secagree.cc: RFC 3329 variant

// TP_UE_TLS_009's judgement with the server profile `p` (tps_tls.cc).
Tp_Outcome judge_certificate_request(const Tp_Context& ctx, const Tls_Profile& p);
// A TP run with the PIXIT [ue_servers] command for it: a third-party TLS
// server in front of the UE (ext_server.cc, RD-211).
Tp_Outcome external_server_tp(const Tp_Context& ctx, const std::string& command);

}  // namespace annexo::probe::ue_iut
