// openbits_loadgen: load generator of the benchmark suite. Drives BITS uploads (and
// ranged downloads) against openbitsd over HTTP/1.1, or the same bytes against
// openbits_sink, and prints one JSON report. Loopback only.
#include "loadgen/run_load.hpp"
#include "loadgen/wire.hpp"

#include <CLI/CLI.hpp>
#include <boost/asio/ip/address.hpp>

#include <fstream>
#include <iostream>
#include <map>

namespace {

using namespace bits::bench;

void add_options(CLI::App& app, options& o) {
  std::map<std::string, transport> const vias{{"http", transport::http}, {"raw", transport::raw}};
  std::map<std::string, upload_mode> const modes{{"upload", upload_mode::upload},
                                                 {"idle", upload_mode::idle}};
  app.add_option("--transport", o.via, "http (openbitsd) or raw (openbits_sink)")
      ->transform(CLI::CheckedTransformer(vias));
  app.add_option("--mode", o.mode, "upload: whole sessions; idle: one slow session per client")
      ->transform(CLI::CheckedTransformer(modes));
  app.add_option("--host", o.host, "server address (loopback)");
  app.add_option("--port", o.port, "server port")->required();
  app.add_option("--prefix", o.prefix, "URL prefix of uploads, ending in '/'");
  app.add_option("--threads", o.threads, "event loops")->check(CLI::Range(1U, 64U));
  app.add_option("--clients", o.clients, "upload clients (connections)");
  app.add_option("--size", o.size, "bytes per upload (minimum when --size-max is given)");
  app.add_option("--size-max", o.size_max, "largest upload; sizes are uniform in [size, max]");
  app.add_option("--fragment", o.fragment, "bytes per Fragment / raw PUT")
      ->check(CLI::Range(1ULL, 1ULL << 32));
  app.add_option("--files", o.files, "uploads per client (0 = until --duration ends)");
  app.add_option("--duration", o.duration, "seconds (upload: bound; idle: steady phase)");
  app.add_option("--interval", o.interval, "idle: seconds between one session's Fragments");
  app.add_option("--ramp-rate", o.ramp_rate, "idle: connections opened per second")
      ->check(CLI::PositiveNumber);
  app.add_flag("!--no-sync", o.sync, "raw: do not ask the sink to fdatasync each upload");
  app.add_option("--downloaders", o.downloaders, "clients doing ranged GETs meanwhile");
  app.add_option("--download-path", o.download_path, "http: URL path of the file downloaded");
  app.add_option("--download-size", o.download_size, "size of that file in bytes");
  app.add_option("--range-size", o.range_size, "bytes per ranged GET")
      ->check(CLI::Range(1ULL, 1ULL << 32));
  app.add_option("--watch-pid", o.watch_pid, "process whose CPU and memory are reported");
  app.add_option("--out", o.out, "write the JSON report here (default stdout)");
  app.add_option("--label", o.label, "copied into the report");
  app.add_option("--seed", o.seed, "random seed (sizes, offsets, timing jitter)");
}

/// Settings that cannot run, explained; "" when they are fine.
std::string check(options const& o) {
  boost::system::error_code ec;
  auto const addr = boost::asio::ip::make_address(o.host, ec);
  if (ec || !addr.is_loopback()) return "--host must be a loopback address";
  if (o.clients == 0 && o.downloaders == 0)
    return "nothing to do: --clients and --downloaders are 0";
  if (o.mode == upload_mode::upload && o.files == 0 && o.duration <= 0 && o.clients > 0) {
    return "give --files or --duration";
  }
  if (o.mode == upload_mode::idle && (o.duration <= 0 || o.size < o.fragment)) {
    return "idle mode needs --duration and --size >= --fragment";
  }
  if (o.downloaders > 0 && (o.duration <= 0 || o.download_size == 0)) {
    return "downloads need --duration and --download-size";
  }
  if (o.downloaders > 0 && o.via == transport::http && o.download_path.empty()) {
    return "http downloads need --download-path";
  }
  return {};
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"openbits_loadgen: BITS upload load generator (loopback only)"};
  options opt;
  add_options(app, opt);
  CLI11_PARSE(app, argc, argv);
  if (auto const why = check(opt); !why.empty()) {
    std::cerr << "openbits_loadgen: " << why << '\n';
    return 2;
  }
  init_body_pattern(static_cast<std::size_t>(std::min<std::uint64_t>(opt.fragment, 4U << 20)));
  auto const report = run_load(opt);
  std::string const text = report.dump(2) + "\n";
  if (opt.out.empty() || opt.out == "-") {
    std::cout << text;
  } else {
    std::ofstream out(opt.out, std::ios::trunc);
    out << text;
    if (!out.flush()) {
      std::cerr << "openbits_loadgen: cannot write " << opt.out << '\n';
      return 1;
    }
  }
  return report["errors"].get<std::uint64_t>() == 0 ? 0 : 3;
}
