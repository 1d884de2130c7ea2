// Request counters with per-thread label caches, and lock-free histograms.
#include "server/metrics.hpp"

#include "core/message.hpp"
#include "core/wire_error.hpp"

#include <prometheus/text_serializer.h>

#include <charconv>
#include <cstdio>
#include <limits>
#include <sstream>
#include <unordered_map>

namespace bits::server {

namespace {

constexpr std::array<std::string_view, 7> packet_names{
    "none", "Ping", "Create-Session", "Fragment", "Close-Session", "Cancel-Session", "other"};

std::atomic<std::uint64_t> next_id{1};

/// A request counter's labels packed into one word: packet (8 bits), status (16 bits),
/// BITS error code (32 bits, 0 = none).
std::uint64_t pack(packet_kind packet, unsigned status, std::uint32_t code) noexcept {
  return (static_cast<std::uint64_t>(packet) << 56U) |
         (static_cast<std::uint64_t>(status & 0xFFFFU) << 32U) | code;
}

std::uint32_t parse_code(std::string_view text) noexcept {
  if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X'))
    text.remove_prefix(2);
  std::uint32_t value = 0;
  auto const [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value, 16);
  return ec == std::errc{} && end == text.data() + text.size() ? value : 0;
}

}  // namespace

void latency_histogram::observe(std::chrono::nanoseconds took) noexcept {
  double const s = std::chrono::duration<double>(took).count();
  std::size_t i = 0;
  while (i < bounds.size() && s > bounds[i]) ++i;
  counts_[i].fetch_add(1, std::memory_order_relaxed);
  sum_ns_.fetch_add(static_cast<std::uint64_t>(took.count() < 0 ? 0 : took.count()),
                    std::memory_order_relaxed);
}

std::uint64_t latency_histogram::count() const noexcept {
  std::uint64_t n = 0;
  for (auto const& c : counts_) n += c.load(std::memory_order_relaxed);
  return n;
}

prometheus::ClientMetric latency_histogram::collect(
    std::vector<prometheus::ClientMetric::Label> labels) const {
  prometheus::ClientMetric m;
  m.label = std::move(labels);
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i < counts_.size(); ++i) {
    cumulative += counts_[i].load(std::memory_order_relaxed);
    double const bound = i < bounds.size() ? bounds[i] : std::numeric_limits<double>::infinity();
    m.histogram.bucket.push_back({cumulative, bound});
  }
  m.histogram.sample_count = cumulative;
  m.histogram.sample_sum = static_cast<double>(sum_ns_.load(std::memory_order_relaxed)) / 1e9;
  return m;
}

std::string_view packet_name(packet_kind kind) noexcept {
  return packet_names[static_cast<std::size_t>(kind)];
}

packet_kind kind_of_packet(std::optional<std::string_view> type) noexcept {
  if (!type) return packet_kind::none;
  for (std::size_t i = 1; i + 1 < packet_names.size(); ++i) {
    if (core::iequals(*type, packet_names[i])) return static_cast<packet_kind>(i);
  }
  return packet_kind::other;
}

server_metrics::server_metrics()
    : id_(next_id.fetch_add(1)),
      registry_(std::make_shared<prometheus::Registry>()),
      requests_(prometheus::BuildCounter()
                    .Name("openbits_requests_total")
                    .Help("Requests answered, by BITS packet type (none: not a BITS_POST), "
                          "HTTP status and BITS error code")
                    .Register(*registry_)),
      bytes_(prometheus::BuildCounter()
                 .Name("openbits_received_bytes_total")
                 .Help("Request body bytes received")
                 .Register(*registry_)
                 .Add({})),
      aborted_(prometheus::BuildCounter()
                   .Name("openbits_requests_aborted_total")
                   .Help("Requests whose body was cut off by the client or a timeout")
                   .Register(*registry_)
                   .Add({})),
      tls_failures_(prometheus::BuildCounter()
                        .Name("openbits_tls_handshake_failures_total")
                        .Help("TLS handshakes that failed")
                        .Register(*registry_)
                        .Add({})),
      auth_failures_(prometheus::BuildCounter()
                         .Name("openbits_auth_failures_total")
                         .Help("Requests whose credentials were refused (401 after credentials)")
                         .Register(*registry_)
                         .Add({})),
      reply_calls_(prometheus::BuildCounter()
                       .Name("openbits_upload_reply_calls_total")
                       .Help("Upload-reply calls to server applications, by outcome")
                       .Register(*registry_)),
      reply_ok_(reply_calls_.Add({{"outcome", "ok"}})),
      reply_failed_(reply_calls_.Add({{"outcome", "failed"}})) {}

prometheus::Counter& server_metrics::request_counter(packet_kind packet, unsigned status,
                                                     std::string_view error_code) {
  // Family::Add takes the family's lock: each thread asks it once per label set and
  // keeps the pointer (counters live as long as the registry).
  struct cache {
    std::uint64_t owner = 0;
    std::unordered_map<std::uint64_t, prometheus::Counter*> counters;
  };
  thread_local cache mine;
  if (mine.owner != id_) {
    mine.owner = id_;
    mine.counters.clear();
  }
  auto const code = parse_code(error_code);
  auto const key = pack(packet, status, code);
  if (auto it = mine.counters.find(key); it != mine.counters.end()) return *it->second;
  auto& c = requests_.Add({{"packet", std::string(packet_names[static_cast<std::size_t>(packet)])},
                           {"status", std::to_string(status)},
                           {"error_code", code == 0 ? std::string() : core::format_hresult(code)}});
  mine.counters.emplace(key, &c);
  return c;
}

void server_metrics::request(packet_kind packet, unsigned status, std::string_view error_code,
                             std::uint64_t body_bytes, std::chrono::nanoseconds took) {
  request_counter(packet, status, error_code).Increment();
  requests_seen_.fetch_add(1, std::memory_order_relaxed);
  if (body_bytes > 0) bytes_.Increment(static_cast<double>(body_bytes));
  if (packet == packet_kind::fragment) fragment_latency_.observe(took);
}

void server_metrics::aborted(std::uint64_t body_bytes) {
  aborted_.Increment();
  if (body_bytes > 0) bytes_.Increment(static_cast<double>(body_bytes));
}

void server_metrics::upload_reply(bool ok, std::chrono::nanoseconds took) {
  (ok ? reply_ok_ : reply_failed_).Increment();
  reply_latency_.observe(took);
}

double server_metrics::requests_total() const {
  return static_cast<double>(requests_seen_.load(std::memory_order_relaxed));
}

std::vector<prometheus::MetricFamily> server_metrics::collect_histograms() const {
  std::vector<prometheus::MetricFamily> out;
  out.push_back({"openbits_fragment_duration_seconds",
                 "Time to serve a Fragment request, from its head to its Ack",
                 prometheus::MetricType::Histogram,
                 {fragment_latency_.collect()}});
  out.push_back({"openbits_upload_reply_duration_seconds",
                 "Time a server application took to answer an upload-reply call",
                 prometheus::MetricType::Histogram,
                 {reply_latency_.collect()}});
  return out;
}

std::string to_text(std::vector<prometheus::MetricFamily> const& families) {
  std::ostringstream out;
  prometheus::TextSerializer{}.Serialize(out, families);
  return out.str();
}

}  // namespace bits::server
