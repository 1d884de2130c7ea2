// session_quotas: counting per owner and per directory, spool reservations, and the
// choice of the session to evict (least recently active, idle, not leased, receiving
// before complete).
#include "service/session_quotas.hpp"

#include "service/random_id.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

namespace bits::service {
namespace {

using verdict = admission::verdict;

constexpr std::int64_t idle = 10;  // evict_idle_after of these tests

class quotas_test : public ::testing::Test {
 protected:
  /// A session created at `at` (not yet counted).
  session& make(std::int64_t at) {
    storage::session_record rec;
    rec.id = random_session_id().value();
    auto s = std::make_shared<session>(rec);
    s->active_at.store(at);
    all_.push_back(s);
    return *s;
  }
  /// A session of `owner` (limit `limit`) created and admitted at `at`.
  session& admitted(session_quotas& q, std::string const& owner, std::uint64_t limit,
                    std::int64_t at) {
    session& s = make(at);
    auto const a = q.admit(s, owner, limit, at);
    EXPECT_EQ(a.what, verdict::admitted);
    return s;
  }
  void TearDown() override {
    for (auto& s : all_) {
      for (auto* q : quotas_) q->release(*s);
    }
  }
  /// True when exactly `used` of the `max` spool bytes of `q` are reserved: `max - used`
  /// more fit, one more byte does not. Leaves nothing reserved for the probe.
  bool reserved_exactly(session_quotas& q, std::uint64_t max, std::uint64_t used) {
    session& probe = make(0);
    bool const room = q.reserve_spool(probe, max - used);
    q.release_spool(probe);
    bool const full = !q.reserve_spool(probe, max - used + 1);
    q.release_spool(probe);
    return room && full;
  }
  session_quotas& quotas(std::uint64_t max_sessions, std::uint64_t max_spool = 0) {
    owned_.push_back(std::make_unique<session_quotas>(max_sessions, max_spool, idle));
    quotas_.push_back(owned_.back().get());
    return *owned_.back();
  }

 private:
  std::vector<std::shared_ptr<session>> all_;
  std::vector<std::unique_ptr<session_quotas>> owned_;
  std::vector<session_quotas*> quotas_;
};

TEST_F(quotas_test, owner_at_its_limit_is_refused_while_every_session_is_recent) {
  auto& q = quotas(3);
  admitted(q, "user:a", 2, 100);
  admitted(q, "user:a", 2, 101);
  session& third = make(105);
  auto const a = q.admit(third, "user:a", 2, 105);
  EXPECT_EQ(a.what, verdict::refused);
  EXPECT_FALSE(a.directory_limit);
  // The oldest becomes idle after 100 + idle; strictly more than `idle` seconds.
  EXPECT_EQ(a.retry_after, 100 + idle + 1 - 105);
  // Another owner is not affected, and the refused session was not counted: the
  // directory (max_sessions 3) has room for exactly one more.
  admitted(q, "user:b", 2, 105);
  session& fourth = make(105);
  auto const full = q.admit(fourth, "user:c", 2, 105);
  EXPECT_EQ(full.what, verdict::refused);
  EXPECT_TRUE(full.directory_limit);
}

TEST_F(quotas_test, session_idle_exactly_evict_idle_after_is_not_yet_evictable) {
  auto& q = quotas(100);
  admitted(q, "user:a", 1, 100);
  session& next = make(100 + idle);
  EXPECT_EQ(q.admit(next, "user:a", 1, 100 + idle).what, verdict::refused);
  EXPECT_EQ(q.admit(next, "user:a", 1, 100 + idle + 1).what, verdict::evict);
}

TEST_F(quotas_test, evicts_the_owners_least_recently_active_idle_session) {
  auto& q = quotas(100);
  session& old = admitted(q, "user:a", 2, 100);
  admitted(q, "user:a", 2, 101);
  admitted(q, "user:b", 2, 50);  // older, but another owner's
  session& next = make(200);
  auto const a = q.admit(next, "user:a", 2, 200);
  ASSERT_EQ(a.what, verdict::evict);
  EXPECT_EQ(a.victim, old.record.id);
  EXPECT_FALSE(a.directory_limit);
  q.release(old);
  EXPECT_EQ(q.admit(next, "user:a", 2, 200).what, verdict::admitted);
  // Counted: the owner is at its limit again.
  session& after = make(200);
  EXPECT_NE(q.admit(after, "user:a", 2, 200).what, verdict::admitted);
}

TEST_F(quotas_test, activity_reported_after_admission_moves_a_session_back) {
  auto& q = quotas(100);
  session& first = admitted(q, "user:a", 2, 100);
  session& second = admitted(q, "user:a", 2, 101);
  first.active_at.store(195);  // a request for it ended at 195
  session& next = make(200);
  auto const a = q.admit(next, "user:a", 2, 200);
  ASSERT_EQ(a.what, verdict::evict);
  EXPECT_EQ(a.victim, second.record.id);
  // Once the second is active too, nothing is idle: the first is idle only after 205.
  second.active_at.store(199);
  auto const b = q.admit(next, "user:a", 2, 200);
  EXPECT_EQ(b.what, verdict::refused);
  EXPECT_EQ(b.retry_after, 195 + idle + 1 - 200);
}

TEST_F(quotas_test, leased_session_is_never_chosen_however_old) {
  auto& q = quotas(100);
  session& busy = admitted(q, "user:a", 2, 100);
  session& other = admitted(q, "user:a", 2, 150);
  busy.leased.store(true);  // a Fragment body is streaming
  session& next = make(200);
  auto const a = q.admit(next, "user:a", 2, 200);
  ASSERT_EQ(a.what, verdict::evict);
  EXPECT_EQ(a.victim, other.record.id);
  other.leased.store(true);
  EXPECT_EQ(q.admit(next, "user:a", 2, 200).what, verdict::refused);
  busy.leased.store(false);
  other.leased.store(false);
}

TEST_F(quotas_test, receiving_sessions_are_evicted_before_complete_ones) {
  auto& q = quotas(100);
  session& done = admitted(q, "user:a", 2, 100);
  session& receiving = admitted(q, "user:a", 2, 150);
  q.completed(done, true);
  session& next = make(200);
  auto const a = q.admit(next, "user:a", 2, 200);
  ASSERT_EQ(a.what, verdict::evict);
  EXPECT_EQ(a.victim, receiving.record.id);
  // While the receiving one is active, the idle complete one is the victim.
  receiving.active_at.store(199);
  auto const b = q.admit(next, "user:a", 2, 200);
  ASSERT_EQ(b.what, verdict::evict);
  EXPECT_EQ(b.victim, done.record.id);
}

TEST_F(quotas_test, directory_limit_evicts_the_directorys_least_recently_active_session) {
  auto& q = quotas(3);
  admitted(q, "user:a", 50, 120);
  session& oldest = admitted(q, "", 0, 110);
  admitted(q, "user:b", 50, 130);
  session& next = make(300);
  auto const a = q.admit(next, "user:c", 50, 300);
  ASSERT_EQ(a.what, verdict::evict);
  EXPECT_TRUE(a.directory_limit);
  EXPECT_EQ(a.victim, oldest.record.id);
}

TEST_F(quotas_test, owner_limit_is_checked_before_the_directory_limit) {
  auto& q = quotas(2);
  session& mine = admitted(q, "user:a", 1, 150);
  admitted(q, "user:b", 1, 100);  // the directory's oldest
  session& next = make(300);
  auto const a = q.admit(next, "user:a", 1, 300);
  ASSERT_EQ(a.what, verdict::evict);
  EXPECT_FALSE(a.directory_limit);
  EXPECT_EQ(a.victim, mine.record.id);
}

TEST_F(quotas_test, owner_without_a_limit_is_not_counted) {
  auto& q = quotas(101);
  for (int i = 0; i < 100; ++i) admitted(q, "addr:10.0.0.1", 0, 100);
  // Not counted for the owner: a limit of 1 still admits one; counted for the directory:
  // it is full at 101.
  admitted(q, "addr:10.0.0.1", 1, 100);
  session& next = make(100);
  auto const full = q.admit(next, "", 0, 100);
  EXPECT_EQ(full.what, verdict::refused);
  EXPECT_TRUE(full.directory_limit);
}

TEST_F(quotas_test, search_pauses_after_its_budget_and_resumes) {
  std::size_t const n = session_quotas::scan_budget + 100;
  auto& q = quotas(n);
  std::vector<session*> all;
  for (std::size_t i = 0; i < n; ++i) all.push_back(&admitted(q, "", 0, 100));
  for (auto* s : all) s->active_at.store(995);  // all active since: every key is stale
  session& next = make(1000);
  EXPECT_EQ(q.admit(next, "", 0, 1000).what, verdict::again);
  auto const a = q.admit(next, "", 0, 1000);
  EXPECT_EQ(a.what, verdict::refused);
  EXPECT_EQ(a.retry_after, 995 + idle + 1 - 1000);
  // Once corrected, the order answers at once.
  EXPECT_EQ(q.admit(next, "", 0, 1000).what, verdict::refused);
}

TEST_F(quotas_test, spool_reservations_stop_at_max_spool_bytes) {
  auto& q = quotas(100, 1000);
  session& a = admitted(q, "", 0, 100);
  session& b = admitted(q, "", 0, 100);
  EXPECT_TRUE(q.reserve_spool(a, 600));
  EXPECT_FALSE(q.reserve_spool(b, 401));
  EXPECT_TRUE(q.reserve_spool(b, 400));
  EXPECT_TRUE(reserved_exactly(q, 1000, 1000));
  q.completed(a, true);  // published: its bytes left the spool
  EXPECT_TRUE(reserved_exactly(q, 1000, 400));
  q.release(b);
  EXPECT_TRUE(reserved_exactly(q, 1000, 0));
}

TEST_F(quotas_test, release_is_idempotent_and_frees_the_owners_slot) {
  auto& q = quotas(1);
  session& s = admitted(q, "user:a", 1, 100);
  q.release(s);
  q.release(s);
  // Neither the owner (limit 1) nor the directory (max_sessions 1) counts it any more.
  admitted(q, "user:a", 1, 101);
}

TEST_F(quotas_test, restored_sessions_count_whatever_the_limits) {
  auto& q = quotas(1, 1000);
  session& a = make(100);
  session& b = make(90);
  q.restore(a, "user:a", false, 500);
  q.restore(b, "user:a", true, 0);
  EXPECT_TRUE(reserved_exactly(q, 1000, 500));
  // Idle since before the restart: evictable, the receiving one first; both counted.
  session& next = make(500);
  auto const v = q.admit(next, "user:a", 1, 500);
  ASSERT_EQ(v.what, verdict::evict);
  EXPECT_EQ(v.victim, a.record.id);
  q.release(a);
  auto const w = q.admit(next, "user:a", 1, 500);
  ASSERT_EQ(w.what, verdict::evict);
  EXPECT_EQ(w.victim, b.record.id);
  q.release(b);
  EXPECT_EQ(q.admit(next, "user:a", 1, 500).what, verdict::admitted);
}

}  // namespace
}  // namespace bits::service
