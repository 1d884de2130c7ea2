// How a session of a virtual directory ends, whichever packet or timer ends it.
#include "service/vdir_state.hpp"

namespace bits::service {

vdir_state::vdir_state(vdir_policy policy_in, service_options options_in,
                       std::unique_ptr<storage::upload_store> store_in, clock_fn clock_in)
    : policy(policy_in),
      options(options_in),
      store(std::move(store_in)),
      clock(std::move(clock_in)),
      sessions(*store, strict_sync()),
      quotas(policy_in.max_sessions, policy_in.max_spool_bytes,
             policy_in.evict_idle_after.count()) {}

void vdir_state::adopt(storage::session_record rec, std::int64_t active_at) {
  auto s = std::make_shared<session>(std::move(rec));
  s->durable = s->record.received;
  s->created_under = &policy.get();
  hook_points.recovered(*s);
  s->active_at.store(active_at, std::memory_order_relaxed);
  replies.add(s->record);
  // The client address of an anonymous session is not recorded: it counts for the
  // directory only.
  auto owner = s->record.principal.empty() ? std::string() : "user:" + s->record.principal;
  bool const receiving = s->record.state == storage::session_state::receiving;
  quotas.restore(*s, std::move(owner), !receiving, receiving ? s->record.total.value_or(0) : 0);
  sessions.insert(std::move(s));
}

void vdir_state::end_session(session& s, std::optional<tombstone> how) {
  // The tombstone is recorded (forget) before the spool entry goes, so a crash in
  // between leaves an entry that recovery removes, never an ended session that nothing
  // remembers. A failed discard leaves files in the spool; the next start-up recovers
  // or removes them, so the protocol answer does not depend on it.
  sessions.forget(s.record.id, how, clock());
  if (s.in_spool) (void)store->discard(s.record.id);
  s.gone = true;
  quotas.release(s);
  replies.remove(s.record);
}

void vdir_state::drop_local(session& s) {
  sessions.forget(s.record.id, std::nullopt, clock());
  s.gone = true;
  quotas.release(s);
  replies.remove(s.record);
}

bool vdir_state::is_expired(session const& s, std::int64_t now) const noexcept {
  return now - s.record.last_activity > policy.get().session_timeout.count();
}

}  // namespace bits::service
