// /metrics, /healthz, /readyz and /status.json from the server's counters, the
// directories' services and the recent activity.
#include "server/admin_site.hpp"

#include "hooks/outbox.hpp"

#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>

namespace bits::server {

namespace {

using prometheus::ClientMetric;
using prometheus::MetricFamily;
using prometheus::MetricType;

constexpr std::int64_t error_window = 3600;  ///< s of errors /status shows
/// Seconds a store probe of /readyz is reused: a scrape every second costs the bucket
/// one small write every few seconds per node.
constexpr double store_probe_ttl = 5;

std::string_view path_of(std::string_view target) noexcept {
  return target.substr(0, target.find('?'));
}

double steady_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

ClientMetric value_metric(MetricType type, double value, std::string const& vdir = {}) {
  ClientMetric m;
  if (!vdir.empty()) m.label.push_back({"vdir", vdir});
  if (type == MetricType::Counter) {
    m.counter.value = value;
  } else {
    m.gauge.value = value;
  }
  return m;
}

/// A family with one metric per directory, valued by `value(monitor)`.
template <class F>
MetricFamily per_vdir(std::string name, std::string help, MetricType type,
                      monitor_list const& vdirs, F&& value) {
  MetricFamily f{std::move(name), std::move(help), type, {}};
  for (auto const& v : vdirs) {
    if (auto const x = value(*v)) f.metric.push_back(value_metric(type, *x, v->vdir->url()));
  }
  return f;
}

/// Whether a file can be created in `dir` now (an unnamed one, so nothing is left
/// behind): "" when it can, else why not.
std::string write_problem(std::string const& dir) {
  int const fd = ::open(dir.c_str(), O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
  if (fd >= 0) {
    ::close(fd);
    return {};
  }
  int const err = errno;
  if (err == EOPNOTSUPP || err == EISDIR) {
    // A filesystem without O_TMPFILE: whether it is writable at all.
    if (::access(dir.c_str(), W_OK) == 0) return {};
  }
  return std::strerror(err);
}

std::uint64_t spool_bytes(std::vector<service::upload_service::session_view> const& views) {
  std::uint64_t n = 0;
  for (auto const& v : views) n += v.received;
  return n;
}

}  // namespace

admin_site::admin_site(core::published<monitor_list> const& vdirs,
                       connection_registry const& connections, server_metrics& metrics,
                       activity const& recent, std::atomic<bool> const& listening,
                       std::size_t sessions_shown)
    : vdirs_(vdirs),
      connections_(connections),
      metrics_(metrics),
      recent_(recent),
      listening_(listening),
      sessions_shown_(sessions_shown) {}

bool admin_site::known(std::string_view target) noexcept {
  auto const p = path_of(target);
  return p == "/metrics" || p == "/healthz" || p == "/readyz" || p == "/status" ||
         p == "/status.json" || p == "/";
}

bool admin_site::inline_path(std::string_view target) noexcept {
  auto const p = path_of(target);
  return p == "/healthz" || p == "/status" || p == "/";
}

admin_page admin_site::serve(std::string_view target) {
  auto const p = path_of(target);
  if (p == "/healthz") return {200, "text/plain; charset=utf-8", "ok\n"};
  if (p == "/readyz") return ready();
  if (p == "/metrics") return metrics();
  if (p == "/status.json") return status_json();
  if (p == "/status") return {200, "text/html; charset=utf-8", std::string(status_page_html())};
  if (p == "/") {
    return {200, "text/plain; charset=utf-8",
            "openbitsd admin: /metrics /healthz /readyz /status /status.json\n"};
  }
  return {404, "text/plain; charset=utf-8", "not found\n"};
}

admin_page admin_site::metrics() {
  auto const& vdirs = vdirs_.get();  // one snapshot for the whole page
  auto families = metrics_.registry().Collect();
  for (auto& f : metrics_.collect_histograms()) families.push_back(std::move(f));

  std::vector<std::vector<service::upload_service::session_view>> views;
  views.reserve(vdirs.size());
  for (auto const& v : vdirs) views.push_back(v->vdir->session_views());

  using opt = std::optional<double>;
  auto const counted = [&](char const* name, char const* help, auto member) {
    families.push_back(per_vdir(name, help, MetricType::Counter, vdirs, [member](auto& v) {
      return opt(static_cast<double>(v.vdir->counters().*member));
    }));
  };
  families.push_back(
      per_vdir("openbits_sessions_open", "Open upload sessions", MetricType::Gauge, vdirs,
               [](auto& v) { return opt(static_cast<double>(v.vdir->open_sessions())); }));
  using service::session_counts;
  counted("openbits_sessions_created_total", "Sessions created (Create-Session answered 200)",
          &session_counts::created);
  counted("openbits_sessions_committed_total", "Uploads completed and published",
          &session_counts::committed);
  counted("openbits_sessions_cancelled_total", "Open sessions ended by Cancel-Session",
          &session_counts::cancelled);
  counted("openbits_sessions_expired_total", "Sessions removed after session_timeout",
          &session_counts::expired);
  counted("openbits_sessions_evicted_total", "Idle sessions evicted to admit a new one",
          &session_counts::evicted);
  auto const lag = [&](char const* name, char const* help, MetricType type, auto member) {
    families.push_back(per_vdir(name, help, type, vdirs, [member](auto& v) {
      return opt(static_cast<double>(v.vdir->sync_lags().*member));
    }));
  };
  using service::sync_lag;
  lag("openbits_background_syncs_total",
      "Sessions whose received bytes a background sync made durable", MetricType::Counter,
      &sync_lag::sessions_synced);
  lag("openbits_sync_lag_seconds",
      "Longest time a session's bytes waited for their background sync, in the last pass",
      MetricType::Gauge, &sync_lag::last_s);
  lag("openbits_sync_lag_max_seconds",
      "Longest time a session's bytes waited for their background sync since the start",
      MetricType::Gauge, &sync_lag::max_s);
  // Hooks (docs/hooks.md), for the directories that have one: post-* events in the
  // outbox and their delivery; pre-create calls.
  auto const outbox_counted = [&](char const* name, char const* help, MetricType type,
                                  auto member) {
    families.push_back(per_vdir(name, help, type, vdirs, [member](auto& v) -> opt {
      auto const* box = v.vdir->hook_points().outbox();
      if (box == nullptr) return std::nullopt;
      return static_cast<double>((box->live().*member).load(std::memory_order_relaxed));
    }));
  };
  using hooks::live_counters;
  outbox_counted("openbits_hook_events_pending",
                 "post-* hook events recorded and not yet delivered (kept until delivered)",
                 MetricType::Gauge, &live_counters::pending);
  outbox_counted("openbits_hook_events_recorded_total", "post-* hook events recorded",
                 MetricType::Counter, &live_counters::recorded);
  outbox_counted("openbits_hook_events_delivered_total", "post-* hook events delivered",
                 MetricType::Counter, &live_counters::delivered);
  outbox_counted("openbits_hook_delivery_failures_total", "Failed attempts to deliver an event",
                 MetricType::Counter, &live_counters::failed_attempts);
  outbox_counted("openbits_hook_delivery_retries_total",
                 "Attempts at events whose delivery had failed before", MetricType::Counter,
                 &live_counters::retried);
  auto const hook_counted = [&](char const* name, char const* help, auto member) {
    families.push_back(per_vdir(name, help, MetricType::Counter, vdirs, [member](auto& v) -> opt {
      if (v.vdir->policy().hook_command.empty() && v.vdir->policy().hook_url.empty()) {
        return std::nullopt;
      }
      return static_cast<double>(
          (v.vdir->hook_points().counters().*member).load(std::memory_order_relaxed));
    }));
  };
  using service::hook_counters;
  hook_counted("openbits_hook_pre_create_calls_total", "pre-create hook calls",
               &hook_counters::pre_create_calls);
  hook_counted("openbits_hook_pre_create_refused_total", "Create-Sessions the hook refused",
               &hook_counters::pre_create_refused);
  hook_counted("openbits_hook_pre_create_failed_total",
               "pre-create calls without an answer (hook_failure decided)",
               &hook_counters::pre_create_failed);
  hook_counted("openbits_hook_record_failures_total",
               "post-* events the outbox could not record (the request failed instead)",
               &hook_counters::record_failures);
  std::size_t i = 0;
  families.push_back(per_vdir(
      "openbits_spool_bytes", "Bytes held by open sessions in the spool", MetricType::Gauge, vdirs,
      [&](auto&) { return opt(static_cast<double>(spool_bytes(views[i++]))); }));
  families.push_back(per_vdir("openbits_free_disk_bytes",
                              "Bytes free on the spool's filesystem (for unprivileged writers)",
                              MetricType::Gauge, vdirs, [](auto& v) -> opt {
                                auto const free = v.vdir->free_disk();
                                if (!free) return std::nullopt;
                                return static_cast<double>(*free);
                              }));
  MetricFamily commit{"openbits_commit_duration_seconds",
                      "Time to publish a completed upload (link or copy into the root, synced)",
                      MetricType::Histogram,
                      {}};
  for (auto const& v : vdirs) {
    commit.metric.push_back(v->commit_latency.collect({{"vdir", v->vdir->policy().url}}));
  }
  families.push_back(std::move(commit));
  families.push_back({"openbits_connections_open",
                      "Open client connections over the upload listeners",
                      MetricType::Gauge,
                      {value_metric(MetricType::Gauge, static_cast<double>(connections_.size()))}});
  return {200, "text/plain; version=0.0.4; charset=utf-8", to_text(families)};
}

status vdir_monitor::store_status(double now, double ttl) {
  std::lock_guard lock(probe_mu_);
  if (probed_at_ == 0 || now - probed_at_ >= ttl) {
    probed_ = vdir->probe_store();
    probed_at_ = now;
  }
  return probed_;
}

admin_page admin_site::ready() {
  auto const& vdirs = vdirs_.get();  // one snapshot for the whole page
  bool ok = listening_.load();
  std::string body = ok ? "listeners: bound\n" : "listeners: not accepting\n";
  for (auto const& v : vdirs) {
    auto const& policy = v->vdir->policy();
    std::string line = "vdir " + policy.url + ":";
    if (!v->spool.empty()) {
      if (auto const why = write_problem(v->spool); why.empty()) {
        line += " spool writable;";
      } else {
        ok = false;
        line += " spool " + v->spool + " not writable: " + why + ";";
      }
    }
    if (policy.storage == settings::storage_kind::s3) {
      // A bucket that cannot be reached or written fails every upload of the directory.
      std::string const bucket = "bucket s3://" + policy.s3_bucket + "/" + policy.s3_prefix;
      if (auto const failed = v->store_status(steady_seconds(), store_probe_ttl)) {
        ok = false;
        line += " " + bucket + " not reachable or not writable: " + failed.why().text() + ";";
      } else {
        line += " " + bucket + " reachable and writable;";
      }
    }
    auto const free = v->vdir->free_disk();
    if (!free) {
      ok = false;
      line += " free disk unknown: " + free.error().message();
    } else if (*free <= policy.min_free_disk) {
      ok = false;
      line += " free disk " + std::to_string(*free) + " bytes, not above min_free_disk " +
              std::to_string(policy.min_free_disk);
    } else {
      line += " free disk " + std::to_string(*free) + " bytes";
    }
    body += line + "\n";
  }
  return {ok ? 200U : 503U, "text/plain; charset=utf-8", (ok ? "ready\n" : "not ready\n") + body};
}

admin_page admin_site::status_json() {
  auto const& served = vdirs_.get();  // one snapshot for the whole page
  using nlohmann::json;
  auto const now = static_cast<std::int64_t>(std::time(nullptr));
  double const t = steady_seconds();
  json out;
  out["time"] = now;
  out["connections"] = connections_.size();
  out["listening"] = listening_.load();

  std::lock_guard lock(mu_);
  // Server rates: against the sample of an earlier call at least a second old.
  auto const rate_of = [t](seen& s, double total) {
    if (s.at > 0 && t - s.at >= 1.0) {
      s.rate = std::max(0.0, (total - static_cast<double>(s.bytes)) / (t - s.at));
    }
    if (s.at == 0 || t - s.at >= 1.0) {
      s.bytes = static_cast<std::uint64_t>(total);
      s.at = t;
    }
    return s.rate;
  };
  out["rates"] = {{"requests_per_second", rate_of(requests_seen_, metrics_.requests_total())},
                  {"bytes_per_second", rate_of(bytes_seen_, metrics_.bytes_received())}};

  std::unordered_map<std::string, seen> next_seen;
  json vdirs = json::array();
  for (auto const& v : served) {
    auto const& url = v->vdir->url();
    auto views = v->vdir->session_views();
    struct row {
      service::upload_service::session_view* view;
      double rate;
    };
    std::vector<row> rows;
    rows.reserve(views.size());
    for (auto& s : views) {
      auto const key = url + s.id_prefix;
      seen now_seen{s.received, t, 0};
      if (auto it = sessions_seen_.find(key); it != sessions_seen_.end()) {
        auto const& before = it->second;
        if (t - before.at >= 1.0 && s.received >= before.bytes) {
          now_seen.rate = static_cast<double>(s.received - before.bytes) / (t - before.at);
        } else {
          now_seen = before;  // too recent to tell: keep the older sample and its rate
        }
      }
      rows.push_back({&s, now_seen.rate});
      next_seen.emplace(key, now_seen);
    }
    // The busiest first: by rate, then by the most recent activity.
    auto const shown = std::min(rows.size(), sessions_shown_);
    std::partial_sort(rows.begin(), rows.begin() + static_cast<std::ptrdiff_t>(shown), rows.end(),
                      [](row const& a, row const& b) {
                        if (a.rate != b.rate) return a.rate > b.rate;
                        return a.view->active_at > b.view->active_at;
                      });
    json sessions = json::array();
    for (std::size_t i = 0; i < shown; ++i) {
      auto const& s = *rows[i].view;
      json j = {{"id", s.id_prefix},
                {"who", s.principal.empty() ? s.address : s.principal},
                {"principal", s.principal},
                {"address", s.address},
                {"destination", s.destination},
                {"received", s.received},
                {"total", s.total ? json(*s.total) : json(nullptr)},
                {"rate", rows[i].rate},
                {"idle", std::max<std::int64_t>(0, now - s.active_at)},
                {"complete", s.complete}};
      sessions.push_back(std::move(j));
    }
    auto const c = v->vdir->counters();
    json dir = {{"url", url},
                {"open", views.size()},
                {"shown", shown},
                {"spool_bytes", spool_bytes(views)},
                {"counters",
                 {{"created", c.created},
                  {"committed", c.committed},
                  {"cancelled", c.cancelled},
                  {"expired", c.expired},
                  {"evicted", c.evicted}}},
                {"sessions", std::move(sessions)}};
    if (auto const free = v->vdir->free_disk()) dir["free_disk"] = *free;
    vdirs.push_back(std::move(dir));
  }
  sessions_seen_ = std::move(next_seen);
  out["vdirs"] = std::move(vdirs);

  json commits = json::array();
  auto const files = recent_.commits.list();
  for (auto it = files.rbegin(); it != files.rend(); ++it) {
    commits.push_back({{"at", it->at},
                       {"vdir", it->vdir},
                       {"destination", it->destination},
                       {"principal", it->principal},
                       {"bytes", it->bytes},
                       {"commit_seconds", it->commit_seconds}});
  }
  out["commits"] = std::move(commits);

  json errors = json::array();
  auto const failed = recent_.errors.list();
  for (auto it = failed.rbegin(); it != failed.rend(); ++it) {
    if (now - it->at > error_window) break;
    errors.push_back({{"at", it->at},
                      {"remote", it->remote},
                      {"target", it->target},
                      {"packet", it->packet},
                      {"status", it->status},
                      {"error_code", it->error_code},
                      {"cause", it->cause}});
  }
  out["errors"] = std::move(errors);
  // Client-controlled text (targets, names) may be any bytes: replaced, never a throw.
  return {200, "application/json",
          out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)};
}

}  // namespace bits::server
