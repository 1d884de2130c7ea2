// The pre-create decision: a hook's answer turned into "go ahead" or the error Ack to
// send instead of accepting Create-Session.
//
// A refusal (exit status other than 0; HTTP 4xx) may say how to refuse in its output
// (stdout; the response body), a JSON object with any of:
//   "status"           HTTP status of the error Ack, 400..599 (default 403)
//   "bits_error_code"  BITS-Error-Code, an HRESULT as "0x80070005" or a number
//                      (default: E_ACCESSDENIED 0x80070005 with the default status,
//                      else 0x80190000 + status, BITS's own code for that status)
//   "reason"           text for the server's log (never sent to the client)
// Anything else in the output (not JSON, other fields, values out of range) is
// ignored. The Ack's BITS-Error-Context is 0x7 (the server application).
//
// A hook that gives no answer (cannot be started or reached, times out, crashes,
// answers HTTP 5xx) is handled by the failure mode: `allow` accepts the session,
// `refuse` answers 503 with 0x801901F7 and context 0x5, which BITS clients treat as a
// transient error and retry later.
#pragma once

#include "core/wire_error.hpp"
#include "hooks/hook.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace bits::hooks {

/// What to do when the hook cannot answer (hook_failure).
enum class failure_mode {
  refuse,  ///< 503: the client retries later
  allow,   ///< accept the session as if the hook had
};

struct pre_create_decision {
  bool allowed = true;
  core::wire_error refusal;  ///< the error Ack, when !allowed
  bool hook_failed = false;  ///< the hook gave no answer; the failure mode decided
  std::string detail;        ///< for the log: the hook's detail and its reason, if any
};

/// What a refusal's output asks for; empty members were not given (or invalid).
struct refusal_details {
  std::optional<unsigned> status;
  std::optional<std::uint32_t> code;
  std::string reason;
};

/// Parses a refusal's output (see the top of this file).
[[nodiscard]] refusal_details parse_refusal(std::string_view output);

/// The decision for `answer`, one hook call's result.
[[nodiscard]] pre_create_decision decide_pre_create(hook_result const& answer, failure_mode mode);

/// Calls `h` with the pre-create event `e` and decides. Blocks for up to about the
/// hook's time limit: run it on a worker thread (pre_create_pool.hpp), never on a
/// network thread.
[[nodiscard]] pre_create_decision run_pre_create(hook& h, event const& e, failure_mode mode);

}  // namespace bits::hooks
