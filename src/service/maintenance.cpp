// Background work of a virtual directory: periodic syncs of open sessions (the
// durability policy), expiry of idle sessions, and tombstone syncing and pruning. Runs on the
// maintenance thread, never on an I/O thread.
#include "service/upload_service.hpp"

#include <exception>

namespace bits::service {

void upload_service::sync_session(session& s) {
  std::uint64_t upto = 0;
  {
    std::lock_guard lock(s.mu);
    if (s.gone || s.record.state != storage::session_state::receiving || !s.dirty) return;
    upto = s.record.received;
    s.dirty = false;
  }
  // fdatasync outside the lock: a Fragment may keep writing meanwhile; what it adds
  // makes the session dirty again and is synced next time.
  auto writer = store_->open_data(s.record.id);
  bool ok = writer && !(*writer)->sync();
  std::lock_guard lock(s.mu);
  if (ok && !s.gone && s.record.state == storage::session_state::receiving) {
    auto copy = s.record;
    copy.received = upto;
    ok = !store_->save(copy, true);
    if (ok) s.durable = upto;
  }
  if (!ok && !s.gone && !s.dirty) {
    s.dirty = true;
    s.dirty_since = clock_();
  }
}

void run_serially(std::vector<std::function<void()>>& jobs) {
  for (auto& job : jobs) job();
}

void upload_service::sync_all(std::vector<std::shared_ptr<session>> const& due,
                              run_all_fn const& run_all) {
  if (due.empty()) return;
  std::vector<std::function<void()>> jobs;
  jobs.reserve(due.size());
  for (auto const& s : due) {
    jobs.emplace_back([this, s] {
      try {
        sync_session(*s);
      } catch (std::exception const&) {
        // Out of memory: the session stays dirty and is tried again next time.
      }
    });
  }
  run_all(jobs);
}

void upload_service::maintain(run_all_fn const& run_all) {
  auto const now = clock_();
  bool const cleanup = now >= next_cleanup_;
  if (cleanup) next_cleanup_ = now + policy_.cleanup_interval.count();

  auto const sessions = sessions_.snapshot();
  std::vector<std::shared_ptr<session>> due;
  for (auto const& s : sessions) {
    std::lock_guard lock(s->mu);
    if (s->dirty && now - s->dirty_since >= options_.sync_interval.count()) due.push_back(s);
  }
  // All due sessions at once: one by one, each costing several syncs, the interval
  // could not be kept with thousands of active sessions.
  sync_all(due, run_all);

  for (auto const& s : sessions) {
    if (!cleanup) break;
    // Expire only sessions nobody is using right now; a busy one is not idle.
    auto lease = sessions_.lease(s->record.id);
    if (!lease) continue;
    std::lock_guard lock(s->mu);
    if (is_expired(*s, now)) {
      finish_session(*s, std::nullopt);
      session_counters::bump(counters_.expired);
    }
  }
  auto const oldest = now - options_.tombstone_ttl.count();
  sessions_.prune_tombstones(oldest);
  // Syncs the tombstones recorded since the last tick and deletes expired ones; a
  // failure is tried again next tick.
  static_cast<void>(store_->maintain_tombstones(now, oldest));
}

void upload_service::flush_all(run_all_fn const& run_all) {
  sync_all(sessions_.snapshot(), run_all);
  auto const now = clock_();
  static_cast<void>(store_->maintain_tombstones(now, now - options_.tombstone_ttl.count()));
}

}  // namespace bits::service
