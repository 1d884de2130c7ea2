// The BITS Upload Protocol for one virtual directory: one handler per packet type,
// values in and values out. No sockets and no Beast: the server layer converts.
#pragma once

#include "core/message.hpp"
#include "service/fragment_job.hpp"
#include "service/packet.hpp"
#include "service/session_counters.hpp"
#include "service/session_quotas.hpp"
#include "service/session_registry.hpp"
#include "service/vdir_policy.hpp"
#include "storage/upload_store.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace bits::service {

/// Unix seconds now; injected so tests can move time.
using clock_fn = std::function<std::int64_t()>;

/// Runs every job of the list, possibly several at once, and returns when all are done.
/// The jobs do not throw. The server runs them on its disk pool, so that many sessions'
/// syncs are in flight together (the filesystem commits concurrent syncs together).
using run_all_fn = std::function<void(std::vector<std::function<void()>>& jobs)>;

/// Runs the jobs one after another on the calling thread.
void run_serially(std::vector<std::function<void()>>& jobs);

/// Receives one line about an event worth an operator's attention (an eviction).
using log_fn = std::function<void(std::string const& line)>;

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
  core::reply reply;                  ///< the answer, unless `fragment` is set
  std::unique_ptr<fragment_job> job;  ///< a Fragment whose body must now be streamed
  bool busy = false;                  ///< the session is serving another request: ask again shortly
};

class upload_service {
 public:
  /// `store` is this virtual directory's storage.
  upload_service(vdir_policy policy, service_options options,
                 std::unique_ptr<storage::upload_store> store, clock_fn clock);

  [[nodiscard]] vdir_policy const& policy() const noexcept { return policy_; }

  /// Loads the sessions left in the spool by an earlier run. Returns one line per
  /// problem found (entries that could not be recovered), for the log.
  [[nodiscard]] result<std::vector<std::string>> recover();

  /// Handles one validated packet (reference 4.5 steps 5 and 6). For a Fragment whose
  /// checks pass, `outcome.job` receives the body; otherwise `outcome.reply` is final.
  [[nodiscard]] outcome handle(packet const& p, request_context const& ctx);

  /// Periodic work, called about once a second from a maintenance thread: syncs
  /// sessions with unsynced bytes older than sync_interval (through `run_all`), expires
  /// idle sessions every cleanup_interval, prunes tombstones. Blocks on disk I/O.
  void maintain(run_all_fn const& run_all = run_serially);

  /// At shutdown: syncs every open session so its offset survives power loss.
  void flush_all(run_all_fn const& run_all = run_serially);

  /// Opens a published file of this directory for a download (`path` relative,
  /// validated). Errors as storage::upload_store::open_published.
  [[nodiscard]] result<storage::readable_file> open_download(std::string const& path) {
    return store_->open_published(path);
  }

  /// Opens the reply of the upload-reply session whose reply URL carries `token`.
  /// Errors: session_not_found once the session is closed, cancelled or expired.
  [[nodiscard]] result<storage::readable_file> open_reply(std::string_view token);

  /// Where eviction lines go (info level). Set at start-up, before serving.
  void set_log(log_fn log) { log_ = std::move(log); }

  [[nodiscard]] std::size_t open_sessions() const { return sessions_.size(); }

  /// How many sessions were created, committed, cancelled, expired and evicted.
  [[nodiscard]] session_counts counters() const noexcept { return counters_.load(); }

 private:
  [[nodiscard]] core::reply handle_ping() const;
  [[nodiscard]] core::reply handle_create(packet const& p, request_context const& ctx);
  [[nodiscard]] outcome handle_fragment(packet const& p, request_context const& ctx);
  [[nodiscard]] outcome handle_close(packet const& p, request_context const& ctx);
  [[nodiscard]] outcome handle_cancel(packet const& p, request_context const& ctx);

  /// Step 5: lease the session named by the packet and check that it is this
  /// destination's and this principal's. Expired sessions are removed here.
  [[nodiscard]] result<session_lease> acquire(core::session_id const& id,
                                              request_context const& ctx);
  /// Adds the session `id` from the store when the store has it (store::load) and this
  /// node holds no session or tombstone of that id.
  void load_session(core::session_id const& id);
  /// Ends a session: removes its spool entry and remembers how it ended.
  void finish_session(session& s, std::optional<tombstone> how);
  void sync_session(session& s);
  /// Syncs every session of `due` through `run_all`.
  void sync_all(std::vector<std::shared_ptr<session>> const& due, run_all_fn const& run_all);
  /// The BITS-Reply-URL of a session that has replied.
  [[nodiscard]] std::string reply_url(storage::session_record const& rec, std::string_view scheme,
                                      std::string_view host) const;
  void remember_reply(storage::session_record const& rec);
  [[nodiscard]] bool is_expired(session const& s, std::int64_t now) const;

  /// Counts the new session `s` against the limits (reference 9.1
  /// BITSNumberOfSessionsLimit), evicting idle sessions while one is reached; the 503
  /// to answer when none can be evicted.
  [[nodiscard]] std::optional<core::reply> admit(session& s, request_context const& ctx,
                                                 std::int64_t now);
  /// Ends the idle session `id` to make room. False when it is gone, busy or no longer
  /// idle.
  bool evict(core::session_id const& id, bool directory_limit, std::int64_t now);
  /// The upload of `s` is complete (caller holds s.mu).
  void completed(session& s, bool left_spool);

  vdir_policy policy_;
  service_options options_;
  std::unique_ptr<storage::upload_store> store_;
  clock_fn clock_;
  session_quotas quotas_;
  session_counters counters_;
  log_fn log_;
  session_registry sessions_;
  std::int64_t next_cleanup_ = 0;
  std::mutex load_mu_;  ///< serialises load_session
  mutable std::mutex replies_mu_;
  std::unordered_map<std::string, core::session_id> replies_;  ///< reply token -> session

  friend class fragment_job;
};

/// `ec` as a bits::error; errors of other categories become storage_failure.
[[nodiscard]] error to_bits_error(boost::system::error_code ec) noexcept;

/// A fresh session id: 128 bits from the kernel's CSPRNG (getrandom).
[[nodiscard]] core::session_id random_session_id();

/// The Ack for a packet about session `id` that failed with `e`: error headers, the
/// session id, and BITS-Received-Content-Range when `received` is known.
[[nodiscard]] core::reply session_error(error e, core::session_id const& id,
                                        std::optional<std::uint64_t> received);

}  // namespace bits::service
