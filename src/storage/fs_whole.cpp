// A session's whole file in one Fragment: written to an unnamed file (O_TMPFILE) in the
// destination folder and published with linkat, without a spool entry. Also the
// default open_whole/commit_whole of every upload_store (spool entry, then commit).
#include "storage/crash_point.hpp"
#include "storage/data_file.hpp"
#include "storage/fs_store.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cerrno>

#include <string>

namespace bits::storage {

status_or<std::unique_ptr<data_writer>> upload_store::open_whole(session_record const& record) {
  if (auto ec = create(record)) return ec;
  return open_data(record.id);
}

status upload_store::commit_whole(session_record const& record, data_writer& /*writer*/,
                                  bool allow_overwrite) {
  return commit(record, allow_overwrite);
}

namespace detail {
namespace {

/// The bytes of a whole upload in an unnamed file of the destination folder.
class unnamed_writer final : public data_writer {
 public:
  explicit unnamed_writer(unique_fd fd) : fd_(std::move(fd)) {}

  status write_at(std::uint64_t offset, std::span<std::byte const> bytes) override {
    return write_all_at(fd_.get(), offset, bytes, "pwrite data");
  }

  status sync() override {
    if (::fdatasync(fd_.get()) != 0) return io_failure("fdatasync data", errno);
    return {};
  }

  bool spooled() const noexcept override { return false; }

  [[nodiscard]] int fd() const noexcept { return fd_.get(); }

 private:
  unique_fd fd_;
};

status link_failure(int err) {
  if (err == EEXIST) return error::destination_exists;
  if (err == EISDIR || err == ENOTEMPTY) return error::destination_is_directory;
  if (err == ENOENT) return error::parent_not_found;  // folder removed meanwhile
  return io_failure("link into destination", err);
}

/// The filesystem has no unnamed files, or not in this folder.
bool no_unnamed_files(int err) noexcept {
  return err == EOPNOTSUPP || err == EISDIR || err == EINVAL;
}

}  // namespace

status_or<std::unique_ptr<data_writer>> fs_store::open_whole(session_record const& record) {
  // A missing folder is created at commit, as for any upload: until then, the spool.
  auto place = walk(conf_, record.destination, missing_folder::stop);
  if (!place) return place.error();
  if (*place) {
    unique_fd fd{::openat((*place)->parent.get(), ".", O_TMPFILE | O_WRONLY | O_CLOEXEC, 0644)};
    if (fd) return std::unique_ptr<data_writer>{std::make_unique<unnamed_writer>(std::move(fd))};
    if (!no_unnamed_files(errno)) return io_failure("open unnamed file", errno);
  }
  return upload_store::open_whole(record);
}

status fs_store::commit_whole(session_record const& record, data_writer& writer,
                              bool allow_overwrite) {
  auto* const unnamed = dynamic_cast<unnamed_writer*>(&writer);
  if (unnamed == nullptr) return commit(record, allow_overwrite);
  int const fd = unnamed->fd();
  struct stat st {};
  if (::fstat(fd, &st) != 0) return io_failure("fstat data file", errno);
  // Exactly the bytes acknowledged, as commit() publishes them.
  if (static_cast<std::uint64_t>(st.st_size) != record.received) {
    return io_failure("unnamed file size differs from received", EIO);
  }
  // The bytes first: a name never points at a file whose bytes could be lost.
  if (::fdatasync(fd) != 0) return io_failure("fdatasync data", errno);
  auto place = walk(conf_, record.destination,
                    options_.create_dirs ? missing_folder::create : missing_folder::fail,
                    static_cast<mode_t>(options_.dir_mode));
  if (!place) return place.error();
  auto const& at = **place;
  if (auto ec = check_leaf(conf_, at, allow_overwrite)) return ec;
  int const parent = at.parent.get();
  std::string const self = "/proc/self/fd/" + std::to_string(fd);
  if (!allow_overwrite) {
    // linkat never replaces a name: a file that appeared since check_leaf stays.
    if (::linkat(AT_FDCWD, self.c_str(), parent, at.leaf.c_str(), AT_SYMLINK_FOLLOW) != 0) {
      return link_failure(errno);
    }
  } else {
    // A name beside the destination, renamed onto it (programs watching the folder
    // see the file arrive by a rename, as with commit()).
    std::string const temp = std::string(commit_link_prefix) + record.id.to_hex();
    static_cast<void>(::unlinkat(parent, temp.c_str(), 0));
    if (::linkat(AT_FDCWD, self.c_str(), parent, temp.c_str(), AT_SYMLINK_FOLLOW) != 0) {
      return link_failure(errno);
    }
    if (::renameat(parent, temp.c_str(), parent, at.leaf.c_str()) != 0) {
      int const err = errno;
      static_cast<void>(::unlinkat(parent, temp.c_str(), 0));
      return link_failure(err);
    }
  }
  crash_point("commit.whole_after_link");
  // In the page cache before the folder sync, so a process crash from here on keeps it.
  static_cast<void>(
      tombstones_.append({record.id, tombstone::committed, record.last_activity}, false));
  if (auto ec = dirs_.sync(parent)) return ec;
  crash_point("commit.after_batch_sync");
  return {};
}

}  // namespace detail
}  // namespace bits::storage
