// Confinement of destinations to the root (no symlink followed, the spool never a
// destination), the errno mapping, and the descriptor helpers.
#include "storage/dir_fd.hpp"

#include "store_fixture.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <string>
#include <vector>

namespace bits::storage::testing {
namespace {

using detail::unique_fd;

TEST_F(StoreTest, SymlinkedFolderPointingOutsideIsRefused) {
  fs::create_directory(dir_ / "outside");
  fs::create_directory_symlink(dir_ / "outside", root_ / "link");
  EXPECT_EQ(store_->check_destination("link/x.bin", false), error::forbidden_path);
  EXPECT_EQ(store_->check_destination("link/x.bin", true), error::forbidden_path);
  auto const r = create_with("link/x.bin", "escape");
  EXPECT_EQ(store_->commit(r, true), error::forbidden_path);
  EXPECT_TRUE(fs::is_empty(dir_ / "outside"));
}

TEST_F(StoreTest, SymlinkedFolderInsideTheRootIsRefusedToo) {
  fs::create_directory(root_ / "real");
  fs::create_directory_symlink("real", root_ / "alias");
  EXPECT_EQ(store_->check_destination("alias/x.bin", false), error::forbidden_path);
  fs::create_directory(root_ / "real" / "deeper");
  EXPECT_EQ(store_->check_destination("alias/deeper/x.bin", false), error::forbidden_path);
}

TEST_F(StoreTest, SymlinkLeafIsRefusedEvenWithOverwrite) {
  fs::create_directory(dir_ / "outside");
  write_file(dir_ / "outside" / "target", "precious");
  fs::create_symlink(dir_ / "outside" / "target", root_ / "leaf");
  fs::create_symlink(dir_ / "outside" / "missing", root_ / "dangling");
  EXPECT_EQ(store_->check_destination("leaf", true), error::forbidden_path);
  EXPECT_EQ(store_->check_destination("leaf", false), error::forbidden_path);
  EXPECT_EQ(store_->check_destination("dangling", true), error::forbidden_path);
  auto const r = create_with("leaf", "overwrite attempt");
  EXPECT_EQ(store_->commit(r, true), error::forbidden_path);
  EXPECT_EQ(read_file(dir_ / "outside" / "target"), "precious");
  EXPECT_TRUE(fs::is_symlink(root_ / "leaf"));
  auto const d = create_with("dangling", "create through link");
  EXPECT_EQ(store_->commit(d, true), error::forbidden_path);
  EXPECT_FALSE(fs::exists(dir_ / "outside" / "missing"));
}

TEST_F(StoreTest, SpecialFilesAreNotDestinations) {
  ASSERT_EQ(::mkfifo((root_ / "pipe").c_str(), 0600), 0);
  EXPECT_EQ(store_->check_destination("pipe", true), error::forbidden_path);
  auto const r = create_with("pipe", "abc");
  EXPECT_EQ(store_->commit(r, true), error::forbidden_path);
}

TEST_F(StoreTest, FileOnTheWayIsRefused) {
  write_file(root_ / "file", "x");
  EXPECT_EQ(store_->check_destination("file/x.bin", false), error::forbidden_path);
}

TEST_F(StoreTest, SegmentsThatWouldBeInterpretedAreRefused) {
  fs::create_directory(root_ / "a");
  for (char const* bad : {"../x", "a/../x", "./x", "a/./x", "a//x", "/x", "a/", "..", "."}) {
    EXPECT_EQ(store_->check_destination(bad, true), error::forbidden_path) << bad;
  }
  EXPECT_EQ(store_->check_destination(std::string_view{"a\0b", 3}, true), error::forbidden_path);
}

TEST_F(StoreTest, SpoolInsideRootIsNeverADestination) {
  // Another name than the reserved ".bits-" prefix: only the inode check protects it.
  spool_ = root_ / "uploads-spool";
  open_store();
  auto const other = create_with("ok.bin", "abc");
  std::string const hex = other.id.to_hex();
  EXPECT_EQ(store_->check_destination("uploads-spool", true), error::forbidden_path);
  EXPECT_EQ(store_->check_destination("uploads-spool/x.bin", false), error::forbidden_path);
  EXPECT_EQ(store_->check_destination("uploads-spool/" + hex + "/data", true),
            error::forbidden_path);
  EXPECT_EQ(store_->check_destination("uploads-spool/" + hex + "/meta.json", true),
            error::forbidden_path);
  auto const r = create_with("uploads-spool/" + hex + "/meta.json", "clobber");
  EXPECT_EQ(store_->commit(r, true), error::forbidden_path);
  EXPECT_NE(read_file(spool_ / hex / "meta.json").find("\"version\""), std::string::npos);
  EXPECT_EQ(read_file(spool_ / hex / "data"), "abc");
}

TEST(IoFailure, MapsNoSpaceAndQuotaToDiskFull) {
  auto const full = detail::io_failure("test op", ENOSPC);
  EXPECT_EQ(full, error::disk_full);
  EXPECT_EQ(errno_of(full), ENOSPC);
  EXPECT_EQ(full.why().operation, "test op");
  EXPECT_EQ(detail::io_failure("test op", EDQUOT), error::disk_full);
  auto const io = detail::io_failure("other op", EIO);
  EXPECT_EQ(io, error::storage_failure);
  EXPECT_EQ(errno_of(io), EIO);
  EXPECT_EQ(io.why().operation, "other op");
  EXPECT_EQ(io.why().text(), "other op: Input/output error");
  EXPECT_EQ(detail::io_failure("other op", EACCES), error::storage_failure);
}

TEST(UniqueFd, ClosesOnResetAndDestructionAndMoves) {
  int raw = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  ASSERT_GE(raw, 0);
  {
    unique_fd a{raw};
    unique_fd b = std::move(a);
    EXPECT_FALSE(a);  // NOLINT(bugprone-use-after-move): moved-from state is specified
    EXPECT_EQ(b.get(), raw);
    EXPECT_NE(::fcntl(raw, F_GETFD), -1);
  }
  EXPECT_EQ(::fcntl(raw, F_GETFD), -1);
  EXPECT_EQ(errno, EBADF);
}

TEST_F(StoreTest, ListNamesSkipsDotsAndCanRepeat) {
  write_file(root_ / "one", "1");
  fs::create_directory(root_ / "two");
  unique_fd const dir{::open(root_.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC)};
  ASSERT_TRUE(dir);
  for (int round = 0; round < 2; ++round) {
    std::vector<std::string> names;
    ASSERT_FALSE(detail::list_names(dir.get(), names));
    std::sort(names.begin(), names.end());
    EXPECT_EQ(names, (std::vector<std::string>{"one", "two"}));
  }
}

}  // namespace
}  // namespace bits::storage::testing
