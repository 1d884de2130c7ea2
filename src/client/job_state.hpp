// Job state kept between runs, so that rerunning a command after Ctrl-C, a crash or a
// reboot continues the same BITS session (an upload) or the same partial file (a
// download). One JSON file per job, replaced atomically (temp file + rename) and guarded
// by an exclusive lock so two processes never drive the same job.
#pragma once

#include "client/local_file.hpp"
#include "core/error.hpp"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace bits::client {

/// What an upload needs to continue: the server's session and where it stood.
struct upload_state {
  std::string url;         ///< destination URL as given (never the host-id URL)
  std::string file;        ///< absolute path of the local file (informational)
  file_identity identity;  ///< the local file when the session was created
  std::string session_id;  ///< BITS-Session-Id; empty before Create-Session
  std::string host_id;     ///< BITS-Host-Id in force; empty = none
  std::optional<std::uint64_t> host_id_fallback_s;  ///< BITS-Host-Id-Fallback-Timeout
  std::uint64_t offset = 0;                         ///< last BITS-Received-Content-Range seen
  std::string reply_url;                            ///< BITS-Reply-URL once received (upload-reply)
  friend bool operator==(upload_state const&, upload_state const&) = default;
};

/// What a download needs to resume: the remote file it was writing.
struct download_state {
  std::string url;
  std::string file;
  std::uint64_t size = 0;     ///< Content-Length of the HEAD
  std::string last_modified;  ///< Last-Modified of the HEAD, may be empty
  std::string etag;           ///< ETag of the HEAD, may be empty
  friend bool operator==(download_state const&, download_state const&) = default;
};

/// $XDG_STATE_HOME/openbits, else $HOME/.local/state/openbits.
/// Error: errc::state_invalid when neither variable is set.
[[nodiscard]] result<std::filesystem::path> default_state_dir();

/// <default_state_dir>/<kind>-<16 hex digits>.json, the digits a 64-bit FNV-1a hash of
/// (kind, absolute local path, URL): one state file per job, found again by rerunning
/// the same command.
[[nodiscard]] result<std::filesystem::path> default_state_path(std::string_view kind,
                                                               std::filesystem::path const& file,
                                                               std::string_view url);

/// An open, locked state file. The JSON itself may not exist yet. Move-only.
class state_file {
 public:
  /// Creates the parent directories and takes an exclusive flock on "<path>.lock".
  /// Errors: errc::state_locked when another process holds it; errc::state_invalid
  /// when the directory or lock file cannot be created.
  [[nodiscard]] static result<state_file> open(std::filesystem::path path);

  state_file(state_file&& other) noexcept;
  state_file& operator=(state_file&& other) noexcept;
  state_file(state_file const&) = delete;
  state_file& operator=(state_file const&) = delete;
  ~state_file();

  [[nodiscard]] std::filesystem::path const& path() const noexcept { return path_; }

  /// The saved upload state; empty when there is no file. errc::state_invalid when it
  /// is not JSON, has the wrong kind or version, or lacks a field.
  [[nodiscard]] result<std::optional<upload_state>> load_upload() const;
  [[nodiscard]] result<std::optional<download_state>> load_download() const;

  /// Replaces the file atomically. `durable` also fsyncs file and directory (used when
  /// a session id is recorded; offsets are only hints, so later saves skip it).
  [[nodiscard]] boost::system::error_code save(upload_state const& s, bool durable);
  [[nodiscard]] boost::system::error_code save(download_state const& s, bool durable);

  /// Deletes the state file and its lock file (the job is finished or cancelled).
  void remove() noexcept;

 private:
  state_file(std::filesystem::path path, int lock_fd) noexcept
      : path_(std::move(path)), lock_fd_(lock_fd) {}
  [[nodiscard]] boost::system::error_code write_text(std::string const& text, bool durable);
  [[nodiscard]] result<std::optional<std::string>> read_text() const;

  std::filesystem::path path_;
  int lock_fd_ = -1;
};

}  // namespace bits::client
