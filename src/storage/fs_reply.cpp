// Free space of the spool, and upload-reply files in the spool: the paths a server application
// sees, and the reply served back to the client (reference 7.3-7.5).
#include "storage/fs_store.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>

namespace bits::storage::detail {

std::string fs_store::spool_file_path(core::session_id const& id, spool_file which) const {
  return spool_path_ + "/" + id.to_hex() + "/" +
         (which == spool_file::request ? data_name : reply_name);
}

status_or<std::uint64_t> fs_store::free_bytes() const {
  struct statvfs st {};
  if (::fstatvfs(spool_.get(), &st) != 0) return io_failure("statvfs spool", errno);
  return static_cast<std::uint64_t>(st.f_bavail) * static_cast<std::uint64_t>(st.f_frsize);
}

status fs_store::reset_reply(core::session_id const& id) {
  unique_fd const entry = open_entry(id.to_hex());
  if (!entry)
    return errno == ENOENT ? error::session_not_found : io_failure("open spool entry", errno);
  if (::unlinkat(entry.get(), reply_name, 0) != 0 && errno != ENOENT) {
    return io_failure("remove reply", errno);
  }
  return {};
}

status_or<readable_file> fs_store::open_reply(core::session_id const& id) {
  unique_fd const entry = open_entry(id.to_hex());
  if (!entry)
    return errno == ENOENT ? error::session_not_found : io_failure("open spool entry", errno);
  // O_CREAT without O_TRUNC: an application that wrote nothing has replied with nothing.
  // O_NOFOLLOW: the application writes here and must not redirect our reads elsewhere.
  unique_fd fd{::openat(entry.get(), reply_name,
                        O_RDONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | O_NOCTTY, 0644)};
  if (!fd) {
    return errno == ELOOP ? error::forbidden_path : io_failure("open reply", errno);
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return io_failure("fstat reply", errno);
  if (!S_ISREG(st.st_mode)) return error::forbidden_path;
  int const flags = ::fcntl(fd.get(), F_GETFL);
  if (flags < 0 || ::fcntl(fd.get(), F_SETFL, flags & ~O_NONBLOCK) != 0) {
    return io_failure("fcntl reply", errno);
  }
  auto const mtime_ns = static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 +
                        static_cast<std::int64_t>(st.st_mtim.tv_nsec);
  return readable_file{fd.release(), static_cast<std::uint64_t>(st.st_size), mtime_ns,
                       static_cast<std::uint64_t>(st.st_ino)};
}

}  // namespace bits::storage::detail
