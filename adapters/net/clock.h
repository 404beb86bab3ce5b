// The only clock annexo reads. The core takes time as an argument (core/domain.h
// Seconds, a uint32_t that may wrap); this is where that argument comes from.
#pragma once

#include <chrono>
#include <cstdint>

#include "core/domain.h"

namespace annexo::net {

// CLOCK_MONOTONIC in whole seconds, reduced mod 2^32. Monotonic, so a wall-clock
// step (NTP, an operator) never expires or extends a TLS session binding; the
// wrap after ~136 years of uptime is harmless because the core compares times
// with serial-number arithmetic (core::time_reached).
core::Seconds monotonic_seconds();

// The same clock in milliseconds (64 bits, no wrap), for poll timeouts and
// measurements only — never fed to the core.
std::uint64_t monotonic_millis();

// Wall-clock time, for one purpose only: the validity period of X.509
// certificates (RFC 5280 6.1.3), which is defined in UTC.
std::chrono::system_clock::time_point wall_clock_now();

}  // namespace annexo::net
