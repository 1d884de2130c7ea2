// The one place where Beast messages become core values and back.
#pragma once

#include "core/message.hpp"

#include <boost/beast/http.hpp>

namespace bits::server {

namespace http = boost::beast::http;

/// A request head as a core value: views into `req`, valid while `req` lives.
/// Content-Length is taken from the parsed message (Beast rejects malformed ones).
[[nodiscard]] core::request_head to_request_head(http::request_header<> const& req,
                                                 std::optional<std::uint64_t> content_length,
                                                 bool chunked);

/// A core reply as a bodiless Beast response: Content-Length 0, no caching, HTTP/1.1.
[[nodiscard]] http::response<http::empty_body> to_response(core::reply const& reply,
                                                           bool keep_alive);

}  // namespace bits::server
