// The daemon's front: listeners, the I/O threads, the maintenance thread, signals and
// the graceful stop.
#pragma once

#include "server/connection.hpp"
#include "server/server_options.hpp"
#include "service/router.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

namespace bits::server {

class http_server {
 public:
  /// `notify` makes upload-reply calls to server applications (blocking; it runs on a
  /// small worker pool).
  http_server(server_options options, service::router& router, service::notify_fn notify);
  ~http_server();
  http_server(http_server const&) = delete;
  http_server& operator=(http_server const&) = delete;

  /// Binds every listener (and writes the port file). `why` says what failed.
  [[nodiscard]] bool listen(std::string& why);

  /// The bound ports, in listener order.
  [[nodiscard]] std::vector<std::uint16_t> ports() const;

  /// Serves until SIGINT/SIGTERM (or stop()), then stops gracefully: no new
  /// connections, idle ones closed, in-flight requests get shutdown_grace to finish,
  /// open sessions are synced. A second signal ends the grace period at once.
  void run();

  /// Starts the graceful stop from any thread.
  void stop();

  /// Called on SIGHUP after the TLS certificate is reloaded (the daemon reloads its
  /// htpasswd files there). Set before run().
  void on_reload(std::function<void()> hook) { reload_hook_ = std::move(hook); }

 private:
  void accept_next(std::size_t index);
  void on_signal();
  void begin_stop();
  /// Counts a new connection from `peer`, or refuses it (max_connections, per address).
  [[nodiscard]] bool admit(std::string const& peer);
  void connection_ended(std::shared_ptr<connection_state> const& c);
  void maintenance_loop();
  void wait_for_hangup();
  /// Builds the TLS context from the configured files; null with `why` on failure.
  [[nodiscard]] std::shared_ptr<boost::asio::ssl::context> make_tls_context(std::string& why) const;
  [[nodiscard]] std::shared_ptr<boost::asio::ssl::context> tls_context() const;
  [[nodiscard]] bool write_port_file(std::string& why) const;

  server_options options_;
  service::router& router_;
  service::notify_fn notify_;
  /// Every event loop; connections are dealt round-robin over them.
  [[nodiscard]] boost::asio::io_context& next_loop();
  void stop_loops();

  boost::asio::thread_pool workers_{4};  ///< password checks, upload-reply calls
  boost::asio::thread_pool disk_;        ///< blocking storage work (options_.disk_threads)
  /// The periodic syncs of the maintenance thread: a thread of their own, so requests
  /// never queue behind thousands of background syncs. One at a time: with four in
  /// parallel, the journal commits they force stalled Fragment writes on the I/O
  /// threads (scenario 3 of make bench: Fragment p99 36.9 ms instead of ~1-3 ms).
  boost::asio::thread_pool background_{1};
  /// One event loop per I/O thread, each run by exactly one thread, so a connection's
  /// handlers never run concurrently and never move between cores. io_ also owns the
  /// listeners, signals and the grace timer; loops_ are the other threads' loops.
  boost::asio::io_context io_;
  std::vector<std::unique_ptr<boost::asio::io_context>> loops_;
  std::size_t next_loop_ = 0;  ///< touched by io_'s thread only (accept handlers)
  boost::asio::signal_set signals_;
  boost::asio::signal_set hangup_;
  std::function<void()> reload_hook_;
  mutable std::mutex tls_mu_;
  std::shared_ptr<boost::asio::ssl::context> tls_;  ///< swapped on SIGHUP
  std::vector<bool> acceptor_tls_;
  boost::asio::steady_timer grace_;
  std::vector<std::unique_ptr<boost::asio::ip::tcp::acceptor>> acceptors_;
  std::atomic<bool> stopping_{false};

  std::mutex conns_mu_;
  std::set<std::shared_ptr<connection_state>> conns_;
  std::unordered_map<std::string, std::size_t> per_address_;  ///< guarded by conns_mu_
  std::atomic<bool> limit_logged_{false};

  std::mutex maint_mu_;
  std::condition_variable maint_cv_;
  bool maint_stop_ = false;
};

}  // namespace bits::server
