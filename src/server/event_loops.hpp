// The event loops of the I/O threads: one io_context per thread, connections dealt
// round-robin over them.
#pragma once

#include <boost/asio/io_context.hpp>

#include <cstddef>
#include <memory>
#include <vector>

namespace bits::server {

/// One event loop per I/O thread, each run by exactly one thread, so a connection's
/// handlers never run concurrently and never move between cores.
class event_loops {
 public:
  /// `threads` loops; 0 = one per core.
  explicit event_loops(unsigned threads);
  event_loops(event_loops const&) = delete;
  event_loops& operator=(event_loops const&) = delete;

  /// The loop of the thread that calls run(). It also owns the server's listeners,
  /// signals and timers.
  [[nodiscard]] boost::asio::io_context& main() noexcept { return main_; }

  /// The loop for the next connection, round-robin over every loop. Called from the main
  /// loop's thread only (accept handlers).
  [[nodiscard]] boost::asio::io_context& next() noexcept;

  [[nodiscard]] std::size_t size() const noexcept { return others_.size() + 1; }

  /// Runs the main loop on the calling thread and each other loop on a thread of its
  /// own, until the main loop runs out of work (after a stop, when the last connection
  /// of any loop has ended) or stop(); then joins the threads.
  void run();

  /// Stops every loop at once, whatever is still running on them. Thread-safe.
  void stop();

 private:
  boost::asio::io_context main_{1};
  std::vector<std::unique_ptr<boost::asio::io_context>> others_;
  std::size_t next_ = 0;  ///< touched by the main loop's thread only
};

}  // namespace bits::server
