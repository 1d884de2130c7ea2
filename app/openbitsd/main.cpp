// openbitsd: the BITS Upload Protocol server. argv -> config -> objects -> run -> exit code.
#include "auth/htpasswd.hpp"
#include "config/load.hpp"
#include "notify/notify_client.hpp"
#include "server/http_server.hpp"
#include "service/router.hpp"
#include "storage/upload_store.hpp"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>

#include <ctime>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

namespace {

using namespace bits;

int check_config(std::string const& file) {
  auto const loaded = config::load_config_file(file);
  for (auto const& p : loaded.problems) std::cerr << p.to_string() << '\n';
  if (!loaded.ok()) return 1;
  std::cout << file << ": configuration OK\n";
  return 0;
}

/// The configuration from --config, or the one vdir "/" -> --root of the quick start.
config::load_result build_config(std::string const& file, std::vector<std::string> const& listen,
                                 std::string const& root) {
  if (!file.empty()) {
    auto loaded = config::load_config_file(file);
    if (!listen.empty()) loaded.config.server.listen = listen;
    return loaded;
  }
  config::load_result r;
  if (!listen.empty()) r.config.server.listen = listen;
  config::vdir_config v;
  v.url = "/";
  v.root = root;
  r.config.vdirs.push_back(v);
  r.problems = config::validate(r.config, "command line");
  return r;
}

server::server_options to_server_options(config::server_config const& s,
                                         std::string const& port_file) {
  server::server_options o;
  for (auto const& text : s.listen) {
    server::listen_endpoint ep;
    if (config::parse_listen(text, ep.host, ep.port)) {
      (void)config::strip_tls_scheme(text, ep.tls);
      o.listen.push_back(ep);
    }
  }
  o.tls = {s.tls_cert, s.tls_key, s.tls_client_ca, s.tls_min_version};
  o.io_threads = s.io_threads;
  o.disk_threads = s.disk_threads;
  o.max_header_bytes = s.max_header_bytes;
  o.max_header_count = s.max_header_count;
  o.max_url_bytes = s.max_url_bytes;
  o.max_connections = s.max_connections;
  o.max_connections_per_address = s.max_connections_per_address;
  o.idle_timeout = std::chrono::seconds(s.idle_timeout);
  o.header_timeout = std::chrono::seconds(s.header_timeout);
  o.read_timeout = std::chrono::seconds(s.read_timeout);
  o.write_timeout = std::chrono::seconds(s.write_timeout);
  o.shutdown_grace = std::chrono::seconds(s.shutdown_grace);
  o.session_wait = std::chrono::seconds(s.session_wait);
  o.port_file = port_file;
  return o;
}

service::vdir_policy to_policy(config::vdir_config const& v) {
  service::vdir_policy p;
  p.url = v.url;
  p.upload_enabled = v.upload_enabled;
  p.downloads_enabled = v.downloads_enabled;
  p.allow_overwrites = v.allow_overwrites;
  p.max_upload_size = v.max_upload_size;
  p.max_fragment_size = v.max_fragment_size;
  p.session_timeout = std::chrono::seconds(v.session_timeout);
  p.cleanup_interval = std::chrono::seconds(v.cleanup_interval);
  p.host_id = v.host_id;
  p.host_id_fallback_timeout = std::chrono::seconds(v.host_id_fallback_timeout);
  p.notification = v.notification_type == "reference" ? service::notification_type::by_reference
                   : v.notification_type == "value"   ? service::notification_type::by_value
                                                      : service::notification_type::none;
  p.notification_url = v.notification_url;
  p.max_sessions = v.max_sessions;
  p.max_sessions_per_user = v.max_sessions_per_user;
  p.max_sessions_per_address = v.max_sessions_per_address;
  p.evict_idle_after = std::chrono::seconds(v.evict_idle_after);
  p.max_spool_bytes = v.max_spool_bytes;
  p.min_free_disk = v.min_free_disk;
  p.notification_timeout = std::chrono::seconds(v.notification_timeout);
  return p;
}

/// Opens every virtual directory's store and recovers its sessions.
bool build_router(config::daemon_config const& cfg, service::router& router) {
  service::service_options const opts{std::chrono::seconds(cfg.server.sync_interval),
                                      std::chrono::seconds(cfg.server.tombstone_ttl)};
  for (auto const& v : cfg.vdirs) {
    std::string const spool = v.spool_dir.empty() ? v.root + "/.bits-spool" : v.spool_dir;
    storage::fs_store_options const folders{v.create_dirs,
                                            config::parse_dir_mode(v.dir_mode).value_or(0750)};
    auto store = storage::open_fs_store(v.root, spool, folders);
    if (!store) {
      auto const failure = store.error();
      spdlog::error("vdir {}: {}", v.url,
                    failure.why().empty() ? failure.message() : failure.why().text());
      return false;
    }
    auto svc = std::make_unique<service::upload_service>(to_policy(v), opts, std::move(*store), [] {
      return static_cast<std::int64_t>(std::time(nullptr));
    });
    svc->set_log([](std::string const& line) { spdlog::info("{}", line); });
    if (v.auth == "basic") {
      std::vector<std::string> problems;
      auto table = auth::load_htpasswd(v.htpasswd, problems);
      for (auto const& p : problems) spdlog::error("vdir {}: {}", v.url, p);
      if (!table) {
        spdlog::error("vdir {}: htpasswd {}: {}", v.url, v.htpasswd, table.error().message());
        return false;
      }
      svc->set_authenticator(std::make_shared<auth::basic_authenticator>(std::move(*table)),
                             v.realm);
    }
    auto recovered = svc->recover();
    if (!recovered) {
      spdlog::error("vdir {}: cannot recover sessions: {}", v.url, recovered.error().message());
      return false;
    }
    for (auto const& line : *recovered) spdlog::warn("vdir {}: {}", v.url, line);
    spdlog::info("vdir {} -> {} (uploads {}, {} open sessions)", v.url, v.root,
                 v.upload_enabled ? "on" : "off", svc->open_sessions());
    router.add(std::move(svc));
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"openbitsd: BITS Upload Protocol server"};
  std::vector<std::string> listen;
  std::string root, config_file, check_file, port_file, log_level;
  app.add_option("--listen", listen, "HOST:PORT to listen on (repeatable; port 0 = any)");
  app.add_option("--root", root, "serve uploads into DIR as virtual directory /");
  app.add_option("--config", config_file, "TOML configuration file");
  app.add_option("--check-config", check_file, "validate FILE, list every problem, exit 0/1");
  app.add_option("--port-file", port_file, "write the bound port(s) to FILE once listening");
  app.add_option("--log-level", log_level, "trace, debug, info, warn, error, off");
  app.set_version_flag("--version", "openbitsd 0.1.0");
  CLI11_PARSE(app, argc, argv);

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
  auto const& cfg = loaded.config;
  spdlog::set_default_logger(spdlog::stderr_color_mt("openbitsd"));
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");
  spdlog::set_level(spdlog::level::from_str(log_level.empty() ? cfg.server.log_level : log_level));

  service::router router;
  if (!build_router(cfg, router)) return 1;
  notify::global_init();
  server::http_server srv(to_server_options(cfg.server, port_file), router,
                          notify::call_application);
  std::string why;
  if (!srv.listen(why)) {
    spdlog::error("{}", why);
    return 1;
  }
  // SIGHUP: the server reloads its TLS certificate, then the htpasswd files here.
  srv.on_reload([&cfg, &router] {
    for (std::size_t i = 0; i < cfg.vdirs.size(); ++i) {
      auto const& v = cfg.vdirs[i];
      if (v.auth != "basic") continue;
      for (auto const& svc : router.vdirs()) {
        if (svc->policy().url != v.url || !svc->authenticator()) continue;
        std::vector<std::string> problems;
        if (auto ec = svc->authenticator()->reload(v.htpasswd, problems)) {
          for (auto const& p : problems) spdlog::error("vdir {}: {}", v.url, p);
          spdlog::error("SIGHUP: keeping the old users of {}: {}", v.url, ec.message());
        } else {
          spdlog::info("SIGHUP: reloaded {}", v.htpasswd);
        }
      }
    }
  });
  srv.run();
  return 0;
}
