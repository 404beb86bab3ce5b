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

// RFC 5626 5.3: a dialog-forming request from the UE whose Contact URI has
// 'ob' is Record-Routed with the flow token so that requests inside the dialog
// reach the UE over the same flow. Only as its first hop: that condition is
// annexo's (5.3 sets none; 5.1 sets it for Path), since behind another hop the
// connection leads to a proxy, not to the UE (IMPL-PC-RR-FIRST-HOP-ONLY, RD-391).
struct RecordRouteFacts {
  bool dialog_forming = false;  // INVITE, SUBSCRIBE, REFER
  bool contact_ob = false;      // the Contact URI carries the 'ob' parameter
  std::uint32_t via_count = 0;
};

[[nodiscard]] constexpr bool record_route_with_token(const RecordRouteFacts& f) {
  //= spec#5626-5.3-PC-RR-FLOW-TOKEN type=implementation
  //= spec#IMPL-PC-RR-FIRST-HOP-ONLY type=implementation
  return f.dialog_forming && f.contact_ob && f.via_count == 1;
}

static_assert(record_route_with_token(RecordRouteFacts{true, true, 1}), "INVITE with ob: RR");
static_assert(!record_route_with_token(RecordRouteFacts{false, true, 1}), "MESSAGE: no dialog");
static_assert(!record_route_with_token(RecordRouteFacts{true, false, 1}), "no ob: no RR");
static_assert(!record_route_with_token(RecordRouteFacts{true, true, 2}), "not first hop");

static_assert(path_rule(PathFacts{1, true}).ob, "first hop with reg-id: ob");
static_assert(!path_rule(PathFacts{2, true}).ob, "not the first hop: no ob");
static_assert(!path_rule(PathFacts{1, false}).ob, "no reg-id: no ob");
static_assert(!path_rule(PathFacts{0, true}).ob, "no Via (never parsed): no ob");

}  // namespace annexo::core
