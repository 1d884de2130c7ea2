// One client connection: a coroutine that reads a request head, validates and routes
// it, streams a Fragment body straight into the spool, and writes the Ack; repeated
// while the connection is kept alive.
#pragma once

#include "server/server_options.hpp"
#include "service/router.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <atomic>
#include <memory>
#include <optional>
#include <string>

namespace bits::server {

using tls_stream = boost::beast::ssl_stream<boost::beast::tcp_stream>;

/// A live connection: its stream (plain or TLS), and what a graceful stop needs to know.
struct connection_state {
  explicit connection_state(boost::beast::tcp_stream s) : plain(std::move(s)) {}
  /// A TLS connection; `ctx` is kept alive as long as the connection (certificate
  /// reloads swap the server's context, never this one's).
  connection_state(boost::beast::tcp_stream s, std::shared_ptr<boost::asio::ssl::context> ctx)
      : tls(std::in_place, std::move(s), *ctx), ctx_(std::move(ctx)) {}

  [[nodiscard]] boost::beast::tcp_stream& lowest() noexcept {
    return plain ? *plain : boost::beast::get_lowest_layer(*tls);
  }

  std::optional<boost::beast::tcp_stream> plain;
  std::optional<tls_stream> tls;
  std::atomic<bool> idle{true};  ///< between requests: safe to close at shutdown
  std::string address;           ///< peer address, for the per-address limit

 private:
  std::shared_ptr<boost::asio::ssl::context> ctx_;
};

/// Shared by every connection; owned by http_server.
struct connection_env {
  server_options const& options;
  service::router& router;
  std::atomic<bool> const& stopping;
  service::notify_fn const& notify;      ///< upload-reply calls (blocking)
  boost::asio::any_io_executor workers;  ///< password checks and upload-reply calls
  boost::asio::any_io_executor disk;     ///< blocking storage work (creates, commits, syncs)
};

/// Serves one connection until the peer closes, an error or timeout occurs, a reply
/// must close it, or the server is stopping. Never throws.
boost::asio::awaitable<void> serve_connection(std::shared_ptr<connection_state> conn,
                                              connection_env env);

}  // namespace bits::server
