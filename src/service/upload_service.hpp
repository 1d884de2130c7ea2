// The BITS Upload Protocol for one virtual directory: one handler per packet type,
// values in and values out. No sockets and no Beast: the server layer converts.
#pragma once

#include "core/message.hpp"
#include "core/upload_path.hpp"
#include "service/acks.hpp"
#include "service/fragment_job.hpp"
#include "service/maintenance.hpp"
#include "service/packet.hpp"
#include "service/session_counters.hpp"
#include "service/vdir_policy.hpp"
#include "service/vdir_state.hpp"
#include "storage/upload_store.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace bits::service {

/// The request facts a handler needs besides the packet.
struct request_context {
  std::vector<std::string> const* destination = nullptr;  ///< validated path segments
  std::string_view principal;                             ///< empty = anonymous
  std::string_view scheme = "http";                       ///< for absolute URLs
  std::string_view host;                                  ///< Host header
  std::string_view target;                                ///< request target as sent
  std::string_view remote;                                ///< peer "address:port", for limits
};

/// What the service decided about one packet.
struct outcome {
  core::reply reply;                  ///< the answer, unless `job` is set
  std::unique_ptr<fragment_job> job;  ///< a Fragment whose body must now be streamed
  bool busy = false;                  ///< the session is serving another request: ask again shortly
};

class upload_service {
 public:
  /// `store` is this virtual directory's storage.
  upload_service(vdir_policy policy, service_options options,
                 std::unique_ptr<storage::upload_store> store, clock_fn clock);

  /// The current settings (a snapshot: valid while the service lives, replaced as a
  /// whole by set_policy).
  [[nodiscard]] vdir_policy const& policy() const noexcept { return dir_.policy.get(); }

  /// The URL prefix; it never changes.
  [[nodiscard]] std::string const& url() const noexcept { return url_; }

  /// Replaces the settings (a reload): requests that begin later read `next`, a
  /// request already running keeps the snapshot it read (a Fragment streams its whole
  /// body under it), and open sessions stay. The url stays; the storage settings
  /// (root, spool_dir, storage, s3_*) and the hooks are the caller's to keep: the
  /// store and the hooks were built from the first ones.
  void set_policy(vdir_policy next);

  /// Loads the sessions left in the spool by an earlier run. Returns one line per
  /// problem found (entries that could not be recovered), for the log.
  [[nodiscard]] status_or<std::vector<std::string>> recover();

  /// Handles one validated packet (reference 4.5 steps 5 and 6). For a Fragment whose
  /// checks pass, `outcome.job` receives the body; otherwise `outcome.reply` is final.
  [[nodiscard]] outcome handle(packet const& p, request_context const& ctx);

  /// Periodic work (see maintenance::tick), called about once a second from a
  /// maintenance thread. Blocks on disk I/O.
  void maintain(run_all_fn const& run_all = run_serially) { maintenance_.tick(run_all); }

  /// At shutdown: syncs every open session so its offset survives power loss.
  void flush_all(run_all_fn const& run_all = run_serially) { maintenance_.flush_all(run_all); }

  /// Opens a published file of this directory for a download (`path` relative,
  /// validated). Errors as storage::upload_store::open_published.
  [[nodiscard]] status_or<storage::readable_file> open_download(std::string const& path) {
    return dir_.store->open_published(path);
  }

  /// Opens the reply of the upload-reply session whose reply URL carries `token`.
  /// Errors: session_not_found once the session is closed, cancelled or expired.
  [[nodiscard]] status_or<storage::readable_file> open_reply(std::string_view token);

  /// Create-Session: the pre-create hook call to make before handle(), or empty without
  /// a hook (the server runs it off its network threads, then upload_hooks::decided).
  [[nodiscard]] std::optional<pre_create_call> pre_create(
      std::vector<std::string> const& destination, std::string_view principal,
      std::string_view remote) const {
    return dir_.hook_points.pre_create(core::join_segments(destination), principal, remote,
                                       dir_.clock());
  }

  /// The directory's hooks: set at start-up (set), counters for metrics.
  [[nodiscard]] upload_hooks& hook_points() noexcept { return dir_.hook_points; }

  /// Where eviction lines go (info level). Set at start-up, before serving.
  void set_log(log_fn log) { dir_.log = std::move(log); }

  /// Where completed uploads are reported (the status page, metrics). Set at
  /// start-up, before serving.
  void set_on_commit(commit_fn fn) { dir_.on_commit = std::move(fn); }

  [[nodiscard]] std::size_t open_sessions() const { return dir_.sessions.size(); }

  /// An open session as monitoring sees it.
  struct session_view {
    std::string id_prefix;  ///< the first eight hex digits (the whole id grants write access)
    std::string destination;
    std::string principal;  ///< empty = anonymous
    std::string address;    ///< "address:port" that created it; empty when recovered
    std::uint64_t received = 0;
    std::optional<std::uint64_t> total;
    std::int64_t created = 0;    ///< unix seconds
    std::int64_t active_at = 0;  ///< unix seconds: last request began or ended
    bool complete = false;       ///< upload-reply: waiting for Close
  };

  /// Every open session, read without waiting: a session whose lock is held at that
  /// moment (a commit in progress) is left out. For monitoring; runs off the event
  /// loops (one lock attempt per session).
  [[nodiscard]] std::vector<session_view> session_views() const;

  /// Bytes free on the spool's filesystem (statvfs); an error when it cannot be read.
  [[nodiscard]] status_or<std::uint64_t> free_disk() const { return dir_.store->free_bytes(); }

  /// Whether the store can be used now (upload_store::probe: for an object store, one
  /// small object written to the bucket and removed). Blocks on the store.
  [[nodiscard]] status probe_store() const { return dir_.store->probe(); }

  /// How many sessions were created, committed, cancelled, expired and evicted.
  [[nodiscard]] session_counts counters() const noexcept { return dir_.counters.load(); }

  /// How many sessions the background syncs made durable, and how long their bytes
  /// waited for it at worst (the last pass, and since the start).
  [[nodiscard]] sync_lag sync_lags() const noexcept {
    auto const& s = dir_.syncs;
    return {s.sessions_synced.load(std::memory_order_relaxed),
            static_cast<double>(s.last_lag_ms.load(std::memory_order_relaxed)) / 1000.0,
            static_cast<double>(s.max_lag_ms.load(std::memory_order_relaxed)) / 1000.0};
  }

 private:
  [[nodiscard]] core::reply handle_ping() const;
  [[nodiscard]] core::reply handle_create(packet const& p, request_context const& ctx);
  [[nodiscard]] outcome handle_fragment(packet const& p, request_context const& ctx);
  [[nodiscard]] outcome handle_close(packet const& p, request_context const& ctx);
  [[nodiscard]] outcome handle_cancel(packet const& p, request_context const& ctx);

  /// Step 5: lease the session named by the packet and check that it is this
  /// destination's and this principal's. Expired sessions are ended here.
  [[nodiscard]] status_or<session_lease> acquire(core::session_id const& id,
                                                 request_context const& ctx);
  /// Adds the session `id` from the store when the store has it (store::load) and this
  /// node holds no session or tombstone of that id.
  [[nodiscard]] status load_session(core::session_id const& id);

  /// Create-Session: whether an upload to `destination` may begin now (destination
  /// usable, disk not too full); the failure to answer otherwise.
  [[nodiscard]] status check_new_upload(std::string const& destination);
  /// Create-Session: the spool entry of the new session `s` (synced with strict sync).
  /// On failure `s` is no longer counted against the limits.
  [[nodiscard]] status create_entry(session& s);

  /// Fragment: what the plan needs before the body (room on the disk, the total fixed
  /// by the first fragment, the data file open). The writer is null when nothing is
  /// to be written. Caller holds s.mu.
  [[nodiscard]] status_or<std::unique_ptr<storage::data_writer>> prepare_fragment(
      session& s, core::content_range const& range, core::fragment_plan const& plan);
  /// Fragment, the first bytes of a session without a spool entry: a whole file in one
  /// Fragment goes to store::open_whole; anything else creates the spool entry, then
  /// prepare_fragment. Caller holds s.mu.
  [[nodiscard]] status_or<std::unique_ptr<storage::data_writer>> first_bytes(
      session& s, core::content_range const& range, core::fragment_plan const& plan);
  /// Fragment: whether the disk has room for `bytes` more beside min_free_disk.
  [[nodiscard]] bool has_room(std::uint64_t bytes) const;

  /// What fragment jobs of this directory may use.
  [[nodiscard]] fragment_env job_env();

  std::string const url_;
  vdir_state dir_;
  maintenance maintenance_{dir_};
  std::mutex load_mu_;  ///< serialises load_session
};

}  // namespace bits::service
