// The periodic work of every virtual directory (background syncs, expiry, tombstones),
// once a second: a coroutine with a steady_timer on a single-threaded pool of its own.
#pragma once

#include "server/live_config.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>

namespace bits::server {

class maintenance_timer {
 public:
  /// Runs service::upload_service::maintain of every directory served on a thread
  /// of its own: requests never queue behind thousands of background syncs. They are
  /// batched (one pass, two spool syncs) or, for stores that cannot, made one at a time:
  /// several per-session syncs in parallel forced journal commits that stalled Fragment
  /// writes on the I/O threads (scenario 3 of make bench: Fragment p99 36.9 ms instead
  /// of ~1-3 ms).
  /// The directories are those being served at each round (a removed one rests: its
  /// sessions neither expire nor are synced in the background until it is back).
  explicit maintenance_timer(live_config_cell const& live) : live_(live) {}
  maintenance_timer(maintenance_timer const&) = delete;
  maintenance_timer& operator=(maintenance_timer const&) = delete;
  ~maintenance_timer() { stop(); }

  /// Starts the once-a-second rounds.
  void start();

  /// Lets the round in progress finish, ends the rounds and joins the thread. Once;
  /// later calls do nothing.
  void stop();

 private:
  boost::asio::awaitable<void> rounds();

  live_config_cell const& live_;
  boost::asio::thread_pool thread_{1};
  boost::asio::steady_timer timer_{thread_};  ///< used on thread_ only
  bool stopped_ = false;                      ///< used on thread_ only
  bool joined_ = false;                       ///< used by the owner's thread
};

}  // namespace bits::server
