// Runs a blocking call (disk I/O, a password hash, an upload-reply notification) on a
// thread pool while the awaiting coroutine's event loop keeps serving every other
// connection: co_spawn onto the pool, awaited with use_awaitable.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <type_traits>

namespace bits::server {

/// `co_await run_blocking(pool, f)`: f() runs on a thread of `pool`; its result, or the
/// exception it threw, comes back on the awaiting coroutine's executor. Whatever `f`
/// refers to must outlive the call (the awaiting coroutine's frame does). The result
/// type must be default-constructible and movable.
template <class Executor, class F>
boost::asio::awaitable<std::invoke_result_t<F&>> run_blocking(Executor pool, F f) {
  namespace net = boost::asio;
  using value_type = std::invoke_result_t<F&>;
  co_return co_await net::co_spawn(
      pool, [&f]() -> net::awaitable<value_type> { co_return f(); }, net::use_awaitable);
}

}  // namespace bits::server
