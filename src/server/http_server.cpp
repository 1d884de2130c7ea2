// Listeners, threads and the graceful stop. Connections run as coroutines on one of the
// event loops (one per I/O thread); blocking disk work runs on the disk pool, and the
// maintenance thread does the periodic syncs and expiry.
#include "server/http_server.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/post.hpp>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <latch>
#include <string>
#include <string_view>

namespace bits::server {

namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

/// TLS 1.2 suites: forward-secret AEAD only (the 1.3 suites are all modern).
constexpr std::string_view modern_ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:"
    "DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384";

/// Added after the modern ones when tls_min_version is below 1.2: what Windows 7 and
/// Server 2008 R2 offer (CBC suites with SHA-1 or SHA-2 MACs, RSA key exchange), with or
/// without the TLS 1.2 update. OpenSSL 3 refuses TLS 1.0/1.1 handshakes (SHA-1
/// signatures) at any security level above 0, so the level is lowered here, and only here.
constexpr std::string_view legacy_ciphers =
    "ECDHE-ECDSA-AES128-SHA:ECDHE-ECDSA-AES256-SHA:ECDHE-RSA-AES128-SHA:ECDHE-RSA-AES256-SHA:"
    "ECDHE-RSA-AES128-SHA256:ECDHE-RSA-AES256-SHA384:AES128-GCM-SHA256:AES256-GCM-SHA384:"
    "AES128-SHA256:AES256-SHA256:AES128-SHA:AES256-SHA:@SECLEVEL=0";

/// OpenSSL's protocol version for tls_min_version.
int tls_protocol_version(settings::tls_version configured) {
  switch (configured) {
    case settings::tls_version::v1_0:
      return TLS1_VERSION;
    case settings::tls_version::v1_1:
      return TLS1_1_VERSION;
    case settings::tls_version::v1_2:
      return TLS1_2_VERSION;
    case settings::tls_version::v1_3:
      return TLS1_3_VERSION;
  }
  return TLS1_2_VERSION;
}

unsigned thread_count(unsigned configured) {
  if (configured > 0) return configured;
  unsigned const hw = std::thread::hardware_concurrency();
  return hw > 0 ? hw : 1;
}

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

http_server::http_server(server_options options, service::router& router, service::notify_fn notify)
    : options_(std::move(options)),
      router_(router),
      notify_(std::move(notify)),
      disk_(std::max(options_.disk_threads, 1u)),
      io_(1),
      signals_(io_, SIGINT, SIGTERM),
      hangup_(io_, SIGHUP),
      grace_(io_) {
  for (unsigned i = 1; i < thread_count(options_.io_threads); ++i) {
    loops_.push_back(std::make_unique<net::io_context>(1));
  }
}

http_server::~http_server() = default;

std::shared_ptr<net::ssl::context> http_server::make_tls_context(std::string& why) const {
  namespace ssl = net::ssl;
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_server);
  boost::system::error_code ec;
  int const min_version = tls_protocol_version(options_.tls_min_version);
  auto options = ssl::context::default_workarounds | ssl::context::no_sslv2 |
                 ssl::context::no_sslv3 | ssl::context::single_dh_use;
  if (min_version >= TLS1_2_VERSION) options |= ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1;
  ctx->set_options(options, ec);
  SSL_CTX_set_min_proto_version(ctx->native_handle(), min_version);
  if (min_version >= TLS1_2_VERSION) {
    SSL_CTX_set_cipher_list(ctx->native_handle(), std::string(modern_ciphers).c_str());
  } else {
    SSL_CTX_set_cipher_list(
        ctx->native_handle(),
        (std::string(modern_ciphers) + ":" + std::string(legacy_ciphers)).c_str());
  }
  auto const& o = options_;
  if (!ec) ctx->use_certificate_chain_file(o.tls_cert, ec);
  if (ec) {
    why = "TLS certificate " + o.tls_cert + ": " + ec.message();
    return nullptr;
  }
  ctx->use_private_key_file(o.tls_key, ssl::context::pem, ec);
  if (ec || SSL_CTX_check_private_key(ctx->native_handle()) != 1) {
    why = "TLS key " + o.tls_key + ": " + (ec ? ec.message() : "does not match the certificate");
    return nullptr;
  }
  if (!o.tls_client_ca.empty()) {
    ctx->load_verify_file(o.tls_client_ca, ec);
    if (ec) {
      why = "TLS client CA " + o.tls_client_ca + ": " + ec.message();
      return nullptr;
    }
    ctx->set_verify_mode(ssl::verify_peer | ssl::verify_fail_if_no_peer_cert);
  }
  return ctx;
}

std::shared_ptr<net::ssl::context> http_server::tls_context() const {
  std::lock_guard lock(tls_mu_);
  return tls_;
}

void http_server::wait_for_hangup() {
  hangup_.async_wait([this](boost::system::error_code ec, int) {
    if (ec) return;
    bool const has_tls = tls_context() != nullptr;
    if (has_tls) {
      std::string why;
      if (auto ctx = make_tls_context(why)) {
        std::lock_guard lock(tls_mu_);
        tls_ = std::move(ctx);
        spdlog::info("SIGHUP: TLS certificate reloaded");
      } else {
        spdlog::error("SIGHUP: keeping the old TLS certificate: {}", why);
      }
    }
    if (reload_hook_) reload_hook_();
    wait_for_hangup();
  });
}

bool http_server::listen(std::string& why) {
  for (auto const& ep : options_.listen) {
    if (ep.tls && !tls_) {
      tls_ = make_tls_context(why);
      if (!tls_) return false;
    }
    boost::system::error_code ec;
    std::vector<tcp::endpoint> candidates;
    if (ep.host.empty()) {
      candidates.emplace_back(tcp::v6(), ep.port);  // dual-stack where the kernel allows
    } else if (auto addr = net::ip::make_address(ep.host, ec); !ec) {
      candidates.emplace_back(addr, ep.port);
    } else {
      tcp::resolver resolver(io_);
      auto results = resolver.resolve(ep.host, std::to_string(ep.port), ec);
      if (ec) {
        why = "cannot resolve " + ep.host + ": " + ec.message();
        return false;
      }
      for (auto const& r : results) candidates.push_back(r.endpoint());
    }
    for (auto const& endpoint : candidates) {
      auto acc = std::make_unique<tcp::acceptor>(io_);
      acc->open(endpoint.protocol(), ec);
      if (!ec) acc->set_option(net::socket_base::reuse_address(true), ec);
      if (!ec) acc->bind(endpoint, ec);
      if (!ec) acc->listen(net::socket_base::max_listen_connections, ec);
      if (!ec) {
        spdlog::info("listening on {}", acc->local_endpoint().address().to_string() + ":" +
                                            std::to_string(acc->local_endpoint().port()));
        acceptors_.push_back(std::move(acc));
        acceptor_tls_.push_back(ep.tls);
        continue;
      }
      why = "cannot listen on " + endpoint.address().to_string() + ":" +
            std::to_string(endpoint.port()) + ": " + ec.message();
      return false;
    }
  }
  return write_port_file(why);
}

std::vector<std::uint16_t> http_server::ports() const {
  std::vector<std::uint16_t> out;
  for (auto const& a : acceptors_) {
    boost::system::error_code ec;
    out.push_back(a->local_endpoint(ec).port());
  }
  return out;
}

bool http_server::write_port_file(std::string& why) const {
  if (options_.port_file.empty()) return true;
  // Written whole under a temporary name, then renamed: a reader never sees half a file.
  std::string const tmp = options_.port_file + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    for (auto p : ports()) out << p << '\n';
    if (!out.flush()) {
      why = "cannot write " + tmp;
      return false;
    }
  }
  if (std::rename(tmp.c_str(), options_.port_file.c_str()) != 0) {
    why = "cannot write " + options_.port_file;
    return false;
  }
  return true;
}

void http_server::run() {
  signals_.async_wait([this](boost::system::error_code ec, int) {
    if (!ec) on_signal();
  });
  for (std::size_t i = 0; i < acceptors_.size(); ++i) accept_next(i);
  wait_for_hangup();

  std::thread maintenance([this] { maintenance_loop(); });
  // The other loops run until io_ is done: io_ runs until the last connection of any
  // loop has ended after a stop (or the grace period stopped everything).
  std::vector<net::executor_work_guard<net::io_context::executor_type>> keep;
  std::vector<std::thread> threads;
  for (auto& loop : loops_) {
    keep.push_back(net::make_work_guard(*loop));
    threads.emplace_back([&l = *loop] { l.run(); });
  }
  io_.run();
  keep.clear();
  for (auto& t : threads) t.join();
  {
    std::lock_guard lock(maint_mu_);
    maint_stop_ = true;
  }
  maint_cv_.notify_all();
  maintenance.join();
  workers_.join();
  background_.join();
  // Persist what every open session holds, so its offset survives a power loss too
  // (every disk thread at once: no request is waiting any more).
  auto const run_all = [this](auto& jobs) { run_on(disk_, jobs); };
  for (auto const& v : router_.vdirs()) v->flush_all(run_all);
  disk_.join();
  spdlog::info("stopped");
}

void http_server::stop() {
  net::post(io_, [this] { begin_stop(); });
}

void http_server::on_signal() {
  if (stopping_.load()) {
    spdlog::warn("second signal: stopping now");
    stop_loops();
    return;
  }
  spdlog::info("stopping: finishing in-flight requests (up to {}s)",
               options_.shutdown_grace.count());
  // Re-armed first, so that begin_stop can cancel it when nothing is in flight.
  signals_.async_wait([this](boost::system::error_code ec, int) {
    if (!ec) on_signal();
  });
  begin_stop();
}

net::io_context& http_server::next_loop() {
  std::size_t const i = next_loop_++ % (loops_.size() + 1);
  return i == 0 ? io_ : *loops_[i - 1];
}

void http_server::stop_loops() {
  for (auto& loop : loops_) loop->stop();
  io_.stop();
}

void http_server::accept_next(std::size_t index) {
  acceptors_[index]->async_accept(
      next_loop(), [this, index](boost::system::error_code ec, tcp::socket socket) {
        if (stopping_.load()) return;
        if (ec) {
          // EMFILE and friends: log, pause briefly instead of spinning, keep accepting.
          spdlog::warn("accept: {}", ec.message());
          auto t = std::make_shared<net::steady_timer>(io_, std::chrono::milliseconds(50));
          t->async_wait([this, index, t](boost::system::error_code) {
            if (!stopping_.load()) accept_next(index);
          });
          return;
        }
        boost::system::error_code ignored;
        auto const peer = socket.remote_endpoint(ignored).address().to_string();
        if (!admit(peer)) {
          // Over a connection limit: closing at once costs the least; a BITS client
          // treats it as a transient network error and retries later.
          socket.close(ignored);
          accept_next(index);
          return;
        }
        socket.set_option(tcp::no_delay(true), ignored);
        boost::beast::tcp_stream stream(std::move(socket));
        auto conn = acceptor_tls_[index]
                        ? std::make_shared<connection_state>(std::move(stream), tls_context())
                        : std::make_shared<connection_state>(std::move(stream));
        conn->address = peer;
        {
          std::lock_guard lock(conns_mu_);
          conns_.insert(conn);
        }
        connection_env const env{
            options_, router_, stopping_, notify_, workers_.get_executor(), disk_.get_executor()};
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
        accept_next(index);
      });
}

void http_server::begin_stop() {
  if (stopping_.exchange(true)) return;
  for (auto& a : acceptors_) {
    boost::system::error_code ignored;
    a->close(ignored);
  }
  std::lock_guard lock(conns_mu_);
  for (auto const& c : conns_) {
    // Idle connections are closed now; busy ones finish their request first. The
    // check runs on the connection's loop, so it cannot race the coroutine.
    net::post(c->lowest().get_executor(), [c] {
      boost::system::error_code ignored;  // the peer may have closed it already
      if (c->idle.load()) c->lowest().socket().cancel(ignored);
    });
  }
  if (conns_.empty()) {
    signals_.cancel();
    hangup_.cancel();
    return;
  }
  grace_.expires_after(options_.shutdown_grace);
  grace_.async_wait([this](boost::system::error_code ec) {
    if (!ec) {
      spdlog::warn("grace period over: closing remaining connections");
      stop_loops();
    }
  });
}

bool http_server::admit(std::string const& peer) {
  std::lock_guard lock(conns_mu_);
  // 0 = no per-address limit: a NAT'd office is one address. Nothing is counted then.
  auto const per_address = options_.max_connections_per_address;
  std::size_t* count = per_address == 0 ? nullptr : &per_address_[peer];
  if (conns_.size() >= options_.max_connections || (count != nullptr && *count >= per_address)) {
    if (count != nullptr && *count == 0) per_address_.erase(peer);
    if (!limit_logged_.exchange(true)) {
      spdlog::warn("connection limit reached (peer {}); refusing connections", peer);
    }
    return false;
  }
  if (count != nullptr) ++*count;
  limit_logged_.store(false);
  return true;
}

void http_server::connection_ended(std::shared_ptr<connection_state> const& c) {
  std::lock_guard lock(conns_mu_);
  conns_.erase(c);
  if (auto it = per_address_.find(c->address); it != per_address_.end() && --it->second == 0) {
    per_address_.erase(it);
  }
  if (stopping_.load() && conns_.empty()) {
    net::post(io_, [this] {
      grace_.cancel();
      signals_.cancel();
      hangup_.cancel();
    });
  }
}

void http_server::maintenance_loop() {
  std::unique_lock lock(maint_mu_);
  while (!maint_cv_.wait_for(lock, std::chrono::seconds(1), [this] { return maint_stop_; })) {
    lock.unlock();
    auto const run_all = [this](auto& jobs) { run_on(background_, jobs); };
    for (auto const& v : router_.vdirs()) v->maintain(run_all);
    lock.lock();
  }
}

}  // namespace bits::server
