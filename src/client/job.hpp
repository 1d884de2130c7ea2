// What every client job shares: progress reports, an event log, cancellation and the
// clock, passed in by the program that runs the job.
#pragma once

#include "client/clock.hpp"

#include <cstdint>
#include <functional>
#include <stop_token>
#include <string>
#include <string_view>

namespace bits::client {

/// What a job is doing right now.
enum class job_phase {
  connecting,      ///< Ping
  creating,        ///< Create-Session
  uploading,       ///< Fragments
  fetching_reply,  ///< downloading the BITS-Reply-URL (upload-reply)
  closing,         ///< Close-Session / Cancel-Session
  downloading,     ///< HEAD / ranged GET
  waiting,         ///< backing off before a retry
  done,
};

/// "connecting", "uploading", ...
[[nodiscard]] std::string_view to_string(job_phase p) noexcept;

/// One progress report. Bytes count the payload (file bytes), not HTTP overhead.
struct progress_info {
  job_phase phase = job_phase::connecting;
  std::uint64_t bytes_done = 0;   ///< acknowledged plus in flight
  std::uint64_t bytes_total = 0;  ///< size of the file (0 until known for downloads)
  std::uint32_t retries = 0;      ///< failures retried so far
  clock::duration retry_in{};     ///< time left to wait (phase waiting)
  std::string last_error;         ///< the failure being retried (phase waiting)
};

/// Hooks into a running job; all optional. Called on the job's thread.
struct job_hooks {
  /// Progress, often (several times a second while bytes move); keep it cheap.
  std::function<void(progress_info const&)> on_progress;
  /// One line per exchange and decision ("> Fragment bytes 0-65535/100000",
  /// "< 200 BITS-Received-Content-Range: 65536"), for --verbose.
  std::function<void(std::string_view)> on_event;
  /// Requesting a stop ends the job at the next opportunity (within about a second)
  /// with errc::cancelled; its state file is kept so that it can be resumed.
  std::stop_token stop;
  /// Time source; nullptr = default_clock().
  clock* time = nullptr;
  /// Seed of the backoff jitter; 0 = random.
  std::uint64_t seed = 0;
};

}  // namespace bits::client
