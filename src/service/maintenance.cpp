// Syncs run outside the session's lock, all due sessions at once; expiry takes each
// session's lease so a session in use is never expired under its request.
#include "service/maintenance.hpp"

#include <exception>

namespace bits::service {

void run_serially(std::vector<std::function<void()>>& jobs) {
  for (auto& job : jobs) job();
}

void maintenance::sync_session(session& s) {
  std::uint64_t upto = 0;
  {
    std::lock_guard lock(s.mu);
    if (s.gone || s.record.state != storage::session_state::receiving || !s.dirty) return;
    upto = s.record.received;
    s.dirty = false;
  }
  // fdatasync outside the lock: a Fragment may keep writing meanwhile; what it adds
  // makes the session dirty again and is synced next time.
  auto writer = dir_.store->open_data(s.record.id);
  bool ok = writer && !(*writer)->sync();
  std::lock_guard lock(s.mu);
  if (ok && !s.gone && s.record.state == storage::session_state::receiving) {
    dir_.hook_points.stamp(s);  // the digest so far, continued after a restart
    auto copy = s.record;
    copy.received = upto;
    ok = !dir_.store->save(copy, true);
    if (ok) s.durable = upto;
  }
  if (!ok && !s.gone && !s.dirty) {
    s.dirty = true;
    s.dirty_since = dir_.clock();
  }
}

void maintenance::sync_all(std::vector<std::shared_ptr<session>> const& due,
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

void maintenance::expire(std::vector<std::shared_ptr<session>> const& sessions, std::int64_t now) {
  for (auto const& s : sessions) {
    // Expire only sessions nobody is using right now; a busy one is not idle.
    auto lease = dir_.sessions.lease(s->record.id);
    if (!lease) continue;
    std::lock_guard lock(s->mu);
    if (dir_.is_expired(*s, now)) {
      dir_.hook_points.ended(*s, hooks::event_type::post_expire, now);
      dir_.end_session(*s, std::nullopt);
      session_counters::bump(dir_.counters.expired);
    }
  }
}

void maintenance::prune_tombstones(std::int64_t now) {
  auto const oldest = now - dir_.options.tombstone_ttl.count();
  dir_.sessions.prune_tombstones(oldest);
  // Syncs the tombstones recorded since the last tick and deletes expired ones; a
  // failure is tried again next tick.
  static_cast<void>(dir_.store->maintain_tombstones(now, oldest));
}

void maintenance::tick(run_all_fn const& run_all) {
  auto const now = dir_.clock();
  auto const sessions = dir_.sessions.snapshot();
  std::vector<std::shared_ptr<session>> due;
  for (auto const& s : sessions) {
    std::lock_guard lock(s->mu);
    if (s->dirty && now - s->dirty_since >= dir_.options.sync_interval.count()) due.push_back(s);
  }
  // All due sessions at once: one by one, each costing several syncs, the interval
  // could not be kept with thousands of active sessions.
  sync_all(due, run_all);
  if (now >= next_cleanup_) {
    next_cleanup_ = now + dir_.policy.get().cleanup_interval.count();
    expire(sessions, now);
  }
  prune_tombstones(now);
}

void maintenance::flush_all(run_all_fn const& run_all) {
  sync_all(dir_.sessions.snapshot(), run_all);
  auto const now = dir_.clock();
  static_cast<void>(dir_.store->maintain_tombstones(now, now - dir_.options.tombstone_ttl.count()));
}

}  // namespace bits::service
