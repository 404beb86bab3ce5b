// What the P-CSCF puts into its Path header field value when it forwards a
// REGISTER from a TLS connection (RFC 3327; RFC 5626 section 5.1; TS 24.229
// 5.2.2 with outbound). The adapter reads the facts from the REGISTER and
// builds the text; these rules decide.
#pragma once

#include <cstdint>

namespace annexo::core {

struct PathFacts {
  std::uint32_t via_count = 0;  // Via entries of the REGISTER as received
  bool contact_reg_id = false;  // the (single) Contact carries reg-id (RFC 5626 4.2)
};

struct PathRule {
  // The Path URI's user part is the flow token of the TLS connection. Always:
  // terminating requests are only ever delivered over the UE's own TLS
  // connection, outbound or not (RD-14).
  bool flow_token;
  // ';ob' on the Path URI: only as the first hop (exactly one Via) of a
  // REGISTER with reg-id.
  bool ob;
};

[[nodiscard]] constexpr PathRule path_rule(const PathFacts& f) {
  //= spec#5626-5.1-PC-PATH-FLOW-TOKEN type=implementation
  //= spec#24229-PC-OUTBOUND-PATH type=implementation
  //= spec#5626-5.1-PC-NO-OB-IF-NOT-FIRST type=implementation
  return PathRule{true, f.contact_reg_id && f.via_count == 1};
}

static_assert(path_rule(PathFacts{1, true}).ob, "first hop with reg-id: ob");
static_assert(!path_rule(PathFacts{2, true}).ob, "not the first hop: no ob");
static_assert(!path_rule(PathFacts{1, false}).ob, "no reg-id: no ob");
static_assert(!path_rule(PathFacts{0, true}).ob, "no Via (never parsed): no ob");

}  // namespace annexo::core
