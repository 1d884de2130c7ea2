// run_blocking: the call runs on the pool, the coroutine resumes on its own loop with
// the result, and an exception reaches the awaiting coroutine there.
#include "server/run_blocking.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>

#include <gtest/gtest.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <thread>

namespace bits::server {
namespace {

namespace net = boost::asio;

TEST(RunBlocking, RunsOnThePoolAndResumesOnTheLoop) {
  net::io_context loop;
  net::thread_pool pool(1);
  std::thread::id loop_thread;
  std::thread::id call_thread;
  std::thread::id resumed_thread;
  std::unique_ptr<std::string> result;
  net::co_spawn(
      loop,
      [&]() -> net::awaitable<void> {
        loop_thread = std::this_thread::get_id();
        // A move-only result comes back whole.
        result = co_await run_blocking(pool.get_executor(), [&] {
          call_thread = std::this_thread::get_id();
          return std::make_unique<std::string>("done");
        });
        resumed_thread = std::this_thread::get_id();
      },
      net::detached);
  loop.run();
  pool.join();
  ASSERT_NE(result, nullptr);
  EXPECT_EQ(*result, "done");
  EXPECT_NE(call_thread, loop_thread) << "the blocking call ran on the event loop";
  EXPECT_EQ(resumed_thread, loop_thread) << "the coroutine did not come back to its loop";
}

TEST(RunBlocking, ExceptionReachesTheAwaitingCoroutineOnItsLoop) {
  net::io_context loop;
  net::thread_pool pool(1);
  std::string caught;
  std::thread::id loop_thread;
  std::thread::id catch_thread;
  net::co_spawn(
      loop,
      [&]() -> net::awaitable<void> {
        loop_thread = std::this_thread::get_id();
        try {
          (void)co_await run_blocking(pool.get_executor(),
                                      []() -> int { throw std::runtime_error("disk on fire"); });
        } catch (std::runtime_error const& e) {
          caught = e.what();
          catch_thread = std::this_thread::get_id();
        }
      },
      net::detached);
  loop.run();
  pool.join();
  EXPECT_EQ(caught, "disk on fire");
  EXPECT_EQ(catch_thread, loop_thread) << "the exception was handled off the loop";
}

}  // namespace
}  // namespace bits::server
