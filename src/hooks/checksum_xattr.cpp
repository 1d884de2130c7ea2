// fsetxattr/fgetxattr on the published file's descriptor.
#include "hooks/checksum_xattr.hpp"

#include "core/number_text.hpp"

#include <sys/stat.h>
#include <sys/xattr.h>
#include <cerrno>

#include <array>
#include <string_view>

namespace bits::hooks {
namespace {

boost::system::error_code errno_code(int err) {
  return {err, boost::system::system_category()};
}

std::int64_t mtime_ns(struct stat const& st) {
  return static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 +
         static_cast<std::int64_t>(st.st_mtim.tv_nsec);
}

bool no_attribute(int err) {
  return err == ENODATA || err == ENOTSUP || err == EOPNOTSUPP || err == ERANGE;
}

}  // namespace

boost::system::error_code store_checksum_xattr(int fd, sha256_digest const& digest) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) return errno_code(errno);
  std::string const value =
      digest.hex() + " " + std::to_string(st.st_size) + " " + std::to_string(mtime_ns(st));
  if (::fsetxattr(fd, checksum_xattr_name, value.data(), value.size(), 0) != 0) {
    return errno_code(errno);
  }
  return {};
}

result<std::optional<sha256_digest>> read_checksum_xattr(int fd) {
  std::array<char, 128> buf{};
  ssize_t const n = ::fgetxattr(fd, checksum_xattr_name, buf.data(), buf.size());
  if (n < 0) {
    if (no_attribute(errno)) return std::optional<sha256_digest>{};
    return errno_code(errno);
  }
  std::string_view value(buf.data(), static_cast<std::size_t>(n));
  auto const digest = sha256_digest::from_hex(value.substr(0, 64));
  if (!digest) return std::optional<sha256_digest>{};
  if (value.size() == 64) return digest;
  // "<hex> <size> <mtime_ns>": valid only while the file is unchanged.
  if (value[64] != ' ') return std::optional<sha256_digest>{};
  value.remove_prefix(65);
  auto const space = value.find(' ');
  if (space == std::string_view::npos) return std::optional<sha256_digest>{};
  auto const size = core::parse_decimal_u64(value.substr(0, space));
  auto const mtime = core::parse_decimal_i64(value.substr(space + 1));
  if (!size || !mtime) return std::optional<sha256_digest>{};
  struct stat st {};
  if (::fstat(fd, &st) != 0) return errno_code(errno);
  if (static_cast<std::uint64_t>(st.st_size) != *size || mtime_ns(st) != *mtime) {
    return std::optional<sha256_digest>{};
  }
  return digest;
}

std::string repr_digest_value(sha256_digest const& digest) {
  return "sha-256=:" + digest.base64() + ":";
}

std::string digest_value(sha256_digest const& digest) {
  return "SHA-256=" + digest.base64();
}

}  // namespace bits::hooks
