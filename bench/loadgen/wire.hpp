// One client connection of openbits_loadgen, in the two languages it speaks: HTTP/1.1
// (request heads written by hand, responses parsed just enough to check them) and the
// sink's raw protocol. Bodies are slices of one shared pattern buffer, never copied.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/system/error_code.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace bits::bench {

namespace net = boost::asio;
using tcp = net::ip::tcp;
using boost::system::error_code;

/// Fills the shared body pattern with `bytes` pseudo-random bytes. Call once, before any
/// connection writes a body; bodies longer than the pattern repeat it.
void init_body_pattern(std::size_t bytes);

/// What the loadgen checks in a response.
struct http_response {
  unsigned status = 0;
  std::string session_id;                 ///< BITS-Session-Id, "" when absent
  std::optional<std::uint64_t> received;  ///< BITS-Received-Content-Range
  std::uint64_t body_bytes = 0;           ///< Content-Length of the response (body read)
  std::string error_code;                 ///< BITS-Error-Code, "" when absent
};

/// The value of header `name` (case-insensitive) in a response head, if present.
[[nodiscard]] std::optional<std::string_view> find_header(std::string_view head,
                                                          std::string_view name);

/// One keep-alive connection. Not thread-safe; one coroutine uses it at a time.
class client_conn {
 public:
  explicit client_conn(net::any_io_executor ex);

  /// Connects with TCP_NODELAY (as the server and every BITS client do).
  [[nodiscard]] net::awaitable<error_code> connect(tcp::endpoint ep);

  /// HTTP: writes `head` and `body_len` pattern bytes, then reads the response head and
  /// its body (discarded, counted in out.body_bytes). Errors: socket errors, and
  /// boost::asio::error::invalid_argument for an unparseable response.
  [[nodiscard]] net::awaitable<error_code> exchange(std::string_view head, std::uint64_t body_len,
                                                    http_response& out);

  /// Raw: a PUT of `length` pattern bytes; waits for the sink's ack when flags ask one.
  [[nodiscard]] net::awaitable<error_code> put(std::uint64_t length, std::uint32_t flags);

  /// Raw: a GET of [offset, offset + length) of the sink's source file, read and dropped.
  [[nodiscard]] net::awaitable<error_code> get(std::uint64_t offset, std::uint64_t length);

 private:
  net::awaitable<error_code> write_body(std::uint64_t length);
  net::awaitable<error_code> read_discard(std::uint64_t length);

  tcp::socket sock_;
  std::string in_;  ///< bytes read past what was consumed (response heads)
};

}  // namespace bits::bench
