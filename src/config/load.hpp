// TOML -> daemon_config, and the cross-field checks. Never throws; every problem is
// reported with where it is. Which keys exist, their types, defaults and bounds is the
// settings table's (src/settings/*.def); this reads and checks a file against it.
#pragma once

#include "config/daemon_config.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bits::config {

/// One configuration problem. `where` is "file:line" (or just the file when no line
/// is known), `key` the dotted key ("vdir[1].max_fragment_size"), `message` what is wrong.
/// Array indexes in keys are 1-based, as people count: vdir[1] is the first [[vdir]],
/// server.listen[1] the first listen entry. A key that is missing from the file is
/// placed on the line of its table; a syntax error has an empty key.
struct problem {
  std::string where;
  std::string key;
  std::string message;

  /// "file:line: key: message" (or "file: message" when key is empty).
  [[nodiscard]] std::string to_string() const;
};

struct load_result {
  daemon_config config;
  std::vector<problem> problems;  ///< empty = config is valid

  [[nodiscard]] bool ok() const noexcept { return problems.empty(); }
};

/// Reads and validates `file`. Syntax errors, unknown keys, wrong types, out-of-range
/// values and cross-field problems are all collected, not just the first (a syntax
/// error, though, ends parsing: it is then the only problem). Problems come in file
/// order, those without a line last. The vdir url is normalised to end with '/'.
/// `config` is meaningful only when ok().
[[nodiscard]] load_result load_config_file(std::string const& file);

/// Same, from TOML text; `name` is used as the file in `where`.
[[nodiscard]] load_result load_config_text(std::string const& text, std::string const& name);

/// The rules on an already-typed config (pure): every setting within the bounds of its
/// row in the settings table (and a required string not empty); then the rules that
/// involve one value's syntax or several keys: at least one vdir and one listener; url
/// prefixes well-formed and unique; listeners unique; host_id a valid host name or IP
/// literal; notification_url needed exactly when notifications are on; tls:// listeners
/// need a certificate; Basic credentials never on a plain listener without
/// allow_basic_over_http. Filesystem checks (root exists, same filesystem as the spool)
/// are the daemon's, at start-up.
[[nodiscard]] std::vector<problem> validate(daemon_config const& cfg, std::string const& file);

/// Parses listen entries given outside a file (openbitsd --listen) into `out`: all of
/// them, or none and a problem per bad entry, keyed "server.listen[i]" at `where`.
[[nodiscard]] std::vector<problem> parse_listen_entries(std::vector<std::string> const& texts,
                                                        settings::listen_list& out,
                                                        std::string const& where);

/// Parses a folder mode written in octal, as chmod takes it: 3 or 4 octal digits,
/// optionally after a leading "0" ("750", "0750", "02770"). nullopt for anything else.
[[nodiscard]] std::optional<unsigned> parse_dir_mode(std::string_view text) noexcept;

}  // namespace bits::config
