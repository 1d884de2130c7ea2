// Admission and eviction. Each round of admit_session evicts at most one session, and
// the rounds are bounded: concurrent creates may take the room made.
#include "service/admission.hpp"

#include <string>

namespace bits::service {

namespace {

/// Whose limit a new session counts against, and that limit (0: the directory's only).
/// An authenticated principal is one client (IIS counts sessions per user). Anonymous
/// clients share their address with everyone behind the same NAT, so a per-address
/// limit is the operator's choice; without it they count for the directory only.
std::pair<std::string, std::uint64_t> owner_of(vdir_policy const& policy,
                                               std::string_view principal,
                                               std::string_view remote) {
  if (!principal.empty()) return {"user:" + std::string(principal), policy.max_sessions_per_user};
  if (policy.max_sessions_per_address == 0) return {};
  auto const colon = remote.rfind(':');  // the port changes per connection
  return {"addr:" + std::string(remote.substr(0, colon)), policy.max_sessions_per_address};
}

/// The line logged for an eviction; never the whole session id.
std::string eviction_line(vdir_state const& dir, session const& s, bool directory_limit,
                          std::int64_t idle, bool complete) {
  std::string owner = s.owner;  // empty: anonymous and not limited per address
  if (owner.empty()) {
    owner = s.record.principal.empty() ? "anonymous" : "user:" + s.record.principal;
  }
  return "vdir " + dir.policy.get().url + ": evicted idle session " + s.record.id.short_form() +
         " of " + owner + " (" + (directory_limit ? "max_sessions" : "owner limit") +
         " reached; idle " + std::to_string(idle) + " s, " + std::to_string(s.record.received) +
         " bytes held, " + (complete ? "complete" : "receiving") + ")";
}

/// Ends the idle session `id` to make room. False when it is gone, busy or no longer
/// idle.
bool evict(vdir_state& dir, core::session_id const& id, bool directory_limit, std::int64_t now) {
  auto lease = dir.sessions.lease(id);
  if (!lease) return false;  // busy now, or ended meanwhile
  session& s = **lease;
  std::lock_guard lock(s.mu);
  auto const idle = now - s.active_at.load(std::memory_order_relaxed);
  if (s.gone || idle <= dir.policy.get().evict_idle_after.count()) return false;
  // A complete upload stays published; its tombstone lets a late Close-Session succeed.
  bool const complete = s.record.state == storage::session_state::complete;
  if (dir.log) dir.log(eviction_line(dir, s, directory_limit, idle, complete));
  dir.hook_points.ended(s, hooks::event_type::post_evict, now);
  dir.end_session(s, complete ? std::optional(tombstone::closed) : std::nullopt);
  session_counters::bump(dir.counters.evicted);
  return true;
}

}  // namespace

std::optional<core::reply> admit_session(vdir_state& dir, session& s, std::string_view principal,
                                         std::string_view remote, std::int64_t now) {
  auto const [owner, limit] = owner_of(dir.policy.get(), principal, remote);
  constexpr int max_rounds = 32;
  std::int64_t retry_after = 1;
  for (int round = 0; round < max_rounds; ++round) {
    auto const a = dir.quotas.admit(s, owner, limit, now);
    if (a.what == admission::verdict::admitted) return std::nullopt;
    if (a.what == admission::verdict::refused) {
      retry_after = a.retry_after;
      break;
    }
    if (a.what == admission::verdict::evict) (void)evict(dir, a.victim, a.directory_limit, now);
  }
  core::reply r = core::make_error_ack(error::too_many_sessions);
  r.set("Retry-After", std::to_string(retry_after));
  return r;
}

}  // namespace bits::service
