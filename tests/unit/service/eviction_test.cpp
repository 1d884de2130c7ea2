// Session limits through the upload service, over the in-memory store and a clock that
// moves only when told: who is limited, which session is evicted, what its client is
// told afterwards, what is logged and counted.
#include "service_fixture.hpp"

#include <string>

namespace bits::service::testing {
namespace {

using eviction_test = service_test;

bool is_session_not_found(core::reply const& r) {
  return acks(r, {500, session_not_found});
}

bool is_busy(core::reply const& r) {
  return acks(r, {503, busy});
}

TEST_F(eviction_test, idle_receiving_session_is_evicted_and_its_client_starts_over) {
  vdir_policy p;
  p.max_sessions_per_user = 2;
  start(p);
  auto const a = created("a.bin", "alice");
  ASSERT_EQ(fragment(a, "a.bin", 0, "hello", 10, "alice").status, 200u);
  advance(1);
  auto const b = created("b.bin", "alice");

  // Both active within evict_idle_after (900 s): refused, with the time a becomes idle.
  advance(99);
  auto const refused = create("c.bin", "alice");
  EXPECT_TRUE(is_busy(refused));
  EXPECT_EQ(refused.header("Retry-After"), "801");
  EXPECT_TRUE(log_.empty());

  advance(801);  // a idle 901 s, b 900 s
  auto const c = created("c.bin", "alice");
  EXPECT_FALSE(in_spool(a));
  EXPECT_TRUE(in_spool(b));
  EXPECT_TRUE(in_spool(c));
  EXPECT_TRUE(is_session_not_found(fragment(a, "a.bin", 5, "world", 10, "alice")));
  EXPECT_EQ(fragment(b, "b.bin", 0, "x", 1, "alice").status, 200u);

  ASSERT_EQ(log_.size(), 1u);
  EXPECT_NE(log_[0].find("vdir /up/: evicted idle session " + a.short_form() + " of user:alice"),
            std::string::npos)
      << log_[0];
  EXPECT_NE(log_[0].find("idle 901 s, 5 bytes held"), std::string::npos) << log_[0];
  EXPECT_EQ(log_[0].find(a.to_hex()), std::string::npos) << "the whole id was logged";
  EXPECT_EQ(svc_->counters().created, 3u);
  EXPECT_EQ(svc_->counters().evicted, 1u);
}

TEST_F(eviction_test, evicted_complete_session_still_closes_with_200) {
  vdir_policy p;
  p.max_sessions_per_user = 1;
  start(p);
  auto const a = created("a.bin", "alice");
  ASSERT_EQ(fragment(a, "a.bin", 0, "hello", 5, "alice").status, 200u);
  ASSERT_TRUE(published("a.bin"));
  advance(901);
  auto const b = created("b.bin", "alice");
  EXPECT_FALSE(in_spool(a));
  auto const closed = end_session(core::packet_type::close_session, a, "a.bin", "alice");
  EXPECT_EQ(closed.status, 200u);
  EXPECT_FALSE(closed.header(core::header::error_code).has_value());
  EXPECT_TRUE(published("a.bin"));
  EXPECT_EQ(svc_->counters().committed, 1u);
  EXPECT_EQ(svc_->counters().evicted, 1u);
  EXPECT_TRUE(in_spool(b));
}

TEST_F(eviction_test, idle_receiving_session_goes_before_an_older_complete_one) {
  vdir_policy p;
  p.max_sessions_per_user = 2;
  start(p);
  auto const done = created("done.bin", "alice");
  ASSERT_EQ(fragment(done, "done.bin", 0, "hello", 5, "alice").status, 200u);
  advance(10);
  auto const partial = created("partial.bin", "alice");
  ASSERT_EQ(fragment(partial, "partial.bin", 0, "he", 5, "alice").status, 200u);
  advance(1000);
  (void)created("next.bin", "alice");
  EXPECT_TRUE(in_spool(done));
  EXPECT_FALSE(in_spool(partial));
  EXPECT_EQ(end_session(core::packet_type::close_session, done, "done.bin", "alice").status, 200u);
}

TEST_F(eviction_test, session_with_a_fragment_in_flight_is_never_evicted) {
  vdir_policy p;
  p.max_sessions_per_user = 1;
  start(p);
  auto const a = created("a.bin", "alice");
  auto out = start_fragment(a, "a.bin", 0, 10, 10, "alice");
  ASSERT_TRUE(out.job);
  ASSERT_FALSE(out.job->write(bytes("hello")));
  advance(5000);  // the body trickles in for longer than evict_idle_after
  auto const refused = create("b.bin", "alice");
  EXPECT_TRUE(is_busy(refused));
  EXPECT_TRUE(refused.header("Retry-After").has_value());
  ASSERT_FALSE(out.job->write(bytes("world")));
  EXPECT_EQ(out.job->finish().status, 200u);
  EXPECT_TRUE(published("a.bin"));
  // Its request just ended: active, so still not evictable.
  EXPECT_TRUE(is_busy(create("b.bin", "alice")));
  EXPECT_EQ(svc_->counters().evicted, 0u);
}

TEST_F(eviction_test, anonymous_clients_of_one_address_are_not_limited_by_default) {
  start(vdir_policy{});
  for (int i = 0; i < 200; ++i) {
    ASSERT_EQ(create("f" + std::to_string(i) + ".bin").status, 200u) << i;
  }
  EXPECT_EQ(svc_->open_sessions(), 200u);
}

TEST_F(eviction_test, max_sessions_per_address_limits_anonymous_clients_only) {
  vdir_policy p;
  p.max_sessions_per_address = 2;
  start(p);
  auto const first = created("a.bin", {}, "10.0.0.1:1000");
  advance(1);
  (void)created("b.bin", {}, "10.0.0.1:1001");
  EXPECT_TRUE(is_busy(create("c.bin", {}, "10.0.0.1:1002")));
  EXPECT_EQ(create("c.bin", {}, "10.0.0.2:1000").status, 200u);
  EXPECT_EQ(create("d.bin", "alice", "10.0.0.1:1003").status, 200u);
  advance(901);
  EXPECT_EQ(create("e.bin", {}, "10.0.0.1:1004").status, 200u);
  ASSERT_EQ(log_.size(), 1u);
  EXPECT_NE(log_[0].find("of addr:10.0.0.1 (owner limit reached"), std::string::npos) << log_[0];
  EXPECT_FALSE(in_spool(first));
}

TEST_F(eviction_test, directory_limit_evicts_the_directorys_least_recently_active_session) {
  vdir_policy p;
  p.max_sessions = 3;
  start(p);
  auto const oldest = created("a.bin", "bob");
  advance(1);
  (void)created("b.bin");
  (void)created("c.bin", "carol");
  EXPECT_TRUE(is_busy(create("d.bin", "dave")));
  advance(901);
  EXPECT_EQ(create("d.bin", "dave").status, 200u);
  EXPECT_FALSE(in_spool(oldest));
  EXPECT_EQ(svc_->open_sessions(), 3u);
  ASSERT_EQ(log_.size(), 1u);
  EXPECT_NE(log_[0].find("of user:bob (max_sessions reached"), std::string::npos) << log_[0];
}

TEST_F(eviction_test, counters_count_how_sessions_end) {
  vdir_policy p;
  p.session_timeout = std::chrono::seconds(100);
  start(p);
  auto const uploaded = created("a.bin");
  ASSERT_EQ(fragment(uploaded, "a.bin", 0, "data", 4).status, 200u);
  ASSERT_EQ(end_session(core::packet_type::close_session, uploaded, "a.bin").status, 200u);
  auto const empty = created("empty.bin");  // Close without a Fragment: an empty file
  ASSERT_EQ(end_session(core::packet_type::close_session, empty, "empty.bin").status, 200u);
  auto const cancelled = created("c.bin");
  ASSERT_EQ(end_session(core::packet_type::cancel_session, cancelled, "c.bin").status, 200u);
  (void)created("expires.bin");
  advance(101);
  maintain();
  session_counts expected;
  expected.created = 4;
  expected.committed = 2;
  expected.cancelled = 1;
  expected.expired = 1;
  EXPECT_EQ(svc_->counters(), expected);
}

}  // namespace
}  // namespace bits::service::testing
