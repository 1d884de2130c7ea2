// A disk that fills up in the middle of an upload: the fragment that hits ENOSPC gets
// ERROR_DISK_FULL with the offset really held, the session stays consistent, and once
// space is freed the client's resend completes the file byte for byte. Uses a small
// tmpfs, so it needs root (as CI and the development machines run); skipped otherwise.
#include "security/security_fixture.hpp"

#include "support/digest.hpp"

#include <sys/mount.h>

#include <fstream>

namespace bits::test {
namespace {

class disk_full_test : public security_test {
 protected:
  void TearDown() override {
    security_test::TearDown();  // stops the daemon first: it holds files in the mount
    if (mounted_) ::umount2(root().c_str(), MNT_DETACH);
  }
  bool mounted_ = false;
};

TEST_F(disk_full_test, enospc_mid_upload_is_an_error_ack_and_the_upload_resumes_later) {
  std::filesystem::create_directories(root());
  if (::mount("tmpfs", root().c_str(), "tmpfs", 0, "size=4m") != 0) {
    GTEST_SKIP() << "cannot mount a small tmpfs here (needs root)";
  }
  mounted_ = true;
  {
    std::ofstream filler(root() / "filler", std::ios::binary);
    filler << std::string(2 * 1024 * 1024 + 512 * 1024, 'f');
  }
  ASSERT_TRUE(start(config({}, {{"min_free_disk", 0}})));

  std::size_t const size = 3 * 1024 * 1024;
  std::size_t const step = 256 * 1024;
  std::string const data = random_bytes(size, 42);
  auto client = connect();
  std::string const id = client.create_session("/up/big.bin");
  ASSERT_FALSE(id.empty());

  std::uint64_t held = 0;
  bool full = false;
  for (std::size_t first = 0; first < size && !full; first += step) {
    auto const r = client.send_fragment("/up/big.bin", id, first, first + step - 1, size,
                                        std::string_view(data).substr(first, step));
    if (r.status == 200) {
      held = first + step;
      continue;
    }
    ASSERT_TRUE(is_error(r, 500, e_disk_full)) << r;
    auto const reported = received_range(r);
    ASSERT_TRUE(reported.has_value()) << r;
    held = *reported;
    EXPECT_LE(held, first + step) << "reports more than was sent";
    full = true;
  }
  ASSERT_TRUE(full) << "the disk never filled up";
  EXPECT_FALSE(std::filesystem::exists(root() / "big.bin"));
  EXPECT_TRUE(still_serving());

  std::filesystem::remove(root() / "filler");
  auto again = connect();
  EXPECT_TRUE(finish_upload(again, id, "big.bin", data, held));
}

}  // namespace
}  // namespace bits::test
