// TOML -> daemon_config, and the cross-field checks. Never throws; every problem is
// reported with where it is.
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

/// Cross-field and semantic rules on an already-typed config (pure): at least one
/// vdir; url prefixes unique and starting with '/'; roots absolute-or-relative but
/// non-empty; max_fragment_size >= 5 KiB; max_upload_size 0 or >= 1; listen entries
/// parse as host:port; host_id a valid host name or IP literal; timeouts > 0 where 0
/// makes no sense. Filesystem checks (root exists, same filesystem as the spool) are
/// the daemon's, at start-up.
[[nodiscard]] std::vector<problem> validate(daemon_config const& cfg, std::string const& file);

/// Parses a folder mode written in octal, as chmod takes it: 3 or 4 octal digits,
/// optionally after a leading "0" ("750", "0750", "02770"). nullopt for anything else.
[[nodiscard]] std::optional<unsigned> parse_dir_mode(std::string_view text) noexcept;

/// Parses a listen entry: "host:port", "[v6addr]:port", ":port" (all addresses).
/// Port 0 means "pick a free one". Returns false on anything else.
/// `host` comes back without brackets, and as "" for ":port": the server then binds
/// "::" dual-stack (or 0.0.0.0 where IPv6 is unavailable). A host is a host name or an
/// IPv4 literal, or an IPv6 literal (optionally "%zone") in brackets; the port is
/// decimal digits only. `host` and `port` are written only on success.
/// Removes a leading "tls://" (a TLS listener) and says whether it was there.
[[nodiscard]] std::string_view strip_tls_scheme(std::string_view text, bool& tls) noexcept;

[[nodiscard]] bool parse_listen(std::string const& text, std::string& host, std::uint16_t& port);

}  // namespace bits::config
