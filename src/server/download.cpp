// Download responses. Bodies go from the file to the socket with sendfile(2), so the
// bytes are never copied through user space (over TLS and from an object store they are
// read and written).
#include "server/download.hpp"

#include "core/byte_ranges.hpp"
#include "server/buffer_pool.hpp"
#include "server/connection_state.hpp"
#include "server/run_blocking.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http.hpp>

#include <sys/sendfile.h>
#include <unistd.h>

#include <cerrno>
#include <string>

namespace bits::server {

namespace net = boost::asio;
namespace http = boost::beast::http;

namespace {

constexpr auto no_throw = net::as_tuple(net::use_awaitable);
constexpr std::string_view boundary = "OPENBITS-7d9c2f31a4e8b605";

/// Sends [offset, offset + length) of `fd` with sendfile(2), waiting for the socket with
/// a timeout.
net::awaitable<bool> send_file(boost::beast::tcp_stream& stream, int fd, std::uint64_t offset,
                               std::uint64_t length, std::chrono::seconds timeout) {
  auto& sock = stream.socket();
  boost::system::error_code ec;
  sock.native_non_blocking(true, ec);
  if (ec) co_return false;
  net::steady_timer timer(co_await net::this_coro::executor);
  while (length > 0) {
    off_t off = static_cast<off_t>(offset);
    auto const want = static_cast<std::size_t>(std::min<std::uint64_t>(length, 1U << 30));
    ssize_t const n = ::sendfile(sock.native_handle(), fd, &off, want);
    if (n > 0) {
      offset += static_cast<std::uint64_t>(n);
      length -= static_cast<std::uint64_t>(n);
      continue;
    }
    if (n == 0) co_return false;  // the file shrank: the promised length cannot be kept
    if (errno == EINTR) continue;
    if (errno != EAGAIN) co_return false;
    // A reader that stops reading must not hold the connection forever.
    timer.expires_after(timeout);
    timer.async_wait([&sock](boost::system::error_code e) {
      if (!e) sock.cancel();
    });
    auto [wec] = co_await sock.async_wait(net::socket_base::wait_write, no_throw);
    timer.cancel();
    if (wec) co_return false;
  }
  co_return true;
}

/// Over TLS, and for files whose bytes come from an object store, the bytes pass
/// through user space: read (pread, or the store's ranged GETs) into a pooled buffer,
/// then write. With `reads`, the reads of an object store wait for the store there
/// (up to the store's read-ahead window per call), not on this loop.
template <class Stream>
net::awaitable<bool> send_read(Stream& stream, storage::readable_file const& file,
                               std::uint64_t offset, std::uint64_t length,
                               std::chrono::seconds timeout, net::any_io_executor const& reads) {
  pooled_buffer chunk = acquire_body_buffer();
  bool const elsewhere = file.fd() < 0 && reads;
  while (length > 0) {
    auto const want = static_cast<std::size_t>(std::min<std::uint64_t>(chunk.size(), length));
    std::span<std::byte> const into(reinterpret_cast<std::byte*>(chunk.data()), want);
    auto const read = [&file, offset, into] { return file.read_at(offset, into); };
    auto got = elsewhere ? co_await run_blocking(reads, read) : read();
    // An error, or the file shrank: the promised length cannot be kept.
    if (!got || *got == 0) co_return false;
    boost::beast::get_lowest_layer(stream).expires_after(timeout);
    auto [ec, n] = co_await net::async_write(stream, net::buffer(chunk.data(), *got), no_throw);
    if (ec) co_return false;
    offset += *got;
    length -= *got;
  }
  co_return true;
}

net::awaitable<bool> send_bytes(boost::beast::tcp_stream& stream,
                                storage::readable_file const& file, std::uint64_t offset,
                                std::uint64_t length, std::chrono::seconds timeout,
                                net::any_io_executor const& reads) {
  if (file.fd() < 0) co_return co_await send_read(stream, file, offset, length, timeout, reads);
  co_return co_await send_file(stream, file.fd(), offset, length, timeout);
}

net::awaitable<bool> send_bytes(tls_stream& stream, storage::readable_file const& file,
                                std::uint64_t offset, std::uint64_t length,
                                std::chrono::seconds timeout, net::any_io_executor const& reads) {
  co_return co_await send_read(stream, file, offset, length, timeout, reads);
}

template <class Stream>
net::awaitable<bool> send_text(Stream& stream, std::string const& text,
                               std::chrono::seconds timeout) {
  boost::beast::get_lowest_layer(stream).expires_after(timeout);
  auto [ec, n] = co_await net::async_write(stream, net::buffer(text), no_throw);
  co_return !ec;
}

std::string part_header(core::byte_range const& r, std::uint64_t size, bool first) {
  return std::string(first ? "" : "\r\n") + "--" + std::string(boundary) +
         "\r\nContent-Type: application/octet-stream\r\nContent-Range: bytes " +
         std::to_string(r.first) + "-" + std::to_string(r.first + r.length - 1) + "/" +
         std::to_string(size) + "\r\n\r\n";
}

std::string closing_boundary() {
  return "\r\n--" + std::string(boundary) + "--\r\n";
}

/// Whether a conditional GET/HEAD can be answered 304 (RFC 7232 section 6 order).
bool not_modified(core::request_head const& head, std::string const& etag, std::int64_t mtime_s) {
  if (auto inm = head.header("If-None-Match")) return core::etag_list_matches(*inm, etag);
  if (auto ims = head.header("If-Modified-Since")) {
    auto const t = core::parse_http_date(*ims);
    return t && mtime_s <= *t;
  }
  return false;
}

/// If-Range: the Range applies only if the validator still names this file.
bool range_applies(core::request_head const& head, std::string const& etag, std::int64_t mtime_s) {
  auto const ir = head.header("If-Range");
  if (!ir) return true;
  if (!ir->empty() && ir->front() == '"') return *ir == etag;
  auto const t = core::parse_http_date(*ir);
  return t && *t == mtime_s;
}

}  // namespace

template <class Stream>
net::awaitable<bool> send_download(Stream& stream, core::request_head const& head,
                                   storage::readable_file const& file, bool keep_alive,
                                   server_options const& opt, extra_fields const& extra,
                                   unsigned& status, net::any_io_executor reads) {
  bool const with_body = head.method == "GET";
  auto const size = file.size();
  std::int64_t const mtime_s = file.mtime_ns() / 1'000'000'000;
  std::string const etag = core::make_etag(file.inode(), size, file.mtime_ns());

  http::response<http::empty_body> res{http::status::ok, 11};
  res.set(http::field::accept_ranges, "bytes");
  res.set(http::field::etag, etag);
  res.set(http::field::last_modified, core::format_http_date(mtime_s));
  for (auto const& [name, value] : extra) res.set(name, value);
  res.keep_alive(keep_alive);

  core::range_request rr;
  if (not_modified(head, etag, mtime_s)) {
    res.result(http::status::not_modified);
  } else if (auto range = head.header("Range"); range && range_applies(head, etag, mtime_s)) {
    rr = core::parse_range(*range, size);
  }

  std::uint64_t length = 0;
  if (res.result() == http::status::not_modified) {
    // No body and no Content-Length of the representation.
  } else if (rr.what == core::range_request::kind::unsatisfiable) {
    res.result(http::status::range_not_satisfiable);
    res.set(http::field::content_range, "bytes */" + std::to_string(size));
  } else if (rr.what == core::range_request::kind::partial && rr.ranges.size() == 1) {
    auto const& r = rr.ranges.front();
    res.result(http::status::partial_content);
    res.set(http::field::content_type, "application/octet-stream");
    res.set(http::field::content_range, "bytes " + std::to_string(r.first) + "-" +
                                            std::to_string(r.first + r.length - 1) + "/" +
                                            std::to_string(size));
    length = r.length;
  } else if (rr.what == core::range_request::kind::partial) {
    res.result(http::status::partial_content);
    res.set(http::field::content_type, "multipart/byteranges; boundary=" + std::string(boundary));
    for (std::size_t i = 0; i < rr.ranges.size(); ++i) {
      length += part_header(rr.ranges[i], size, i == 0).size() + rr.ranges[i].length;
    }
    length += closing_boundary().size();
  } else {
    res.set(http::field::content_type, "application/octet-stream");
    length = size;
  }
  status = res.result_int();
  if (res.result() != http::status::not_modified) res.content_length(length);

  http::response_serializer<http::empty_body> sr{res};
  boost::beast::get_lowest_layer(stream).expires_after(opt.write_timeout);
  auto [ec, n] = co_await http::async_write_header(stream, sr, no_throw);
  if (ec) co_return false;
  if (!with_body || length == 0) co_return true;

  if (rr.what != core::range_request::kind::partial) {
    co_return co_await send_bytes(stream, file, 0, size, opt.write_timeout, reads);
  }
  if (rr.ranges.size() == 1) {
    auto const& r = rr.ranges.front();
    co_return co_await send_bytes(stream, file, r.first, r.length, opt.write_timeout, reads);
  }
  for (std::size_t i = 0; i < rr.ranges.size(); ++i) {
    auto const& r = rr.ranges[i];
    if (!co_await send_text(stream, part_header(r, size, i == 0), opt.write_timeout)) {
      co_return false;
    }
    if (!co_await send_bytes(stream, file, r.first, r.length, opt.write_timeout, reads)) {
      co_return false;
    }
  }
  co_return co_await send_text(stream, closing_boundary(), opt.write_timeout);
}

template net::awaitable<bool> send_download(boost::beast::tcp_stream&, core::request_head const&,
                                            storage::readable_file const&, bool,
                                            server_options const&, extra_fields const&, unsigned&,
                                            net::any_io_executor);
template net::awaitable<bool> send_download(tls_stream&, core::request_head const&,
                                            storage::readable_file const&, bool,
                                            server_options const&, extra_fields const&, unsigned&,
                                            net::any_io_executor);

}  // namespace bits::server
