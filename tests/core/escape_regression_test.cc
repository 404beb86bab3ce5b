// Deterministic regression tests for the two core edits that escaped every
// layer (issue 11, "Bugs nothing catches"):
//   (a) a re-REGISTER whose 2xx does not move the registration's expiry
//       (mutant pcscf_rereg_keeps_expiry, proofs/mutants/mutants.bzl);
//   (b) the row-scoped flow-token slot bound written `t.slot > capacity_`
//       (a token with a valid MAC minted by a larger table read one row past
//       the end). The row-scoped API is deleted (decision RD-85), so that
//       code no longer exists; the last case pins the product's path instead
//       (connection token -> connection id -> that connection's binding): a
//       token with a valid MAC for a connection id the table does not hold,
//       even one whose low 32 bits name a live connection, finds nothing.
#include <catch2/catch.hpp>

#include "core/flow_token.h"
#include "tests/core/pcscf_test_support.h"
#include "tests/support/req.h"

using namespace annexo::test;

namespace {

constexpr Seconds kT0 = 1000;
constexpr std::uint32_t kExpires = 600;    // registration, shorter than the session (3600)
constexpr Seconds kRefreshAt = kT0 + 500;  // re-REGISTER before the first expiry
constexpr std::uint32_t kRefreshExpires = 900;

// Bound at kT0 with kExpires, then re-registered for the same IMPI at
// kRefreshAt (Digest credentials over the bound connection, 2xx here).
struct Refreshed {
  Pcscf pc;
  ConnTuple t = tuple(77, 5060);
  PcscfConn c;
  Outcome rereg_fwd;
  Outcome rereg_2xx;
  Refreshed() {
    c = pc.bound_conn(1, t, kT0, kExpires);
    const EventIds ids = pc.reg_ids();
    rereg_fwd = pc.drive(c, ev_request(Method::register_, t, kRefreshAt, true), ids);
    rereg_2xx = pc.drive(c, ev_response(Response::success, true, kRefreshAt, kRefreshExpires), ids);
  }
};

}  // namespace

//= spec#O.2.2-PC-ASSOC-DELETE type=test
//= spec#O.2.2-PC-ASSOC-IMPU-SET type=test
TEST_CASE(
    "O.2.2-PC-ASSOC-DELETE: a re-REGISTER's 2xx moves the registration expiry to now + expires; "
    "the binding lives until then and not longer") {
  Refreshed r;
  REQUIRE(r.pc.state(r.c) == State::bound);
  REQUIRE(r.rereg_fwd.act == Act::forward_register_protected);
  REQUIRE(r.rereg_2xx.act == Act::add_impus);
  const Seconds new_expiry = kRefreshAt + kRefreshExpires;  // 2400
  const Seconds old_expiry = kT0 + kExpires;                // 1600
  // The state the timer and every later request are judged by.
  REQ("O.2.2-PC-ASSOC-DELETE", r.c.s.reg_expiry == new_expiry);
  const Deadline<Concrete> d = next_deadline<Concrete>(r.c.s);
  REQ("O.2.2-PC-ASSOC-DELETE", (d.armed && d.at == new_expiry));

  // At the old expiry the registration still lives: the timer deletes
  // nothing and a request on the full tuple gets the bound identity.
  const Outcome tick = r.pc.drive(r.c, make_event(EventKind::timer, old_expiry));
  REQ("O.2.2-PC-ASSOC-DELETE", tick.act != Act::reg_expired);
  REQ("O.2.2-PC-ASSOC-IMPU-SET", r.pc.th.table.find(1) != nullptr);
  const Outcome req = r.pc.drive(r.c, ev_request(Method::other, r.t, old_expiry + 1));
  REQ("O.2.2-PC-ASSOC-IMPU-SET", req.act == Act::forward_asserted);
  const Action* fwd = find_action(req, Out::forward_request);
  REQ("O.2.2-PC-ASSOC-IMPU-SET", (fwd != nullptr && fwd->impu != kNoImpu));

  // One second before the new expiry: still bound; at it: deleted.
  (void)r.pc.drive(r.c, make_event(EventKind::timer, new_expiry - 1));
  REQ("O.2.2-PC-ASSOC-DELETE", r.pc.state(r.c) == State::bound);
  const Outcome end = r.pc.drive(r.c, make_event(EventKind::timer, new_expiry));
  REQ("O.2.2-PC-ASSOC-DELETE", end.act == Act::reg_expired);
  REQ("O.2.2-PC-ASSOC-DELETE", r.pc.th.table.find(1) == nullptr);
}

//= spec#O.2.2-PC-ASSOC-DELETE type=test
TEST_CASE(
    "O.2.2-PC-ASSOC-DELETE: a re-REGISTER may also shorten the registration; the binding then "
    "ends at the new, earlier expiry") {
  Pcscf pc;
  const ConnTuple t = tuple(78, 5062);
  PcscfConn c = pc.bound_conn(2, t, kT0, 7200);
  const EventIds ids = pc.reg_ids();
  (void)pc.drive(c, ev_request(Method::register_, t, kT0 + 10, true), ids);
  const Outcome ok = pc.drive(c, ev_response(Response::success, true, kT0 + 10, 60), ids);
  REQUIRE(ok.act == Act::add_impus);
  REQ("O.2.2-PC-ASSOC-DELETE", c.s.reg_expiry == kT0 + 70);
  const Outcome req = pc.drive(c, ev_request(Method::other, t, kT0 + 70));
  REQ("O.2.2-PC-ASSOC-DELETE", req.act == Act::reject_403_reg_expired);
  REQ("O.2.2-PC-ASSOC-DELETE", pc.th.table.find(2) == nullptr);
}

//= spec#5626-5.2-PC-TOKEN-UNIQUE type=test
TEST_CASE(
    "5626-5.2-PC-TOKEN-UNIQUE: a token with a valid MAC for a connection the table does not hold "
    "names no binding, also when its low 32 bits name a live one") {
  Pcscf pc(2);  // a full two-row table
  const PcscfConn a = pc.bound_conn(1, tuple(11, 5070), kT0);
  const PcscfConn b = pc.bound_conn(2, tuple(12, 5071), kT0);
  REQUIRE(pc.th.table.size() == 2u);
  SipHashKey key;
  for (std::uint8_t i = 0; i < 16; ++i) key.bytes[i] = static_cast<std::uint8_t>(0x40 + i);
  const std::uint64_t ids[] = {a.conn_id,      b.conn_id,      3,
                               0x100000001ull, 0x200000002ull, 0xFFFFFFFF00000001ull};
  for (const std::uint64_t id : ids) {
    INFO("conn " << id);
    char text[kFlowTokenTextSize];
    REQUIRE(flow_token_encode(flow_token_for_conn(key, id), text, sizeof text) == Error::ok);
    FlowToken t;
    REQUIRE(flow_token_decode(key,
                              ByteView(reinterpret_cast<const std::uint8_t*>(text), sizeof text),
                              &t) == Error::ok);
    const std::uint64_t named = flow_token_conn_id(t);
    REQ("5626-5.2-PC-TOKEN-UNIQUE", named == id);
    const Binding* row = pc.th.table.find(named);
    const bool live = id == a.conn_id || id == b.conn_id;
    REQ("5626-5.2-PC-TOKEN-UNIQUE", (row != nullptr) == live);
    if (row != nullptr) REQ("5626-5.2-PC-TOKEN-UNIQUE", row->conn_id == id);
  }
}
