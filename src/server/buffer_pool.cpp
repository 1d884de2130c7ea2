// A small mutex-guarded free list; at most `keep` idle buffers are kept.
#include "server/buffer_pool.hpp"

#include <mutex>
#include <vector>

namespace bits::server {

namespace {

constexpr std::size_t keep = 64;

struct pool {
  std::mutex mu;
  std::vector<std::unique_ptr<std::byte[]>> free;
};

pool& the_pool() {
  static pool p;
  return p;
}

}  // namespace

pooled_buffer::~pooled_buffer() {
  if (!b_) return;
  auto& p = the_pool();
  std::lock_guard lock(p.mu);
  if (p.free.size() < keep) p.free.push_back(std::move(b_));
}

pooled_buffer acquire_body_buffer() {
  auto& p = the_pool();
  {
    std::lock_guard lock(p.mu);
    if (!p.free.empty()) {
      auto b = std::move(p.free.back());
      p.free.pop_back();
      return pooled_buffer(std::move(b));
    }
  }
  return pooled_buffer(std::make_unique_for_overwrite<std::byte[]>(body_buffer_size));
}

}  // namespace bits::server
