// Downloads: opening a published file under the root (upload_store::open_published)
// with the same confinement as uploads, and the readable_file that carries it.
#include "storage/fs_store.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cerrno>

namespace bits::storage {

readable_file::~readable_file() {
  // Opened read-only: close() cannot lose data, so its result does not matter.
  if (fd_ >= 0) static_cast<void>(::close(fd_));
}

status_or<std::size_t> readable_file::read_at(std::uint64_t offset,
                                              std::span<std::byte> into) const {
  if (source_) return source_->read_at(offset, into);
  for (;;) {
    ssize_t const n = ::pread(fd_, into.data(), into.size(), static_cast<off_t>(offset));
    if (n >= 0) return static_cast<std::size_t>(n);
    if (errno != EINTR) return detail::io_failure("read published file", errno);
  }
}

status_or<session_record> upload_store::load(core::session_id const& /*id*/) {
  return error::session_not_found;
}

status_or<std::uint64_t> upload_store::catch_up(core::session_id const& /*id*/,
                                                std::uint64_t held) {
  return held;
}

std::optional<tombstone_record> upload_store::find_tombstone(core::session_id const& /*id*/) {
  return std::nullopt;
}

status upload_store::probe() {
  return {};
}

status upload_store::prepare_request(session_record const& /*record*/) {
  return {};
}

status upload_store::keep_reply(session_record const& /*record*/) {
  return {};
}

status_or<core::session_id> upload_store::find_reply(std::string_view /*token*/) {
  return error::session_not_found;
}

namespace detail {

status_or<readable_file> fs_store::open_published(std::string_view destination) {
  auto place = walk_to_parent(conf_, destination);
  if (!place) return place.error();
  int const parent = place->parent.get();
  char const* const leaf = place->leaf.c_str();
  // Look before opening: opening a fifo or a device can block or have side effects.
  struct stat before {};
  if (::fstatat(parent, leaf, &before, AT_SYMLINK_NOFOLLOW) != 0) {
    if (errno == ENOENT) return error::invalid_path;
    return io_failure("stat published file", errno);
  }
  if (file_identity{before.st_dev, before.st_ino} == conf_.spool) {
    return error::forbidden_path;
  }
  if (S_ISDIR(before.st_mode)) return error::destination_is_directory;
  if (!S_ISREG(before.st_mode)) return error::forbidden_path;
  // The name may have been replaced since: O_NOFOLLOW refuses a symlink, O_NONBLOCK
  // and O_NOCTTY keep a fifo or terminal from blocking or attaching, and the fstat
  // below refuses anything that is not a regular file.
  unique_fd fd{::openat(parent, leaf, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)};
  if (!fd) {
    int const err = errno;
    if (err == ENOENT) return error::invalid_path;
    if (err == ELOOP) return error::forbidden_path;
    return io_failure("open published file", err);
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return io_failure("fstat published file", errno);
  if (!S_ISREG(st.st_mode)) return error::forbidden_path;
  // Regular files ignore O_NONBLOCK, but readers should not have to know it was set.
  int const flags = ::fcntl(fd.get(), F_GETFL);
  if (flags < 0 || ::fcntl(fd.get(), F_SETFL, flags & ~O_NONBLOCK) != 0) {
    return io_failure("fcntl published file", errno);
  }
  auto const mtime_ns = static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 +
                        static_cast<std::int64_t>(st.st_mtim.tv_nsec);
  return readable_file{fd.release(), static_cast<std::uint64_t>(st.st_size), mtime_ns,
                       static_cast<std::uint64_t>(st.st_ino)};
}

}  // namespace detail
}  // namespace bits::storage
