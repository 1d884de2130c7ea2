// What the status page shows besides the open sessions: the last committed files and
// the errors of the last hour. Recorded from the request path into rings whose slots
// each have their own lock (a writer claims a slot with an atomic counter), so writers
// on different threads meet only when the ring wraps onto the same slot.
#pragma once

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

namespace bits::server {

/// An uploaded file as the status page lists it.
struct committed_file {
  std::int64_t at = 0;  ///< unix seconds
  std::string vdir;     ///< URL prefix
  std::string destination;
  std::string principal;  ///< empty = anonymous
  std::uint64_t bytes = 0;
  double commit_seconds = 0;
};

/// A request answered with an error (>= 400, except the 401 challenges of a login).
struct request_error {
  std::int64_t at = 0;  ///< unix seconds
  std::string remote;   ///< "address:port"
  std::string target;
  std::string packet;
  unsigned status = 0;
  std::string error_code;  ///< BITS-Error-Code, if any
  std::string cause;       ///< the server-side cause, if any
};

/// The last N entries of T, newest last. Thread-safe.
template <class T, std::size_t N>
class recent {
 public:
  void add(T value) {
    auto const n = next_.fetch_add(1, std::memory_order_relaxed);
    auto& s = slots_[n % N];
    std::lock_guard lock(s.mu);
    s.value = std::move(value);
    s.seq = n + 1;
  }

  /// The entries, oldest first (those being written at that moment may be missing).
  [[nodiscard]] std::vector<T> list() const {
    std::vector<std::pair<std::uint64_t, T>> found;
    for (auto const& s : slots_) {
      std::lock_guard lock(s.mu);
      if (s.seq != 0) found.emplace_back(s.seq, s.value);
    }
    std::sort(found.begin(), found.end(),
              [](auto const& a, auto const& b) { return a.first < b.first; });
    std::vector<T> out;
    out.reserve(found.size());
    for (auto& f : found) out.push_back(std::move(f.second));
    return out;
  }

 private:
  struct entry {
    mutable std::mutex mu;
    std::uint64_t seq = 0;  ///< 0 = empty
    T value;
  };
  std::atomic<std::uint64_t> next_{0};
  std::array<entry, N> slots_;
};

struct activity {
  recent<committed_file, 100> commits;
  recent<request_error, 500> errors;  ///< the page keeps those of the last hour
};

}  // namespace bits::server
