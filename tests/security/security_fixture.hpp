// The security suite's fixture: the shared daemon_test, started from a TOML text the
// test writes, plus certificates made with the `openssl` command line and htpasswd
// lines hashed with libcrypt.
#pragma once

#include "support/ack.hpp"
#include "support/daemon_test.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace bits::test {

/// A self-signed RSA certificate for CN=`cn`: `dir`/`name`.pem and `dir`/`name`.key.
/// When `ca` is not empty, the certificate is signed by `ca`.pem / `ca`.key instead.
[[nodiscard]] ::testing::AssertionResult make_cert(std::filesystem::path const& dir,
                                                   std::string const& name, std::string const& cn,
                                                   std::string const& ca = {});

/// "user:$6$..." hashed with libcrypt; "" on failure.
[[nodiscard]] std::string htpasswd_line(std::string const& user, std::string const& password);

/// The Authorization header value "Basic base64(user:password)".
[[nodiscard]] std::string basic_auth(std::string const& user, std::string const& password);

class security_test : public daemon_test {
 protected:
  /// Connections time out after 5 s.
  security_test();

  /// Writes `toml` to tmp/openbitsd.toml and starts openbitsd --config on it.
  [[nodiscard]] ::testing::AssertionResult start(std::string const& toml) {
    return start_toml(toml, "/up/");
  }
  /// The TOML text of [server] on `listen` with log_level "debug" and `server`, and one
  /// [[vdir]] "/up/" -> root() with `vdir`.
  [[nodiscard]] std::string config(server_values server = {}, vdir_values vdir = {},
                                   std::vector<std::string> listen = {"127.0.0.1:0"}) const;

  /// Sends the remaining fragments of `data` from `first` on, checked, then Close-Session
  /// and compares the published file `name` byte for byte.
  [[nodiscard]] ::testing::AssertionResult finish_upload(raw_client& client, std::string const& id,
                                                         std::string const& name,
                                                         std::string_view data, std::uint64_t first,
                                                         header_list const& auth = {});
};

}  // namespace bits::test
