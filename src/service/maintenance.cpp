// Syncs run outside the session's lock, all due sessions at once; expiry takes each
// session's lease so a session in use is never expired under its request.
#include "service/maintenance.hpp"

#include <algorithm>
#include <exception>

namespace bits::service {

void run_serially(std::vector<std::function<void()>>& jobs) {
  for (auto& job : jobs) job();
}

std::int64_t maintenance::sync_session(session& s) {
  std::uint64_t upto = 0;
  std::int64_t since_ms = 0;
  {
    std::lock_guard lock(s.mu);
    if (s.gone || s.record.state != storage::session_state::receiving || !s.dirty) return -1;
    upto = s.record.received;
    since_ms = s.dirty_ms;
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
  if (!ok && !s.gone) {
    if (!s.dirty) {
      s.dirty = true;
      s.dirty_since = dir_.clock();
    }
    s.dirty_ms = since_ms;  // still waiting since then
    return -1;
  }
  return ok ? steady_ms() - since_ms : -1;
}

void maintenance::sync_batch(std::vector<std::shared_ptr<session>> const& due) {
  struct taken {
    std::shared_ptr<session> s;
    std::uint64_t upto = 0;
    std::int64_t since_ms = 0;
    bool saved = false;
  };
  std::vector<taken> batch;
  batch.reserve(due.size());
  for (auto const& s : due) {
    std::lock_guard lock(s->mu);
    if (s->gone || s->record.state != storage::session_state::receiving || !s->dirty) continue;
    batch.push_back({s, s->record.received, s->dirty_ms, false});
    s->dirty = false;  // bytes written from now on make it dirty again
  }
  if (batch.empty()) return;
  bool const data_synced = !dir_.store->sync_spool();
  if (data_synced) {
    try {
      for (auto& t : batch) {
        std::lock_guard lock(t.s->mu);
        if (t.s->gone || t.s->record.state != storage::session_state::receiving) continue;
        dir_.hook_points.stamp(*t.s);  // the digest so far, continued after a restart
        auto copy = t.s->record;
        copy.received = t.upto;
        t.saved = !dir_.store->save_after_spool_sync(copy);
      }
    } catch (std::exception const&) {
      // Out of memory: the sessions not saved yet are made dirty again below.
    }
  }
  bool const saves_synced = data_synced && !dir_.store->sync_spool();
  auto const now_ms = steady_ms();
  std::uint64_t synced = 0;
  std::int64_t worst = 0;
  for (auto& t : batch) {
    std::lock_guard lock(t.s->mu);
    if (t.s->gone) continue;
    if (saves_synced && t.saved) {
      t.s->durable = std::max(t.s->durable, t.upto);
      ++synced;
      worst = std::max(worst, now_ms - t.since_ms);
    } else if (t.s->record.state == storage::session_state::receiving) {
      // Tried again next time; the bytes are held, only not known to be durable.
      if (!t.s->dirty) {
        t.s->dirty = true;
        t.s->dirty_since = dir_.clock();
      }
      t.s->dirty_ms = t.since_ms;
    }
  }
  dir_.syncs.record_pass(synced, worst);
}

void maintenance::sync_all(std::vector<std::shared_ptr<session>> const& due,
                           run_all_fn const& run_all) {
  if (due.empty()) return;
  if (dir_.store->syncs_spool_at_once()) {
    try {
      sync_batch(due);
    } catch (std::exception const&) {
      // Out of memory before any session was taken: all stay dirty for the next pass.
    }
    return;
  }
  std::vector<std::int64_t> lags(due.size(), -1);
  std::vector<std::function<void()>> jobs;
  jobs.reserve(due.size());
  for (std::size_t i = 0; i < due.size(); ++i) {
    jobs.emplace_back([this, s = due[i], lag = &lags[i]] {
      try {
        *lag = sync_session(*s);
      } catch (std::exception const&) {
        // Out of memory: the session stays dirty and is tried again next time.
      }
    });
  }
  run_all(jobs);
  std::uint64_t synced = 0;
  std::int64_t worst = 0;
  for (auto const lag : lags) {
    if (lag < 0) continue;
    ++synced;
    worst = std::max(worst, lag);
  }
  dir_.syncs.record_pass(synced, worst);
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
