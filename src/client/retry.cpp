// Status classification and the backoff arithmetic.
#include "client/retry.hpp"

#include "net/curl_error.hpp"

#include <algorithm>

namespace bits::client {

bool is_transient_status(unsigned status) noexcept {
  if (status >= 300 && status < 400) return !(status <= 305 || status == 307);
  if (status >= 400 && status < 500) return status == 408 || status == 409 || status == 429;
  if (status >= 500 && status < 600) return status != 501 && status != 505;
  return true;
}

bool is_transient_error(boost::system::error_code const& ec) noexcept {
  return net::is_transient_transport_error(ec);
}

retry_tracker::retry_tracker(retry_settings settings, clock& clk, std::uint64_t seed)
    : settings_(settings), clock_(clk), rng_(seed | 1u) {}

// xorshift64*: the jitter needs spread, not cryptographic quality.
std::uint64_t retry_tracker::random() noexcept {
  rng_ ^= rng_ >> 12u;
  rng_ ^= rng_ << 25u;
  rng_ ^= rng_ >> 27u;
  return rng_ * 2685821657736338717ull;
}

std::optional<clock::duration> retry_tracker::next_delay() {
  auto const now = clock_.now();
  if (!run_start_) run_start_ = now;
  ++run_;
  ++total_;
  using ms = std::chrono::milliseconds;
  auto const first = std::max<ms::rep>(settings_.first_delay.count(), 1);
  auto const cap = std::max<ms::rep>(settings_.max_delay.count(), first);
  ms::rep step = first;
  for (std::uint32_t i = 1; i < run_ && step < cap; ++i) step *= 2;
  step = std::min(step, cap);
  auto const half = step / 2;
  auto const jitter = static_cast<ms::rep>(random() % static_cast<std::uint64_t>(step - half + 1));
  clock::duration const delay = ms(half + jitter);
  // The last attempt happens at the end of the budget rather than not at all.
  auto const deadline = *run_start_ + settings_.retry_for;
  if (now >= deadline) return std::nullopt;
  return std::min<clock::duration>(delay, deadline - now);
}

void retry_tracker::progress() noexcept {
  run_start_.reset();
  run_ = 0;
}

}  // namespace bits::client
