// The back-end client of upload-reply (reference 7): POSTs a notification to the
// server application over net::http_session (libcurl) and interprets its answer.
// Blocking: the server runs it on a worker thread, never on an I/O thread.
#pragma once

#include "service/notification.hpp"

namespace bits::notify {

/// Makes one notification call:
/// - by reference: POST with BITS-Original-Request-URL, BITS-Request-DataFile-Name and
///   BITS-Response-DataFile-Name, no body; the application writes the reply file;
/// - by value: POST with the uploaded file as the body (streamed from disk); a 200
///   response body is streamed into response_file.
/// Outcomes: ok (200), failed (other status; the application's BITS-Error-Code is kept),
/// unreachable (no connection), timed_out (request.timeout passed), malformed (a static
/// reply URL together with a body, a reply that cannot be stored, a broken response).
/// Redirects are not followed: an application answers, it does not send us elsewhere.
[[nodiscard]] service::notification_response call_application(
    service::notification_request const& request);

/// Sets up libcurl for the process; call once from main before any thread starts.
void global_init();

}  // namespace bits::notify
