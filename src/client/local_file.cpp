// local_file: net::file_body plus the identity checks of BITS.
#include "client/local_file.hpp"

#include <sys/stat.h>

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
  auto file = net::file_body::open(path);
  if (!file) return file.error();
  struct stat st {};
  if (::fstat(file->fd(), &st) != 0) return last_errno();
  return local_file(std::move(*file), to_identity(st));
}

bool local_file::changed() const noexcept {
  struct stat st {};
  if (::fstat(file_.fd(), &st) != 0) return true;
  auto const now = to_identity(st);
  return now.size != identity_.size || now.mtime_ns != identity_.mtime_ns;
}

result<std::size_t> local_file::read_at(std::uint64_t offset, std::span<char> out) {
  return file_.read_at(offset, out);
}

}  // namespace bits::client
