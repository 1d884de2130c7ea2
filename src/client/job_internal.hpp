// Helpers shared by the job implementations; not part of the library's API.
#pragma once

#include "client/failure.hpp"
#include "client/job.hpp"
#include "client/retry.hpp"

#include <cstdint>
#include <string>

namespace bits::client::detail {

/// `seed`, or a random one when it is 0.
[[nodiscard]] std::uint64_t seed_or_random(std::uint64_t seed);

/// A failure for a transport error, transient per is_transient_error.
[[nodiscard]] failure transport_failure(boost::system::error_code const& ec, std::string where);

/// errc::cancelled.
[[nodiscard]] failure cancelled_failure();

/// "1.5s", "30s".
[[nodiscard]] std::string format_delay(clock::duration d);

/// Records `f` in `retry`; when the budget allows, reports the wait (event + progress
/// in phase waiting) and sleeps. False when the budget is spent (f.detail then says so)
/// or the job was stopped during the wait (f becomes errc::cancelled).
[[nodiscard]] bool wait_for_retry(retry_tracker& retry, failure& f, job_hooks const& hooks,
                                  clock& clk, progress_info progress);

}  // namespace bits::client::detail
