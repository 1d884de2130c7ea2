// create_dirs: missing folders of a destination are created at commit, inside the root,
// with dir_mode, never through a symlink; without it they must exist, as on IIS.
#include "integration/fixture.hpp"

#include "support/digest.hpp"

#include <sys/stat.h>

#include <thread>

namespace bits::test {
namespace {

namespace fs = std::filesystem;

class CreateDirs : public daemon_test {
 protected:
  /// create_dirs set, and dir_mode too unless `mode` is empty (the default then).
  [[nodiscard]] ::testing::AssertionResult start(bool create_dirs, std::string mode = "0750") {
    auto options = up_options();
    options.vdirs[0].set("create_dirs", create_dirs);
    if (!mode.empty()) options.vdirs[0].set("dir_mode", mode);
    return start_config(options);
  }

  static unsigned mode_of(fs::path const& p) {
    struct stat st {};
    if (::lstat(p.c_str(), &st) != 0) return 0;
    return st.st_mode & 07777U;
  }
};

TEST_F(CreateDirs, NestedFoldersAreCreatedAtCommitWithDirMode) {
  ASSERT_TRUE(start(true, "0770"));
  std::string const data = random_bytes(9000, 60);
  auto client = connect();
  std::string const id = client.create_session("/up/host-7/2024/report.zip");
  ASSERT_FALSE(id.empty());
  EXPECT_FALSE(fs::exists(root() / "host-7")) << "folders are made at commit, not before";
  ASSERT_TRUE(is_fragment_ack(
      client.send_fragment("/up/host-7/2024/report.zip", id, 0, 8999, 9000, data), 9000));
  EXPECT_EQ(read_file(root() / "host-7" / "2024" / "report.zip"), data);
  // Exactly dir_mode: the daemon's umask (022 here) does not take the group's w away.
  EXPECT_EQ(mode_of(root() / "host-7"), 0770U);
  EXPECT_EQ(mode_of(root() / "host-7" / "2024"), 0770U);
  EXPECT_TRUE(is_ack(client.close_session("/up/host-7/2024/report.zip", id), 200));
}

TEST_F(CreateDirs, FoldersGetMode0750WhenDirModeIsNotSet) {
  ASSERT_TRUE(start(true, ""));
  std::string const data = random_bytes(100, 61);
  auto client = connect();
  std::string const id = client.create_session("/up/host-8/report.zip");
  ASSERT_FALSE(id.empty());
  ASSERT_TRUE(
      is_fragment_ack(client.send_fragment("/up/host-8/report.zip", id, 0, 99, 100, data), 100));
  EXPECT_EQ(read_file(root() / "host-8" / "report.zip"), data);
  EXPECT_EQ(mode_of(root() / "host-8"), 0750U);
  EXPECT_TRUE(is_ack(client.close_session("/up/host-8/report.zip", id), 200));
}

TEST_F(CreateDirs, AbandonedSessionLeavesNoFolder) {
  ASSERT_TRUE(start(true));
  auto client = connect();
  std::string const id = client.create_session("/up/new/f.bin");
  ASSERT_FALSE(id.empty());
  EXPECT_TRUE(is_ack(client.cancel_session("/up/new/f.bin", id), 200));
  EXPECT_FALSE(fs::exists(root() / "new"));
}

TEST_F(CreateDirs, FileOnTheWayIs403) {
  ASSERT_TRUE(write_file(root() / "host", "a file, not a folder"));
  ASSERT_TRUE(start(true));
  auto client = connect();
  EXPECT_TRUE(is_error_ack(client.create("/up/host/sub/f.bin"), 403, e_accessdenied));
  EXPECT_EQ(read_file(root() / "host"), "a file, not a folder");
}

TEST_F(CreateDirs, SymlinkOnTheWayIs403AndNothingIsCreatedOutside) {
  auto const outside = tmp() / "outside";
  fs::create_directory(outside);
  fs::create_directory_symlink(outside, root() / "link");
  ASSERT_TRUE(start(true));
  auto client = connect();
  EXPECT_TRUE(is_error_ack(client.create("/up/link/sub/f.bin"), 403, e_accessdenied));
  EXPECT_TRUE(is_error_ack(client.create("/up/link/f.bin"), 403, e_accessdenied));
  EXPECT_TRUE(fs::is_empty(outside));
}

// The symlink appears after Create-Session: the commit refuses it, and creates nothing
// through it.
TEST_F(CreateDirs, SymlinkRacedInBeforeCommitIs403) {
  auto const outside = tmp() / "outside";
  fs::create_directory(outside);
  ASSERT_TRUE(start(true));
  auto client = connect();
  std::string const id = client.create_session("/up/a/b/f.bin");
  ASSERT_FALSE(id.empty());
  fs::create_directory_symlink(outside, root() / "a");
  EXPECT_TRUE(is_error_ack(client.send_fragment("/up/a/b/f.bin", id, 0, 9, 10, "0123456789"), 403,
                           e_accessdenied));
  EXPECT_TRUE(fs::is_empty(outside));
}

TEST_F(CreateDirs, WithoutItAMissingFolderIs404PathNotFound) {
  ASSERT_TRUE(start(false));
  auto client = connect();
  EXPECT_TRUE(is_error_ack(client.create("/up/missing/f.bin"), 404, e_path_not_found));
  EXPECT_FALSE(fs::exists(root() / "missing"));
}

TEST_F(CreateDirs, TwoSessionsCommitIntoTheSameNewFolderAtOnce) {
  ASSERT_TRUE(start(true));
  constexpr int pairs = 5;
  for (int round = 0; round < pairs; ++round) {
    std::string const folder = "/up/r" + std::to_string(round) + "/x/";
    std::string const a = random_bytes(6000, 70 + static_cast<std::uint64_t>(round));
    std::string const b = random_bytes(6000, 90 + static_cast<std::uint64_t>(round));
    auto ca = connect();
    auto cb = connect();
    std::string const ida = ca.create_session(folder + "a.bin");
    std::string const idb = cb.create_session(folder + "b.bin");
    ASSERT_FALSE(ida.empty());
    ASSERT_FALSE(idb.empty());
    http_response ra;
    std::thread other(
        [&] { ra = ca.send_fragment(folder + "a.bin", ida, 0, a.size() - 1, a.size(), a); });
    auto const rb = cb.send_fragment(folder + "b.bin", idb, 0, b.size() - 1, b.size(), b);
    other.join();
    EXPECT_TRUE(is_fragment_ack(ra, a.size()));
    EXPECT_TRUE(is_fragment_ack(rb, b.size()));
    auto const dir = root() / ("r" + std::to_string(round)) / "x";
    EXPECT_EQ(read_file(dir / "a.bin"), a);
    EXPECT_EQ(read_file(dir / "b.bin"), b);
  }
}

}  // namespace
}  // namespace bits::test
