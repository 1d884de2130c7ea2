// Session counts, spool reservations and the choice of a session to evict. The orders
// are updated only when a session is counted, completes or ends, and corrected lazily
// while a victim is searched for, so requests never take this lock to report activity.
#include "service/session_quotas.hpp"

#include <algorithm>
#include <atomic>
#include <iterator>

namespace bits::service {

session_quotas::session_quotas(std::uint64_t max_sessions, std::uint64_t max_spool_bytes,
                               std::int64_t evict_idle_after)
    : max_sessions_(max_sessions),
      max_spool_bytes_(max_spool_bytes),
      evict_idle_after_(evict_idle_after) {}

void session_quotas::set_limits(std::uint64_t max_sessions, std::uint64_t max_spool_bytes,
                                std::int64_t evict_idle_after) {
  std::lock_guard lock(mu_);
  max_sessions_ = max_sessions;
  max_spool_bytes_ = max_spool_bytes;
  evict_idle_after_ = evict_idle_after;
}

session_quotas::group* session_quotas::owner_group(std::string const& owner) {
  if (owner.empty()) return nullptr;
  auto it = owners_.find(owner);
  return it == owners_.end() ? nullptr : &it->second;
}

admission session_quotas::admit(session& s, std::string owner, std::uint64_t owner_limit,
                                std::int64_t now) {
  std::lock_guard lock(mu_);
  if (owner_limit == 0) owner.clear();  // an owner without a limit need not be counted
  if (group* g = owner_group(owner); g != nullptr && g->size() >= owner_limit) {
    return choose(*g, false, now);
  }
  if (max_sessions_ > 0 && directory_.size() >= max_sessions_) return choose(directory_, true, now);
  s.owner = std::move(owner);
  s.quota_key = now;
  s.complete_order = false;
  insert(s);
  return {};
}

void session_quotas::restore(session& s, std::string owner, bool complete, std::uint64_t reserved) {
  std::lock_guard lock(mu_);
  s.owner = std::move(owner);
  s.quota_key = s.active_at.load(std::memory_order_relaxed);
  s.complete_order = complete;
  insert(s);
  s.reserved = reserved;
  spool_reserved_ += reserved;
}

bool session_quotas::reserve_spool(session& s, std::uint64_t total) {
  std::lock_guard lock(mu_);
  if (max_spool_bytes_ > 0 && spool_reserved_ + total > max_spool_bytes_) return false;
  spool_reserved_ += total;
  s.reserved += total;
  return true;
}

void session_quotas::release_spool(session& s) {
  std::lock_guard lock(mu_);
  spool_reserved_ -= s.reserved;
  s.reserved = 0;
}

void session_quotas::completed(session& s, bool left_spool) {
  std::lock_guard lock(mu_);
  if (left_spool) {
    spool_reserved_ -= s.reserved;
    s.reserved = 0;
  }
  if (!s.counted || s.complete_order) return;
  erase(s);
  s.complete_order = true;
  insert(s);
}

void session_quotas::release(session& s) {
  std::lock_guard lock(mu_);
  spool_reserved_ -= s.reserved;
  s.reserved = 0;
  if (!s.counted) return;
  erase(s);
  if (auto it = owners_.find(s.owner); it != owners_.end() && it->second.size() == 0) {
    owners_.erase(it);
  }
  s.owner.clear();
}

void session_quotas::insert(session& s) {
  entry const e{s.quota_key, &s};
  auto const into = [&](group& g) { (s.complete_order ? g.complete : g.receiving).insert(e); };
  into(directory_);
  if (!s.owner.empty()) into(owners_[s.owner]);
  s.counted = true;
}

void session_quotas::erase(session& s) {
  entry const e{s.quota_key, &s};
  auto const from = [&](group& g) { (s.complete_order ? g.complete : g.receiving).erase(e); };
  from(directory_);
  if (group* g = owner_group(s.owner)) from(*g);
  s.counted = false;
}

void session_quotas::rekey(session& s, std::int64_t key) {
  erase(s);
  s.quota_key = key;
  insert(s);
}

// Caller holds mu_. Idle means: no request began or ended for more than
// evict_idle_after seconds, i.e. active_at < now - evict_idle_after.
admission session_quotas::choose(group& g, bool directory_limit, std::int64_t now) {
  admission a;
  a.directory_limit = directory_limit;
  std::int64_t const newest_idle = now - evict_idle_after_ - 1;
  std::size_t budget = scan_budget;
  // The oldest key too recent to be idle: nothing becomes evictable before it is.
  std::int64_t next_key = now + 1;
  for (order* o : {&g.receiving, &g.complete}) {
    auto it = o->begin();
    while (it != o->end() && it->first <= newest_idle) {
      if (budget-- == 0) {
        a.what = admission::verdict::again;
        return a;
      }
      auto const [key, s] = *it;
      auto const active = s->active_at.load(std::memory_order_relaxed);
      if (active > key) {
        // Active since the key was set: move it to its place and go on after the old
        // one, which may be the new place itself.
        rekey(*s, active);
        it = o->upper_bound(entry{key, s});
        continue;
      }
      if (!s->leased.load(std::memory_order_acquire)) {
        a.what = admission::verdict::evict;
        a.victim = s->record.id;  // fixed at creation: readable without the session's mutex
        return a;
      }
      ++it;  // a request is in flight: not idle, whatever its key says
    }
    if (it != o->end()) next_key = std::min(next_key, it->first);
  }
  a.what = admission::verdict::refused;
  // A leased session becomes evictable evict_idle_after + 1 s after its request ends at
  // the earliest; one with a recent key, that long after its key.
  a.retry_after =
      std::clamp<std::int64_t>(next_key + evict_idle_after_ + 1 - now, 1, evict_idle_after_ + 1);
  return a;
}

}  // namespace bits::service
