// Wiring, signals and the graceful stop. Connections run as coroutines on the event
// loops; blocking disk work runs on the disk pool; the maintenance timer does the
// periodic syncs and expiry on a thread of its own.
#include "server/http_server.hpp"

#include "server/service_manager.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>

#include <spdlog/spdlog.h>

#include "server/admin_connection.hpp"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <exception>
#include <functional>
#include <latch>

namespace bits::server {

namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

/// How often the STATUS line for systemd is refreshed.
constexpr std::chrono::seconds status_interval{5};

/// service::run_all_fn over `pool`: every job posted, then wait for the last one.
void run_on(net::thread_pool& pool, std::vector<std::function<void()>>& jobs) {
  std::latch done(static_cast<std::ptrdiff_t>(jobs.size()));
  for (auto& job : jobs) {
    net::post(pool, [&job, &done] {
      job();
      done.count_down();
    });
  }
  done.wait();
}

}  // namespace

http_server::http_server(server_options options, service::router& router,
                         authenticators const& auth, service::notify_fn notify)
    : options_(std::move(options)),
      router_(router),
      notify_(std::move(notify)),
      live_(live_config(options_, route_table(router, auth))),
      disk_(std::max(options_.disk_threads, 1u)),
      loops_(options_.io_threads),
      tls_({options_.tls_cert, options_.tls_key, options_.tls_client_ca, options_.tls_min_version}),
      connections_(options_.max_connections, options_.max_connections_per_address),
      // Administrators are few; a bound keeps a runaway scraper from piling up sockets.
      admin_connections_(64, 0),
      site_(served_monitors_, connections_, metrics_, activity_, listening_,
            static_cast<std::size_t>(options_.admin.status_sessions)),
      listeners_(loops_),
      admin_listeners_(loops_),
      maintenance_(live_),
      signals_(loops_.main(), SIGINT, SIGTERM),
      hangup_(loops_.main(), SIGHUP),
      grace_(loops_.main()),
      status_timer_(loops_.main()) {
  monitor_list served;
  for (auto const& r : live_.get().routes.routes()) served.push_back(monitor_of(r.vdir));
  served_monitors_.publish(std::move(served));
}

http_server::~http_server() = default;

vdir_monitor* http_server::monitor_of(service::upload_service* v) {
  for (auto const& m : monitors_) {
    if (m->vdir == v) return m.get();
  }
  auto m = std::make_unique<vdir_monitor>();
  m->vdir = v;
  auto const& policy = v->policy();
  m->spool = policy.spool_dir.empty() ? policy.root + "/.bits-spool" : policy.spool_dir;
  v->set_on_commit(
      [monitor = m.get(), this](storage::session_record const& rec, std::chrono::nanoseconds took) {
        monitor->commit_latency.observe(took);
        committed_file f;
        f.at = static_cast<std::int64_t>(std::time(nullptr));
        f.vdir = monitor->vdir->url();
        f.destination = rec.destination;
        f.principal = rec.principal;
        f.bytes = rec.received;
        f.commit_seconds = std::chrono::duration<double>(took).count();
        activity_.commits.add(std::move(f));
      });
  monitors_.push_back(std::move(m));
  return monitors_.back().get();
}

setup_result<> http_server::listen() {
  auto const tls_in = [](auto const& list) {
    return std::any_of(list.begin(), list.end(), [](auto const& ep) { return ep.tls; });
  };
  if (tls_in(options_.listen) || tls_in(options_.admin.listen)) {
    if (auto loaded = tls_.load(); !loaded) return loaded;
  }
  if (auto bound = listeners_.bind(options_.listen); !bound) return bound;
  if (auto bound = admin_listeners_.bind(options_.admin.listen); !bound) return bound;
  if (options_.port_file.empty()) return {};
  return listeners_.write_port_file(options_.port_file, admin_listeners_.ports());
}

void http_server::run() {
  wait_for_signal();
  listeners_.start([this](tcp::socket socket, bool tls) { accept(std::move(socket), tls); });
  admin_listeners_.start(
      [this](tcp::socket socket, bool tls) { accept_admin(std::move(socket), tls); });
  listening_.store(true);
  wait_for_hangup();
  maintenance_.start();
  // Every listener is bound and every session recovered (before the server was built).
  service_manager::ready(status_text());
  report_status();
  // Until the last connection of any loop has ended after a stop (or the grace period,
  // or a second signal, stopped every loop).
  loops_.run();
  maintenance_.stop();
  workers_.join();
  // Persist what every open session holds, so its offset survives a power loss too
  // (every disk thread at once: no request is waiting any more).
  auto const run_all = [this](auto& jobs) { run_on(disk_, jobs); };
  for (auto const& v : router_.vdirs()) v->flush_all(run_all);
  disk_.join();
  spdlog::info("stopped");
}

void http_server::stop() {
  net::post(loops_.main(), [this] { begin_stop(); });
}

void http_server::accept(tcp::socket socket, bool tls) {
  boost::system::error_code ignored;
  auto const peer = socket.remote_endpoint(ignored).address().to_string();
  if (!connections_.admit(peer)) {
    // Over a connection limit: closing at once costs the least; a BITS client treats it
    // as a transient network error and retries later.
    socket.close(ignored);
    return;
  }
  socket.set_option(tcp::no_delay(true), ignored);
  boost::beast::tcp_stream stream(std::move(socket));
  auto conn = tls ? std::make_shared<connection_state>(std::move(stream), tls_.current())
                  : std::make_shared<connection_state>(std::move(stream));
  conn->address = peer;
  connections_.insert(conn);
  connection_env const env{live_,
                           connections_.stopping(),
                           notify_,
                           workers_.get_executor(),
                           disk_.get_executor(),
                           pre_create_,
                           observers_};
  net::co_spawn(conn->lowest().get_executor(), serve_connection(conn, env),
                [this, conn](std::exception_ptr e) {
                  if (e) {
                    try {
                      std::rethrow_exception(e);
                    } catch (std::exception const& x) {
                      spdlog::error("connection failed: {}", x.what());
                    }
                  }
                  connection_ended(conn);
                });
}

void http_server::accept_admin(tcp::socket socket, bool tls) {
  boost::system::error_code ignored;
  auto const peer = socket.remote_endpoint(ignored).address().to_string();
  if (!admin_connections_.admit(peer)) {
    socket.close(ignored);
    return;
  }
  boost::beast::tcp_stream stream(std::move(socket));
  auto conn = tls ? std::make_shared<connection_state>(std::move(stream), tls_.current())
                  : std::make_shared<connection_state>(std::move(stream));
  conn->address = peer;
  admin_connections_.insert(conn);
  admin_env const env{options_,
                      site_,
                      options_.admin_auth.get(),
                      metrics_,
                      admin_connections_.stopping(),
                      workers_.get_executor()};
  net::co_spawn(conn->lowest().get_executor(), serve_admin_connection(conn, env),
                [this, conn](std::exception_ptr e) {
                  if (e) {
                    try {
                      std::rethrow_exception(e);
                    } catch (std::exception const& x) {
                      spdlog::error("admin connection failed: {}", x.what());
                    }
                  }
                  admin_connections_.erase(conn);
                });
}

void http_server::connection_ended(std::shared_ptr<connection_state> const& c) {
  if (connections_.erase(c)) net::post(loops_.main(), [this] { stopped(); });
}

void http_server::wait_for_signal() {
  signals_.async_wait([this](boost::system::error_code ec, int) {
    if (!ec) on_signal();
  });
}

void http_server::on_signal() {
  if (connections_.stopping().load()) {
    spdlog::warn("second signal: stopping now");
    loops_.stop();
    return;
  }
  spdlog::info("stopping: finishing in-flight requests (up to {}s)",
               live_.get().options.shutdown_grace.count());
  // Re-armed first, so that begin_stop can cancel it when nothing is in flight.
  wait_for_signal();
  begin_stop();
}

void http_server::begin_stop() {
  if (connections_.stopping().load()) return;
  service_manager::stopping();
  listening_.store(false);
  listeners_.close();
  admin_listeners_.close();
  admin_connections_.stop();
  if (connections_.stop()) {
    stopped();
    return;
  }
  grace_.expires_after(live_.get().options.shutdown_grace);
  grace_.async_wait([this](boost::system::error_code ec) {
    if (!ec) {
      spdlog::warn("grace period over: closing remaining connections");
      loops_.stop();
    }
  });
}

void http_server::stopped() {
  grace_.cancel();
  signals_.cancel();
  hangup_.cancel();
  status_timer_.cancel();
}

std::string http_server::status_text() const {
  std::size_t sessions = 0;
  for (auto const& v : router_.vdirs()) sessions += v->open_sessions();
  return std::to_string(sessions) + " open sessions, " + std::to_string(connections_.size()) +
         " connections";
}

void http_server::report_status() {
  service_manager::status(status_text());
  status_timer_.expires_after(status_interval);
  status_timer_.async_wait([this](boost::system::error_code ec) {
    if (!ec && !connections_.stopping().load()) report_status();
  });
}

void http_server::wait_for_hangup() {
  hangup_.async_wait([this](boost::system::error_code ec, int) {
    if (ec) return;
    reload();
    wait_for_hangup();
  });
}

setup_result<> http_server::apply(reload_plan plan) {
  if (tls_.current()) {
    auto const& s = plan.server;
    if (auto loaded = tls_.load({s.tls_cert, s.tls_key, s.tls_client_ca, s.tls_min_version});
        !loaded) {
      return loaded;
    }
  }
  // Settings first, then the snapshot that routes requests to them: a request that
  // finds a directory in the new routes also finds its new settings.
  std::vector<vdir_route> routes;
  monitor_list served;
  for (auto& v : plan.vdirs) {
    if (v.policy) v.vdir->set_policy(std::move(*v.policy));
    routes.push_back({v.vdir, std::move(v.auth)});
    served.push_back(monitor_of(v.vdir));
  }
  server_options next = options_;
  static_cast<settings::server_settings&>(next) = plan.server;
  // What only a restart changes stays as it runs (the caller has said so in the log).
  next.listen = options_.listen;
  next.io_threads = options_.io_threads;
  next.disk_threads = options_.disk_threads;
  next.sync_interval = options_.sync_interval;
  next.tombstone_ttl = options_.tombstone_ttl;
  connections_.set_limits(next.max_connections, next.max_connections_per_address);
  // A reload that changes nothing publishes nothing: snapshots are kept for the
  // server's life, so a SIGHUP sent every minute must not add one each time.
  auto const& now = live_.get();
  route_table table(std::move(routes));
  bool const same_routes =
      std::equal(table.routes().begin(), table.routes().end(), now.routes.routes().begin(),
                 now.routes.routes().end(), [](vdir_route const& a, vdir_route const& b) {
                   return a.vdir == b.vdir && a.auth == b.auth;
                 });
  if (same_routes && static_cast<settings::server_settings const&>(next) ==
                         static_cast<settings::server_settings const&>(now.options)) {
    return {};
  }
  live_.publish(live_config(std::move(next), std::move(table)));
  served_monitors_.publish(std::move(served));
  return {};
}

void http_server::reload() {
  service_manager::reloading();
  if (reload_hook_) reload_hook_();
  // The certificate files are read again also when the configuration file is
  // unchanged or was refused (a renewed certificate at the same paths).
  if (tls_.current()) {
    if (auto loaded = tls_.load()) {
      spdlog::info("SIGHUP: TLS certificate reloaded");
    } else {
      spdlog::error("SIGHUP: keeping the old TLS certificate: {}", loaded.error().message());
    }
  }
  for (auto const& r : live_.get().routes.routes()) {
    if (r.auth) r.auth->reload(r.vdir->url());
  }
  if (options_.admin_auth) options_.admin_auth->reload("[admin]");
  service_manager::ready(status_text());
}

}  // namespace bits::server
