// The filesystem upload_store: spool entries, metadata saves, commit by rename, and
// open_fs_store. Recovery lives in fs_recover.cpp.
#include "storage/fs_store.hpp"

#include "storage/crash_point.hpp"
#include "storage/data_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>

#include <algorithm>
#include <system_error>

namespace bits::storage {
namespace detail {

fs_store::fs_store(unique_fd root, unique_fd spool, confinement conf, std::string boot_id,
                   fs_store_options options)
    : root_(std::move(root)),
      spool_(std::move(spool)),
      conf_(conf),
      boot_id_(std::move(boot_id)),
      options_(options) {}

unique_fd fs_store::open_entry(std::string const& hex) const noexcept {
  return unique_fd{
      ::openat(spool_.get(), hex.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)};
}

status fs_store::check_destination(std::string_view destination, bool allow_overwrite) {
  // With create_dirs a missing folder is fine: commit creates it (not now, so that an
  // abandoned session leaves no empty folders), and nothing can exist below it.
  auto place =
      walk(conf_, destination, options_.create_dirs ? missing_folder::stop : missing_folder::fail);
  if (!place) return place.error();
  if (!*place) return {};
  return check_leaf(conf_, **place, allow_overwrite);
}

status fs_store::create(session_record const& record) {
  std::string const hex = record.id.to_hex();
  if (::mkdirat(spool_.get(), hex.c_str(), 0700) != 0) {
    return io_failure("create spool entry", errno);  // EEXIST too: ids are never reused
  }
  auto const ec = [&]() -> status {
    unique_fd const entry = open_entry(hex);
    if (!entry) return io_failure("open spool entry", errno);
    unique_fd const data{::openat(entry.get(), data_name,
                                  O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644)};
    if (!data) return io_failure("create data file", errno);
    // Not synced: a session lost to a power cut before its first durable save only
    // makes the client start over, and syncing here would slow every Create-Session.
    // Version 1 in the first slot. A half-written file makes recover() drop the
    // entry, as a missing one does: there is no earlier version to protect.
    std::string const slot = encode_meta_slot(stored_metadata{record, 0, boot_id_}, 1);
    unique_fd const meta{::openat(entry.get(), meta_name,
                                  O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600)};
    if (!meta) return io_failure("create metadata", errno);
    return write_all_at(meta.get(), slot_offset(1), std::as_bytes(std::span{slot}),
                        "write metadata");
  }();
  if (ec) {
    static_cast<void>(remove_entry(hex));  // best effort; recover() removes leftovers
    return ec;
  }
  remember(record.id, meta_state{0, 1, false});
  return {};
}

status_or<std::unique_ptr<data_writer>> fs_store::open_data(core::session_id const& id) {
  unique_fd const entry = open_entry(id.to_hex());
  if (!entry) {
    if (errno == ENOENT) return error::session_not_found;
    return io_failure("open spool entry", errno);
  }
  unique_fd data{::openat(entry.get(), data_name, O_WRONLY | O_NOFOLLOW | O_CLOEXEC)};
  if (!data) {
    if (errno == ENOENT) return error::session_not_found;
    return io_failure("open data file", errno);
  }
  return make_data_writer(std::move(data));
}

status fs_store::save(session_record const& record, bool durable) {
  unique_fd const entry = open_entry(record.id.to_hex());
  if (!entry) return io_failure("open spool entry", errno);
  // The boot id is always the current one: on the same boot, recovery trusts the data
  // file's size, whatever was synced; `durable` only moves when the caller has synced.
  stored_metadata const meta{
      record, durable ? record.received : state_of(record.id, entry.get()).durable, boot_id_};
  return write_metadata(entry.get(), meta, durable ? meta_sync::now : meta_sync::none);
}

status fs_store::sync_spool() {
  // One journal commit for every session's bytes and saves, however many there are.
  if (::syncfs(spool_.get()) != 0) return io_failure("syncfs spool", errno);
  return {};
}

status fs_store::save_after_spool_sync(session_record const& record) {
  unique_fd const entry = open_entry(record.id.to_hex());
  if (!entry) return io_failure("open spool entry", errno);
  return write_metadata(entry.get(), stored_metadata{record, record.received, boot_id_},
                        meta_sync::spool_sync);
}

status fs_store::write_metadata(int entry, stored_metadata const& meta, meta_sync how) {
  auto state = state_of(meta.record.id, entry);
  std::uint64_t const seq = state.seq + 1;
  std::string const slot = encode_meta_slot(meta, seq);
  if (slot.size() > meta_slot_stride) return io_failure("metadata too large", EFBIG);
  unique_fd const fd{::openat(entry, meta_name, O_WRONLY | O_NOFOLLOW | O_CLOEXEC)};
  if (!fd) return io_failure("open metadata", errno);
  if (auto ec = write_all_at(fd.get(), slot_offset(seq), std::as_bytes(std::span{slot}),
                             "write metadata")) {
    return ec;  // the other slot still holds the last complete version
  }
  if (how == meta_sync::now) {
    if (::fdatasync(fd.get()) != 0) return io_failure("fdatasync metadata", errno);
    // meta.json's name in the folder is made durable once; later saves only rewrite it.
    if (!state.folder_synced) {
      if (auto ec = sync_dir(entry, ".")) return ec;
      state.folder_synced = true;
    }
  }
  if (how == meta_sync::spool_sync) {
    // The entry existed before the data was synced, so that sync_spool() made its
    // folder and meta.json's name durable too.
    state.folder_synced = true;
  }
  if (how != meta_sync::none) state.durable = meta.durable;
  state.seq = seq;
  remember(meta.record.id, state);
  return {};
}

fs_store::meta_state fs_store::state_of(core::session_id const& id, int entry) {
  {
    std::lock_guard const lock{mutex_};
    if (auto const it = states_.find(id); it != states_.end()) return it->second;
  }
  // Not seen since this store was opened (recover() not called): the file knows.
  auto const current = read_metadata(entry);
  if (!current) return {};
  return meta_state{current->meta.durable, current->seq, false};
}

status fs_store::commit(session_record const& record, bool allow_overwrite) {
  std::string const hex = record.id.to_hex();
  unique_fd const entry = open_entry(hex);
  if (!entry) return io_failure("open spool entry", errno);
  file_identity data_id;
  {
    unique_fd const data{::openat(entry.get(), data_name, O_RDWR | O_NOFOLLOW | O_CLOEXEC)};
    if (!data) return io_failure("open data file", errno);
    struct stat st {};
    if (::fstat(data.get(), &st) != 0) return io_failure("fstat data file", errno);
    data_id = file_identity{st.st_dev, st.st_ino};
    auto const size = static_cast<std::uint64_t>(st.st_size);
    // Publish exactly the bytes acknowledged: fewer means the spool lost data (refuse
    // rather than publish a damaged file); more are unacknowledged leftovers. A file
    // with another name already (a commit cut short by a crash) was cut and synced then.
    if (size < record.received) return io_failure("data file shorter than received", EIO);
    if (size > record.received &&
        ::ftruncate(data.get(), static_cast<off_t>(record.received)) != 0) {
      return io_failure("truncate data file", errno);
    }
    if (::fdatasync(data.get()) != 0) return io_failure("fdatasync data", errno);
  }
  auto place = walk(conf_, record.destination,
                    options_.create_dirs ? missing_folder::create : missing_folder::fail,
                    static_cast<mode_t>(options_.dir_mode));
  if (!place) return place.error();
  auto const& at = **place;
  // Already published by a commit that a crash cut short: finish that one.
  struct stat leaf {};
  bool const published =
      ::fstatat(at.parent.get(), at.leaf.c_str(), &leaf, AT_SYMLINK_NOFOLLOW) == 0 &&
      S_ISREG(leaf.st_mode) && file_identity{leaf.st_dev, leaf.st_ino} == data_id;
  if (!published) {
    if (auto ec = check_leaf(conf_, at, allow_overwrite)) return ec;
    if (auto ec = publish(entry.get(), hex, at, allow_overwrite)) return ec;
  }
  if (auto ec = dirs_.sync(at.parent.get())) return ec;
  crash_point("commit.after_sync");
  stored_metadata meta{record, record.received, boot_id_};
  meta.record.state = session_state::complete;
  if (auto ec = write_metadata(entry.get(), meta, meta_sync::now)) return ec;
  crash_point("commit.after_save");
  // The destination's name is durable now, so the spool's may go. Not synced: if a
  // crash undoes this unlink, recover() repeats it.
  if (::unlinkat(entry.get(), data_name, 0) != 0 && errno != ENOENT) {
    return io_failure("unlink published data", errno);
  }
  return {};
}

namespace {

status rename_failure(int err) {
  if (err == EEXIST) return error::destination_exists;
  if (err == EISDIR || err == ENOTEMPTY) return error::destination_is_directory;
  if (err == ENOENT) return error::parent_not_found;  // folder removed meanwhile
  return io_failure("link into destination", err);
}

// The filesystem cannot make hard links (EPERM also when protected_hardlinks refuses).
bool cannot_link(int err) noexcept {
  return err == EPERM || err == EOPNOTSUPP;
}

}  // namespace

status fs_store::publish(int entry, std::string const& hex, destination_place const& place,
                         bool allow_overwrite) {
  int const parent = place.parent.get();
  char const* const leaf = place.leaf.c_str();
  // A second name beside the destination first, then a rename onto it: the data file
  // keeps its spool name until commit() has saved the session as complete, and
  // programs watching the folder see the file arrive by a rename, as they always did.
  std::string const temp = std::string(commit_link_prefix) + hex;
  int linked = ::linkat(entry, data_name, parent, temp.c_str(), 0);
  if (linked != 0 && errno == EEXIST) {  // left by an earlier try of this session's commit
    if (::unlinkat(parent, temp.c_str(), 0) != 0 && errno != ENOENT) {
      return io_failure("remove old commit link", errno);
    }
    linked = ::linkat(entry, data_name, parent, temp.c_str(), 0);
  }
  if (linked != 0) {
    if (!cannot_link(errno)) return rename_failure(errno);
    // No hard links on this filesystem: a plain rename, which leaves a crash window.
    int const moved = allow_overwrite
                          ? ::renameat(entry, data_name, parent, leaf)
                          : ::renameat2(entry, data_name, parent, leaf, RENAME_NOREPLACE);
    return moved == 0 ? status{} : rename_failure(errno);
  }
  crash_point("commit.after_link");
  // Without overwrites RENAME_NOREPLACE (or, where the filesystem lacks it, link(),
  // which refuses an existing name as well) never replaces a file that appeared since
  // check_leaf.
  int err = 0;
  if (allow_overwrite) {
    if (::renameat(parent, temp.c_str(), parent, leaf) != 0) err = errno;
  } else if (::renameat2(parent, temp.c_str(), parent, leaf, RENAME_NOREPLACE) != 0) {
    err = errno;
    if (err == EINVAL) err = ::linkat(parent, temp.c_str(), parent, leaf, 0) == 0 ? 0 : errno;
    if (err == 0) static_cast<void>(::unlinkat(parent, temp.c_str(), 0));
  }
  if (err != 0) {
    static_cast<void>(::unlinkat(parent, temp.c_str(), 0));
    return rename_failure(err);
  }
  crash_point("commit.after_rename");
  return {};
}

status fs_store::discard(core::session_id const& id) {
  forget(id);
  return remove_entry(id.to_hex());
}

status fs_store::add_tombstone(tombstone_record const& t, bool durable) {
  return tombstones_.append(t, durable);
}

status fs_store::maintain_tombstones(std::int64_t now, std::int64_t oldest) {
  return tombstones_.maintain(now, oldest);
}

status fs_store::remove_entry(std::string const& name) const {
  unique_fd const entry{open_dir_for_read(spool_.get(), name.c_str())};
  if (!entry) {
    int const err = errno;
    if (err == ENOENT) return {};
    // ENOTDIR/ELOOP: a stray file or symlink in the spool, never followed.
    if (err != ENOTDIR && err != ELOOP) return io_failure("open spool entry", err);
    if (::unlinkat(spool_.get(), name.c_str(), 0) != 0 && errno != ENOENT) {
      return io_failure("remove spool file", errno);
    }
    return {};
  }
  std::vector<std::string> names;
  if (auto ec = list_names(entry.get(), names)) return ec;
  for (auto const& n : names) {
    if (::unlinkat(entry.get(), n.c_str(), 0) == 0 || errno == ENOENT) continue;
    // Only files are expected; an empty folder is removed too, a full one is left
    // (and reported) rather than deleted recursively.
    if (errno != EISDIR || ::unlinkat(entry.get(), n.c_str(), AT_REMOVEDIR) != 0) {
      return io_failure("remove file in spool entry", errno);
    }
  }
  if (::unlinkat(spool_.get(), name.c_str(), AT_REMOVEDIR) != 0 && errno != ENOENT) {
    return io_failure("remove spool entry", errno);
  }
  return {};
}

void fs_store::remember(core::session_id const& id, meta_state state) {
  std::lock_guard const lock{mutex_};
  states_[id] = state;
}

void fs_store::forget(core::session_id const& id) {
  std::lock_guard const lock{mutex_};
  states_.erase(id);
}

namespace {

/// The slot of `fd` at `offset`: its first 4 KiB, all of it when its header says it
/// is longer. Empty past the end of the file.
status read_slot(int fd, std::uint64_t offset, std::string& out) {
  constexpr std::size_t first_read = 4096;
  if (auto ec = read_at(fd, offset, first_read, out)) return ec;
  if (out.size() < first_read) return {};
  auto const size = meta_slot_size(out);
  if (!size || *size <= out.size() || *size > meta_slot_stride) return {};
  return read_at(fd, offset, static_cast<std::size_t>(*size), out);
}

}  // namespace

status_or<meta_version> read_metadata(int entry) {
  unique_fd const fd{::openat(entry, meta_name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)};
  if (!fd) return io_failure("open metadata", errno);
  std::string first;
  std::string second;
  if (auto ec = read_slot(fd.get(), 0, first)) return ec;
  if (auto ec = read_slot(fd.get(), meta_slot_stride, second)) return ec;
  auto current = decode_meta_slots(first, second);
  if (!current) return io_failure("decode metadata", EINVAL);
  return std::move(*current);
}

}  // namespace detail

status_or<std::unique_ptr<upload_store>> open_fs_store(std::string const& root,
                                                       std::string const& spool,
                                                       fs_store_options options) {
  // Each cause names the folder: these errors are for the operator at start-up.
  auto const fail = [](std::string operation, int err) -> status {
    if (err != 0) return status::from_errno(std::move(operation), err);
    return {error::storage_failure, cause(std::move(operation))};
  };
  detail::unique_fd root_fd{::open(root.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC)};
  if (!root_fd) {
    int const err = errno;  // before the text is built: allocation may change errno
    return fail("cannot open root '" + root + "'", err);
  }
  if (::mkdir(spool.c_str(), 0700) != 0 && errno != EEXIST) {
    int const err = errno;
    return fail("cannot create spool '" + spool + "'", err);
  }
  detail::unique_fd spool_fd{::open(spool.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)};
  if (!spool_fd) {
    int const err = errno;
    return fail("cannot open spool '" + spool + "'", err);
  }
  struct stat root_st {};
  struct stat spool_st {};
  if (::fstat(root_fd.get(), &root_st) != 0 || ::fstat(spool_fd.get(), &spool_st) != 0) {
    int const err = errno;
    return fail("cannot stat root or spool", err);
  }
  if (root_st.st_dev != spool_st.st_dev) {
    return fail("spool '" + spool + "' is not on the filesystem of root '" + root +
                    "' (commit must be one rename)",
                0);
  }
  if (root_st.st_ino == spool_st.st_ino) return fail("spool '" + spool + "' is the root itself", 0);
  detail::confinement const conf{
      root_fd.get(), {spool_st.st_dev, spool_st.st_ino}, spool_st.st_dev};
  char resolved[PATH_MAX];
  if (::realpath(spool.c_str(), resolved) == nullptr) {
    int const err = errno;
    return fail("cannot resolve spool '" + spool + "'", err);
  }
  auto store = std::make_unique<detail::fs_store>(std::move(root_fd), std::move(spool_fd), conf,
                                                  detail::read_boot_id(), options);
  store->set_spool_path(resolved);
  return std::unique_ptr<upload_store>{std::move(store)};
}

}  // namespace bits::storage
