// The graceful stop as a client sees it: after SIGTERM a request in flight still gets
// its answer and its file, new connections are refused, and the daemon exits 0; a
// second signal ends the grace period at once.
#include "integration/fixture.hpp"

#include "support/digest.hpp"

#include <csignal>

namespace bits::test {
namespace {

class Shutdown : public daemon_test {
 protected:
  /// A Fragment of all of `data` on `client`, sent up to the 100 Continue (so the
  /// daemon is inside the request, not between requests), without its body.
  ::testing::AssertionResult begin_fragment(raw_client& client, std::string const& id,
                                            std::string const& data) {
    if (!client.send(
            bits_post_head("/f.bin", "Fragment",
                           {{"BITS-Session-Id", id},
                            {"Content-Range", content_range(0, data.size() - 1, data.size())},
                            {"Expect", "100-continue"}},
                           static_cast<long long>(data.size())))) {
      return ::testing::AssertionFailure() << "send: " << client.last_error();
    }
    auto const interim = client.read_response();
    if (interim.status != 100) return ::testing::AssertionFailure() << interim;
    return ::testing::AssertionSuccess();
  }

  /// Sends `sig` and waits (<= 10 s) until the daemon logged that it is stopping.
  ::testing::AssertionResult signal_stop(int sig) {
    if (::kill(server().pid(), sig) != 0) return ::testing::AssertionFailure() << "kill";
    auto const deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < deadline) {
      if (server().log().find("stopping: finishing in-flight requests") != std::string::npos) {
        return ::testing::AssertionSuccess();
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return ::testing::AssertionFailure() << "no 'stopping' line in the log";
  }

  /// Waits (<= 10 s) for the daemon to exit on its own.
  bool exits_on_its_own() {
    auto const deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (server().running()) {
      if (std::chrono::steady_clock::now() >= deadline) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return true;
  }
};

TEST_F(Shutdown, RequestInFlightIsAnsweredAfterSigtermAndNewConnectionsAreRefused) {
  ASSERT_TRUE(start_cli());
  auto const port = server().port();
  std::string const data = random_bytes(100000, 51);
  auto client = connect();
  std::string const id = client.create_session("/f.bin");
  ASSERT_FALSE(id.empty());
  ASSERT_TRUE(begin_fragment(client, id, data));
  ASSERT_TRUE(signal_stop(SIGTERM));

  // The listeners close: a new connection is refused (polled: the close follows the
  // log line).
  bool refused = false;
  auto const deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!refused && std::chrono::steady_clock::now() < deadline) {
    raw_client late(port, std::chrono::seconds(1));
    refused = !late.is_open();
    if (!refused) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_TRUE(refused) << "a new connection was accepted after SIGTERM";

  ASSERT_TRUE(client.send(data));
  auto const ack = client.read_response();
  EXPECT_TRUE(is_fragment_ack(ack, data.size()));
  EXPECT_EQ(ack.header_or_empty("Connection"), "close") << ack;
  ASSERT_TRUE(exits_on_its_own()) << "still running after its last request";
  EXPECT_TRUE(server().last_exit().exited && server().last_exit().code == 0)
      << server().last_exit().describe();
  EXPECT_EQ(sha256_file_hex(root() / "f.bin"), sha256_hex(data));
}

TEST_F(Shutdown, SecondSignalStopsAtOnceWithoutWaitingForTheRequest) {
  // The default grace period (30 s) is longer than this test waits for the exit.
  ASSERT_TRUE(start_cli());
  std::string const data = random_bytes(100000, 52);
  auto client = connect();
  std::string const id = client.create_session("/f.bin");
  ASSERT_FALSE(id.empty());
  ASSERT_TRUE(begin_fragment(client, id, data));
  ASSERT_TRUE(signal_stop(SIGTERM));
  auto const status = server().stop(SIGINT, std::chrono::seconds(10));
  EXPECT_FALSE(status.timed_out) << "the second signal did not end the grace period";
  EXPECT_TRUE(status.exited && status.code == 0) << status.describe();
  EXPECT_NE(server().log().find("second signal: stopping now"), std::string::npos)
      << server().log_tail(10);
  EXPECT_FALSE(std::filesystem::exists(root() / "f.bin"));
}

}  // namespace
}  // namespace bits::test
