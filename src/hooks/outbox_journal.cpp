// The outbox journal: text records appended to segment files, one shared fdatasync per
// batch of concurrent appends, read back at start-up.
#include "hooks/outbox_journal.hpp"

#include "core/checksum.hpp"
#include "core/number_text.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cerrno>

#include <algorithm>
#include <array>
#include <map>
#include <unordered_map>

namespace bits::hooks::detail {
namespace {

constexpr std::size_t sum_digits = 16;
constexpr std::size_t id_digits = 32;
constexpr std::size_t segment_name_digits = 20;
constexpr std::string_view segment_suffix = ".journal";
constexpr std::size_t read_chunk = 256 * 1024;
/// The longest line: the sum, the fields and the largest JSON.
constexpr std::size_t max_line = max_event_json + 128;

error_code failure(int err) noexcept {
  return make_error_code((err == ENOSPC || err == EDQUOT) ? error::disk_full
                                                          : error::storage_failure);
}

std::string with_sum(std::string body) {
  std::string line =
      core::format_hex_fixed(core::fnv1a_64(body), sum_digits, core::hex_case::lower);
  line += ' ';
  line += body;
  line += '\n';
  return line;
}

/// Splits off the text up to the next space; false when there is none.
bool next_field(std::string_view& rest, std::string_view& field) {
  auto const space = rest.find(' ');
  if (space == std::string_view::npos) return false;
  field = rest.substr(0, space);
  rest.remove_prefix(space + 1);
  return true;
}

bool lower_hex(std::string_view text) noexcept {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return core::is_digit(c) || (c >= 'a' && c <= 'f'); });
}

std::string segment_name(std::uint64_t seq) {
  std::string digits = std::to_string(seq);
  return std::string(segment_name_digits - digits.size(), '0') + digits +
         std::string(segment_suffix);
}

std::optional<std::uint64_t> parse_segment_name(std::string_view name) {
  if (name.size() != segment_name_digits + segment_suffix.size() ||
      !name.ends_with(segment_suffix)) {
    return std::nullopt;
  }
  auto const seq = core::parse_decimal_u64(name.substr(0, segment_name_digits));
  if (!seq || *seq == 0) return std::nullopt;
  return seq;
}

/// Reads all of `fd` from `offset` on, handing every complete line (and the offset of
/// its start) to `on_line`. A line longer than max_line is skipped whole.
template <class OnLine>
error_code for_each_line(int fd, OnLine&& on_line) {
  std::string buffer;
  std::uint64_t buffer_start = 0;  // file offset of buffer[0]
  std::uint64_t offset = 0;
  std::array<char, read_chunk> chunk{};
  bool skipping = false;  // inside an over-long line
  for (;;) {
    ssize_t const n = ::pread(fd, chunk.data(), chunk.size(), static_cast<off_t>(offset));
    if (n < 0) {
      if (errno == EINTR) continue;
      return failure(errno);
    }
    if (n == 0) return {};  // a last line without its newline is torn: dropped
    offset += static_cast<std::uint64_t>(n);
    buffer.append(chunk.data(), static_cast<std::size_t>(n));
    std::size_t start = 0;
    for (;;) {
      auto const nl = buffer.find('\n', start);
      if (nl == std::string::npos) break;
      if (!skipping)
        on_line(std::string_view(buffer).substr(start, nl - start), buffer_start + start);
      skipping = false;
      start = nl + 1;
    }
    buffer_start += start;
    buffer.erase(0, start);
    if (buffer.size() > max_line) {
      buffer_start += buffer.size();
      buffer.clear();
      skipping = true;
    }
  }
}

error_code write_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t const n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return failure(errno);
    }
    if (n == 0) return failure(ENOSPC);
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return {};
}

}  // namespace

bool valid_event_id(std::string_view id) noexcept {
  return id.size() == id_digits && lower_hex(id);
}

std::string encode_event_record(event_message const& m) {
  std::string body = "E ";
  body += to_string(m.type);
  body += ' ';
  body += m.id;
  body += ' ';
  body += std::to_string(m.json.size());
  body += ' ';
  body += m.json;
  return with_sum(std::move(body));
}

std::string encode_ack_record(std::string_view id) {
  std::string body = "A - ";
  body += id;
  body += " 0 ";
  return with_sum(std::move(body));
}

std::optional<parsed_record> parse_record(std::string_view line) {
  if (line.size() < sum_digits + 1 || line[sum_digits] != ' ') return std::nullopt;
  auto const sum_text = line.substr(0, sum_digits);
  auto const sum = lower_hex(sum_text) ? core::parse_hex_u64(sum_text) : std::nullopt;
  if (!sum) return std::nullopt;
  std::string_view rest = line.substr(sum_digits + 1);
  if (core::fnv1a_64(rest) != *sum) return std::nullopt;
  std::string_view kind;
  std::string_view type;
  std::string_view id;
  std::string_view length;
  if (!next_field(rest, kind) || !next_field(rest, type) || !next_field(rest, id) ||
      !next_field(rest, length)) {
    return std::nullopt;
  }
  auto const len = core::parse_decimal_u64(length);
  if (!valid_event_id(id) || !len || *len != rest.size()) return std::nullopt;
  parsed_record r;
  r.message.id = std::string(id);
  if (kind == "A" && type == "-" && *len == 0) {
    r.ack = true;
    return r;
  }
  auto const t = parse_event_type(type);
  if (kind != "E" || !t || rest.find('\n') != std::string_view::npos) return std::nullopt;
  r.message.type = *t;
  r.message.json = std::string(rest);
  return r;
}

outbox_journal::outbox_journal(std::filesystem::path dir, std::uint64_t segment_bytes)
    : dir_(std::move(dir)), segment_bytes_(std::max<std::uint64_t>(segment_bytes, 4096)) {}

outbox_journal::~outbox_journal() {
  if (dir_fd_ >= 0) ::close(dir_fd_);
}

std::string outbox_journal::segment_path(std::uint64_t seq) const {
  return (dir_ / segment_name(seq)).string();
}

result<journal_contents> outbox_journal::load() {
  std::lock_guard const lock{mu_};
  if (dir_fd_ < 0) {
    if (::mkdir(dir_.c_str(), 0700) == 0) {
      // The new folder's name must survive power loss before any record in it counts.
      auto const parent = dir_.has_parent_path() ? dir_.parent_path() : std::filesystem::path(".");
      int const pfd = ::open(parent.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      if (pfd < 0) return failure(errno);
      int const rc = ::fsync(pfd);
      int const err = errno;
      ::close(pfd);
      if (rc != 0) return failure(err);
    } else if (errno != EEXIST) {
      return failure(errno);
    }
    dir_fd_ = ::open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (dir_fd_ < 0) return failure(errno);
  }
  retire_locked();

  std::vector<std::uint64_t> seqs;
  std::error_code ec;
  for (auto const& entry : std::filesystem::directory_iterator(dir_, ec)) {
    if (auto const seq = parse_segment_name(entry.path().filename().string())) seqs.push_back(*seq);
  }
  if (ec) return failure(ec.value());
  std::sort(seqs.begin(), seqs.end());

  journal_contents out;
  // id -> index in `order` of its live record; acknowledgements erase.
  std::unordered_map<std::string, std::size_t> live;
  std::vector<std::optional<stored_event>> order;
  for (auto const seq : seqs) {
    next_seq_ = std::max(next_seq_, seq + 1);
    int const fd = ::open(segment_path(seq).c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) return failure(errno);
    std::uint64_t events = 0;
    auto const rc = for_each_line(fd, [&](std::string_view line, std::uint64_t offset) {
      auto r = parse_record(line);
      if (!r) return;
      if (r->ack) {
        if (auto const it = live.find(r->message.id); it != live.end()) {
          order[it->second].reset();
          live.erase(it);
        }
        return;
      }
      ++events;
      if (auto const it = live.find(r->message.id); it != live.end()) order[it->second].reset();
      live[r->message.id] = order.size();
      order.emplace_back(stored_event{std::move(r->message),
                                      {seq, offset, static_cast<std::uint32_t>(line.size() + 1)}});
    });
    ::close(fd);
    if (rc) return rc;
    out.segments.emplace_back(seq, events);
    known_.insert(seq);
  }
  for (auto& e : order) {
    if (e) out.pending.push_back(std::move(*e));
  }
  return out;
}

error_code outbox_journal::open_segment_locked() {
  if (dir_fd_ < 0) return make_error_code(error::storage_failure);  // load() first
  for (int attempt = 0;; ++attempt) {
    auto const seq = next_seq_++;
    int const fd = ::openat(dir_fd_, segment_name(seq).c_str(),
                            O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) {
      if (errno == EEXIST && attempt < 8) continue;
      return failure(errno);
    }
    current_ = shared_fd(new int(fd), [](int const* p) {
      ::close(*p);
      delete p;
    });
    current_seq_ = seq;
    current_size_ = 0;
    ++segments_created_;
    known_.insert(seq);
    return {};
  }
}

void outbox_journal::retire_locked() {
  current_.reset();  // its entry in unsynced_ keeps it open until it is synced
  current_seq_ = 0;
  current_size_ = 0;
}

result<record_location> outbox_journal::write_locked(std::string_view bytes) {
  if (current_ && current_size_ >= segment_bytes_) retire_locked();
  if (!current_) {
    if (auto ec = open_segment_locked()) return ec;
  }
  record_location const where{current_seq_, current_size_,
                              static_cast<std::uint32_t>(bytes.size())};
  unsynced_[current_] = ++written_;
  if (auto ec = write_all(*current_, bytes)) {
    // Part of the record may be in the file: nothing more goes after it.
    retire_locked();
    return ec;
  }
  current_size_ += bytes.size();
  return where;
}

result<std::vector<record_location>> outbox_journal::append_events(
    std::vector<event_message> const& messages) {
  std::vector<record_location> out;
  out.reserve(messages.size());
  std::uint64_t ticket = 0;
  {
    std::lock_guard const lock{mu_};
    for (auto const& m : messages) {
      auto where = write_locked(encode_event_record(m));
      if (!where) return where.error();
      out.push_back(*where);
    }
    ticket = written_;
  }
  if (auto ec = sync_to(ticket)) return ec;
  return out;
}

error_code outbox_journal::append_ack(std::string_view id) {
  std::lock_guard const lock{mu_};
  auto where = write_locked(encode_ack_record(id));
  return where ? error_code{} : where.error();
}

error_code outbox_journal::sync() {
  std::uint64_t ticket = 0;
  {
    std::lock_guard const lock{mu_};
    ticket = written_;
  }
  return sync_to(ticket);
}

error_code outbox_journal::sync_to(std::uint64_t ticket) {
  if (synced_.load() >= ticket) return {};  // a sync that ran meanwhile covered it
  // Not serialised: concurrent fdatasync calls on one file share the filesystem's
  // journal commit, which a queue of callers waiting for each other's sync would not.
  std::vector<shared_fd> files;
  std::uint64_t target = 0;
  std::uint64_t created = 0;
  bool names = false;
  {
    std::lock_guard const lock{mu_};
    files.reserve(unsynced_.size());
    for (auto const& [fd, last] : unsynced_) files.push_back(fd);
    target = written_;
    created = segments_created_;
    names = names_synced_ < created;
  }
  error_code result;
  for (auto const& f : files) {
    if (::fdatasync(*f) != 0 && !result) result = failure(errno);
  }
  // A new segment's name in the folder (the folder's own name was synced by load()).
  if (names && !result && ::fsync(dir_fd_) != 0) result = failure(errno);
  std::lock_guard const lock{mu_};
  if (result) {
    // After a failed sync the kernel may have dropped the pages: new records go to a
    // new segment, and the next sync tries these files again.
    retire_locked();
    return result;
  }
  if (names) names_synced_ = std::max(names_synced_, created);
  std::erase_if(unsynced_, [target](auto const& entry) { return entry.second <= target; });
  if (synced_.load() < target) synced_.store(target);
  return {};
}

result<event_message> outbox_journal::read(record_location const& where) const {
  if (where.length == 0 || where.length > max_line + 1)
    return make_error_code(error::storage_failure);
  int const fd = ::open(segment_path(where.segment).c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return failure(errno);
  std::string line(where.length, '\0');
  std::size_t got = 0;
  while (got < line.size()) {
    ssize_t const n =
        ::pread(fd, line.data() + got, line.size() - got, static_cast<off_t>(where.offset + got));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got += static_cast<std::size_t>(n);
  }
  ::close(fd);
  if (got != line.size() || line.back() != '\n') return make_error_code(error::storage_failure);
  line.pop_back();
  auto r = parse_record(line);
  if (!r || r->ack) return make_error_code(error::storage_failure);
  return std::move(r->message);
}

result<std::vector<stored_event>> outbox_journal::read_segment(std::uint64_t seq) const {
  int const fd = ::open(segment_path(seq).c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return failure(errno);
  std::vector<stored_event> out;
  auto const rc = for_each_line(fd, [&](std::string_view line, std::uint64_t offset) {
    auto r = parse_record(line);
    if (!r || r->ack) return;
    out.push_back(stored_event{std::move(r->message),
                               {seq, offset, static_cast<std::uint32_t>(line.size() + 1)}});
  });
  ::close(fd);
  if (rc) return rc;
  return out;
}

std::uint64_t outbox_journal::current_segment() const {
  std::lock_guard const lock{mu_};
  return current_seq_;
}

std::uint64_t outbox_journal::append_floor() const {
  std::lock_guard const lock{mu_};
  return current_ ? current_seq_ : next_seq_;
}

std::vector<std::uint64_t> outbox_journal::segments() const {
  std::lock_guard const lock{mu_};
  return {known_.begin(), known_.end()};
}

error_code outbox_journal::remove(std::uint64_t seq) {
  {
    std::lock_guard const lock{mu_};
    if (seq == current_seq_) return make_error_code(error::storage_failure);
  }
  if (::unlinkat(dir_fd_, segment_name(seq).c_str(), 0) != 0 && errno != ENOENT) {
    return failure(errno);
  }
  {
    std::lock_guard const lock{mu_};
    known_.erase(seq);
  }
  // Segments go oldest first: a later deletion must not survive a power cut that an
  // earlier one does not (its acknowledgements would go with it).
  if (::fsync(dir_fd_) != 0) return failure(errno);
  return {};
}

}  // namespace bits::hooks::detail
