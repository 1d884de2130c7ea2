// Files as the bodies of an exchange: a regular file streamed as the request body with
// pread, and a response body written to a file. Both are plain POSIX I/O on one
// descriptor, so a body is never held in memory beyond curl's transfer buffer.
#pragma once

#include "core/error.hpp"
#include "net/http_types.hpp"

#include <cstdint>
#include <filesystem>

namespace bits::net {

/// A regular file open for reading. Move-only.
class file_body final : public body_reader {
 public:
  /// Opens `path` read-only. Errors: the open()/fstat() errno; EISDIR/EINVAL for
  /// anything but a regular file.
  [[nodiscard]] static result<file_body> open(std::filesystem::path const& path);

  file_body(file_body&& other) noexcept;
  file_body& operator=(file_body&& other) noexcept;
  file_body(file_body const&) = delete;
  file_body& operator=(file_body const&) = delete;
  ~file_body() override;

  /// The descriptor (for fstat), valid while this object lives.
  [[nodiscard]] int fd() const noexcept { return fd_; }
  /// The size seen when the file was opened.
  [[nodiscard]] std::uint64_t size() const noexcept { return size_; }

  /// pread; retries EINTR and short reads until `out` is full or the file ends.
  [[nodiscard]] result<std::size_t> read_at(std::uint64_t offset, std::span<char> out) override;

 private:
  file_body(int fd, std::uint64_t size) noexcept : fd_(fd), size_(size) {}
  int fd_ = -1;
  std::uint64_t size_ = 0;
};

/// Writes the body of a response with status `accepted` to `path`, created (or
/// truncated) when its first byte arrives; bodies of other statuses are discarded
/// (kept in response::body). A failing write stops the transfer with its errno.
class file_sink final : public body_writer {
 public:
  explicit file_sink(std::filesystem::path path, unsigned accepted = 200);
  ~file_sink() override;
  file_sink(file_sink const&) = delete;
  file_sink& operator=(file_sink const&) = delete;

  [[nodiscard]] body_decision start(unsigned status, header_list const& headers) override;
  [[nodiscard]] boost::system::error_code write(std::span<char const> bytes) override;

  /// Closes the file; the first error of write() or close(), if any.
  [[nodiscard]] boost::system::error_code close();
  /// Body bytes written to the file.
  [[nodiscard]] std::uint64_t bytes_written() const noexcept { return written_; }
  /// The error that stopped the transfer (empty while none did).
  [[nodiscard]] boost::system::error_code const& error() const noexcept { return error_; }

 private:
  std::filesystem::path path_;
  unsigned accepted_;
  int fd_ = -1;
  std::uint64_t written_ = 0;
  boost::system::error_code error_;
};

}  // namespace bits::net
