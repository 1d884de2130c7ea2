// Body buffers for Fragment streaming, pooled: a connection holds one only while it
// reads a body, so idle connections cost no buffer memory.
#pragma once

#include <cstddef>
#include <memory>

namespace bits::server {

/// Size of one body buffer: large reads mean few syscalls per fragment.
inline constexpr std::size_t body_buffer_size = 256 * 1024;

class pooled_buffer {
 public:
  pooled_buffer() = default;
  explicit pooled_buffer(std::unique_ptr<std::byte[]> b) noexcept : b_(std::move(b)) {}
  pooled_buffer(pooled_buffer&&) noexcept = default;
  pooled_buffer& operator=(pooled_buffer&&) noexcept = default;
  ~pooled_buffer();

  [[nodiscard]] std::byte* data() const noexcept { return b_.get(); }
  [[nodiscard]] static constexpr std::size_t size() noexcept { return body_buffer_size; }

 private:
  std::unique_ptr<std::byte[]> b_;
};

/// A buffer from the pool (or a new one). Thread-safe.
[[nodiscard]] pooled_buffer acquire_body_buffer();

}  // namespace bits::server
