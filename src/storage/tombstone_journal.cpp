// The tombstone journal: fixed-size records appended to segment files, read back at
// start-up, whole segments deleted once their records are past the ttl.
#include "storage/tombstone_journal.hpp"

#include "core/checksum.hpp"
#include "core/number_text.hpp"
#include "storage/crash_point.hpp"
#include "storage/data_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cerrno>

#include <algorithm>
#include <cstring>
#include <string>

namespace bits::storage::detail {
namespace {

constexpr std::size_t checked_bytes = 28;
constexpr std::uint8_t kind_closed = 1;
constexpr std::uint8_t kind_cancelled = 2;
constexpr std::uint8_t kind_committed = 3;

std::uint8_t kind_of(tombstone how) noexcept {
  switch (how) {
    case tombstone::closed:
      return kind_closed;
    case tombstone::cancelled:
      return kind_cancelled;
    case tombstone::committed:
      return kind_committed;
  }
  return kind_closed;
}
constexpr std::size_t segment_name_digits = 20;
constexpr std::int64_t min_span = 60;
constexpr std::int64_t max_span = 3600;
constexpr std::size_t read_chunk = tombstone_record_size * 2048;

void put_le(std::byte* at, std::uint64_t v, std::size_t n) noexcept {
  for (std::size_t i = 0; i < n; ++i) at[i] = static_cast<std::byte>((v >> (8 * i)) & 0xFFU);
}

std::uint64_t get_le(std::byte const* at, std::size_t n) noexcept {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < n; ++i)
    v |= std::uint64_t{static_cast<std::uint8_t>(at[i])} << (8 * i);
  return v;
}

std::string segment_name(std::uint64_t seq) {
  std::string digits = std::to_string(seq);
  return std::string(segment_name_digits - digits.size(), '0') + digits;
}

std::optional<std::uint64_t> parse_segment_name(std::string const& name) {
  if (name.size() != segment_name_digits) return std::nullopt;
  return core::parse_decimal_u64(name);
}

}  // namespace

std::array<std::byte, tombstone_record_size> encode_tombstone(tombstone_record const& t) noexcept {
  std::array<std::byte, tombstone_record_size> out{};
  auto const& id = t.id.bytes();
  std::memcpy(out.data(), id.data(), id.size());
  put_le(out.data() + 16, static_cast<std::uint64_t>(t.at), 8);
  out[24] = static_cast<std::byte>(kind_of(t.how));
  put_le(out.data() + checked_bytes, core::fnv1a_32(std::span{out}.first(checked_bytes)), 4);
  return out;
}

std::optional<tombstone_record> decode_tombstone(std::span<std::byte const> bytes) noexcept {
  if (bytes.size() != tombstone_record_size) return std::nullopt;
  if (get_le(bytes.data() + checked_bytes, 4) != core::fnv1a_32(bytes.first(checked_bytes))) {
    return std::nullopt;
  }
  if (get_le(bytes.data() + 25, 3) != 0) return std::nullopt;
  auto const kind = static_cast<std::uint8_t>(bytes[24]);
  if (kind != kind_closed && kind != kind_cancelled && kind != kind_committed) return std::nullopt;
  core::session_id::bytes_type id{};
  std::memcpy(id.data(), bytes.data(), id.size());
  return tombstone_record{core::session_id{id},
                          kind == kind_closed      ? tombstone::closed
                          : kind == kind_cancelled ? tombstone::cancelled
                                                   : tombstone::committed,
                          static_cast<std::int64_t>(get_le(bytes.data() + 16, 8))};
}

status tombstone_journal::load(std::vector<tombstone_record>& out) {
  std::lock_guard const lock{mu_};
  if (current_) retire();
  scanned_ = false;
  closed_.clear();
  return scan(&out);
}

status tombstone_journal::scan(std::vector<tombstone_record>* records) {
  if (!dir_) {
    dir_.reset(open_dir_for_read(spool_, tombstone_dir_name));
    if (!dir_) {
      if (errno != ENOENT) return io_failure("open tombstone folder", errno);
      scanned_ = true;  // no folder: no tombstone yet
      return {};
    }
  }
  std::vector<std::string> names;
  if (auto ec = list_names(dir_.get(), names)) return ec;
  std::vector<std::uint64_t> seqs;
  for (auto const& name : names) {
    if (auto const seq = parse_segment_name(name)) seqs.push_back(*seq);
  }
  std::sort(seqs.begin(), seqs.end());
  std::string chunk;
  for (auto const seq : seqs) {
    next_seq_ = std::max(next_seq_, seq + 1);
    auto const name = segment_name(seq);
    unique_fd const fd{::openat(dir_.get(), name.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC)};
    if (!fd) return io_failure("open tombstone segment", errno);
    segment seg{seq, 0, 0, true};
    for (std::uint64_t offset = 0;; offset += read_chunk) {
      if (auto ec = read_at(fd.get(), offset, read_chunk, chunk)) return ec;
      auto const bytes = std::as_bytes(std::span{chunk});
      for (std::size_t at = 0; at + tombstone_record_size <= bytes.size();
           at += tombstone_record_size) {
        auto const t = decode_tombstone(bytes.subspan(at, tombstone_record_size));
        if (!t) continue;  // torn or zeroed by a power cut
        seg.first = seg.empty ? t->at : std::min(seg.first, t->at);
        seg.newest = seg.empty ? t->at : std::max(seg.newest, t->at);
        seg.empty = false;
        if (records != nullptr) records->push_back(*t);
      }
      if (chunk.size() < read_chunk) break;
    }
    if (seg.empty) {
      // Nothing worth keeping; ENOENT or a failure only leaves it for the next start.
      static_cast<void>(::unlinkat(dir_.get(), name.c_str(), 0));
      continue;
    }
    closed_.push_back(seg);
  }
  scanned_ = true;
  return {};
}

status tombstone_journal::open_segment() {
  if (!dir_) {
    if (::mkdirat(spool_, tombstone_dir_name, 0700) != 0 && errno != EEXIST) {
      return io_failure("create tombstone folder", errno);
    }
    dir_.reset(open_dir_for_read(spool_, tombstone_dir_name));
    if (!dir_) return io_failure("open tombstone folder", errno);
  }
  // O_EXCL: a segment is only ever appended to by the process that created it, so a
  // torn record left by a failed write never misaligns later ones.
  for (int attempt = 0;; ++attempt) {
    auto const seq = next_seq_++;
    unique_fd fd{::openat(dir_.get(), segment_name(seq).c_str(),
                          O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0600)};
    if (!fd) {
      if (errno == EEXIST && attempt < 8) continue;
      return io_failure("create tombstone segment", errno);
    }
    current_ = std::make_shared<unique_fd const>(std::move(fd));
    current_info_ = segment{seq, 0, 0, true};
    created_upto_ = seq;
    dirty_ = false;
    return {};
  }
}

void tombstone_journal::retire() {
  // A segment without a valid record (its only write failed) is deleted with the next
  // expired ones: its times are unknown, so it counts as oldest.
  closed_.push_back(current_info_);
  current_.reset();
  current_info_ = segment{};
}

status tombstone_journal::append(tombstone_record const& t, bool durable) {
  auto const bytes = encode_tombstone(t);
  std::shared_ptr<unique_fd const> fd;
  {
    std::lock_guard const lock{mu_};
    if (!scanned_) {
      if (auto ec = scan(nullptr)) return ec;
    }
    if (!current_) {
      if (auto ec = open_segment()) return ec;
    }
    ssize_t n = 0;
    do {
      n = ::write(current_->get(), bytes.data(), bytes.size());
    } while (n < 0 && errno == EINTR);
    if (n != static_cast<ssize_t>(bytes.size())) {
      int const err = n < 0 ? errno : ENOSPC;  // a short write on a regular file: disk full
      dirty_ = false;
      retire();
      return io_failure("append tombstone", err);
    }
    auto& seg = current_info_;
    seg.first = seg.empty ? t.at : std::min(seg.first, t.at);
    seg.newest = seg.empty ? t.at : std::max(seg.newest, t.at);
    seg.empty = false;
    dirty_ = true;
    fd = current_;
  }
  crash_point("tombstone.after_append");
  if (!durable) return {};
  return sync(fd);
}

status tombstone_journal::sync(std::shared_ptr<unique_fd const> const& fd) {
  if (fd && ::fdatasync(fd->get()) != 0) return io_failure("fdatasync tombstones", errno);
  return sync_names();
}

status tombstone_journal::sync_names() {
  int dir = -1;
  std::uint64_t upto = 0;
  {
    std::lock_guard const lock{mu_};
    if (names_synced_upto_ >= created_upto_) return {};
    dir = dir_.get();  // set before any segment was created, and never reset
    upto = created_upto_;
  }
  // The segment's name in its folder, and the folder's in the spool (it may be new).
  if (::fsync(dir) != 0) return io_failure("fsync tombstone folder", errno);
  if (::fsync(spool_) != 0) return io_failure("fsync spool", errno);
  std::lock_guard const lock{mu_};
  names_synced_upto_ = std::max(names_synced_upto_, upto);
  return {};
}

status tombstone_journal::maintain(std::int64_t now, std::int64_t oldest) {
  std::int64_t const span = std::clamp((now - oldest) / 4, min_span, max_span);
  std::shared_ptr<unique_fd const> retired;
  std::shared_ptr<unique_fd const> current;
  std::vector<std::uint64_t> expired;
  int dir = -1;
  {
    std::lock_guard const lock{mu_};
    if (!scanned_) {
      if (auto ec = scan(nullptr)) return ec;
    }
    bool const was_dirty = dirty_;
    dirty_ = false;
    if (current_ && !current_info_.empty && current_info_.first <= now - span) {
      if (was_dirty) retired = current_;
      retire();
    } else if (was_dirty) {
      current = current_;
    }
    auto const gone = [oldest](segment const& s) { return s.empty || s.newest < oldest; };
    for (auto const& s : closed_) {
      if (gone(s)) expired.push_back(s.seq);
    }
    std::erase_if(closed_, gone);
    dir = dir_.get();
  }
  // Not synced under the lock: appends go on meanwhile and are synced next time.
  status result;
  for (auto const& fd : {retired, current}) {
    if (fd && ::fdatasync(fd->get()) != 0) {
      result = io_failure("fdatasync tombstones", errno);
      std::lock_guard const lock{mu_};
      if (fd == current_) dirty_ = true;
    }
  }
  if (auto ec = sync_names(); ec && !result) result = ec;
  for (auto const seq : expired) {
    if (::unlinkat(dir, segment_name(seq).c_str(), 0) != 0 && errno != ENOENT && !result) {
      result = io_failure("remove tombstone segment", errno);
    }
  }
  return result;
}

}  // namespace bits::storage::detail
