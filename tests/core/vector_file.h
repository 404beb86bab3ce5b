// Loads a captured test vector (tests/vectors/README.md) from the runfiles.
#pragma once

#include <cstdint>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <vector>

namespace annexo::test {

inline std::vector<std::uint8_t> load_vector(const std::string& name) {
  const std::string path = "tests/vectors/" + name;
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open test vector " + path);
  return std::vector<std::uint8_t>(std::istreambuf_iterator<char>(in), {});
}

}  // namespace annexo::test
