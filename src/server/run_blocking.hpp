// Runs a blocking call (disk I/O, a password hash, an upload-reply notification) on a
// thread pool and resumes the awaiting coroutine on its own executor with the result, so
// the event loop keeps serving every other connection meanwhile.
#pragma once

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <exception>
#include <optional>
#include <type_traits>
#include <utility>

namespace bits::server {

/// `co_await run_blocking(pool, f)`: f() runs on a thread of `pool`; its result, or the
/// exception it threw, comes back on the awaiting coroutine's executor. Whatever `f`
/// refers to must outlive the call (the awaiting coroutine's frame does).
template <class Executor, class F>
boost::asio::awaitable<std::invoke_result_t<F&>> run_blocking(Executor pool, F f) {
  namespace net = boost::asio;
  using value_type = std::invoke_result_t<F&>;
  using outcome = std::optional<value_type>;
  auto initiate = [pool](auto handler, F fn) {
    net::post(pool, [handler = std::move(handler), fn = std::move(fn)]() mutable {
      std::exception_ptr error;
      outcome value;
      try {
        value.emplace(fn());
      } catch (...) {
        error = std::current_exception();
      }
      auto const home = net::get_associated_executor(handler);
      net::post(home, [handler = std::move(handler), error, value = std::move(value)]() mutable {
        std::move(handler)(error, std::move(value));
      });
    });
  };
  outcome got = co_await net::async_initiate<decltype(net::use_awaitable) const,
                                             void(std::exception_ptr, outcome)>(
      initiate, net::use_awaitable, std::move(f));
  co_return std::move(*got);
}

}  // namespace bits::server
