// TOML files for `openbitsd --config`. Only the keys a test sets are written, so each
// test states exactly what it relies on and everything else keeps its default. Keys are
// named as in the file and checked against the settings table as they are set: a
// misspelt key, or a value of the wrong type, fails the test at once.
#pragma once

#include <chrono>
#include <concepts>
#include <cstdint>
#include <filesystem>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace bits::test {

/// The TOML text of one value, and which kind of TOML value it is.
class toml_value {
 public:
  enum class kind { boolean, integer, string, string_array, raw };

  // Implicit, so that {"max_upload_size", 1000} reads like the file.
  toml_value(bool value);
  template <std::integral T>
  requires(!std::same_as<T, bool>) toml_value(T value)
      : text_(std::to_string(value)), kind_(kind::integer) {}
  toml_value(std::chrono::seconds value);
  toml_value(char const* text);
  toml_value(std::string const& text);
  toml_value(std::filesystem::path const& path);
  toml_value(std::vector<std::string> const& texts);

  /// `text` written as it is, whatever the key's type: for files that are wrong on purpose.
  [[nodiscard]] static toml_value raw(std::string text);

  [[nodiscard]] std::string const& text() const noexcept { return text_; }
  [[nodiscard]] kind what() const noexcept { return kind_; }

 private:
  toml_value(std::string text, kind what) : text_(std::move(text)), kind_(what) {}

  std::string text_;
  kind kind_;
};

/// Keys of one section ("server", "vdir" or "admin") in the order set. set() and the list
/// constructor throw std::invalid_argument for a key the section does not have, a key
/// set twice, or a value whose TOML type does not fit the key (use toml_value::raw()).
class setting_values {
 public:
  using entry = std::pair<std::string, toml_value>;

  setting_values(std::string_view section, std::initializer_list<entry> entries);

  setting_values& set(std::string const& key, toml_value value);
  /// Sets every key of the section not set yet, and not in `except`, to its default: a
  /// file that spells out the whole reference.
  setting_values& set_defaults(std::vector<std::string_view> const& except = {});
  [[nodiscard]] std::vector<entry> const& entries() const noexcept { return entries_; }
  [[nodiscard]] bool contains(std::string_view key) const noexcept;

 private:
  std::string section_;
  std::vector<entry> entries_;
};

/// [server] keys: server_values{{"idle_timeout", 5}, {"log_level", "debug"}}.
struct server_values : setting_values {
  server_values(std::initializer_list<entry> entries = {}) : setting_values("server", entries) {}
};

/// [[vdir]] keys: vdir_values{{"max_upload_size", 1000}, {"allow_overwrites", true}}.
struct vdir_values : setting_values {
  vdir_values(std::initializer_list<entry> entries = {}) : setting_values("vdir", entries) {}
};

/// One [[vdir]] table. `url` and `root` are always written, then `values`.
struct vdir_options {
  std::string url = "/up/";
  std::filesystem::path root;
  vdir_values values;

  /// values.set(key, value), for chaining.
  vdir_options& set(std::string const& key, toml_value value) {
    values.set(key, std::move(value));
    return *this;
  }
};

/// The [server] table. `listen` is always written, then `values`.
struct server_options {
  std::vector<std::string> listen = {"127.0.0.1:0"};
  server_values values;

  server_options& set(std::string const& key, toml_value value) {
    values.set(key, std::move(value));
    return *this;
  }
};

/// [admin] keys: admin_values{{"listen", std::vector<std::string>{"127.0.0.1:0"}}}.
/// Written only when not empty.
struct admin_values : setting_values {
  admin_values(std::initializer_list<entry> entries = {}) : setting_values("admin", entries) {}
};

struct daemon_options {
  server_options server;
  std::vector<vdir_options> vdirs;
  admin_values admin;
};

/// The TOML text for `options`.
[[nodiscard]] std::string to_toml(daemon_options const& options);

/// Writes to_toml(options) to `file`. False on I/O failure.
bool write_config(std::filesystem::path const& file, daemon_options const& options);

/// A TOML basic string: quoted, with '"', '\' and control characters escaped.
[[nodiscard]] std::string toml_string(std::string const& text);

}  // namespace bits::test
