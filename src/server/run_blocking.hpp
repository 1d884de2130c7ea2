// Runs a blocking call (disk I/O, a password hash, an upload-reply notification) on a
// thread pool while the awaiting coroutine's event loop keeps serving every other
// connection: the coroutine moves to the pool (post, bound to the pool's executor),
// makes the call there and moves back (post, bound to its own executor).
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <exception>
#include <optional>
#include <type_traits>
#include <utility>

namespace bits::server {

/// `co_await run_blocking(pool, f)`: f() runs on a thread of `pool`; its result, or the
/// exception it threw, comes back on the awaiting coroutine's executor. Whatever `f`
/// refers to must outlive the call (the awaiting coroutine's frame does).
///
/// Not co_spawn(pool, ..., use_awaitable): that costs a second coroutine frame, its own
/// awaitable thread and an extra hop on the pool, twice the CPU per call of the two
/// posts here, and a small upload makes three such calls.
template <class Executor, class F>
boost::asio::awaitable<std::invoke_result_t<F&>> run_blocking(Executor pool, F f) {
  namespace net = boost::asio;
  auto const home = co_await net::this_coro::executor;
  co_await net::post(net::bind_executor(pool, net::use_awaitable));
  std::optional<std::invoke_result_t<F&>> value;
  std::exception_ptr error;
  try {
    value.emplace(f());
  } catch (...) {
    error = std::current_exception();
  }
  // Back home before anything else happens, a throw included: the caller's frame must
  // only ever run on its own loop.
  co_await net::post(net::bind_executor(home, net::use_awaitable));
  if (error) std::rethrow_exception(error);
  co_return std::move(*value);
}

}  // namespace bits::server
