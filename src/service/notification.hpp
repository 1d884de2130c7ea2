// Upload-reply (reference 7): what the service asks of the server application when the
// last byte of an upload arrives, and what it makes of the answer. The HTTP call itself
// is made outside this layer (app/openbitsd wires in a libcurl client).
#pragma once

#include "core/message.hpp"
#include "settings/types.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace bits::service {

/// BITSServerNotificationType (the [[vdir]] setting notification_type).
using settings::notification_type;

/// One call to the server application.
struct notification_request {
  notification_type type = notification_type::by_reference;
  std::string url;            ///< resolved notification URL, upload query appended
  std::string original_url;   ///< BITS-Original-Request-URL: the upload URL
  std::string request_file;   ///< the uploaded bytes (a path on this machine)
  std::string response_file;  ///< where the reply goes (by reference: the app writes it)
  std::chrono::seconds timeout{240};
};

/// How the call went.
struct notification_response {
  enum class outcome {
    ok,           ///< HTTP 200 (reply written to response_file unless static)
    failed,       ///< the application answered with another status
    unreachable,  ///< no connection could be made (503 to the client)
    timed_out,    ///< no complete answer within the timeout (408)
    malformed,    ///< an answer that breaks the notification protocol (400)
  };
  outcome what = outcome::ok;
  unsigned status = 200;                   ///< the application's status, when it answered
  std::optional<std::uint32_t> app_error;  ///< BITS-Error-Code sent by the application
  std::string static_url;                  ///< BITS-Static-Response-URL, if sent
  bool copy_to_destination = false;        ///< BITS-Copy-File-To-Destination was sent
  std::string detail;                      ///< for the log
};

/// The blocking call; run off the I/O threads.
using notify_fn = std::function<notification_response(notification_request const&)>;

/// The absolute upload URL "scheme://host/target", or the target alone when the Host
/// header is missing or not a plain host[:port] (so nothing odd is echoed into URLs).
[[nodiscard]] std::string absolute_url(std::string_view scheme, std::string_view host,
                                       std::string_view target);

/// Resolves a configured notification URL against the upload target (reference 7.1):
/// absolute URLs stay, "/x" is host-relative, "x" is relative to the upload's folder;
/// then the upload URL's query is appended, percent-encoding anything that is not
/// visible ASCII so the client cannot inject into the application request.
[[nodiscard]] std::string resolve_notification_url(std::string_view configured,
                                                   std::string_view scheme, std::string_view host,
                                                   std::string_view target);

/// The Ack for a failed notification (reference 7.6): the application's status (or 503,
/// 408, 400), BITS-Error-Code (the application's own, else 0x80190000 + status) and
/// BITS-Error-Context 0x7.
[[nodiscard]] core::reply application_error_ack(notification_response const& r);

}  // namespace bits::service
