// Maintenance rounds; stop() reaches the timer through its own thread, the only one
// that touches it.
#include "server/maintenance_timer.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>

namespace bits::server {

namespace net = boost::asio;

void maintenance_timer::start() {
  net::co_spawn(thread_, rounds(), net::detached);
}

void maintenance_timer::stop() {
  if (joined_) return;
  joined_ = true;
  net::post(thread_, [this] {
    stopped_ = true;
    timer_.cancel();
  });
  thread_.join();
}

net::awaitable<void> maintenance_timer::rounds() {
  for (;;) {
    // Just after the next whole second of the clock that dates unsynced bytes (unix
    // seconds): a session is then synced at most sync_interval + 1 s after its first
    // unsynced byte, plus the time of the pass.
    auto const into = std::chrono::system_clock::now().time_since_epoch() % std::chrono::seconds(1);
    timer_.expires_after(std::chrono::seconds(1) - into + std::chrono::milliseconds(5));
    auto [ec] = co_await timer_.async_wait(net::as_tuple(net::use_awaitable));
    if (ec || stopped_) co_return;
    // On this thread (service::run_serially for stores that sync session by session).
    for (auto const& r : live_.get().routes.routes()) r.vdir->maintain();
  }
}

}  // namespace bits::server
