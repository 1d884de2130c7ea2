// File I/O of the filesystem store: the session data_writer and whole-buffer reads and
// writes that retry short transfers and EINTR. Internal to src/storage.
#pragma once

#include "storage/dir_fd.hpp"
#include "storage/upload_store.hpp"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>

namespace bits::storage::detail {

/// Writes all of `bytes` at `offset` of `fd` (pwrite, retried on short writes and
/// EINTR). Errors: disk_full, storage_failure (caused by `operation`).
[[nodiscard]] status write_all_at(int fd, std::uint64_t offset, std::span<std::byte const> bytes,
                                  char const* operation);

/// Reads up to `len` bytes of `fd` at `offset` into `out` (pread, retried on short
/// reads and EINTR); fewer at the end of the file. Errors: storage_failure.
[[nodiscard]] status read_at(int fd, std::uint64_t offset, std::size_t len, std::string& out);

/// Reads the whole file `name` below `dir` (no symlink followed) into `out`, refusing
/// files over `max_bytes`. Errors: storage_failure (caused by ENOENT and EFBIG too).
/// Reads to end of file, so /proc files work too.
[[nodiscard]] status read_small_file(int dir, char const* name, std::size_t max_bytes,
                                     std::string& out);

/// The data_writer over an open data file (O_WRONLY); owns `fd`.
[[nodiscard]] std::unique_ptr<data_writer> make_data_writer(unique_fd fd);

}  // namespace bits::storage::detail
