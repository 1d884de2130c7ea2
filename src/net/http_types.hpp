// Plain values for one HTTP exchange: the request to send (method, URL, headers, a body
// streamed from a reader) and the response received (status, headers). No curl here,
// so the client layer and its tests can use them without libcurl.
#pragma once

#include "core/error.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace bits::net {

/// Header fields in sending (or receiving) order.
using header_list = std::vector<std::pair<std::string, std::string>>;

/// First value of `name` in `headers` (ASCII case-insensitive), or empty.
[[nodiscard]] std::optional<std::string_view> find_header(header_list const& headers,
                                                          std::string_view name) noexcept;

/// Supplies request body bytes on demand, so a fragment is streamed from its file and
/// never held in memory beyond the transfer buffer.
class body_reader {
 public:
  virtual ~body_reader() = default;
  /// Reads up to out.size() bytes at `offset` into `out`; returns how many were read
  /// (fewer only at the end of the data). Called from the transfer, possibly more than
  /// once for the same offset when a request must be resent (authentication).
  [[nodiscard]] virtual result<std::size_t> read_at(std::uint64_t offset, std::span<char> out) = 0;
};

/// What a body_writer wants done with a response body, decided from the status line
/// and headers before the first body byte.
enum class body_decision {
  accept,   ///< pass the body to write()
  discard,  ///< keep only the first bytes in response::body (an error page)
  abort,    ///< stop the transfer now; the response (status, headers) is still returned
};

/// Receives a response body (downloads).
class body_writer {
 public:
  virtual ~body_writer() = default;
  /// Called once per response that has a body, before its first byte.
  [[nodiscard]] virtual body_decision start(unsigned status, header_list const& headers) = 0;
  /// The next body bytes. An error stops the transfer and is what the exchange returns.
  [[nodiscard]] virtual boost::system::error_code write(std::span<char const> bytes) = 0;
};

/// One request. The method decides the framing: "HEAD" and "GET" have no body and
/// follow redirects; any other method (BITS_POST) always sends Content-Length, equal to
/// body_length, and never follows redirects (reference 10: redirects are for downloads).
struct request {
  std::string method;
  std::string url;
  header_list headers;            ///< added to the session's own headers
  body_reader* body = nullptr;    ///< required when body_length > 0
  std::uint64_t body_offset = 0;  ///< where in `body` the request body starts
  std::uint64_t body_length = 0;  ///< Content-Length of the request
  body_writer* sink = nullptr;    ///< response body; nullptr = see response::body
  /// Time allowed for the whole exchange, connect included; 0 = no limit beyond the
  /// session's connect and response timeouts. Passing it fails with a curl timeout.
  std::chrono::milliseconds timeout{0};
};

/// One response as received. `body` holds at most the first 4 KiB of a body that went
/// to no sink (error pages; BITS Acks have none).
struct response {
  unsigned status = 0;
  header_list headers;
  std::string body;
  bool aborted_by_sink = false;          ///< the sink asked to stop (body_decision::abort)
  std::chrono::microseconds elapsed{0};  ///< whole exchange, connect included
  std::uint64_t body_bytes = 0;          ///< body bytes received (to the sink or not)
  /// HTTP version of the status line, major * 10 + minor: 10 for HTTP/1.0, 11 for
  /// HTTP/1.1; 0 when not known.
  unsigned http_version = 0;

  /// First value of `name` (case-insensitive), or empty.
  [[nodiscard]] std::optional<std::string_view> header(std::string_view name) const noexcept {
    return find_header(headers, name);
  }
};

}  // namespace bits::net
