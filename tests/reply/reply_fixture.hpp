// Fixture of the upload-reply and download suite: a temporary directory with an upload
// root, the real openbitsd on 127.0.0.1 port 0, and the test application
// (reply_backend.py) as a second real process whose request log the tests read.
// When a test fails, the tails of both processes' logs are printed.
#pragma once

#include "support/config_writer.hpp"
#include "support/daemon.hpp"
#include "support/http_response.hpp"
#include "support/raw_client.hpp"
#include "support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bits::test {

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

/// Status, headers and body of an error Ack for a failed notification (reference 7.6):
/// the status, BITS-Packet-Type: Ack, Content-Length: 0, BITS-Error-Code == `code`,
/// BITS-Error-Context: 0x7, and no BITS-Reply-URL.
[[nodiscard]] ::testing::AssertionResult is_app_error_ack(http_response const& r, int status,
                                                          std::string_view code);

/// A 200 Ack for a completed upload: BITS-Received-Content-Range == `total`, no error
/// headers, and a BITS-Reply-URL.
[[nodiscard]] ::testing::AssertionResult is_reply_ack(http_response const& r, std::uint64_t total);

/// A 200 Ack with BITS-Received-Content-Range == `next` and no error headers.
[[nodiscard]] ::testing::AssertionResult is_progress_ack(http_response const& r,
                                                         std::uint64_t next);

/// True when `text` is 32 lower- or upper-case hex digits.
[[nodiscard]] bool is_hex32(std::string_view text);

class reply_test : public ::testing::Test {
 protected:
  reply_test();
  void TearDown() override;

  /// Starts openbitsd on a config with `vdirs` and the default [server] settings.
  [[nodiscard]] ::testing::AssertionResult start_server(std::vector<vdir_options> vdirs);
  /// One vdir "/up/" -> root() with `type` and notification URL `url`; `tweak` may
  /// change anything before the start.
  template <typename Tweak>
  [[nodiscard]] ::testing::AssertionResult start_reply(std::string type, std::string url,
                                                       Tweak tweak);
  [[nodiscard]] ::testing::AssertionResult start_reply(std::string type, std::string url);
  /// One plain (notification "none") vdir "/up/" -> root().
  [[nodiscard]] vdir_options plain_vdir() const;

  /// "http://127.0.0.1:<application port>/" + path. The application is started by the
  /// first call of app_url() or app_port().
  [[nodiscard]] std::string app_url(std::string_view path) const;
  /// "127.0.0.1:<openbitsd port>": the Host the helpers send, so reply URLs work as is.
  [[nodiscard]] std::string server_host() const;
  [[nodiscard]] std::uint16_t app_port() const;
  /// Every request the application received so far, in order.
  [[nodiscard]] std::vector<backend_call> app_calls() const;

  /// A new connection to openbitsd.
  [[nodiscard]] raw_client connect() const;

  /// BITS_POST of `type` to `target` with Host `host` (server_host() when empty).
  [[nodiscard]] http_response post(raw_client& c, std::string_view target, std::string_view type,
                                   header_list const& extra = {}, std::string_view body = {},
                                   std::string_view host = {});
  /// Create-Session; the session id, or "" plus a test failure.
  [[nodiscard]] std::string create(raw_client& c, std::string_view target,
                                   std::string_view host = {});
  [[nodiscard]] http_response fragment(raw_client& c, std::string_view target, std::string_view id,
                                       std::uint64_t first, std::string_view bytes,
                                       std::uint64_t total, std::string_view host = {});
  [[nodiscard]] http_response close(raw_client& c, std::string_view target, std::string_view id);
  [[nodiscard]] http_response cancel(raw_client& c, std::string_view target, std::string_view id);

  /// What upload() leaves: the session and the Ack of the final fragment.
  struct upload_result {
    std::string id;
    http_response last;
  };
  /// Create-Session and fragments of `fragment` bytes; every Ack but the last must be
  /// a plain 200 (checked). The last fragment's Ack is returned unchecked.
  [[nodiscard]] upload_result upload(raw_client& c, std::string_view target, std::string_view data,
                                     std::size_t fragment = 16384, std::string_view host = {});
  /// Sends the final fragment of `data` (from `first`) again.
  [[nodiscard]] http_response resend_tail(raw_client& c, std::string_view target,
                                          std::string_view id, std::string_view data,
                                          std::uint64_t first, std::string_view host = {});

  /// GET (or HEAD when `method` says so) of `target` on a new connection.
  [[nodiscard]] http_response get(std::string_view target, header_list const& extra = {},
                                  std::string_view method = "GET") const;
  /// The path part of an absolute URL ("http://h/x" -> "/x"); the input when not absolute.
  [[nodiscard]] static std::string path_of(std::string_view url);

  /// Names of the spool's session folders.
  [[nodiscard]] std::vector<std::string> spool_entries() const;
  /// Waits (at most `seconds`) until the spool has no session folder.
  [[nodiscard]] bool spool_empties_within(double seconds) const;

  [[nodiscard]] std::filesystem::path root() const { return tmp_ / "root"; }
  [[nodiscard]] std::filesystem::path spool() const { return root() / ".bits-spool"; }
  [[nodiscard]] std::filesystem::path const& tmp() const { return tmp_.path(); }

 private:
  temp_dir tmp_;
  mutable std::unique_ptr<bits::test::daemon> app_;
  std::unique_ptr<bits::test::daemon> server_;
};

template <typename Tweak>
::testing::AssertionResult reply_test::start_reply(std::string type, std::string url, Tweak tweak) {
  vdir_options v = plain_vdir();
  v.set("notification_type", type).set("notification_url", url);
  tweak(v);
  return start_server({v});
}

}  // namespace bits::test
