// When to try a failed delivery again: exponential backoff with jitter and a cap.
#pragma once

#include <chrono>
#include <cstdint>

namespace bits::hooks {

struct backoff_policy {
  /// Delay after the first failure.
  std::chrono::milliseconds initial{1000};
  /// Largest delay; reached after log2(max / initial) failures and kept from then on.
  std::chrono::milliseconds max{60000};
};

/// The delay after the `failures`-th failure in a row (1 = the first): initial *
/// 2^(failures-1), at most max, then scaled by a factor drawn uniformly from [0.5, 1]
/// (spread so that events that failed together do not all come back together, never
/// below half the step so the delay still grows). `random` is any 64-bit random value.
[[nodiscard]] std::chrono::milliseconds backoff_delay(backoff_policy const& p,
                                                      std::uint64_t failures,
                                                      std::uint64_t random) noexcept;

}  // namespace bits::hooks
