// A value read on every request and replaced now and then (a SIGHUP reload), with no
// lock and no reference count on the reading side.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <vector>

namespace bits::core {

/// Readers get the current snapshot with one atomic load (acquire); publish() makes a
/// new immutable snapshot current (release). A replaced snapshot is kept until the
/// holder is destroyed, so a reader may use what it read for as long as it likes: a
/// request in flight finishes with the snapshot it started with, and nothing is
/// counted or locked on the request path. Reloads are rare and snapshots small, so
/// keeping them costs less than reclaiming them safely would.
template <class T>
class published {
 public:
  explicit published(T first) { publish(std::move(first)); }
  published(published const&) = delete;
  published& operator=(published const&) = delete;

  /// The current snapshot; valid as long as this holder lives.
  [[nodiscard]] T const& get() const noexcept { return *current_.load(std::memory_order_acquire); }

  /// Makes `next` the current snapshot and returns it. Writers are serialised here.
  T const& publish(T next) {
    std::lock_guard lock(mu_);
    kept_.push_back(std::make_unique<T const>(std::move(next)));
    current_.store(kept_.back().get(), std::memory_order_release);
    return *kept_.back();
  }

 private:
  std::atomic<T const*> current_{nullptr};
  std::mutex mu_;                               ///< writers only
  std::vector<std::unique_ptr<T const>> kept_;  ///< every snapshot published; guarded by mu_
};

}  // namespace bits::core
