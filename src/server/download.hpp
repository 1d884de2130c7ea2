// Downloads as BITS download jobs need them (reference 10): HEAD and GET with
// Content-Length, Accept-Ranges, Last-Modified and a strong ETag; single ranges (206),
// several ranges (multipart/byteranges, in request order), conditional requests, 416.
#pragma once

#include "core/message.hpp"
#include "server/server_options.hpp"
#include "storage/upload_store.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include <string>
#include <utility>
#include <vector>

namespace bits::server {

/// Header fields sent with every response to a download (Repr-Digest, Digest).
using extra_fields = std::vector<std::pair<std::string, std::string>>;

/// Writes the response to a GET or HEAD for `file`, with `extra` header fields.
/// `status` receives the status sent. With `reads` (an executor), the bytes of a file
/// that comes from a byte_source (an object store) are read there, each read awaited,
/// instead of on the connection's loop.
/// Returns false when the connection failed or must close (for example the file
/// shrank below the promised length while it was being sent).
/// Stream: beast::tcp_stream (bodies by sendfile) or tls_stream (read and encrypted).
template <class Stream>
boost::asio::awaitable<bool> send_download(Stream& stream, core::request_head const& head,
                                           storage::readable_file const& file, bool keep_alive,
                                           server_options const& opt, extra_fields const& extra,
                                           unsigned& status,
                                           boost::asio::any_io_executor reads = {});

}  // namespace bits::server
