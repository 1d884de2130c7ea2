// openbits_sink: the baseline of the benchmark suite. It receives bytes over TCP on
// loopback and writes them to files (or serves a file by sendfile), with no HTTP and no
// protocol work, so what it reaches is what this machine allows for the same traffic.
// `--scan DIR` is the baseline of start-up recovery: read every spool entry's metadata.
#include "sink/sink_worker.hpp"
#include "sink/sync_pool.hpp"

#include <CLI/CLI.hpp>

#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <thread>
#include <vector>

namespace {

using namespace bits::bench;

/// Binds a non-blocking listening socket on 127.0.0.1:`port`; -1 on failure.
int listen_loopback(std::uint16_t port, std::uint16_t& bound) {
  int const fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), len) != 0 || ::listen(fd, SOMAXCONN) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    ::close(fd);
    return -1;
  }
  bound = ntohs(addr.sin_port);
  return fd;
}

bool write_port_file(std::string const& path, std::uint16_t port) {
  // Whole file under a temporary name, then renamed: a reader never sees half of it.
  std::string const tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << port << '\n';
    if (!out.flush()) return false;
  }
  return std::rename(tmp.c_str(), path.c_str()) == 0;
}

/// Reads the two slots of every <dir>/<entry>/meta.json (4 KiB at offsets 0 and 64 KiB,
/// where openbitsd keeps its two metadata versions) and stats every <dir>/<entry>/data:
/// the least work any recovery of that spool must do. Prints {"entries": N,
/// "seconds": S}.
int scan_spool(std::string const& dir) {
  auto const t0 = std::chrono::steady_clock::now();
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) {
    std::perror("openbits_sink: opendir");
    return 1;
  }
  std::size_t entries = 0;
  std::vector<char> buf(4096);
  while (dirent* e = ::readdir(d)) {
    if (e->d_name[0] == '.') continue;
    int const entry = ::openat(::dirfd(d), e->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (entry < 0) continue;
    int const meta = ::openat(entry, "meta.json", O_RDONLY | O_CLOEXEC);
    if (meta >= 0) {
      static_cast<void>(::pread(meta, buf.data(), 4096, 0));
      static_cast<void>(::pread(meta, buf.data(), 4096, 64 * 1024));
      ::close(meta);
      ++entries;
    }
    struct stat st {};
    ::fstatat(entry, "data", &st, 0);
    ::close(entry);
  }
  ::closedir(d);
  std::chrono::duration<double> const took = std::chrono::steady_clock::now() - t0;
  std::cout << "{\"entries\": " << entries << ", \"seconds\": " << took.count() << "}\n";
  return 0;
}

struct sink_args {
  std::uint16_t port = 0;
  std::string port_file, source, scan;
  unsigned threads = 2;
  unsigned sync_threads = 16;
  bool no_sync = false;
};

/// Listens, writes the port file, runs the workers until SIGINT or SIGTERM.
int serve(sink_args const& a, sink_config cfg) {
  sigset_t set;  // blocked before any thread starts, so only sigwait below sees them
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);

  std::uint16_t bound = 0;
  cfg.listen_fd = listen_loopback(a.port, bound);
  if (cfg.listen_fd < 0) {
    std::perror("openbits_sink: listen");
    return 1;
  }
  if (!a.source.empty()) cfg.source_fd = ::open(a.source.c_str(), O_RDONLY | O_CLOEXEC);
  if (!a.source.empty() && cfg.source_fd < 0) {
    std::perror("openbits_sink: source");
    return 1;
  }
  if (!a.port_file.empty() && !write_port_file(a.port_file, bound)) {
    std::cerr << "openbits_sink: cannot write " << a.port_file << '\n';
    return 1;
  }
  sync_pool syncer(a.sync_threads);
  cfg.syncer = &syncer;
  std::atomic<bool> stop{false};
  std::vector<std::thread> workers;
  for (unsigned i = 0; i < a.threads; ++i) {
    workers.emplace_back([&cfg, i, &stop] { run_sink_worker(cfg, i, stop); });
  }
  int sig = 0;
  sigwait(&set, &sig);
  stop.store(true);
  for (auto& w : workers) w.join();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"openbits_sink: TCP-to-file copier, the benchmark baseline"};
  sink_args a;
  sink_config cfg;
  cfg.buffer = 256 * 1024;  // the server reads bodies in 256 KiB: the same cache footprint
  app.add_option("--port", a.port, "port on 127.0.0.1 (0 = any)");
  app.add_option("--port-file", a.port_file, "write the bound port to FILE once listening");
  app.add_option("--dir", cfg.dir, "directory that receives PUT bodies");
  app.add_option("--source", a.source, "file served to GET requests");
  app.add_option("--threads", a.threads, "epoll threads")->check(CLI::Range(1U, 64U));
  app.add_option("--buffer", cfg.buffer, "bytes per read(2)")->check(CLI::Range(4096U, 1U << 28));
  app.add_option("--sync-threads", a.sync_threads, "threads running fdatasync")
      ->check(CLI::Range(1U, 256U));
  app.add_flag("--no-sync", a.no_sync, "ignore the client's fdatasync requests");
  app.add_option("--scan", a.scan, "time a read of every entry of this spool directory and exit");
  CLI11_PARSE(app, argc, argv);
  if (!a.scan.empty()) return scan_spool(a.scan);
  if (cfg.dir.empty()) {
    std::cerr << "openbits_sink: give --dir DIR\n";
    return 2;
  }
  cfg.sync_allowed = !a.no_sync;
  return serve(a, cfg);
}
