// The set of live connections: admission against the connection limits when they
// arrive, and the walk that closes idle ones when the server stops.
#pragma once

#include "server/connection_state.hpp"

#include <atomic>
#include <cstddef>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <unordered_map>

namespace bits::server {

/// Thread-safe, with a lock of its own: connections are admitted on the main loop and
/// end on any loop.
class connection_registry {
 public:
  /// At most `max_connections` connections over all listeners, and
  /// `max_per_address` from one address (0 = no per-address limit: a NAT'd office is
  /// one address, and nothing is counted per address then).
  connection_registry(std::size_t max_connections, std::size_t max_per_address)
      : max_(max_connections), max_per_address_(max_per_address) {}

  /// Counts a new connection from `address`, or refuses it when a limit is reached (one
  /// warning per episode: logged again only after a connection was admitted). Every
  /// admitted connection must then be insert()ed and, when it ends, erase()d.
  [[nodiscard]] bool admit(std::string const& address);

  /// New limits (a reload): they apply to the next admission; connections open now stay.
  void set_limits(std::size_t max_connections, std::size_t max_per_address);

  /// Registers an admitted connection, so that a stop can reach it.
  void insert(std::shared_ptr<connection_state> c);

  /// The connection ended: forgets it and its admission. True when it was the last one
  /// and the server is stopping (the stop can then complete).
  bool erase(std::shared_ptr<connection_state> const& c);

  /// Begins the graceful stop: stopping() turns true, idle connections are closed now
  /// (the check runs on each connection's own loop, so it cannot race its coroutine),
  /// busy ones finish their request first. True when no connection is left.
  bool stop();

  /// Set by stop(); connections read it to end after their current request.
  [[nodiscard]] std::atomic<bool> const& stopping() const noexcept { return stopping_; }

  /// Connections admitted and not yet ended.
  [[nodiscard]] std::size_t size() const;

 private:
  mutable std::mutex mu_;
  std::size_t max_;                                           ///< guarded by mu_
  std::size_t max_per_address_;                               ///< guarded by mu_
  std::set<std::shared_ptr<connection_state>> live_;          ///< guarded by mu_
  std::unordered_map<std::string, std::size_t> per_address_;  ///< guarded by mu_
  std::size_t admitted_ = 0;                                  ///< guarded by mu_
  std::atomic<bool> limit_logged_{false};
  std::atomic<bool> stopping_{false};
};

}  // namespace bits::server
