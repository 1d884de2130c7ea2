// A blocking HTTP/1.1 client on a raw TCP socket to 127.0.0.1: sends exactly the bytes
// a test gives it and reads responses one at a time, so malformed and partial requests
// can be written byte for byte. Every read and write is bounded by a socket timeout.
#pragma once

#include "support/http_response.hpp"

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

namespace bits::test {

/// The BITS 1.5 upload protocol GUID.
inline constexpr std::string_view protocol_guid = "{7df0354d-249b-430f-820d-3d2a9bef4931}";

/// Request head "BITS_POST <path> HTTP/1.1" with Host, BITS-Packet-Type (omitted when
/// `packet_type` is empty), `extra` fields, Content-Length (omitted when negative) and
/// Connection: keep-alive, ending with the empty line.
[[nodiscard]] std::string bits_post_head(std::string_view path, std::string_view packet_type,
                                         header_list const& extra, long long content_length,
                                         std::string_view host = "127.0.0.1");

/// "bytes first-last/total".
[[nodiscard]] std::string content_range(std::uint64_t first, std::uint64_t last,
                                        std::uint64_t total);

/// One connection. Move-only; closing is idempotent.
class raw_client {
 public:
  /// Connects to 127.0.0.1:`port` with SO_RCVTIMEO/SO_SNDTIMEO = `timeout`.
  /// is_open() is false when the connection failed (last_error() says why).
  explicit raw_client(std::uint16_t port,
                      std::chrono::milliseconds timeout = std::chrono::seconds(10));
  ~raw_client();
  raw_client(raw_client&& other) noexcept;
  raw_client& operator=(raw_client&& other) noexcept;
  raw_client(raw_client const&) = delete;
  raw_client& operator=(raw_client const&) = delete;

  [[nodiscard]] bool is_open() const noexcept { return fd_ >= 0; }
  [[nodiscard]] std::string const& last_error() const noexcept { return error_; }

  /// Changes the socket timeout for later reads and writes.
  void set_timeout(std::chrono::milliseconds timeout);

  /// The Host the BITS helpers send ("127.0.0.1" unless set).
  void set_host(std::string host) { host_ = std::move(host); }
  [[nodiscard]] std::string const& host() const noexcept { return host_; }

  /// Writes all of `bytes` (MSG_NOSIGNAL). False when the peer is gone or on timeout.
  bool send(std::string_view bytes);

  /// Reads one response (an interim 1xx counts as one). Body framing: none for 1xx,
  /// 204 and 304; Content-Length; chunked; otherwise up to the close. With `no_body`
  /// (the answer to a HEAD) only the status line and header fields are read.
  [[nodiscard]] http_response read_response(bool no_body = false);

  /// send() then read_response().
  [[nodiscard]] http_response request(std::string_view bytes);

  /// True when the server closes (EOF or reset) within `limit`; bytes that arrive
  /// meanwhile are kept for read_response(). False on timeout.
  [[nodiscard]] bool wait_for_close(std::chrono::milliseconds limit);

  /// True when a response (or any byte) is already waiting or arrives within `limit`.
  [[nodiscard]] bool readable_within(std::chrono::milliseconds limit);

  /// Closes the socket (the peer sees a FIN).
  void close();

  // BITS helpers: each sends one packet and reads its response.

  /// BITS_POST with Content-Length = body.size().
  [[nodiscard]] http_response bits_post(std::string_view path, std::string_view packet_type,
                                        header_list const& extra = {}, std::string_view body = {});
  [[nodiscard]] http_response ping(std::string_view path = "/");
  /// Create-Session offering only the BITS 1.5 protocol GUID.
  [[nodiscard]] http_response create(std::string_view path);
  /// create() and the BITS-Session-Id of its 200 Ack; "" (and a test failure) otherwise.
  [[nodiscard]] std::string create_session(std::string_view path);
  [[nodiscard]] http_response send_fragment(std::string_view path, std::string_view session_id,
                                            std::uint64_t first, std::uint64_t last,
                                            std::uint64_t total, std::string_view bytes);
  [[nodiscard]] http_response close_session(std::string_view path, std::string_view session_id);
  [[nodiscard]] http_response cancel_session(std::string_view path, std::string_view session_id);

 private:
  /// Appends what recv() returns to buffer_; the outcome says why nothing came.
  read_outcome fill();
  read_outcome read_until_head_end(std::size_t& head_end);
  read_outcome read_body(http_response& response);
  read_outcome read_chunked(std::string& body);
  read_outcome need(std::size_t bytes);

  int fd_ = -1;
  std::string buffer_;
  std::string error_;
  std::string host_ = "127.0.0.1";
};

}  // namespace bits::test
