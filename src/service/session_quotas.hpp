// Session limits of one virtual directory: how many sessions each owner and the whole
// directory hold, the spool bytes they declared, and which idle session to evict when a
// limit is reached. One mutex of its own, held only for counting and choosing, never
// during I/O.
#pragma once

#include "core/session_id.hpp"
#include "service/session_registry.hpp"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>

namespace bits::service {

/// What admit() decided about a new session.
struct admission {
  enum class verdict {
    admitted,  ///< counted: the session may be created
    evict,     ///< a limit is reached: evict `victim`, then ask again
    again,     ///< a limit is reached and the search for a victim paused: ask again
    refused,   ///< a limit is reached and no session may be evicted now
  };
  verdict what = verdict::admitted;
  core::session_id victim;       ///< evict: idle longest, not leased
  bool directory_limit = false;  ///< not admitted: max_sessions (else the owner's limit)
  std::int64_t retry_after = 0;  ///< refused: seconds before asking again may succeed
};

/// Counts sessions per owner and per directory against their limits, and the spool bytes
/// their uploads declared.
///
/// Eviction (reference 9.1 BITSNumberOfSessionsLimit, with idle sessions removed instead
/// of refusing the new one): each owner and the directory keep their sessions ordered by
/// a key that is the session's `active_at` as last seen. Requests update `active_at`
/// without this lock, so a key may be older than the session's real activity, never
/// newer; the search for a victim walks from the oldest key, corrects stale keys as it
/// meets them, and stops at the first key too recent to be idle. The first session whose
/// key is exact, old enough and not leased is the least recently active idle session.
/// Nothing is walked while no limit is reached, and one call walks at most `scan_budget`
/// entries, so the lock is never held for long.
///
/// Sessions whose upload is complete (committed, or holding an upload-reply answer) are
/// kept in their own order and chosen only when no receiving session is idle: evicting
/// one costs its client nothing but the reply, evicting a receiving one costs a resend.
///
/// Every session counted here (admit, restore) must be released (release) before it is
/// destroyed: the orders hold plain pointers.
class session_quotas {
 public:
  /// Entries one admit() may walk before it answers `again`.
  static constexpr std::size_t scan_budget = 1024;

  /// `max_sessions`: sessions of the directory (0 = no limit). `max_spool_bytes`: bytes
  /// the open uploads may declare together (0 = no limit). Sessions idle for more than
  /// `evict_idle_after` seconds may be evicted.
  session_quotas(std::uint64_t max_sessions, std::uint64_t max_spool_bytes,
                 std::int64_t evict_idle_after);

  /// New limits (a reload): they apply to the next admission and reservation; sessions
  /// already counted stay counted, also above a lowered limit.
  void set_limits(std::uint64_t max_sessions, std::uint64_t max_spool_bytes,
                  std::int64_t evict_idle_after);

  /// Counts the new session `s` for `owner` (empty: counted for the directory only),
  /// whose limit is `owner_limit` (0 = none), unless a limit is reached. `s.active_at`
  /// must hold `now`. When refused, nothing is counted.
  [[nodiscard]] admission admit(session& s, std::string owner, std::uint64_t owner_limit,
                                std::int64_t now);

  /// Counts a session found at start-up, whatever the limits; `complete` when its upload
  /// is; `reserved` spool bytes of a receiving upload whose total is known.
  void restore(session& s, std::string owner, bool complete, std::uint64_t reserved);

  /// Reserves `total` spool bytes for the upload of `s` (its first fragment). False when
  /// max_spool_bytes would be exceeded.
  [[nodiscard]] bool reserve_spool(session& s, std::uint64_t total);
  /// The upload of `s` no longer occupies the spool (committed, or the reservation is
  /// given back after a failure).
  void release_spool(session& s);
  /// The upload of `s` is complete: it is evicted only after every receiving session.
  /// With `left_spool`, its spool reservation is released too.
  void completed(session& s, bool left_spool);
  /// `s` ended: no longer counted. Idempotent.
  void release(session& s);

 private:
  using entry = std::pair<std::int64_t, session*>;
  /// Oldest key first; sessions of one key in address order (std::less is total on
  /// pointers, `<` is not required to be).
  struct older {
    bool operator()(entry const& a, entry const& b) const noexcept {
      if (a.first != b.first) return a.first < b.first;
      return std::less<session*>{}(a.second, b.second);
    }
  };
  using order = std::set<entry, older>;
  /// The sessions of one owner, or of the directory.
  struct group {
    order receiving;
    order complete;
    [[nodiscard]] std::size_t size() const noexcept { return receiving.size() + complete.size(); }
  };

  [[nodiscard]] admission choose(group& g, bool directory_limit, std::int64_t now);
  /// Moves `s` to `key` (its current activity) in both of its groups.
  void rekey(session& s, std::int64_t key);
  void insert(session& s);
  void erase(session& s);
  [[nodiscard]] group* owner_group(std::string const& owner);

  mutable std::mutex mu_;
  std::uint64_t max_sessions_;     ///< guarded by mu_
  std::uint64_t max_spool_bytes_;  ///< guarded by mu_
  std::int64_t evict_idle_after_;  ///< guarded by mu_
  group directory_;
  std::unordered_map<std::string, group> owners_;
  std::uint64_t spool_reserved_ = 0;
};

}  // namespace bits::service
