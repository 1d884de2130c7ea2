// Subcommands: validate options, build the transport, run the job, print the outcome.
#include "commands.hpp"

#include "client/download_job.hpp"
#include "client/fragment_sizer.hpp"
#include "client/job_state.hpp"
#include "client/ping.hpp"
#include "client/summary.hpp"
#include "client/transport.hpp"
#include "client/units.hpp"
#include "client/upload_job.hpp"
#include "console.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <iterator>
#include <memory>
#include <optional>
#include <string_view>
#include <utility>

namespace openbits_cli {
namespace {

namespace bc = bits::client;

/// Everything the jobs need, checked.
struct setup {
  bc::retry_settings retry;
  bits::net::http_options http;
  console_options console;
};

int usage_error(std::string const& what) {
  std::fprintf(stderr, "openbits: %s (see --help)\n", what.c_str());
  return bc::exit_code::usage;
}

std::optional<std::chrono::milliseconds> duration_option(std::string const& name,
                                                         std::string const& text) {
  auto d = bc::parse_duration(text);
  if (!d) usage_error("invalid duration for " + name + ": '" + text + "'");
  return d;
}

std::optional<setup> make_setup(common_settings const& c) {
  setup s;
  auto retry_for = duration_option("--retry-for", c.retry_for);
  auto delay = duration_option("--retry-delay", c.retry_delay);
  auto max_delay = duration_option("--max-retry-delay", c.max_retry_delay);
  auto connect = duration_option("--connect-timeout", c.connect_timeout);
  auto timeout = duration_option("--timeout", c.timeout);
  auto interval = duration_option("--progress-interval", c.progress_interval);
  if (!retry_for || !delay || !max_delay || !connect || !timeout || !interval) return std::nullopt;
  s.retry = {*retry_for, *delay, *max_delay};
  auto const secs = [](std::chrono::milliseconds d) {
    return std::max(std::chrono::seconds(1), std::chrono::ceil<std::chrono::seconds>(d));
  };
  s.http.connect_timeout = secs(*connect);
  s.http.response_timeout = secs(*timeout);
  if (!c.limit_rate.empty()) {
    auto rate = bc::parse_size(c.limit_rate);
    if (!rate) {
      usage_error("invalid --limit-rate '" + c.limit_rate + "'");
      return std::nullopt;
    }
    s.http.max_send_speed = *rate;
    s.http.max_recv_speed = *rate;
  }
  using bits::net::auth_mode;
  static constexpr std::pair<std::string_view, auth_mode> modes[] = {
      {"basic", auth_mode::basic},
      {"any", auth_mode::any},
      {"negotiate", auth_mode::negotiate},
      {"ntlm", auth_mode::ntlm}};
  auto const mode = std::find_if(std::begin(modes), std::end(modes),
                                 [&](auto const& m) { return m.first == c.auth; });
  if (mode == std::end(modes)) {
    usage_error("--auth must be basic, any, negotiate or ntlm");
    return std::nullopt;
  }
  if (mode->second == auth_mode::ntlm && c.user.empty()) {
    usage_error("--auth ntlm needs --user 'DOMAIN\\user:password'");
    return std::nullopt;
  }
  s.http.credentials = c.user;
  s.http.auth = mode->second;
  s.http.ca_file = c.cacert;
  s.http.insecure = c.insecure;
  s.http.proxy = c.proxy;
  s.http.extra_headers = c.headers;
  s.http.trace = c.trace;
  s.console = {c.quiet || c.json, c.verbose, *interval};
  return s;
}

/// --state, or the default location for (kind, file, url); empty with --no-state.
std::optional<std::filesystem::path> state_path(common_settings const& c, std::string_view kind,
                                                std::string const& file, std::string const& url) {
  if (c.no_state) return std::filesystem::path();
  if (!c.state.empty()) return std::filesystem::path(c.state);
  std::error_code ec;
  auto p = bc::default_state_path(kind, std::filesystem::absolute(file, ec), url);
  if (!p) {
    usage_error("no state directory: set XDG_STATE_HOME or HOME, or use --state FILE");
    return std::nullopt;
  }
  return *p;
}

std::unique_ptr<bc::transport> make_transport(setup const& s) {
  auto t = bc::make_curl_transport(s.http);
  if (!t) {
    std::fprintf(stderr, "openbits: cannot initialise libcurl: %s\n", t.error().message().c_str());
    return nullptr;
  }
  return std::move(*t);
}

bc::job_hooks make_hooks(console& out, std::stop_token stop) {
  bc::job_hooks h;
  h.on_progress = [&out](bc::progress_info const& p) { out.progress(p); };
  h.on_event = [&out](std::string_view line) { out.event(line); };
  h.stop = std::move(stop);
  return h;
}

int finish(console& out, std::string const& verb, std::optional<bc::failure> const& error,
           std::string const& json, bool print_json) {
  out.finish();
  if (print_json) std::cout << json << std::endl;
  if (!error) return bc::exit_code::ok;
  if (error->ec == bc::make_error_code(bc::errc::cancelled)) {
    out.message(verb + " interrupted; run the same command again to resume");
  } else {
    out.message(verb + " failed: " + bc::describe(*error));
  }
  return bc::exit_code_of(*error);
}

std::string rate_text(std::uint64_t bytes, std::chrono::microseconds d) {
  double const s = static_cast<double>(d.count()) / 1e6;
  return bc::format_bytes(bytes) + " in " +
         bc::format_duration(std::chrono::duration_cast<std::chrono::milliseconds>(d)) +
         (s > 0 ? " (" + bc::format_rate(static_cast<double>(bytes) / s) + ")" : "");
}

}  // namespace

int upload_command(common_settings const& c, upload_settings const& u, std::stop_token stop) {
  auto s = make_setup(c);
  if (!s) return bc::exit_code::usage;
  bc::upload_options o;
  o.file = u.file;
  o.url = u.url;
  o.reply_file = u.reply;
  o.ping = !u.no_ping;
  o.retry = s->retry;
  if (!u.fragment_size.empty()) {
    auto size = bc::parse_size(u.fragment_size);
    if (!size || *size < bc::fragment_sizer::minimum) {
      return usage_error("--fragment-size must be a size of at least 5K, got '" + u.fragment_size +
                         "'");
    }
    o.fragment_size = *size;
  }
  auto path = state_path(c, "upload", u.file, u.url);
  if (!path) return bc::exit_code::usage;
  o.state_path = *path;
  auto t = make_transport(*s);
  if (!t) return bc::exit_code::internal;
  console out("upload", s->console);
  auto const r = bc::run_upload(*t, o, make_hooks(out, std::move(stop)));
  if (!r.error && !c.quiet && !c.json) {
    out.finish();
    out.message(
        "uploaded " + rate_text(r.summary.bytes_sent, r.summary.duration) + " to " + r.summary.url +
        ", session " + r.summary.session_id +
        (r.summary.resumed ? ", resumed at " + std::to_string(r.summary.resumed_from) : ""));
  }
  return finish(out, "upload", r.error, bc::upload_json(o, r), c.json);
}

int download_command(common_settings const& c, download_settings const& d, std::stop_token stop) {
  auto s = make_setup(c);
  if (!s) return bc::exit_code::usage;
  bc::download_options o;
  o.url = d.url;
  o.file = d.file;
  o.retry = s->retry;
  auto path = state_path(c, "download", d.file, d.url);
  if (!path) return bc::exit_code::usage;
  o.state_path = *path;
  auto t = make_transport(*s);
  if (!t) return bc::exit_code::internal;
  console out("download", s->console);
  auto const r = bc::run_download(*t, o, make_hooks(out, std::move(stop)));
  if (!r.error && !c.quiet && !c.json) {
    out.finish();
    out.message("downloaded " + rate_text(r.summary.bytes_received, r.summary.duration) +
                (r.summary.resumed_from > 0
                     ? ", resumed at " + std::to_string(r.summary.resumed_from)
                     : ""));
  }
  return finish(out, "download", r.error, bc::download_json(o, r), c.json);
}

int ping_command(common_settings const& c, std::string const& url, std::stop_token stop) {
  auto s = make_setup(c);
  if (!s) return bc::exit_code::usage;
  auto t = make_transport(*s);
  if (!t) return bc::exit_code::internal;
  console out("ping", s->console);
  auto const r = bc::run_ping(*t, url, make_hooks(out, std::move(stop)));
  if (!c.json && !c.quiet) {
    char ms[32];
    std::snprintf(ms, sizeof ms, "%.2f ms", static_cast<double>(r.round_trip.count()) / 1000.0);
    std::cout << "ping " << url << ": "
              << (r.status != 0 ? "HTTP " + std::to_string(r.status) + ", " + ms : "no response")
              << std::endl;
  }
  return finish(out, "ping", r.error, bc::ping_json(url, r), c.json);
}

int cancel_command(common_settings const& c, std::string const& file, std::string const& url,
                   std::stop_token stop) {
  if (c.state.empty() && (file.empty() || url.empty())) {
    return usage_error("cancel needs --state FILE, or the FILE and URL of the upload");
  }
  auto s = make_setup(c);
  if (!s) return bc::exit_code::usage;
  auto path = state_path(c, "upload", file, url);
  if (!path) return bc::exit_code::usage;
  auto t = make_transport(*s);
  if (!t) return bc::exit_code::internal;
  console out("cancel", s->console);
  auto const r = bc::run_cancel(*t, *path, s->retry, make_hooks(out, std::move(stop)));
  if (!r.error && !c.quiet && !c.json) {
    out.message(r.session_id.empty() ? "no session was open; state removed"
                                     : "cancelled session " + r.session_id);
  }
  return finish(out, "cancel", r.error, bc::cancel_json(path->string(), r), c.json);
}

}  // namespace openbits_cli
