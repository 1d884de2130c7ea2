// Progress output for the command line: a rate estimate over the last seconds, a live
// bar for terminals, and plain lines for logs (CI, cron, pipes).
#pragma once

#include "client/job.hpp"

#include <chrono>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <utility>

namespace bits::client {

/// Transfer rate over a sliding window of samples (default 5 s), and the ETA from it.
class rate_meter {
 public:
  explicit rate_meter(std::chrono::milliseconds window = std::chrono::seconds(5));

  /// Records that `bytes` were done at `now`. A value below the last one (a restart or
  /// a resynchronisation backwards) resets the window.
  void add(clock::time_point now, std::uint64_t bytes);

  /// Bytes per second over the window; 0 until two samples span some time.
  [[nodiscard]] double rate() const noexcept;

  /// Seconds until `total` at the current rate; negative when unknown.
  [[nodiscard]] double eta(std::uint64_t total) const noexcept;

 private:
  std::chrono::milliseconds window_;
  std::deque<std::pair<clock::time_point, std::uint64_t>> samples_;
};

/// Percent of `info` as an integer 0..100 (100 for an empty file once done).
[[nodiscard]] int percent(progress_info const& info) noexcept;

/// One log line, no newline:
///   "openbits: upload  45% 471859200/1048576000 bytes, 120 MiB/s, ETA 5s"
///   "openbits: upload waiting to retry in 2.0s (retry 3): <reason>"
/// `operation` is "upload", "download", ...
[[nodiscard]] std::string format_progress_line(std::string_view operation,
                                               progress_info const& info, double rate,
                                               double eta_seconds);

/// The live terminal bar, without "\r" or escape sequences, at most `width` columns:
///   "[=========>          ]  45% 450 MiB/1000 MiB 120 MiB/s ETA 5s"
[[nodiscard]] std::string format_progress_bar(progress_info const& info, double rate,
                                              double eta_seconds, std::size_t width);

}  // namespace bits::client
