// Backoff delays.
#include "hooks/backoff.hpp"

#include <algorithm>

namespace bits::hooks {

std::chrono::milliseconds backoff_delay(backoff_policy const& p, std::uint64_t failures,
                                        std::uint64_t random) noexcept {
  auto const initial = static_cast<std::uint64_t>(std::max<std::int64_t>(p.initial.count(), 1));
  auto const cap =
      std::max(initial, static_cast<std::uint64_t>(std::max<std::int64_t>(p.max.count(), 0)));
  std::uint64_t step = initial;
  for (std::uint64_t i = 1; i < failures && step < cap; ++i) step = std::min(cap, step * 2);
  // Somewhere in [step/2, step].
  std::uint64_t const half = step / 2;
  std::uint64_t const jitter = random % (step - half + 1);
  return std::chrono::milliseconds(static_cast<std::int64_t>(half + jitter));
}

}  // namespace bits::hooks
