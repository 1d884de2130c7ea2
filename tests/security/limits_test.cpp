// Resource limits: sessions per user and per vdir, URL and header sizes, connections
// per address, declared spool bytes and free disk.
#include "security/security_fixture.hpp"

#include <thread>

namespace bits::test {
namespace {

using limits_test = security_test;

TEST_F(limits_test, max_sessions_per_user_refuses_the_third_until_one_is_cancelled) {
  ASSERT_TRUE(start(config({}, "max_sessions_per_user = 2\n")));
  auto client = connect();
  std::string const a = client.create_session("/up/a.bin");
  std::string const b = client.create_session("/up/b.bin");
  ASSERT_FALSE(a.empty());
  ASSERT_FALSE(b.empty());
  EXPECT_TRUE(is_error(client.create("/up/c.bin"), 503, e_server_busy));
  EXPECT_TRUE(is_ack(client.cancel_session("/up/a.bin", a), 200));
  EXPECT_FALSE(client.create_session("/up/c.bin").empty());
}

TEST_F(limits_test, max_sessions_refuses_the_second) {
  ASSERT_TRUE(start(config({}, "max_sessions = 1\n")));
  auto client = connect();
  ASSERT_FALSE(client.create_session("/up/a.bin").empty());
  auto other = connect();
  auto const second = other.create("/up/b.bin");
  EXPECT_EQ(second.status, 503) << second;
}

TEST_F(limits_test, long_target_gets_414) {
  ASSERT_TRUE(start(config("max_url_bytes = 64\n")));
  auto client = connect();
  EXPECT_EQ(client.ping("/up/" + std::string(100, 'x')).status, 414);
  EXPECT_TRUE(still_serving());
}

TEST_F(limits_test, connections_per_address_are_capped) {
  ASSERT_TRUE(start(config("max_connections_per_address = 2\n")));
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
  ASSERT_TRUE(start(config({}, "max_spool_bytes = 1000\n")));
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
  ASSERT_TRUE(start(config({}, "min_free_disk = 9223372036854775807\n")));
  auto client = connect();
  EXPECT_TRUE(is_error(client.create("/up/a.bin"), 500, e_disk_full));
}

TEST_F(limits_test, too_many_header_fields_get_431) {
  ASSERT_TRUE(start(config("max_header_count = 10\n")));
  header_list many;
  for (int i = 0; i < 20; ++i) many.emplace_back("X-Filler-" + std::to_string(i), "1");
  auto client = connect();
  EXPECT_EQ(client.bits_post("/up/", "Ping", many).status, 431);
  EXPECT_TRUE(still_serving());
}

TEST_F(limits_test, too_large_header_gets_431) {
  ASSERT_TRUE(start(config("max_header_bytes = 1024\n")));
  auto client = connect();
  EXPECT_EQ(client.bits_post("/up/", "Ping", {{"X-Filler", std::string(2000, 'a')}}).status, 431);
  EXPECT_TRUE(still_serving());
}

}  // namespace
}  // namespace bits::test
