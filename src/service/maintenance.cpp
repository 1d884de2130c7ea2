// Background work of a virtual directory: periodic syncs of open sessions (the
// durability policy), expiry of idle sessions, and tombstone pruning. Runs on the
// maintenance thread, never on an I/O thread.
#include "service/upload_service.hpp"

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

void upload_service::maintain() {
  auto const now = clock_();
  bool const cleanup = now >= next_cleanup_;
  if (cleanup) next_cleanup_ = now + policy_.cleanup_interval.count();

  for (auto const& s : sessions_.snapshot()) {
    bool due = false;
    {
      std::lock_guard lock(s->mu);
      due = s->dirty && now - s->dirty_since >= options_.sync_interval.count();
    }
    if (due) sync_session(*s);
    if (!cleanup) continue;
    // Expire only sessions nobody is using right now; a busy one is not idle.
    auto lease = sessions_.lease(s->record.id);
    if (!lease) continue;
    std::lock_guard lock(s->mu);
    if (is_expired(*s, now)) finish_session(*s, std::nullopt);
  }
  sessions_.prune_tombstones(now - options_.tombstone_ttl.count());
}

void upload_service::flush_all() {
  for (auto const& s : sessions_.snapshot()) sync_session(*s);
}

}  // namespace bits::service
