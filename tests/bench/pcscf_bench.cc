// P-CSCF core benchmarks (issue 4): per-event cost of the connection machine
// and insert/lookup/remove/flow-token resolution at 500 000 bindings.
// Run: bazel run -c opt //tests/bench:pcscf_bench
#include <benchmark/benchmark.h>

#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "core/binding_table.h"
#include "core/flow_token.h"
#include "core/pcscf_driver.h"
#include "core/pcscf_machine.h"

using namespace annexo::core;
using namespace annexo::core::pcscf;

namespace {

constexpr std::uint32_t kBindings = 500000;
constexpr std::uint32_t kChunks = kBindings * 4;  // typical UE: 4 chunks

ByteView bv(const std::string& s) {
  return ByteView(reinterpret_cast<const std::uint8_t*>(s.data()), s.size());
}

// ~40-byte identities, as the typical UE.
std::string impi_of(std::uint64_t i) {
  char b[64];
  std::snprintf(b, sizeof b, "user%010llu@ims.mnc001.mcc001.3gppnet.org",
                static_cast<unsigned long long>(i));
  return b;
}
std::string impu_of(std::uint64_t i, int k) {
  char b[64];
  std::snprintf(b, sizeof b, "sip:user%010llu-%d@ims.mnc001.mcc001.org",
                static_cast<unsigned long long>(i), k);
  return b;
}

struct Big {
  std::vector<Binding> rows;
  std::vector<std::uint32_t> index;
  std::vector<IdentityChunk> chunks;
  BindingTable table;
  std::vector<std::uint64_t> ids;
  Big() : rows(kBindings), index(binding_index_size_for(kBindings)), chunks(kChunks) {
    BindingStorage s{rows.data(),   kBindings,
                     index.data(),  static_cast<std::uint32_t>(index.size()),
                     chunks.data(), kChunks};
    if (table.init(s) != Error::ok) std::abort();
    std::mt19937_64 rng(1);
    for (std::uint32_t i = 0; i < kBindings; ++i) {
      const std::uint64_t id = rng() | 1;
      const std::string impi = impi_of(i);
      const std::string u[3] = {impu_of(i, 0), impu_of(i, 1), impu_of(i, 2)};
      const ByteView v[3] = {bv(u[0]), bv(u[1]), bv(u[2])};
      if (table.insert(id, ConnTuple{id, 0, id, 5060}, bv(impi), v, 3, nullptr) != Error::ok) {
        std::abort();
      }
      ids.push_back(id);
    }
  }
};

Big& big() {
  static Big b;
  return b;
}

void BM_TableLookup500k(benchmark::State& st) {
  Big& b = big();
  std::mt19937_64 rng(2);
  std::uint64_t sum = 0;
  for (auto _ : st) {
    const Binding* r = b.table.find(b.ids[rng() % kBindings]);
    sum += r->port;
  }
  benchmark::DoNotOptimize(sum);
  st.counters["bindings"] = b.table.size();
  st.counters["storage_MiB"] =
      static_cast<double>(binding_storage_bytes(kBindings, kChunks)) / (1024.0 * 1024.0);
}
BENCHMARK(BM_TableLookup500k);

void BM_TableRemoveInsert500k(benchmark::State& st) {
  Big& b = big();
  std::mt19937_64 rng(3);
  const std::string impi = impi_of(1), u0 = impu_of(1, 0), u1 = impu_of(1, 1), u2 = impu_of(1, 2);
  const ByteView v[3] = {bv(u0), bv(u1), bv(u2)};
  for (auto _ : st) {
    const std::size_t k = rng() % kBindings;
    const std::uint64_t old = b.ids[k];
    if (b.table.remove(old) != Error::ok) std::abort();
    const std::uint64_t id = rng() | 1;
    if (b.table.insert(id, ConnTuple{id, 0, id, 5060}, bv(impi), v, 3, nullptr) != Error::ok) {
      std::abort();
    }
    b.ids[k] = id;
  }
  st.counters["bindings"] = b.table.size();
}
BENCHMARK(BM_TableRemoveInsert500k);

void BM_FlowTokenResolve500k(benchmark::State& st) {
  // The product's path (RD-85): connection token -> verified connection id ->
  // the binding of that connection.
  Big& b = big();
  SipHashKey key{};
  std::vector<std::string> texts;
  std::mt19937_64 rng(4);
  for (int i = 0; i < 4096; ++i) {
    const FlowToken t = flow_token_for_conn(key, b.ids[rng() % kBindings]);
    char buf[kFlowTokenTextSize];
    if (flow_token_encode(t, buf, sizeof buf) != Error::ok) std::abort();
    texts.emplace_back(buf, sizeof buf);
  }
  std::size_t i = 0;
  std::uint64_t sum = 0;
  for (auto _ : st) {
    FlowToken t;
    if (flow_token_decode(key, bv(texts[i++ & 4095]), &t) != Error::ok) std::abort();
    const Binding* row = b.table.find(flow_token_conn_id(t));
    if (row == nullptr) std::abort();
    sum += row->conn_id;
  }
  benchmark::DoNotOptimize(sum);
}
BENCHMARK(BM_FlowTokenResolve500k);

RtState bound_state(const RtPolicy& p) {
  RtState s = initial_state<Concrete>(p, 0);
  s.state = static_cast<std::uint8_t>(State::bound);
  s.session = s.b_session = 7;
  s.port = s.b_port = 5060;
  s.ip_lo = s.b_ip_lo = 42;
  s.has_binding = true;
  s.impu[0] = s.impu[1] = s.impu[2] = true;
  s.default_impu = 0;
  s.session_expiry = 3600;
  s.reg_expiry = 7200;
  return s;
}

RtEvent request_event() {
  RtEvent e = make_event(EventKind::sip_request, 100);
  e.session = 7;
  e.port = 5060;
  e.ip_lo = 42;
  e.preferred_impu = 2;
  return e;
}

// One event through the runtime table: a request on a bound connection.
void BM_PcscfStepFast(benchmark::State& st) {
  const RtPolicy p = policy_of<Concrete>(PcscfConfig{});
  RtState s = bound_state(p);
  const RtEvent e = request_event();
  for (auto _ : st) {
    Outcome o = step_fast(p, s, e);
    benchmark::DoNotOptimize(o);
  }
}
BENCHMARK(BM_PcscfStepFast);

// The same event through the driver at 500 000 bindings (table lookups of
// the preferred identity and IMPI included).
void BM_PcscfDriveRequest500k(benchmark::State& st) {
  Big& b = big();
  const RtPolicy p = policy_of<Concrete>(PcscfConfig{});
  std::vector<PcscfConn> conns(1024);
  std::vector<std::string> prefs(1024);
  std::mt19937_64 rng(5);
  for (std::size_t i = 0; i < conns.size(); ++i) {
    const std::size_t k = rng() % kBindings;
    conns[i].conn_id = b.ids[k];
    conns[i].s = bound_state(p);
    conns[i].s.session = conns[i].s.b_session = b.ids[k];
    prefs[i] = impu_of(0, 2);
  }
  std::size_t i = 0;
  for (auto _ : st) {
    PcscfConn& c = conns[i++ & 1023];
    RtEvent e = request_event();
    e.session = c.s.session;
    EventIds ids;
    ids.preferred = bv(prefs[0]);
    Outcome o = pcscf_drive(p, b.table, c, e, ids);
    benchmark::DoNotOptimize(o);
  }
}
BENCHMARK(BM_PcscfDriveRequest500k);

// The formula form (every row evaluated with selects), as the proofs see it.
void BM_PcscfStepFormula(benchmark::State& st) {
  const RtPolicy p = policy_of<Concrete>(PcscfConfig{});
  const RtState s = bound_state(p);
  const RtEvent e = request_event();
  for (auto _ : st) {
    StepResult<Concrete> r = step<Concrete>(p, s, e);
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_PcscfStepFormula);

void BM_SipHash8(benchmark::State& st) {
  SipHashKey key{};
  std::uint8_t msg[8] = {1, 2, 3, 4, 5, 6, 7, 8};
  for (auto _ : st) {
    benchmark::DoNotOptimize(siphash24(key, msg, sizeof msg));
    msg[0]++;
  }
}
BENCHMARK(BM_SipHash8);

}  // namespace

BENCHMARK_MAIN();
