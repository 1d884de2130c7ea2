// Which failures are worth retrying, and how long to wait: exponential backoff with
// jitter, bounded by a no-progress budget (BITS' minimum retry delay and no-progress
// timeout, reference 4.6, scaled from days to minutes for a command-line tool).
#pragma once

#include "client/clock.hpp"

#include <boost/system/error_code.hpp>

#include <chrono>
#include <cstdint>
#include <optional>

namespace bits::client {

/// Reference 4.6: 3xx transient except 300-305 and 307; 4xx fatal except 408, 409 (and
/// 429, which asks to come back later); 5xx transient except 501 and 505; anything
/// else transient.
[[nodiscard]] bool is_transient_status(unsigned status) noexcept;

/// Transient transport failures (refused, reset, timeouts, ...); see net/curl_error.hpp.
[[nodiscard]] bool is_transient_error(boost::system::error_code const& ec) noexcept;

struct retry_settings {
  /// Give up when failures continue for this long without progress in between.
  std::chrono::milliseconds retry_for = std::chrono::minutes(5);
  /// Delay before the first retry; doubled after each further failure.
  std::chrono::milliseconds first_delay = std::chrono::seconds(1);
  /// Ceiling of the delay.
  std::chrono::milliseconds max_delay = std::chrono::seconds(30);
};

/// Tracks one run of consecutive failures. progress() ends the run.
class retry_tracker {
 public:
  retry_tracker(retry_settings settings, clock& clk, std::uint64_t seed);

  /// Records a failure now. Returns the delay to wait before the next attempt, or empty
  /// when the budget is spent (retry_for has passed since the first failure of the run);
  /// a delay that would overshoot the budget is shortened so the last attempt happens
  /// at its end. The delay is "equal jitter": half of the
  /// exponential step plus a random part of the other half, so clients that failed
  /// together do not come back together.
  [[nodiscard]] std::optional<clock::duration> next_delay();

  /// Something worked: the next failure starts a new run with the first delay.
  void progress() noexcept;

  /// Failures recorded since construction (the retries of the summary).
  [[nodiscard]] std::uint32_t total_failures() const noexcept { return total_; }
  /// Failures of the current run.
  [[nodiscard]] std::uint32_t run_failures() const noexcept { return run_; }
  [[nodiscard]] retry_settings const& settings() const noexcept { return settings_; }

 private:
  std::uint64_t random() noexcept;

  retry_settings settings_;
  clock& clock_;
  std::uint64_t rng_;
  std::optional<clock::time_point> run_start_;
  std::uint32_t run_ = 0;
  std::uint32_t total_ = 0;
};

}  // namespace bits::client
