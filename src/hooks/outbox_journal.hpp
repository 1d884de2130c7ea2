// The outbox's files: events and their acknowledgements appended to segment files, so
// that recording an event costs one write and one shared fdatasync instead of a new
// file, a file sync and a directory sync each. Internal to src/hooks (outbox owns one).
//
// Layout: <dir>/<20-digit sequence number>.journal, each a series of lines
//   <sum> E <type> <id> <length> <json>\n     an event ("E"), its JSON text as recorded
//   <sum> A - <id> 0 \n                      an acknowledgement: event <id> was delivered
// where <sum> is 16 hex digits of FNV-1a 64 over everything between "<sum> " and the
// newline, <id> 32 hex digits, <length> the decimal byte count of the JSON text (which
// holds no newline). A line that fails its checks (a crash or power cut can leave a
// torn or zeroed tail) is skipped. Records are read in segment order, then file order:
// an acknowledgement cancels the event with its id recorded before it.
//
// A segment is only ever appended to by the process that created it (O_EXCL), so a
// torn record stays the last line of its file; a write that fails halfway retires the
// segment. The outbox decides when segments are deleted (outbox.hpp).
#pragma once

#include "core/error.hpp"
#include "hooks/hook.hpp"

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace bits::hooks::detail {

using boost::system::error_code;

/// Largest event JSON the outbox takes.
inline constexpr std::size_t max_event_json = 64 * 1024;

/// Where a record is: its segment and the byte range of its whole line.
struct record_location {
  std::uint64_t segment = 0;
  std::uint64_t offset = 0;
  std::uint32_t length = 0;
};

/// One event record as read back.
struct stored_event {
  event_message message;
  record_location where;
};

/// The line of an event record (with its newline).
[[nodiscard]] std::string encode_event_record(event_message const& m);
/// The line of an acknowledgement (with its newline).
[[nodiscard]] std::string encode_ack_record(std::string_view id);

/// One parsed line.
struct parsed_record {
  bool ack = false;
  event_message message;  ///< ack: only the id is set
};

/// Parses one line without its newline; nullopt when any check fails.
[[nodiscard]] std::optional<parsed_record> parse_record(std::string_view line);

/// True for 32 lower-case hex digits, the only ids the outbox takes.
[[nodiscard]] bool valid_event_id(std::string_view id) noexcept;

/// What load() found.
struct journal_contents {
  /// Events not acknowledged, in the order recorded (an event copied forward counts
  /// once, at its last copy).
  std::vector<stored_event> pending;
  /// Every segment there is, oldest first, with how many event records each holds.
  std::vector<std::pair<std::uint64_t, std::uint64_t>> segments;
};

class outbox_journal {
 public:
  /// `dir` is the outbox folder; a new segment is started once the current one holds
  /// `segment_bytes` or more.
  outbox_journal(std::filesystem::path dir, std::uint64_t segment_bytes);
  ~outbox_journal();
  outbox_journal(outbox_journal const&) = delete;
  outbox_journal& operator=(outbox_journal const&) = delete;

  /// Creates the folder (0700, its parent synced) when missing and reads every segment.
  /// Appends after this go to a new segment. Errors: storage_failure, disk_full.
  [[nodiscard]] result<journal_contents> load();

  /// Appends event records and returns once they survive power loss. Concurrent
  /// callers sync concurrently, and a sync covers every append made before it started,
  /// so under load one fdatasync (and, for a new segment, one sync of the folder)
  /// serves many records. Errors: storage_failure, disk_full; the records may then
  /// still be on disk.
  [[nodiscard]] result<std::vector<record_location>> append_events(
      std::vector<event_message> const& messages);

  /// Appends an acknowledgement. Not synced: it survives a crash of the process at
  /// once, power loss after the next sync() (lost, the event is delivered again).
  [[nodiscard]] error_code append_ack(std::string_view id);

  /// Makes every append so far survive power loss.
  [[nodiscard]] error_code sync();

  /// Reads an event record back. Errors: storage_failure (gone, damaged).
  [[nodiscard]] result<event_message> read(record_location const& where) const;

  /// Every valid event record of a segment, in file order.
  [[nodiscard]] result<std::vector<stored_event>> read_segment(std::uint64_t seq) const;

  /// The segment appends go to now; 0 before the first append after load().
  [[nodiscard]] std::uint64_t current_segment() const;

  /// The lowest segment an append that starts now can land in.
  [[nodiscard]] std::uint64_t append_floor() const;

  /// Every segment file there is (found by load() or created since), oldest first.
  [[nodiscard]] std::vector<std::uint64_t> segments() const;

  /// Deletes a segment other than the current one, durably. Errors: storage_failure.
  [[nodiscard]] error_code remove(std::uint64_t seq);

 private:
  using shared_fd = std::shared_ptr<int const>;

  /// Writes `bytes` to the current segment (starting one first when needed) and returns
  /// where. Caller holds mu_.
  [[nodiscard]] result<record_location> write_locked(std::string_view bytes);
  /// Starts a new current segment. Caller holds mu_.
  [[nodiscard]] error_code open_segment_locked();
  /// Stops appending to the current segment (it stays in unsynced_ if it has data).
  void retire_locked();
  /// Makes appends up to `ticket` durable (and every other one made before the call).
  [[nodiscard]] error_code sync_to(std::uint64_t ticket);
  [[nodiscard]] std::string segment_path(std::uint64_t seq) const;

  std::filesystem::path dir_;
  std::uint64_t segment_bytes_;
  int dir_fd_ = -1;

  mutable std::mutex mu_;  ///< guards the members below but synced_
  shared_fd current_;      ///< O_APPEND descriptor of the current segment
  std::uint64_t current_seq_ = 0;
  std::uint64_t current_size_ = 0;
  std::uint64_t next_seq_ = 1;
  std::set<std::uint64_t> known_;  ///< segment files there are
  std::uint64_t written_ = 0;      ///< appends so far: append n has ticket n
  /// Segments with appends not known to be synced, with the ticket of their last one.
  std::map<shared_fd, std::uint64_t> unsynced_;
  std::uint64_t segments_created_ = 0;    ///< segment files created by this process
  std::uint64_t names_synced_ = 0;        ///< of those, how many have durable names
  std::atomic<std::uint64_t> synced_{0};  ///< appends up to this ticket are durable
};

}  // namespace bits::hooks::detail
