// The client coroutines of openbits_loadgen: uploaders (whole sessions, or one slow
// session each) and ranged downloaders, over HTTP or the sink's raw protocol.
#pragma once

#include "loadgen/options.hpp"
#include "loadgen/stats.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <chrono>
#include <optional>
#include <random>

namespace bits::bench {

using steady = std::chrono::steady_clock;

/// State shared by every event loop. Written by the controlling thread only before the
/// loops start, or through the atomics.
struct shared_state {
  steady::time_point origin = steady::now();   ///< at_ms of every sample counts from here
  std::optional<steady::time_point> deadline;  ///< no new request after it (upload mode)
  std::atomic<bool> stop{false};               ///< no new request once set
  std::atomic<bool> gate_open{false};          ///< idle mode: the steady phase has begun
  std::atomic<unsigned> settled{0};            ///< idle mode: clients done ramping (ok or not)

  [[nodiscard]] bool running() const {
    return !stop.load(std::memory_order_relaxed) && (!deadline || steady::now() < *deadline);
  }
  [[nodiscard]] std::uint32_t ms_since_origin() const {
    return static_cast<std::uint32_t>(
        std::chrono::duration_cast<std::chrono::milliseconds>(steady::now() - origin).count());
  }
};

/// One event loop and everything its clients share. Only the loop's own thread touches
/// `stats`, `rng` and `gate` while it runs.
struct loop_ctx {
  loop_ctx(options const& o, shared_state& s, boost::asio::ip::tcp::endpoint ep, unsigned i)
      : opt(o), shared(s), server(ep), index(i), rng(o.seed * 7919 + i), gate(io) {
    gate.expires_at(steady::time_point::max());
  }

  options const& opt;
  shared_state& shared;
  boost::asio::ip::tcp::endpoint server;
  unsigned index;
  boost::asio::io_context io{1};
  thread_stats stats;
  std::mt19937_64 rng;
  boost::asio::steady_timer gate;  ///< idle mode: cancelled when the gate opens

  void record(op_kind k, steady::time_point started) {
    auto const us = std::chrono::duration_cast<std::chrono::microseconds>(steady::now() - started);
    stats.record(k, shared.ms_since_origin(), static_cast<std::uint32_t>(us.count()));
  }
};

/// Uploads whole files back to back (upload mode) until opt.files or the deadline.
boost::asio::awaitable<void> upload_client(loop_ctx& loop, unsigned id);

/// Opens one session during the ramp, waits for the gate, then sends one small
/// Fragment every opt.interval seconds until stopped (idle mode). Never closes it.
boost::asio::awaitable<void> idle_client(loop_ctx& loop, unsigned id);

/// Ranged GETs of opt.range_size bytes at random offsets until the deadline.
boost::asio::awaitable<void> download_client(loop_ctx& loop, unsigned id);

}  // namespace bits::bench
