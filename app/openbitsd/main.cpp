// openbitsd: the BITS Upload Protocol server. argv -> config -> objects -> run -> exit code.
#include "auth/htpasswd.hpp"
#include "config/load.hpp"
#include "config/reference.hpp"
#include "hooks/exec_hook.hpp"
#include "hooks/http_hook.hpp"
#include "hooks/outbox.hpp"
#include "notify/notify_client.hpp"
#include "server/basic_authentication.hpp"
#include "server/http_server.hpp"
#include "server/logging.hpp"
#include "server/vdir_authentication.hpp"
#include "service/router.hpp"
#include "settings/settings.hpp"
#include "storage/upload_store.hpp"
#include "stores.hpp"

#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>

#include <algorithm>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace {

using namespace bits;

std::string describe(status const& failure) {
  return failure.why().empty() ? failure.message() : failure.why().text();
}

/// For a directory on an object store: opens it and writes and removes one object, so
/// a wrong endpoint, key or bucket shows now, not at the first upload.
status check_bucket(config::vdir_config const& v) {
  auto store = app::open_store(v);
  if (!store) return store.error();
  return (*store)->probe();
}

std::string bucket_name(config::vdir_config const& v) {
  return "bucket \"" + v.s3_bucket + "\" at " + v.s3_endpoint;
}

/// Logs what make_vdir_authentication said about directory `url`; false on errors.
bool report(std::string const& url, server::vdir_authentication const& made) {
  for (auto const& e : made.errors) spdlog::error("vdir {}: {}", url, e);
  for (auto const& w : made.warnings) spdlog::warn("vdir {}: {}", url, w);
  for (auto const& n : made.notes) spdlog::info("vdir {}: {}", url, n);
  return made.ok();
}

/// Checks the file, then what only reading the files it names can tell: htpasswd
/// files, keytabs, NTLM user files, allow lists.
int check_config(std::string const& file) {
  auto const loaded = config::load_config_file(file);
  for (auto const& p : loaded.problems) std::cerr << p.to_string() << '\n';
  if (!loaded.ok()) return 1;
  bool ok = true;
  for (std::size_t i = 0; i < loaded.config.vdirs.size(); ++i) {
    auto const& v = loaded.config.vdirs[i];
    auto const made = server::make_vdir_authentication(v);
    auto const where = file + ": vdir[" + std::to_string(i + 1) + "] (" + v.url + "): ";
    for (auto const& e : made.errors) std::cerr << where << e << '\n';
    for (auto const& w : made.warnings) std::cerr << where << "warning: " << w << '\n';
    ok = ok && made.ok();
  }
  for (auto const& v : loaded.config.vdirs) {
    if (v.storage != settings::storage_kind::s3) continue;
    if (auto failed = check_bucket(v)) {
      std::cerr << file << ": vdir " << v.url << ": " << bucket_name(v)
                << " cannot be used: " << describe(failed) << '\n';
      ok = false;
    } else {
      std::cout << file << ": vdir " << v.url << ": " << bucket_name(v)
                << " is reachable and writable\n";
    }
  }
  if (!ok) return 1;
  std::cout << file << ": configuration OK\n";
  return 0;
}

/// The configuration from --config, or the one vdir "/" -> --root of the quick start;
/// --listen entries replace the configured listeners.
config::load_result build_config(std::string const& file, std::vector<std::string> const& listen,
                                 std::string const& root) {
  std::string const command_line = "command line";
  config::load_result r;
  if (!file.empty()) {
    r = config::load_config_file(file);
    if (!r.ok() || listen.empty()) return r;
  } else {
    config::vdir_config v;
    v.url = "/";
    v.root = root;
    r.config.vdirs.push_back(v);
  }
  if (!listen.empty()) {
    r.problems = config::parse_listen_entries(listen, r.config.server.listen, command_line);
    if (!r.ok()) return r;
  }
  r.problems = config::validate(r.config, command_line);
  return r;
}

/// The webhook key of `v`: hook_secret, or the content of hook_secret_file without its
/// trailing line breaks. Empty with an error line when the file cannot be read (the key
/// itself is never logged).
std::optional<std::string> hook_secret(config::vdir_config const& v) {
  if (v.hook_secret_file.empty()) return v.hook_secret;
  std::ifstream in(v.hook_secret_file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in) {
    spdlog::error("vdir {}: cannot read hook_secret_file {}", v.url, v.hook_secret_file);
    return std::nullopt;
  }
  auto secret = text.str();
  while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r')) secret.pop_back();
  return secret;
}

/// The hooks of `v` (docs/hooks.md): the hook, and its outbox in the spool (not started).
/// False, with the reason logged, when they cannot be built.
bool build_hooks(config::vdir_config const& v, std::string const& spool, service::hook_setup& out) {
  std::error_code ec;
  auto root = std::filesystem::absolute(v.root, ec).lexically_normal().string();
  while (root.size() > 1 && root.back() == '/') root.pop_back();
  out.root = root;
  if (v.storage == settings::storage_kind::s3) {
    out.bucket = v.s3_bucket;
    out.key_prefix = v.s3_prefix;
  }
  out.failure = v.hook_failure == settings::hook_failure::allow ? hooks::failure_mode::allow
                                                                : hooks::failure_mode::refuse;
  auto const timeout = std::chrono::duration_cast<std::chrono::milliseconds>(v.hook_timeout);
  result<std::unique_ptr<hooks::hook>> hook = std::unique_ptr<hooks::hook>{};
  if (!v.hook_command.empty()) {
    hooks::exec_hook_options o;
    o.command = {v.hook_command};
    o.limits.timeout = timeout;
    hook = hooks::make_exec_hook(std::move(o));
  } else if (!v.hook_url.empty()) {
    auto secret = hook_secret(v);
    if (!secret) return false;
    hooks::http_hook_options o;
    o.url = v.hook_url;
    o.secret = std::move(*secret);
    o.timeout = timeout;
    hook = hooks::make_http_hook(std::move(o));
  }
  if (!hook) {
    spdlog::error("vdir {}: hook: {}", v.url, hook.error().message());
    return false;
  }
  if (!*hook) return true;
  out.hook = std::move(*hook);
  hooks::outbox_options o;
  o.dir = std::filesystem::path(spool) / storage::spool_hooks_dir;
  auto const url = v.url;
  o.log = [url](hooks::log_level level, std::string const& line) {
    auto const l = level == hooks::log_level::info      ? spdlog::level::info
                   : level == hooks::log_level::warning ? spdlog::level::warn
                                                        : spdlog::level::err;
    spdlog::log(l, "vdir {}: {}", url, line);
  };
  auto box = hooks::outbox::open(std::move(o), out.hook);
  if (!box) {
    spdlog::error("vdir {}: hooks outbox in {}: {}", v.url, spool, box.error().message());
    return false;
  }
  out.outbox = std::move(*box);
  spdlog::info("vdir {}: hook {}", v.url, out.hook->describe());
  return true;
}

/// A directory built from its settings, not serving yet: its service, its hooks'
/// outbox (started once it serves) and its authentication.
struct built_vdir {
  std::unique_ptr<service::upload_service> service;
  std::shared_ptr<hooks::outbox> outbox;
  std::shared_ptr<server::authenticator> auth;
};

/// Opens the store of `v`, recovers its sessions and builds its hooks and its
/// authentication; nullopt, with the reason logged, when any of it fails.
std::optional<built_vdir> build_vdir(config::vdir_config const& v,
                                     service::service_options const& opts) {
  auto store = app::open_store(v);
  if (!store) {
    spdlog::error("vdir {}: {}", v.url, describe(store.error()));
    return std::nullopt;
  }
  if (v.storage == settings::storage_kind::s3) {
    if (auto failed = (*store)->probe()) {
      spdlog::error("vdir {}: {} cannot be used: {}", v.url, bucket_name(v), describe(failed));
      return std::nullopt;
    }
    spdlog::info("vdir {}: {} is reachable and writable", v.url, bucket_name(v));
  }
  built_vdir out;
  out.service = std::make_unique<service::upload_service>(
      v, opts, std::move(*store), [] { return static_cast<std::int64_t>(std::time(nullptr)); });
  auto& svc = *out.service;
  svc.set_log([](std::string const& line) { spdlog::info("{}", line); });
  // The hooks' outbox lives in the node's local spool (also with storage = "s3").
  std::string const spool = app::spool_dir_of(v);
  service::hook_setup hooks_of_vdir;
  if (!build_hooks(v, spool, hooks_of_vdir)) return std::nullopt;
  out.outbox = hooks_of_vdir.outbox;
  svc.hook_points().set(std::move(hooks_of_vdir),
                        [](std::string const& line) { spdlog::warn("{}", line); });
  auto made = server::make_vdir_authentication(v);
  if (!report(v.url, made)) return std::nullopt;
  out.auth = std::move(made.auth);
  auto recovered = svc.recover();
  if (!recovered) {
    spdlog::error("vdir {}: cannot recover sessions: {}", v.url, recovered.error().message());
    return std::nullopt;
  }
  for (auto const& line : *recovered) spdlog::warn("vdir {}: {}", v.url, line);
  return out;
}

/// The directory now serves: pending hook events of earlier runs go out, and the log
/// says where its uploads go.
void serving(config::vdir_config const& v, built_vdir const& b) {
  if (b.outbox) b.outbox->start();
  spdlog::info(
      "vdir {} -> {} (uploads {}, {} open sessions)", v.url,
      v.storage == settings::storage_kind::s3 ? "s3://" + v.s3_bucket + "/" + v.s3_prefix : v.root,
      v.upload_enabled ? "on" : "off", b.service->open_sessions());
}

/// Opens every virtual directory's store and recovers its sessions; the directories
/// with an auth scheme get their authentication policy in `authn`.
bool build_router(config::daemon_config const& cfg, service::router& router,
                  server::authenticators& authn) {
  auto const opts = service::service_options::from(cfg.server);
  for (auto const& v : cfg.vdirs) {
    auto built = build_vdir(v, opts);
    if (!built) return false;
    if (built->auth) authn[v.url] = built->auth;
    serving(v, *built);
    router.add(std::move(built->service));
  }
  return true;
}

/// The keys of `before` whose value differs in `after` ("server.listen", ...).
template <class S>
std::vector<std::string> changed_keys(S const& before, S const& after, std::string const& prefix) {
  std::vector<std::string> texts;
  settings::visit(before, [&](settings::setting_info const&, auto const& value) {
    texts.push_back(config::toml_text(value));
  });
  std::vector<std::string> changed;
  std::size_t i = 0;
  settings::visit(after, [&](settings::setting_info const& info, auto const& value) {
    if (config::toml_text(value) != texts[i++]) changed.push_back(prefix + std::string(info.name));
  });
  return changed;
}

/// Sets the keys of `next` that `keep` selects to their values in `running`; returns
/// those that differed (prefixed), which only a restart can change.
template <class S, class Pred>
std::vector<std::string> keep_running(S const& running, S& next, Pred keep,
                                      std::string const& prefix) {
  std::vector<void const*> values;
  settings::visit(
      running, [&](settings::setting_info const&, auto const& value) { values.push_back(&value); });
  std::vector<std::string> kept;
  std::size_t i = 0;
  settings::visit(next, [&](settings::setting_info const& info, auto& value) {
    auto const& old = *static_cast<std::remove_cvref_t<decltype(value)> const*>(values[i++]);
    if (!keep(info.name) || config::toml_text(old) == config::toml_text(value)) return;
    kept.push_back(prefix + std::string(info.name));
    value = old;
  });
  return kept;
}

/// [server] keys a reload cannot apply: the listeners and threads are made once, and
/// the services were built with sync_interval and tombstone_ttl.
bool server_restart_key(std::string_view name) {
  return name == "listen" || name == "io_threads" || name == "disk_threads" ||
         name == "sync_interval" || name == "tombstone_ttl";
}

/// [[vdir]] keys a reload cannot apply to a directory served before: its store (where
/// its open sessions are) and its hooks were built from them.
bool vdir_restart_key(std::string_view name) {
  return name == "root" || name == "spool_dir" || name == "storage" || name.starts_with("s3_") ||
         name == "create_dirs" || name == "dir_mode" || name.starts_with("hook_") ||
         name == "checksum_xattr";
}

/// [[vdir]] keys its authentication is made of.
bool auth_key(std::string_view name) {
  return name == "auth" || name == "htpasswd" || name == "realm" ||
         name == "allow_basic_over_http" || name == "keytab" || name == "service_principal" ||
         name == "ntlm_users" || name == "replay_cache" || name == "principal_format" ||
         name == "allow";
}

/// What the daemon runs with, for SIGHUP.
struct running_daemon {
  std::string file;                        ///< --config
  std::vector<std::string> const& listen;  ///< --listen
  bool level_from_command_line = false;    ///< --log-level
  config::daemon_config config;            ///< as applied
  service::router& router;                 ///< every directory served since start-up
  server::authenticators& authn;           ///< by URL, of every directory served since
  server::http_server* server = nullptr;
};

/// SIGHUP: reads the file again and applies it as a whole, or nothing of it. An
/// invalid file (as --check-config would find it: the TOML, the values, the htpasswd,
/// keytab and allow files, a new directory's store) is refused and the running
/// configuration stays. Otherwise directories are added, removed (404 from now on;
/// their sessions stay, for when they come back) and changed, with every [server] and
/// [[vdir]] setting except those only a restart changes, which are logged: the
/// listeners, io_threads, disk_threads, sync_interval, tombstone_ttl, [admin], and a
/// directory's storage and hook keys (its open sessions live in its store).
void reload_config(running_daemon& d) {
  auto loaded = build_config(d.file, d.listen, {});
  auto const refuse = [&d](std::string const& why) {
    spdlog::error("SIGHUP: {} refused, the running configuration stays: {}", d.file, why);
  };
  if (!loaded.ok()) {
    std::string problems;
    for (auto const& p : loaded.problems)
      problems += (problems.empty() ? "" : "; ") + p.to_string();
    refuse(problems);
    return;
  }
  auto& next = loaded.config;
  auto restart = keep_running(d.config.server, next.server, server_restart_key, "server.");
  if (d.level_from_command_line) next.server.log_level = d.config.server.log_level;
  if (!(next.admin == d.config.admin)) restart.emplace_back("[admin]");
  next.admin = d.config.admin;

  auto const opts = service::service_options::from(d.config.server);
  server::reload_plan plan;
  plan.server = next.server;
  std::vector<std::pair<config::vdir_config const*, built_vdir>> added;
  std::size_t changed = 0;
  for (auto& v : next.vdirs) {
    service::upload_service* served = nullptr;
    for (auto const& s : d.router.vdirs()) {
      if (s->url() == v.url) served = s.get();
    }
    if (served == nullptr) {
      auto built = build_vdir(v, opts);
      if (!built) return refuse("vdir " + v.url + " cannot be served (see above)");
      plan.vdirs.push_back({built->service.get(), std::nullopt, built->auth});
      added.emplace_back(&v, std::move(*built));
      continue;
    }
    auto const& now = served->policy();
    for (auto& key : keep_running(now, v, vdir_restart_key, "vdir " + v.url + ": ")) {
      restart.push_back(std::move(key));
    }
    server::reload_vdir r{served, std::nullopt, nullptr};
    auto const differs = changed_keys(now, v, "");
    bool const auth_changed = std::any_of(differs.begin(), differs.end(), auth_key);
    if (auth_changed) {
      auto made = server::make_vdir_authentication(v);
      if (!report(v.url, made)) return refuse("vdir " + v.url + ": authentication (see above)");
      r.auth = std::move(made.auth);
    } else if (auto it = d.authn.find(v.url); it != d.authn.end()) {
      r.auth = it->second;  // its files are read again by the server
    }
    if (!differs.empty()) {
      r.policy = v;
      ++changed;
    }
    plan.vdirs.push_back(std::move(r));
  }
  std::vector<std::pair<std::string, std::shared_ptr<server::authenticator>>> auth_of;
  for (auto const& r : plan.vdirs) auth_of.emplace_back(r.vdir->url(), r.auth);
  std::size_t const served_count = plan.vdirs.size();
  if (auto applied = d.server->apply(std::move(plan)); !applied) {
    return refuse(applied.error().message());
  }
  // Applied: the new directories join the router, which owns every directory served.
  for (auto& [v, built] : added) {
    serving(*v, built);
    d.router.add(std::move(built.service));
  }
  for (auto& [url, auth] : auth_of) {
    if (auth) {
      d.authn[url] = std::move(auth);
    } else {
      d.authn.erase(url);
    }
  }
  for (auto const& old : d.config.vdirs) {
    bool const kept = std::any_of(next.vdirs.begin(), next.vdirs.end(),
                                  [&old](auto const& v) { return v.url == old.url; });
    if (kept) continue;
    for (auto const& s : d.router.vdirs()) {
      if (s->url() != old.url) continue;
      spdlog::warn(
          "SIGHUP: vdir {} removed: 404 from now on; its {} open sessions stay in its "
          "spool until it is configured again",
          old.url, s->open_sessions());
    }
  }
  auto const& was = d.config.server;
  if (next.server.log_format != was.log_format) server::set_log_format(next.server.log_format);
  if (next.server.log_level != was.log_level) {
    server::set_log_level(
        spdlog::level::from_str(std::string(settings::name_of(next.server.log_level))));
    spdlog::info("SIGHUP: log_level = {}", settings::name_of(next.server.log_level));
  }
  for (auto const& key : restart) {
    spdlog::warn("SIGHUP: {} changed; not applied until openbitsd restarts", key);
  }
  spdlog::info("SIGHUP: configuration applied: {} directories served ({} added, {} changed)",
               served_count, added.size(), changed);
  d.config = std::move(next);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"openbitsd: BITS Upload Protocol server"};
  std::vector<std::string> listen;
  std::string root, config_file, check_file, port_file, log_level;
  bool print_reference = false;
  app.add_option("--listen", listen, "HOST:PORT to listen on (repeatable; port 0 = any)");
  app.add_option("--root", root, "serve uploads into DIR as virtual directory /");
  app.add_option("--config", config_file, "TOML configuration file");
  app.add_option("--check-config", check_file, "validate FILE, list every problem, exit 0/1");
  app.add_option("--port-file", port_file, "write the bound port(s) to FILE once listening");
  app.add_option("--log-level", log_level, "trace, debug, info, warn, error, off");
  app.add_flag("--print-config-reference", print_reference,
               "print every configuration key with its default and meaning, as TOML");
  app.set_version_flag("--version", "openbitsd " BITS_VERSION);
  CLI11_PARSE(app, argc, argv);

  if (print_reference) {
    std::cout << config::reference_toml();
    return 0;
  }
  if (!check_file.empty()) return check_config(check_file);
  if (config_file.empty() && root.empty()) {
    std::cerr << "openbitsd: give --root DIR (with --listen HOST:PORT) or --config FILE\n";
    return 2;
  }

  auto loaded = build_config(config_file, listen, root);
  if (!loaded.ok()) {
    for (auto const& p : loaded.problems) std::cerr << p.to_string() << '\n';
    return 1;
  }
  auto& cfg = loaded.config;
  server::configure_logging(
      cfg.server.log_format,
      spdlog::level::from_str(
          log_level.empty() ? std::string(settings::name_of(cfg.server.log_level)) : log_level));

  service::router router;
  server::authenticators authn;
  if (!build_router(cfg, router, authn)) return 1;
  server::server_options options{cfg.server, port_file, cfg.admin, nullptr};
  if (cfg.admin.auth == settings::auth_kind::basic) {
    std::vector<std::string> problems;
    auto table = auth::load_htpasswd(cfg.admin.htpasswd, problems);
    for (auto const& p : problems) spdlog::error("admin: {}", p);
    if (!table) {
      spdlog::error("admin: htpasswd {}: {}", cfg.admin.htpasswd, table.error().message());
      return 1;
    }
    options.admin_auth =
        std::make_shared<server::basic_authentication>(std::move(*table), cfg.admin.realm);
  }
  notify::global_init();
  server::http_server srv(std::move(options), router, authn, notify::call_application);
  // SIGHUP (reload_config): the configuration file is read again and applied as a
  // whole, or refused as a whole; directories are added, removed and changed, and the
  // [server] limits, timeouts, trusted proxies, TLS files and log settings change,
  // without closing a connection or losing a session. The listeners, threads,
  // sync_interval, tombstone_ttl, [admin] and a served directory's storage and hooks
  // need a restart (logged). The server itself reads the TLS certificate and the
  // htpasswd files again, also with --root.
  running_daemon daemon{config_file, listen, !log_level.empty(), cfg, router, authn, &srv};
  if (!config_file.empty()) srv.set_reload_hook([&daemon] { reload_config(daemon); });
  if (auto listening = srv.listen(); !listening) {
    spdlog::error("{}", listening.error().message());
    return 1;
  }
  srv.run();
  return 0;
}
