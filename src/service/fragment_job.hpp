// One Fragment whose headers passed every check: receives the body as it arrives,
// writes only the bytes the server does not hold yet, and answers when it ends.
#pragma once

#include "core/fragment_plan.hpp"
#include "core/message.hpp"
#include "service/notification.hpp"
#include "service/vdir_state.hpp"
#include "storage/upload_store.hpp"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>

namespace bits::service {

/// What a fragment_job uses of its virtual directory: references into the service,
/// which outlives every request.
struct fragment_env {
  vdir_policy const& policy;
  storage::upload_store& store;
  clock_fn const& clock;
  bool strict_sync;  ///< sync data and metadata before every Ack (sync_interval = 0)
  session_quotas& quotas;
  session_counters& counters;
  reply_tokens& replies;
  upload_hooks& hooks;
  commit_fn const& on_commit;

  /// The upload of `s` is complete (caller holds s.mu): counted as committed (and
  /// reported to on_commit with the time publishing `took`), and evicted only after
  /// receiving sessions; with `left_spool` its spool bytes are free.
  void completed(session& s, bool left_spool, std::chrono::nanoseconds took) const;
};

/// Where the request was sent, for the reply URL and the notification.
struct request_url {
  std::string scheme;
  std::string host;    ///< Host header
  std::string target;  ///< request target as sent
};

class fragment_job {
 public:
  /// Streams the body of a Fragment planned as `plan` into `writer` (null when the
  /// plan writes nothing) for the session held by `lease`.
  fragment_job(fragment_env env, session_lease lease, core::fragment_plan plan,
               std::uint64_t body_length, std::unique_ptr<storage::data_writer> writer,
               request_url url);
  fragment_job(fragment_job const&) = delete;
  fragment_job& operator=(fragment_job const&) = delete;
  ~fragment_job();

  /// The next `bytes` of the body, in order. Bytes the server already holds are
  /// skipped; the rest are written at the session's offset, which then advances, so an
  /// interrupted body leaves the session holding exactly what arrived (reference 5.5).
  /// Errors: disk_full, storage_failure, with their cause (the caller answers with
  /// fail()).
  [[nodiscard]] status write(std::span<std::byte const> bytes);

  /// After the whole body: commits the upload if this fragment completed it, applies the
  /// sync policy, and returns the Ack. Releases the session.
  [[nodiscard]] core::reply finish();

  /// After the whole body: true when finish() will wait for the disk (a commit, or the
  /// sync of sync_interval = 0), so the caller can run it off its event loop.
  [[nodiscard]] bool finish_blocks() const;

  /// After the whole body: true when this fragment completed an upload of an
  /// upload-reply directory (or retried one whose notification failed), so the server
  /// application must be called (notification(), then finish_notified()) instead of
  /// finish().
  [[nodiscard]] bool needs_notification() const;

  /// The call to make. Removes any reply left by an earlier, failed attempt.
  [[nodiscard]] status_or<notification_request> notification();

  /// The Ack once the application answered (reference 7.5, 7.6). Releases the session.
  [[nodiscard]] core::reply finish_notified(notification_response const& r);

  /// The Ack for a body that could not be stored (`failure` from write or
  /// notification), its cause kept for the request log. Releases the session.
  [[nodiscard]] core::reply fail(status const& failure);

  /// The body was cut off (client gone, timeout): keeps what arrived, releases the session.
  void abort() noexcept;

 private:
  /// The disk work finish() does for the session as it is now (its mutex held).
  enum class finish_work { none, commit, sync };
  [[nodiscard]] finish_work disk_work(session const& s) const;
  /// Releases the session, marking it active until now.
  void release() noexcept;
  /// Whether the bytes go to a writer that keeps them only until it is dropped
  /// (data_writer::spooled is false): dirty never, committed by commit_whole.
  [[nodiscard]] bool unspooled() const noexcept { return writer_ && !writer_->spooled(); }
  /// For an unspooled writer that did not commit: the session holds nothing of this
  /// body (caller holds s.mu).
  void forget_unspooled(session& s) const noexcept;
  /// Hands the complete upload of `s` over as the application answered (caller holds
  /// s.mu): the reply token or static URL, then commit (a copy was asked for) or a save
  /// as complete. On failure the session stays receiving, holding every byte.
  [[nodiscard]] status complete_notified(session& s, notification_response const& r);

  fragment_env env_;
  session_lease lease_;
  core::fragment_plan plan_;
  std::uint64_t consumed_ = 0;
  std::unique_ptr<storage::data_writer> writer_;
  request_url url_;
};

}  // namespace bits::service
