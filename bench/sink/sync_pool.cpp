// The sink's sync threads: a mutex-guarded queue, nothing more.
#include "sink/sync_pool.hpp"

namespace bits::bench {

sync_pool::sync_pool(unsigned threads) {
  for (unsigned i = 0; i < (threads == 0 ? 1 : threads); ++i)
    threads_.emplace_back([this] { run(); });
}

sync_pool::~sync_pool() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  for (auto& t : threads_) t.join();
}

void sync_pool::submit(std::function<void()> job) {
  {
    std::lock_guard lock(mu_);
    jobs_.push_back(std::move(job));
  }
  cv_.notify_one();
}

void sync_pool::run() {
  std::unique_lock lock(mu_);
  for (;;) {
    cv_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
    if (jobs_.empty()) return;  // stopping, and nothing left to do
    auto job = std::move(jobs_.front());
    jobs_.pop_front();
    lock.unlock();
    job();
    lock.lock();
  }
}

}  // namespace bits::bench
