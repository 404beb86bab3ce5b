// Zero allocations across every P-CSCF entry point of the core: machine
// (runtime and formula step), binding table, identity arena, flow tokens,
// sec-agree, configuration check, keep-alive. Global operator new and the C
// allocator are counted while a region is open; Catch2 assertions run only
// outside the region.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <new>

#include "core/flow_token.h"
#include "core/keepalive.h"
#include "core/pcscf_config.h"
#include "core/sec_agree.h"
#include "tests/core/pcscf_test_support.h"
#include "tests/support/req.h"

extern "C" void* __libc_malloc(std::size_t);
extern "C" void* __libc_calloc(std::size_t, std::size_t);
extern "C" void* __libc_realloc(void*, std::size_t);

namespace {
bool g_counting = false;
long g_allocs = 0;
void note() {
  if (g_counting) ++g_allocs;
}
struct Region {
  Region() {
    g_allocs = 0;
    g_counting = true;
  }
  ~Region() { g_counting = false; }
};
}  // namespace

extern "C" void* malloc(std::size_t n) {
  note();
  return __libc_malloc(n);
}
extern "C" void* calloc(std::size_t a, std::size_t b) {
  note();
  return __libc_calloc(a, b);
}
extern "C" void* realloc(void* p, std::size_t n) {
  note();
  return __libc_realloc(p, n);
}
void* operator new(std::size_t n) {
  note();
  void* p = __libc_malloc(n ? n : 1);
  if (!p) throw std::bad_alloc();
  return p;
}
void* operator new[](std::size_t n) {
  return operator new(n);
}
void operator delete(void* p) noexcept {
  std::free(p);
}
void operator delete[](void* p) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}
void operator delete[](void* p, std::size_t) noexcept {
  std::free(p);
}

using namespace annexo::test;

TEST_CASE(
    "IMPL-PC-BINDING-TABLE-CAPACITY: the counting allocator sees allocations (the test can fail)") {
  long seen = 0;
  {
    Region r;
    void* p = std::malloc(16);
    int* q = new int(3);
    seen = g_allocs;
    delete q;
    std::free(p);
  }
  CHECK(seen == 2);
}

//= spec#IMPL-PC-BINDING-TABLE-CAPACITY type=test
TEST_CASE(
    "IMPL-PC-BINDING-TABLE-CAPACITY: zero allocations across the P-CSCF machine, binding table, "
    "flow tokens, sec-agree and config check") {
  Pcscf pc(64);
  const EventIds ids = pc.reg_ids();
  SipHashKey key{};
  const ConnTuple t = tuple(5, 5060);
  char text[kFlowTokenTextSize];
  const std::uint8_t ping[] = {'\r', '\n', '\r', '\n'};
  std::uint8_t out[300];
  long allocs = -1;
  int accepted = 0;
  Error last = Error::ok;
  {
    Region r;
    for (std::uint64_t id = 1; id <= 40; ++id) {
      PcscfConn c = pcscf_accept(pc.pol, id, 100);
      accepted += pc.drive(c, ev_handshake(t, 100)).accepted;
      accepted += pc.drive(c, ev_request(Method::other, t, 101)).accepted;
      accepted += pc.drive(c, ev_request(Method::register_, t, 101, true), ids).accepted;
      accepted += pc.drive(c, ev_response(Response::success, true, 102), ids).accepted;
      accepted += pc.drive(c, ev_request(Method::other, t, 103), ids).accepted;
      accepted += pc.drive(c, make_event(EventKind::crlf_ping, 103)).accepted;
      accepted += pc.drive(c, make_event(EventKind::terminating_request, 103)).accepted;
      const FlowToken ft = flow_token_for_conn(key, id);
      last = flow_token_encode(ft, text, sizeof text);
      FlowToken back;
      last = flow_token_decode(
          key, ByteView(reinterpret_cast<const std::uint8_t*>(text), sizeof text), &back);
      accepted += pc.th.table.find(flow_token_conn_id(back)) != nullptr;
      (void)pc.th.table.copy_impu(id, 0, out, sizeof out);
      accepted += pc.drive(c, make_event(EventKind::timer, 100 + 3600)).accepted;
      RtEvent rd = make_event(EventKind::reneg_done, 3701);
      rd.session = 1000 + id;
      accepted += pc.drive(c, rd).accepted;
      const StepResult<Concrete> f =
          step<Concrete>(pc.pol, c.s, ev_request(Method::other, t, 3702));
      accepted += f.accepted;
      accepted += check_invariants<Concrete>(c.s);
      accepted += pc.drive(c, ev_response(Response::success, true, 3703, 0), ids).accepted;
      accepted += pc.drive(c, make_event(EventKind::connection_lost, 3704)).accepted;
    }
    (void)check_pcscf_config(pcscf::PcscfConfig{}, 600000);
    SecMechList cl, sv;
    (void)secagree_push(cl, SecMech::tls);
    (void)secagree_answer(cl, true, &sv);
    (void)secagree_fact(true, sv, cl);
    accepted += is_crlf_ping(ByteView(ping));
    allocs = g_allocs;
  }
  // The table lives in caller storage fixed at start-up: no heap, ever.
  REQ("IMPL-PC-BINDING-TABLE-CAPACITY", allocs == 0);
  CHECK(last == Error::ok);
  CHECK(accepted > 400);
  CHECK(pc.th.table.size() == 0);
}
