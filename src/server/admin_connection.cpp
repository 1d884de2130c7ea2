// The admin request loop: Beast reads each head (bodies are refused), the authenticator
// decides, the site answers (pages that block run on the worker pool).
#include "server/admin_connection.hpp"

#include "server/beast_convert.hpp"
#include "server/run_blocking.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include <spdlog/spdlog.h>

namespace bits::server {

namespace net = boost::asio;
namespace beast = boost::beast;

namespace {

constexpr auto no_throw = net::as_tuple(net::use_awaitable);

http::response<http::string_body> to_string_response(admin_page page, bool head, bool keep_alive) {
  http::response<http::string_body> res{static_cast<http::status>(page.status), 11};
  res.set(http::field::content_type, page.content_type);
  res.set(http::field::cache_control, "no-store");
  res.set("X-Content-Type-Options", "nosniff");
  if (page.content_type.starts_with("text/html")) {
    // The page carries its script and style inline and talks only to this listener.
    res.set("Content-Security-Policy",
            "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
            "connect-src 'self'; img-src data:");
  }
  auto const length = page.body.size();
  if (!head) res.body() = std::move(page.body);
  res.content_length(length);
  res.keep_alive(keep_alive);
  return res;
}

template <class Stream>
net::awaitable<void> admin_loop(std::shared_ptr<connection_state> conn, Stream& stream,
                                admin_env env) {
  beast::flat_buffer buffer;
  std::unique_ptr<connection_auth_state> auth_state;
  std::string remote;
  {
    beast::error_code ec;
    auto const ep = conn->lowest().socket().remote_endpoint(ec);
    if (!ec) remote = ep.address().to_string() + ":" + std::to_string(ep.port());
  }
  for (;;) {
    conn->idle.store(true);
    if (env.stopping.load()) break;
    http::request_parser<http::empty_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(env.options.max_header_bytes));
    parser.body_limit(0);
    conn->lowest().expires_after(env.options.idle_timeout);
    auto [ec, n] = co_await http::async_read_header(stream, buffer, parser, no_throw);
    if (ec) break;
    conn->idle.store(false);
    auto const& req = parser.get();
    bool const head = req.method() == http::verb::head;
    bool keep = req.keep_alive();
    admin_page page;
    std::optional<http::response<http::empty_body>> challenge;
    if (parser.content_length().value_or(0) > 0 || parser.chunked()) {
      page = {413, "text/plain; charset=utf-8", "no request bodies here\n"};
      keep = false;
    } else if (req.method() != http::verb::get && !head) {
      page = {405, "text/plain; charset=utf-8", "GET or HEAD\n"};
    } else if (req.target().size() > env.options.max_url_bytes) {
      page = {414, "text/plain; charset=utf-8", "target too long\n"};
      keep = false;
    } else {
      bool allowed = true;
      if (env.auth != nullptr) {
        auto core_head = to_request_head(req, std::nullopt, false);
        core_head.remote = remote;
        auto decision =
            co_await env.auth->authenticate({core_head, remote, auth_state, env.workers});
        if (!decision.principal) {
          allowed = false;
          if (req.find(http::field::authorization) != req.end()) env.metrics.auth_failure();
          challenge = to_response(decision.challenge, keep);
        }
      }
      if (allowed) {
        std::string const target(req.target());
        if (admin_site::inline_path(target) || !admin_site::known(target)) {
          page = env.site.serve(target);
        } else {
          auto& site = env.site;
          page =
              co_await run_blocking(env.workers, [&site, &target] { return site.serve(target); });
        }
      }
    }
    conn->lowest().expires_after(env.options.write_timeout);
    beast::error_code write_ec;
    if (challenge) {
      challenge->keep_alive(keep);
      std::tie(write_ec, n) = co_await http::async_write(stream, *challenge, no_throw);
    } else {
      auto res = to_string_response(std::move(page), head, keep);
      std::tie(write_ec, n) = co_await http::async_write(stream, res, no_throw);
    }
    if (write_ec || !keep || env.stopping.load()) break;
  }
  if constexpr (!std::is_same_v<Stream, beast::tcp_stream>) {
    conn->lowest().expires_after(std::chrono::seconds(5));
    co_await stream.async_shutdown(no_throw);
  }
  beast::error_code ignored;
  conn->lowest().socket().shutdown(net::ip::tcp::socket::shutdown_send, ignored);
  conn->lowest().close();
}

}  // namespace

net::awaitable<void> serve_admin_connection(std::shared_ptr<connection_state> conn, admin_env env) {
  if (!conn->tls) {
    co_await admin_loop(conn, *conn->plain, env);
    co_return;
  }
  conn->lowest().expires_after(env.options.header_timeout);
  auto [ec] = co_await conn->tls->async_handshake(net::ssl::stream_base::server, no_throw);
  if (ec) {
    env.metrics.tls_failure();
    spdlog::debug("admin: TLS handshake failed: {}", ec.message());
    conn->lowest().close();
    co_return;
  }
  co_await admin_loop(conn, *conn->tls, env);
}

}  // namespace bits::server
