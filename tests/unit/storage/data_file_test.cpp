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
  EXPECT_EQ(detail::write_all_at(full.get(), 0, bytes_of(text), "pwrite test"), error::disk_full);
  EXPECT_EQ(last_system_failure().sys_errno, ENOSPC);
  auto writer = detail::make_data_writer(std::move(full));
  EXPECT_EQ(writer->write_at(0, bytes_of(text)), error::disk_full);
  EXPECT_EQ(last_system_failure().operation, "pwrite data");
}

TEST(DataFile, OffsetsBeyondOffTAreRefused) {
  unique_fd null{::open("/dev/null", O_WRONLY | O_CLOEXEC)};
  ASSERT_TRUE(null);
  std::string const text = "abc";
  EXPECT_EQ(detail::write_all_at(null.get(), ~std::uint64_t{0} - 1, bytes_of(text), "pwrite test"),
            error::storage_failure);
  EXPECT_EQ(last_system_failure().sys_errno, EFBIG);
}

TEST(DataFile, WriteToReadOnlyDescriptorIsStorageFailure) {
  unique_fd null{::open("/dev/null", O_RDONLY | O_CLOEXEC)};
  ASSERT_TRUE(null);
  std::string const text = "abc";
  EXPECT_EQ(detail::write_all_at(null.get(), 0, bytes_of(text), "pwrite test"),
            error::storage_failure);
  EXPECT_EQ(last_system_failure().sys_errno, EBADF);
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
  EXPECT_EQ(detail::read_small_file(dir.get(), "f", 5, out), error::storage_failure);
  EXPECT_EQ(last_system_failure().sys_errno, EFBIG);
  EXPECT_EQ(detail::read_small_file(dir.get(), "missing", 64, out), error::storage_failure);
  EXPECT_EQ(last_system_failure().sys_errno, ENOENT);
}

TEST_F(StoreTest, SmallReadsDoNotFollowSymlinks) {
  write_file(dir_ / "real", "secret");
  fs::create_symlink(dir_ / "real", dir_ / "link");
  unique_fd dir{::open(dir_.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC)};
  std::string out;
  EXPECT_EQ(detail::read_small_file(dir.get(), "link", 64, out), error::storage_failure);
  EXPECT_EQ(last_system_failure().sys_errno, ELOOP);
}

}  // namespace
}  // namespace bits::storage::testing
