// Shared fixture of the integration suite: a temporary directory with an upload root,
// one openbitsd started on 127.0.0.1 port 0, BITS Ack checks, and upload helpers.
// When a test fails, the tail of the daemon's log is printed.
#pragma once

#include "support/config_writer.hpp"
#include "support/daemon.hpp"
#include "support/http_response.hpp"
#include "support/raw_client.hpp"
#include "support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace bits::test {

inline constexpr std::string_view e_invalidarg = "0x80070057";
inline constexpr std::string_view e_accessdenied = "0x80070005";
inline constexpr std::string_view e_path_not_found = "0x80070003";
inline constexpr std::string_view bg_e_session_not_found = "0x8020001F";
inline constexpr std::string_view bg_e_too_large = "0x80200020";

/// The openbitsd binary under test (compile definition OPENBITSD_PATH).
[[nodiscard]] std::string openbitsd_path();

/// `r` is a success Ack: the status, BITS-Packet-Type: Ack, Content-Length: 0, no body,
/// and neither BITS-Error-Code nor BITS-Error-Context.
[[nodiscard]] ::testing::AssertionResult is_ack(http_response const& r, int status);

/// `r` is an error Ack: the status, BITS-Packet-Type: Ack, Content-Length: 0, no body,
/// BITS-Error-Code equal to `code` and BITS-Error-Context: 0x5.
[[nodiscard]] ::testing::AssertionResult is_error_ack(http_response const& r, int status,
                                                      std::string_view code);

/// BITS-Received-Content-Range as a number; nullopt when absent or not decimal.
[[nodiscard]] std::optional<std::uint64_t> received_range(http_response const& r);

/// `r` has status 200 and BITS-Received-Content-Range == `next`.
[[nodiscard]] ::testing::AssertionResult is_fragment_ack(http_response const& r,
                                                         std::uint64_t next);

/// A brace-wrapped GUID with upper-case hex digits.
[[nodiscard]] bool is_upper_guid(std::string_view text);

/// Calls `send` again (after 50 ms) while it answers 503 (a busy session), for at most
/// 10 s, and returns the last answer.
template <typename Send>
http_response retry_while_busy(Send&& send);

class daemon_test : public ::testing::Test {
 protected:
  daemon_test();
  void TearDown() override;

  /// openbitsd --listen 127.0.0.1:0 --root root() <extra>.
  [[nodiscard]] ::testing::AssertionResult start_cli(std::vector<std::string> extra = {});
  /// Writes `options` to tmp/openbitsd.toml and starts openbitsd --config on it.
  [[nodiscard]] ::testing::AssertionResult start_config(daemon_options const& options);
  /// One vdir "/up/" -> root(), everything else default.
  [[nodiscard]] daemon_options up_options() const;
  /// "NAME=value" entries for the environment of the daemons started from now on
  /// (start_cli, start_config, restart); {} for the plain environment.
  void set_env(std::vector<std::string> env);
  /// Starts the stopped daemon again with the same arguments (new port).
  [[nodiscard]] ::testing::AssertionResult restart();

  /// A new connection to the daemon.
  [[nodiscard]] raw_client connect() const;
  /// Ping on a new connection, to the first virtual directory, answers 200 (the daemon
  /// still serves).
  [[nodiscard]] ::testing::AssertionResult still_serving() const;

  /// Create-Session + fragments of `fragment` bytes, each checked; "" on failure.
  [[nodiscard]] std::string upload(raw_client& client, std::string_view url, std::string_view data,
                                   std::size_t fragment);

  /// Sub-directories of the spool (one per open session).
  [[nodiscard]] std::vector<std::string> spool_session_dirs() const;

  [[nodiscard]] std::filesystem::path root() const { return tmp_ / "root"; }
  [[nodiscard]] std::filesystem::path spool() const { return root() / ".bits-spool"; }
  [[nodiscard]] std::filesystem::path const& tmp() const { return tmp_.path(); }
  [[nodiscard]] bits::test::daemon& server() { return *daemon_; }

 private:
  ::testing::AssertionResult launch(std::vector<std::string> args);

  temp_dir tmp_;
  std::unique_ptr<bits::test::daemon> daemon_;
  std::vector<std::string> env_;
  std::string ping_path_ = "/";
};

template <typename Send>
http_response retry_while_busy(Send&& send) {
  auto const deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  for (;;) {
    http_response r = send();
    if (r.status != 503 || std::chrono::steady_clock::now() >= deadline) return r;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

}  // namespace bits::test
