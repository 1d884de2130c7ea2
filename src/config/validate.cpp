// validate(): semantic and cross-field rules on a typed daemon_config. The TOML reader
// (load.cpp) only checks types and representability; every rule about what a value
// means lives here, so a config built in code gets exactly the same checks.
#include "config/address.hpp"
#include "config/load.hpp"

#include <array>
#include <cstdint>
#include <string_view>

namespace bits::config {
namespace {

// Spec, section 9: BITSHostId is at most 300 characters; a DWORD carries the fallback
// timeout, so larger values cannot be sent to a Windows client.
constexpr std::size_t max_host_id_length = 300;
constexpr std::uint64_t max_dword = 0xFFFFFFFF;
// Spec, section 9.2: a client halves its fragment on 413 down to 5 KiB, so a smaller
// limit would make every upload fail.
constexpr std::uint64_t min_fragment_size = 5120;
constexpr unsigned max_io_threads = 1024;
constexpr std::array<std::string_view, 6> log_levels{"trace", "debug", "info",
                                                     "warn",  "error", "off"};

class checker {
 public:
  explicit checker(std::string const& file) : file_(file) {}

  void fail(std::string key, std::string message) {
    problems_.push_back({file_, std::move(key), std::move(message)});
  }

  /// A duration of 0 s would make the daemon time out at once or spin.
  void at_least_one_second(std::string key, std::uint64_t value) {
    if (value == 0) fail(std::move(key), "must be at least 1 (seconds)");
  }

  std::vector<problem> take() { return std::move(problems_); }

 private:
  std::string const& file_;
  std::vector<problem> problems_;
};

std::string indexed(std::string_view base, std::size_t zero_based) {
  return std::string(base) + "[" + std::to_string(zero_based + 1) + "]";
}

void check_listen_entries(std::vector<std::string> const& listen, checker& c) {
  if (listen.empty()) c.fail("server.listen", "at least one address is required");
  std::vector<std::pair<std::string, std::uint16_t>> seen(listen.size());
  for (std::size_t i = 0; i < listen.size(); ++i) {
    auto const key = indexed("server.listen", i);
    auto const why = check_listen(listen[i], seen[i].first, seen[i].second);
    if (!why.empty()) {
      c.fail(key, std::string(why) + " (\"" + listen[i] + "\")");
      continue;
    }
    // Port 0 asks for a fresh ephemeral port each time, so repeating it is not a clash.
    for (std::size_t j = 0; j < i && seen[i].second != 0; ++j) {
      if (seen[j] == seen[i]) {
        c.fail(key, "duplicate of " + indexed("server.listen", j));
        break;
      }
    }
  }
}

void check_server(server_config const& s, checker& c) {
  check_listen_entries(s.listen, c);
  if (s.io_threads > max_io_threads) c.fail("server.io_threads", "must be at most 1024");
  if (s.disk_threads == 0 || s.disk_threads > max_io_threads) {
    c.fail("server.disk_threads", "must be between 1 and 1024");
  }
  bool known_level = false;
  for (auto level : log_levels) known_level = known_level || s.log_level == level;
  if (!known_level) {
    c.fail("server.log_level",
           "must be one of trace, debug, info, warn, error, off (is \"" + s.log_level + "\")");
  }
  if (s.max_header_bytes == 0) c.fail("server.max_header_bytes", "must be at least 1");
  if (s.max_header_count == 0) c.fail("server.max_header_count", "must be at least 1");
  if (s.max_connections == 0) c.fail("server.max_connections", "must be at least 1");
  if (s.max_url_bytes < 16) c.fail("server.max_url_bytes", "must be at least 16");
  c.at_least_one_second("server.idle_timeout", s.idle_timeout);
  c.at_least_one_second("server.header_timeout", s.header_timeout);
  c.at_least_one_second("server.read_timeout", s.read_timeout);
  c.at_least_one_second("server.write_timeout", s.write_timeout);
}

// Empty when `url` is a usable prefix. Dot segments and "//" could never match a
// normalised request path, and '?'/'#' are not part of a path at all.
std::string url_problem(std::string const& url) {
  if (url.empty() || url.front() != '/') return "must start with '/'";
  for (char const ch : url) {
    auto const byte = static_cast<unsigned char>(ch);
    if (byte < 0x20 || byte == 0x7f) return "must not contain control characters";
    if (ch == '?' || ch == '#') return "must be a path, without '?' or '#'";
  }
  auto const with_slash = url.back() == '/' ? url : url + '/';
  for (auto bad : {"//", "/./", "/../"}) {
    if (with_slash.find(bad) != std::string::npos) {
      return "must not contain empty, '.' or '..' segments";
    }
  }
  return {};
}

void check_host_id(std::string const& key, std::string const& host_id, checker& c) {
  if (host_id.empty()) return;  // not configured
  if (host_id.size() > max_host_id_length) {
    c.fail(key, "must be at most 300 characters");
    return;
  }
  // Clients put the host id into a URL; accept an IPv6 literal with or without brackets.
  auto bare = std::string_view(host_id);
  if (bare.size() > 2 && bare.front() == '[' && bare.back() == ']') {
    bare = bare.substr(1, bare.size() - 2);
    if (!is_ipv6_literal(bare)) c.fail(key, "not an IPv6 address inside '[...]'");
    return;
  }
  if (!is_host_name(bare) && !is_ipv4_literal(bare) && !is_ipv6_literal(bare)) {
    c.fail(key, "must be a host name or an IP address (is \"" + host_id + "\")");
  }
}

// Upload-reply (reference 7.1): the URL is needed exactly when notifications are on;
// IIS caps it at 2,200 characters.
void check_notification(vdir_config const& v, std::string const& prefix, checker& c) {
  auto const& t = v.notification_type;
  if (t != "none" && t != "reference" && t != "value") {
    c.fail(prefix + ".notification_type", "must be \"none\", \"reference\" or \"value\"");
    return;
  }
  if (t != "none" && v.notification_url.empty()) {
    c.fail(prefix + ".notification_url", "required when notification_type is \"" + t + "\"");
  }
  if (v.notification_url.size() > 2200) {
    c.fail(prefix + ".notification_url", "must be at most 2200 characters");
  }
  for (char ch : v.notification_url) {
    if (static_cast<unsigned char>(ch) <= 0x20 || ch == 0x7F) {
      c.fail(prefix + ".notification_url", "must not contain spaces or control characters");
      break;
    }
  }
  c.at_least_one_second(prefix + ".notification_timeout", v.notification_timeout);
}

// Created folders must let the daemon itself list, enter and write them (owner rwx).
void check_dir_mode(std::string const& key, std::string const& text, checker& c) {
  auto const mode = parse_dir_mode(text);
  if (!mode) {
    c.fail(key, "must be an octal mode such as \"0750\" (is \"" + text + "\")");
  } else if ((*mode & 0700U) != 0700U) {
    c.fail(key, "must give the owner rwx (0700), so the daemon can use the folders it creates");
  }
}

void check_vdir(vdir_config const& v, std::string const& prefix, checker& c) {
  if (auto why = url_problem(v.url); !why.empty()) c.fail(prefix + ".url", std::move(why));
  if (v.root.empty()) c.fail(prefix + ".root", "must not be empty");
  if (v.max_fragment_size < min_fragment_size) {
    c.fail(prefix + ".max_fragment_size", "must be at least 5120 (5 KiB)");
  }
  c.at_least_one_second(prefix + ".session_timeout", v.session_timeout);
  c.at_least_one_second(prefix + ".cleanup_interval", v.cleanup_interval);
  check_host_id(prefix + ".host_id", v.host_id, c);
  if (v.host_id_fallback_timeout > max_dword) {
    c.fail(prefix + ".host_id_fallback_timeout", "must be at most 4294967295");
  }
  check_notification(v, prefix, c);
  check_dir_mode(prefix + ".dir_mode", v.dir_mode, c);
  if (v.max_sessions == 0) c.fail(prefix + ".max_sessions", "must be at least 1");
  if (v.max_sessions_per_user == 0) c.fail(prefix + ".max_sessions_per_user", "must be at least 1");
  c.at_least_one_second(prefix + ".evict_idle_after", v.evict_idle_after);
  // Compared as signed seconds with unix times: keep far from overflow.
  if (v.evict_idle_after > max_dword) {
    c.fail(prefix + ".evict_idle_after", "must be at most 4294967295");
  }
}

void check_vdirs(std::vector<vdir_config> const& vdirs, checker& c) {
  if (vdirs.empty()) c.fail("vdir", "at least one [[vdir]] is required");
  for (std::size_t i = 0; i < vdirs.size(); ++i) {
    auto const prefix = indexed("vdir", i);
    check_vdir(vdirs[i], prefix, c);
    // "/up" and "/up/" name the same prefix; the loader normalises, code may not.
    auto const slashed = [](std::string const& u) {
      return !u.empty() && u.back() == '/' ? u : u + '/';
    };
    for (std::size_t j = 0; j < i; ++j) {
      if (slashed(vdirs[j].url) == slashed(vdirs[i].url)) {
        c.fail(prefix + ".url",
               "duplicate of " + indexed("vdir", j) + ".url (\"" + vdirs[i].url + "\")");
        break;
      }
    }
  }
}

// TLS listeners need a certificate; Basic credentials must not cross plain listeners
// unless the operator says so (they are only base64, readable by anyone on the path).
void check_security(daemon_config const& cfg, checker& c) {
  std::string plain;
  bool any_tls = false;
  for (std::size_t i = 0; i < cfg.server.listen.size(); ++i) {
    bool tls = false;
    (void)strip_tls_scheme(cfg.server.listen[i], tls);
    any_tls = any_tls || tls;
    if (!tls && plain.empty()) plain = indexed("server.listen", i);
  }
  if (any_tls && cfg.server.tls_cert.empty()) {
    c.fail("server.tls_cert", "required by the tls:// listeners");
  }
  if (any_tls && cfg.server.tls_key.empty()) {
    c.fail("server.tls_key", "required by the tls:// listeners");
  }
  auto const& version = cfg.server.tls_min_version;
  if (version != "1.0" && version != "1.1" && version != "1.2" && version != "1.3") {
    c.fail("server.tls_min_version",
           "must be one of \"1.0\", \"1.1\", \"1.2\", \"1.3\" (is \"" + version + "\")");
  }
  for (std::size_t i = 0; i < cfg.vdirs.size(); ++i) {
    auto const& v = cfg.vdirs[i];
    auto const prefix = indexed("vdir", i);
    if (v.auth != "none" && v.auth != "basic") {
      c.fail(prefix + ".auth", "must be \"none\" or \"basic\"");
      continue;
    }
    if (v.auth != "basic") continue;
    if (v.htpasswd.empty()) c.fail(prefix + ".htpasswd", "required when auth is \"basic\"");
    if (!plain.empty() && !v.allow_basic_over_http) {
      c.fail(prefix + ".auth",
             "Basic credentials would cross the plain listener " + plain +
                 " in clear text; use tls:// listeners or set allow_basic_over_http = true");
    }
  }
}

}  // namespace

std::optional<unsigned> parse_dir_mode(std::string_view text) noexcept {
  if (text.size() == 5 && text.front() == '0') text.remove_prefix(1);
  if (text.size() != 3 && text.size() != 4) return std::nullopt;
  unsigned mode = 0;
  for (char const ch : text) {
    if (ch < '0' || ch > '7') return std::nullopt;
    mode = mode * 8 + static_cast<unsigned>(ch - '0');
  }
  return mode;
}

std::vector<problem> validate(daemon_config const& cfg, std::string const& file) {
  checker c(file);
  check_server(cfg.server, c);
  check_vdirs(cfg.vdirs, c);
  check_security(cfg, c);
  return c.take();
}

}  // namespace bits::config
