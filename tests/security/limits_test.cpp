// Resource limits: sessions per address and per vdir, URL and header sizes, connections
// per address, declared spool bytes and free disk; and that the defaults let many
// clients behind one address (a NAT'd office) upload at once.
#include "security/security_fixture.hpp"

#include "support/digest.hpp"

#include <sys/resource.h>

#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

namespace bits::test {
namespace {

using limits_test = security_test;

/// Raises this process's soft open-file limit to `want` (the daemon started afterwards
/// inherits it). False when the hard limit is lower.
bool raise_fd_limit(rlim_t want) {
  rlimit rl{};
  if (::getrlimit(RLIMIT_NOFILE, &rl) != 0) return false;
  if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur >= want) return true;
  if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < want) return false;
  rl.rlim_cur = want;
  return ::setrlimit(RLIMIT_NOFILE, &rl) == 0;
}

/// Runs `work(w)` for w in [0, n) on n threads and waits for all.
template <class Work>
void on_threads(std::size_t n, Work work) {
  std::vector<std::thread> threads;
  threads.reserve(n);
  for (std::size_t w = 0; w < n; ++w) threads.emplace_back(work, w);
  for (auto& t : threads) t.join();
}

/// Failures seen by worker threads: counted, the first few kept to report.
class failures {
 public:
  void add(std::string what) {
    std::lock_guard lock(mu_);
    if (++count_ <= 5) first_ += what + "\n";
  }
  [[nodiscard]] ::testing::AssertionResult none() const {
    std::lock_guard lock(mu_);
    if (count_ == 0) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << count_ << " failures, first:\n" << first_;
  }

 private:
  mutable std::mutex mu_;
  std::size_t count_ = 0;
  std::string first_;
};

// 1,000 Windows machines behind one NAT address, all uploading at once: no session or
// connection limit of the defaults may refuse them. 300 connections are open together,
// more than the 256 per address the server used to allow.
TEST_F(limits_test, thousand_concurrent_uploads_from_one_address_succeed_under_defaults) {
  constexpr std::size_t connections = 300;
  constexpr std::size_t sessions = 1000;
  constexpr std::size_t workers = 4;
  ASSERT_TRUE(raise_fd_limit(4096)) << "RLIMIT_NOFILE hard limit below 4096";
  ASSERT_TRUE(start(config()));
  std::vector<raw_client> conns;
  for (std::size_t c = 0; c < connections; ++c) {
    conns.push_back(connect());
    ASSERT_TRUE(conns.back().is_open()) << c << ": " << conns.back().last_error();
  }
  for (std::size_t c = 0; c < connections; ++c) {
    ASSERT_EQ(conns[c].ping("/up/").status, 200) << "connection " << c << " of " << connections;
  }

  // Session i lives on connection i % connections; worker w drives the connections
  // c with c % workers == w, so no connection is used by two threads.
  std::vector<std::string> ids(sessions);
  failures failed;
  auto const name = [](std::size_t i) { return "f" + std::to_string(i) + ".bin"; };
  auto const data = [](std::size_t i) { return random_bytes(64 + i % 64, i); };
  on_threads(workers, [&](std::size_t w) {
    for (std::size_t i = w; i < sessions; i += workers) {
      auto const r = conns[i % connections].create("/up/" + name(i));
      ids[i] = r.header_or_empty("BITS-Session-Id");
      if (!is_ack(r, 200) || ids[i].empty()) failed.add("create " + name(i) + ": " + r.describe());
    }
  });
  ASSERT_TRUE(failed.none());

  on_threads(workers, [&](std::size_t w) {
    for (std::size_t i = w; i < sessions; i += workers) {
      auto& client = conns[i % connections];
      std::string const bytes = data(i);
      auto const url = "/up/" + name(i);
      auto const r = client.send_fragment(url, ids[i], 0, bytes.size() - 1, bytes.size(), bytes);
      if (!is_fragment_ack(r, bytes.size()))
        failed.add("fragment " + name(i) + ": " + r.describe());
      auto const closed = client.close_session(url, ids[i]);
      if (!is_ack(closed, 200)) failed.add("close " + name(i) + ": " + closed.describe());
    }
  });
  ASSERT_TRUE(failed.none());
  std::size_t wrong = 0;
  for (std::size_t i = 0; i < sessions; ++i) wrong += read_file(root() / name(i)) != data(i);
  EXPECT_EQ(wrong, 0u) << "published files differ from their uploads";
}

TEST_F(limits_test, max_sessions_per_address_refuses_the_third_until_one_is_cancelled) {
  ASSERT_TRUE(start(config({}, {{"max_sessions_per_address", 2}})));
  auto client = connect();
  std::string const a = client.create_session("/up/a.bin");
  std::string const b = client.create_session("/up/b.bin");
  ASSERT_FALSE(a.empty());
  ASSERT_FALSE(b.empty());
  auto const refused = client.create("/up/c.bin");
  EXPECT_TRUE(is_error(refused, 503, e_server_busy));
  EXPECT_TRUE(refused.has("Retry-After")) << refused;
  EXPECT_TRUE(is_ack(client.cancel_session("/up/a.bin", a), 200));
  EXPECT_FALSE(client.create_session("/up/c.bin").empty());
}

TEST_F(limits_test, max_sessions_refuses_the_second) {
  ASSERT_TRUE(start(config({}, {{"max_sessions", 1}})));
  auto client = connect();
  ASSERT_FALSE(client.create_session("/up/a.bin").empty());
  auto other = connect();
  auto const second = other.create("/up/b.bin");
  EXPECT_EQ(second.status, 503) << second;
}

TEST_F(limits_test, long_target_gets_414) {
  ASSERT_TRUE(start(config({{"max_url_bytes", 64}})));
  auto client = connect();
  EXPECT_EQ(client.ping("/up/" + std::string(100, 'x')).status, 414);
  EXPECT_TRUE(still_serving());
}

TEST_F(limits_test, connections_per_address_are_capped) {
  ASSERT_TRUE(start(config({{"max_connections_per_address", 2}})));
  auto first = connect();
  auto second = connect();
  ASSERT_EQ(first.ping("/up/").status, 200);
  ASSERT_EQ(second.ping("/up/").status, 200);
  auto third = connect();
  if (third.is_open()) {
    EXPECT_TRUE(third.wait_for_close(std::chrono::seconds(2)))
        << "a third connection from the same address was kept open";
    EXPECT_FALSE(third.ping("/up/").ok()) << "a third connection was served";
  }
  first.close();
  // The server notices the close asynchronously: retry for at most 2 s.
  int status = 0;
  auto const deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  while (status != 200 && std::chrono::steady_clock::now() < deadline) {
    auto again = connect();
    status = again.ping("/up/").status;
    if (status != 200) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(status, 200) << "no new connection accepted after one closed";
  EXPECT_EQ(second.ping("/up/").status, 200);
}

TEST_F(limits_test, declared_total_above_max_spool_bytes_is_refused) {
  ASSERT_TRUE(start(config({}, {{"max_spool_bytes", 1000}})));
  auto client = connect();
  std::string const id = client.create_session("/up/big.bin");
  ASSERT_FALSE(id.empty());
  auto const r = client.send_fragment("/up/big.bin", id, 0, 99, 5000, std::string(100, 'a'));
  EXPECT_TRUE(is_error(r, 500, e_disk_full));
  EXPECT_EQ(r.header_or_empty("BITS-Received-Content-Range"), "0") << r;
}

TEST_F(limits_test, min_free_disk_above_any_disk_refuses_create_session) {
  // TOML integers are signed 64-bit, so 2^63-1 is the largest value a config can hold
  // (18446744073709551615 is refused by the parser); it is still more than any disk.
  ASSERT_TRUE(start(config({}, {{"min_free_disk", 9223372036854775807}})));
  auto client = connect();
  EXPECT_TRUE(is_error(client.create("/up/a.bin"), 500, e_disk_full));
}

TEST_F(limits_test, too_many_header_fields_get_431) {
  ASSERT_TRUE(start(config({{"max_header_count", 10}})));
  header_list many;
  for (int i = 0; i < 20; ++i) many.emplace_back("X-Filler-" + std::to_string(i), "1");
  auto client = connect();
  EXPECT_EQ(client.bits_post("/up/", "Ping", many).status, 431);
  EXPECT_TRUE(still_serving());
}

TEST_F(limits_test, too_large_header_gets_431) {
  ASSERT_TRUE(start(config({{"max_header_bytes", 1024}})));
  auto client = connect();
  EXPECT_EQ(client.bits_post("/up/", "Ping", {{"X-Filler", std::string(2000, 'a')}}).status, 431);
  EXPECT_TRUE(still_serving());
}

}  // namespace
}  // namespace bits::test
