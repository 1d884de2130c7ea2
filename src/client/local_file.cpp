// local_file on POSIX file descriptors.
#include "client/local_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <utility>

namespace bits::client {
namespace {

boost::system::error_code last_errno() {
  return {errno, boost::system::system_category()};
}

file_identity to_identity(struct stat const& st) {
  file_identity id;
  id.size = static_cast<std::uint64_t>(st.st_size);
  id.mtime_ns = static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
  id.inode = static_cast<std::uint64_t>(st.st_ino);
  id.device = static_cast<std::uint64_t>(st.st_dev);
  return id;
}

}  // namespace

result<file_identity> identify(std::filesystem::path const& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return last_errno();
  return to_identity(st);
}

result<local_file> local_file::open(std::filesystem::path const& path) {
  int const fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return last_errno();
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    auto ec = last_errno();
    ::close(fd);
    return ec;
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    return boost::system::error_code(S_ISDIR(st.st_mode) ? EISDIR : EINVAL,
                                     boost::system::system_category());
  }
  // Sequential reads of the whole file: let the kernel read ahead generously.
  ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  return local_file(fd, to_identity(st));
}

local_file::local_file(local_file&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), identity_(other.identity_) {}

local_file& local_file::operator=(local_file&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
    identity_ = other.identity_;
  }
  return *this;
}

local_file::~local_file() {
  if (fd_ >= 0) ::close(fd_);
}

bool local_file::changed() const noexcept {
  struct stat st {};
  if (::fstat(fd_, &st) != 0) return true;
  auto const now = to_identity(st);
  return now.size != identity_.size || now.mtime_ns != identity_.mtime_ns;
}

result<std::size_t> local_file::read_at(std::uint64_t offset, std::span<char> out) {
  std::size_t done = 0;
  while (done < out.size()) {
    ssize_t const n =
        ::pread(fd_, out.data() + done, out.size() - done, static_cast<off_t>(offset + done));
    if (n < 0) {
      if (errno == EINTR) continue;
      return last_errno();
    }
    if (n == 0) break;
    done += static_cast<std::size_t>(n);
  }
  return done;
}

}  // namespace bits::client
