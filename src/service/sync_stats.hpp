// How far the background syncs of one virtual directory lag behind the bytes they
// protect, for monitoring (the power-loss window of sync_interval). Atomics: written by
// the maintenance thread, read by /metrics.
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>

namespace bits::service {

/// Milliseconds on the steady clock, the unit of session::dirty_ms.
[[nodiscard]] inline std::int64_t steady_ms() noexcept {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

struct sync_stats {
  /// Sessions whose bytes a background sync (or the shutdown flush) made durable.
  std::atomic<std::uint64_t> sessions_synced{0};
  /// Of the last pass that synced any session: the longest time one of its sessions had
  /// held unsynced bytes when the pass made them durable (ms).
  std::atomic<std::int64_t> last_lag_ms{0};
  /// The longest such time since the start (ms).
  std::atomic<std::int64_t> max_lag_ms{0};

  /// Records a pass that made `count` sessions durable, the worst after `lag_ms`.
  void record_pass(std::uint64_t count, std::int64_t lag_ms) noexcept {
    if (count == 0) return;
    sessions_synced.fetch_add(count, std::memory_order_relaxed);
    last_lag_ms.store(lag_ms, std::memory_order_relaxed);
    auto seen = max_lag_ms.load(std::memory_order_relaxed);
    while (lag_ms > seen && !max_lag_ms.compare_exchange_weak(seen, lag_ms)) {
    }
  }
};

/// A snapshot of sync_stats, in seconds.
struct sync_lag {
  std::uint64_t sessions_synced = 0;
  double last_s = 0;
  double max_s = 0;
};

}  // namespace bits::service
