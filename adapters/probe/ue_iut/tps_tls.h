// The UE group's tables, one per TP family (tps.cc joins them for ue_tps()).
#pragma once

#include <vector>

#include "adapters/probe/tp.h"

namespace annexo::probe::ue_iut {

std::vector<Tp_Impl> ue_tls_tps();       // tps_tls.cc
std::vector<Tp_Impl> ue_cert_tps();      // tps_cert.cc
std::vector<Tp_Impl> ue_sip_tps();       // tps_sip.cc
std::vector<Tp_Impl> ue_timer_tps();     // tps_timers.cc: keep-alive, HelloRequest
std::vector<Tp_Impl> ue_secagree_tps();  // tps_secagree.cc: RFC 3329 variant

}  // namespace annexo::probe::ue_iut
