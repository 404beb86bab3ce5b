// P-CSCF per-connection machine (core/pcscf_machine.h) driven through the
// binding table (core/pcscf_driver.h): every transition, every rejection and
// the attacker's moves, by requirement ID.
#include <catch2/catch.hpp>

#include "core/keepalive.h"
#include "tests/core/pcscf_test_support.h"
#include "tests/support/req.h"

using namespace annexo::test;

namespace {
const ConnTuple kT = tuple(1001, 40000);
constexpr Seconds kT0 = 1000;
}  // namespace

//= spec#IMPL-PC-DENY-UNLISTED type=test
TEST_CASE(
    "IMPL-PC-DENY-UNLISTED: table shape: unique rows, always-rows last, closed accepts nothing, "
    "all states reachable") {
  CHECK(rows_unique());
  CHECK(rows_grouped_and_always_last());
  REQ("IMPL-PC-DENY-UNLISTED", terminal_states_accept_nothing());
  CHECK(every_state_reachable());
  CHECK(binding_rows_consistent());
  // Every non-terminal state handles connection loss and the timer.
  for (std::uint8_t st = 0; st < kStateCount; ++st) {
    if (kStateInfo[st].terminal) continue;
    bool lost = false, timer = false;
    for (const Row& r : kRows) {
      if (static_cast<std::uint8_t>(r.from) != st) continue;
      lost = lost || (r.event == EventKind::connection_lost && r.to == State::closed);
      timer = timer || r.event == EventKind::timer;
    }
    INFO("state " << int(st));
    CHECK(lost);
    CHECK(timer);
  }
  // closed: every event kind is rejected and changes nothing.
  RtPolicy p = policy_of<Concrete>(PcscfConfig{});
  RtState s = initial_state<Concrete>(p, kT0);
  s.state = static_cast<std::uint8_t>(State::closed);
  for (std::uint8_t k = 0; k < kEventCount; ++k) {
    RtState before = s;
    const Outcome o = step_fast(p, s, make_event(static_cast<EventKind>(k), kT0));
    REQ("IMPL-PC-DENY-UNLISTED", !(o.accepted));
    REQ("IMPL-PC-DENY-UNLISTED", o.error == Error::pcscf_event_not_allowed);
    REQ("IMPL-PC-DENY-UNLISTED", o.actions.count == 0);
    REQ("IMPL-PC-DENY-UNLISTED", std::memcmp(&before, &s, sizeof s) == 0);
  }
  // An unlisted event in a live state is rejected too (reneg_done without HelloRequest).
  Pcscf pc;
  PcscfConn c = pc.bound_conn(1, kT, kT0);
  RtEvent rd = make_event(EventKind::reneg_done, kT0);
  rd.session = 5;
  const Outcome o = pc.drive(c, rd);
  REQ("IMPL-PC-DENY-UNLISTED", !(o.accepted));
  REQ("IMPL-PC-DENY-UNLISTED", o.error == Error::pcscf_event_not_allowed);
  REQ("IMPL-PC-DENY-UNLISTED", c.s.session == kT.session);
}

//= spec#O.2.1-PC-NO-CLIENT-CERT-REQ type=test
TEST_CASE(
    "O.2.1-PC-NO-CLIENT-CERT-REQ: the machine never asks for a client certificate, in any state") {
  for (std::uint8_t st = 0; st < 255; ++st) {
    REQ("O.2.1-PC-NO-CLIENT-CERT-REQ", !(request_client_certificate<Concrete>(st)));
  }
  for (const StateInfo& i : kStateInfo)
    REQ("O.2.1-PC-NO-CLIENT-CERT-REQ", !(request_client_certificate_rt(i.state)));
}

//= spec#O.4.2-PC-HANDSHAKE-GATE type=test
//= spec#O.2.2-PC-UNBOUND-NO-ASSERT type=test
TEST_CASE(
    "O.4.2-PC-HANDSHAKE-GATE: an unbound connection takes REGISTER and emergency only; others get "
    "403, not forwarded") {
  Pcscf pc;
  PcscfConn c = pcscf_accept(pc.pol, 1, kT0);
  CHECK(pc.state(c) == State::handshaking);
  Outcome o = pc.drive(c, ev_handshake(kT, kT0));
  CHECK(o.to == State::unbound);
  o = pc.drive(c, ev_request(Method::other, kT, kT0 + 1));
  CHECK(o.accepted);
  REQ("O.2.2-PC-UNBOUND-NO-ASSERT", o.error == Error::pcscf_request_on_unbound);
  REQ("O.2.2-PC-UNBOUND-NO-ASSERT", response_code(o) == 403);
  REQ("O.2.2-PC-UNBOUND-NO-ASSERT", !(has_action(o, Out::forward_request)));
  REQ("O.4.2-PC-HANDSHAKE-GATE", pc.state(c) == State::unbound);
  o = pc.drive(c, ev_request(Method::emergency, kT, kT0 + 2));
  const Action* f = find_action(o, Out::forward_request);
  REQUIRE(f != nullptr);
  REQ("O.2.2-PC-UNBOUND-NO-ASSERT", f->impu == kNoImpu);  // forwarded, no asserted identity
  o = pc.drive(c, ev_request(Method::register_, kT, kT0 + 3), pc.reg_ids());
  f = find_action(o, Out::forward_request);
  REQUIRE(f != nullptr);
  REQ("O.4.2-PC-HANDSHAKE-GATE", f->integrity == Integrity::tls_pending);
  CHECK(f->impu == kNoImpu);
  REQ("O.4.2-PC-HANDSHAKE-GATE", pc.state(c) == State::reg_pending);
  // reg_pending gates the same way.
  o = pc.drive(c, ev_request(Method::other, kT, kT0 + 4));
  REQ("O.2.2-PC-UNBOUND-NO-ASSERT", response_code(o) == 403);
  REQ("O.4.2-PC-HANDSHAKE-GATE", pc.th.table.size() == 0);
}

//= spec#O.4.2-PC-UNBOUND-IDLE-CLOSE type=test
TEST_CASE(
    "O.4.2-PC-HANDSHAKE-GATE: unbound, pending and handshaking connections idle past "
    "unbound_idle_s are closed, across wrap-around") {
  Pcscf pc;
  const Seconds t0 = 0xFFFFFFF0u;  // deadline wraps past 2^32
  PcscfConn c = pcscf_accept(pc.pol, 1, t0);
  Outcome o = pc.drive(c, make_event(EventKind::timer, t0 + 31));
  REQ("O.4.2-PC-UNBOUND-IDLE-CLOSE", pc.state(c) == State::handshaking);
  o = pc.drive(c, make_event(EventKind::timer, static_cast<Seconds>(t0 + 32)));
  REQ("O.4.2-PC-UNBOUND-IDLE-CLOSE", pc.state(c) == State::closed);
  REQ("O.4.2-PC-UNBOUND-IDLE-CLOSE", o.error == Error::pcscf_unbound_idle);
  REQ("O.4.2-PC-UNBOUND-IDLE-CLOSE", has_action(o, Out::close));

  PcscfConn u = pcscf_accept(pc.pol, 2, t0);
  (void)pc.drive(u, ev_handshake(kT, t0 + 5));
  const Deadline<Concrete> d = next_deadline<Concrete>(u.s);
  CHECK(d.armed);
  CHECK(d.at == static_cast<Seconds>(t0 + 5 + 32));
  (void)pc.drive(u, ev_request(Method::other, kT, t0 + 20));   // a rejected request does not extend
  o = pc.drive(u, make_event(EventKind::crlf_ping, t0 + 30));  // nor does a keep-alive
  CHECK(has_action(o, Out::send_crlf));
  (void)pc.drive(u, make_event(EventKind::timer, static_cast<Seconds>(t0 + 36)));
  REQ("O.4.2-PC-UNBOUND-IDLE-CLOSE", pc.state(u) == State::unbound);
  o = pc.drive(u, make_event(EventKind::timer, static_cast<Seconds>(t0 + 37)));
  REQ("O.4.2-PC-UNBOUND-IDLE-CLOSE", pc.state(u) == State::closed);

  PcscfConn p = pcscf_accept(pc.pol, 3, kT0);
  (void)pc.drive(p, ev_handshake(kT, kT0));
  (void)pc.drive(p, ev_request(Method::register_, kT, kT0 + 10, true), pc.reg_ids());
  (void)pc.drive(p, make_event(EventKind::timer, kT0 + 41));
  REQ("O.4.2-PC-UNBOUND-IDLE-CLOSE", pc.state(p) == State::reg_pending);
  (void)pc.drive(p, make_event(EventKind::timer, kT0 + 42));
  REQ("O.4.2-PC-UNBOUND-IDLE-CLOSE", pc.state(p) == State::closed);

  PcscfConn h = pcscf_accept(pc.pol, 4, kT0);
  o = pc.drive(h, make_event(EventKind::handshake_failed, kT0));
  CHECK(pc.state(h) == State::closed);
  CHECK(o.error == Error::pcscf_handshake_failed);
}

//= spec#O.2.2-PC-ASSOC-CREATE type=test
//= spec#O.2.1-PC-TRUST-ENDPOINT-VIA-ASSOC type=test
TEST_CASE(
    "O.2.2-PC-ASSOC-CREATE: the 2xx to a Digest REGISTER from this connection binds session, IP, "
    "port, IMPI and IMPUs") {
  Pcscf pc;
  PcscfConn c = pcscf_accept(pc.pol, 7, kT0);
  (void)pc.drive(c, ev_handshake(kT, kT0));
  (void)pc.drive(c, ev_request(Method::register_, kT, kT0, true), pc.reg_ids());
  REQ("O.2.2-PC-ASSOC-CREATE", pc.th.table.find(7) == nullptr);  // nothing before the 2xx
  const Outcome o = pc.drive(c, ev_response(Response::success, true, kT0 + 1), pc.reg_ids());
  REQ("O.2.2-PC-ASSOC-CREATE", o.to == State::bound);
  CHECK(has_action(o, Out::forward_response));
  REQ("O.2.2-PC-ASSOC-CREATE", has_action(o, Out::create_binding));
  const Binding* b = pc.th.table.find(7);
  REQUIRE(b != nullptr);
  REQ("O.2.1-PC-TRUST-ENDPOINT-VIA-ASSOC", b->session == kT.session);
  REQ("O.2.1-PC-TRUST-ENDPOINT-VIA-ASSOC", b->ip_lo == kT.ip_lo);
  REQ("O.2.1-PC-TRUST-ENDPOINT-VIA-ASSOC", b->ip_hi == kT.ip_hi);
  REQ("O.2.1-PC-TRUST-ENDPOINT-VIA-ASSOC", b->port == kT.port);
  REQ("O.2.2-PC-ASSOC-CREATE", pc.th.table.impi_equals(7, bv(pc.impi)));
  for (std::uint8_t i = 0; i < 3; ++i) {
    REQ("O.2.2-PC-ASSOC-CREATE", pc.th.table.impu_position(7, bv(pc.impus[i])) == i);
    CHECK(c.s.impu[i]);
  }
  CHECK_FALSE(c.s.impu[3]);
  CHECK(c.s.default_impu == 0);
  CHECK(c.s.b_session == kT.session);
  CHECK(check_invariants<Concrete>(c.s));
}

//= spec#O.2.2-PC-ASSOC-ONLY-ON-AUTH-CONN type=test
//= spec#O.2-ALL-SM7-OVER-TLS type=test
TEST_CASE(
    "O.2.2-PC-ASSOC-ONLY-ON-AUTH-CONN: REGISTER with credentials over another connection than the "
    "challenge binds only that one") {
  Pcscf pc;
  const ConnTuple ta = tuple(1, 40000), tb = tuple(2, 40001);  // same UE IP, other port
  PcscfConn a = pcscf_accept(pc.pol, 1, kT0), b = pcscf_accept(pc.pol, 2, kT0);
  (void)pc.drive(a, ev_handshake(ta, kT0));
  (void)pc.drive(b, ev_handshake(tb, kT0));
  // Initial REGISTER and its 401 on A.
  (void)pc.drive(a, ev_request(Method::register_, ta, kT0), pc.reg_ids());
  Outcome o = pc.drive(a, ev_response(Response::challenge, true, kT0), pc.reg_ids());
  CHECK(pc.state(a) == State::unbound);
  // Credentials arrive over B; its 2xx, offered to A, binds nothing there.
  (void)pc.drive(b, ev_request(Method::register_, tb, kT0 + 1, true), pc.reg_ids());
  o = pc.drive(a, ev_response(Response::success, false, kT0 + 2), pc.reg_ids());
  REQ("O.2.2-PC-ASSOC-ONLY-ON-AUTH-CONN", !(o.accepted));  // A has no pending REGISTER
  REQ("O.2.2-PC-ASSOC-ONLY-ON-AUTH-CONN", pc.state(a) == State::unbound);
  // Even with a REGISTER pending on A, a 2xx of B's transaction does not bind A.
  (void)pc.drive(a, ev_request(Method::register_, ta, kT0 + 2, true), pc.reg_ids());
  o = pc.drive(a, ev_response(Response::success, false, kT0 + 3), pc.reg_ids());
  REQ("O.2.2-PC-ASSOC-ONLY-ON-AUTH-CONN", o.error == Error::pcscf_response_not_for_this_connection);
  REQ("O.2.2-PC-ASSOC-ONLY-ON-AUTH-CONN", pc.state(a) == State::reg_pending);
  REQ("O.2.2-PC-ASSOC-ONLY-ON-AUTH-CONN", pc.th.table.find(1) == nullptr);
  o = pc.drive(b, ev_response(Response::success, true, kT0 + 3), pc.reg_ids());
  REQ("O.2-ALL-SM7-OVER-TLS", pc.state(b) == State::bound);
  REQ("O.2-ALL-SM7-OVER-TLS", pc.th.table.find(2) != nullptr);
  REQ("O.2.2-PC-ASSOC-ONLY-ON-AUTH-CONN", pc.th.table.find(1) == nullptr);
  // A's INVITE still gets 403.
  (void)pc.drive(a, ev_response(Response::other, true, kT0 + 4), pc.reg_ids());
  o = pc.drive(a, ev_request(Method::other, ta, kT0 + 5));
  CHECK(response_code(o) == 403);
}

//= spec#O.2.2-PC-ASSOC-ONLY-ON-AUTH-CONN type=test
TEST_CASE(
    "O.2.2-PC-ASSOC-ONLY-ON-AUTH-CONN: a 2xx to a REGISTER without Digest credentials, without "
    "IMPUs or with expiry 0 binds nothing") {
  Pcscf pc;
  PcscfConn c = pcscf_accept(pc.pol, 1, kT0);
  (void)pc.drive(c, ev_handshake(kT, kT0));
  (void)pc.drive(c, ev_request(Method::register_, kT, kT0, false), pc.reg_ids());
  Outcome o = pc.drive(c, ev_response(Response::success, true, kT0), pc.reg_ids());
  REQ("O.2.2-PC-ASSOC-ONLY-ON-AUTH-CONN", o.error == Error::pcscf_2xx_without_binding_conditions);
  CHECK(has_action(o, Out::forward_response));
  REQ("O.2.2-PC-ASSOC-ONLY-ON-AUTH-CONN", pc.state(c) == State::unbound);
  (void)pc.drive(c, ev_request(Method::register_, kT, kT0, true), pc.reg_ids());
  o = pc.drive(c, ev_response(Response::success, true, kT0),
               EventIds{bv(""), bv(pc.impi), nullptr, 0});
  REQ("O.2.2-PC-ASSOC-ONLY-ON-AUTH-CONN", pc.state(c) == State::unbound);
  (void)pc.drive(c, ev_request(Method::register_, kT, kT0, true), pc.reg_ids());
  o = pc.drive(c, ev_response(Response::success, true, kT0, 0), pc.reg_ids());
  REQ("O.2.2-PC-ASSOC-ONLY-ON-AUTH-CONN", pc.state(c) == State::unbound);
  REQ("O.2.2-PC-ASSOC-ONLY-ON-AUTH-CONN", pc.th.table.size() == 0);
}

//= spec#O.2.2-PC-MATCH-FULL-TUPLE type=test
//= spec#N.2-PC-IP-ASSOC-CHECK type=test
TEST_CASE(
    "O.2.2-PC-MATCH-FULL-TUPLE: right session but another port, another IP or another session: "
    "403, not forwarded") {
  Pcscf pc;
  PcscfConn c = pc.bound_conn(1, kT, kT0);
  REQUIRE(pc.state(c) == State::bound);
  ConnTuple other_port = kT, other_ip = kT, other_ip_hi = kT, other_session = kT;
  other_port.port = static_cast<std::uint16_t>(kT.port + 1);
  other_ip.ip_lo ^= 1;
  other_ip_hi.ip_hi ^= 1ull << 63;
  other_session.session += 1;
  for (const ConnTuple& t : {other_port, other_ip, other_ip_hi, other_session}) {
    for (Method m : {Method::other, Method::register_, Method::emergency}) {
      const Outcome o = pc.drive(c, ev_request(m, t, kT0 + 1), pc.reg_ids());
      REQ("O.2.2-PC-MATCH-FULL-TUPLE", o.error == Error::pcscf_tuple_mismatch);
      REQ("O.2.2-PC-MATCH-FULL-TUPLE", response_code(o) == 403);
      REQ("O.2.2-PC-MATCH-FULL-TUPLE", !(has_action(o, Out::forward_request)));
      // Annex N's check: the bound session from an address or port that is
      // not bound asserts no identity (nothing is forwarded).
      if (t.session == kT.session)
        REQ("N.2-PC-IP-ASSOC-CHECK", !(has_action(o, Out::forward_request)));
    }
  }
  const Outcome ok = pc.drive(c, ev_request(Method::other, kT, kT0 + 1));
  REQ("O.2.2-PC-MATCH-FULL-TUPLE", has_action(ok, Out::forward_request));
}

//= spec#O.2.2-PC-MATCH-FULL-TUPLE type=test
TEST_CASE("O.2.2-PC-MATCH-FULL-TUPLE: a session ID resumed on a new connection is unbound there") {
  Pcscf pc;
  PcscfConn c = pc.bound_conn(1, kT, kT0);
  ConnTuple resumed = kT;
  resumed.port = 40002;  // same session handle, new TCP connection
  PcscfConn n = pcscf_accept(pc.pol, 2, kT0);
  (void)pc.drive(n, ev_handshake(resumed, kT0));
  REQ("O.2.2-PC-MATCH-FULL-TUPLE", pc.state(n) == State::unbound);
  const Outcome o = pc.drive(n, ev_request(Method::other, resumed, kT0));
  REQ("O.2.2-PC-MATCH-FULL-TUPLE", response_code(o) == 403);
  REQ("O.2.2-PC-MATCH-FULL-TUPLE", !(has_action(o, Out::forward_request)));
  REQ("O.2.2-PC-MATCH-FULL-TUPLE", pc.th.table.find(2) == nullptr);
  CHECK(pc.state(c) == State::bound);
}

//= spec#O.2.2-PC-ASSERT-FROM-ASSOC type=test
//= spec#O.2.2-PC-ASSOC-IMPU-SET type=test
TEST_CASE(
    "O.2.2-PC-ASSERT-FROM-ASSOC: preferred identity if in the bound set, else the default IMPU, "
    "never one outside") {
  Pcscf pc;
  PcscfConn c = pc.bound_conn(1, kT, kT0);
  EventIds ids;
  ids.preferred = bv(pc.impus[2]);
  Outcome o = pc.drive(c, ev_request(Method::other, kT, kT0 + 1), ids);
  const Action* f = find_action(o, Out::forward_request);
  REQUIRE(f != nullptr);
  REQ("O.2.2-PC-ASSOC-IMPU-SET", f->impu == 2);
  std::uint8_t buf[300];
  REQ("O.2.2-PC-ASSERT-FROM-ASSOC",
      std::string(reinterpret_cast<char*>(buf),
                  pc.th.table.copy_impu(1, f->impu, buf, sizeof buf)) == pc.impus[2]);
  ids.preferred = bv("sip:mallory@evil.example");  // outside the set
  o = pc.drive(c, ev_request(Method::other, kT, kT0 + 1), ids);
  f = find_action(o, Out::forward_request);
  REQUIRE(f != nullptr);
  REQ("O.2.2-PC-ASSERT-FROM-ASSOC", f->impu == 0);  // default IMPU
  o = pc.drive(c, ev_request(Method::emergency, kT, kT0 + 1));
  f = find_action(o, Out::forward_request);
  REQUIRE(f != nullptr);
  REQ("O.2.2-PC-ASSERT-FROM-ASSOC", f->impu == 0);
  // Symbolically: for every preferred position, the asserted one is in the set.
  for (int pref = 0; pref < 256; ++pref) {
    RtEvent e = ev_request(Method::other, kT, kT0);
    e.preferred_impu = static_cast<std::uint8_t>(pref);
    CHECK(in_impu_set<Concrete>(c.s, asserted_impu<Concrete>(c.s, e)));
  }
}

//= spec#O.4.3-PC-REREG-ON-BOUND-SESSION type=test
//= spec#O.2-PC-INTEGRITY-PROTECTED-PARAM type=test
//= spec#O.4.3-PC-IMPI-MISMATCH type=test
TEST_CASE(
    "O.4.3-PC-REREG-ON-BOUND-SESSION: REGISTER for the bound IMPI is tls-yes; another IMPI is "
    "tls-pending and never joins") {
  Pcscf pc;
  PcscfConn c = pc.bound_conn(1, kT, kT0);
  Outcome o = pc.drive(c, ev_request(Method::register_, kT, kT0 + 10), pc.reg_ids());
  const Action* f = find_action(o, Out::forward_request);
  REQUIRE(f != nullptr);
  REQ("O.4.3-PC-REREG-ON-BOUND-SESSION", f->integrity == Integrity::tls_yes);
  CHECK(f->impu == kNoImpu);
  (void)pc.drive(c, ev_response(Response::success, true, kT0 + 11), pc.reg_ids());

  EventIds other;
  other.impi = bv("bob@ims.example.net");
  const std::string bob = "sip:bob@ims.example.net";
  const ByteView bobv = bv(bob);
  other.impus = &bobv;
  other.impu_count = 1;
  o = pc.drive(c, ev_request(Method::register_, kT, kT0 + 12), other);
  f = find_action(o, Out::forward_request);
  REQUIRE(f != nullptr);
  REQ("O.2-PC-INTEGRITY-PROTECTED-PARAM", f->integrity == Integrity::tls_pending);
  REQ("O.4.3-PC-IMPI-MISMATCH", o.error == Error::pcscf_other_impi_on_bound);
  o = pc.drive(c, ev_response(Response::success, true, kT0 + 13), other);
  CHECK(o.act == Act::forward_response);
  REQ("O.4.3-PC-IMPI-MISMATCH", pc.th.table.impu_position(1, bobv) == kNoImpu);
  REQ("O.4.3-PC-IMPI-MISMATCH", pc.th.table.impi_equals(1, bv(pc.impi)));
}

//= spec#O.2.2-PC-ASSOC-ADD-IMPU type=test
TEST_CASE(
    "O.2.2-PC-ASSOC-ADD-IMPU: a further IMPU of the same IMPI registered over the session is "
    "added") {
  Pcscf pc;
  PcscfConn c = pc.bound_conn(1, kT, kT0);
  const std::string extra = "sip:alice.home@ims.example.net";
  const ByteView ev = bv(extra);
  EventIds ids = pc.reg_ids();
  ids.impus = &ev;
  ids.impu_count = 1;
  (void)pc.drive(c, ev_request(Method::register_, kT, kT0 + 5), ids);
  const Outcome o = pc.drive(c, ev_response(Response::success, true, kT0 + 6), ids);
  REQ("O.2.2-PC-ASSOC-ADD-IMPU", o.act == Act::add_impus);
  const std::uint8_t p = pc.th.table.impu_position(1, ev);
  REQUIRE(p != kNoImpu);
  REQ("O.2.2-PC-ASSOC-ADD-IMPU", c.s.impu[p]);
  // It joins the set: the IMPUs registered before stay in it.
  for (std::uint8_t i = 0; i < 3; ++i) {
    REQ("O.2.2-PC-ASSOC-ADD-IMPU", c.s.impu[i]);
    REQ("O.2.2-PC-ASSOC-ADD-IMPU", pc.th.table.impu_position(1, bv(pc.impus[i])) == i);
  }
  EventIds pref;
  pref.preferred = ev;
  const Outcome r = pc.drive(c, ev_request(Method::other, kT, kT0 + 7), pref);
  REQ("O.2.2-PC-ASSOC-ADD-IMPU", find_action(r, Out::forward_request)->impu == p);
}

//= spec#O.2.2-PC-ASSOC-DELETE type=test
TEST_CASE(
    "O.2.2-PC-ASSOC-DELETE: deregistering IMPUs one by one removes the binding with the last") {
  Pcscf pc;
  PcscfConn c = pc.bound_conn(1, kT, kT0);
  EventIds one = pc.reg_ids();
  one.impus = &pc.impu_views[0];
  one.impu_count = 1;
  (void)pc.drive(c, ev_request(Method::register_, kT, kT0 + 1), one);
  Outcome o = pc.drive(c, ev_response(Response::success, true, kT0 + 2, 0), one);
  REQ("O.2.2-PC-ASSOC-DELETE", o.act == Act::dereg_some);
  REQ("O.2.2-PC-ASSOC-DELETE", pc.state(c) == State::bound);
  REQ("O.2.2-PC-ASSOC-DELETE", !(c.s.impu[0]));
  REQ("O.2.2-PC-ASSOC-DELETE", c.s.default_impu == 1);  // default moves to a remaining IMPU
  REQ("O.2.2-PC-ASSOC-DELETE", pc.th.table.impu_position(1, pc.impu_views[0]) == kNoImpu);
  // Network-side removal of another.
  RtEvent d = make_event(EventKind::deregistered, kT0 + 3);
  EventIds two = pc.reg_ids();
  two.impus = &pc.impu_views[1];
  two.impu_count = 1;
  o = pc.drive(c, d, two);
  CHECK(pc.state(c) == State::bound);
  // The last one.
  (void)pc.drive(c, ev_request(Method::register_, kT, kT0 + 4), pc.reg_ids());
  o = pc.drive(c, ev_response(Response::success, true, kT0 + 5, 0), pc.reg_ids());
  REQ("O.2.2-PC-ASSOC-DELETE", o.act == Act::dereg_last);
  REQ("O.2.2-PC-ASSOC-DELETE", pc.state(c) == State::unbound);
  REQ("O.2.2-PC-ASSOC-DELETE", pc.th.table.find(1) == nullptr);
  CHECK(pc.th.table.arena().free_chunks() == pc.th.table.arena().capacity_chunks());
  o = pc.drive(c, ev_request(Method::other, kT, kT0 + 6));
  REQ("O.2.2-PC-ASSOC-DELETE", response_code(o) == 403);
}

//= spec#O.2.2-PC-ASSOC-DELETE type=test
TEST_CASE(
    "O.2.2-PC-ASSOC-DELETE: a deregistration listing more than eight IMPUs removes a bound one "
    "listed after the eighth (RD-392)") {
  // RD-59's eight-entry cap is on what a 2xx binds; a deregistration removes
  // every listed IMPU the binding holds, wherever it is listed (fail closed).
  // Found by the P-CSCF property once its IMPU lists held more than alice.
  for (const bool network : {true, false}) {
    CAPTURE(network);
    Pcscf pc;
    PcscfConn c = pc.bound_conn(1, kT, kT0);
    std::vector<std::string> others;
    for (int i = 0; i < 8; ++i)
      others.push_back("sip:other" + std::to_string(i) + "@ims.example.net");
    std::vector<ByteView> listed;
    for (const auto& s : others) listed.push_back(bv(s));
    listed.push_back(pc.impu_views[1]);  // ninth: bound (tel:+4930123456)
    EventIds ids = pc.reg_ids();
    ids.impus = listed.data();
    ids.impu_count = static_cast<std::uint8_t>(listed.size());
    Outcome o;
    if (network) {
      o = pc.drive(c, make_event(EventKind::deregistered, kT0 + 1), ids);
    } else {
      (void)pc.drive(c, ev_request(Method::register_, kT, kT0 + 1), ids);
      o = pc.drive(c, ev_response(Response::success, true, kT0 + 2, 0), ids);
    }
    CHECK(o.accepted);
    REQ("O.2.2-PC-ASSOC-DELETE", has_action(o, Out::remove_impus));
    REQ("O.2.2-PC-ASSOC-DELETE", !(c.s.impu[1]));
    REQ("O.2.2-PC-ASSOC-DELETE", pc.th.table.impu_position(1, pc.impu_views[1]) == kNoImpu);
    // The IMPUs not listed stay bound.
    REQ("O.2.2-PC-ASSOC-DELETE", pc.th.table.impu_position(1, pc.impu_views[0]) == 0);
    REQ("O.2.2-PC-ASSOC-DELETE", pc.state(c) == State::bound);
    CHECK(check_invariants<Concrete>(c.s));
  }
}

//= spec#O.2.2-PC-ASSOC-DELETE type=test
TEST_CASE(
    "O.2.2-PC-ASSOC-DELETE: network-side deregistration updates or deletes the binding and relays "
    "no REGISTER response") {
  // Regression (tests/property/regressions/O.2.2-PC-MATCH-FULL-TUPLE.pcscf-machine.txt):
  // the reg-event path reused the REGISTER-response actions and emitted
  // forward_response although there is no response to relay.
  const auto no_relay = [](const Outcome& o) {
    CHECK_FALSE(has_action(o, Out::forward_response));
    CHECK_FALSE(has_action(o, Out::forward_request));
    CHECK_FALSE(has_action(o, Out::send_response));
    CHECK_FALSE(has_action(o, Out::close));
    CHECK_FALSE(has_action(o, Out::close_after_flush));
  };
  for (const bool reneg : {false, true}) {
    CAPTURE(reneg);
    Pcscf pc;
    PcscfConn c = pc.bound_conn(1, kT, kT0);
    Seconds now = kT0 + 1;
    if (reneg) {
      now = kT0 + 3600;  // session lifetime over: HelloRequest, renegotiating
      (void)pc.drive(c, make_event(EventKind::timer, now));
      REQUIRE(pc.state(c) == State::renegotiating);
    }
    const State kept = pc.state(c);
    EventIds some = pc.reg_ids();
    some.impus = &pc.impu_views[0];
    some.impu_count = 1;
    Outcome o = pc.drive(c, make_event(EventKind::deregistered, now), some);
    CHECK(o.accepted);
    CHECK(o.act == Act::net_dereg_some);
    no_relay(o);
    REQ("O.2.2-PC-ASSOC-DELETE", has_action(o, Out::remove_impus));
    REQ("O.2.2-PC-ASSOC-DELETE", !(has_action(o, Out::delete_binding)));
    CHECK(pc.state(c) == kept);
    REQ("O.2.2-PC-ASSOC-DELETE", !(c.s.impu[0]));
    CHECK(c.s.default_impu == 1);
    REQ("O.2.2-PC-ASSOC-DELETE", pc.th.table.impu_position(1, pc.impu_views[0]) == kNoImpu);
    REQ("O.2.2-PC-ASSOC-DELETE", pc.th.table.impu_position(1, pc.impu_views[1]) == 1);
    CHECK(check_invariants<Concrete>(c.s));
    // The remaining IMPUs: the binding goes, the connection stays open unbound.
    o = pc.drive(c, make_event(EventKind::deregistered, now + 1), pc.reg_ids());
    CHECK(o.accepted);
    CHECK(o.act == Act::net_dereg_last);
    no_relay(o);
    REQ("O.2.2-PC-ASSOC-DELETE", has_action(o, Out::delete_binding));
    REQ("O.2.2-PC-ASSOC-DELETE", pc.state(c) == State::unbound);
    REQ("O.2.2-PC-ASSOC-DELETE", pc.th.table.find(1) == nullptr);
    REQ("O.2.2-PC-ASSOC-DELETE",
        pc.th.table.arena().free_chunks() == pc.th.table.arena().capacity_chunks());
    CHECK(check_invariants<Concrete>(c.s));
  }
}

//= spec#O.2.2-PC-ASSOC-DELETE type=test
TEST_CASE(
    "O.2.2-PC-ASSOC-DELETE: registration expiry and connection loss remove the binding; a request "
    "after expiry is refused") {
  PcscfConfig cfg;
  cfg.tls_session_lifetime_s = 100000;  // session outlives the registration here
  Pcscf pl(16, cfg);
  PcscfConn c = pl.bound_conn(1, kT, kT0, 3600);
  Outcome o = pl.drive(c, ev_request(Method::other, kT, kT0 + 3600));
  CHECK(o.error == Error::pcscf_registration_expired);
  CHECK(response_code(o) == 403);
  REQ("O.2.2-PC-ASSOC-DELETE", !(has_action(o, Out::forward_request)));
  REQ("O.2.2-PC-ASSOC-DELETE", pl.th.table.find(1) == nullptr);
  PcscfConn c2 = pl.bound_conn(2, kT, kT0, 3600);
  o = pl.drive(c2, make_event(EventKind::timer, kT0 + 3599));
  CHECK(pl.state(c2) == State::bound);
  o = pl.drive(c2, make_event(EventKind::timer, kT0 + 3600));
  REQ("O.2.2-PC-ASSOC-DELETE", pl.state(c2) == State::unbound);
  REQ("O.2.2-PC-ASSOC-DELETE", pl.th.table.find(2) == nullptr);
  PcscfConn c3 = pl.bound_conn(3, kT, kT0);
  o = pl.drive(c3, make_event(EventKind::connection_lost, kT0 + 1));
  REQ("O.2.2-PC-ASSOC-DELETE", pl.state(c3) == State::closed);
  REQ("O.2.2-PC-ASSOC-DELETE", has_action(o, Out::delete_binding));
  REQ("O.2.2-PC-ASSOC-DELETE", pl.th.table.find(3) == nullptr);
  REQ("O.2.2-PC-ASSOC-DELETE", pl.th.table.size() == 0);
}

//= spec#O.3.1.1-PC-CLOSE-ON-AUTH-FAIL type=test
TEST_CASE(
    "O.3.1.1-PC-CLOSE-ON-AUTH-FAIL: after the 4xx is delivered the connection closes and nothing "
    "stays bound") {
  Pcscf pc;
  PcscfConn c = pcscf_accept(pc.pol, 1, kT0);
  (void)pc.drive(c, ev_handshake(kT, kT0));
  (void)pc.drive(c, ev_request(Method::register_, kT, kT0, true), pc.reg_ids());
  Outcome o = pc.drive(c, ev_response(Response::auth_failure, true, kT0 + 1), pc.reg_ids());
  REQ("O.3.1.1-PC-CLOSE-ON-AUTH-FAIL", pc.state(c) == State::closed);
  CHECK(o.error == Error::pcscf_auth_failure_close);
  // Order: relay the 4xx first, then close once flushed.
  REQUIRE(o.actions.count == 2);
  REQ("O.3.1.1-PC-CLOSE-ON-AUTH-FAIL", o.actions.items[0].kind == Out::forward_response);
  REQ("O.3.1.1-PC-CLOSE-ON-AUTH-FAIL", o.actions.items[1].kind == Out::close_after_flush);
  REQ("O.3.1.1-PC-CLOSE-ON-AUTH-FAIL", pc.th.table.size() == 0);
  // On a bound connection (A11): binding deleted too.
  PcscfConn b = pc.bound_conn(2, kT, kT0);
  (void)pc.drive(b, ev_request(Method::register_, kT, kT0 + 2, true), pc.reg_ids());
  o = pc.drive(b, ev_response(Response::auth_failure, true, kT0 + 3), pc.reg_ids());
  REQ("O.3.1.1-PC-CLOSE-ON-AUTH-FAIL", pc.state(b) == State::closed);
  REQ("O.3.1.1-PC-CLOSE-ON-AUTH-FAIL", has_action(o, Out::delete_binding));
  REQ("O.3.1.1-PC-CLOSE-ON-AUTH-FAIL", pc.th.table.find(2) == nullptr);
  CHECK_FALSE(b.s.has_binding);
  CHECK(check_invariants<Concrete>(b.s));
}

//= spec#O.2.1-ALL-LIFETIME-LOCAL-POLICY type=test
//= spec#O.4.2-PC-LIFETIME-POLICY type=test
//= spec#O.4.2-PC-MAY-RENEGOTIATE type=test
TEST_CASE(
    "O.2.1-ALL-LIFETIME-LOCAL-POLICY: at session expiry a HelloRequest is sent; a request after "
    "expiry is refused, also across wrap-around") {
  // 0xFFFFFF00 + 3600 wraps past 2^32: the expiry is a small number while
  // the clock is still near 2^32 - 1, where a plain unsigned comparison
  // would call the session expired at once.
  for (Seconds t0 : {kT0, 0xFFFFFF00u}) {
    Pcscf pc;  // lifetime 3600 by default
    PcscfConn c = pc.bound_conn(1, kT, t0);
    REQ("O.2.1-ALL-LIFETIME-LOCAL-POLICY", c.s.session_expiry == static_cast<Seconds>(t0 + 3600));
    Outcome o = pc.drive(c, make_event(EventKind::timer, static_cast<Seconds>(t0 + 100)));
    REQ("O.2.1-ALL-LIFETIME-LOCAL-POLICY", pc.state(c) == State::bound);
    o = pc.drive(c, make_event(EventKind::timer, static_cast<Seconds>(t0 + 3599)));
    REQ("O.4.2-PC-LIFETIME-POLICY", pc.state(c) == State::bound);
    o = pc.drive(c, make_event(EventKind::timer, static_cast<Seconds>(t0 + 3600)));
    REQ("O.4.2-PC-LIFETIME-POLICY", pc.state(c) == State::renegotiating);
    REQ("O.4.2-PC-MAY-RENEGOTIATE", has_action(o, Out::hello_request));
    PcscfConn d = pc.bound_conn(2, kT, t0);
    o = pc.drive(d, ev_request(Method::other, kT, static_cast<Seconds>(t0 + 3600)));
    CHECK(o.error == Error::pcscf_session_expired);
    CHECK(response_code(o) == 403);
    REQ("O.4.2-PC-MAY-RENEGOTIATE", has_action(o, Out::hello_request));
    CHECK_FALSE(has_action(o, Out::forward_request));
    CHECK(pc.state(d) == State::renegotiating);
  }
}

//= spec#O.4.2-PC-REPLACE-SESSION-ID type=test
//= spec#O.4.2-PC-RENEG-INSIDE-CONN type=test
TEST_CASE(
    "O.4.2-PC-REPLACE-SESSION-ID: after renegotiation the new session replaces the old, which "
    "authorises nothing") {
  Pcscf pc;
  PcscfConn c = pc.bound_conn(1, kT, kT0);
  (void)pc.drive(c, make_event(EventKind::timer, kT0 + 3600));
  REQUIRE(pc.state(c) == State::renegotiating);
  Outcome o = pc.drive(c, make_event(EventKind::client_hello, kT0 + 3601));
  REQ("O.4.2-PC-RENEG-INSIDE-CONN", o.act == Act::accept_reneg_hello);
  RtEvent rd = make_event(EventKind::reneg_done, kT0 + 3602);
  rd.session = 2002;
  o = pc.drive(c, rd);
  REQ("O.4.2-PC-RENEG-INSIDE-CONN", pc.state(c) == State::bound);
  REQ("O.4.2-PC-REPLACE-SESSION-ID", pc.th.table.find(1)->session == 2002);
  CHECK(c.s.session_expiry == kT0 + 3602 + 3600);
  ConnTuple fresh = kT;
  fresh.session = 2002;
  o = pc.drive(c, ev_request(Method::other, kT, kT0 + 3603));  // old Session ID
  REQ("O.4.2-PC-REPLACE-SESSION-ID", o.error == Error::pcscf_tuple_mismatch);
  REQ("O.4.2-PC-REPLACE-SESSION-ID", !(has_action(o, Out::forward_request)));
  o = pc.drive(c, ev_request(Method::other, fresh, kT0 + 3603));
  REQ("O.4.2-PC-REPLACE-SESSION-ID", has_action(o, Out::forward_request));
  CHECK(check_invariants<Concrete>(c.s));
}

//= spec#O.4.2-PC-MAY-ABORT-NO-RENEG type=test
TEST_CASE(
    "O.4.2-PC-MAY-ABORT-NO-RENEG: no renegotiation within reneg_wait_s, or a refusal, closes and "
    "deletes (policy on); policy off keeps asking") {
  Pcscf pc;
  PcscfConn c = pc.bound_conn(1, kT, kT0);
  (void)pc.drive(c, make_event(EventKind::timer, kT0 + 3600));
  Outcome o = pc.drive(c, make_event(EventKind::timer, kT0 + 3629));
  CHECK(pc.state(c) == State::renegotiating);
  o = pc.drive(c, make_event(EventKind::timer, kT0 + 3630));
  REQ("O.4.2-PC-MAY-ABORT-NO-RENEG", pc.state(c) == State::closed);
  REQ("O.4.2-PC-MAY-ABORT-NO-RENEG", o.error == Error::pcscf_reneg_timeout);
  REQ("O.4.2-PC-MAY-ABORT-NO-RENEG", pc.th.table.find(1) == nullptr);
  PcscfConn r = pc.bound_conn(2, kT, kT0);
  (void)pc.drive(r, make_event(EventKind::timer, kT0 + 3600));
  o = pc.drive(r, make_event(EventKind::reneg_refused, kT0 + 3601));
  REQ("O.4.2-PC-MAY-ABORT-NO-RENEG", pc.state(r) == State::closed);
  REQ("O.4.2-PC-MAY-ABORT-NO-RENEG", pc.th.table.find(2) == nullptr);

  PcscfConfig off;
  off.abort_on_no_reneg = false;
  Pcscf pk(16, off);
  PcscfConn k = pk.bound_conn(3, kT, kT0);
  (void)pk.drive(k, make_event(EventKind::timer, kT0 + 3600));
  o = pk.drive(k, make_event(EventKind::reneg_refused, kT0 + 3601));
  REQ("O.4.2-PC-MAY-ABORT-NO-RENEG", pk.state(k) == State::renegotiating);
  o = pk.drive(k, make_event(EventKind::timer, kT0 + 3630));
  REQ("O.4.2-PC-MAY-ABORT-NO-RENEG", pk.state(k) == State::renegotiating);
  REQ("O.4.2-PC-MAY-ABORT-NO-RENEG", has_action(o, Out::hello_request));
  CHECK(pk.th.table.find(3) != nullptr);
}

//= spec#IMPL-PC-NO-REQUESTS-WHILE-RENEGOTIATING type=test
TEST_CASE(
    "IMPL-PC-NO-REQUESTS-WHILE-RENEGOTIATING: requests on an expired session awaiting "
    "renegotiation get 403; emergency goes through") {
  Pcscf pc;
  PcscfConn c = pc.bound_conn(1, kT, kT0);
  (void)pc.drive(c, make_event(EventKind::timer, kT0 + 3600));
  for (Method m : {Method::other, Method::register_}) {
    const Outcome o = pc.drive(c, ev_request(m, kT, kT0 + 3601), pc.reg_ids());
    REQ("IMPL-PC-NO-REQUESTS-WHILE-RENEGOTIATING",
        o.error == Error::pcscf_request_while_renegotiating);
    REQ("IMPL-PC-NO-REQUESTS-WHILE-RENEGOTIATING", response_code(o) == 403);
    REQ("IMPL-PC-NO-REQUESTS-WHILE-RENEGOTIATING", !(has_action(o, Out::forward_request)));
  }
  const Outcome e = pc.drive(c, ev_request(Method::emergency, kT, kT0 + 3601));
  REQUIRE(find_action(e, Out::forward_request) != nullptr);
  REQ("IMPL-PC-NO-REQUESTS-WHILE-RENEGOTIATING",
      find_action(e, Out::forward_request)->impu == kNoImpu);
  // Terminating requests still use the connection.
  CHECK(has_action(pc.drive(c, make_event(EventKind::terminating_request, kT0 + 3601)),
                   Out::forward_to_ue));
  // A request that comes after the lifetime ended, before any timer moved the
  // connection, with the clock wrapped past 2^32 since the expiry (0xFFFFFE10):
  // the session still authorises nothing.
  const Seconds t0 = 0xFFFFF000u;
  PcscfConn w = pc.bound_conn(2, kT, t0);
  const Outcome late =
      pc.drive(w, ev_request(Method::other, kT, static_cast<Seconds>(t0 + 3600 + 512)));
  REQ("IMPL-PC-NO-REQUESTS-WHILE-RENEGOTIATING", response_code(late) == 403);
  REQ("IMPL-PC-NO-REQUESTS-WHILE-RENEGOTIATING", !(has_action(late, Out::forward_request)));
}

//= spec#IMPL-PC-REFUSE-CLIENT-RENEG type=test
//= spec#O.4.2-PC-NO-CLIENT-RENEG type=test
TEST_CASE(
    "IMPL-PC-REFUSE-CLIENT-RENEG: client-initiated renegotiation is refused by default and allowed "
    "by policy") {
  Pcscf pc;
  PcscfConn c = pc.bound_conn(1, kT, kT0);
  Outcome o = pc.drive(c, make_event(EventKind::client_hello, kT0 + 1));
  REQ("IMPL-PC-REFUSE-CLIENT-RENEG", o.error == Error::pcscf_client_reneg_refused);
  REQ("O.4.2-PC-NO-CLIENT-RENEG", has_action(o, Out::refuse_reneg));
  REQ("IMPL-PC-REFUSE-CLIENT-RENEG",
      static_cast<int>(error_alert(o.error)) == 100);  // no_renegotiation (RFC 5246 7.2.2)
  PcscfConn u = pcscf_accept(pc.pol, 2, kT0);
  (void)pc.drive(u, ev_handshake(kT, kT0));
  REQ("O.4.2-PC-NO-CLIENT-RENEG",
      has_action(pc.drive(u, make_event(EventKind::client_hello, kT0)), Out::refuse_reneg));
  PcscfConfig allow;
  allow.allow_client_reneg = true;
  Pcscf pa(16, allow);
  PcscfConn a = pa.bound_conn(3, kT, kT0);
  o = pa.drive(a, make_event(EventKind::client_hello, kT0 + 1));
  REQ("IMPL-PC-REFUSE-CLIENT-RENEG", o.act == Act::allow_reneg);
  RtEvent rd = make_event(EventKind::reneg_done, kT0 + 2);
  rd.session = 77;
  o = pa.drive(a, rd);
  CHECK(o.act == Act::new_session_bound);
  CHECK(pa.th.table.find(3)->session == 77);
}

//= spec#RFC3329-PC-VERIFY-ECHO type=test
TEST_CASE(
    "RFC3329-PC-VERIFY-ECHO: a REGISTER whose Security-Verify mismatches gets 494, is not "
    "forwarded and binds nothing") {
  Pcscf pc;
  PcscfConn c = pcscf_accept(pc.pol, 1, kT0);
  (void)pc.drive(c, ev_handshake(kT, kT0));
  RtEvent e = ev_request(Method::register_, kT, kT0, true);
  e.sec_verify = static_cast<std::uint8_t>(SecVerify::mismatch);
  Outcome o = pc.drive(c, e, pc.reg_ids());
  REQ("RFC3329-PC-VERIFY-ECHO", response_code(o) == 494);
  REQ("RFC3329-PC-VERIFY-ECHO", !(has_action(o, Out::forward_request)));
  REQ("RFC3329-PC-VERIFY-ECHO", pc.state(c) == State::unbound);
  REQ("RFC3329-PC-VERIFY-ECHO", !(c.s.pending_digest));
  e.sec_verify = static_cast<std::uint8_t>(SecVerify::matches);
  o = pc.drive(c, e, pc.reg_ids());
  CHECK(has_action(o, Out::forward_request));
  CHECK(pc.state(c) == State::reg_pending);
  // Bound connection: same rule.
  PcscfConn b = pc.bound_conn(2, kT, kT0);
  e.sec_verify = static_cast<std::uint8_t>(SecVerify::mismatch);
  o = pc.drive(b, e, pc.reg_ids());
  REQ("RFC3329-PC-VERIFY-ECHO", response_code(o) == 494);
}

//= spec#5626-5.4-PC-CRLF-PONG type=test
TEST_CASE(
    "5626-5.4-PC-CRLF-PONG: a double-CRLF ping is answered with one CRLF on the same connection") {
  const std::uint8_t ping[] = {'\r', '\n', '\r', '\n'};
  const std::uint8_t not_ping[] = {'\r', '\n'};
  const std::uint8_t three[] = {'\r', '\n', '\r', '\n', '\r'};
  REQ("5626-5.4-PC-CRLF-PONG", is_crlf_ping(ByteView(ping)));
  REQ("5626-5.4-PC-CRLF-PONG", !(is_crlf_ping(ByteView(not_ping))));
  REQ("5626-5.4-PC-CRLF-PONG", !(is_crlf_ping(ByteView(three))));
  REQ("5626-5.4-PC-CRLF-PONG", sizeof(kCrlfPong) == 2);
  Pcscf pc;
  PcscfConn c = pc.bound_conn(1, kT, kT0);
  const Outcome o = pc.drive(c, make_event(EventKind::crlf_ping, kT0));
  REQUIRE(o.actions.count == 1);
  REQ("5626-5.4-PC-CRLF-PONG", o.actions.items[0].kind == Out::send_crlf);
  CHECK(pc.state(c) == State::bound);
}

//= spec#5626-5.3-PC-FORWARD-OVER-FLOW type=test
//= spec#O.2.1-PC-RFC5626-FORWARDING type=test
TEST_CASE(
    "5626-5.3-PC-FORWARD-OVER-FLOW: terminating requests go only over the bound connection; "
    "unbound gets 430") {
  Pcscf pc;
  PcscfConn c = pc.bound_conn(1, kT, kT0);
  Outcome o = pc.drive(c, make_event(EventKind::terminating_request, kT0));
  REQ("5626-5.3-PC-FORWARD-OVER-FLOW", has_action(o, Out::forward_to_ue));
  PcscfConn u = pcscf_accept(pc.pol, 2, kT0);
  (void)pc.drive(u, ev_handshake(kT, kT0));
  o = pc.drive(u, make_event(EventKind::terminating_request, kT0));
  REQ("O.2.1-PC-RFC5626-FORWARDING", response_code(o) == 430);
  REQ("5626-5.3-PC-FORWARD-OVER-FLOW", !(has_action(o, Out::forward_to_ue)));
  // handshaking/closed: no row, nothing delivered (the P-CSCF never opens a connection).
  PcscfConn h = pcscf_accept(pc.pol, 3, kT0);
  REQ("5626-5.3-PC-FORWARD-OVER-FLOW",
      !(pc.drive(h, make_event(EventKind::terminating_request, kT0)).accepted));
}

//= spec#IMPL-PC-BINDING-TABLE-CAPACITY type=test
TEST_CASE(
    "IMPL-PC-BINDING-TABLE-CAPACITY: with the table full a new registration gets 503 and nothing "
    "is evicted") {
  Pcscf pc(1);
  PcscfConn a = pc.bound_conn(1, kT, kT0);
  REQUIRE(pc.state(a) == State::bound);
  PcscfConn b = pcscf_accept(pc.pol, 2, kT0);
  (void)pc.drive(b, ev_handshake(tuple(9, 9), kT0));
  Outcome o = pc.drive(b, ev_request(Method::register_, tuple(9, 9), kT0, true), pc.reg_ids());
  REQ("IMPL-PC-BINDING-TABLE-CAPACITY", response_code(o) == 503);
  REQ("IMPL-PC-BINDING-TABLE-CAPACITY", o.error == Error::pcscf_registration_refused_full);
  REQ("IMPL-PC-BINDING-TABLE-CAPACITY", !(has_action(o, Out::forward_request)));
  REQ("IMPL-PC-BINDING-TABLE-CAPACITY", pc.th.table.find(1) != nullptr);
  // Race: room at REGISTER time, none at the 2xx -> 503 instead of the 2xx, then close.
  Pcscf small(2, PcscfConfig{});
  TableHolder tiny(2, 4);  // 4 chunks: exactly one typical binding
  PcscfConn x = pcscf_accept(small.pol, 1, kT0), y = pcscf_accept(small.pol, 2, kT0);
  (void)pcscf_drive(small.pol, tiny.table, x, ev_handshake(kT, kT0), {});
  (void)pcscf_drive(small.pol, tiny.table, y, ev_handshake(kT, kT0), {});
  (void)pcscf_drive(small.pol, tiny.table, x, ev_request(Method::register_, kT, kT0, true),
                    small.reg_ids());
  (void)pcscf_drive(small.pol, tiny.table, y, ev_request(Method::register_, kT, kT0, true),
                    small.reg_ids());
  o = pcscf_drive(small.pol, tiny.table, x, ev_response(Response::success, true, kT0),
                  small.reg_ids());
  CHECK(o.to == State::bound);
  o = pcscf_drive(small.pol, tiny.table, y, ev_response(Response::success, true, kT0),
                  small.reg_ids());
  REQ("IMPL-PC-BINDING-TABLE-CAPACITY", o.to == State::closed);
  REQ("IMPL-PC-BINDING-TABLE-CAPACITY", response_code(o) == 503);
  CHECK(o.error == Error::binding_arena_full);
  CHECK(std::string(o.requirement) == "IMPL-PC-BINDING-TABLE-CAPACITY");
  REQ("IMPL-PC-BINDING-TABLE-CAPACITY", has_action(o, Out::close_after_flush));
  REQ("IMPL-PC-BINDING-TABLE-CAPACITY", !(has_action(o, Out::forward_response)));
  REQ("IMPL-PC-BINDING-TABLE-CAPACITY", tiny.table.size() == 1);
  REQ("IMPL-PC-BINDING-TABLE-CAPACITY", tiny.table.find(1) != nullptr);
}

//= spec#O.2.2-PC-ASSOC-ADD-IMPU type=test
//= spec#O.2.2-PC-ASSOC-DELETE type=test
TEST_CASE(
    "O.2.2-PC-ASSOC-ADD-IMPU: a re-REGISTER answered while the session renegotiates still adds or "
    "removes IMPUs") {
  // REGISTER forwarded tls-yes, then the session lifetime ends, then the 2xx.
  auto reneg_with_register_in_flight = [](Pcscf& pc, std::uint64_t id, const EventIds& ids) {
    PcscfConn c = pc.bound_conn(id, kT, kT0);
    (void)pc.drive(c, ev_request(Method::register_, kT, kT0 + 3599), ids);
    (void)pc.drive(c, make_event(EventKind::timer, kT0 + 3600));
    REQUIRE(pc.state(c) == State::renegotiating);
    REQUIRE(c.s.pending_same_impi);
    return c;
  };
  Pcscf pc;
  const std::string extra = "sip:alice.car@ims.example.net";
  const ByteView xv = bv(extra);
  EventIds add = pc.reg_ids();
  add.impus = &xv;
  add.impu_count = 1;
  PcscfConn a = reneg_with_register_in_flight(pc, 1, add);
  Outcome o = pc.drive(a, ev_response(Response::success, true, kT0 + 3601), add);
  REQ("O.2.2-PC-ASSOC-ADD-IMPU", o.act == Act::add_impus);
  CHECK(pc.state(a) == State::renegotiating);
  REQ("O.2.2-PC-ASSOC-ADD-IMPU", pc.th.table.impu_position(1, xv) != kNoImpu);

  EventIds some = pc.reg_ids();
  some.impu_count = 1;  // deregisters the first IMPU only
  PcscfConn b = reneg_with_register_in_flight(pc, 2, some);
  o = pc.drive(b, ev_response(Response::success, true, kT0 + 3601, 0), some);
  REQ("O.2.2-PC-ASSOC-DELETE", o.act == Act::dereg_some);
  CHECK(pc.state(b) == State::renegotiating);
  REQ("O.2.2-PC-ASSOC-DELETE", pc.th.table.impu_position(2, pc.impu_views[0]) == kNoImpu);

  PcscfConn c = reneg_with_register_in_flight(pc, 3, pc.reg_ids());
  o = pc.drive(c, ev_response(Response::success, true, kT0 + 3601, 0), pc.reg_ids());
  REQ("O.2.2-PC-ASSOC-DELETE", o.act == Act::dereg_last);
  REQ("O.2.2-PC-ASSOC-DELETE", pc.state(c) == State::unbound);
  REQ("O.2.2-PC-ASSOC-DELETE", pc.th.table.find(3) == nullptr);
  CHECK(check_invariants<Concrete>(c.s));
}
