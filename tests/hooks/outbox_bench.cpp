// Measurements behind two choices of the hooks layer (not a test; run by hand):
//
//   openbits_outbox_bench outbox <dir> [events] [threads]
//       records per second through the outbox (journal: append + shared fdatasync)
//       against one file per event (create + write + fdatasync + folder fsync, then an
//       unlink once delivered), both with `threads` concurrent recorders
//   openbits_outbox_bench sha256 [MiB]
//       throughput of the saved-state SHA-256 (libcrypto SHA256_CTX) against EVP
//
// <dir> must be on the filesystem to measure (the spool's).
#define OPENSSL_SUPPRESS_DEPRECATED 1

#include "hooks/outbox.hpp"
#include "hooks/sha256.hpp"

#include <fcntl.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

namespace {

using namespace bits::hooks;
using clock_type = std::chrono::steady_clock;
namespace fs = std::filesystem;

/// Never called: the outbox is not started.
class no_hook final : public hook {
 public:
  hook_result call(event_message const&) override { return {}; }
  std::string describe() const override { return "none"; }
};

event sample(unsigned n) {
  event e;
  e.type = event_type::post_commit;
  e.id = random_event_id();
  e.time = 1'800'000'000;
  e.vdir = "/up/";
  e.url_path = "/up/crash-dumps/machine-" + std::to_string(n) + "/report.dmp";
  e.file_path = "/srv/uploads" + e.url_path.substr(3);
  e.size = 123456;
  sha256_stream s;
  e.sha256 = s.digest();
  e.principal = "CORP\\machine" + std::to_string(n) + "$";
  e.client_address = "10.1.2.3";
  e.created = e.time - 30;
  e.committed = e.time;
  return e;
}

template <class Work>
double per_second(unsigned events, unsigned threads, Work work) {
  std::atomic<unsigned> next{0};
  auto const start = clock_type::now();
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < threads; ++t) {
    pool.emplace_back([&] {
      for (unsigned n; (n = next.fetch_add(1)) < events;) work(n);
    });
  }
  for (auto& t : pool) t.join();
  std::chrono::duration<double> const took = clock_type::now() - start;
  return events / took.count();
}

void bench_outbox(fs::path const& dir, unsigned events, unsigned threads) {
  fs::remove_all(dir / "journal");
  fs::remove_all(dir / "files");
  outbox_options o;
  o.dir = dir / "journal";
  auto box = outbox::open(o, std::make_shared<no_hook>());
  if (!box) {
    std::cerr << "open: " << box.error().message() << "\n";
    return;
  }
  std::vector<event_message> messages;
  for (unsigned n = 0; n < events; ++n) messages.push_back(make_message(sample(n)));
  double const journal = per_second(events, threads, [&](unsigned n) {
    if ((*box)->record(messages[n])) std::abort();
  });

  fs::create_directories(dir / "files");
  int const dfd = ::open((dir / "files").c_str(), O_RDONLY | O_DIRECTORY);
  double const files = per_second(events, threads, [&](unsigned n) {
    auto const& m = messages[n];
    int const fd = ::openat(dfd, m.id.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0 || ::write(fd, m.json.data(), m.json.size()) < 0 || ::fdatasync(fd) != 0 ||
        ::fsync(dfd) != 0) {
      std::abort();
    }
    ::close(fd);
  });
  double const unlinks = per_second(events, threads, [&](unsigned n) {
    if (::unlinkat(dfd, messages[n].id.c_str(), 0) != 0) std::abort();
  });
  ::fsync(dfd);
  ::close(dfd);
  std::printf("%u events, %u threads, %zu-byte events\n", events, threads, messages[0].json.size());
  std::printf("  journal (append + shared fdatasync): %8.0f records/s\n", journal);
  std::printf("  file per event (create+fdatasync+dir fsync): %8.0f records/s\n", files);
  std::printf("  file per event, removal after delivery: %8.0f removals/s\n", unlinks);
  fs::remove_all(dir / "journal");
  fs::remove_all(dir / "files");
}

void bench_sha256(unsigned mib) {
  std::vector<std::byte> chunk(1024 * 1024, std::byte{0x5A});
  auto const start = clock_type::now();
  sha256_stream s;
  for (unsigned i = 0; i < mib; ++i) s.update(chunk);
  std::chrono::duration<double> const ours = clock_type::now() - start;
  auto const digest = s.digest();

  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr);
  auto const evp_start = clock_type::now();
  for (unsigned i = 0; i < mib; ++i) EVP_DigestUpdate(ctx, chunk.data(), chunk.size());
  std::chrono::duration<double> const evp = clock_type::now() - evp_start;
  sha256_digest check;
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx, check.bytes.data(), &len);
  EVP_MD_CTX_free(ctx);
  std::printf("sha256 over %u MiB in 1 MiB updates (same digest: %s)\n", mib,
              digest == check ? "yes" : "NO");
  std::printf("  sha256_stream (SHA256_CTX): %7.0f MiB/s\n", mib / ours.count());
  std::printf("  EVP_DigestUpdate:           %7.0f MiB/s\n", mib / evp.count());
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> const args(argv + 1, argv + argc);
  if (args.size() >= 2 && args[0] == "outbox") {
    unsigned const events = args.size() > 2 ? static_cast<unsigned>(std::stoul(args[2])) : 2000;
    unsigned const threads = args.size() > 3 ? static_cast<unsigned>(std::stoul(args[3])) : 1;
    bench_outbox(args[1], events, threads);
    return 0;
  }
  if (!args.empty() && args[0] == "sha256") {
    bench_sha256(args.size() > 1 ? static_cast<unsigned>(std::stoul(args[1])) : 1024);
    return 0;
  }
  std::cerr << "usage: openbits_outbox_bench outbox <dir> [events] [threads] | sha256 [MiB]\n";
  return 2;
}
