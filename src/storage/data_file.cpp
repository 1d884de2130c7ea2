// pwrite/read loops and the data_writer of a spool entry's data file.
#include "storage/data_file.hpp"

#include <fcntl.h>
#include <unistd.h>
#include <cerrno>
#include <limits>

namespace bits::storage::detail {
namespace {

constexpr auto max_off = static_cast<std::uint64_t>(std::numeric_limits<off_t>::max());

class fs_data_writer final : public data_writer {
 public:
  explicit fs_data_writer(unique_fd fd) : fd_(std::move(fd)) {}

  status write_at(std::uint64_t offset, std::span<std::byte const> bytes) override {
    return write_all_at(fd_.get(), offset, bytes, "pwrite data");
  }

  status sync() override {
    if (::fdatasync(fd_.get()) != 0) return io_failure("fdatasync data", errno);
    return {};
  }

 private:
  unique_fd fd_;
};

}  // namespace

status write_all_at(int fd, std::uint64_t offset, std::span<std::byte const> bytes,
                    char const* operation) {
  // off_t is signed: an offset past its range cannot be written (and no file system
  // we run on would hold it anyway).
  if (offset > max_off || bytes.size() > max_off - offset) {
    return io_failure(operation, EFBIG);
  }
  while (!bytes.empty()) {
    auto const n = ::pwrite(fd, bytes.data(), bytes.size(), static_cast<off_t>(offset));
    if (n < 0) {
      if (errno == EINTR) continue;
      return io_failure(operation, errno);
    }
    // pwrite returns 0 only for a zero-length request, which the loop never makes.
    auto const written = static_cast<std::size_t>(n);
    bytes = bytes.subspan(written);
    offset += written;
  }
  return {};
}

status read_small_file(int dir, char const* name, std::size_t max_bytes, std::string& out) {
  unique_fd fd{::openat(dir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)};
  if (!fd) return io_failure("open for reading", errno);
  // Read to end of file rather than trusting st_size: files under /proc report 0.
  out.clear();
  char buffer[4096];
  for (;;) {
    auto const n = ::read(fd.get(), buffer, sizeof buffer);
    if (n < 0) {
      if (errno == EINTR) continue;
      return io_failure("read", errno);
    }
    if (n == 0) return {};
    auto const got = static_cast<std::size_t>(n);
    if (got > max_bytes - out.size()) return io_failure("read (file too large)", EFBIG);
    out.append(buffer, got);
  }
}

status read_at(int fd, std::uint64_t offset, std::size_t len, std::string& out) {
  out.resize(len);
  std::size_t have = 0;
  while (have < len) {
    auto const n = ::pread(fd, out.data() + have, len - have, static_cast<off_t>(offset + have));
    if (n < 0) {
      if (errno == EINTR) continue;
      return io_failure("read metadata", errno);
    }
    if (n == 0) break;
    have += static_cast<std::size_t>(n);
  }
  out.resize(have);
  return {};
}

std::unique_ptr<data_writer> make_data_writer(unique_fd fd) {
  return std::make_unique<fs_data_writer>(std::move(fd));
}

}  // namespace bits::storage::detail
