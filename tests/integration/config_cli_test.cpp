// The command line: --check-config on good and bad files, and clean exits on signals.
#include "integration/fixture.hpp"

#include "support/digest.hpp"

#include <sstream>

namespace bits::test {
namespace {

using ConfigCli = daemon_test;

/// Every key of the reference configuration, each with its default (the settings
/// table's), listening on 127.0.0.1:0 and serving /up/ from `root`.
std::string full_config(std::filesystem::path const& root) {
  daemon_options options;
  options.server.values.set_defaults({"listen"});
  options.vdirs.push_back({"/up/", root, {}});
  options.vdirs[0].values.set_defaults({"url", "root"});
  return to_toml(options);
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

// The reference is documentation an operator may start from: it must pass the check.
TEST_F(ConfigCli, PrintConfigReferenceIsAValidConfiguration) {
  auto const printed = run_to_exit(openbitsd_path(), {"--print-config-reference"});
  ASSERT_TRUE(printed.status.exited && printed.status.code == 0) << printed.status.describe();
  EXPECT_TRUE(printed.output.starts_with("# openbitsd configuration reference")) << printed.output;
  EXPECT_NE(printed.output.find("\n[server]\n"), std::string::npos) << printed.output;
  EXPECT_NE(printed.output.find("\n[[vdir]]\n"), std::string::npos) << printed.output;
  auto const file = tmp() / "reference.toml";
  ASSERT_TRUE(write_file(file, printed.output));
  auto const checked = run_to_exit(openbitsd_path(), {"--check-config", file.string()});
  EXPECT_TRUE(checked.status.exited && checked.status.code == 0)
      << checked.status.describe() << "\n"
      << checked.output;
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
