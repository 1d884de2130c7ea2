// The daemon's front, wired from parts with one purpose each (after Asio's HTTP server
// examples): event loops, listeners, the connection registry, the TLS context holder,
// the maintenance timer; here the signals, the reload and the graceful stop.
#pragma once

#include "hooks/pre_create_pool.hpp"
#include "server/activity.hpp"
#include "server/admin_site.hpp"
#include "server/connection.hpp"
#include "server/connection_registry.hpp"
#include "server/event_loops.hpp"
#include "server/listeners.hpp"
#include "server/live_config.hpp"
#include "server/maintenance_timer.hpp"
#include "server/metrics.hpp"
#include "server/route_table.hpp"
#include "server/server_options.hpp"
#include "server/setup_error.hpp"
#include "server/tls_context.hpp"
#include "service/router.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace bits::server {

/// One directory of a reload: the service (a new one, or one served before), the
/// settings to give it, and its authentication.
struct reload_vdir {
  service::upload_service* vdir = nullptr;     ///< lives as long as the server
  std::optional<service::vdir_policy> policy;  ///< new settings; empty = unchanged
  std::shared_ptr<authenticator> auth;         ///< null: anonymous
};

/// What a reload serves from now on.
struct reload_plan {
  settings::server_settings server;
  std::vector<reload_vdir> vdirs;
};

class http_server {
 public:
  /// Serves the directories of `router`, authenticated as `auth` says (by URL prefix;
  /// others are anonymous). `notify` makes upload-reply calls to server applications
  /// (blocking; it runs on a small worker pool).
  http_server(server_options options, service::router& router, authenticators const& auth,
              service::notify_fn notify);
  ~http_server();
  http_server(http_server const&) = delete;
  http_server& operator=(http_server const&) = delete;

  /// Loads the TLS context (when a listener is tls://), binds every listener (the
  /// admin ones too) and writes the port file: the upload listeners' ports, then the
  /// admin listeners'. The error says what failed and why.
  [[nodiscard]] setup_result<> listen();

  /// The bound ports, in listener order.
  [[nodiscard]] std::vector<std::uint16_t> ports() const { return listeners_.ports(); }

  /// The admin listeners' bound ports (none when [admin] listen is empty).
  [[nodiscard]] std::vector<std::uint16_t> admin_ports() const { return admin_listeners_.ports(); }

  /// What the request path counts (for tests and the admin pages).
  [[nodiscard]] server_metrics& metrics() noexcept { return metrics_; }

  /// Serves until SIGINT/SIGTERM (or stop()), then stops gracefully: no new
  /// connections, idle ones closed, in-flight requests get shutdown_grace to finish,
  /// open sessions are synced. A second signal ends the grace period at once. SIGHUP
  /// reloads the TLS certificate and every directory's authentication files. Tells
  /// systemd READY when it serves, RELOADING/READY around a reload, STOPPING at the
  /// stop, and refreshes a STATUS line (service_manager).
  void run();

  /// Starts the graceful stop from any thread.
  void stop();

  /// Called first on every SIGHUP, on the main loop (the application re-reads its
  /// configuration file there and calls apply()). Set before run().
  void set_reload_hook(std::function<void()> hook) { reload_hook_ = std::move(hook); }

  /// A reload, on the main loop (from the reload hook): serves `plan` from now on. The
  /// TLS context is built first from plan's files when a tls:// listener needs one; when
  /// that fails nothing changes and the error says why. Then each directory gets its
  /// new settings and the request path a new snapshot (live_config): requests that
  /// begin later see the new directories, limits, timeouts and trusted proxies; a
  /// request already running finishes under the old ones; connections stay open. A
  /// directory left out is no longer served (404) but keeps its sessions, as they are,
  /// for when it comes back. The listeners, io_threads, disk_threads, sync_interval,
  /// tombstone_ttl and [admin] stay as they were at start-up.
  [[nodiscard]] setup_result<> apply(reload_plan plan);

 private:
  /// A connection accepted on a listener (tls: a tls:// one); on the main loop.
  void accept(boost::asio::ip::tcp::socket socket, bool tls);
  /// The same for the admin listener.
  void accept_admin(boost::asio::ip::tcp::socket socket, bool tls);
  /// The monitor of `v`, made the first time (it then reports v's completed uploads to
  /// the status page). On the main loop, or before run().
  vdir_monitor* monitor_of(service::upload_service* v);
  void connection_ended(std::shared_ptr<connection_state> const& c);
  void wait_for_signal();
  void on_signal();
  void begin_stop();
  /// Nothing is left to wait for: lets the main loop run out of work.
  void stopped();
  void wait_for_hangup();
  void reload();
  /// The STATUS line for systemd: open sessions and connections.
  [[nodiscard]] std::string status_text() const;
  /// Sends the STATUS line now and every status_interval until the stop.
  void report_status();

  server_options options_;
  service::router& router_;  ///< every directory ever served (a reload adds new ones)
  service::notify_fn notify_;
  /// The settings and directories requests use (replaced by apply()). options_ keeps
  /// the start-up ones: listeners, threads, [admin].
  live_config_cell live_;
  boost::asio::thread_pool workers_{4};  ///< password checks, upload-reply calls
  boost::asio::thread_pool disk_;        ///< blocking storage work (options_.disk_threads)
  event_loops loops_;
  /// Pre-create hook calls, on threads of their own (after loops_: it is destroyed
  /// first, waiting for calls under way, which complete on the loops).
  hooks::pre_create_pool pre_create_{hooks::pre_create_pool_options{}};
  tls_context_holder tls_;
  server_metrics metrics_;
  activity activity_;
  request_observers const observers_{metrics_, activity_};
  std::vector<std::unique_ptr<vdir_monitor>> monitors_;  ///< one per directory ever served
  core::published<monitor_list> served_monitors_{{}};    ///< those of the directories served
  std::atomic<bool> listening_{false};                   ///< every listener bound and accepting
  connection_registry connections_;  ///< after loops_: its sockets must go first
  connection_registry admin_connections_;
  admin_site site_;
  listeners listeners_;
  listeners admin_listeners_;
  maintenance_timer maintenance_;
  boost::asio::signal_set signals_;  ///< SIGINT, SIGTERM
  boost::asio::signal_set hangup_;   ///< SIGHUP
  boost::asio::steady_timer grace_;
  boost::asio::steady_timer status_timer_;  ///< STATUS= refresh for systemd
  std::function<void()> reload_hook_;
};

}  // namespace bits::server
