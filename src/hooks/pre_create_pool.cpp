// pre_create_pool on an asio::thread_pool with a call counter.
#include "hooks/pre_create_pool.hpp"

#include <algorithm>

namespace bits::hooks {

pre_create_pool::pre_create_pool(pre_create_pool_options options)
    : options_(options), pool_(std::max(1U, options.threads)) {}

pre_create_pool::~pre_create_pool() {
  pool_.join();  // not stop(): a submitted call always gets its completion
}

void pre_create_pool::submit(std::shared_ptr<hook> h, event e, failure_mode mode, completion done) {
  if (calls_.fetch_add(1) >= options_.max_calls) {
    calls_.fetch_sub(1);
    hook_result busy;
    busy.detail = "too many pre-create hook calls waiting";
    done(decide_pre_create(busy, mode));
    return;
  }
  boost::asio::post(
      pool_, [this, h = std::move(h), e = std::move(e), mode, done = std::move(done)]() mutable {
        auto decision = run_pre_create(*h, e, mode);
        calls_.fetch_sub(1);
        done(std::move(decision));
      });
}

}  // namespace bits::hooks
