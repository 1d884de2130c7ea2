// The fixture every suite that starts the real openbitsd builds on: a temporary
// directory with an upload root, openbitsd on 127.0.0.1 port 0 (from command-line
// options, a config_writer config or a TOML text), restarts, connections, upload
// helpers and the spool. When a test fails, the tail of the daemon's log is printed.
#pragma once

#include "support/ack.hpp"
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
#include <string>
#include <string_view>
#include <vector>

namespace bits::test {

/// The openbitsd binary under test (the one built here, or BITS_TEST_OPENBITSD).
[[nodiscard]] std::string openbitsd_path();

class daemon_test : public ::testing::Test {
 protected:
  daemon_test();
  void TearDown() override;

  /// openbitsd --listen 127.0.0.1:0 --root root() <extra>.
  [[nodiscard]] ::testing::AssertionResult start_cli(std::vector<std::string> extra = {});
  /// Writes `options` to tmp/openbitsd.toml and starts openbitsd --config on it.
  [[nodiscard]] ::testing::AssertionResult start_config(daemon_options const& options);
  /// Writes `toml` to tmp/openbitsd.toml and starts openbitsd --config on it;
  /// still_serving() then pings `ping_path`.
  [[nodiscard]] ::testing::AssertionResult start_toml(std::string const& toml,
                                                      std::string ping_path = "/up/");
  /// One vdir "/up/" -> root(), everything else default.
  [[nodiscard]] daemon_options up_options() const;
  /// "NAME=value" entries for the environment of the daemons started from now on
  /// (start_*, restart); {} for the plain environment.
  void set_env(std::vector<std::string> env);
  /// Starts the stopped daemon again with the same arguments (new port).
  [[nodiscard]] ::testing::AssertionResult restart();
  /// SIGKILLs the daemon (if running) and starts a new one with the same arguments on
  /// the same port (retried while the kernel still holds the port, at most 5 s).
  [[nodiscard]] ::testing::AssertionResult restart_on_same_port();

  /// A new connection to the daemon, with the client timeout (see set_client_timeout).
  [[nodiscard]] raw_client connect() const;
  /// The socket timeout of connect() from now on (10 s unless set).
  void set_client_timeout(std::chrono::milliseconds timeout) { client_timeout_ = timeout; }
  /// Send Host: 127.0.0.1:<port> instead of Host: 127.0.0.1 from now on (URLs the
  /// server builds from the Host, such as reply URLs, then work as they are).
  void send_port_in_host() { port_in_host_ = true; }
  /// The Host header connect() and get() send.
  [[nodiscard]] std::string host() const;
  /// Ping on a new connection answers 200 (the daemon still serves).
  [[nodiscard]] ::testing::AssertionResult still_serving() const;
  /// GET (or HEAD when `method` says so) of `target` with `extra` fields on a new
  /// connection (5 s timeout), with Connection: close.
  [[nodiscard]] http_response get(std::string_view target, header_list const& extra = {},
                                  std::string_view method = "GET") const;

  /// Create-Session + fragments of `fragment` bytes, each checked; "" on failure.
  [[nodiscard]] std::string upload(raw_client& client, std::string_view url, std::string_view data,
                                   std::size_t fragment);
  /// Sends `data` from `first` on in fragments of `fragment` bytes to session `id`,
  /// with `extra` fields on each; every answer must be is_fragment_ack.
  [[nodiscard]] ::testing::AssertionResult send_fragments(raw_client& client, std::string_view url,
                                                          std::string_view id,
                                                          std::string_view data,
                                                          std::uint64_t first, std::size_t fragment,
                                                          header_list const& extra = {});

  /// Sub-directories of the spool (one per open session).
  [[nodiscard]] std::vector<std::string> spool_session_dirs() const;
  /// Waits (at most `seconds`) until the spool has no session folder.
  [[nodiscard]] bool spool_empties_within(double seconds) const;

  [[nodiscard]] std::filesystem::path root() const { return tmp_ / "root"; }
  [[nodiscard]] std::filesystem::path spool() const { return root() / ".bits-spool"; }
  [[nodiscard]] std::filesystem::path const& tmp() const { return tmp_.path(); }
  [[nodiscard]] bits::test::daemon& server() { return *daemon_; }
  [[nodiscard]] bool has_server() const noexcept { return daemon_ != nullptr; }
  /// The daemon's (first) port; it stays known after the daemon stopped.
  [[nodiscard]] std::uint16_t port() const { return daemon_ ? daemon_->port() : 0; }

 private:
  ::testing::AssertionResult launch(std::vector<std::string> args, std::string name = "openbitsd");

  temp_dir tmp_;
  std::unique_ptr<bits::test::daemon> daemon_;
  std::vector<std::string> env_;
  std::string ping_path_ = "/";
  std::chrono::milliseconds client_timeout_ = std::chrono::seconds(10);
  bool port_in_host_ = false;
  int launches_ = 0;
};

}  // namespace bits::test
