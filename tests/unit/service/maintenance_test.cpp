// Expiry and the periodic work of maintenance: when an idle session ends (at its next
// packet or at a cleanup), what activity postpones it, and when unsynced bytes are
// saved durably.
#include "service_fixture.hpp"

#include <string>

namespace bits::service::testing {
namespace {

constexpr std::int64_t timeout = 100;  // session_timeout of these tests

vdir_policy short_timeout() {
  vdir_policy p;
  p.session_timeout = std::chrono::seconds(timeout);
  p.cleanup_interval = std::chrono::seconds(10);
  return p;
}

/// A packet sent after a session was idle for some time, and its Ack.
struct idle_case {
  std::string_view name;
  std::int64_t idle;
  core::packet_type packet;
  expected_ack want;
};

void PrintTo(idle_case const& c, std::ostream* out) {
  *out << c.name;
}

class after_idle : public service_test, public ::testing::WithParamInterface<idle_case> {};

TEST_P(after_idle, session_is_served_or_expired) {
  auto const& c = GetParam();
  start(short_timeout());
  auto const id = created("f.bin");
  ASSERT_TRUE(acks(fragment(id, "f.bin", 0, "hello", 10), {200, no_code, 5}));
  advance(c.idle);
  core::reply const r = c.packet == core::packet_type::fragment
                            ? fragment(id, "f.bin", 5, "world", 10)
                            : end_session(c.packet, id, "f.bin");
  EXPECT_TRUE(acks(r, c.want));
  bool const expired = c.want.code == session_not_found;
  EXPECT_EQ(svc_->counters().expired, expired ? 1U : 0U);
  EXPECT_EQ(in_spool(id), !expired);
}

INSTANTIATE_TEST_SUITE_P(table, after_idle,
                         ::testing::Values(idle_case{"fragment_idle_exactly_the_timeout",
                                                     timeout,
                                                     core::packet_type::fragment,
                                                     {200, no_code, 10}},
                                           idle_case{"fragment_idle_past_the_timeout",
                                                     timeout + 1,
                                                     core::packet_type::fragment,
                                                     {500, session_not_found}},
                                           idle_case{"close_idle_past_the_timeout",
                                                     timeout + 1,
                                                     core::packet_type::close_session,
                                                     {500, session_not_found}},
                                           idle_case{"cancel_idle_past_the_timeout",
                                                     timeout + 1,
                                                     core::packet_type::cancel_session,
                                                     {500, session_not_found}}),
                         [](auto const& row) { return std::string(row.param.name); });

TEST_F(service_test, cleanup_expires_idle_sessions_every_cleanup_interval) {
  auto p = short_timeout();
  p.cleanup_interval = std::chrono::seconds(300);
  start(p);
  auto const idle = created("idle.bin");
  maintain();  // a cleanup now; the next one in 300 s
  advance(timeout + 1);
  maintain();
  EXPECT_TRUE(in_spool(idle)) << "expired before the next cleanup";
  advance(300 - timeout - 1 - 50);
  auto const active = created("active.bin");
  advance(50);
  maintain();
  EXPECT_FALSE(in_spool(idle));
  EXPECT_TRUE(in_spool(active));
  EXPECT_EQ(svc_->open_sessions(), 1U);
  EXPECT_EQ(svc_->counters().expired, 1U);
  EXPECT_TRUE(acks(fragment(idle, "idle.bin", 0, "x", 1), {500, session_not_found}));
}

TEST_F(service_test, each_fragment_postpones_expiry) {
  start(short_timeout());
  auto const id = created("f.bin");
  advance(timeout - 1);
  ASSERT_TRUE(acks(fragment(id, "f.bin", 0, "hello", 10), {200, no_code, 5}));
  advance(timeout - 1);
  maintain();
  EXPECT_TRUE(acks(fragment(id, "f.bin", 5, "world", 10), {200, no_code, 10}));
}

TEST_F(service_test, expiry_ends_a_complete_upload_without_touching_its_file) {
  start(short_timeout());
  auto const id = created("f.bin");
  ASSERT_TRUE(acks(fragment(id, "f.bin", 0, "helloworld", 10), {200, no_code, 10}));
  advance(timeout + 1);
  maintain();
  EXPECT_FALSE(in_spool(id));
  EXPECT_EQ(published("f.bin"), "helloworld");
  EXPECT_TRUE(acks(close(id, "f.bin"), {500, session_not_found}));
}

/// Starts the service with a sync_interval of 5 s; a session holding 5 unsynced bytes.
core::session_id unsynced_session(service_test& t) {
  service_options o;
  o.sync_interval = std::chrono::seconds(5);
  t.start({}, o);
  auto const id = t.created("f.bin");
  EXPECT_TRUE(acks(t.fragment(id, "f.bin", 0, "hello", 10), {200, no_code, 5}));
  return id;
}

TEST_F(service_test, unsynced_bytes_are_saved_durably_after_sync_interval) {
  auto const id = unsynced_session(*this);
  EXPECT_EQ(saved_received(id), 0U);
  advance(4);
  maintain();
  EXPECT_EQ(saved_received(id), 0U);
  advance(1);
  maintain();
  EXPECT_EQ(saved_received(id), 5U);
}

TEST_F(service_test, failed_periodic_sync_is_tried_again) {
  auto const id = unsynced_session(*this);
  advance(5);
  fail_next(test::store_call::sync, status::from_errno("fdatasync data", EIO));
  maintain();
  EXPECT_EQ(saved_received(id), 0U);
  advance(5);
  maintain();
  EXPECT_EQ(saved_received(id), 5U);
}

TEST_F(service_test, flush_all_saves_every_session_at_shutdown) {
  start();  // sync_interval 5 s: nothing is due yet
  auto const a = created("a.bin");
  auto const b = created("b.bin");
  ASSERT_TRUE(acks(fragment(a, "a.bin", 0, "hello", 10), {200, no_code, 5}));
  ASSERT_TRUE(acks(fragment(b, "b.bin", 0, "hel", 10), {200, no_code, 3}));
  flush_all();
  EXPECT_EQ(saved_received(a), 5U);
  EXPECT_EQ(saved_received(b), 3U);
  // What was saved is what a restart recovers.
  start();
  ASSERT_TRUE(svc_->recover());
  EXPECT_TRUE(acks(fragment(a, "a.bin", 5, "world", 10), {200, no_code, 10}));
  EXPECT_TRUE(acks(fragment(b, "b.bin", 5, "world", 10), {416, not_contiguous, 3}));
}

}  // namespace
}  // namespace bits::service::testing
