#include "tests/support/req.h"

namespace annexo::req {
namespace {

std::vector<std::pair<std::string, bool>>& notes() {
  static std::vector<std::pair<std::string, bool>> n;
  return n;
}

const char*& current_id() {
  static const char* id = nullptr;
  return id;
}

}  // namespace

void note(const char* id, bool held) {
  notes().emplace_back(id, held);
}

std::vector<std::pair<std::string, bool>> take() {
  std::vector<std::pair<std::string, bool>> out;
  out.swap(notes());
  return out;
}

const char* current() {
  return current_id();
}

Scope::Scope(const char* id) : previous_(current_id()) {
  current_id() = id;
}
Scope::~Scope() {
  current_id() = previous_;
}

}  // namespace annexo::req
