// Requests on upload URLs that are not BITS_POST (reference 2.4): GET and HEAD serve
// published files when downloads are enabled, OPTIONS lists the methods, everything
// else is 405.
#pragma once

#include "core/message.hpp"
#include "server/request_log.hpp"
#include "server/resolve.hpp"
#include "server/server_options.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/beast/core/tcp_stream.hpp>

namespace bits::server {

struct other_result {
  core::reply reply;       ///< to be written by the caller, unless `written`
  bool written = false;    ///< a response with a body was written already
  bool keep_alive = true;  ///< false: the connection failed while writing
};

/// Answers a non-BITS_POST request, resolved as `resolved`. Pure replies come back in `reply`;
/// file downloads are written here. A virtual directory on an object store is opened
/// and read on `disk` (the calls wait for the store), not on the connection's loop; a
/// store that cannot be reached answers 503 with Retry-After, other store failures 500,
/// a missing file or reply 404. Stream: beast::tcp_stream or tls_stream (explicitly
/// instantiated).
template <class Stream>
boost::asio::awaitable<other_result> serve_other_method(Stream& stream,
                                                        core::request_head const& head,
                                                        resolved_request const& resolved,
                                                        server_options const& opt, request_log& log,
                                                        boost::asio::any_io_executor const& disk);

}  // namespace bits::server
