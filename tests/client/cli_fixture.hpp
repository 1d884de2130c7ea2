// Fixture of the client integration suite: the shared daemon_test, started from a
// generated config on 127.0.0.1 (one vdir "/up/" -> root), and helpers that run the
// openbits binary and parse its --json summary.
#pragma once

#include "support/child_process.hpp"
#include "support/daemon_test.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace bits::test {

[[nodiscard]] std::string openbits_path();

/// One finished openbits run.
struct cli_result {
  exit_status status;
  std::string out;
  std::string err;
  nlohmann::json json;  ///< the --json summary (last stdout line that parses), or null

  /// Exit code, or -1 when killed by a signal.
  [[nodiscard]] int code() const { return status.exited ? status.code : -1; }
  /// Everything, for failure messages.
  [[nodiscard]] std::string describe() const;
};

/// Parses the last JSON object line of `out` (null when none).
[[nodiscard]] nlohmann::json last_json_line(std::string const& out);

class client_test : public daemon_test {
 protected:
  client_test();

  /// Starts openbitsd with `vdir` (url and root are filled in) and `server` (listen is
  /// 127.0.0.1:0 unless set).
  [[nodiscard]] ::testing::AssertionResult start(vdir_options vdir = {},
                                                 server_options server = {});

  /// http://127.0.0.1:<port>/up/<name>
  [[nodiscard]] std::string url(std::string const& name) const;
  /// Runs openbits `args` to completion (at most `timeout`), with `env` added to its
  /// environment.
  [[nodiscard]] cli_result openbits(std::vector<std::string> const& args,
                                    std::chrono::seconds timeout = std::chrono::seconds(60),
                                    std::map<std::string, std::string> env = {});
  /// Starts openbits `args` in the background; output in tmp/<name>.out/.err.
  [[nodiscard]] std::unique_ptr<child_process> spawn(std::vector<std::string> const& args,
                                                     std::string const& name,
                                                     std::map<std::string, std::string> env = {});
  /// Waits (polling, <= `limit`) until the upload state file records offset > `above`;
  /// returns the state JSON, or null on timeout.
  [[nodiscard]] nlohmann::json wait_for_offset(
      std::filesystem::path const& state, std::uint64_t above,
      std::chrono::seconds limit = std::chrono::seconds(20));

  /// A file of `size` pseudo-random bytes in tmp.
  [[nodiscard]] std::filesystem::path random_file(std::string const& name, std::size_t size,
                                                  std::uint64_t seed);

  /// Open sessions in the daemon's spool.
  [[nodiscard]] std::size_t spool_sessions() const { return spool_session_dirs().size(); }
};

}  // namespace bits::test
