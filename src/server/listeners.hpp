// The listening sockets: bound once at start-up, accepting until the server stops, and
// the port file that tells scripts and tests where they listen.
#pragma once

#include "server/event_loops.hpp"
#include "server/server_options.hpp"
#include "server/setup_error.hpp"

#include <boost/asio/ip/tcp.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace bits::server {

class listeners {
 public:
  /// Receives each accepted connection: its socket (bound to the loop it will live on)
  /// and whether the listener is tls://. Runs on the main loop.
  using accept_fn = std::function<void(boost::asio::ip::tcp::socket socket, bool tls)>;

  /// Listeners on `loops`' main loop; accepted sockets are dealt over every loop.
  explicit listeners(event_loops& loops) : loops_(loops) {}
  listeners(listeners const&) = delete;
  listeners& operator=(listeners const&) = delete;

  /// Opens, binds and listens on every endpoint, in order: "" = all addresses (IPv6
  /// dual-stack where the kernel allows), an address literal, or a name (each of its
  /// addresses). Logs each bound address. Errors name the address and carry the cause.
  [[nodiscard]] setup_result<> bind(std::vector<listen_endpoint> const& endpoints);

  /// The bound ports, in listener order.
  [[nodiscard]] std::vector<std::uint16_t> ports() const;

  /// Writes ports() and then `more`, one per line, to `path`: whole under a temporary
  /// name, then renamed, so a reader never sees half a file.
  [[nodiscard]] setup_result<> write_port_file(std::string const& path,
                                               std::vector<std::uint16_t> const& more = {}) const;

  /// Accepts on every listener until close(), handing connections to `on_accept`. A
  /// failed accept (EMFILE and friends) is logged and retried after a short pause.
  void start(accept_fn on_accept);

  /// Stops accepting and closes the listening sockets. On the main loop's thread.
  void close();

 private:
  struct listener {
    std::unique_ptr<boost::asio::ip::tcp::acceptor> acceptor;
    bool tls = false;
  };
  void accept_next(listener& l);

  event_loops& loops_;
  std::vector<listener> listeners_;
  accept_fn on_accept_;
  bool closed_ = false;  ///< touched by the main loop's thread only
};

}  // namespace bits::server
