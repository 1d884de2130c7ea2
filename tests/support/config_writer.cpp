// config_writer: daemon_options -> TOML text.
#include "support/config_writer.hpp"

#include "support/digest.hpp"

#include <cstdio>

namespace bits::test {
namespace {

void put(std::string& out, char const* key, std::optional<std::uint64_t> const& value) {
  if (value) out += std::string(key) + " = " + std::to_string(*value) + "\n";
}

void put(std::string& out, char const* key, std::optional<bool> const& value) {
  if (value) out += std::string(key) + " = " + (*value ? "true" : "false") + "\n";
}

void put(std::string& out, char const* key, std::optional<std::string> const& value) {
  if (value) out += std::string(key) + " = " + toml_string(*value) + "\n";
}

void put_server(std::string& out, server_options const& s) {
  out += "[server]\nlisten = [";
  for (std::size_t i = 0; i < s.listen.size(); ++i) {
    out += (i == 0 ? "" : ", ") + toml_string(s.listen[i]);
  }
  out += "]\n";
  put(out, "log_level", s.log_level);
  put(out, "idle_timeout", s.idle_timeout);
  put(out, "header_timeout", s.header_timeout);
  put(out, "read_timeout", s.read_timeout);
  put(out, "sync_interval", s.sync_interval);
  put(out, "tombstone_ttl", s.tombstone_ttl);
  put(out, "max_header_bytes", s.max_header_bytes);
  put(out, "max_header_count", s.max_header_count);
}

void put_vdir(std::string& out, vdir_options const& v) {
  out +=
      "\n[[vdir]]\nurl = " + toml_string(v.url) + "\nroot = " + toml_string(v.root.string()) + "\n";
  if (v.spool_dir) put(out, "spool_dir", std::optional<std::string>(v.spool_dir->string()));
  put(out, "upload_enabled", v.upload_enabled);
  put(out, "downloads_enabled", v.downloads_enabled);
  put(out, "max_upload_size", v.max_upload_size);
  put(out, "max_fragment_size", v.max_fragment_size);
  put(out, "allow_overwrites", v.allow_overwrites);
  put(out, "create_dirs", v.create_dirs);
  put(out, "dir_mode", v.dir_mode);
  put(out, "session_timeout", v.session_timeout);
  put(out, "cleanup_interval", v.cleanup_interval);
  put(out, "host_id", v.host_id);
  put(out, "host_id_fallback_timeout", v.host_id_fallback_timeout);
}

}  // namespace

std::string toml_string(std::string const& text) {
  std::string out = "\"";
  for (char const c : text) {
    auto const u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20 || u == 0x7F) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\u%04X", static_cast<unsigned>(u));
      out += escaped;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string to_toml(daemon_options const& options) {
  std::string out;
  put_server(out, options.server);
  for (auto const& vdir : options.vdirs) put_vdir(out, vdir);
  return out;
}

bool write_config(std::filesystem::path const& file, daemon_options const& options) {
  return write_file(file, to_toml(options));
}

}  // namespace bits::test
