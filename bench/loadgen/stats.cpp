// Latency summaries. Percentiles are exact (nearest-rank on the sorted samples): at most
// a few million samples per run, so sorting costs far less than the run itself.
#include "loadgen/stats.hpp"

#include <algorithm>
#include <cmath>

namespace bits::bench {

std::string_view op_name(op_kind k) noexcept {
  switch (k) {
    case op_kind::create:
      return "create";
    case op_kind::fragment:
      return "fragment";
    case op_kind::close:
      return "close";
    case op_kind::get:
      return "get";
    case op_kind::upload:
      return "upload";
  }
  return "?";
}

void thread_stats::error(std::string what) {
  ++errors;
  if (error_samples.size() < 10) error_samples.push_back(std::move(what));
}

void thread_stats::merge(thread_stats&& other) {
  for (std::size_t i = 0; i < op_kind_count; ++i) {
    samples[i].insert(samples[i].end(), other.samples[i].begin(), other.samples[i].end());
  }
  bytes_up += other.bytes_up;
  bytes_down += other.bytes_down;
  uploads_done += other.uploads_done;
  sessions_opened += other.sessions_opened;
  errors += other.errors;
  for (auto& e : other.error_samples) {
    if (error_samples.size() < 10) error_samples.push_back(std::move(e));
  }
}

namespace {

std::vector<std::uint32_t> micros_between(std::vector<sample> const& all, std::uint32_t from_ms,
                                          std::uint32_t to_ms) {
  std::vector<std::uint32_t> v;
  v.reserve(all.size());
  for (auto const& s : all) {
    if (s.at_ms >= from_ms && s.at_ms < to_ms) v.push_back(s.micros);
  }
  std::sort(v.begin(), v.end());
  return v;
}

/// Nearest-rank percentile `p` (0..1) of sorted `v`, in ms.
double rank_ms(std::vector<std::uint32_t> const& v, double p) {
  if (v.empty()) return 0;
  auto idx = static_cast<std::size_t>(std::ceil(p * static_cast<double>(v.size())));
  idx = std::clamp<std::size_t>(idx, 1, v.size()) - 1;
  return static_cast<double>(v[idx]) / 1000.0;
}

}  // namespace

nlohmann::json summarize(std::vector<sample> const& all, std::uint32_t from_ms,
                         std::uint32_t to_ms) {
  auto const v = micros_between(all, from_ms, to_ms);
  double sum = 0;
  for (auto m : v) sum += m;
  nlohmann::json j;
  j["count"] = v.size();
  j["mean_ms"] = v.empty() ? 0.0 : sum / static_cast<double>(v.size()) / 1000.0;
  j["p50_ms"] = rank_ms(v, 0.50);
  j["p99_ms"] = rank_ms(v, 0.99);
  j["p999_ms"] = rank_ms(v, 0.999);
  j["max_ms"] = v.empty() ? 0.0 : static_cast<double>(v.back()) / 1000.0;
  return j;
}

nlohmann::json window_p99(std::vector<sample> const& all, std::uint32_t from_ms,
                          std::uint32_t to_ms, unsigned windows) {
  nlohmann::json out = nlohmann::json::array();
  if (windows == 0 || to_ms <= from_ms) return out;
  auto const span = (to_ms - from_ms) / windows;
  for (unsigned w = 0; w < windows; ++w) {
    auto const a = from_ms + w * span;
    auto const b = w + 1 == windows ? to_ms : a + span;
    auto const v = micros_between(all, a, b);
    out.push_back({{"from_s", (a - from_ms) / 1000.0},
                   {"to_s", (b - from_ms) / 1000.0},
                   {"count", v.size()},
                   {"p99_ms", rank_ms(v, 0.99)}});
  }
  return out;
}

}  // namespace bits::bench
