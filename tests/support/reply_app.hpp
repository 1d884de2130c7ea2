// The server application of the upload-reply tests (support/reply_backend.py, Python
// standard library only) as a second real process on 127.0.0.1 port 0, and the
// requests it logged. Available when CMake found python3 (reply_app::available()).
#pragma once

#include "support/daemon.hpp"
#include "support/http_response.hpp"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bits::test {

/// The static reply URL the application's "static" behaviours answer with.
inline constexpr std::string_view static_reply_url = "http://127.0.0.1:1/static-reply";

/// One request the application received (a line of its JSON log).
struct backend_call {
  std::string method;
  std::string target;  ///< path and query as sent
  header_list headers;
  std::uint64_t body_length = 0;
  std::string body_sha256;
  std::string behaviour;
  std::optional<bool> request_file_exists;  ///< by reference: at the time of the call
  std::optional<std::uint64_t> request_file_size;
  std::string request_file_sha256;
  std::optional<bool> response_dir_exists;

  /// Value of header `name` (case-insensitive), or nullopt.
  [[nodiscard]] std::optional<std::string> header(std::string_view name) const;
};

class reply_app {
 public:
  /// Nothing runs yet; the log and the process's output go to `work_dir`.
  explicit reply_app(std::filesystem::path work_dir);
  ~reply_app();
  reply_app(reply_app const&) = delete;
  reply_app& operator=(reply_app const&) = delete;

  /// True when the build found python3 for the application.
  [[nodiscard]] static bool available() noexcept;

  /// Starts the application unless it runs; its port, or 0 after a test failure.
  [[nodiscard]] std::uint16_t start();
  /// "http://127.0.0.1:<port>/" + path, starting the application first.
  [[nodiscard]] std::string url(std::string_view path);
  /// Every request the application received so far, in order.
  [[nodiscard]] std::vector<backend_call> calls() const;
  /// True once start() was called.
  [[nodiscard]] bool started() const noexcept { return process_ != nullptr; }
  /// The tail of the application's own output.
  [[nodiscard]] std::string log_tail(std::size_t lines = 40) const;
  /// SIGTERM, at most 2 s, then SIGKILL.
  void stop();

 private:
  std::filesystem::path work_dir_;
  std::unique_ptr<bits::test::daemon> process_;
};

}  // namespace bits::test
