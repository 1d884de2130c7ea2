// fs_store_options::create_dirs: Create-Session's check accepts missing folders and
// creates nothing; commit creates them inside the root with exactly dir_mode, never
// through a symlink or a file.
#include "store_fixture.hpp"

#include <sys/stat.h>

namespace bits::storage::testing {
namespace {

class CreateDirsTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    open_store(fs_store_options{true, 0750});
  }

  static unsigned mode_of(fs::path const& p) {
    struct stat st {};
    if (::lstat(p.c_str(), &st) != 0) return 0;
    return st.st_mode & 07777U;
  }
};

TEST_F(CreateDirsTest, CheckAcceptsMissingFoldersAndCreatesNothing) {
  EXPECT_FALSE(store_->check_destination("host/2024/f.bin", false));
  EXPECT_TRUE(fs::is_empty(root_));
}

TEST_F(CreateDirsTest, CheckStillRefusesWhatIsInTheWay) {
  write_file(root_ / "file", "x");
  fs::create_directory(root_ / "dir");
  write_file(root_ / "dir" / "f.bin", "x");
  EXPECT_EQ(store_->check_destination("file/sub/f.bin", false), error::forbidden_path);
  EXPECT_EQ(store_->check_destination("dir/f.bin", false), error::destination_exists);
  EXPECT_EQ(store_->check_destination("dir", false), error::destination_is_directory);
}

TEST_F(CreateDirsTest, CommitCreatesNestedFoldersWithExactlyDirMode) {
  auto const old_mask = ::umask(077);  // would take the group's r-x away
  auto r = create_with("host/2024/f.bin", "0123456789");
  auto const ec = store_->commit(r, false);
  ::umask(old_mask);
  ASSERT_FALSE(ec) << ec.message();
  EXPECT_EQ(read_file(root_ / "host" / "2024" / "f.bin"), "0123456789");
  EXPECT_EQ(mode_of(root_ / "host"), 0750U);
  EXPECT_EQ(mode_of(root_ / "host" / "2024"), 0750U);
}

TEST_F(CreateDirsTest, ExistingFoldersKeepTheirMode) {
  fs::create_directory(root_ / "host");
  fs::permissions(root_ / "host", fs::perms(0755));
  auto r = create_with("host/new/f.bin", "x");
  ASSERT_FALSE(store_->commit(r, false));
  EXPECT_EQ(mode_of(root_ / "host"), 0755U);
  EXPECT_EQ(mode_of(root_ / "host" / "new"), 0750U);
}

TEST_F(CreateDirsTest, CommitRefusesASymlinkOrFileOnTheWay) {
  auto const outside = dir_ / "outside";
  fs::create_directory(outside);
  auto r = create_with("link/sub/f.bin", "x");
  fs::create_directory_symlink(outside, root_ / "link");
  EXPECT_EQ(store_->commit(r, false), error::forbidden_path);
  EXPECT_TRUE(fs::is_empty(outside));
  auto f = create_with("file/sub/f.bin", "x");
  write_file(root_ / "file", "x");
  EXPECT_EQ(store_->commit(f, false), error::forbidden_path);
}

using CreateDirsOff = StoreTest;

TEST_F(CreateDirsOff, MissingFolderIsParentNotFound) {
  EXPECT_EQ(store_->check_destination("missing/f.bin", false), error::parent_not_found);
  auto r = create_with("missing/f.bin", "x");
  EXPECT_EQ(store_->commit(r, false), error::parent_not_found);
  EXPECT_FALSE(fs::exists(root_ / "missing"));
}

}  // namespace
}  // namespace bits::storage::testing
