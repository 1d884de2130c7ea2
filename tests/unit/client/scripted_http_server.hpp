// A real HTTP peer on 127.0.0.1 (port 0) for the tests of the libcurl path: it answers
// each request with the next scripted response, byte for byte, so a test can imitate
// what other servers send (an HTTP/1.0 status line, an authentication challenge) and
// see what libcurl sent. One connection at a time, on one thread; a read waits at most
// 5 s.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace bits::client::test {

/// One request as received.
struct received_request {
  std::string head;  ///< request line and header fields, up to the empty line
  std::uint64_t body_length = 0;
  /// Value of header `name` (case-insensitive), or empty.
  [[nodiscard]] std::string header(std::string_view name) const;
  /// True when the head has a field `name`.
  [[nodiscard]] bool has_header(std::string_view name) const;
};

class scripted_http_server {
 public:
  /// Listens at once; answers the requests with `responses` in order and closes the
  /// connection after a response that says HTTP/1.0 or "Connection: close", and when
  /// the script is used up.
  explicit scripted_http_server(std::vector<std::string> responses);
  ~scripted_http_server();
  scripted_http_server(scripted_http_server const&) = delete;
  scripted_http_server& operator=(scripted_http_server const&) = delete;

  /// "http://127.0.0.1:<port>" + path.
  [[nodiscard]] std::string url(std::string_view path) const;
  /// The requests received so far.
  [[nodiscard]] std::vector<received_request> requests() const;

 private:
  void run();
  void serve(int fd);

  int listener_ = -1;
  std::uint16_t port_ = 0;
  std::vector<std::string> script_;
  std::size_t next_ = 0;
  std::atomic<bool> stopping_{false};
  mutable std::mutex mutex_;
  std::vector<received_request> requests_;
  std::thread thread_;
};

}  // namespace bits::client::test
