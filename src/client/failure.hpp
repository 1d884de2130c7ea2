// How a client job fails: an error_code for what went wrong plus what the server said
// (HTTP status, BITS-Error-Code, BITS-Error-Context), the one-line message a user sees,
// and the process exit code the CLI derives from it.
#pragma once

#include <boost/system/error_code.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <type_traits>

namespace bits::client {

/// Client-side failures (besides transport errors, which keep their curl codes).
/// Values are stable: append, never renumber.
enum class errc {
  cancelled = 1,               ///< the caller stopped the job; its state is kept
  local_file_changed,          ///< BG_E_LOCAL_FILE_CHANGED: size or mtime changed meanwhile
  local_file_error,            ///< the local file cannot be opened, read or written
  invalid_server_response,     ///< BG_E_INVALID_SERVER_RESPONSE: an Ack breaks the protocol
  protocol_mismatch,           ///< BG_E_CLIENT_SERVER_PROTOCOL_MISMATCH
  missing_file_size,           ///< BG_E_MISSING_FILE_SIZE: HEAD without Content-Length
  insufficient_range_support,  ///< BG_E_INSUFFICIENT_RANGE_SUPPORT: Range ignored
  remote_file_changed,         ///< the downloaded file changed size or date meanwhile
  server_error,                ///< an error status from the server; see failure fields
  fragment_too_small,          ///< 413 even for a fragment of the minimum size (5 KiB)
  no_reply_url,                ///< upload-reply job, but the last Ack has no BITS-Reply-URL
  state_locked,                ///< another openbits process is running this job
  state_invalid,               ///< the state file cannot be read, parsed or written
  invalid_url,                 ///< not an absolute http(s) URL
  too_many_restarts,           ///< the server lost the session again and again
  insufficient_http_support,   ///< BG_E_INSUFFICIENT_HTTP_SUPPORT: an HTTP/1.0 answer
};

/// Category "openbits"; messages are short English phrases.
[[nodiscard]] boost::system::error_category const& client_category() noexcept;

[[nodiscard]] inline boost::system::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), client_category()};
}

/// The HRESULT BITS reports for a client-side failure (BG_E_LOCAL_FILE_CHANGED ...),
/// or empty where BITS has none.
[[nodiscard]] std::optional<std::uint32_t> hresult_of(errc e) noexcept;

/// Everything known about one failure.
struct failure {
  boost::system::error_code ec;          ///< errc, a curl code, or a system error
  unsigned http_status = 0;              ///< 0 when no response was received
  std::optional<std::uint32_t> hresult;  ///< BITS-Error-Code, or the implied HRESULT
  std::optional<std::uint32_t> context;  ///< BITS-Error-Context, when the server sent one
  std::string where;                     ///< the exchange: "Fragment 0-65535/100000"
  std::string detail;                    ///< extra words: "gave up after 5m of retries"
  bool transient = false;                ///< waiting might cure it
};

/// "BG_E_TOO_LARGE (0x80200020), context 0x5, HTTP 500, Fragment 0-65535/100000" and,
/// without an HRESULT, the error's own message. `detail` follows after "; ".
[[nodiscard]] std::string describe(failure const& f);

/// Process exit codes of the openbits CLI (also listed in --help and the README).
namespace exit_code {
inline constexpr int ok = 0;
inline constexpr int internal = 1;       ///< unexpected failure
inline constexpr int usage = 2;          ///< bad arguments, URL or state file; job locked
inline constexpr int local_file = 3;     ///< local file missing, unreadable, changed
inline constexpr int refused = 4;        ///< permanent HTTP/BITS error from the server
inline constexpr int gave_up = 5;        ///< transient failures outlasted --retry-for
inline constexpr int protocol = 6;       ///< the server broke the protocol
inline constexpr int tls = 7;            ///< TLS setup or certificate verification failed
inline constexpr int interrupted = 130;  ///< SIGINT/SIGTERM: state kept, rerun resumes
}  // namespace exit_code

/// The exit code for `f`.
[[nodiscard]] int exit_code_of(failure const& f) noexcept;

}  // namespace bits::client

template <>
struct boost::system::is_error_code_enum<bits::client::errc> : std::true_type {};
