// One connection to the admin listener: GET/HEAD requests for the admin_site's pages,
// authenticated when [admin] auth says so, plain or TLS, kept alive between requests.
#pragma once

#include "server/admin_site.hpp"
#include "server/authenticator.hpp"
#include "server/connection_state.hpp"
#include "server/server_options.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <atomic>
#include <memory>

namespace bits::server {

/// Shared by every admin connection; owned by http_server.
struct admin_env {
  server_options const& options;  ///< timeouts and header limits of [server]
  admin_site& site;
  authenticator* auth;  ///< null: no authentication
  server_metrics& metrics;
  std::atomic<bool> const& stopping;     ///< the server is stopping: end after this request
  boost::asio::any_io_executor workers;  ///< password checks and the blocking pages
};

/// Serves one admin connection until the peer closes, an error or a timeout. Never
/// throws.
boost::asio::awaitable<void> serve_admin_connection(std::shared_ptr<connection_state> conn,
                                                    admin_env env);

}  // namespace bits::server
