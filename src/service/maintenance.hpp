// Background work of a virtual directory: periodic syncs of open sessions (the
// durability policy), expiry of idle sessions, and tombstone syncing and pruning. Runs
// on the maintenance thread, never on an I/O thread.
#pragma once

#include "service/vdir_state.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

namespace bits::service {

/// Runs every job of the list, possibly several at once, and returns when all are done.
/// The jobs do not throw. The server runs them on its disk pool, so that many sessions'
/// syncs are in flight together (the filesystem commits concurrent syncs together).
using run_all_fn = std::function<void(std::vector<std::function<void()>>& jobs)>;

/// A run_all_fn that runs the jobs one after another on the calling thread.
void run_serially(std::vector<std::function<void()>>& jobs);

class maintenance {
 public:
  /// `dir` must outlive this.
  explicit maintenance(vdir_state& dir) noexcept : dir_(dir) {}

  /// About once a second: syncs sessions with unsynced bytes older than sync_interval
  /// (through `run_all`), expires idle sessions every cleanup_interval, prunes
  /// tombstones. Blocks on disk I/O. Called from one thread at a time.
  void tick(run_all_fn const& run_all);

  /// At shutdown: syncs every open session so its offset survives power loss.
  void flush_all(run_all_fn const& run_all);

 private:
  /// Syncs the data of `s` and saves its offset durably, if it has unsynced bytes;
  /// the time its oldest unsynced byte waited (ms), or -1 when it synced nothing.
  std::int64_t sync_session(session& s);
  /// Syncs every session of `due`: with a store that syncs its spool at once, in one
  /// batch (sync_batch), else one by one through `run_all`.
  void sync_all(std::vector<std::shared_ptr<session>> const& due, run_all_fn const& run_all);
  /// Every session of `due` in two spool syncs: the first makes their bytes durable;
  /// their metadata is then saved with those offsets (no sync each) and the second
  /// makes the saves durable. A session is durable (session::durable) after the second.
  void sync_batch(std::vector<std::shared_ptr<session>> const& due);
  /// Ends the sessions of `sessions` idle for longer than session_timeout.
  void expire(std::vector<std::shared_ptr<session>> const& sessions, std::int64_t now);
  /// Drops tombstones past tombstone_ttl, in memory and in the store.
  void prune_tombstones(std::int64_t now);

  vdir_state& dir_;
  std::int64_t next_cleanup_ = 0;
};

}  // namespace bits::service
