// SIGHUP with a changed configuration file, as clients and the operator see it: the
// file applies as a whole without closing a connection or losing a session (directories
// added, removed and changed, [server] limits, the log level), an invalid file is
// refused while the old configuration keeps serving, and what needs a restart (the
// listeners) is named.
#include "integration/fixture.hpp"
#include "support/digest.hpp"

#include <csignal>
#include <filesystem>
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

TEST_F(Reload, ANewLogFormatAppliesToTheLinesAfterIt) {
  auto options = up_options();
  ASSERT_TRUE(start_config(options));
  auto client = connect();
  options.server.set("log_format", "json");
  ASSERT_TRUE(reload_with(to_toml(options), R"("msg":"SIGHUP: configuration applied)"));
  auto const before = server().log().size();
  ASSERT_EQ(client.ping("/up/").status, 200);
  auto const deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (server().log().find(R"("method":"BITS_POST")", before) == std::string::npos &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_NE(server().log().find(R"("method":"BITS_POST")", before), std::string::npos)
      << server().log_tail();
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

TEST_F(Reload, AChangedListenerIsNamedTheOldOneServesAndTheRestApplies) {
  auto options = up_options();
  ASSERT_TRUE(start_config(options));
  auto client = connect();  // kept open across the reload
  ASSERT_EQ(client.ping("/up/").status, 200);
  options.server.listen = {"127.0.0.1:1"};  // never bound: it needs a restart
  options.server.set("max_url_bytes", 64);
  ASSERT_TRUE(reload_with(to_toml(options), "SIGHUP: configuration applied"));
  EXPECT_NE(server().log().find("SIGHUP: server.listen changed; not applied until openbitsd "
                                "restarts"),
            std::string::npos)
      << server().log_tail();
  // The same kept-alive connection, on the old listener, gets the new limit.
  EXPECT_EQ(client.ping("/up/").status, 200);
  EXPECT_EQ(
      client.request("GET /up/" + std::string(100, 'a') + " HTTP/1.1\r\nHost: x\r\n\r\n").status,
      414);
  EXPECT_TRUE(still_serving());
}

TEST_F(Reload, AnAddedDirectoryServesUploadsOnAConnectionOpenBeforeIt) {
  auto options = up_options();
  ASSERT_TRUE(start_config(options));
  auto client = connect();  // kept open across the reload
  ASSERT_EQ(client.ping("/up/").status, 200);
  auto const added = tmp() / "added";
  std::filesystem::create_directories(added);
  options.vdirs.push_back(vdir_options{"/added/", added, {}});
  ASSERT_TRUE(reload_with(to_toml(options),
                          "SIGHUP: configuration applied: 2 directories "
                          "served (1 added, 0 changed)"));
  std::string const data = random_bytes(3000, 1);
  ASSERT_FALSE(upload(client, "/added/new.bin", data, 1000).empty());
  EXPECT_EQ(read_file(added / "new.bin"), data);
  EXPECT_EQ(client.ping("/up/").status, 200);
}

TEST_F(Reload, ARemovedDirectoryIsNotServedItsSessionWaitsAndResumesWhenItIsBack) {
  auto options = up_options();
  auto const other = tmp() / "other";
  options.vdirs.push_back(vdir_options{"/other/", other, {}});
  options.vdirs.back().set("downloads_enabled", true);
  std::filesystem::create_directories(other / "dl");
  ASSERT_TRUE(start_config(options));
  std::ofstream(other / "dl" / "file.txt") << "published";
  auto client = connect();
  std::string const data = random_bytes(2000, 2);
  std::string const id = client.create_session("/other/kept.bin");
  ASSERT_FALSE(id.empty());
  ASSERT_TRUE(is_fragment_ack(
      client.send_fragment("/other/kept.bin", id, 0, 999, data.size(), data.substr(0, 1000)),
      1000));
  auto const never = client.ping("/never/").status;
  ASSERT_NE(never, 200);
  ASSERT_EQ(get("/other/dl/file.txt").status, 200);

  auto const removed = options;
  options.vdirs.pop_back();
  ASSERT_TRUE(reload_with(to_toml(options), "SIGHUP: vdir /other/ removed"));
  // Answered as a path no directory covers; the other directory serves on.
  EXPECT_EQ(client.ping("/other/").status, never);
  EXPECT_EQ(client.create("/other/new.bin").status, never);
  EXPECT_EQ(get("/other/dl/file.txt").status, 404);
  std::string const up = random_bytes(500, 3);
  ASSERT_FALSE(upload(client, "/up/still.bin", up, 500).empty());
  EXPECT_EQ(read_file(root() / "still.bin"), up);
  // Its session waits in its spool, not deleted.
  EXPECT_TRUE(std::filesystem::exists(other / ".bits-spool")) << server().log_tail();
  EXPECT_FALSE(std::filesystem::is_empty(other / ".bits-spool"));

  ASSERT_TRUE(reload_with(to_toml(removed), "SIGHUP: configuration applied: 2 directories"));
  ASSERT_TRUE(send_fragments(client, "/other/kept.bin", id, data, 1000, 1000));
  EXPECT_EQ(client.close_session("/other/kept.bin", id).status, 200);
  EXPECT_EQ(read_file(other / "kept.bin"), data);
}

TEST_F(Reload, ALowerMaxUploadSizeAppliesToNewSessionsWhileAnOpenUploadFinishes) {
  auto options = up_options();
  options.vdirs[0].set("max_upload_size", 10000);
  ASSERT_TRUE(start_config(options));
  auto client = connect();
  std::string const data = random_bytes(4000, 4);
  std::string const open = client.create_session("/up/open.bin");
  ASSERT_FALSE(open.empty());
  ASSERT_TRUE(is_fragment_ack(
      client.send_fragment("/up/open.bin", open, 0, 999, data.size(), data.substr(0, 1000)), 1000));

  options.vdirs[0].values = vdir_values{{"max_upload_size", 2000}, {"allow_overwrites", true}};
  ASSERT_TRUE(reload_with(to_toml(options),
                          "SIGHUP: configuration applied: 1 directories "
                          "served (0 added, 1 changed)"));
  std::string const next = client.create_session("/up/next.bin");
  ASSERT_FALSE(next.empty());
  EXPECT_TRUE(
      is_error_ack(client.send_fragment("/up/next.bin", next, 0, 999, 4000, data.substr(0, 1000)),
                   500, bg_e_too_large));
  // The session open before the reload goes on under the limit it was created with.
  ASSERT_TRUE(send_fragments(client, "/up/open.bin", open, data, 1000, 1000));
  EXPECT_EQ(client.close_session("/up/open.bin", open).status, 200);
  EXPECT_EQ(read_file(root() / "open.bin"), data);
  // allow_overwrites applies too: the same name can be uploaded again.
  std::string const again = random_bytes(100, 5);
  ASSERT_FALSE(upload(client, "/up/open.bin", again, 100).empty());
  EXPECT_EQ(read_file(root() / "open.bin"), again);
}

TEST_F(Reload, AuthenticationAppliesAndAChangedRootIsNamedAndKept) {
  auto options = up_options();
  ASSERT_TRUE(start_config(options));
  auto client = connect();
  ASSERT_EQ(client.ping("/up/").status, 200);
  ASSERT_TRUE(write_file(tmp() / "htpasswd", "# nobody yet\n"));
  auto const elsewhere = tmp() / "elsewhere";
  std::filesystem::create_directories(elsewhere);
  options.vdirs[0].root = elsewhere;
  options.vdirs[0]
      .set("auth", "basic")
      .set("htpasswd", tmp() / "htpasswd")
      .set("allow_basic_over_http", true);
  ASSERT_TRUE(reload_with(to_toml(options), "SIGHUP: configuration applied"));
  EXPECT_NE(server().log().find("SIGHUP: vdir /up/: root changed; not applied until openbitsd "
                                "restarts"),
            std::string::npos)
      << server().log_tail();
  EXPECT_EQ(client.ping("/up/").status, 401);
  // Back to anonymous: the directory still writes where its open sessions are.
  options.vdirs[0].values = vdir_values{};
  ASSERT_TRUE(reload_with(to_toml(options), "SIGHUP: configuration applied"));
  std::string const data = random_bytes(100, 6);
  ASSERT_FALSE(upload(client, "/up/kept.bin", data, 100).empty());
  EXPECT_EQ(read_file(root() / "kept.bin"), data);
  EXPECT_FALSE(std::filesystem::exists(elsewhere / "kept.bin"));
}

TEST_F(Reload, AFileWithAnUnreadableHtpasswdIsRefusedAsAWhole) {
  auto options = up_options();
  ASSERT_TRUE(start_config(options));
  auto client = connect();
  auto next = options;
  next.server.set("max_url_bytes", 64);
  next.vdirs.push_back(vdir_options{"/added/", tmp() / "added", {}});
  next.vdirs.back().set("auth", "basic").set("htpasswd", tmp() / "missing.htpasswd");
  ASSERT_TRUE(reload_with(to_toml(next), "refused, the running configuration stays"));
  EXPECT_NE(client.ping("/added/").status, 200);
  EXPECT_EQ(
      client.request("GET /up/" + std::string(100, 'a') + " HTTP/1.1\r\nHost: x\r\n\r\n").status,
      404);
  EXPECT_EQ(client.ping("/up/").status, 200);
}

}  // namespace
}  // namespace bits::test
