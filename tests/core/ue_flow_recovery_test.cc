// RFC 5626 4.5 flow recovery: the wait between attempts to replace a failed
// flow (core::ue_flow_recovery_wait, used by the ue program; decision RD-103).
#include <catch2/catch.hpp>

#include "core/ue_machine.h"
#include "tests/support/req.h"

using namespace annexo::core;

namespace {

// The RFC's formula written out independently: wait-time, then 50-100 %.
std::uint64_t wait_time(std::uint64_t base, std::uint64_t max_time, std::uint32_t failures) {
  std::uint64_t w = base;
  for (std::uint32_t i = 0; i < failures; ++i) {
    w = w * 2;
    if (w > max_time) return max_time;
  }
  return w < max_time ? w : max_time;
}

}  // namespace

//= spec#5626-4.5-UE-FLOW-RECOVERY type=test
TEST_CASE(
    "5626-4.5-UE-FLOW-RECOVERY: the wait is 50-100 % of min(max-time, base-time * "
    "2^consecutive-failures)") {
  // RFC 5626 4.5's defaults when every flow failed: 30 s base, 1800 s cap.
  REQ("5626-4.5-UE-FLOW-RECOVERY", kFlowRecoveryBaseS == 30u);
  REQ("5626-4.5-UE-FLOW-RECOVERY", kFlowRecoveryMaxS == 1800u);
  // 30 * 2^1 = 60: wait 30-60 s; 30 * 2^2 = 120: 60-120 s; capped at 1800.
  REQ("5626-4.5-UE-FLOW-RECOVERY", ue_flow_recovery_wait(30, 1800, 1).min_s == 30u);
  REQ("5626-4.5-UE-FLOW-RECOVERY", ue_flow_recovery_wait(30, 1800, 1).max_s == 60u);
  REQ("5626-4.5-UE-FLOW-RECOVERY", ue_flow_recovery_wait(30, 1800, 2).min_s == 60u);
  REQ("5626-4.5-UE-FLOW-RECOVERY", ue_flow_recovery_wait(30, 1800, 2).max_s == 120u);
  REQ("5626-4.5-UE-FLOW-RECOVERY", ue_flow_recovery_wait(30, 1800, 6).max_s == 1800u);
  REQ("5626-4.5-UE-FLOW-RECOVERY", ue_flow_recovery_wait(30, 1800, 6).min_s == 900u);
  // No overflow however many failures.
  REQ("5626-4.5-UE-FLOW-RECOVERY", ue_flow_recovery_wait(30, 1800, 0xFFFFFFFFu).max_s == 1800u);
  REQ("5626-4.5-UE-FLOW-RECOVERY",
      ue_flow_recovery_wait(0x7FFFFFFFu, 0xFFFFFFFFu, 40).max_s == 0xFFFFFFFFu);
  // Odd wait-times: 50 % rounds up, so the wait is never below half.
  REQ("5626-4.5-UE-FLOW-RECOVERY", ue_flow_recovery_wait(3, 1800, 0).min_s == 2u);
  REQ("5626-4.5-UE-FLOW-RECOVERY", ue_flow_recovery_wait(1, 1800, 0).min_s == 1u);
  // Against the formula over a grid of bases, caps and failure counts.
  for (std::uint32_t base : {1u, 2u, 5u, 30u, 90u, 1000u}) {
    for (std::uint32_t cap : {1u, 4u, 60u, 1800u, 86400u}) {
      for (std::uint32_t n = 0; n < 40; ++n) {
        const auto w = ue_flow_recovery_wait(base, cap, n);
        const std::uint64_t want = wait_time(base, cap, n);
        INFO("base " << base << " cap " << cap << " failures " << n);
        REQ("5626-4.5-UE-FLOW-RECOVERY", w.max_s == want);
        REQ("5626-4.5-UE-FLOW-RECOVERY", (2ull * w.min_s >= want && 2ull * w.min_s <= want + 1));
        REQ("5626-4.5-UE-FLOW-RECOVERY", w.min_s <= w.max_s);
      }
    }
  }
}
