// Time for the jobs: now() and an interruptible sleep, behind an interface so that the
// unit tests run backoff and fallback timers on a fake clock without waiting.
#pragma once

#include <chrono>
#include <stop_token>

namespace bits::client {

class clock {
 public:
  using duration = std::chrono::steady_clock::duration;
  using time_point = std::chrono::steady_clock::time_point;

  virtual ~clock() = default;
  [[nodiscard]] virtual time_point now() = 0;
  /// Sleeps for `d` or until `stop` is requested; returns false when stopped.
  virtual bool sleep_for(duration d, std::stop_token const& stop) = 0;
};

/// std::chrono::steady_clock and a condition-variable wait that wakes on stop.
class system_clock final : public clock {
 public:
  [[nodiscard]] time_point now() override { return std::chrono::steady_clock::now(); }
  bool sleep_for(duration d, std::stop_token const& stop) override;
};

/// The process-wide system_clock.
[[nodiscard]] clock& default_clock() noexcept;

}  // namespace bits::client
