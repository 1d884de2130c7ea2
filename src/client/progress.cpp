// Rate estimate and progress text.
#include "client/progress.hpp"

#include "client/units.hpp"

#include <algorithm>

namespace bits::client {

rate_meter::rate_meter(std::chrono::milliseconds window) : window_(window) {}

void rate_meter::add(clock::time_point now, std::uint64_t bytes) {
  if (!samples_.empty() && bytes < samples_.back().second) samples_.clear();
  samples_.emplace_back(now, bytes);
  // Keep one sample older than the window so the rate always spans the whole window.
  while (samples_.size() > 2 && now - samples_[1].first >= window_) samples_.pop_front();
}

double rate_meter::rate() const noexcept {
  if (samples_.size() < 2) return 0;
  auto const span = std::chrono::duration<double>(samples_.back().first - samples_.front().first);
  if (span.count() <= 0) return 0;
  return static_cast<double>(samples_.back().second - samples_.front().second) / span.count();
}

double rate_meter::eta(std::uint64_t total) const noexcept {
  double const r = rate();
  if (samples_.empty() || r <= 0) return -1;
  auto const done = samples_.back().second;
  return total > done ? static_cast<double>(total - done) / r : 0;
}

int percent(progress_info const& info) noexcept {
  if (info.bytes_total == 0) return info.phase == job_phase::done ? 100 : 0;
  auto const done = std::min(info.bytes_done, info.bytes_total);
  return static_cast<int>(done * 100 / info.bytes_total);
}

std::string format_progress_line(std::string_view operation, progress_info const& info, double rate,
                                 double eta_seconds) {
  std::string line = "openbits: " + std::string(operation);
  if (info.phase == job_phase::waiting) {
    auto const ms = std::chrono::duration_cast<std::chrono::milliseconds>(info.retry_in);
    line += " waiting to retry in " + format_duration(ms) + " (retry " +
            std::to_string(info.retries) + "): " + info.last_error;
    return line;
  }
  std::string pct = std::to_string(percent(info));
  line += std::string(4 - std::min<std::size_t>(pct.size(), 3), ' ') + pct + "% " +
          std::to_string(info.bytes_done) + "/" + std::to_string(info.bytes_total) + " bytes, " +
          format_rate(rate) + ", ETA " + format_eta(eta_seconds);
  if (info.phase != job_phase::uploading && info.phase != job_phase::downloading) {
    line += " (" + std::string(to_string(info.phase)) + ")";
  }
  return line;
}

std::string format_progress_bar(progress_info const& info, double rate, double eta_seconds,
                                std::size_t width) {
  int const pct = percent(info);
  std::string tail = std::string(pct < 10 ? "  " : (pct < 100 ? " " : "")) + std::to_string(pct) +
                     "% " + format_bytes(info.bytes_done) + "/" + format_bytes(info.bytes_total) +
                     " " + format_rate(rate) + " ETA " + format_eta(eta_seconds);
  if (info.phase == job_phase::waiting) {
    auto const ms = std::chrono::duration_cast<std::chrono::milliseconds>(info.retry_in);
    tail = std::to_string(pct) + "% retry " + std::to_string(info.retries) + " in " +
           format_duration(ms) + ": " + info.last_error;
  } else if (info.phase != job_phase::uploading && info.phase != job_phase::downloading) {
    tail += " " + std::string(to_string(info.phase));
  }
  // A fixed bar width keeps the bar steady while the text after it changes length.
  std::size_t const bar = width >= tail.size() + 33 ? 30 : 10;
  std::size_t const fill = bar * static_cast<std::size_t>(pct) / 100;
  std::string out = "[" + std::string(fill, '=');
  if (fill < bar) out += ">" + std::string(bar - fill - 1, ' ');
  out += "] " + tail;
  if (out.size() > width) out.resize(width);
  return out;
}

}  // namespace bits::client
