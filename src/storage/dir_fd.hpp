// POSIX building blocks of the filesystem store: an owning file descriptor, the one
// errno-to-error mapping, and the walk that keeps every destination inside its root
// without following symlinks. Internal to src/storage.
#pragma once

#include "core/error.hpp"
#include "core/status.hpp"
#include "storage/upload_store.hpp"

#include <sys/types.h>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace bits::storage::detail {

/// Owns one file descriptor; closes it on destruction. Move-only.
class unique_fd {
 public:
  unique_fd() = default;
  explicit unique_fd(int fd) noexcept : fd_(fd) {}
  unique_fd(unique_fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  unique_fd& operator=(unique_fd&& other) noexcept {
    reset(std::exchange(other.fd_, -1));
    return *this;
  }
  unique_fd(unique_fd const&) = delete;
  unique_fd& operator=(unique_fd const&) = delete;
  ~unique_fd() { reset(); }

  /// The descriptor, or -1 when empty.
  [[nodiscard]] int get() const noexcept { return fd_; }
  [[nodiscard]] explicit operator bool() const noexcept { return fd_ >= 0; }

  /// Closes the held descriptor (if any) and holds `fd` instead.
  void reset(int fd = -1) noexcept;

  /// Gives up ownership: returns the descriptor and holds none.
  [[nodiscard]] int release() noexcept { return std::exchange(fd_, -1); }

 private:
  int fd_ = -1;
};

/// `operation` failed with errno `err`: ENOSPC and EDQUOT are error::disk_full,
/// everything else error::storage_failure, with the operation and errno as its cause.
[[nodiscard]] status io_failure(char const* operation, int err);

/// What identifies a directory: device and inode.
struct file_identity {
  dev_t dev = 0;
  ino_t ino = 0;
  friend bool operator==(file_identity const&, file_identity const&) = default;
};

/// The fixed facts every destination walk checks against.
struct confinement {
  int root_fd = -1;      ///< the virtual directory's root (opened by the store)
  file_identity spool;   ///< the spool folder: never a destination, nor on the way to one
  dev_t filesystem = 0;  ///< the spool's filesystem: commit is one rename, so no crossing
};

/// Where a destination lands: its folder (an O_PATH descriptor) and the file name.
struct destination_place {
  unique_fd parent;
  std::string leaf;
};

/// Walks the folders of `destination` ('/'-separated, relative to the root) one openat
/// at a time with O_NOFOLLOW, so no symlink is ever followed. Errors:
/// destination_is_directory (empty destination: the root itself), parent_not_found (a
/// folder is missing), forbidden_path (an empty, "." or ".." segment; a symlink or a
/// non-directory on the way; the spool folder or another filesystem on the way),
/// storage_failure (anything else, with its cause).
[[nodiscard]] status_or<destination_place> walk_to_parent(confinement const& c,
                                                          std::string_view destination);

/// What a walk does about a folder on the way that does not exist.
enum class missing_folder {
  fail,    ///< parent_not_found
  stop,    ///< end the walk successfully, with no place (nothing below can exist yet)
  create,  ///< create it (see walk)
};

/// walk_to_parent with a choice for missing folders. With missing_folder::create each
/// missing folder is made with mkdirat, given exactly `mode` (fchmod: the umask does not
/// apply), and its parent is fsynced, so the new name survives power loss once this
/// returns; a folder that another caller creates at the same moment (EEXIST) is used
/// as found, and its parent synced too. The result is empty only with
/// missing_folder::stop. Errors as walk_to_parent; creating may also fail with
/// disk_full or storage_failure.
[[nodiscard]] status_or<std::optional<destination_place>> walk(confinement const& c,
                                                               std::string_view destination,
                                                               missing_folder missing,
                                                               mode_t mode = 0750);

/// Checks what is at `place` now: nothing (fine), the spool folder (forbidden_path), a
/// directory (destination_is_directory), anything but a regular file, e.g. a symlink,
/// fifo, device or socket (forbidden_path, even with `allow_overwrite`: replacing it
/// would be surprising at best), a regular file (destination_exists unless
/// `allow_overwrite`).
[[nodiscard]] status check_leaf(confinement const& c, destination_place const& place,
                                bool allow_overwrite);

/// Opens `name` below `dir` as a directory for reading (O_NOFOLLOW), e.g. to fsync it
/// or to list it. Returns the descriptor or -1 with errno set.
[[nodiscard]] int open_dir_for_read(int dir, char const* name) noexcept;

/// fsync of the directory `name` below `dir` ("." for `dir` itself), so that renames
/// and new entries in it survive power loss. Errors: as io_failure.
[[nodiscard]] status sync_dir(int dir, char const* name);

/// The names in directory `dir` except "." and "..", read through a new descriptor of
/// it (so `dir`, even an O_PATH one, is untouched). Errors: storage_failure.
[[nodiscard]] status list_names(int dir, std::vector<std::string>& out);

}  // namespace bits::storage::detail
