// file_body and file_sink on POSIX file descriptors.
#include "net/file_body.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <utility>

namespace bits::net {
namespace {

boost::system::error_code last_errno() {
  return {errno, boost::system::system_category()};
}

}  // namespace

result<file_body> file_body::open(std::filesystem::path const& path) {
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
  return file_body(fd, static_cast<std::uint64_t>(st.st_size));
}

file_body::file_body(file_body&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), size_(other.size_) {}

file_body& file_body::operator=(file_body&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
    size_ = other.size_;
  }
  return *this;
}

file_body::~file_body() {
  if (fd_ >= 0) ::close(fd_);
}

result<std::size_t> file_body::read_at(std::uint64_t offset, std::span<char> out) {
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

file_sink::file_sink(std::filesystem::path path, unsigned accepted)
    : path_(std::move(path)), accepted_(accepted) {}

file_sink::~file_sink() {
  (void)close();
}

body_decision file_sink::start(unsigned status, header_list const&) {
  return status == accepted_ ? body_decision::accept : body_decision::discard;
}

boost::system::error_code file_sink::write(std::span<char const> bytes) {
  if (fd_ < 0) {
    fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    if (fd_ < 0) return error_ = last_errno();
  }
  while (!bytes.empty()) {
    ssize_t const n = ::write(fd_, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0)
      return error_ = n < 0 ? last_errno() : make_error_code(boost::system::errc::io_error);
    bytes = bytes.subspan(static_cast<std::size_t>(n));
    written_ += static_cast<std::uint64_t>(n);
  }
  return {};
}

boost::system::error_code file_sink::close() {
  if (fd_ >= 0 && ::close(std::exchange(fd_, -1)) != 0 && !error_) error_ = last_errno();
  return error_;
}

}  // namespace bits::net
