// The controlling thread of a load run. It never touches a loop's state while the loop
// runs: it waits on atomics, posts to the loops, and reads their stats after joining.
#include "loadgen/run_load.hpp"

#include "loadgen/clients.hpp"
#include "loadgen/proc_watch.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/post.hpp>

#include <functional>
#include <iostream>
#include <memory>
#include <thread>
#include <vector>

namespace bits::bench {
namespace {

namespace net = boost::asio;
using tcp = net::ip::tcp;
using loop_list = std::vector<std::unique_ptr<loop_ctx>>;

void report_crash(std::exception_ptr e) {
  if (!e) return;
  try {
    std::rethrow_exception(e);
  } catch (std::exception const& x) {
    std::cerr << "openbits_loadgen: client failed: " << x.what() << '\n';
  }
}

void spawn_clients(options const& opt, loop_list& loops) {
  for (unsigned c = 0; c < opt.clients; ++c) {
    auto& L = *loops[c % loops.size()];
    if (opt.mode == upload_mode::idle) {
      net::co_spawn(L.io, idle_client(L, c), report_crash);
    } else {
      net::co_spawn(L.io, upload_client(L, c), report_crash);
    }
  }
  for (unsigned d = 0; d < opt.downloaders; ++d) {
    auto& L = *loops[(opt.clients + d) % loops.size()];
    net::co_spawn(L.io, download_client(L, d), report_crash);
  }
}

/// Polls `done` every 20 ms until it holds or `limit` passes; whether it held.
bool wait_until(std::function<bool()> const& done, steady::time_point limit) {
  while (!done()) {
    if (steady::now() >= limit) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

steady::duration secs(double s) {
  return std::chrono::duration_cast<steady::duration>(std::chrono::duration<double>(s));
}

double seconds_between(steady::time_point a, steady::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

class load_run {
 public:
  explicit load_run(options const& opt) : opt_(opt) {
    boost::system::error_code ec;  // main() has checked the address already
    tcp::endpoint const ep(net::ip::make_address(opt.host, ec), opt.port);
    for (unsigned i = 0; i < opt.threads; ++i) {
      loops_.push_back(std::make_unique<loop_ctx>(opt, shared_, ep, i));
    }
    spawn_clients(opt, loops_);
  }

  nlohmann::json run() {
    auto const s0 = read_proc(opt_.watch_pid);
    double const cpu0 = own_cpu_seconds();
    shared_.origin = steady::now();
    if (opt_.mode == upload_mode::upload && opt_.duration > 0) {
      shared_.deadline = shared_.origin + secs(opt_.duration);
    }
    for (auto& L : loops_) {
      threads_.emplace_back([this, &L] {
        L->io.run();
        finished_.fetch_add(1);
      });
    }
    nlohmann::json report = opt_.mode == upload_mode::idle ? run_idle(s0) : run_upload(s0);
    report["loadgen_cpu_s"] = own_cpu_seconds() - cpu0;
    add_totals(report);
    return report;
  }

 private:
  /// Upload mode: everything from start to the last client's end is measured.
  nlohmann::json run_upload(proc_snapshot const& s0) {
    double const bound = opt_.duration > 0 ? opt_.duration + 120 : 900;
    bool const ended = wait_until([this] { return finished_.load() == loops_.size(); },
                                  shared_.origin + secs(bound));
    auto const t1 = steady::now();
    auto const s1 = read_proc(opt_.watch_pid);
    auto const end_ms = shared_.ms_since_origin() + 1;
    stop_and_join();
    if (!ended) stats_.error("hard time limit reached: clients still busy");
    nlohmann::json j;
    j["elapsed_s"] = seconds_between(shared_.origin, t1);
    j["server"] = proc_delta(s0, s1);
    nlohmann::json lat;
    for (std::size_t k = 0; k < op_kind_count; ++k) {
      if (!stats_.samples[k].empty()) {
        lat[std::string(op_name(static_cast<op_kind>(k)))] =
            summarize(stats_.samples[k], 0, end_ms);
      }
    }
    j["latency"] = lat;
    return j;
  }

  /// Idle mode: ramp (connect + create), settle, then a steady phase of opt.duration.
  nlohmann::json run_idle(proc_snapshot const& s0) {
    double const ramp_bound = opt_.clients / opt_.ramp_rate + 60;
    bool const ramped = wait_until([this] { return shared_.settled.load() == opt_.clients; },
                                   shared_.origin + secs(ramp_bound));
    auto const ramp_ms = shared_.ms_since_origin();
    std::this_thread::sleep_for(std::chrono::seconds(2));  // let the server settle
    auto const s1 = read_proc(opt_.watch_pid);
    shared_.gate_open.store(true);
    for (auto& L : loops_) net::post(L->io, [&L] { L->gate.cancel(); });
    auto const gate_ms = shared_.ms_since_origin();
    std::this_thread::sleep_for(secs(opt_.duration));
    auto const s2 = read_proc(opt_.watch_pid);
    auto const end_ms = shared_.ms_since_origin();
    stop_and_join();
    if (!ramped) stats_.error("ramp did not finish in time");
    nlohmann::json j;
    j["ramp_s"] = ramp_ms / 1000.0;
    j["elapsed_s"] = (end_ms - gate_ms) / 1000.0;
    j["server_after_ramp"] = proc_delta(s0, s1);
    j["server"] = proc_delta(s1, s2);
    auto const& creates = stats_.samples[static_cast<std::size_t>(op_kind::create)];
    auto const& frags = stats_.samples[static_cast<std::size_t>(op_kind::fragment)];
    j["latency"]["create"] = summarize(creates, 0, ramp_ms + 1);
    j["latency"]["fragment"] = summarize(frags, gate_ms, end_ms + 1);
    j["create_windows"] = window_p99(creates, 0, ramp_ms + 1, 5);
    // Windows start one interval in: by then every session has sent its first
    // Fragment (which also records the upload's size), so all windows hold the same mix.
    auto const warm_ms = gate_ms + static_cast<std::uint32_t>(opt_.interval * 1000);
    j["fragment_windows"] = window_p99(frags, warm_ms, end_ms + 1, 6);
    return j;
  }

  void stop_and_join() {
    shared_.stop.store(true);
    for (auto& L : loops_) L->io.stop();
    for (auto& t : threads_) t.join();
    for (auto& L : loops_) stats_.merge(std::move(L->stats));
  }

  void add_totals(nlohmann::json& j) const {
    double const secs_run = j["elapsed_s"].get<double>();
    double const mib = 1024.0 * 1024.0;
    j["label"] = opt_.label;
    j["transport"] = opt_.via == transport::http ? "http" : "raw";
    j["mode"] = opt_.mode == upload_mode::idle ? "idle" : "upload";
    j["clients"] = opt_.clients;
    j["downloaders"] = opt_.downloaders;
    j["threads"] = opt_.threads;
    j["bytes_up"] = stats_.bytes_up;
    j["bytes_down"] = stats_.bytes_down;
    j["uploads_done"] = stats_.uploads_done;
    j["sessions_opened"] = stats_.sessions_opened;
    j["up_mib_s"] = secs_run > 0 ? static_cast<double>(stats_.bytes_up) / mib / secs_run : 0.0;
    j["down_mib_s"] = secs_run > 0 ? static_cast<double>(stats_.bytes_down) / mib / secs_run : 0.0;
    j["uploads_per_s"] = secs_run > 0 ? static_cast<double>(stats_.uploads_done) / secs_run : 0.0;
    j["errors"] = stats_.errors;
    j["error_samples"] = stats_.error_samples;
  }

  options const& opt_;
  shared_state shared_;
  loop_list loops_;
  std::vector<std::thread> threads_;
  std::atomic<std::size_t> finished_{0};
  thread_stats stats_;
};

}  // namespace

nlohmann::json run_load(options const& opt) {
  load_run r(opt);
  return r.run();
}

}  // namespace bits::bench
