// Fixture of the upload-reply and download suite: the shared daemon_test (sending
// Host: 127.0.0.1:<port>, so reply URLs work as they are), upload-reply virtual
// directories, and the test application (support/reply_app) as a second real process
// whose request log the tests read. When a test fails, both logs' tails are printed.
#pragma once

#include "support/ack.hpp"
#include "support/daemon_test.hpp"
#include "support/reply_app.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace bits::test {

/// A 200 Ack with BITS-Received-Content-Range == `next` and no error headers.
[[nodiscard]] inline ::testing::AssertionResult is_progress_ack(http_response const& r,
                                                                std::uint64_t next) {
  return is_fragment_ack(r, next);
}

class reply_test : public daemon_test {
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
  [[nodiscard]] std::string app_url(std::string_view path) { return app_.url(path); }
  [[nodiscard]] std::uint16_t app_port() { return app_.start(); }
  /// Every request the application received so far, in order.
  [[nodiscard]] std::vector<backend_call> app_calls() const { return app_.calls(); }
  /// "127.0.0.1:<openbitsd port>": the Host the helpers send.
  [[nodiscard]] std::string server_host() const { return host(); }

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
  [[nodiscard]] http_response close(raw_client& c, std::string_view target, std::string_view id) {
    return c.close_session(target, id);
  }
  [[nodiscard]] http_response cancel(raw_client& c, std::string_view target, std::string_view id) {
    return c.cancel_session(target, id);
  }

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

  /// The path part of an absolute URL ("http://h/x" -> "/x"); the input when not absolute.
  [[nodiscard]] static std::string path_of(std::string_view url);

  /// Names of the spool's session folders.
  [[nodiscard]] std::vector<std::string> spool_entries() const { return spool_session_dirs(); }

 private:
  reply_app app_{tmp()};
};

template <typename Tweak>
::testing::AssertionResult reply_test::start_reply(std::string type, std::string url, Tweak tweak) {
  vdir_options v = plain_vdir();
  v.set("notification_type", type).set("notification_url", url);
  tweak(v);
  return start_server({v});
}

}  // namespace bits::test
