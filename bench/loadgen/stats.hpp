// Per-thread counters and latency samples of openbits_loadgen, and the summaries made of
// them (exact percentiles: every sample is kept, a run has at most a few million).
#pragma once

#include <nlohmann/json.hpp>

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace bits::bench {

/// What a latency sample measures: one request/response exchange, or a whole upload.
enum class op_kind { create, fragment, close, get, upload };
inline constexpr std::size_t op_kind_count = 5;

/// The JSON name of `k`: "create", "fragment", "close", "get", "upload".
[[nodiscard]] std::string_view op_name(op_kind k) noexcept;

/// One exchange: when it ended (ms since the run's origin) and how long it took (µs).
struct sample {
  std::uint32_t at_ms = 0;
  std::uint32_t micros = 0;
};

/// Counters of one event loop. Not thread-safe: each loop owns one, merged at the end.
struct thread_stats {
  std::array<std::vector<sample>, op_kind_count> samples;
  std::uint64_t bytes_up = 0;    ///< request body bytes acknowledged by the peer
  std::uint64_t bytes_down = 0;  ///< response body bytes received
  std::uint64_t uploads_done = 0;
  std::uint64_t sessions_opened = 0;
  std::uint64_t errors = 0;
  std::vector<std::string> error_samples;  ///< the first few error descriptions

  void record(op_kind k, std::uint32_t at_ms, std::uint32_t micros) {
    samples[static_cast<std::size_t>(k)].push_back({at_ms, micros});
  }
  /// Counts one error; keeps its text if fewer than 10 are kept already.
  void error(std::string what);
  /// Adds `other` into this one.
  void merge(thread_stats&& other);
};

/// count, mean, p50, p99, p999 and max in milliseconds of the samples of `k` whose
/// at_ms lies in [from_ms, to_ms).
[[nodiscard]] nlohmann::json summarize(std::vector<sample> const& all, std::uint32_t from_ms,
                                       std::uint32_t to_ms);

/// p99 in ms of each of `windows` equal slices of [from_ms, to_ms), as an array of
/// {"from_s", "to_s", "count", "p99_ms"}.
[[nodiscard]] nlohmann::json window_p99(std::vector<sample> const& all, std::uint32_t from_ms,
                                        std::uint32_t to_ms, unsigned windows);

}  // namespace bits::bench
