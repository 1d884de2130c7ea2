// openbitsd: the BITS Upload Protocol server. argv -> config -> objects -> run -> exit code.
#include "auth/htpasswd.hpp"
#include "config/load.hpp"
#include "config/reference.hpp"
#include "notify/notify_client.hpp"
#include "server/basic_authentication.hpp"
#include "server/http_server.hpp"
#include "service/router.hpp"
#include "storage/upload_store.hpp"
#include "stores.hpp"

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

int check_config(std::string const& file) {
  auto const loaded = config::load_config_file(file);
  for (auto const& p : loaded.problems) std::cerr << p.to_string() << '\n';
  if (!loaded.ok()) return 1;
  bool ok = true;
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

/// Opens every virtual directory's store and recovers its sessions; the directories
/// with auth = "basic" get their authentication policy in `authn`.
bool build_router(config::daemon_config const& cfg, service::router& router,
                  server::authenticators& authn) {
  auto const opts = service::service_options::from(cfg.server);
  for (auto const& v : cfg.vdirs) {
    auto store = app::open_store(v);
    if (!store) {
      spdlog::error("vdir {}: {}", v.url, describe(store.error()));
      return false;
    }
    if (v.storage == settings::storage_kind::s3) {
      if (auto failed = (*store)->probe()) {
        spdlog::error("vdir {}: {} cannot be used: {}", v.url, bucket_name(v), describe(failed));
        return false;
      }
      spdlog::info("vdir {}: {} is reachable and writable", v.url, bucket_name(v));
    }
    auto svc = std::make_unique<service::upload_service>(
        v, opts, std::move(*store), [] { return static_cast<std::int64_t>(std::time(nullptr)); });
    svc->set_log([](std::string const& line) { spdlog::info("{}", line); });
    if (v.auth == settings::auth_kind::basic) {
      std::vector<std::string> problems;
      auto table = auth::load_htpasswd(v.htpasswd, problems);
      for (auto const& p : problems) spdlog::error("vdir {}: {}", v.url, p);
      if (!table) {
        spdlog::error("vdir {}: htpasswd {}: {}", v.url, v.htpasswd, table.error().message());
        return false;
      }
      authn[v.url] = std::make_shared<server::basic_authentication>(std::move(*table), v.realm);
    }
    auto recovered = svc->recover();
    if (!recovered) {
      spdlog::error("vdir {}: cannot recover sessions: {}", v.url, recovered.error().message());
      return false;
    }
    for (auto const& line : *recovered) spdlog::warn("vdir {}: {}", v.url, line);
    spdlog::info("vdir {} -> {} (uploads {}, {} open sessions)", v.url,
                 v.storage == settings::storage_kind::s3 ? "s3://" + v.s3_bucket + "/" + v.s3_prefix
                                                         : v.root,
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
  auto const& cfg = loaded.config;
  spdlog::set_default_logger(spdlog::stderr_color_mt("openbitsd"));
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");
  spdlog::set_level(spdlog::level::from_str(
      log_level.empty() ? std::string(settings::name_of(cfg.server.log_level)) : log_level));

  service::router router;
  server::authenticators authn;
  if (!build_router(cfg, router, authn)) return 1;
  notify::global_init();
  server::http_server srv(server::server_options{cfg.server, port_file}, router, authn,
                          notify::call_application);
  // SIGHUP reloads the TLS certificate and the htpasswd files (in the server).
  if (auto listening = srv.listen(); !listening) {
    spdlog::error("{}", listening.error().message());
    return 1;
  }
  srv.run();
  return 0;
}
