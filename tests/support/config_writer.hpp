// TOML files for `openbitsd --config`. Only the keys a test sets are written, so each
// test states exactly what it relies on and everything else keeps its default.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace bits::test {

/// One [[vdir]] table. `url` and `root` are always written.
struct vdir_options {
  std::string url = "/up/";
  std::filesystem::path root;
  std::optional<std::filesystem::path> spool_dir;
  std::optional<bool> upload_enabled;
  std::optional<bool> downloads_enabled;
  std::optional<std::uint64_t> max_upload_size;
  std::optional<std::uint64_t> max_fragment_size;
  std::optional<bool> allow_overwrites;
  std::optional<bool> create_dirs;
  std::optional<std::string> dir_mode;
  std::optional<std::uint64_t> session_timeout;
  std::optional<std::uint64_t> cleanup_interval;
  std::optional<std::string> host_id;
  std::optional<std::uint64_t> host_id_fallback_timeout;
};

/// The [server] table. `listen` is always written.
struct server_options {
  std::vector<std::string> listen = {"127.0.0.1:0"};
  std::optional<std::string> log_level;
  std::optional<std::uint64_t> idle_timeout;
  std::optional<std::uint64_t> header_timeout;
  std::optional<std::uint64_t> read_timeout;
  std::optional<std::uint64_t> sync_interval;
  std::optional<std::uint64_t> tombstone_ttl;
  std::optional<std::uint64_t> max_header_bytes;
  std::optional<std::uint64_t> max_header_count;
};

struct daemon_options {
  server_options server;
  std::vector<vdir_options> vdirs;
};

/// The TOML text for `options`.
[[nodiscard]] std::string to_toml(daemon_options const& options);

/// Writes to_toml(options) to `file`. False on I/O failure.
bool write_config(std::filesystem::path const& file, daemon_options const& options);

/// A TOML basic string: quoted, with '"', '\' and control characters escaped.
[[nodiscard]] std::string toml_string(std::string const& text);

}  // namespace bits::test
