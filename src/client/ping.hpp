// `openbits ping`: one BITS Ping packet, timed (reference 3.1).
#pragma once

#include "client/failure.hpp"
#include "client/job.hpp"
#include "client/transport.hpp"

#include <chrono>
#include <optional>
#include <string>

namespace bits::client {

struct ping_result {
  std::optional<failure> error;             ///< empty = 2xx Ack
  unsigned status = 0;                      ///< 0 when no response arrived
  std::chrono::microseconds round_trip{0};  ///< the whole exchange, connect included
};

/// Sends one Ping to `url`; no retries. An answer other than 2xx is a failure
/// (failure_from_response), as is a transport error.
[[nodiscard]] ping_result run_ping(transport& t, std::string const& url, job_hooks const& hooks);

}  // namespace bits::client
