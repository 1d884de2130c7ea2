// What the admin listener serves: /metrics (Prometheus text format), /healthz,
// /readyz, /status (the page, from status_page.cpp) and /status.json. Values in and
// values out; admin_connection does the HTTP.
#pragma once

#include "core/published.hpp"
#include "server/activity.hpp"
#include "server/connection_registry.hpp"
#include "server/metrics.hpp"
#include "service/router.hpp"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace bits::server {

/// What the server keeps per virtual directory for monitoring.
struct vdir_monitor {
  service::upload_service* vdir = nullptr;
  std::string spool;  ///< the spool directory, for /readyz's write check; "" = not checked
  latency_histogram commit_latency;

  /// The store's probe (service::upload_service::probe_store) as /readyz reports it:
  /// made again only when the last one is older than `ttl` seconds (steady clock
  /// `now`), so frequent scrapes do not load the store; concurrent callers wait for
  /// one probe.
  [[nodiscard]] status store_status(double now, double ttl);

 private:
  std::mutex probe_mu_;
  double probed_at_ = 0;  ///< 0: never
  status probed_;
};

/// The directories being served (a reload publishes a new list; a monitor lives as
/// long as the server).
using monitor_list = std::vector<vdir_monitor*>;

/// One admin response.
struct admin_page {
  unsigned status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
};

/// The HTML of /status: one self-contained page (no external assets) that polls
/// /status.json.
[[nodiscard]] std::string_view status_page_html() noexcept;

class admin_site {
 public:
  /// Everything referred to outlives the site. `listening` is true while every
  /// listener is bound and accepting; `sessions_shown` caps the sessions listed per
  /// directory in /status.json (the busiest first).
  admin_site(core::published<monitor_list> const& vdirs, connection_registry const& connections,
             server_metrics& metrics, activity const& recent, std::atomic<bool> const& listening,
             std::size_t sessions_shown);

  /// True for the paths served here (the query string ignored).
  [[nodiscard]] static bool known(std::string_view path) noexcept;

  /// Whether `path` can be answered on the event loop (no disk, no walk over sessions).
  [[nodiscard]] static bool inline_path(std::string_view path) noexcept;

  /// The answer for GET `path` (query ignored); 404 for others. Blocking (statvfs, a
  /// spool write check, a walk over the open sessions): call it off the event loops,
  /// except for inline_path() ones.
  [[nodiscard]] admin_page serve(std::string_view path);

  [[nodiscard]] admin_page metrics();
  [[nodiscard]] admin_page ready();
  [[nodiscard]] admin_page status_json();

 private:
  struct seen {
    std::uint64_t bytes = 0;
    double at = 0;  ///< steady seconds
    double rate = 0;
  };

  core::published<monitor_list> const& vdirs_;
  connection_registry const& connections_;
  server_metrics& metrics_;
  activity const& recent_;
  std::atomic<bool> const& listening_;
  std::size_t const sessions_shown_;

  std::mutex mu_;  ///< the admin side's own: the rate samples below
  std::unordered_map<std::string, seen> sessions_seen_;  ///< by vdir + id prefix
  seen requests_seen_;
  seen bytes_seen_;
};

}  // namespace bits::server
