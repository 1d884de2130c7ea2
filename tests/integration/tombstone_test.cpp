// Tombstones survive the daemon: a Close or Cancel replayed after a kill (its Ack lost)
// is answered 200, a Fragment to the ended session still gets BG_E_SESSION_NOT_FOUND,
// and tombstones older than tombstone_ttl are gone after a restart.
#include "integration/fixture.hpp"

#include "support/digest.hpp"

#include <csignal>
#include <ctime>

namespace bits::test {
namespace {

using namespace std::chrono_literals;

class Tombstones : public daemon_test {
 protected:
  /// A finished upload of `data` to /up/f.bin; its session id.
  std::string finished_upload(std::string const& data) {
    auto client = connect();
    return upload(client, "/up/f.bin", data, 4096);
  }
};

TEST_F(Tombstones, CloseReplayedAfterKillGets200) {
  ASSERT_TRUE(start_config(up_options()));
  std::string const data = random_bytes(10000, 50);
  std::string const id = finished_upload(data);
  ASSERT_FALSE(id.empty());
  {
    auto client = connect();
    ASSERT_TRUE(is_ack(client.close_session("/up/f.bin", id), 200));
  }
  EXPECT_EQ(server().kill9().signal, SIGKILL);
  ASSERT_TRUE(restart());
  auto client = connect();
  EXPECT_TRUE(is_ack(client.close_session("/up/f.bin", id), 200));
  EXPECT_TRUE(is_ack(client.cancel_session("/up/f.bin", id), 200));
  EXPECT_TRUE(is_error_ack(client.send_fragment("/up/f.bin", id, 0, 99, 10000, data.substr(0, 100)),
                           500, bg_e_session_not_found));
  EXPECT_EQ(read_file(root() / "f.bin"), data);
}

TEST_F(Tombstones, CancelReplayedAfterKillGets200) {
  ASSERT_TRUE(start_config(up_options()));
  std::string const data = random_bytes(10000, 51);
  std::string id;
  {
    auto client = connect();
    id = client.create_session("/up/f.bin");
    ASSERT_FALSE(id.empty());
    ASSERT_TRUE(is_fragment_ack(
        client.send_fragment("/up/f.bin", id, 0, 4095, 10000, data.substr(0, 4096)), 4096));
    ASSERT_TRUE(is_ack(client.cancel_session("/up/f.bin", id), 200));
  }
  EXPECT_EQ(server().kill9().signal, SIGKILL);
  ASSERT_TRUE(restart());
  auto client = connect();
  EXPECT_TRUE(is_ack(client.cancel_session("/up/f.bin", id), 200));
  // A cancelled session was not closed (reference 6.2): Close and Fragment are refused.
  EXPECT_TRUE(is_error_ack(client.close_session("/up/f.bin", id), 500, bg_e_session_not_found));
  EXPECT_TRUE(
      is_error_ack(client.send_fragment("/up/f.bin", id, 4096, 9999, 10000, data.substr(4096)), 500,
                   bg_e_session_not_found));
  EXPECT_FALSE(std::filesystem::exists(root() / "f.bin"));
  EXPECT_TRUE(spool_session_dirs().empty());
}

// Killed after the tombstone was written and before the spool entry was removed: the
// restart finishes the removal, and the replayed Close is answered from the tombstone.
TEST_F(Tombstones, KilledBetweenTombstoneAndRemoval) {
#if !BITS_FAULT_INJECTION
  GTEST_SKIP() << "built without BITS_FAULT_INJECTION";
#endif
  set_env({"OPENBITSD_CRASH_AT=tombstone.after_append"});
  ASSERT_TRUE(start_config(up_options()));
  std::string const data = random_bytes(10000, 52);
  std::string const id = finished_upload(data);
  ASSERT_FALSE(id.empty());
  {
    auto client = connect();
    EXPECT_FALSE(client.close_session("/up/f.bin", id).ok());
  }
  EXPECT_EQ(server().stop(SIGTERM).signal, SIGKILL);
  EXPECT_EQ(spool_session_dirs().size(), 1U);  // the entry the crash left
  set_env({});
  ASSERT_TRUE(restart());
  EXPECT_TRUE(spool_session_dirs().empty());
  auto client = connect();
  EXPECT_TRUE(is_ack(client.close_session("/up/f.bin", id), 200));
  EXPECT_EQ(read_file(root() / "f.bin"), data);
}

TEST_F(Tombstones, OlderThanTheTtlAreGoneAfterRestart) {
  auto options = up_options();
  options.server.set("tombstone_ttl", 1);
  ASSERT_TRUE(start_config(options));
  std::string const id = finished_upload(random_bytes(5000, 53));
  ASSERT_FALSE(id.empty());
  {
    auto client = connect();
    ASSERT_TRUE(is_ack(client.close_session("/up/f.bin", id), 200));
  }
  auto const closed = std::time(nullptr);
  EXPECT_TRUE(server().stop(SIGTERM).exited);
  // More than the ttl (1 s) must pass, in whole seconds as the daemon counts them.
  for (int i = 0; i < 40 && std::time(nullptr) < closed + 2; ++i)
    std::this_thread::sleep_for(100ms);
  ASSERT_GE(std::time(nullptr), closed + 2);
  ASSERT_TRUE(restart());
  auto client = connect();
  EXPECT_TRUE(is_error_ack(client.close_session("/up/f.bin", id), 500, bg_e_session_not_found));
}

}  // namespace
}  // namespace bits::test
