// SIGHUP with a changed configuration file, as an operator sees it in the log: a new
// log level applies at once, an invalid file is refused while the old configuration
// keeps serving, and changes that need a restart are named.
#include "integration/fixture.hpp"

#include <csignal>
#include <fstream>

namespace bits::test {
namespace {

class Reload : public daemon_test {
 protected:
  /// Rewrites the config file with `options`, sends SIGHUP and waits (<= 10 s) until the
  /// log grows a line containing `wanted`.
  ::testing::AssertionResult reload_with(std::string const& toml, std::string const& wanted) {
    std::ofstream(tmp() / "openbitsd.toml") << toml;
    auto const before = server().log().size();
    if (::kill(server().pid(), SIGHUP) != 0) return ::testing::AssertionFailure() << "kill";
    auto const deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < deadline) {
      if (server().log().find(wanted, before) != std::string::npos) {
        return ::testing::AssertionSuccess();
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return ::testing::AssertionFailure() << "no \"" << wanted << "\" in the log";
  }
};

TEST_F(Reload, ANewLogLevelAppliesWithoutARestart) {
  auto options = up_options();
  ASSERT_TRUE(start_config(options));
  auto const pid = server().pid();
  auto client = connect();  // kept open across the reload
  ASSERT_EQ(client.ping("/up/").status, 200);
  options.server.set("log_level", "debug");
  ASSERT_TRUE(reload_with(to_toml(options), "SIGHUP: log_level = debug"));
  auto const id = client.create_session("/up/a.bin");
  ASSERT_FALSE(id.empty());
  EXPECT_EQ(server().pid(), pid);
  // The full session id is logged at debug only.
  EXPECT_NE(server().log().find(" session " + id), std::string::npos) << server().log_tail();
}

TEST_F(Reload, AnInvalidFileIsRefusedAndTheOldConfigurationServes) {
  auto options = up_options();
  ASSERT_TRUE(start_config(options));
  auto client = connect();
  auto const id = client.create_session("/up/a.bin");
  ASSERT_FALSE(id.empty());
  ASSERT_TRUE(reload_with(to_toml(options) + "\nbogus_key = 1\n",
                          "refused, the running configuration stays"));
  EXPECT_NE(server().log().find("bogus_key"), std::string::npos) << server().log_tail();
  std::string const data = "after the refused reload";
  EXPECT_EQ(client.send_fragment("/up/a.bin", id, 0, data.size() - 1, data.size(), data).status,
            200);
  EXPECT_TRUE(still_serving());
}

TEST_F(Reload, ChangesThatNeedARestartAreNamed) {
  auto options = up_options();
  ASSERT_TRUE(start_config(options));
  options.server.set("max_connections", 10);
  options.vdirs[0].set("allow_overwrites", true);
  ASSERT_TRUE(reload_with(to_toml(options), "SIGHUP: vdir[1].allow_overwrites changed"));
  EXPECT_NE(server().log().find("SIGHUP: server.max_connections changed; not applied until "
                                "openbitsd restarts"),
            std::string::npos)
      << server().log_tail();
  EXPECT_EQ(server().log().find("SIGHUP: server.listen changed"), std::string::npos)
      << server().log_tail();
  EXPECT_TRUE(still_serving());
}

}  // namespace
}  // namespace bits::test
