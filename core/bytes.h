// A read-only view of bytes (C++17 has no std::span). The core never owns
// or allocates buffers: callers pass views of their own storage.
#pragma once

#include <cstddef>
#include <cstdint>

namespace annexo::core {

struct ByteView {
  const std::uint8_t* data = nullptr;
  std::size_t size = 0;

  constexpr ByteView() = default;
  constexpr ByteView(const std::uint8_t* d, std::size_t n) : data(d), size(n) {}
  template <std::size_t N>
  constexpr ByteView(const std::uint8_t (&a)[N]) : data(a), size(N) {}

  constexpr bool empty() const { return size == 0; }
  constexpr std::uint8_t operator[](std::size_t i) const { return data[i]; }
  // Sub-view; the caller has checked bounds (the reader does, with errors).
  constexpr ByteView sub(std::size_t off, std::size_t n) const { return ByteView(data + off, n); }
};

constexpr bool equal(ByteView a, ByteView b) {
  if (a.size != b.size) return false;
  for (std::size_t i = 0; i < a.size; ++i) {
    if (a.data[i] != b.data[i]) return false;
  }
  return true;
}

}  // namespace annexo::core
