// The tombstone journal of a spool: how recently ended sessions ended, kept on disk so
// that a replayed Close or Cancel is still answered 200 after a restart. Internal to
// src/storage (fs_store owns one).
//
// Layout: <spool>/tombstones/<segment>, where a segment is a file named by a 20-digit
// decimal sequence number and holds fixed 32-byte records appended with O_APPEND:
//   bytes  0..15  session id
//   bytes 16..23  unix seconds when it ended (int64, little-endian)
//   byte  24      1 = closed, 2 = cancelled, 3 = committed (Close not seen yet)
//   bytes 25..27  zero
//   bytes 28..31  FNV-1a (32 bits, little-endian) of bytes 0..27
// A record that fails its checks (a power cut can leave zeros or garbage at the end of
// a file) is skipped. Appends never create a file or sync, except the first append of a
// segment (one file per start-up and per span, see maintain) and with `durable`. Old
// records are dropped by deleting whole segments whose newest record is past the ttl;
// a write that fails halfway retires its segment, so records stay 32-byte aligned.
#pragma once

#include "storage/dir_fd.hpp"
#include "storage/upload_store.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <vector>

namespace bits::storage::detail {

inline constexpr char const* tombstone_dir_name = "tombstones";
inline constexpr std::size_t tombstone_record_size = 32;

/// The record bytes of `t`.
[[nodiscard]] std::array<std::byte, tombstone_record_size> encode_tombstone(
    tombstone_record const& t) noexcept;

/// The record in `bytes` (exactly tombstone_record_size of them), or nullopt when its
/// checksum, kind or padding is wrong.
[[nodiscard]] std::optional<tombstone_record> decode_tombstone(
    std::span<std::byte const> bytes) noexcept;

class tombstone_journal {
 public:
  /// `spool` is the store's descriptor of the spool folder; it must outlive this.
  explicit tombstone_journal(int spool) noexcept : spool_(spool) {}

  /// Reads every segment into `out` (in the order recorded) and deletes segments with
  /// no valid record. Appends after this go to a new segment.
  [[nodiscard]] status load(std::vector<tombstone_record>& out);

  /// Appends `t` to the current segment (creating it first if there is none); with
  /// `durable`, syncs it (and, once per segment, the folder) before returning.
  [[nodiscard]] status append(tombstone_record const& t, bool durable);

  /// Syncs what was appended since the last call; starts a new segment when the
  /// current one holds records older than a quarter of the ttl (now - oldest; at least
  /// a minute, at most an hour apart); deletes segments whose records all ended before
  /// `oldest`.
  [[nodiscard]] status maintain(std::int64_t now, std::int64_t oldest);

 private:
  /// A segment and the span of the records it holds.
  struct segment {
    std::uint64_t seq = 0;
    std::int64_t first = 0;   ///< oldest record (unix seconds)
    std::int64_t newest = 0;  ///< newest record
    bool empty = true;        ///< no record yet: first/newest mean nothing
  };

  /// Lists the folder (once): the existing segments, and the next sequence number.
  /// Caller holds mu_.
  [[nodiscard]] status scan(std::vector<tombstone_record>* records);
  /// Opens a new current segment. Caller holds mu_.
  [[nodiscard]] status open_segment();
  /// fdatasync of `fd` (when not null), then sync_names().
  [[nodiscard]] status sync(std::shared_ptr<unique_fd const> const& fd);
  /// fsync of the folder and of the spool when a segment was created since the last one.
  [[nodiscard]] status sync_names();
  /// Moves the current segment to closed_. Caller holds mu_.
  void retire();

  int spool_;
  std::mutex mu_;  ///< guards everything below (held for appends, never for syncs)
  bool scanned_ = false;
  unique_fd dir_;  ///< <spool>/tombstones, opened for reading (to list and fsync it)
  std::shared_ptr<unique_fd const> current_;  ///< O_APPEND descriptor; shared with syncs
  segment current_info_;
  std::vector<segment> closed_;  ///< segments no longer appended to
  std::uint64_t next_seq_ = 1;
  bool dirty_ = false;                   ///< current_ has records not yet synced
  std::uint64_t created_upto_ = 0;       ///< highest segment created by this process
  std::uint64_t names_synced_upto_ = 0;  ///< segments up to this one have durable names
};

}  // namespace bits::storage::detail
