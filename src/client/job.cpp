// Shared job helpers.
#include "client/job.hpp"

#include "client/job_internal.hpp"

#include <random>

namespace bits::client {

std::string_view to_string(job_phase p) noexcept {
  switch (p) {
    case job_phase::connecting:
      return "connecting";
    case job_phase::creating:
      return "creating session";
    case job_phase::uploading:
      return "uploading";
    case job_phase::fetching_reply:
      return "fetching reply";
    case job_phase::closing:
      return "closing";
    case job_phase::downloading:
      return "downloading";
    case job_phase::waiting:
      return "waiting to retry";
    case job_phase::done:
      return "done";
  }
  return "unknown";
}

namespace detail {

std::uint64_t seed_or_random(std::uint64_t seed) {
  if (seed != 0) return seed;
  std::random_device rd;
  return (static_cast<std::uint64_t>(rd()) << 32u) ^ rd();
}

failure transport_failure(boost::system::error_code const& ec, std::string where) {
  failure f;
  f.ec = ec;
  f.where = std::move(where);
  f.transient = is_transient_error(ec);
  return f;
}

failure cancelled_failure() {
  failure f;
  f.ec = make_error_code(errc::cancelled);
  return f;
}

std::string format_delay(clock::duration d) {
  auto const ms = std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
  if (ms < 10'000) return std::to_string(ms / 1000) + "." + std::to_string(ms % 1000 / 100) + "s";
  return std::to_string(ms / 1000) + "s";
}

bool wait_for_retry(retry_tracker& retry, failure& f, job_hooks const& hooks, clock& clk,
                    progress_info progress) {
  auto const delay = retry.next_delay();
  if (!delay) {
    auto const budget =
        std::chrono::duration_cast<std::chrono::seconds>(retry.settings().retry_for);
    f.detail = (f.detail.empty() ? "" : f.detail + "; ") + "gave up after " +
               std::to_string(retry.run_failures()) + " attempts in " +
               std::to_string(budget.count()) + "s (--retry-for)";
    return false;
  }
  if (hooks.on_event) {
    hooks.on_event("! " + describe(f) + "; retrying in " + format_delay(*delay));
  }
  if (hooks.on_progress) {
    progress.phase = job_phase::waiting;
    progress.retries = retry.total_failures();
    progress.retry_in = *delay;
    progress.last_error = describe(f);
    hooks.on_progress(progress);
  }
  if (!clk.sleep_for(*delay, hooks.stop)) {
    f = cancelled_failure();
    return false;
  }
  return true;
}

}  // namespace detail
}  // namespace bits::client
