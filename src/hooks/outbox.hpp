// The outbox: post-* events recorded durably before the server acknowledges what
// caused them, then delivered to a hook at least once, in the background, whatever
// crashes in between.
//
// record() returns once the event survives power loss (outbox_journal.hpp: one shared
// fdatasync per batch of concurrent calls). Workers deliver pending events, at most
// `concurrency` at a time; an event is removed only after the hook accepted it
// (acknowledgement record), so a crash between delivery and removal delivers it again:
// receivers deduplicate by event id. On open(), every event recorded and not
// acknowledged (by this process or an earlier one) is pending again.
//
// A failed attempt is retried after backoff_delay(failures of that event), forever:
// events are never dropped. After any failure the outbox probes: one attempt at a time,
// the next not before backoff_delay(failures in a row), so a receiver that is down is
// not hammered by the whole backlog; the first success resumes full concurrency.
// Failures are logged at most once per failure_log_interval (with how many were not),
// the recovery once.
//
// Segments are deleted oldest first once every event in them was delivered; the oldest
// one is compacted (its pending events copied forward) when at most a quarter of its
// events are pending, so a few events that keep failing never pin the folder's size.
#pragma once

#include "core/error.hpp"
#include "hooks/backoff.hpp"
#include "hooks/hook.hpp"
#include "hooks/outbox_journal.hpp"

#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

namespace bits::hooks {

using boost::system::error_code;

enum class log_level { info, warning, error };

/// Receives the outbox's log lines (the server passes them to its logger).
using log_function = std::function<void(log_level, std::string const&)>;

struct outbox_options {
  /// The outbox folder (created 0700 when missing), e.g. <spool>/.bits-hooks.
  std::filesystem::path dir;
  /// Deliveries running at once.
  unsigned concurrency = 4;
  /// Retry delays: per event, and between probes while deliveries fail.
  backoff_policy backoff;
  /// A new segment file is started once the current one holds this many bytes.
  std::uint64_t segment_bytes = 4 * 1024 * 1024;
  /// How often acknowledgements are synced and segments deleted or compacted.
  std::chrono::milliseconds maintain_interval{1000};
  /// At most one failure line per interval.
  std::chrono::milliseconds failure_log_interval{60000};
  log_function log;
};

/// Counters for metrics (pending is a gauge; the others count since open()).
struct outbox_counters {
  std::uint64_t pending = 0;          ///< recorded, not yet delivered
  std::uint64_t recorded = 0;         ///< record() calls that added an event
  std::uint64_t delivered = 0;        ///< events the hook accepted
  std::uint64_t failed_attempts = 0;  ///< attempts that did not deliver
};

/// The same counts as plain atomics, updated as they change, so that a metrics
/// exporter reads them without the outbox's lock. `retried` counts attempts at events
/// that had failed before.
struct live_counters {
  std::atomic<std::uint64_t> pending{0};
  std::atomic<std::uint64_t> recorded{0};
  std::atomic<std::uint64_t> delivered{0};
  std::atomic<std::uint64_t> failed_attempts{0};
  std::atomic<std::uint64_t> retried{0};
};

class outbox {
 public:
  /// Opens (or creates) the outbox in options.dir and loads every pending event;
  /// nothing is delivered before start(). `target` receives the deliveries.
  /// Errors: storage_failure, disk_full.
  [[nodiscard]] static result<std::unique_ptr<outbox>> open(outbox_options options,
                                                            std::shared_ptr<hook> target);

  /// stop().
  ~outbox();
  outbox(outbox const&) = delete;
  outbox& operator=(outbox const&) = delete;

  /// Records `e` (make_message) for delivery; see the other overload.
  [[nodiscard]] error_code record(event const& e);

  /// Records `m` and returns once it survives power loss; it is delivered after that
  /// (at once when the workers run). An id already pending is recorded once. Blocks on
  /// disk I/O; thread-safe. Errors: invalid_argument (generic category: the id is not
  /// 32 lower-case hex digits, or the JSON is over 64 KiB or holds a newline),
  /// storage_failure, disk_full (the event may still be delivered: nothing is lost by
  /// recording it again).
  [[nodiscard]] error_code record(event_message const& m);

  /// Starts the delivery workers and the maintenance thread.
  void start();

  /// Stops them: attempts under way finish (each within the hook's time limit),
  /// acknowledgements are synced. Pending events stay for the next open().
  void stop();

  [[nodiscard]] outbox_counters counters() const;

  /// The counters as atomics (valid as long as the outbox).
  [[nodiscard]] live_counters const& live() const noexcept { return live_; }

  /// Waits until nothing is pending or `timeout` passed; true when nothing is.
  [[nodiscard]] bool wait_idle(std::chrono::milliseconds timeout);

 private:
  using clock = std::chrono::steady_clock;
  using event_key = std::array<std::uint8_t, 16>;
  struct key_hash {
    std::size_t operator()(event_key const& k) const noexcept;
  };
  enum class entry_state : std::uint8_t {
    recording,  ///< being appended; not in a segment yet
    waiting,    ///< in due_
    in_flight,  ///< a worker is delivering it
    moving,     ///< being copied forward by compaction
  };
  struct entry {
    detail::record_location where;
    clock::time_point due;
    std::uint32_t failures = 0;
    entry_state state = entry_state::recording;
  };
  struct segment_info {
    std::uint64_t events = 0;     ///< event records in the file
    std::uint64_t live = 0;       ///< pending entries whose record is there
    std::uint64_t in_flight = 0;  ///< of those, being delivered
  };

  outbox(outbox_options options, std::shared_ptr<hook> target);

  void worker();
  void maintainer();
  /// One round of upkeep: syncs acknowledgements, deletes and compacts old segments.
  void maintain();
  /// Copies the pending events of segment `seq` forward; true when it may be deleted.
  bool compact(std::uint64_t seq);
  /// Bookkeeping after an attempt. Caller holds mu_.
  void delivered_locked(event_key const& k);
  void failed_locked(event_key const& k, hook_result const& r, std::string_view type);
  void enqueue_locked(event_key const& k, entry& e);
  void note_append_locked(detail::record_location const& where);
  [[nodiscard]] std::chrono::milliseconds backoff_locked(std::uint64_t failures);
  void log(log_level level, std::string const& line) const;

  outbox_options options_;
  std::shared_ptr<hook> target_;
  detail::outbox_journal journal_;

  mutable std::mutex mu_;             ///< guards everything below
  std::condition_variable work_cv_;   ///< workers: something to deliver, or stop
  std::condition_variable maint_cv_;  ///< the maintenance thread: stop
  std::condition_variable idle_cv_;
  std::unordered_map<event_key, entry, key_hash> entries_;
  std::set<std::pair<clock::time_point, event_key>> due_;
  std::map<std::uint64_t, segment_info> segments_;
  /// Lowest segment each record() under way may append to: no deletion at or above.
  std::multiset<std::uint64_t> append_floors_;
  std::size_t in_flight_ = 0;
  std::uint64_t failures_in_a_row_ = 0;
  clock::time_point probe_not_before_{};
  bool acks_unsynced_ = false;
  clock::time_point last_failure_log_{};
  bool failure_logged_ = false;
  std::uint64_t failures_not_logged_ = 0;
  outbox_counters counts_;
  live_counters live_;
  std::mt19937_64 random_;
  bool running_ = false;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace bits::hooks
