// The daemon killed at each step of a commit (crash points armed by OPENBITSD_CRASH_AT):
// after a restart the resent last fragment and the Close are answered 200, and the
// file is published whole, byte for byte, in plain and in overwrite mode.
#include "integration/fixture.hpp"

#include "support/digest.hpp"

#include <algorithm>
#include <csignal>

namespace bits::test {
namespace {

struct crash_case {
  std::string point;  ///< OPENBITSD_CRASH_AT
  bool overwrite;     ///< allow_overwrites, with an older file at the destination
};

void PrintTo(crash_case const& c, std::ostream* os) {
  *os << c.point << (c.overwrite ? " (overwrite)" : "");
}

std::string case_name(::testing::TestParamInfo<crash_case> const& info) {
  std::string name = info.param.point.substr(info.param.point.find('.') + 1);
  name.erase(std::remove(name.begin(), name.end(), '_'), name.end());
  return name + (info.param.overwrite ? "Overwrite" : "Plain");
}

class CommitCrash : public daemon_test, public ::testing::WithParamInterface<crash_case> {
 protected:
  void SetUp() override {
#if !BITS_FAULT_INJECTION
    GTEST_SKIP() << "built without BITS_FAULT_INJECTION";
#endif
  }

  /// Names in the destination folder that a commit uses in passing.
  std::vector<std::string> commit_links() const {
    std::vector<std::string> out;
    for (auto const& e : std::filesystem::directory_iterator(root())) {
      auto const name = e.path().filename().string();
      if (name.starts_with(".bits-commit-")) out.push_back(name);
    }
    return out;
  }
};

TEST_P(CommitCrash, ResentLastFragmentAndCloseGet200AndTheFileIsWhole) {
  auto const& c = GetParam();
  constexpr std::size_t size = 300000;
  constexpr std::size_t first = 200000;
  std::string const data = random_bytes(size, 77);
  if (c.overwrite) {
    ASSERT_TRUE(write_file(root() / "f.bin", "an older file"));
  }
  auto options = up_options();
  options.vdirs[0].set("allow_overwrites", c.overwrite);
  set_env({"OPENBITSD_CRASH_AT=" + c.point});
  ASSERT_TRUE(start_config(options));

  std::string id;
  {
    auto client = connect();
    id = client.create_session("/up/f.bin");
    ASSERT_FALSE(id.empty());
    ASSERT_TRUE(is_fragment_ack(
        client.send_fragment("/up/f.bin", id, 0, first - 1, size, data.substr(0, first)), first));
    // The commit runs while this fragment is answered: the daemon dies first.
    auto const last =
        client.send_fragment("/up/f.bin", id, first, size - 1, size, data.substr(first));
    EXPECT_FALSE(last.ok()) << last;
  }
  auto const status = server().stop(SIGTERM);
  EXPECT_EQ(status.signal, SIGKILL) << "not killed at " << c.point << ": " << status.describe();
  EXPECT_NE(server().log().find("crash point " + c.point + " reached"), std::string::npos);

  set_env({});
  ASSERT_TRUE(restart());
  auto client = connect();
  EXPECT_TRUE(is_fragment_ack(
      client.send_fragment("/up/f.bin", id, first, size - 1, size, data.substr(first)), size));
  EXPECT_EQ(sha256_file_hex(root() / "f.bin"), sha256_hex(data));
  EXPECT_TRUE(is_ack(client.close_session("/up/f.bin", id), 200));
  EXPECT_EQ(sha256_file_hex(root() / "f.bin"), sha256_hex(data));
  EXPECT_TRUE(spool_session_dirs().empty());
  EXPECT_TRUE(commit_links().empty());
}

INSTANTIATE_TEST_SUITE_P(Points, CommitCrash,
                         ::testing::Values(crash_case{"commit.after_link", false},
                                           crash_case{"commit.after_rename", false},
                                           crash_case{"commit.after_sync", false},
                                           crash_case{"commit.after_save", false},
                                           crash_case{"commit.after_link", true},
                                           crash_case{"commit.after_rename", true},
                                           crash_case{"commit.after_sync", true},
                                           crash_case{"commit.after_save", true}),
                         case_name);

// The zero-byte upload commits at Close: killed there, the replayed Close commits.
TEST_F(CommitCrash, ZeroByteCloseReplayedAfterCrashInCommit) {
  set_env({"OPENBITSD_CRASH_AT=commit.after_link"});
  ASSERT_TRUE(start_config(up_options()));
  std::string id;
  {
    auto client = connect();
    id = client.create_session("/up/empty.bin");
    ASSERT_FALSE(id.empty());
    EXPECT_FALSE(client.close_session("/up/empty.bin", id).ok());
  }
  EXPECT_EQ(server().stop(SIGTERM).signal, SIGKILL);
  set_env({});
  ASSERT_TRUE(restart());
  auto client = connect();
  EXPECT_TRUE(is_ack(client.close_session("/up/empty.bin", id), 200));
  EXPECT_TRUE(std::filesystem::is_regular_file(root() / "empty.bin"));
  EXPECT_EQ(std::filesystem::file_size(root() / "empty.bin"), 0U);
  EXPECT_TRUE(spool_session_dirs().empty());
}

// A whole file in one Fragment is published from an unnamed file without a spool
// entry. Killed after the folder sync shared by a batch of commits and before the
// Ack: the resent Fragment is answered as received in full, the Close with 200, and
// the file is whole.
class WholeFileCrash : public CommitCrash {
 protected:
  void killed_between_batch_sync_and_ack(bool overwrite) {
    std::string const data = random_bytes(4096, 78);
    if (overwrite) {
      ASSERT_TRUE(write_file(root() / "f.bin", "an older file"));
    }
    auto options = up_options();
    options.vdirs[0].set("allow_overwrites", overwrite);
    set_env({"OPENBITSD_CRASH_AT=commit.after_batch_sync"});
    ASSERT_TRUE(start_config(options));
    std::string id;
    {
      auto client = connect();
      id = client.create_session("/up/f.bin");
      ASSERT_FALSE(id.empty());
      EXPECT_TRUE(spool_session_dirs().empty());  // nothing on disk before the bytes
      EXPECT_FALSE(client.send_fragment("/up/f.bin", id, 0, 4095, 4096, data).ok());
    }
    EXPECT_EQ(server().stop(SIGTERM).signal, SIGKILL);
    EXPECT_NE(server().log().find("crash point commit.after_batch_sync reached"),
              std::string::npos);
    EXPECT_EQ(sha256_file_hex(root() / "f.bin"), sha256_hex(data));
    set_env({});
    ASSERT_TRUE(restart());
    auto client = connect();
    EXPECT_TRUE(is_fragment_ack(client.send_fragment("/up/f.bin", id, 0, 4095, 4096, data), 4096));
    EXPECT_TRUE(is_ack(client.close_session("/up/f.bin", id), 200));
    EXPECT_EQ(sha256_file_hex(root() / "f.bin"), sha256_hex(data));
    EXPECT_TRUE(spool_session_dirs().empty());
    EXPECT_TRUE(commit_links().empty());
  }
};

TEST_F(WholeFileCrash, KilledBetweenBatchSyncAndAck) {
  killed_between_batch_sync_and_ack(false);
}

TEST_F(WholeFileCrash, KilledBetweenBatchSyncAndAckOverwrite) {
  killed_between_batch_sync_and_ack(true);
}

// Killed right after the link, before the tombstone and the folder sync: the file is
// whole or absent, never partial; the session is gone and its client starts over.
TEST_F(WholeFileCrash, KilledAfterLinkIsNeverPartial) {
  set_env({"OPENBITSD_CRASH_AT=commit.whole_after_link"});
  ASSERT_TRUE(start_config(up_options()));
  std::string const data = random_bytes(50000, 80);
  std::string id;
  {
    auto client = connect();
    id = client.create_session("/up/w.bin");
    ASSERT_FALSE(id.empty());
    EXPECT_FALSE(client.send_fragment("/up/w.bin", id, 0, 49999, 50000, data).ok());
  }
  EXPECT_EQ(server().stop(SIGTERM).signal, SIGKILL);
  EXPECT_EQ(sha256_file_hex(root() / "w.bin"), sha256_hex(data));
  set_env({});
  ASSERT_TRUE(restart());
  auto client = connect();
  EXPECT_TRUE(is_error_ack(client.send_fragment("/up/w.bin", id, 0, 49999, 50000, data), 500,
                           bg_e_session_not_found));
  EXPECT_TRUE(spool_session_dirs().empty());
}

}  // namespace
}  // namespace bits::test
