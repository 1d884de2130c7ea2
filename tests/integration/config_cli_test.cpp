// The command line: --check-config on good and bad files, and clean exits on signals.
#include "integration/fixture.hpp"

#include "support/digest.hpp"

#include <sstream>

namespace bits::test {
namespace {

using ConfigCli = daemon_test;

/// Every key of the reference configuration, with valid values.
std::string full_config(std::filesystem::path const& root) {
  return "[server]\n"
         "listen = [\"127.0.0.1:0\"]\n"
         "idle_timeout = 120\n"
         "header_timeout = 30\n"
         "read_timeout = 60\n"
         "sync_interval = 5\n"
         "tombstone_ttl = 3600\n"
         "max_header_bytes = 16384\n"
         "max_header_count = 100\n"
         "\n"
         "[[vdir]]\n"
         "url = \"/up/\"\n"
         "root = " +
         toml_string(root.string()) +
         "\n"
         "upload_enabled = true\n"
         "downloads_enabled = true\n"
         "max_upload_size = 0\n"
         "max_fragment_size = 16777216\n"
         "allow_overwrites = false\n"
         "session_timeout = 1209600\n"
         "cleanup_interval = 43200\n"
         "host_id = \"\"\n"
         "host_id_fallback_timeout = 86400\n";
}

TEST_F(ConfigCli, CheckConfigAcceptsAFullValidFile) {
  auto const file = tmp() / "good.toml";
  ASSERT_TRUE(write_file(file, full_config(root())));
  auto const result = run_to_exit(openbitsd_path(), {"--check-config", file.string()});
  EXPECT_TRUE(result.status.exited && result.status.code == 0) << result.status.describe() << "\n"
                                                               << result.output;
}

TEST_F(ConfigCli, CheckConfigReportsEveryProblemWithFileAndLine) {
  auto const file = tmp() / "bad.toml";
  ASSERT_TRUE(write_file(file,
                         "[server]\n"
                         "listen = [\"127.0.0.1:0\"]\n"
                         "no_such_key = 1\n"
                         "\n"
                         "[[vdir]]\n"
                         "url = \"/up/\"\n"
                         "root = " +
                             toml_string(root().string()) +
                             "\n"
                             "max_fragment_size = 100\n"));
  auto const result = run_to_exit(openbitsd_path(), {"--check-config", file.string()});
  EXPECT_TRUE(result.status.exited && result.status.code == 1) << result.status.describe() << "\n"
                                                               << result.output;
  std::string const prefix = file.string() + ":";
  int problem_lines = 0;
  bool unknown_key_line = false;
  bool fragment_line = false;
  std::istringstream lines(result.output);
  for (std::string line; std::getline(lines, line);) {
    if (!line.starts_with(prefix)) continue;
    ++problem_lines;
    unknown_key_line = unknown_key_line || (line.starts_with(prefix + "3:") &&
                                            line.find("no_such_key") != std::string::npos);
    fragment_line = fragment_line || (line.starts_with(prefix + "8:") &&
                                      line.find("max_fragment_size") != std::string::npos);
  }
  EXPECT_GE(problem_lines, 2) << result.output;
  EXPECT_TRUE(unknown_key_line) << "no '" << prefix << "3: ...no_such_key' line:\n"
                                << result.output;
  EXPECT_TRUE(fragment_line) << "no '" << prefix << "8: ...max_fragment_size' line:\n"
                             << result.output;
}

TEST_F(ConfigCli, PackagedConfigurationIsValid) {
  auto const result = run_to_exit(openbitsd_path(), {"--check-config", PACKAGED_CONFIG});
  EXPECT_TRUE(result.status.exited && result.status.code == 0) << result.status.describe() << "\n"
                                                               << result.output;
}

TEST_F(ConfigCli, VersionPrintsTheProjectVersion) {
  auto const result = run_to_exit(openbitsd_path(), {"--version"});
  EXPECT_TRUE(result.status.exited && result.status.code == 0) << result.status.describe();
  EXPECT_EQ(result.output, "openbitsd " BITS_VERSION "\n");
}

TEST_F(ConfigCli, CheckConfigReportsSyntaxErrors) {
  auto const file = tmp() / "syntax.toml";
  ASSERT_TRUE(write_file(file, "[server]\nlisten = [\"127.0.0.1:0\"\n"));
  auto const result = run_to_exit(openbitsd_path(), {"--check-config", file.string()});
  EXPECT_TRUE(result.status.exited && result.status.code == 1) << result.status.describe() << "\n"
                                                               << result.output;
  EXPECT_NE(result.output.find(file.string() + ":"), std::string::npos) << result.output;
}

TEST_F(ConfigCli, ServesFromAFullConfigFile) {
  auto const file = tmp() / "full.toml";
  ASSERT_TRUE(write_file(file, full_config(root())));
  daemon d(openbitsd_path(), {"--config", file.string()}, tmp(), "full");
  ASSERT_TRUE(d.start()) << d.last_error() << "\n" << d.log_tail();
  raw_client client(d.port());
  std::string const id = client.create_session("/up/f.bin");
  EXPECT_TRUE(is_fragment_ack(client.send_fragment("/up/f.bin", id, 0, 2, 3, "abc"), 3));
  EXPECT_EQ(read_file(root() / "f.bin"), "abc");
  auto const status = d.stop(SIGTERM);
  EXPECT_TRUE(status.exited && status.code == 0) << status.describe();
}

TEST_F(ConfigCli, SigtermAndSigintExitCleanly) {
  ASSERT_TRUE(start_cli({"--log-level", "debug"}));
  {
    auto client = connect();
    ASSERT_TRUE(is_ack(client.ping(), 200));
    // An idle kept-alive connection must not hold up the stop.
    auto const status = server().stop(SIGTERM);
    EXPECT_TRUE(status.exited && status.code == 0) << "SIGTERM: " << status.describe();
  }
  ASSERT_TRUE(restart());
  auto const status = server().stop(SIGINT);
  EXPECT_TRUE(status.exited && status.code == 0) << "SIGINT: " << status.describe();
}

}  // namespace
}  // namespace bits::test
