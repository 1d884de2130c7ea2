// The notification client on net::http_session. One session per call: notifications
// happen once per upload, so connection reuse would save little and share state
// between sessions.
#include "notify/notify_client.hpp"

#include "core/message.hpp"
#include "core/protocol.hpp"
#include "core/wire_error.hpp"
#include "net/curl_error.hpp"
#include "net/file_body.hpp"
#include "net/http_session.hpp"

#include <algorithm>
#include <memory>
#include <optional>
#include <string>

namespace bits::notify {

namespace {

using service::notification_request;
using service::notification_response;
using service::notification_type;
using outcome = notification_response::outcome;

notification_response failure(outcome what, std::string detail) {
  notification_response r;
  r.what = what;
  r.status = 0;
  r.detail = std::move(detail);
  return r;
}

// Connect within the call's timeout (at most 30 s); a transfer may take the whole of it.
net::http_options session_options(notification_request const& request) {
  net::http_options o;
  o.user_agent = "openbitsd";
  o.connect_timeout = std::min(request.timeout, std::chrono::seconds(30));
  o.response_timeout = request.timeout;
  o.allow_http2 = true;  // the application is any HTTP server, not a BITS peer
  return o;
}

// The BITS headers of the application's final response; a repeated header counts with
// its last value.
void read_answer(net::header_list const& headers, notification_response& r) {
  for (auto const& [name, value] : headers) {
    if (core::iequals(name, core::header::static_response_url)) {
      r.static_url = value;
    } else if (core::iequals(name, core::header::copy_file_to_destination)) {
      r.copy_to_destination = true;
    } else if (core::iequals(name, core::header::error_code) ||
               core::iequals(name, core::header::error_code_alt)) {
      r.app_error = core::parse_hresult(value);
    }
  }
}

outcome classify(boost::system::error_code const& ec) {
  if (net::is_timeout_error(ec)) return outcome::timed_out;
  if (net::is_unreachable_error(ec)) return outcome::unreachable;
  return outcome::malformed;
}

}  // namespace

void global_init() {
  (void)net::global_init();
}

notification_response call_application(notification_request const& request) {
  auto session = net::http_session::create(session_options(request));
  if (!session) return failure(outcome::unreachable, session.error().message());

  net::request req;
  req.method = "POST";
  req.url = request.url;
  req.timeout = request.timeout;
  req.headers.emplace_back(std::string(core::header::original_request_url), request.original_url);
  // By value the upload is the body and a 200 body is the reply; by reference the
  // application reads and writes the files itself.
  std::optional<net::file_body> upload;
  std::optional<net::file_sink> reply;
  if (request.type == notification_type::by_value) {
    auto file = net::file_body::open(request.request_file);
    if (!file) return failure(outcome::malformed, "cannot read the upload");
    upload.emplace(std::move(*file));
    reply.emplace(request.response_file);
    req.headers.emplace_back("Content-Type", "application/octet-stream");
    req.body = &*upload;
    req.body_length = upload->size();
    req.sink = &*reply;
  } else {
    req.headers.emplace_back(std::string(core::header::request_datafile_name),
                             request.request_file);
    req.headers.emplace_back(std::string(core::header::response_datafile_name),
                             request.response_file);
    // The type libcurl gives an empty form POST, which applications have always seen.
    req.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
  }

  auto const answer = (*session)->perform(req);
  // Flush and close before the reply is served.
  auto const stored = reply ? reply->close() : boost::system::error_code{};
  if (!answer) {
    if (stored) return failure(outcome::malformed, "cannot store the reply: " + stored.message());
    return failure(classify(answer.error()), answer.error().message());
  }
  notification_response r;
  r.status = answer->status;
  read_answer(answer->headers, r);
  if (r.status != 200) {
    r.what = outcome::failed;
    r.detail = "application answered " + std::to_string(r.status);
    return r;
  }
  if (stored) return failure(outcome::malformed, "cannot store the reply: " + stored.message());
  // Reference 7.4: with a static reply URL the body must be empty.
  if (!r.static_url.empty() && reply && reply->bytes_written() > 0) {
    r.what = outcome::malformed;
    r.detail = "static response URL together with a body";
    return r;
  }
  r.what = outcome::ok;
  return r;
}

}  // namespace bits::notify
