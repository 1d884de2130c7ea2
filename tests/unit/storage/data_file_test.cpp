// Whole-buffer writes and reads, including the disk_full mapping on a real ENOSPC
// (/dev/full answers every write with it, no privileges needed).
#include "storage/data_file.hpp"

#include "store_fixture.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <string>

namespace bits::storage::testing {
namespace {

using detail::unique_fd;

std::span<std::byte const> bytes_of(std::string const& s) {
  return std::as_bytes(std::span{s});
}

TEST(DataFile, NoSpaceFromTheKernelIsDiskFull) {
  unique_fd full{::open("/dev/full", O_WRONLY | O_CLOEXEC)};
  if (!full) GTEST_SKIP() << "/dev/full not available";
  std::string const text = "abc";
  auto const failed = detail::write_all_at(full.get(), 0, bytes_of(text), "pwrite test");
  EXPECT_EQ(failed, error::disk_full);
  EXPECT_EQ(errno_of(failed), ENOSPC);
  auto writer = detail::make_data_writer(std::move(full));
  auto const written = writer->write_at(0, bytes_of(text));
  EXPECT_EQ(written, error::disk_full);
  EXPECT_EQ(written.why().operation, "pwrite data");
  EXPECT_EQ(written.why().text(), "pwrite data: No space left on device");
}

TEST(DataFile, OffsetsBeyondOffTAreRefused) {
  unique_fd null{::open("/dev/null", O_WRONLY | O_CLOEXEC)};
  ASSERT_TRUE(null);
  std::string const text = "abc";
  auto const failed =
      detail::write_all_at(null.get(), ~std::uint64_t{0} - 1, bytes_of(text), "pwrite test");
  EXPECT_EQ(failed, error::storage_failure);
  EXPECT_EQ(errno_of(failed), EFBIG);
}

TEST(DataFile, WriteToReadOnlyDescriptorIsStorageFailure) {
  unique_fd null{::open("/dev/null", O_RDONLY | O_CLOEXEC)};
  ASSERT_TRUE(null);
  std::string const text = "abc";
  auto const failed = detail::write_all_at(null.get(), 0, bytes_of(text), "pwrite test");
  EXPECT_EQ(failed, error::storage_failure);
  EXPECT_EQ(errno_of(failed), EBADF);
}

TEST_F(StoreTest, WritesLandAtTheirOffsetsAndSmallReadsReadBack) {
  unique_fd file{::open((dir_ / "f").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600)};
  ASSERT_TRUE(file);
  std::string const tail = "world";
  std::string const head = "hello ";
  ASSERT_FALSE(detail::write_all_at(file.get(), 6, bytes_of(tail), "w"));
  ASSERT_FALSE(detail::write_all_at(file.get(), 0, bytes_of(head), "w"));
  unique_fd dir{::open(dir_.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC)};
  std::string out;
  ASSERT_FALSE(detail::read_small_file(dir.get(), "f", 64, out));
  EXPECT_EQ(out, "hello world");
  auto const too_large = detail::read_small_file(dir.get(), "f", 5, out);
  EXPECT_EQ(too_large, error::storage_failure);
  EXPECT_EQ(errno_of(too_large), EFBIG);
  auto const missing = detail::read_small_file(dir.get(), "missing", 64, out);
  EXPECT_EQ(missing, error::storage_failure);
  EXPECT_EQ(errno_of(missing), ENOENT);
}

TEST_F(StoreTest, SmallReadsDoNotFollowSymlinks) {
  write_file(dir_ / "real", "secret");
  fs::create_symlink(dir_ / "real", dir_ / "link");
  unique_fd dir{::open(dir_.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC)};
  std::string out;
  auto const failed = detail::read_small_file(dir.get(), "link", 64, out);
  EXPECT_EQ(failed, error::storage_failure);
  EXPECT_EQ(errno_of(failed), ELOOP);
}

}  // namespace
}  // namespace bits::storage::testing
