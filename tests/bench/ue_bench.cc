// UE machine per-event cost (target < 200 ns per event).
#include <benchmark/benchmark.h>

#include "core/ue_machine.h"

using namespace annexo::core;

namespace {

UeInput in(UeEvent e, std::uint32_t conn) {
  UeInput i;
  i.event = e;
  i.conn = conn;
  return i;
}

// One full TLS-first registration: 5 events.
void BM_UeRegistration5Events(benchmark::State& st) {
  Seconds now = 0;
  for (auto _ : st) {
    UeMachine m;
    UeInput s = in(UeEvent::start_registration, 0);
    s.access = AccessFacts{false, true, false};
    benchmark::DoNotOptimize(m.handle(s, now));
    const auto c = m.state().conn;
    UeInput cv = in(UeEvent::cert_verdict, c);
    benchmark::DoNotOptimize(m.handle(cv, now));
    benchmark::DoNotOptimize(m.handle(in(UeEvent::handshake_done, c), now));
    benchmark::DoNotOptimize(m.handle(in(UeEvent::response_401, c), now));
    UeInput ok = in(UeEvent::response_2xx, c);
    ok.expires_s = 3600;
    ok.rspauth_ok = true;
    ok.keepalive_s = 100;
    benchmark::DoNotOptimize(m.handle(ok, now));
    ++now;
  }
  st.SetItemsProcessed(st.iterations() * 5);
}
BENCHMARK(BM_UeRegistration5Events);

UeMachine registered(std::uint32_t& conn) {
  UeMachine m;
  UeInput s = in(UeEvent::start_registration, 0);
  s.access = AccessFacts{false, true, false};
  (void)m.handle(s, 0);
  conn = m.state().conn;
  (void)m.handle(in(UeEvent::cert_verdict, conn), 0);
  (void)m.handle(in(UeEvent::handshake_done, conn), 0);
  UeInput ok = in(UeEvent::response_2xx, conn);
  ok.expires_s = 3600;
  ok.keepalive_s = 100;
  (void)m.handle(ok, 0);
  return m;
}

// Steady state: an application request over the registered session.
void BM_UeSendRequest(benchmark::State& st) {
  std::uint32_t c = 0;
  UeMachine m = registered(c);
  const UeInput req = in(UeEvent::send_request, c);
  for (auto _ : st) benchmark::DoNotOptimize(m.handle(req, 1));
  st.SetItemsProcessed(st.iterations());
}
BENCHMARK(BM_UeSendRequest);

// Keep-alive cycle: tick (ping) + pong; every ~30th cycle the tick is the
// re-registration instead and a 2xx answers it. Items = events handled.
void BM_UeKeepaliveCycle2Events(benchmark::State& st) {
  std::uint32_t c = 0;
  UeMachine m = registered(c);
  UeInput pong = in(UeEvent::pong_received, c);
  pong.keepalive_s = 100;
  UeInput ok = in(UeEvent::response_2xx, c);
  ok.expires_s = 3600;
  ok.keepalive_s = 100;
  std::int64_t events = 0;
  for (auto _ : st) {
    const Seconds at = m.next_deadline().at;
    benchmark::DoNotOptimize(m.tick(at));
    const UeInput& answer = m.state_id() == UeStateId::reregistering ? ok : pong;
    benchmark::DoNotOptimize(m.handle(answer, at));
    events += 2;
    if (m.state_id() != UeStateId::registered) st.SkipWithError("left registered");
  }
  st.SetItemsProcessed(events);
}
BENCHMARK(BM_UeKeepaliveCycle2Events);

// A rejected event (stale connection): the deny path.
void BM_UeRejectedEvent(benchmark::State& st) {
  std::uint32_t c = 0;
  UeMachine m = registered(c);
  const UeInput stale = in(UeEvent::response_2xx, c + 1);
  for (auto _ : st) benchmark::DoNotOptimize(m.handle(stale, 1));
  st.SetItemsProcessed(st.iterations());
}
BENCHMARK(BM_UeRejectedEvent);

// The branch-free formula the proofs use, evaluated concretely (all rows).
void BM_UeStepFormulaConcrete(benchmark::State& st) {
  std::uint32_t c = 0;
  UeMachine m = registered(c);
  UeFacts<Concrete> f{};
  f.event = ue_u8(UeEvent::send_request);
  f.conn = c;
  for (auto _ : st) {
    bool acc = false;
    benchmark::DoNotOptimize(ue_step<Concrete>(m.state(), f, kUeDefaultConfig, acc));
    benchmark::DoNotOptimize(acc);
  }
}
BENCHMARK(BM_UeStepFormulaConcrete);

}  // namespace

BENCHMARK_MAIN();
