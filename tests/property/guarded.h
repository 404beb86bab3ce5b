// Exactly-sized copies of test input that end right before an inaccessible
// page: a read of even one byte past the end faults (SIGSEGV) without ASan.
#pragma once

#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace annexo::prop {

class Guarded {
 public:
  explicit Guarded(const std::vector<std::uint8_t>& bytes) {
    const std::size_t page = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
    data_pages_ = (bytes.size() + page - 1) / page;
    if (data_pages_ == 0) data_pages_ = 1;
    total_ = (data_pages_ + 1) * page;
    void* m = mmap(nullptr, total_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED) std::abort();
    base_ = static_cast<std::uint8_t*>(m);
    if (mprotect(base_ + data_pages_ * page, page, PROT_NONE) != 0) std::abort();
    data_ = base_ + data_pages_ * page - bytes.size();
    if (!bytes.empty()) std::memcpy(data_, bytes.data(), bytes.size());
    size_ = bytes.size();
  }
  ~Guarded() { munmap(base_, total_); }
  Guarded(const Guarded&) = delete;
  Guarded& operator=(const Guarded&) = delete;

  const std::uint8_t* data() const { return data_; }
  std::size_t size() const { return size_; }
  // Is [p, p+n) inside the input?
  bool contains(const std::uint8_t* p, std::size_t n) const {
    if (n == 0) return true;  // empty views may point anywhere (incl. nullptr)
    return p >= data_ && p + n <= data_ + size_;
  }

 private:
  std::uint8_t* base_ = nullptr;
  std::uint8_t* data_ = nullptr;
  std::size_t size_ = 0;
  std::size_t total_ = 0;
  std::size_t data_pages_ = 0;
};

}  // namespace annexo::prop
