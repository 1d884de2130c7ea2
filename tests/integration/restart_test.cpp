// Sessions survive the daemon: SIGKILL in the middle of a fragment, SIGTERM between
// fragments, and a completed session closed after a restart.
#include "integration/fixture.hpp"

#include "support/digest.hpp"

namespace bits::test {
namespace {

using Restart = daemon_test;
using namespace std::chrono_literals;

constexpr std::size_t mib = 1024 * 1024;

TEST_F(Restart, KillDuringFragmentThenResume) {
  ASSERT_TRUE(start_cli());
  constexpr std::size_t size = 8 * mib;
  std::string const data = random_bytes(size, 40);
  std::string id;
  std::uint64_t sent = 0;  // bytes that reached the socket before the kill
  {
    auto client = connect();
    id = client.create_session("/big.bin");
    ASSERT_FALSE(id.empty());
    for (std::size_t first = 0; first < 4 * mib; first += mib) {
      ASSERT_TRUE(is_fragment_ack(client.send_fragment("/big.bin", id, first, first + mib - 1, size,
                                                       data.substr(first, mib)),
                                  first + mib));
    }
    ASSERT_TRUE(client.send(bits_post_head(
        "/big.bin", "Fragment",
        {{"BITS-Session-Id", id}, {"Content-Range", content_range(4 * mib, 5 * mib - 1, size)}},
        mib)));
    ASSERT_TRUE(client.send(std::string_view(data).substr(4 * mib, mib / 2)));
    sent = 4 * mib + mib / 2;
    std::this_thread::sleep_for(200ms);
    auto const status = server().kill9();
    EXPECT_EQ(status.signal, SIGKILL) << status.describe();
  }
  ASSERT_TRUE(restart());
  auto client = connect();
  ASSERT_TRUE(is_ack(client.ping(), 200));
  auto const r = client.send_fragment("/big.bin", id, 0, mib - 1, size, data.substr(0, mib));
  ASSERT_TRUE(r.status == 200 || r.status == 416) << r;
  auto const next = received_range(r);
  ASSERT_TRUE(next.has_value()) << r;
  EXPECT_LE(*next, sent) << "the daemon claims bytes it never received";
  EXPECT_GE(*next, mib) << r;
  for (std::uint64_t first = *next; first < size; first += mib) {
    std::uint64_t const last = std::min<std::uint64_t>(first + mib, size) - 1;
    ASSERT_TRUE(is_fragment_ack(client.send_fragment("/big.bin", id, first, last, size,
                                                     data.substr(first, last - first + 1)),
                                last + 1));
  }
  EXPECT_EQ(sha256_file_hex(root() / "big.bin"), sha256_hex(data));
  EXPECT_TRUE(is_ack(client.close_session("/big.bin", id), 200));
}

TEST_F(Restart, GracefulRestartBetweenFragments) {
  ASSERT_TRUE(start_cli());
  constexpr std::size_t size = 2 * mib;
  std::string const data = random_bytes(size, 41);
  std::string id;
  {
    auto client = connect();
    id = client.create_session("/f.bin");
    ASSERT_TRUE(is_fragment_ack(
        client.send_fragment("/f.bin", id, 0, mib - 1, size, data.substr(0, mib)), mib));
  }
  auto const status = server().stop(SIGTERM);
  EXPECT_TRUE(status.exited && status.code == 0) << status.describe();
  ASSERT_TRUE(restart());
  auto client = connect();
  EXPECT_TRUE(is_fragment_ack(
      client.send_fragment("/f.bin", id, mib, size - 1, size, data.substr(mib)), size));
  EXPECT_EQ(sha256_file_hex(root() / "f.bin"), sha256_hex(data));
  EXPECT_TRUE(is_ack(client.close_session("/f.bin", id), 200));
}

TEST_F(Restart, CompletedSessionAcceptsCloseAfterRestart) {
  ASSERT_TRUE(start_cli());
  std::string const data = random_bytes(10000, 42);
  std::string id;
  {
    auto client = connect();
    id = upload(client, "/f.bin", data, 4096);
    ASSERT_FALSE(id.empty());
  }
  auto const status = server().stop(SIGTERM);
  EXPECT_TRUE(status.exited && status.code == 0) << status.describe();
  ASSERT_TRUE(restart());
  auto client = connect();
  EXPECT_TRUE(is_ack(client.close_session("/f.bin", id), 200));
  EXPECT_EQ(read_file(root() / "f.bin"), data);
  EXPECT_TRUE(spool_session_dirs().empty());
}

}  // namespace
}  // namespace bits::test
