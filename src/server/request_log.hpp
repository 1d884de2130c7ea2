// One access-log line per request, at info: remote address, method, target, packet
// type, session (short form; the full id only at debug), status, BITS error code and
// the cause of a failure (core::reply::cause), bytes, duration; and the request counted
// in the metrics and, when it failed, in the status page's errors. With log_format =
// "json" the same fields as one JSON object: remote, method, target, packet, session,
// status, error, cause, bytes, ms, note (error, cause and note only when present;
// "aborted": true instead of status for a body cut off).
#pragma once

#include "core/message.hpp"
#include "server/activity.hpp"
#include "server/metrics.hpp"

#include <boost/beast/core/string.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace bits::server {

/// Where each request is also counted: the metrics, and the recent errors of the
/// status page. Owned by the server.
struct request_observers {
  server_metrics& metrics;
  activity& recent;
};

class request_log {
 public:
  /// `remote` must outlive the log (it is the connection's); so must `observers`, which
  /// count the request too (null: only the log line).
  explicit request_log(std::string_view remote, request_observers const* observers = nullptr)
      : remote_(remote), observers_(observers) {}

  /// The client's address from now on (a trusted proxy named it); must outlive the log.
  void remote(std::string_view client) noexcept { remote_ = client; }

  void start(boost::beast::string_view method, boost::beast::string_view target);
  /// Also the request's packet type for the metrics, whatever the log level.
  void packet(std::optional<std::string_view> type);
  void bytes_in(std::uint64_t n) noexcept { bytes_ = n; }
  /// The authenticated principal ("" = none).
  void principal(std::string_view name) { principal_ = name; }
  void malformed(std::string_view why) { note_ = why; }
  /// The body was cut off after `n` bytes: logged at once, no reply follows.
  void aborted(std::uint64_t n);
  /// Logs the line for `reply`.
  void finish(core::reply const& reply);

 private:
  /// False when info lines are off: then nothing is formatted at all.
  [[nodiscard]] static bool enabled() noexcept;

  void observe(core::reply const& reply);

  std::string_view remote_;
  request_observers const* observers_;
  packet_kind kind_ = packet_kind::none;
  std::string method_ = "-";
  std::string target_ = "-";
  std::string packet_ = "-";
  std::string note_;
  std::string principal_;
  std::uint64_t bytes_ = 0;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

}  // namespace bits::server
