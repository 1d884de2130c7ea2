// A few threads that run fdatasync(2) for the sink, so that one connection's sync never
// stalls the event loop that serves the others (the disk can take several at once).
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace bits::bench {

class sync_pool {
 public:
  /// Starts `threads` threads (at least one).
  explicit sync_pool(unsigned threads);
  /// Runs the jobs already queued, then joins the threads.
  ~sync_pool();
  sync_pool(sync_pool const&) = delete;
  sync_pool& operator=(sync_pool const&) = delete;

  /// Queues `job`; it runs on one of the pool's threads. Thread-safe.
  void submit(std::function<void()> job);

 private:
  void run();

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> jobs_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace bits::bench
