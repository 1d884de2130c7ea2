// The hooks of one virtual directory (docs/hooks.md), called by the packet handlers at
// defined points: the pre-create event before a Create-Session is handled, the SHA-256
// of each upload as its bytes arrive, the post-commit event (recorded in the outbox
// before the Ack that completes the upload) and the checksum attribute of the
// committed file, and the post-cancel, -expire and -evict events. With no hook and no
// checksum_xattr every step does nothing.
#pragma once

#include "core/message.hpp"
#include "core/published.hpp"
#include "hooks/event.hpp"
#include "hooks/hook.hpp"
#include "hooks/outbox.hpp"
#include "hooks/pre_create.hpp"
#include "service/session_registry.hpp"
#include "service/vdir_policy.hpp"
#include "storage/upload_store.hpp"

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace bits::service {

/// The hooks of a directory as the daemon builds them from its settings.
struct hook_setup {
  std::shared_ptr<hooks::hook> hook;  ///< null: no hook
  hooks::failure_mode failure = hooks::failure_mode::refuse;
  /// Where post-* events are recorded and delivered from; null without a hook.
  std::shared_ptr<hooks::outbox> outbox;
  /// Absolute path of the directory's root, for the events' file_path (file system).
  std::string root;
  /// storage = "s3": the bucket and key prefix naming a destination in the events
  /// instead of a file_path (the root is then only the node's working folder).
  std::string bucket;
  std::string key_prefix;
};

/// Counters of pre-create calls and post-* events, for metrics (the outbox's delivery
/// counters are hooks::live_counters).
struct hook_counters {
  std::atomic<std::uint64_t> pre_create_calls{0};
  std::atomic<std::uint64_t> pre_create_refused{0};  ///< refused by the hook
  std::atomic<std::uint64_t> pre_create_failed{0};   ///< no answer; hook_failure decided
  std::atomic<std::uint64_t> record_failures{0};     ///< post-* events the outbox refused
};

/// A pre-create call to make before a Create-Session is handled.
struct pre_create_call {
  std::shared_ptr<hooks::hook> hook;
  hooks::event event;
  hooks::failure_mode failure = hooks::failure_mode::refuse;
};

/// Receives a warning line (a failure the client does not see).
using hook_log_fn = std::function<void(std::string const& line)>;

class upload_hooks {
 public:
  /// `policy` (url, checksum_xattr) and `store` must outlive this.
  upload_hooks(core::published<vdir_policy> const& policy, storage::upload_store& store) noexcept
      : policy_(policy), store_(store) {}

  /// Installs the hooks; before serving.
  void set(hook_setup setup, hook_log_fn log);

  /// True when uploads are hashed (a hook or checksum_xattr is configured).
  [[nodiscard]] bool digests() const noexcept { return hashing_; }

  /// The outbox, or null (metrics: outbox()->live()).
  [[nodiscard]] hooks::outbox* outbox() const noexcept { return setup_.outbox.get(); }

  [[nodiscard]] hook_counters const& counters() const noexcept { return counters_; }

  // ---- pre-create ------------------------------------------------------------------

  /// The call to make for a Create-Session to `destination` (relative, validated) by
  /// `principal` from `remote` ("address:port"), or empty without a hook.
  [[nodiscard]] std::optional<pre_create_call> pre_create(std::string const& destination,
                                                          std::string_view principal,
                                                          std::string_view remote,
                                                          std::int64_t now) const;

  /// The error Ack of a refused pre-create decision (its detail as the log's cause);
  /// counts the decision and logs a hook that gave no answer.
  [[nodiscard]] std::optional<core::reply> decided(hooks::pre_create_decision const& d);

  // ---- the digest ------------------------------------------------------------------

  /// A new session: hashing starts (when it is on).
  void started(session& s) const;

  /// `bytes` were written at `offset` of the session's data (caller holds s.mu). A write
  /// that does not continue the hash leaves the digest unknown (it is read back at commit).
  void received(session& s, std::uint64_t offset, std::span<std::byte const> bytes) const;

  /// Copies the digest's state into s.record before the record is saved (caller holds
  /// s.mu), so a restart continues from it.
  void stamp(session& s) const;

  /// A session found at start-up: its digest continued from the saved state, reading
  /// back what arrived after it (a complete session's from the state saved at commit).
  /// Blocks on disk I/O. A failure leaves the digest unknown (logged). On an object
  /// store a receiving session's digest stays unknown: it is read back at commit.
  void recovered(session& s) const;

  // ---- events ----------------------------------------------------------------------

  /// True when the post-commit step of the complete session `s` is still to run (its
  /// event not recorded yet). Caller holds s.mu.
  [[nodiscard]] bool commit_pending(session const& s) const noexcept;

  /// The upload of `s` was published (caller holds s.mu): stores the checksum attribute
  /// (checksum_xattr; a failure is logged) and records the post-commit event durably.
  /// Errors: the outbox's, as storage_failure or disk_full (answered 500: the client
  /// resends the last fragment, which runs this step again).
  [[nodiscard]] status committed(session& s, std::int64_t now);

  /// The session `s` ends as `type` (post-cancel, -expire, -evict; caller holds s.mu):
  /// records the event. A failure is logged and counted: the session ends anyway.
  void ended(session& s, hooks::event_type type, std::int64_t now);

 private:
  [[nodiscard]] hooks::event event_of(session const& s, hooks::event_type type,
                                      std::int64_t now) const;
  /// Sets where `destination` is published: file_path, or bucket and key.
  void place(hooks::event& e, std::string const& destination) const;
  /// The digest of the committed file of `s`, read back when the stream does not cover it.
  [[nodiscard]] std::optional<hooks::sha256_digest> final_digest(session& s) const;
  void warn(std::string const& line) const;

  core::published<vdir_policy> const& policy_;
  storage::upload_store& store_;
  hook_setup setup_;
  hook_log_fn log_;
  bool hashing_ = false;
  hook_counters counters_;
};

/// The address part of a peer "address:port" ("::1" of "::1:50112").
[[nodiscard]] std::string_view address_of(std::string_view remote) noexcept;

}  // namespace bits::service
