// The state of one virtual directory that its packet handlers, its admission of new
// sessions and its maintenance share: settings, storage, clock, open sessions, limits,
// counters and reply tokens. Each part has its own lock; this struct adds none.
#pragma once

#include "core/published.hpp"
#include "service/reply_tokens.hpp"
#include "service/session_counters.hpp"
#include "service/session_quotas.hpp"
#include "service/session_registry.hpp"
#include "service/sync_stats.hpp"
#include "service/upload_hooks.hpp"
#include "service/vdir_policy.hpp"
#include "storage/upload_store.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace bits::service {

/// Unix seconds now; injected so tests can move time.
using clock_fn = std::function<std::int64_t()>;

/// Receives one line about an event worth an operator's attention (an eviction).
using log_fn = std::function<void(std::string const& line)>;

/// Told of each completed upload: its record (destination, principal, size) and how
/// long publishing it took. Called on the request's thread, holding the session's lock:
/// it must be quick and must not call back into the service.
using commit_fn =
    std::function<void(storage::session_record const& rec, std::chrono::nanoseconds took)>;

struct vdir_state {
  /// `store` is this virtual directory's storage.
  vdir_state(vdir_policy policy, service_options options,
             std::unique_ptr<storage::upload_store> store, clock_fn clock);

  /// Registers a session found in the store (at start-up, or loaded on demand from a
  /// store shared by several nodes), counted against the limits whatever they say and
  /// active at `active_at`; its digest is continued (upload_hooks::recovered).
  void adopt(storage::session_record rec, std::int64_t active_at);

  /// Ends a session (caller holds s.mu): records how it ended (`how`; none for expiry
  /// and eviction of a receiving session), removes its spool entry, and frees its place
  /// in the limits and its reply token.
  void end_session(session& s, std::optional<tombstone> how);

  /// Forgets this node's copy of a session of a store shared by several nodes (caller
  /// holds s.mu): another node moved it on, so it is loaded again from the store when
  /// next used. Nothing in the store is touched; no tombstone is recorded.
  void drop_local(session& s);

  /// True when `s` has been idle for longer than session_timeout at `now`.
  [[nodiscard]] bool is_expired(session const& s, std::int64_t now) const noexcept;

  /// Syncs data and metadata before every Ack (sync_interval = 0).
  [[nodiscard]] bool strict_sync() const noexcept { return options.sync_interval.count() == 0; }

  /// The settings, replaced by a reload (upload_service::set_policy). A handler reads
  /// them once and keeps that snapshot to the end of its request.
  core::published<vdir_policy> policy;
  service_options const options;
  std::unique_ptr<storage::upload_store> const store;
  clock_fn const clock;
  session_registry sessions;
  session_quotas quotas;
  session_counters counters;
  sync_stats syncs;
  reply_tokens replies;
  upload_hooks hook_points{policy, *store};
  log_fn log;           ///< set at start-up, before serving; may be empty
  commit_fn on_commit;  ///< set at start-up, before serving; may be empty
};

}  // namespace bits::service
