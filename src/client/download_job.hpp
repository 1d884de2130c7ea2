// A BITS-style download (reference 10): HEAD for the size, then GET with Range from
// where the local file ends, verifying every 206's Content-Range (a 206 shorter than
// asked is fine: the next GET asks for the rest); a server that answers a ranged GET
// with 200 is refused (BG_E_INSUFFICIENT_RANGE_SUPPORT), as BITS does.
// A partial local file is resumed; the final size is verified. Used for `openbits
// download` and for the reply of an upload-reply job.
#pragma once

#include "client/failure.hpp"
#include "client/job.hpp"
#include "client/retry.hpp"
#include "client/transport.hpp"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace bits::client {

struct download_options {
  std::string url;
  std::filesystem::path file;  ///< written in place; an existing file is resumed
  /// Remembers size and validators (Last-Modified, ETag) of the remote file, so that a
  /// rerun restarts from zero when the remote file was replaced. Empty: no state; a
  /// partial file is then resumed on its size alone (like `curl -C -`).
  std::filesystem::path state_path;
  retry_settings retry;
  unsigned max_restarts = 3;  ///< remote file changes tolerated within one run
};

struct download_summary {
  std::uint64_t bytes = 0;           ///< size of the remote file
  std::uint64_t bytes_received = 0;  ///< body bytes written in this run
  std::uint64_t resumed_from = 0;    ///< local bytes kept from an earlier run
  std::chrono::microseconds duration{0};
  std::uint32_t retries = 0;
  std::uint32_t restarts = 0;  ///< starts from zero because the remote file changed
};

struct download_result {
  std::optional<failure> error;  ///< empty = the file is complete and verified
  download_summary summary;
};

/// Runs the download to completion, failure or cancellation. Transient failures are
/// retried per options.retry; the state file is deleted on success and kept otherwise.
[[nodiscard]] download_result run_download(transport& t, download_options const& options,
                                           job_hooks const& hooks);

}  // namespace bits::client
