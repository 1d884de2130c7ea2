// A hook: something outside the server that is told about an event and answers. Two
// kinds exist (exec_hook.hpp: an executable; http_hook.hpp: a webhook); the pre-create
// decision and the outbox's deliveries see them only through this interface.
#pragma once

#include "hooks/event.hpp"

#include <memory>
#include <string>
#include <string_view>

namespace bits::hooks {

/// How a hook answered one call.
enum class hook_answer {
  accepted,  ///< exit status 0; HTTP 2xx
  refused,   ///< exit status other than 0; HTTP 4xx. `output` may say how (pre-create)
  failed,    ///< no answer: could not be started or reached, killed by a signal, ran
             ///< past its time limit, HTTP 5xx or any other status
};

struct hook_result {
  hook_answer answer = hook_answer::failed;
  /// Standard output or response body, at most the first 64 KiB (4 KiB for a webhook
  /// answer): a pre-create refusal's details (pre_create.hpp).
  std::string output;
  /// One line for the log: "exit 3", "HTTP 503", "timed out after 5000 ms", "connection
  /// refused", with the start of the hook's standard error when it wrote any.
  std::string detail;
};

/// One event as the outbox hands it over: its type and id, and its JSON text exactly
/// as recorded.
struct event_message {
  event_type type = event_type::post_commit;
  std::string id;
  std::string json;
};

/// Thread-safe: calls may run concurrently (the outbox's workers, the pre-create pool).
/// Every call blocks for at most about the hook's time limit.
class hook {
 public:
  virtual ~hook() = default;

  /// Tells the hook about one event and waits for its answer.
  [[nodiscard]] virtual hook_result call(event_message const& message) = 0;

  /// "exec /usr/local/bin/on-upload" or "webhook https://example.net/hook": for logs.
  [[nodiscard]] virtual std::string describe() const = 0;
};

/// The message of `e`: its type, id and to_json text.
[[nodiscard]] inline event_message make_message(event const& e) {
  return {e.type, e.id, to_json(e)};
}

}  // namespace bits::hooks
