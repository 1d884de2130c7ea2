// Request writing and response reading for the loadgen. A request head and the start of
// its body go out in one gathered write, as a real client's would.
#include "loadgen/wire.hpp"

#include "sink/sink_protocol.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <vector>

namespace bits::bench {
namespace {

constexpr auto no_throw = net::as_tuple(net::use_awaitable);

std::vector<std::byte>& pattern() {
  static std::vector<std::byte> p;
  return p;
}

/// Response bodies are dropped here. One per thread; the bytes are never looked at, so
/// connections of the same loop may share it.
std::span<char> scratch() {
  thread_local std::vector<char> s(256 * 1024);
  return s;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
           return lower(x) == lower(y);
         });
}

std::optional<std::uint64_t> to_u64(std::string_view s) {
  std::uint64_t v = 0;
  auto const [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || p != s.data() + s.size()) return std::nullopt;
  return v;
}

bool parse_head(std::string_view head, http_response& out) {
  if (head.size() < 12 || head.substr(0, 5) != "HTTP/") return false;
  auto const status = to_u64(head.substr(9, 3));
  if (!status) return false;
  out = http_response{};
  out.status = static_cast<unsigned>(*status);
  if (auto v = find_header(head, "BITS-Session-Id")) out.session_id = std::string(*v);
  if (auto v = find_header(head, "BITS-Error-Code")) out.error_code = std::string(*v);
  if (auto v = find_header(head, "BITS-Received-Content-Range")) out.received = to_u64(*v);
  if (auto v = find_header(head, "Content-Length")) {
    auto const n = to_u64(*v);
    if (!n) return false;
    out.body_bytes = *n;
  }
  return true;
}

}  // namespace

void init_body_pattern(std::size_t bytes) {
  auto& p = pattern();
  p.resize(std::max<std::size_t>(bytes, 4096));
  std::uint64_t x = 0x9E3779B97F4A7C15ULL;
  for (auto& b : p) {
    x ^= x << 13;  // xorshift64: incompressible enough, and free
    x ^= x >> 7;
    x ^= x << 17;
    b = static_cast<std::byte>(x >> 56);
  }
}

std::optional<std::string_view> find_header(std::string_view head, std::string_view name) {
  std::size_t pos = head.find("\r\n");
  while (pos != std::string_view::npos && pos + 2 < head.size()) {
    auto const start = pos + 2;
    auto const end = std::min(head.find("\r\n", start), head.size());
    auto const line = head.substr(start, end - start);
    auto const colon = line.find(':');
    if (colon != std::string_view::npos && iequals(line.substr(0, colon), name)) {
      auto value = line.substr(colon + 1);
      while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
        value.remove_prefix(1);
      while (!value.empty() && (value.back() == ' ' || value.back() == '\t'))
        value.remove_suffix(1);
      return value;
    }
    pos = end;
  }
  return std::nullopt;
}

client_conn::client_conn(net::any_io_executor ex) : sock_(std::move(ex)) {}

net::awaitable<error_code> client_conn::connect(tcp::endpoint ep) {
  auto [ec] = co_await sock_.async_connect(ep, no_throw);
  if (ec) co_return ec;
  error_code ignored;
  sock_.set_option(tcp::no_delay(true), ignored);
  co_return error_code{};
}

net::awaitable<error_code> client_conn::write_body(std::uint64_t length) {
  auto const& p = pattern();
  while (length > 0) {
    auto const n = static_cast<std::size_t>(std::min<std::uint64_t>(p.size(), length));
    auto [ec, written] = co_await net::async_write(sock_, net::buffer(p.data(), n), no_throw);
    if (ec) co_return ec;
    length -= written;
  }
  co_return error_code{};
}

net::awaitable<error_code> client_conn::read_discard(std::uint64_t length) {
  auto const from_buffer = static_cast<std::size_t>(std::min<std::uint64_t>(in_.size(), length));
  in_.erase(0, from_buffer);
  length -= from_buffer;
  auto const s = scratch();
  while (length > 0) {
    auto const want = static_cast<std::size_t>(std::min<std::uint64_t>(s.size(), length));
    auto [ec, n] = co_await sock_.async_read_some(net::buffer(s.data(), want), no_throw);
    if (ec) co_return ec;
    length -= n;
  }
  co_return error_code{};
}

net::awaitable<error_code> client_conn::exchange(std::string_view head, std::uint64_t body_len,
                                                 http_response& out) {
  auto const& p = pattern();
  auto const first = static_cast<std::size_t>(std::min<std::uint64_t>(p.size(), body_len));
  std::array<net::const_buffer, 2> const bufs{net::buffer(head.data(), head.size()),
                                              net::buffer(p.data(), first)};
  auto [wec, wn] = co_await net::async_write(sock_, bufs, no_throw);
  if (wec) co_return wec;
  if (auto ec = co_await write_body(body_len - first)) co_return ec;

  auto [rec, n] =
      co_await net::async_read_until(sock_, net::dynamic_buffer(in_), "\r\n\r\n", no_throw);
  if (rec) co_return rec;
  if (!parse_head(std::string_view(in_).substr(0, n), out)) {
    co_return net::error::make_error_code(net::error::invalid_argument);
  }
  in_.erase(0, n);
  co_return co_await read_discard(out.body_bytes);
}

net::awaitable<error_code> client_conn::put(std::uint64_t length, std::uint32_t flags) {
  auto const& p = pattern();
  sink_header const h = make_put(length, flags);
  auto const first = static_cast<std::size_t>(std::min<std::uint64_t>(p.size(), length));
  std::array<net::const_buffer, 2> const bufs{net::buffer(&h, sizeof h),
                                              net::buffer(p.data(), first)};
  auto [wec, wn] = co_await net::async_write(sock_, bufs, no_throw);
  if (wec) co_return wec;
  if (auto ec = co_await write_body(length - first)) co_return ec;
  if ((flags & sink_flag_ack) == 0) co_return error_code{};
  char ack = 0;
  auto [rec, rn] = co_await net::async_read(sock_, net::buffer(&ack, 1), no_throw);
  if (rec) co_return rec;
  if (ack != sink_ack_byte) co_return net::error::make_error_code(net::error::invalid_argument);
  co_return error_code{};
}

net::awaitable<error_code> client_conn::get(std::uint64_t offset, std::uint64_t length) {
  sink_header const h = make_get(offset, length);
  auto [wec, wn] = co_await net::async_write(sock_, net::buffer(&h, sizeof h), no_throw);
  if (wec) co_return wec;
  co_return co_await read_discard(length);
}

}  // namespace bits::bench
