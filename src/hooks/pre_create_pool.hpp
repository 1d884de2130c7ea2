// Pre-create hook calls off the network threads: a pool of its own threads (a hook may
// take its whole time limit; it must not hold up the disk work of other requests), a
// bound on the calls waiting, and an Asio-style initiating function so a connection
// coroutine can `co_await async_pre_create(pool, hook, event, mode, use_awaitable)`.
#pragma once

#include "hooks/pre_create.hpp"

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>

#include <atomic>
#include <cstddef>
#include <functional>
#include <memory>

namespace bits::hooks {

struct pre_create_pool_options {
  /// Hook calls running at once.
  unsigned threads = 4;
  /// Calls running or waiting at once; one more is decided at once by its failure
  /// mode (a hook that is slow for everyone must not pile up requests without end).
  std::size_t max_calls = 256;
};

class pre_create_pool {
 public:
  using completion = std::function<void(pre_create_decision)>;

  explicit pre_create_pool(pre_create_pool_options options);
  /// Waits for the calls submitted so far to finish (each within its time limit).
  ~pre_create_pool();
  pre_create_pool(pre_create_pool const&) = delete;
  pre_create_pool& operator=(pre_create_pool const&) = delete;

  /// Runs run_pre_create(*h, e, mode) on a pool thread and calls `done` there with the
  /// decision. When max_calls are already running or waiting, calls `done` at once on
  /// the calling thread with what `mode` decides for a hook that cannot answer.
  void submit(std::shared_ptr<hook> h, event e, failure_mode mode, completion done);

  /// Calls running or waiting now.
  [[nodiscard]] std::size_t calls() const noexcept { return calls_.load(); }

 private:
  pre_create_pool_options options_;
  std::atomic<std::size_t> calls_{0};
  boost::asio::thread_pool pool_;
};

/// Asio initiating function of pre_create_pool::submit: completes with
/// void(pre_create_decision) on the token's associated executor (the caller's strand
/// or coroutine), never on a pool thread.
template <class Token>
auto async_pre_create(pre_create_pool& pool, std::shared_ptr<hook> h, event e, failure_mode mode,
                      Token&& token) {
  auto initiate = [&pool](auto handler, std::shared_ptr<hook> hk, event ev, failure_mode m) {
    auto work = boost::asio::make_work_guard(boost::asio::get_associated_executor(handler));
    using state = std::pair<decltype(handler), decltype(work)>;
    // std::function needs a copyable callable; the handler is move-only.
    auto held = std::make_shared<state>(std::move(handler), std::move(work));
    pool.submit(std::move(hk), std::move(ev), m, [held](pre_create_decision d) {
      auto ex = held->second.get_executor();
      boost::asio::post(ex, [held, d = std::move(d)]() mutable {
        auto handler_now = std::move(held->first);
        held->second.reset();
        std::move(handler_now)(std::move(d));
      });
    });
  };
  return boost::asio::async_initiate<Token, void(pre_create_decision)>(
      initiate, token, std::move(h), std::move(e), mode);
}

}  // namespace bits::hooks
