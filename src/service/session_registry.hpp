// Open sessions of one virtual directory and the tombstones of recently finished ones.
// The only shared mutable state of the service layer.
#pragma once

#include "core/session_id.hpp"
#include "hooks/sha256.hpp"
#include "settings/settings.hpp"
#include "storage/upload_store.hpp"

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace bits::service {

/// One open session. `record` and `durable` are guarded by `mu`; every metadata write
/// and every commit/discard of the session happens under `mu` too, so the background
/// sync never races a Close. The lease (see session_lease) serialises packets.
struct session {
  explicit session(storage::session_record r) : record(std::move(r)) {}

  std::mutex mu;
  storage::session_record record;
  std::uint64_t durable = 0;     ///< bytes known to be synced to disk
  bool dirty = false;            ///< bytes written since the last sync
  std::int64_t dirty_since = 0;  ///< when `dirty` last became true (unix seconds)
  std::int64_t dirty_ms = 0;     ///< the same on the steady clock (ms), for the sync lag
  bool gone = false;             ///< discarded or expired: no more storage calls
  /// It has a spool entry. False until its first bytes when the store defers create()
  /// (upload_store::deferred_create), and for good when its whole file was committed
  /// without one (upload_store::open_whole).
  bool in_spool = true;
  /// SHA-256 of the bytes [0, digest->size()) of the upload (upload_hooks); empty when
  /// the directory computes none, or it is unknown until read back from the disk.
  std::optional<hooks::sha256_stream> digest;
  bool commit_recorded = false;  ///< the post-commit event is in the outbox
  std::atomic<bool> leased{false};
  /// When a request for it last began or ended (unix seconds). Written without `mu`;
  /// session_quotas reads it to find idle sessions.
  std::atomic<std::int64_t> active_at{0};
  /// The peer "address:port" that created it, for monitoring; set before the session is
  /// registered, then never changed; empty for sessions recovered at start-up.
  std::string created_by;
  /// The directory's settings when it was created or recovered (a snapshot that lives
  /// as long as the service): its size limits hold to its end, also after a reload
  /// changed them. Null: the current ones.
  settings::vdir_settings const* created_under = nullptr;
  // Guarded by session_quotas' mutex.
  std::string owner;            ///< whose session limit it counts against
  std::uint64_t reserved = 0;   ///< spool bytes counted against max_spool_bytes
  std::int64_t quota_key = 0;   ///< its place in the eviction order (active_at as last seen)
  bool counted = false;         ///< counted by session_quotas
  bool complete_order = false;  ///< in the order of complete uploads
};

/// Exclusive right to process one packet of a session; released on destruction.
class session_lease {
 public:
  session_lease() = default;
  explicit session_lease(std::shared_ptr<session> s) noexcept : s_(std::move(s)) {}
  session_lease(session_lease&&) noexcept = default;
  session_lease& operator=(session_lease&& other) noexcept;
  session_lease(session_lease const&) = delete;
  session_lease& operator=(session_lease const&) = delete;
  ~session_lease() { release(); }

  [[nodiscard]] session& operator*() const noexcept { return *s_; }
  [[nodiscard]] session* operator->() const noexcept { return s_.get(); }
  [[nodiscard]] explicit operator bool() const noexcept { return s_ != nullptr; }
  void release() noexcept;

 private:
  std::shared_ptr<session> s_;
};

/// How a session ended, remembered for tombstone_ttl (reference 6.4).
using storage::tombstone;

class session_registry {
 public:
  /// Tombstones are also recorded in `journal` (not owned; must outlive this), so they
  /// survive a restart; with `durable` they are synced there before forget() returns.
  session_registry(storage::upload_store& journal, bool durable) noexcept
      : journal_(journal), durable_(durable) {}

  /// Adds a new session (its spool entry exists already, unless s->in_spool is false).
  void insert(std::shared_ptr<session> s);

  /// Leases the session. Errors: session_not_found, session_busy.
  [[nodiscard]] status_or<session_lease> lease(core::session_id const& id);

  /// The open session `id`, without leasing it (readers that take `mu`), or null.
  [[nodiscard]] std::shared_ptr<session> find(core::session_id const& id) const;

  /// Removes the session; with a tombstone when `how` is given, recorded in the journal
  /// first (so call this before removing the session's spool entry). Best effort: when
  /// the journal cannot be written the tombstone still lives in memory.
  void forget(core::session_id const& id, std::optional<tombstone> how, std::int64_t now);

  /// Puts back a tombstone found at start-up (it is in the journal already).
  void restore_tombstone(storage::tombstone_record const& t);

  /// The tombstone of `id`, if it ended within the ttl.
  [[nodiscard]] std::optional<tombstone> find_tombstone(core::session_id const& id) const;

  /// Drops tombstones older than `oldest`.
  void prune_tombstones(std::int64_t oldest);

  /// Every open session (a snapshot; for maintenance).
  [[nodiscard]] std::vector<std::shared_ptr<session>> snapshot() const;

  [[nodiscard]] std::size_t size() const;

 private:
  struct ended {
    tombstone how;
    std::int64_t at;
  };
  storage::upload_store& journal_;
  bool durable_ = false;
  mutable std::mutex mu_;
  std::unordered_map<core::session_id, std::shared_ptr<session>, core::session_id_hash> open_;
  std::unordered_map<core::session_id, ended, core::session_id_hash> ended_;
};

}  // namespace bits::service
