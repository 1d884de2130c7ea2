// One client connection: a coroutine that reads a request head, validates and routes
// it, streams a Fragment body straight into the spool, and writes the Ack; repeated
// while the connection is kept alive.
#pragma once

#include "server/server_options.hpp"
#include "service/router.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>

#include <atomic>
#include <memory>
#include <string>

namespace bits::server {

/// What the server knows of a live connection, for a graceful stop.
struct connection_state {
  explicit connection_state(boost::beast::tcp_stream s) : stream(std::move(s)) {}
  boost::beast::tcp_stream stream;
  std::atomic<bool> idle{true};  ///< between requests: safe to close at shutdown
};

/// Shared by every connection; owned by http_server.
struct connection_env {
  server_options const& options;
  service::router& router;
  std::atomic<bool> const& stopping;
  service::notify_fn const& notify;      ///< upload-reply calls (blocking)
  boost::asio::any_io_executor workers;  ///< where blocking calls run
};

/// Serves one connection until the peer closes, an error or timeout occurs, a reply
/// must close it, or the server is stopping. Never throws.
boost::asio::awaitable<void> serve_connection(std::shared_ptr<connection_state> conn,
                                              connection_env env);

}  // namespace bits::server
