// A BITS upload job (reference 4.6, 13): optional Ping, Create-Session, Fragments,
// Close-Session, resumable across runs through a state file, with retries, 413
// shrinking, resynchronisation from BITS-Received-Content-Range, restart on
// BG_E_SESSION_NOT_FOUND, BITS-Host-Id with fallback, and upload-reply.
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

struct upload_options {
  std::filesystem::path file;  ///< the local file (one file per job, as in BITS)
  std::string url;             ///< destination URL (http or https)
  /// Where the job state lives between runs (see job_state.hpp); empty = not kept, so
  /// an interrupted upload cannot continue its session later.
  std::filesystem::path state_path;
  /// Bytes per Fragment; 0 = adaptive (fragment_sizer.hpp).
  std::uint64_t fragment_size = 0;
  /// Send Ping before Create-Session and on every new connection (absorbs connection-
  /// based authentication; reference 13).
  bool ping = true;
  /// Upload-reply: download the BITS-Reply-URL into this file before Close-Session.
  /// Empty = plain upload.
  std::filesystem::path reply_file;
  retry_settings retry;
  /// BG_E_SESSION_NOT_FOUND restarts tolerated within one run.
  unsigned max_restarts = 3;
};

struct upload_summary {
  std::uint64_t bytes = 0;         ///< size of the file
  std::uint64_t bytes_sent = 0;    ///< fragment body bytes sent in this run
  std::uint64_t resumed_from = 0;  ///< server offset this run continued from (0 = fresh)
  bool resumed = false;            ///< an existing session from the state file was continued
  std::chrono::microseconds duration{0};
  std::string session_id;           ///< the session that completed (or was last used)
  std::string url;                  ///< where the packets went last (BITS-Host-Id applied)
  std::uint32_t retries = 0;        ///< transient failures retried
  std::uint32_t restarts = 0;       ///< new sessions after BG_E_SESSION_NOT_FOUND
  std::uint32_t resyncs = 0;        ///< Acks that moved the offset elsewhere than expected
  std::uint32_t fragments = 0;      ///< Fragment packets acknowledged
  std::uint32_t shrinks = 0;        ///< 413 answers
  std::uint64_t fragment_size = 0;  ///< fragment size at the end
  std::string reply_url;            ///< BITS-Reply-URL (upload-reply)
  std::uint64_t reply_bytes = 0;    ///< size of the downloaded reply
};

struct upload_result {
  std::optional<failure> error;  ///< empty = uploaded and closed
  upload_summary summary;
};

/// Runs the upload to completion, failure or cancellation (hooks.stop). The state file
/// is removed when the session is closed, and kept on cancellation and on transient
/// failures so that running the job again continues the same session. Permanent
/// failures remove it too (the session is useless), after a best-effort Cancel-Session.
[[nodiscard]] upload_result run_upload(transport& t, upload_options const& options,
                                       job_hooks const& hooks);

struct cancel_result {
  std::optional<failure> error;
  std::string session_id;  ///< the cancelled session; empty = none was open
};

/// Sends Cancel-Session for the upload recorded in `state_path` (resending on 5xx per
/// reference 3.5) and deletes the state. A session the server no longer knows counts as
/// cancelled. Error: errc::state_invalid when there is no upload state there.
[[nodiscard]] cancel_result run_cancel(transport& t, std::filesystem::path const& state_path,
                                       retry_settings const& retry, job_hooks const& hooks);

}  // namespace bits::client
