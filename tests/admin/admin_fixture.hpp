// The admin suite's fixture: openbitsd with one vdir "/up/" and the admin listener on
// 127.0.0.1 port 0, requests to that listener, and the Prometheus text parsed enough
// to read one sample.
#pragma once

#include "support/daemon_test.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bits::test {

class admin_test : public daemon_test {
 protected:
  /// up_options() with [admin] listen = "127.0.0.1:0" plus `admin` keys.
  [[nodiscard]] daemon_options admin_options(
      std::initializer_list<setting_values::entry> admin = {}) const;

  /// The admin listener's port: the last line of the port file.
  [[nodiscard]] std::uint16_t admin_port() { return server().ports().back(); }

  /// GET `target` from the admin listener on a new connection, with `extra` fields.
  [[nodiscard]] http_response admin_get(std::string_view target, header_list const& extra = {});

  /// Uploads `data` to `url` in fragments of `fragment` bytes and closes the session.
  [[nodiscard]] ::testing::AssertionResult upload_file(std::string const& url,
                                                       std::string_view data, std::size_t fragment);
};

/// The value of the sample `name{labels}` in a Prometheus text exposition: the line
/// whose name is `name` and whose labels include every `label="value"` of `labels`;
/// nullopt when there is none.
[[nodiscard]] std::optional<double> sample(std::string const& text, std::string_view name,
                                           std::vector<std::string> const& labels = {});

}  // namespace bits::test
