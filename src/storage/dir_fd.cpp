// Descriptor ownership, errno mapping and the confined destination walk.
#include "storage/dir_fd.hpp"

#include "storage/upload_store.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cerrno>

#include <vector>

namespace bits::storage::detail {

void unique_fd::reset(int fd) noexcept {
  if (fd_ >= 0) {
    // close() may report a deferred write error, but every path that needs its data
    // durable calls fsync/fdatasync first and checks that instead; the descriptor is
    // released either way, so there is nothing to retry.
    static_cast<void>(::close(fd_));
  }
  fd_ = fd;
}

status io_failure(char const* operation, int err) {
  return status::from_errno(operation, err);
}

namespace {

// A segment that openat would interpret instead of looking it up as a plain name.
// Core's path rules never produce these; refusing them here keeps the store safe on
// its own ("..", in particular, would climb out of the root).
bool is_plain_name(std::string_view segment) noexcept {
  return !segment.empty() && segment != "." && segment != ".." &&
         segment.find('\0') == std::string_view::npos;
}

// After each step: the spool may live inside the root (by default <root>/.bits-spool),
// and nothing below it may ever be a destination; a folder on another filesystem (a
// mount point) would make the commit's rename fail with EXDEV.
status check_walked_dir(confinement const& c, int fd) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) return io_failure("fstat destination folder", errno);
  if (file_identity{st.st_dev, st.st_ino} == c.spool) {
    return error::forbidden_path;
  }
  if (st.st_dev != c.filesystem) return error::forbidden_path;
  return {};
}

// "a/b/c" -> {"a", "b", "c"}; empty segments are kept so that they can be refused.
std::vector<std::string_view> split_segments(std::string_view path) {
  std::vector<std::string_view> out;
  for (;;) {
    auto const slash = path.find('/');
    out.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) return out;
    path.remove_prefix(slash + 1);
  }
}

// One step down without following a symlink.
status_or<unique_fd> open_folder(confinement const& c, int parent, std::string const& name) {
  unique_fd child{::openat(parent, name.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)};
  if (!child) {
    int const err = errno;
    if (err == ENOENT) return error::parent_not_found;
    // ENOTDIR: a file, or (O_NOFOLLOW with O_DIRECTORY) a symlink; ELOOP: a symlink.
    if (err == ENOTDIR || err == ELOOP) return error::forbidden_path;
    return io_failure("open destination folder", err);
  }
  if (auto ec = check_walked_dir(c, child.get())) return ec;
  return child;
}

// A missing folder, made and opened without following a symlink raced in its place.
status_or<unique_fd> make_folder(confinement const& c, int parent, std::string const& name,
                                 mode_t mode) {
  bool const created = ::mkdirat(parent, name.c_str(), mode) == 0;
  if (!created && errno != EEXIST) {
    int const err = errno;
    if (err == ENOENT) return error::parent_not_found;  // removed meanwhile
    return io_failure("create destination folder", err);
  }
  // Read access for fchmod and fsync: a folder we just made grants it (dir_mode keeps
  // the owner's rwx); one made by someone else is only walked through.
  int const flags = (created ? O_RDONLY : O_PATH) | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
  unique_fd child{::openat(parent, name.c_str(), flags)};
  if (!child) {
    int const err = errno;
    if (err == ENOENT) return error::parent_not_found;
    if (err == ENOTDIR || err == ELOOP) return error::forbidden_path;
    return io_failure("open destination folder", err);
  }
  if (auto ec = check_walked_dir(c, child.get())) return ec;
  if (created && ::fchmod(child.get(), mode) != 0) return io_failure("chmod new folder", errno);
  // The new name must be durable before the commit's Ack; after EEXIST as well, since
  // the session that created the folder may not have synced its parent yet.
  if (auto ec = sync_dir(parent, ".")) return ec;
  return child;
}

}  // namespace

status_or<std::optional<destination_place>> walk(confinement const& c, std::string_view destination,
                                                 missing_folder missing, mode_t mode) {
  if (destination.empty()) return error::destination_is_directory;
  auto const segments = split_segments(destination);
  for (auto const segment : segments) {
    if (!is_plain_name(segment)) return error::forbidden_path;
  }
  // Start from our own descriptor of the root (the store's must stay open).
  unique_fd current{::openat(c.root_fd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC)};
  if (!current) return io_failure("open root", errno);
  if (auto ec = check_walked_dir(c, current.get())) return ec;
  for (std::size_t i = 0; i + 1 < segments.size(); ++i) {
    std::string const name{segments[i]};
    auto child = open_folder(c, current.get(), name);
    if (!child && child.error() == error::parent_not_found && missing != missing_folder::fail) {
      if (missing == missing_folder::stop) return std::optional<destination_place>{};
      child = make_folder(c, current.get(), name, mode);
    }
    if (!child) return child.error();
    current = std::move(*child);
  }
  return std::optional<destination_place>{
      destination_place{std::move(current), std::string{segments.back()}}};
}

status_or<destination_place> walk_to_parent(confinement const& c, std::string_view destination) {
  auto place = walk(c, destination, missing_folder::fail);
  if (!place) return place.error();
  return std::move(**place);
}

status check_leaf(confinement const& c, destination_place const& place, bool allow_overwrite) {
  struct stat st {};
  if (::fstatat(place.parent.get(), place.leaf.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
    int const err = errno;
    if (err == ENOENT) return {};
    return io_failure("stat destination", err);
  }
  if (file_identity{st.st_dev, st.st_ino} == c.spool) {
    return error::forbidden_path;
  }
  if (S_ISDIR(st.st_mode)) return error::destination_is_directory;
  if (!S_ISREG(st.st_mode)) return error::forbidden_path;
  if (!allow_overwrite) return error::destination_exists;
  return {};
}

int open_dir_for_read(int dir, char const* name) noexcept {
  return ::openat(dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

status sync_dir(int dir, char const* name) {
  // fsync needs a real descriptor: the O_PATH ones of the walk would give EBADF.
  unique_fd fd{open_dir_for_read(dir, name)};
  if (!fd) return io_failure("open folder to sync", errno);
  if (::fsync(fd.get()) != 0) return io_failure("fsync folder", errno);
  return {};
}

status list_names(int dir, std::vector<std::string>& out) {
  out.clear();
  // A fresh open file description, not a dup: a dup would share the read position
  // with `dir` and a second listing would start at its end.
  int const fd = open_dir_for_read(dir, ".");
  if (fd < 0) return io_failure("open folder to list", errno);
  DIR* const d = ::fdopendir(fd);
  if (d == nullptr) {
    int const err = errno;
    static_cast<void>(::close(fd));
    return io_failure("fdopendir", err);
  }
  status ec;
  for (;;) {
    errno = 0;
    dirent const* const e = ::readdir(d);
    if (e == nullptr) {
      if (errno != 0) ec = io_failure("readdir", errno);
      break;
    }
    std::string_view const name{e->d_name};
    if (name != "." && name != "..") out.emplace_back(name);
  }
  static_cast<void>(::closedir(d));  // read-only descriptor: nothing to lose on close
  return ec;
}

}  // namespace bits::storage::detail
