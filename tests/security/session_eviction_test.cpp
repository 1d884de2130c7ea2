// Session limits that evict: abandoned sessions of a principal, of an address or of the
// whole directory make room for new uploads once idle for evict_idle_after; sessions in
// use never do. evict_idle_after is 1 s here and the server counts whole seconds, so
// waiting a little over 2 s makes every untouched session idle for more than 1 s.
#include "security/security_fixture.hpp"

#include "support/digest.hpp"

#include <chrono>
#include <thread>
#include <vector>
#include "core/number_text.hpp"

namespace bits::test {
namespace {

inline constexpr std::string_view bg_e_session_not_found = "0x8020001F";
constexpr auto past_idle = std::chrono::milliseconds(2100);

class session_eviction_test : public security_test {
 protected:
  /// Basic authentication for alice on /up/ (plain listener) plus `vdir`.
  ::testing::AssertionResult start_basic(vdir_values vdir) {
    std::string const line = htpasswd_line("alice", "wonderland");
    if (line.empty()) return ::testing::AssertionFailure() << "crypt_r failed";
    write_file(tmp() / "htpasswd", line + "\n");
    vdir.set("auth", "basic")
        .set("htpasswd", tmp() / "htpasswd")
        .set("allow_basic_over_http", true);
    return start(config({}, std::move(vdir)));
  }

  /// Create-Session for `url`, with `auth` headers; the session id, "" when refused.
  static std::string create(raw_client& c, std::string const& url, header_list auth = {}) {
    auth.emplace_back("BITS-Supported-Protocols", std::string(protocol_guid));
    auto const r = c.bits_post(url, "Create-Session", auth);
    return r.status == 200 ? r.header_or_empty("BITS-Session-Id") : std::string();
  }

  /// Fragment [first, first + size) of `data` for session `id`.
  static http_response fragment(raw_client& c, std::string const& url, std::string const& id,
                                std::string_view data, std::uint64_t first, std::uint64_t size,
                                header_list auth = {}) {
    auth.emplace_back("BITS-Session-Id", id);
    auth.emplace_back("Content-Range", content_range(first, first + size - 1, data.size()));
    return c.bits_post(url, "Fragment", auth, data.substr(first, size));
  }

  /// The 503 a Create-Session gets when no session can be evicted, with Retry-After.
  static ::testing::AssertionResult is_busy_with_retry_after(http_response const& r) {
    auto busy = is_error(r, 503, e_server_busy);
    if (!busy) return busy;
    auto const seconds = core::parse_decimal_u64(r.header_or_empty("Retry-After"));
    if (!seconds || *seconds < 1) {
      return ::testing::AssertionFailure() << "no Retry-After in seconds\n" << r.describe();
    }
    return ::testing::AssertionSuccess();
  }

  /// Evictions the server logged.
  std::size_t evictions_logged() {
    std::string const log = read_file(server().log_path());
    std::size_t n = 0;
    for (auto at = log.find("evicted idle session"); at != std::string::npos;
         at = log.find("evicted idle session", at + 1)) {
      ++n;
    }
    return n;
  }
};

TEST_F(session_eviction_test, abandoned_sessions_of_a_principal_stop_blocking_it_once_idle) {
  ASSERT_TRUE(start_basic({{"max_sessions_per_user", 50}, {"evict_idle_after", 1}}));
  header_list const alice = {{"Authorization", basic_auth("alice", "wonderland")}};
  auto client = connect();
  std::string const data = random_bytes(1000, 7);

  // 50 uploads abandoned after their first 100 bytes: the principal's limit.
  std::vector<std::string> abandoned;
  for (int i = 0; i < 50; ++i) {
    auto const url = "/up/old" + std::to_string(i) + ".bin";
    abandoned.push_back(create(client, url, alice));
    ASSERT_FALSE(abandoned.back().empty()) << i;
    ASSERT_TRUE(is_fragment_ack(fragment(client, url, abandoned.back(), data, 0, 100, alice), 100));
  }
  std::this_thread::sleep_for(past_idle);
  // Ten more abandoned ones, each taking the place of an idle one: 60 in all.
  for (int i = 0; i < 10; ++i) {
    auto const url = "/up/new" + std::to_string(i) + ".bin";
    ASSERT_FALSE(create(client, url, alice).empty()) << i;
  }
  // The next real upload goes through.
  std::string const id = create(client, "/up/real.bin", alice);
  ASSERT_FALSE(id.empty());
  EXPECT_TRUE(finish_upload(client, id, "real.bin", data, 0, alice));

  // 11 of the first 50 were evicted; their client is told to start over, the others
  // continue where they were.
  std::size_t evicted = 0;
  for (std::size_t i = 0; i < abandoned.size(); ++i) {
    auto const url = "/up/old" + std::to_string(i) + ".bin";
    auto const r = fragment(client, url, abandoned[i], data, 100, 100, alice);
    if (is_error(r, 500, bg_e_session_not_found)) {
      ++evicted;
    } else {
      EXPECT_TRUE(is_fragment_ack(r, 200)) << i;
    }
  }
  EXPECT_EQ(evicted, 11u);
  EXPECT_EQ(evictions_logged(), 11u);
}

TEST_F(session_eviction_test, sessions_in_use_are_never_evicted) {
  ASSERT_TRUE(start(config({}, {{"max_sessions_per_address", 2}, {"evict_idle_after", 1}})));
  std::string const big = random_bytes(20000, 1);
  std::string const small = random_bytes(1000, 2);

  // One session streams a slow Fragment body (a request in flight) ...
  auto slow = connect();
  std::string const streaming = create(slow, "/up/slow.bin");
  ASSERT_FALSE(streaming.empty());
  ASSERT_TRUE(
      slow.send(bits_post_head("/up/slow.bin", "Fragment",
                               {{"BITS-Session-Id", streaming},
                                {"Content-Range", content_range(0, big.size() - 1, big.size())}},
                               static_cast<long long>(big.size())) +
                big.substr(0, 10000)));
  // ... the other sends a fragment every 300 ms.
  auto steady = connect();
  std::string const active = create(steady, "/up/steady.bin");
  ASSERT_FALSE(active.empty());
  std::uint64_t sent = 0;
  auto const until = std::chrono::steady_clock::now() + past_idle;
  while (std::chrono::steady_clock::now() < until) {
    ASSERT_TRUE(
        is_fragment_ack(fragment(steady, "/up/steady.bin", active, small, sent, 10), sent + 10));
    sent += 10;
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
  }
  ASSERT_TRUE(
      is_fragment_ack(fragment(steady, "/up/steady.bin", active, small, sent, 10), sent + 10));
  sent += 10;

  auto other = connect();
  EXPECT_TRUE(is_busy_with_retry_after(other.create("/up/third.bin")));

  // Nothing was lost: both uploads complete.
  ASSERT_TRUE(slow.send(big.substr(10000)));
  EXPECT_TRUE(is_fragment_ack(slow.read_response(), big.size()));
  EXPECT_TRUE(is_ack(slow.close_session("/up/slow.bin", streaming), 200));
  EXPECT_EQ(read_file(root() / "slow.bin"), big);
  EXPECT_TRUE(finish_upload(steady, active, "steady.bin", small, sent));
  EXPECT_EQ(evictions_logged(), 0u);
}

TEST_F(session_eviction_test, directory_limit_evicts_an_idle_session_the_same_way) {
  ASSERT_TRUE(start(config({}, {{"max_sessions", 3}, {"evict_idle_after", 1}})));
  auto client = connect();
  std::string const data = random_bytes(1000, 3);
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) {
    auto const url = "/up/old" + std::to_string(i) + ".bin";
    ids.push_back(create(client, url));
    ASSERT_FALSE(ids.back().empty());
    ASSERT_TRUE(is_fragment_ack(fragment(client, url, ids.back(), data, 0, 100), 100));
  }
  EXPECT_TRUE(is_busy_with_retry_after(client.create("/up/next.bin")));
  std::this_thread::sleep_for(past_idle);
  std::string const next = create(client, "/up/next.bin");
  ASSERT_FALSE(next.empty());
  std::size_t evicted = 0;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    auto const url = "/up/old" + std::to_string(i) + ".bin";
    auto const r = fragment(client, url, ids[i], data, 100, 100);
    if (is_error(r, 500, bg_e_session_not_found)) ++evicted;
  }
  EXPECT_EQ(evicted, 1u);
  EXPECT_TRUE(finish_upload(client, next, "next.bin", data, 0));
}

TEST_F(session_eviction_test, max_sessions_per_address_evicts_an_idle_session_of_that_address) {
  ASSERT_TRUE(start(config({}, {{"max_sessions_per_address", 2}, {"evict_idle_after", 1}})));
  auto client = connect();
  std::string const data = random_bytes(1000, 4);
  std::string const a = create(client, "/up/a.bin");
  std::string const b = create(client, "/up/b.bin");
  ASSERT_FALSE(a.empty());
  ASSERT_FALSE(b.empty());
  ASSERT_TRUE(is_fragment_ack(fragment(client, "/up/a.bin", a, data, 0, 100), 100));
  EXPECT_TRUE(is_busy_with_retry_after(client.create("/up/c.bin")));
  std::this_thread::sleep_for(past_idle);
  // b is touched just before: a, idle longest, is the one evicted.
  ASSERT_TRUE(is_fragment_ack(fragment(client, "/up/b.bin", b, data, 0, 100), 100));
  std::string const c = create(client, "/up/c.bin");
  ASSERT_FALSE(c.empty());
  EXPECT_TRUE(
      is_error(fragment(client, "/up/a.bin", a, data, 100, 100), 500, bg_e_session_not_found));
  EXPECT_TRUE(finish_upload(client, b, "b.bin", data, 100));
  EXPECT_TRUE(finish_upload(client, c, "c.bin", data, 0));
  EXPECT_FALSE(std::filesystem::exists(root() / "a.bin"));
}

TEST_F(session_eviction_test, evicted_complete_upload_still_closes_with_200) {
  ASSERT_TRUE(start(config({}, {{"max_sessions_per_address", 1}, {"evict_idle_after", 1}})));
  auto client = connect();
  std::string const data = random_bytes(500, 5);
  std::string const done = create(client, "/up/done.bin");
  ASSERT_FALSE(done.empty());
  // Every byte sent, the file published; the client vanishes before Close-Session.
  ASSERT_TRUE(
      is_fragment_ack(fragment(client, "/up/done.bin", done, data, 0, data.size()), data.size()));
  std::this_thread::sleep_for(past_idle);
  std::string const next = create(client, "/up/next.bin");
  ASSERT_FALSE(next.empty());
  EXPECT_EQ(evictions_logged(), 1u);
  // It comes back: its upload did not fail.
  EXPECT_TRUE(is_ack(client.close_session("/up/done.bin", done), 200));
  EXPECT_EQ(read_file(root() / "done.bin"), data);
}

}  // namespace
}  // namespace bits::test
