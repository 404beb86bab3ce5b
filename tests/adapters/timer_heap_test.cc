// adapters/net/timer_heap.h: the pcscf's connection deadlines (issue 15),
// checked against a brute-force model that scans every id.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <vector>

#include "adapters/net/timer_heap.h"

using annexo::core::Seconds;
using annexo::net::Timer_Heap;

TEST_CASE("Timer_Heap: earliest first, equal deadlines by id") {
  Timer_Heap h;
  CHECK(!h.next());
  h.set(7, 30);
  h.set(3, 10);
  h.set(5, 20);
  h.set(4, 10);
  CHECK(h.next() == std::optional<Seconds>(10));
  CHECK(h.pop_due(9).empty());
  CHECK(h.pop_due(10) == std::vector<std::uint64_t>{3, 4});
  CHECK(h.next() == std::optional<Seconds>(20));
  CHECK(h.pop_due(100) == std::vector<std::uint64_t>{5, 7});
  CHECK(!h.next());
  CHECK(h.live() == 0);
}

TEST_CASE("Timer_Heap: a moved deadline leaves its old entry stale") {
  Timer_Heap h;
  h.set(1, 10);
  h.set(2, 15);
  h.set(1, 50);  // later: the entry at 10 is stale
  CHECK(h.next() == std::optional<Seconds>(15));
  CHECK(h.pop_due(20) == std::vector<std::uint64_t>{2});
  h.set(1, 5);  // earlier again
  CHECK(h.next() == std::optional<Seconds>(5));
  CHECK(h.pop_due(5) == std::vector<std::uint64_t>{1});
  CHECK(h.pop_due(1000).empty());  // the entry at 50 was stale too
  h.set(1, 60);
  h.set(1, 60);  // unchanged: no new entry
  CHECK(h.live() == 1);
}

TEST_CASE("Timer_Heap: removal and re-adding") {
  Timer_Heap h;
  h.set(1, 10);
  h.set(2, 10);
  h.remove(1);
  h.remove(99);  // never set: nothing happens
  CHECK(h.pop_due(10) == std::vector<std::uint64_t>{2});
  CHECK(!h.next());
  h.set(1, 12);
  h.set(1, std::nullopt);
  CHECK(!h.next());
  h.set(1, 11);
  CHECK(h.pop_due(11) == std::vector<std::uint64_t>{1});
}

TEST_CASE("Timer_Heap: wrap-around of the seconds clock") {
  Timer_Heap h;
  h.set(1, 3u);
  h.set(2, 0xFFFFFFFEu);
  CHECK(h.next() == std::optional<Seconds>(0xFFFFFFFEu));
  CHECK(h.pop_due(0xFFFFFFFFu) == std::vector<std::uint64_t>{2});
  CHECK(h.pop_due(2u).empty());
  CHECK(h.pop_due(3u) == std::vector<std::uint64_t>{1});
}

TEST_CASE("Timer_Heap: stale entries stay bounded by the live ones") {
  Timer_Heap h;
  for (Seconds t = 0; t < 100000; ++t) h.set(1, t + 1000);
  CHECK(h.live() == 1);
  CHECK(h.entries() <= 2 * h.live() + 64);
  CHECK(h.next() == std::optional<Seconds>(100999));
}

TEST_CASE("Timer_Heap: random operations agree with a scan of every id") {
  std::mt19937 rng(15);
  for (int run = 0; run < 50; ++run) {
    Timer_Heap h;
    std::map<std::uint64_t, Seconds> model;
    Seconds now = 1000;
    for (int step = 0; step < 2000; ++step) {
      const std::uint64_t id = rng() % 40;
      switch (rng() % 4) {
        case 0:
        case 1: {
          const Seconds at = now + static_cast<Seconds>(rng() % 30);
          h.set(id, at);
          model[id] = at;
          break;
        }
        case 2:
          h.remove(id);
          model.erase(id);
          break;
        default: {
          now += static_cast<Seconds>(rng() % 5);
          std::vector<std::pair<Seconds, std::uint64_t>> want;
          for (const auto& [i, at] : model)
            if (annexo::core::time_reached(now, at)) want.emplace_back(at, i);
          std::sort(want.begin(), want.end());
          std::vector<std::uint64_t> ids;
          for (const auto& w : want) {
            ids.push_back(w.second);
            model.erase(w.second);
          }
          REQUIRE(h.pop_due(now) == ids);
        }
      }
      std::optional<Seconds> first;
      for (const auto& [i, at] : model)
        if (!first || at < *first) first = at;
      REQUIRE(h.next() == first);
      REQUIRE(h.live() == model.size());
    }
  }
}
