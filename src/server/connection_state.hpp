// What the server knows of one live connection: its stream (plain or TLS), its peer
// address, and whether it sits between requests.
#pragma once

#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/tcp_stream.hpp>
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

}  // namespace bits::server
