// The in-memory upload_store. Each call takes the disk's lock for its whole length, so
// the store is as safe to share between threads as the filesystem one.
#include "support/memory_upload_store.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace bits::test {
namespace {

// Takes the armed failure of `call`, if any.
std::optional<status> take_failure(memory_disk& d, store_call call) {
  auto& slot = d.fail_next[static_cast<std::size_t>(call)];
  auto const e = slot;
  slot.reset();
  return e;
}

// The folder part of a '/'-joined relative path ("" for a name in the root).
std::string parent_of(std::string_view path) {
  auto const slash = path.rfind('/');
  return slash == std::string_view::npos ? std::string() : std::string(path.substr(0, slash));
}

// What the filesystem store's walk and leaf checks would say about `destination`.
status check_place(memory_disk const& d, std::string_view destination, bool allow_overwrite) {
  if (destination.empty()) return error::destination_is_directory;
  // Every folder on the way must exist; a published file in the way is not a folder.
  std::string const parent = parent_of(destination);
  for (std::size_t at = 0; at <= parent.size();) {
    auto const slash = parent.find('/', at);
    std::string const prefix = parent.substr(0, slash);
    if (d.files.contains(prefix)) return error::forbidden_path;
    if (!d.folders.contains(prefix)) return error::parent_not_found;
    if (slash == std::string::npos) break;
    at = slash + 1;
  }
  std::string const name(destination);
  if (d.folders.contains(name)) return error::destination_is_directory;
  if (!allow_overwrite && d.files.contains(name)) {
    return error::destination_exists;
  }
  return {};
}

// A read-only-by-convention memfd holding `bytes`, as the filesystem store's open calls
// return a descriptor.
status_or<storage::readable_file> as_file(std::vector<std::byte> const& bytes,
                                          std::uint64_t inode) {
  int const fd = ::memfd_create("openbits-memory-store", MFD_CLOEXEC);
  if (fd < 0) return error::storage_failure;
  std::size_t done = 0;
  while (done < bytes.size()) {
    ssize_t const n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ::close(fd);
      return error::storage_failure;
    }
    done += static_cast<std::size_t>(n);
  }
  return storage::readable_file{fd, bytes.size(), 0, inode};
}

class memory_writer final : public storage::data_writer {
 public:
  memory_writer(std::shared_ptr<memory_disk> disk, core::session_id id)
      : disk_(std::move(disk)), id_(id) {}

  status write_at(std::uint64_t offset, std::span<std::byte const> bytes) override {
    std::lock_guard lock(disk_->mu);
    if (auto e = take_failure(*disk_, store_call::write_at)) return *e;
    auto const it = disk_->spool.find(id_);
    // The filesystem writer keeps its descriptor after a discard; writes then land in an
    // unlinked file. Here they land nowhere, which is the same to every reader.
    if (it == disk_->spool.end() || !it->second.has_data) return {};
    auto& data = it->second.data;
    auto const end = static_cast<std::size_t>(offset) + bytes.size();
    if (data.size() < end) data.resize(end);
    std::copy(bytes.begin(), bytes.end(), data.begin() + static_cast<std::ptrdiff_t>(offset));
    return {};
  }

  status sync() override {
    std::lock_guard lock(disk_->mu);
    if (auto e = take_failure(*disk_, store_call::sync)) return *e;
    return {};
  }

 private:
  std::shared_ptr<memory_disk> disk_;
  core::session_id id_;
};

}  // namespace

void memory_disk::fail(store_call call, status failure) {
  std::lock_guard lock(mu);
  fail_next[static_cast<std::size_t>(call)] = std::move(failure);
}

memory_upload_store::memory_upload_store() : disk_(std::make_shared<memory_disk>()) {}

memory_upload_store::memory_upload_store(std::shared_ptr<memory_disk> disk)
    : disk_(std::move(disk)) {}

status memory_upload_store::check_destination(std::string_view destination, bool allow_overwrite) {
  std::lock_guard lock(disk_->mu);
  if (auto e = take_failure(*disk_, store_call::check_destination)) return *e;
  return check_place(*disk_, destination, allow_overwrite);
}

status memory_upload_store::create(storage::session_record const& record) {
  std::lock_guard lock(disk_->mu);
  if (auto e = take_failure(*disk_, store_call::create)) return *e;
  // Ids are never reused: an existing entry is an error, as mkdir's EEXIST is.
  if (disk_->spool.contains(record.id)) return error::storage_failure;
  disk_->spool.emplace(record.id, memory_disk::spool_entry{record, {}, true, std::nullopt});
  return {};
}

status_or<std::unique_ptr<storage::data_writer>> memory_upload_store::open_data(
    core::session_id const& id) {
  std::lock_guard lock(disk_->mu);
  if (auto e = take_failure(*disk_, store_call::open_data)) return *e;
  auto const it = disk_->spool.find(id);
  if (it == disk_->spool.end() || !it->second.has_data) {
    return error::session_not_found;
  }
  return std::unique_ptr<storage::data_writer>(std::make_unique<memory_writer>(disk_, id));
}

status memory_upload_store::save(storage::session_record const& record, bool /*durable*/) {
  std::lock_guard lock(disk_->mu);
  if (auto e = take_failure(*disk_, store_call::save)) return *e;
  auto const it = disk_->spool.find(record.id);
  if (it == disk_->spool.end()) return error::storage_failure;
  it->second.saved = record;
  return {};
}

status memory_upload_store::commit(storage::session_record const& record, bool allow_overwrite) {
  std::lock_guard lock(disk_->mu);
  if (auto e = take_failure(*disk_, store_call::commit)) return *e;
  auto const it = disk_->spool.find(record.id);
  if (it == disk_->spool.end() || !it->second.has_data) {
    return error::storage_failure;
  }
  auto& entry = it->second;
  // Exactly the acknowledged bytes: fewer means lost data, more are leftovers.
  if (entry.data.size() < record.received) return error::storage_failure;
  if (auto ec = check_place(*disk_, record.destination, allow_overwrite)) return ec;
  entry.data.resize(static_cast<std::size_t>(record.received));
  disk_->files[record.destination] = std::move(entry.data);
  entry.data.clear();
  entry.has_data = false;
  entry.saved = record;
  entry.saved.state = storage::session_state::complete;
  disk_->commits.push_back({record.destination, record.id, record.received});
  return {};
}

status memory_upload_store::discard(core::session_id const& id) {
  std::lock_guard lock(disk_->mu);
  if (auto e = take_failure(*disk_, store_call::discard)) return *e;
  disk_->spool.erase(id);
  return {};
}

status_or<storage::readable_file> memory_upload_store::open_published(
    std::string_view destination) {
  std::lock_guard lock(disk_->mu);
  std::string const name(destination);
  if (disk_->folders.contains(name)) return error::destination_is_directory;
  auto const it = disk_->files.find(name);
  if (it == disk_->files.end()) return error::parent_not_found;
  return as_file(it->second, disk_->next_inode++);
}

status_or<std::uint64_t> memory_upload_store::free_bytes() const {
  std::lock_guard lock(disk_->mu);
  if (auto e = take_failure(*disk_, store_call::free_bytes)) return *e;
  return disk_->free_space;
}

std::string memory_upload_store::spool_file_path(core::session_id const& id,
                                                 storage::spool_file which) const {
  return "/memory-spool/" + id.to_hex() +
         (which == storage::spool_file::request ? "/data" : "/reply");
}

status memory_upload_store::reset_reply(core::session_id const& id) {
  std::lock_guard lock(disk_->mu);
  if (auto e = take_failure(*disk_, store_call::reset_reply)) return *e;
  auto const it = disk_->spool.find(id);
  if (it == disk_->spool.end()) return error::session_not_found;
  it->second.reply.reset();
  return {};
}

status_or<storage::readable_file> memory_upload_store::open_reply(core::session_id const& id) {
  std::lock_guard lock(disk_->mu);
  if (auto e = take_failure(*disk_, store_call::open_reply)) return *e;
  auto const it = disk_->spool.find(id);
  if (it == disk_->spool.end()) return error::session_not_found;
  // An application that wrote nothing has replied with nothing (a 0-byte reply).
  if (!it->second.reply) it->second.reply.emplace();
  return as_file(*it->second.reply, disk_->next_inode++);
}

status memory_upload_store::add_tombstone(storage::tombstone_record const& t, bool /*durable*/) {
  std::lock_guard lock(disk_->mu);
  disk_->tombstones.push_back(t);
  return {};
}

status memory_upload_store::maintain_tombstones(std::int64_t /*now*/, std::int64_t oldest) {
  std::lock_guard lock(disk_->mu);
  std::erase_if(disk_->tombstones, [oldest](auto const& t) { return t.at < oldest; });
  return {};
}

status_or<storage::recovery_report> memory_upload_store::recover() {
  std::lock_guard lock(disk_->mu);
  storage::recovery_report report;
  report.tombstones = disk_->tombstones;
  for (auto const& t : disk_->tombstones) {
    if (disk_->spool.erase(t.id) != 0) report.discarded.push_back(t.id.to_hex() + ": ended");
  }
  for (auto& [id, entry] : disk_->spool) {
    auto& rec = entry.saved;
    if (rec.state == storage::session_state::receiving) {
      // What was saved is what survives; bytes written after the last save are dropped.
      rec.received = std::min<std::uint64_t>(rec.received, entry.data.size());
      entry.data.resize(static_cast<std::size_t>(rec.received));
    }
    report.sessions.push_back(rec);
  }
  return report;
}

}  // namespace bits::test
