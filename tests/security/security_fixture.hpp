// Shared fixture of the security suite: a temporary directory with an upload root, one
// openbitsd started from a TOML text the test writes, certificates made with the
// `openssl` command line, htpasswd lines hashed with libcrypt, and BITS Ack checks.
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
#include <string>
#include <string_view>

namespace bits::test {

inline constexpr std::string_view e_accessdenied = "0x80070005";
inline constexpr std::string_view e_disk_full = "0x80070070";
inline constexpr std::string_view e_server_busy = "0x801901F7";

/// The openbitsd binary under test (compile definition OPENBITSD_PATH).
[[nodiscard]] std::string openbitsd_path();

/// `r` is an Ack with `status` and no error code.
[[nodiscard]] ::testing::AssertionResult is_ack(http_response const& r, int status);
/// `r` has `status` and BITS-Error-Code == `code`.
[[nodiscard]] ::testing::AssertionResult is_error(http_response const& r, int status,
                                                  std::string_view code);
/// `r` is a 200 Ack with BITS-Received-Content-Range == `next`.
[[nodiscard]] ::testing::AssertionResult is_fragment_ack(http_response const& r,
                                                         std::uint64_t next);

/// A self-signed RSA certificate for CN=`cn`: `dir`/`name`.pem and `dir`/`name`.key.
/// When `ca` is not empty, the certificate is signed by `ca`.pem / `ca`.key instead.
[[nodiscard]] ::testing::AssertionResult make_cert(std::filesystem::path const& dir,
                                                   std::string const& name, std::string const& cn,
                                                   std::string const& ca = {});

/// "user:$6$..." hashed with libcrypt; "" on failure.
[[nodiscard]] std::string htpasswd_line(std::string const& user, std::string const& password);

/// The Authorization header value "Basic base64(user:password)".
[[nodiscard]] std::string basic_auth(std::string const& user, std::string const& password);

class security_test : public ::testing::Test {
 protected:
  security_test();
  void TearDown() override;

  /// Writes `toml` to tmp/openbitsd.toml and starts openbitsd --config on it.
  [[nodiscard]] ::testing::AssertionResult start(std::string const& toml);
  /// The TOML text of [server] on `listen` with log_level "debug" and `server`, and one
  /// [[vdir]] "/up/" -> root() with `vdir`.
  [[nodiscard]] std::string config(server_values server = {}, vdir_values vdir = {},
                                   std::vector<std::string> listen = {"127.0.0.1:0"}) const;

  /// A new plain connection to the first listener (short 5 s timeout).
  [[nodiscard]] raw_client connect() const;
  /// Ping to /up/ on a new connection answers 200.
  [[nodiscard]] ::testing::AssertionResult still_serving() const;
  /// Sends the remaining fragments of `data` from `first` on, checked, then Close-Session
  /// and compares the published file `name` byte for byte.
  [[nodiscard]] ::testing::AssertionResult finish_upload(raw_client& client, std::string const& id,
                                                         std::string const& name,
                                                         std::string_view data, std::uint64_t first,
                                                         header_list const& auth = {});

  [[nodiscard]] std::filesystem::path root() const { return tmp_ / "root"; }
  [[nodiscard]] std::filesystem::path const& tmp() const { return tmp_.path(); }
  [[nodiscard]] bits::test::daemon& server() { return *daemon_; }

 private:
  temp_dir tmp_;
  std::unique_ptr<bits::test::daemon> daemon_;
};

}  // namespace bits::test
