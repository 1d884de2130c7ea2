// One access-log line per request, at info: remote address, method, target, packet
// type, session (short form; the full id only at debug), status, BITS error code and
// the cause of a failure (core::reply::cause), bytes, duration.
#pragma once

#include "core/message.hpp"

#include <boost/beast/core/string.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace bits::server {

class request_log {
 public:
  /// `remote` must outlive the log (it is the connection's).
  explicit request_log(std::string_view remote) : remote_(remote) {}

  void start(boost::beast::string_view method, boost::beast::string_view target);
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

  std::string_view remote_;
  std::string method_ = "-";
  std::string target_ = "-";
  std::string packet_ = "-";
  std::string note_;
  std::string principal_;
  std::uint64_t bytes_ = 0;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

}  // namespace bits::server
