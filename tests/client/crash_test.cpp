// Crashes on either side: the server killed and restarted while the client retries,
// the client killed (SIGKILL, SIGINT) and rerun, and `openbits cancel`.
#include "client/cli_fixture.hpp"

#include "support/digest.hpp"

#include <csignal>

namespace bits::test {
namespace {

class Crash : public client_test {
 protected:
  std::filesystem::path state() const { return tmp() / "job.json"; }
};

TEST_F(Crash, ServerKilledMidUploadAndRestartedWhileTheClientRetries) {
  ASSERT_TRUE(start());
  auto const file = random_file("s.bin", 24 << 20, 1);
  auto child = spawn({"upload", file.string(), url("s.bin"), "--json", "--state", state().string(),
                      "--limit-rate", "8M", "--fragment-size", "1M", "--retry-delay", "100ms",
                      "--max-retry-delay", "500ms", "--retry-for", "60s"},
                     "client");
  ASSERT_FALSE(wait_for_offset(state(), 4 << 20).is_null()) << child->err();
  (void)server().kill9();
  std::this_thread::sleep_for(std::chrono::milliseconds(700));  // the client keeps retrying
  ASSERT_TRUE(restart_on_same_port());
  auto const status = child->wait(std::chrono::seconds(60));
  auto const j = last_json_line(child->out());
  ASSERT_TRUE(status.exited && status.code == 0) << status.describe() << "\n" << child->err();
  EXPECT_EQ(j["result"], "ok");
  EXPECT_GE(j["retries"].get<int>(), 1) << j.dump();
  EXPECT_EQ(j["restarts"], 0) << "the restarted server still knew the session";
  EXPECT_EQ(sha256_file_hex(root() / "s.bin"), sha256_file_hex(file));
}

TEST_F(Crash, ClientKilledMidUploadAndRerunContinuesTheSameSession) {
  ASSERT_TRUE(start());
  std::uint64_t const size = 24 << 20;
  auto const file = random_file("k.bin", size, 2);
  std::vector<std::string> const args = {"upload",  file.string(),    url("k.bin"),      "--json",
                                         "--state", state().string(), "--fragment-size", "1M"};
  auto first_args = args;
  first_args.insert(first_args.end(), {"--limit-rate", "8M"});
  auto child = spawn(first_args, "first");
  auto const before = wait_for_offset(state(), 4 << 20);
  ASSERT_FALSE(before.is_null()) << child->err();
  auto const killed = child->kill(SIGKILL);
  EXPECT_EQ(killed.signal, SIGKILL);
  EXPECT_EQ(spool_sessions(), 1u);
  auto const saved = nlohmann::json::parse(read_file(state()));
  std::uint64_t const saved_offset = saved["offset"];

  auto const r = openbits(args);
  ASSERT_EQ(r.code(), 0) << r.describe();
  EXPECT_EQ(r.json["resumed"], true);
  EXPECT_EQ(r.json["session_id"], saved["session_id"]) << "the same session continued";
  EXPECT_EQ(r.json["restarts"], 0);
  // The server's offset never went back to 0: this run started at or after the saved
  // offset and sent at most the rest plus one fragment of overlap.
  std::uint64_t const resumed_from = r.json["resumed_from"];
  EXPECT_GE(resumed_from, saved_offset);
  EXPECT_LE(r.json["bytes_sent"].get<std::uint64_t>(), size - resumed_from + (1 << 20));
  EXPECT_EQ(sha256_file_hex(root() / "k.bin"), sha256_file_hex(file));
  EXPECT_FALSE(std::filesystem::exists(state()));
}

TEST_F(Crash, CtrlCKeepsTheStateAndExitsWith130) {
  ASSERT_TRUE(start());
  auto const file = random_file("c.bin", 8 << 20, 3);
  auto child = spawn({"upload", file.string(), url("c.bin"), "--state", state().string(),
                      "--limit-rate", "2M", "--fragment-size", "256K"},
                     "ctrlc");
  ASSERT_FALSE(wait_for_offset(state(), 0).is_null()) << child->err();
  auto const status = child->kill(SIGINT);
  EXPECT_TRUE(status.exited && status.code == 130) << status.describe() << child->err();
  EXPECT_NE(child->err().find("upload interrupted; run the same command again to resume"),
            std::string::npos)
      << child->err();
  ASSERT_TRUE(std::filesystem::exists(state()));
  auto const r =
      openbits({"upload", file.string(), url("c.bin"), "--json", "--state", state().string()});
  ASSERT_EQ(r.code(), 0) << r.describe();
  EXPECT_EQ(r.json["resumed"], true);
  EXPECT_EQ(sha256_file_hex(root() / "c.bin"), sha256_file_hex(file));
}

TEST_F(Crash, CancelReleasesTheSessionAndRemovesTheState) {
  ASSERT_TRUE(start());
  auto const file = random_file("x.bin", 8 << 20, 4);
  auto child = spawn({"upload", file.string(), url("x.bin"), "--state", state().string(),
                      "--limit-rate", "2M", "--fragment-size", "256K"},
                     "tocancel");
  ASSERT_FALSE(wait_for_offset(state(), 0).is_null()) << child->err();
  (void)child->kill(SIGKILL);
  ASSERT_EQ(spool_sessions(), 1u);
  auto const r = openbits({"cancel", "--state", state().string(), "--json"});
  ASSERT_EQ(r.code(), 0) << r.describe();
  EXPECT_EQ(r.json["result"], "ok");
  EXPECT_FALSE(std::filesystem::exists(state()));
  EXPECT_EQ(spool_sessions(), 0u);
  EXPECT_FALSE(std::filesystem::exists(root() / "x.bin"));
  auto const again = openbits({"cancel", "--state", state().string()});
  EXPECT_EQ(again.code(), 2) << again.describe();
}

}  // namespace
}  // namespace bits::test
