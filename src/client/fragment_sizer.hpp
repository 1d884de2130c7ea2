// How many bytes the next Fragment carries. Fixed when the user says so; otherwise
// adaptive: start at 64 KiB, double while a full fragment takes under half the target
// time (1 s), halve when one takes over four times the target, stay within
// [64 KiB, 13 MiB]. A 413 halves the size and caps it for the rest of the job, never
// below 5 KiB (reference 4.6, 13).
#pragma once

#include <chrono>
#include <cstdint>

namespace bits::client {

class fragment_sizer {
 public:
  static constexpr std::uint64_t minimum = 5 * 1024;                   ///< floor after 413
  static constexpr std::uint64_t adaptive_start = 64 * 1024;           ///< first fragment
  static constexpr std::uint64_t adaptive_floor = 64 * 1024;           ///< floor when slow
  static constexpr std::uint64_t adaptive_ceiling = 13 * 1024 * 1024;  ///< Windows' maximum
  static constexpr std::chrono::milliseconds target{1000};

  /// `fixed` = 0: adaptive. Otherwise every fragment has `fixed` bytes (at least the
  /// minimum) until a 413 shrinks it.
  explicit fragment_sizer(std::uint64_t fixed = 0) noexcept;

  /// Size of the next fragment (the caller clips it to the bytes left).
  [[nodiscard]] std::uint64_t next() const noexcept { return size_; }

  /// A fragment of `bytes` was acknowledged after `took`. Only full-size fragments
  /// steer the adaptive size; fixed sizes never change here.
  void on_acknowledged(std::uint64_t bytes, std::chrono::microseconds took) noexcept;

  /// The server answered 413 to a fragment of `attempted` bytes: halve (not below the
  /// minimum) and never grow past the new size again. False when `attempted` was
  /// already the minimum: nothing smaller can be tried.
  [[nodiscard]] bool on_too_large(std::uint64_t attempted) noexcept;

  [[nodiscard]] bool adaptive() const noexcept { return adaptive_; }

 private:
  bool adaptive_;
  std::uint64_t size_;
  std::uint64_t cap_;
};

}  // namespace bits::client
