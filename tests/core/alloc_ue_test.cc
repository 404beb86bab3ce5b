// Zero heap allocations across every UE entry point: global operator new and
// malloc/calloc/realloc are counted while the UE code runs.
#include <cstddef>
#include <cstdlib>
#include <new>

#include <catch2/catch.hpp>

#include "core/access_selection.h"
#include "core/ue_machine.h"
#include "tests/core/ue_test_util.h"

extern "C" void* __libc_malloc(std::size_t);
extern "C" void* __libc_calloc(std::size_t, std::size_t);
extern "C" void* __libc_realloc(void*, std::size_t);
extern "C" void __libc_free(void*);

namespace {
bool g_counting = false;
std::size_t g_allocs = 0;
}  // namespace

extern "C" void* malloc(std::size_t n) {
  if (g_counting) ++g_allocs;
  return __libc_malloc(n);
}
extern "C" void* calloc(std::size_t a, std::size_t b) {
  if (g_counting) ++g_allocs;
  return __libc_calloc(a, b);
}
extern "C" void* realloc(void* p, std::size_t n) {
  if (g_counting) ++g_allocs;
  return __libc_realloc(p, n);
}
extern "C" void free(void* p) {
  __libc_free(p);
}

void* operator new(std::size_t n) {
  if (g_counting) ++g_allocs;
  void* p = __libc_malloc(n == 0 ? 1 : n);
  if (p == nullptr) throw std::bad_alloc();
  return p;
}
void* operator new[](std::size_t n) {
  return operator new(n);
}
void operator delete(void* p) noexcept {
  __libc_free(p);
}
void operator delete[](void* p) noexcept {
  __libc_free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  __libc_free(p);
}
void operator delete[](void* p, std::size_t) noexcept {
  __libc_free(p);
}

using namespace annexo::core;
using namespace annexo::core::uetest;

TEST_CASE("UE-IMPL-TABLE-DENY: the UE machine and access selection never allocate") {
  // The counter itself works (the test can fail).
  g_counting = true;
  void* probe = std::malloc(16);
  g_counting = false;
  std::free(probe);
  REQUIRE(g_allocs == 1);
  g_allocs = 0;

  std::uint32_t sink = 0;
  g_counting = true;
  {
    sink += static_cast<std::uint32_t>(check_ue_config(kUeDefaultConfig));
    sink += static_cast<std::uint32_t>(select_access_security(non3gpp_tls(), true).mechanism);
    UeMachine m;
    const auto c = register_tls_first(m, 0);
    sink += m.handle(ev(UeEvent::send_request, c), 1).outputs.count;
    sink += m.handle(ev(UeEvent::hello_request, c), 2).outputs.count;
    sink += m.handle(cert(c), 2).outputs.count;
    sink += m.handle(with_keepalive(ev(UeEvent::reneg_done, c), 100), 2).outputs.count;
    for (int i = 0; i < 50; ++i) {
      const UeDeadline d = m.next_deadline();
      const UeResult r = m.tick(d.at);
      sink += r.outputs.count;
      if (m.state().pong_armed) {
        sink += m.handle(with_keepalive(ev(UeEvent::pong_received, m.state().conn), 100), d.at)
                    .outputs.count;
      }
      if (m.state_id() == UeStateId::reregistering) {
        sink += m.handle(r2xx(m.state().conn), d.at).outputs.count;
      }
    }
    sink += m.handle(ev(UeEvent::connection_lost, m.state().conn), 9000).outputs.count;
    sink += m.handle(ev(UeEvent::handshake_done, 12345), 9000).outputs.count;  // rejected
    sink += m.handle(start(), 9001).outputs.count;
    sink += m.handle(cert(m.state().conn, Error::ue_registration_failed), 9002).outputs.count;
    UeState<Concrete> s = m.state();
    UeFacts<Concrete> f{};
    f.event = ue_u8(UeEvent::stop);
    bool acc = false;
    s = ue_step<Concrete>(s, f, kUeDefaultConfig, acc);
    sink += check_invariants<Concrete>(s) ? 1u : 0u;
  }
  g_counting = false;
  REQUIRE(sink > 0);
  REQUIRE(g_allocs == 0);
}
