#include "adapters/net/clock.h"

#include <time.h>

namespace annexo::net {

core::Seconds monotonic_seconds() {
  timespec ts{};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<core::Seconds>(static_cast<std::uint64_t>(ts.tv_sec) & 0xFFFFFFFFu);
}

std::uint64_t monotonic_millis() {
  timespec ts{};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::uint64_t>(ts.tv_sec) * 1000u +
         static_cast<std::uint64_t>(ts.tv_nsec) / 1000000u;
}

std::chrono::system_clock::time_point wall_clock_now() {
  return std::chrono::system_clock::now();
}

}  // namespace annexo::net
