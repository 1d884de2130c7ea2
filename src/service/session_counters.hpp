// How the sessions of one virtual directory ended, counted for monitoring. Atomics:
// counting never takes a lock on the request path.
#pragma once

#include <atomic>
#include <cstdint>

namespace bits::service {

/// A snapshot of session_counters. Every value only grows while the server runs.
struct session_counts {
  std::uint64_t created = 0;    ///< Create-Session answered 200
  std::uint64_t committed = 0;  ///< uploads completed (published, or handed to the application)
  std::uint64_t cancelled = 0;  ///< open sessions ended by Cancel-Session
  std::uint64_t expired = 0;    ///< sessions removed after session_timeout
  std::uint64_t evicted = 0;    ///< idle sessions removed to admit a new one

  friend bool operator==(session_counts const&, session_counts const&) = default;
};

struct session_counters {
  std::atomic<std::uint64_t> created{0};
  std::atomic<std::uint64_t> committed{0};
  std::atomic<std::uint64_t> cancelled{0};
  std::atomic<std::uint64_t> expired{0};
  std::atomic<std::uint64_t> evicted{0};

  /// Adds one to `counter` (relaxed: each counter is independent of the others).
  static void bump(std::atomic<std::uint64_t>& counter) noexcept {
    counter.fetch_add(1, std::memory_order_relaxed);
  }

  /// The values now; each is exact, the set of them not taken at one instant.
  [[nodiscard]] session_counts load() const noexcept {
    return {created.load(std::memory_order_relaxed), committed.load(std::memory_order_relaxed),
            cancelled.load(std::memory_order_relaxed), expired.load(std::memory_order_relaxed),
            evicted.load(std::memory_order_relaxed)};
  }
};

}  // namespace bits::service
