// Shared by every fuzz target: BITS_FUZZ_CHECK, which turns a violated property into an
// abort that libFuzzer and the corpus replay both report with the input that caused it,
// and fuzz_input, a cursor that turns the fuzzer's bytes into numbers, flags and text.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

/// Aborts with the failed condition and its place when `cond` is false. Always on
/// (NDEBUG does not remove it): a fuzz target without its checks finds only crashes.
#define BITS_FUZZ_CHECK(cond)                                                            \
  do {                                                                                   \
    if (!(cond)) {                                                                       \
      std::fprintf(stderr, "%s:%d: property violated: %s\n", __FILE__, __LINE__, #cond); \
      std::fflush(stderr);                                                               \
      std::abort();                                                                      \
    }                                                                                    \
  } while (false)

namespace bits::fuzz {

/// Reads the fuzzer's bytes front to back. Past the end every read gives zeros, so a
/// target never needs to check the length before decoding a field.
class fuzz_input {
 public:
  fuzz_input(std::uint8_t const* data, std::size_t size) noexcept : data_(data), size_(size) {}

  [[nodiscard]] bool empty() const noexcept { return pos_ >= size_; }
  [[nodiscard]] std::size_t remaining() const noexcept { return empty() ? 0 : size_ - pos_; }

  [[nodiscard]] std::uint8_t u8() noexcept { return empty() ? 0 : data_[pos_++]; }

  /// `bytes` little-endian bytes (at most 8) as an unsigned number.
  [[nodiscard]] std::uint64_t number(unsigned bytes) noexcept {
    std::uint64_t v = 0;
    for (unsigned i = 0; i < bytes && i < 8; ++i) v |= std::uint64_t{u8()} << (8u * i);
    return v;
  }
  [[nodiscard]] std::uint16_t u16() noexcept { return static_cast<std::uint16_t>(number(2)); }
  [[nodiscard]] std::uint32_t u32() noexcept { return static_cast<std::uint32_t>(number(4)); }
  [[nodiscard]] std::uint64_t u64() noexcept { return number(8); }
  [[nodiscard]] bool flag() noexcept { return (u8() & 1u) != 0; }

  /// A number in [0, n); 0 when n is 0.
  [[nodiscard]] std::uint64_t below(std::uint64_t n) noexcept {
    if (n == 0) return 0;
    unsigned const width = n <= 0x100 ? 1 : n <= 0x10000 ? 2 : n <= 0x100000000 ? 4 : 8;
    return number(width) % n;
  }

  /// The next `n` bytes as text, fewer at the end of the input.
  [[nodiscard]] std::string_view text(std::size_t n) noexcept {
    n = n < remaining() ? n : remaining();
    std::string_view const out(reinterpret_cast<char const*>(data_) + pos_, n);
    pos_ += n;
    return out;
  }

  /// Text whose length comes first (one byte, so at most 255).
  [[nodiscard]] std::string_view short_text() noexcept { return text(u8()); }

  /// Everything left.
  [[nodiscard]] std::string_view rest() noexcept { return text(remaining()); }

 private:
  std::uint8_t const* data_;
  std::size_t size_;
  std::size_t pos_ = 0;
};

/// The fuzzer's bytes as one string.
[[nodiscard]] inline std::string_view as_text(std::uint8_t const* data, std::size_t size) noexcept {
  return {reinterpret_cast<char const*>(data), size};
}

}  // namespace bits::fuzz
