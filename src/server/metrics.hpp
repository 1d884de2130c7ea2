// The server's metrics for Prometheus (/metrics on the admin listener), recorded from
// the request path without a global lock: counters are prometheus-cpp's (atomic), and
// the label children of each request counter are resolved once per thread and kept
// (Family::Add locks); histograms are this file's, with atomic buckets, because
// prometheus-cpp's Histogram::Observe takes a mutex.
#pragma once

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/metric_family.h>
#include <prometheus/registry.h>

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bits::server {

/// A latency histogram with fixed buckets (0.5 ms .. 60 s): observe() is a few relaxed
/// atomic adds.
class latency_histogram {
 public:
  static constexpr std::array<double, 16> bounds{
      0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};

  void observe(std::chrono::nanoseconds took) noexcept;

  /// The Prometheus form (cumulative buckets, +Inf last), labelled `labels`.
  [[nodiscard]] prometheus::ClientMetric collect(
      std::vector<prometheus::ClientMetric::Label> labels = {}) const;

  /// Observations so far.
  [[nodiscard]] std::uint64_t count() const noexcept;

 private:
  std::array<std::atomic<std::uint64_t>, bounds.size() + 1> counts_{};  ///< per bucket, +Inf last
  std::atomic<std::uint64_t> sum_ns_{0};
};

/// The packet types a request is counted under; `none` for requests that are not a
/// BITS_POST (GET, HEAD, ...), `other` for a BITS_POST without a known type.
enum class packet_kind : std::uint8_t {
  none,
  ping,
  create_session,
  fragment,
  close_session,
  cancel_session,
  other
};

/// The packet type's name as sent ("Fragment"); "none" and "other" for those two.
[[nodiscard]] std::string_view packet_name(packet_kind kind) noexcept;

/// The packet_kind of a BITS-Packet-Type value (case-insensitive); empty = none.
[[nodiscard]] packet_kind kind_of_packet(std::optional<std::string_view> type) noexcept;

/// Everything the request path counts. Thread-safe; shared by every connection.
class server_metrics {
 public:
  server_metrics();
  server_metrics(server_metrics const&) = delete;
  server_metrics& operator=(server_metrics const&) = delete;

  /// One answered request: counted by packet type, status and BITS error code
  /// (`error_code` as sent, e.g. "0x80070070"; empty = none), its body bytes added to
  /// the bytes received, its duration observed when it is a Fragment.
  void request(packet_kind packet, unsigned status, std::string_view error_code,
               std::uint64_t body_bytes, std::chrono::nanoseconds took);
  /// A request whose body was cut off after `body_bytes`.
  void aborted(std::uint64_t body_bytes);
  void tls_failure() { tls_failures_.Increment(); }
  /// Credentials were sent and refused (a bare challenge is not a failure).
  void auth_failure() { auth_failures_.Increment(); }
  /// One upload-reply call to a server application, and how it went.
  void upload_reply(bool ok, std::chrono::nanoseconds took);

  /// The registry of the counters above, for the exposition.
  [[nodiscard]] prometheus::Registry& registry() noexcept { return *registry_; }
  /// The families only this class can collect (its own histograms).
  [[nodiscard]] std::vector<prometheus::MetricFamily> collect_histograms() const;

  /// Totals for the status page's rates.
  [[nodiscard]] double requests_total() const;
  [[nodiscard]] double bytes_received() const { return bytes_.Value(); }

 private:
  prometheus::Counter& request_counter(packet_kind packet, unsigned status,
                                       std::string_view error_code);

  std::uint64_t const id_;  ///< tells this instance's per-thread caches from another's
  std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Family<prometheus::Counter>& requests_;
  prometheus::Counter& bytes_;
  prometheus::Counter& aborted_;
  prometheus::Counter& tls_failures_;
  prometheus::Counter& auth_failures_;
  prometheus::Family<prometheus::Counter>& reply_calls_;
  prometheus::Counter& reply_ok_;
  prometheus::Counter& reply_failed_;
  std::atomic<std::uint64_t> requests_seen_{0};
  latency_histogram fragment_latency_;
  latency_histogram reply_latency_;
};

/// The text exposition of `families` (Prometheus text format 0.0.4).
[[nodiscard]] std::string to_text(std::vector<prometheus::MetricFamily> const& families);

}  // namespace bits::server
