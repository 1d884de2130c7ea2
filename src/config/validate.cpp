// validate(): the rules on a typed daemon_config. The TOML reader (load.cpp) checks only
// types, representability, names and syntax; the bounds of the settings table and every
// rule that involves a value's meaning or several keys live here, so a config built in
// code gets exactly the same checks.
#include "config/address.hpp"
#include "config/load.hpp"

#include <chrono>
#include <cstdint>
#include <string_view>
#include <type_traits>
#include <utility>

namespace bits::config {
namespace {

// Spec, section 9: BITSHostId is at most 300 characters.
constexpr std::size_t max_host_id_length = 300;

class checker {
 public:
  explicit checker(std::string const& file) : file_(file) {}

  void fail(std::string key, std::string message) {
    problems_.push_back({file_, std::move(key), std::move(message)});
  }

  std::vector<problem> take() { return std::move(problems_); }

 private:
  std::string const& file_;
  std::vector<problem> problems_;
};

std::string indexed(std::string_view base, std::size_t zero_based) {
  return std::string(base) + "[" + std::to_string(zero_based + 1) + "]";
}

// The bounds of each setting's row in the settings table.
template <class S>
void check_bounds(S const& s, std::string const& prefix, checker& c) {
  settings::visit(s, [&](settings::setting_info const& info, auto const& value) {
    using value_type = std::remove_cvref_t<decltype(value)>;
    auto const key = prefix + "." + std::string(info.name);
    if constexpr (std::is_same_v<value_type, std::chrono::seconds>) {
      if (value.count() < 0) return c.fail(key, "must not be negative");
      auto why = settings::bounds_problem(info, static_cast<std::uint64_t>(value.count()));
      if (!why.empty()) c.fail(key, std::move(why));
    } else if constexpr (std::is_unsigned_v<value_type> && !std::is_same_v<value_type, bool>) {
      auto why = settings::bounds_problem(info, value);
      if (!why.empty()) c.fail(key, std::move(why));
    } else if constexpr (std::is_same_v<value_type, std::string>) {
      if (info.rule.required && value.empty()) c.fail(key, "must not be empty");
    }
  });
}

void check_listen_entries(settings::listen_list const& listen, checker& c) {
  if (listen.empty()) c.fail("server.listen", "at least one address is required");
  for (std::size_t i = 0; i < listen.size(); ++i) {
    // Port 0 asks for a fresh ephemeral port each time, so repeating it is not a clash.
    for (std::size_t j = 0; j < i && listen[i].port != 0; ++j) {
      if (listen[j].host == listen[i].host && listen[j].port == listen[i].port) {
        c.fail(indexed("server.listen", i), "duplicate of " + indexed("server.listen", j));
        break;
      }
    }
  }
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
  auto const type = v.notification_type;
  if (type != settings::notification_type::none && v.notification_url.empty()) {
    c.fail(prefix + ".notification_url",
           "required when notification_type is \"" + std::string(settings::name_of(type)) + "\"");
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
}

// Created folders must let the daemon itself list, enter and write them (owner rwx).
void check_dir_mode(std::string const& key, settings::octal_mode mode, checker& c) {
  if ((mode.bits & 0700U) != 0700U) {
    c.fail(key, "must give the owner rwx (0700), so the daemon can use the folders it creates");
  }
}

// Hooks (docs/hooks.md): one hook per directory, a program by absolute path (no shell),
// a URL the webhook client accepts, one source of the key.
void check_hooks(vdir_config const& v, std::string const& prefix, checker& c) {
  if (!v.hook_command.empty() && !v.hook_url.empty()) {
    c.fail(prefix + ".hook_url", "only one of hook_command and hook_url may be set");
  }
  if (!v.hook_command.empty() && v.hook_command.front() != '/') {
    c.fail(prefix + ".hook_command", "must be an absolute path (no shell is involved)");
  }
  if (!v.hook_url.empty() && !v.hook_url.starts_with("http://") &&
      !v.hook_url.starts_with("https://")) {
    c.fail(prefix + ".hook_url", "must be an http:// or https:// URL");
  }
  if (!v.hook_secret.empty() && !v.hook_secret_file.empty()) {
    c.fail(prefix + ".hook_secret_file", "only one of hook_secret and hook_secret_file may be set");
  }
}

// An object-store directory needs a bucket to talk to; the keys only matter there.
void check_storage(vdir_config const& v, std::string const& prefix, checker& c) {
  if (v.storage != settings::storage_kind::s3) return;
  auto const& e = v.s3_endpoint;
  if (e.empty()) {
    c.fail(prefix + ".s3_endpoint", "required when storage is \"s3\"");
  } else {
    auto const scheme = e.find("://");
    auto const name =
        scheme == std::string::npos ? std::string_view{} : std::string_view(e).substr(0, scheme);
    auto const rest =
        scheme == std::string::npos ? std::string_view{} : std::string_view(e).substr(scheme + 3);
    if ((name != "http" && name != "https") || rest.empty() ||
        rest.find_first_of("/?# ") != std::string_view::npos) {
      c.fail(prefix + ".s3_endpoint",
             "must be http(s)://host[:port] without a path (is \"" + e + "\")");
    }
  }
  if (v.s3_bucket.empty()) c.fail(prefix + ".s3_bucket", "required when storage is \"s3\"");
  if (!v.s3_prefix.empty() && (v.s3_prefix.back() != '/' || v.s3_prefix.front() == '/')) {
    c.fail(prefix + ".s3_prefix", "must be empty or end with '/' (and not start with one)");
  }
  if (v.s3_region.empty()) c.fail(prefix + ".s3_region", "must not be empty");
  if (v.checksum_xattr) {
    c.fail(prefix + ".checksum_xattr",
           "objects have no extended attributes: not with storage = \"s3\" (hooks get the "
           "SHA-256 in their post-commit event)");
  }
}

void check_vdir(vdir_config const& v, std::string const& prefix, checker& c) {
  if (auto why = url_problem(v.url); !why.empty()) c.fail(prefix + ".url", std::move(why));
  check_bounds(v, prefix, c);
  check_host_id(prefix + ".host_id", v.host_id, c);
  check_notification(v, prefix, c);
  check_dir_mode(prefix + ".dir_mode", v.dir_mode, c);
  check_hooks(v, prefix, c);
  check_storage(v, prefix, c);
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

// The schemes of one directory: each once, "none" alone, and the files each needs.
// Whether the files can be read is the acceptor's question (openbitsd --check-config).
void check_auth_list(vdir_config const& v, std::string const& prefix, checker& c) {
  using settings::auth_kind;
  auto const& kinds = v.auth.kinds;
  for (std::size_t i = 0; i < kinds.size(); ++i) {
    if (kinds[i] == auth_kind::none && kinds.size() > 1) {
      c.fail(prefix + ".auth", "\"none\" cannot be offered with other schemes");
      return;
    }
    for (std::size_t j = 0; j < i; ++j) {
      if (kinds[j] == kinds[i]) {
        c.fail(prefix + ".auth",
               "\"" + std::string(settings::name_of(kinds[i])) + "\" is listed twice");
        return;
      }
    }
  }
  if (v.auth.has(auth_kind::negotiate) && v.keytab.empty() && v.ntlm_users.empty()) {
    c.fail(prefix + ".keytab", "auth \"negotiate\" needs a keytab (Kerberos), ntlm_users, or both");
  }
  if (v.auth.has(auth_kind::ntlm) && v.ntlm_users.empty()) {
    c.fail(prefix + ".ntlm_users", "required when auth is \"ntlm\"");
  }
  bool const windows = v.auth.has(auth_kind::negotiate) || v.auth.has(auth_kind::ntlm);
  if (!windows) {
    std::pair<char const*, std::string const*> const files[] = {
        {"keytab", &v.keytab},
        {"service_principal", &v.service_principal},
        {"ntlm_users", &v.ntlm_users},
        {"replay_cache", &v.replay_cache}};
    for (auto const& [key, value] : files) {
      if (!value->empty()) {
        c.fail(prefix + "." + key, "used only with auth \"negotiate\" or \"ntlm\"");
      }
    }
  }
  if (v.auth.anonymous() && !v.allow.empty()) {
    c.fail(prefix + ".allow", "needs an auth scheme: anonymous clients have no name to allow");
  }
}

// TLS listeners need a certificate; Basic credentials must not cross plain listeners
// unless the operator says so (they are only base64, readable by anyone on the path).
void check_security(daemon_config const& cfg, checker& c) {
  std::string plain;
  bool any_tls = false;
  for (std::size_t i = 0; i < cfg.server.listen.size(); ++i) {
    bool const tls = cfg.server.listen[i].tls;
    any_tls = any_tls || tls;
    if (!tls && plain.empty()) plain = indexed("server.listen", i);
  }
  if (any_tls && cfg.server.tls_cert.empty()) {
    c.fail("server.tls_cert", "required by the tls:// listeners");
  }
  if (any_tls && cfg.server.tls_key.empty()) {
    c.fail("server.tls_key", "required by the tls:// listeners");
  }
  for (std::size_t i = 0; i < cfg.vdirs.size(); ++i) {
    auto const& v = cfg.vdirs[i];
    auto const prefix = indexed("vdir", i);
    check_auth_list(v, prefix, c);
    if (!v.auth.has(settings::auth_kind::basic)) continue;
    if (v.htpasswd.empty()) c.fail(prefix + ".htpasswd", "required when auth is \"basic\"");
    if (!plain.empty() && !v.allow_basic_over_http) {
      c.fail(prefix + ".auth",
             "Basic credentials would cross the plain listener " + plain +
                 " in clear text; use tls:// listeners or set allow_basic_over_http = true");
    }
  }
}

// [admin]: off without listeners; a tls:// one needs [server]'s certificate; Basic
// needs its users and, on a plain listener, the operator's consent.
void check_admin(daemon_config const& cfg, checker& c) {
  auto const& a = cfg.admin;
  check_bounds(a, "admin", c);
  std::string plain;
  bool any_tls = false;
  for (std::size_t i = 0; i < a.listen.size(); ++i) {
    any_tls = any_tls || a.listen[i].tls;
    if (!a.listen[i].tls && plain.empty()) plain = indexed("admin.listen", i);
  }
  if (any_tls && (cfg.server.tls_cert.empty() || cfg.server.tls_key.empty())) {
    c.fail("admin.listen", "a tls:// admin listener needs server.tls_cert and server.tls_key");
  }
  if (a.auth != settings::auth_kind::basic) return;
  if (a.htpasswd.empty()) c.fail("admin.htpasswd", "required when auth is \"basic\"");
  if (!plain.empty() && !a.allow_basic_over_http) {
    c.fail("admin.auth",
           "Basic credentials would cross the plain listener " + plain +
               " in clear text; use a tls:// listener or set allow_basic_over_http = true");
  }
}

}  // namespace

std::vector<problem> validate(daemon_config const& cfg, std::string const& file) {
  checker c(file);
  check_listen_entries(cfg.server.listen, c);
  check_bounds(cfg.server, "server", c);
  check_vdirs(cfg.vdirs, c);
  check_security(cfg, c);
  check_admin(cfg, c);
  return c.take();
}

}  // namespace bits::config
