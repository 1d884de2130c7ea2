// Admission of new sessions against the session limits of a virtual directory, and the
// eviction of idle sessions that makes room (reference 9.1 BITSNumberOfSessionsLimit;
// README, "Limits and NAT"). The counting and the choice are session_quotas'.
#include "service/upload_service.hpp"

#include <string>

namespace bits::service {

std::optional<core::reply> upload_service::admit(session& s, request_context const& ctx,
                                                 std::int64_t now) {
  // An authenticated principal is one client (IIS counts sessions per user). Anonymous
  // clients share their address with everyone behind the same NAT, so a per-address
  // limit is the operator's choice; without it they count for the directory only.
  std::string owner;
  std::uint64_t limit = 0;
  if (!ctx.principal.empty()) {
    owner = "user:" + std::string(ctx.principal);
    limit = policy_.max_sessions_per_user;
  } else if (policy_.max_sessions_per_address > 0) {
    auto const colon = ctx.remote.rfind(':');  // the port changes per connection
    owner = "addr:" + std::string(ctx.remote.substr(0, colon));
    limit = policy_.max_sessions_per_address;
  }
  // Each round evicts one session or resumes a paused search; concurrent creates may take
  // the room made, so the rounds are bounded.
  constexpr int max_rounds = 32;
  std::int64_t retry_after = 1;
  for (int round = 0; round < max_rounds; ++round) {
    auto const a = quotas_.admit(s, owner, limit, now);
    if (a.what == admission::verdict::admitted) return std::nullopt;
    if (a.what == admission::verdict::refused) {
      retry_after = a.retry_after;
      break;
    }
    if (a.what == admission::verdict::evict) (void)evict(a.victim, a.directory_limit, now);
  }
  core::reply r = core::make_error_ack(error::too_many_sessions);
  r.set("Retry-After", std::to_string(retry_after));
  return r;
}

bool upload_service::evict(core::session_id const& id, bool directory_limit, std::int64_t now) {
  auto lease = sessions_.lease(id);
  if (!lease) return false;  // busy now, or ended meanwhile
  session& s = **lease;
  std::lock_guard lock(s.mu);
  auto const idle = now - s.active_at.load(std::memory_order_relaxed);
  if (s.gone || idle <= policy_.evict_idle_after.count()) return false;
  // A complete upload stays published; its tombstone lets a late Close-Session succeed.
  bool const complete = s.record.state == storage::session_state::complete;
  if (log_) {
    std::string owner = s.owner;  // empty: anonymous and not limited per address
    if (owner.empty()) {
      owner = s.record.principal.empty() ? "anonymous" : "user:" + s.record.principal;
    }
    log_("vdir " + policy_.url + ": evicted idle session " + id.short_form() + " of " + owner +
         " (" + (directory_limit ? "max_sessions" : "owner limit") + " reached; idle " +
         std::to_string(idle) + " s, " + std::to_string(s.record.received) + " bytes held, " +
         (complete ? "complete" : "receiving") + ")");
  }
  finish_session(s, complete ? std::optional(tombstone::closed) : std::nullopt);
  session_counters::bump(counters_.evicted);
  return true;
}

void upload_service::completed(session& s, bool left_spool) {
  quotas_.completed(s, left_spool);
  session_counters::bump(counters_.committed);
}

}  // namespace bits::service
