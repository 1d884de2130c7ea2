// The checksum attribute on a real file: stored and read back, dropped when the file
// changes in place, a bare digest set by hand accepted, and the header values.
#include "hooks/checksum_xattr.hpp"

#include "support/digest.hpp"
#include "support/temp_dir.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <gtest/gtest.h>

namespace bits::hooks {
namespace {

class ChecksumXattr : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(test::write_file(path_, "abc"));
    fd_ = ::open(path_.c_str(), O_RDWR | O_CLOEXEC);
    ASSERT_GE(fd_, 0);
    if (::fsetxattr(fd_, "user.openbits.probe", "1", 1, 0) != 0 &&
        (errno == ENOTSUP || errno == EOPNOTSUPP)) {
      GTEST_SKIP() << "no user extended attributes on " << dir_.path();
    }
  }
  void TearDown() override {
    if (fd_ >= 0) ::close(fd_);
  }

  static sha256_digest digest_of(std::string_view text) {
    sha256_stream s;
    s.update(text);
    return s.digest();
  }

  test::temp_dir dir_;
  std::filesystem::path path_ = dir_ / "file.bin";
  int fd_ = -1;
};

TEST_F(ChecksumXattr, StoredDigestIsReadBackAndVisibleToOtherTools) {
  auto const d = digest_of("abc");
  ASSERT_FALSE(store_checksum_xattr(fd_, d));
  auto back = read_checksum_xattr(fd_);
  ASSERT_TRUE(back);
  ASSERT_TRUE(*back);
  EXPECT_EQ(**back, d);
  std::string value(128, '\0');
  auto const n = ::getxattr(path_.c_str(), checksum_xattr_name, value.data(), value.size());
  ASSERT_GT(n, 64);
  EXPECT_EQ(value.substr(0, 64), test::sha256_hex("abc"));
}

TEST_F(ChecksumXattr, NoAttributeMeansNoDigest) {
  auto back = read_checksum_xattr(fd_);
  ASSERT_TRUE(back);
  EXPECT_FALSE(*back);
}

TEST_F(ChecksumXattr, AFileChangedInPlaceLosesItsDigest) {
  ASSERT_FALSE(store_checksum_xattr(fd_, digest_of("abc")));
  ASSERT_EQ(::pwrite(fd_, "X", 1, 0), 1);  // same size; the mtime moves
  struct timespec const later[2] = {{0, UTIME_OMIT}, {2'000'000'000, 0}};
  ASSERT_EQ(::futimens(fd_, later), 0);  // in case the clock did not tick
  auto back = read_checksum_xattr(fd_);
  ASSERT_TRUE(back);
  EXPECT_FALSE(*back);
}

TEST_F(ChecksumXattr, ABareDigestSetByHandIsTrusted) {
  std::string const hex = test::sha256_hex("abc");
  ASSERT_EQ(::fsetxattr(fd_, checksum_xattr_name, hex.data(), hex.size(), 0), 0);
  auto back = read_checksum_xattr(fd_);
  ASSERT_TRUE(back && *back);
  EXPECT_EQ((*back)->hex(), hex);
  ASSERT_EQ(::fsetxattr(fd_, checksum_xattr_name, "nonsense", 8, 0), 0);
  back = read_checksum_xattr(fd_);
  ASSERT_TRUE(back);
  EXPECT_FALSE(*back);
}

TEST(DigestHeaders, Rfc9530AndRfc3230Forms) {
  sha256_stream s;
  s.update(std::string_view("abc"));
  EXPECT_EQ(repr_digest_value(s.digest()),
            "sha-256=:ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=:");
  EXPECT_EQ(digest_value(s.digest()), "SHA-256=ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=");
}

}  // namespace
}  // namespace bits::hooks
