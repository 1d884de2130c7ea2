// One client connection: a coroutine that reads a request head, resolves,
// authenticates and dispatches it, streams a Fragment body straight into the spool, and
// writes the response; repeated while the connection is kept alive.
#pragma once

#include "hooks/pre_create_pool.hpp"
#include "server/connection_state.hpp"
#include "server/forwarded.hpp"
#include "server/live_config.hpp"
#include "server/request_log.hpp"
#include "service/notification.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <atomic>
#include <memory>

namespace bits::server {

/// Shared by every connection; owned by http_server.
struct connection_env {
  /// Settings, directories and trusted proxies: read once per request (a reload
  /// replaces them; a request finishes with the snapshot it began with).
  live_config_cell const& live;
  std::atomic<bool> const& stopping;     ///< the server is stopping: end after this request
  service::notify_fn const& notify;      ///< upload-reply calls (blocking)
  boost::asio::any_io_executor workers;  ///< password checks and upload-reply calls
  boost::asio::any_io_executor disk;     ///< blocking storage work (creates, commits, syncs)
  hooks::pre_create_pool& pre_create;    ///< pre-create hook calls
  request_observers const& observers;    ///< metrics and the status page's errors
};

/// Serves one connection until the peer closes, an error or timeout occurs, a reply
/// must close it, or the server is stopping. Never throws.
boost::asio::awaitable<void> serve_connection(std::shared_ptr<connection_state> conn,
                                              connection_env env);

}  // namespace bits::server
