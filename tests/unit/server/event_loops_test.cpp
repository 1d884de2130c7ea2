// Event loops: round-robin over every loop, each run by a thread of its own, run()
// returning once the main loop is out of work, stop() ending every loop.
#include "server/event_loops.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <thread>

namespace bits::server {
namespace {

namespace net = boost::asio;

TEST(EventLoops, NextDealsRoundRobinOverEveryLoop) {
  event_loops loops(3);
  ASSERT_EQ(loops.size(), 3u);
  std::set<net::io_context*> first_round;
  for (int i = 0; i < 3; ++i) first_round.insert(&loops.next());
  EXPECT_EQ(first_round.size(), 3u);
  EXPECT_TRUE(first_round.contains(&loops.main()));
  EXPECT_EQ(&loops.next(), &loops.main()) << "the fourth connection starts the next round";
}

TEST(EventLoops, EachLoopRunsOnItsOwnThreadUntilMainIsDone) {
  event_loops loops(3);
  std::mutex mu;
  std::set<std::thread::id> threads;
  std::atomic<int> ran{0};
  for (int i = 0; i < 3; ++i) {
    net::post(loops.next(), [&] {
      std::lock_guard lock(mu);
      threads.insert(std::this_thread::get_id());
      ++ran;
    });
  }
  // The main loop's work ends after the others' handlers had time to run.
  net::steady_timer t(loops.main(), std::chrono::milliseconds(100));
  t.async_wait([](boost::system::error_code) {});
  loops.run();
  EXPECT_EQ(ran.load(), 3);
  EXPECT_EQ(threads.size(), 3u);
}

TEST(EventLoops, StopEndsRunWithWorkPending) {
  event_loops loops(2);
  net::steady_timer never(loops.main(), std::chrono::hours(1));
  never.async_wait([](boost::system::error_code) {});
  net::steady_timer trigger(loops.main(), std::chrono::milliseconds(20));
  trigger.async_wait([&](boost::system::error_code) { loops.stop(); });
  auto const start = std::chrono::steady_clock::now();
  loops.run();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::minutes(1));
}

}  // namespace
}  // namespace bits::server
