// The file being uploaded: opened once, read with pread while fragments stream, and
// checked for changes the way BITS does (size and modification time; reference Q14).
#pragma once

#include "core/error.hpp"
#include "net/file_body.hpp"
#include "net/http_types.hpp"

#include <cstdint>
#include <filesystem>
#include <utility>

namespace bits::client {

/// What makes a file "the same file" across runs: size, modification time in
/// nanoseconds, and the inode (a file replaced by rename has another one).
struct file_identity {
  std::uint64_t size = 0;
  std::int64_t mtime_ns = 0;
  std::uint64_t inode = 0;
  std::uint64_t device = 0;
  friend bool operator==(file_identity const&, file_identity const&) = default;
};

/// Identity of the file at `path` (following symlinks). Error: the stat() errno.
[[nodiscard]] result<file_identity> identify(std::filesystem::path const& path);

/// A regular file open for reading. Move-only.
class local_file final : public net::body_reader {
 public:
  /// Opens `path` read-only. Errors: the open()/fstat() errno; EISDIR/EINVAL for
  /// anything but a regular file.
  [[nodiscard]] static result<local_file> open(std::filesystem::path const& path);

  local_file(local_file&& other) noexcept = default;
  local_file& operator=(local_file&& other) noexcept = default;
  local_file(local_file const&) = delete;
  local_file& operator=(local_file const&) = delete;
  ~local_file() override = default;

  /// The identity seen when the file was opened.
  [[nodiscard]] file_identity const& identity() const noexcept { return identity_; }
  [[nodiscard]] std::uint64_t size() const noexcept { return identity_.size; }

  /// True when size or mtime differ from identity() now (fstat on the open file).
  /// A failing fstat counts as changed.
  [[nodiscard]] bool changed() const noexcept;

  /// pread; retries EINTR and short reads until `out` is full or the file ends.
  [[nodiscard]] result<std::size_t> read_at(std::uint64_t offset, std::span<char> out) override;

 private:
  local_file(net::file_body file, file_identity id) noexcept
      : file_(std::move(file)), identity_(id) {}
  net::file_body file_;
  file_identity identity_;
};

}  // namespace bits::client
