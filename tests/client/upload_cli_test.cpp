// `openbits upload` against openbitsd: sizes around fragment boundaries, a large
// generated file, upload-reply against a plain root, ping, progress output.
#include "client/cli_fixture.hpp"

#include "support/digest.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <regex>
#include <sstream>

namespace bits::test {
namespace {

class UploadCli : public client_test {};

struct size_case {
  std::uint64_t size;
  std::string fragment;  ///< --fragment-size, "" = adaptive
  int fragments;         ///< expected Fragment packets, -1 = don't check
};

class UploadSizes : public client_test, public ::testing::WithParamInterface<size_case> {};

TEST_P(UploadSizes, ArriveIntactWithExpectedFragments) {
  auto const c = GetParam();
  ASSERT_TRUE(start());
  auto const file = random_file("in.bin", c.size, c.size + 1);
  std::vector<std::string> args = {"upload", file.string(), url("out.bin"),
                                   "--json", "--state",     (tmp() / "s.json").string()};
  if (!c.fragment.empty()) args.insert(args.end(), {"--fragment-size", c.fragment});
  auto const r = openbits(args);
  ASSERT_EQ(r.code(), 0) << r.describe();
  EXPECT_EQ(sha256_file_hex(root() / "out.bin"), sha256_file_hex(file));
  EXPECT_EQ(r.json["result"], "ok");
  EXPECT_EQ(r.json["bytes"], c.size);
  if (c.fragments >= 0) {
    EXPECT_EQ(r.json["fragments"], c.fragments) << r.out;
  }
  EXPECT_FALSE(std::filesystem::exists(tmp() / "s.json")) << "state removed after Close";
  EXPECT_EQ(spool_sessions(), 0u) << "Close-Session released the session";
}

INSTANTIATE_TEST_SUITE_P(Sizes, UploadSizes,
                         ::testing::Values(size_case{0, "", 1}, size_case{1, "", 1},
                                           size_case{4097, "", 1}, size_case{65535, "64K", 1},
                                           size_case{65536, "64K", 1}, size_case{65537, "64K", 2},
                                           size_case{131072, "64K", 2}, size_case{131073, "64K", 3},
                                           size_case{5121, "5K", 2},
                                           size_case{3 * 1024 * 1024 + 7, "", -1}));

// A 300 MiB file, mostly holes with a random block every 8 MiB, so a shifted or lost
// fragment changes the digest; no sleeping, adaptive fragments.
TEST_F(UploadCli, LargeSparseFileArrivesIntact) {
  ASSERT_TRUE(start());
  auto const file = tmp() / "big.bin";
  std::uint64_t const size = 300ull << 20;
  {
    int const fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(::ftruncate(fd, static_cast<off_t>(size)), 0);
    for (std::uint64_t off = 12345; off < size; off += 8ull << 20) {
      std::string const block = random_bytes(4096, off);
      ASSERT_EQ(::pwrite(fd, block.data(), block.size(), static_cast<off_t>(off)), 4096);
    }
    ::close(fd);
  }
  auto const r = openbits(
      {"upload", file.string(), url("big.bin"), "--json", "--state", (tmp() / "s.json").string()},
      std::chrono::seconds(120));
  ASSERT_EQ(r.code(), 0) << r.describe();
  EXPECT_EQ(r.json["bytes"], size);
  EXPECT_EQ(r.json["retries"], 0);
  EXPECT_EQ(sha256_file_hex(root() / "big.bin"), sha256_file_hex(file));
  std::cout << "300 MiB upload: " << r.json["rate_bytes_per_s"].get<double>() / (1 << 20)
            << " MiB/s, " << r.json["fragments"] << " fragments, final size "
            << r.json["fragment_size"] << "\n";
}

TEST_F(UploadCli, ProgressLinesWhenStderrIsNotATerminal) {
  ASSERT_TRUE(start());
  auto const file = random_file("p.bin", 3 << 20, 7);
  auto const r =
      openbits({"upload", file.string(), url("p.bin"), "--limit-rate", "2M", "--progress-interval",
                "200ms", "--fragment-size", "256K", "--state", (tmp() / "s.json").string()});
  ASSERT_EQ(r.code(), 0) << r.describe();
  std::regex const line(
      R"(openbits: upload +\d{1,3}% \d+/3145728 bytes, [0-9.]+ (B|KiB|MiB)/s, ETA (--|\d+s|\d+m\d\ds)( \(.*\))?)");
  std::istringstream err(r.err);
  std::string text;
  int progress_lines = 0;
  bool saw_100 = false;
  while (std::getline(err, text)) {
    if (text.find('\r') != std::string::npos || text.find("\x1b[") != std::string::npos) {
      ADD_FAILURE() << "terminal control characters in non-TTY output: " << text;
    }
    if (!text.starts_with("openbits: upload ")) continue;
    EXPECT_TRUE(std::regex_match(text, line)) << text;
    ++progress_lines;
    saw_100 = saw_100 || text.find(" 100% 3145728/3145728 bytes") != std::string::npos;
  }
  EXPECT_GE(progress_lines, 4) << r.err;
  EXPECT_TRUE(saw_100) << r.err;
  EXPECT_NE(r.err.find("openbits: uploaded 3.00 MiB in"), std::string::npos) << r.err;
}

TEST_F(UploadCli, QuietPrintsNothingOnSuccess) {
  ASSERT_TRUE(start());
  auto const file = random_file("q.bin", 1000, 8);
  auto const r = openbits(
      {"upload", file.string(), url("q.bin"), "--quiet", "--state", (tmp() / "s.json").string()});
  ASSERT_EQ(r.code(), 0) << r.describe();
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(r.out, "");
}

TEST_F(UploadCli, DefaultStateLocationIsUnderXdgStateHome) {
  ASSERT_TRUE(start());
  auto const file = random_file("d.bin", 1 << 20, 9);
  auto child = spawn({"upload", file.string(), url("d.bin"), "--limit-rate", "256K", "-q"}, "bg");
  auto const dir = tmp() / "state" / "openbits";
  bool found = false;
  for (int i = 0; i < 200 && !found; ++i) {
    std::error_code ec;
    for (auto const& e : std::filesystem::directory_iterator(dir, ec)) {
      found = found || (e.path().extension() == ".json" &&
                        e.path().filename().string().starts_with("upload-"));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_TRUE(found);
  (void)child->kill(SIGKILL);
}

TEST_F(UploadCli, PingPrintsTheRoundTrip) {
  ASSERT_TRUE(start());
  auto const r = openbits({"ping", url("")});
  ASSERT_EQ(r.code(), 0) << r.describe();
  EXPECT_TRUE(std::regex_search(
      r.out, std::regex(R"(ping http://127\.0\.0\.1:\d+/up/: HTTP 200, [0-9.]+ ms)")))
      << r.out;
  auto const j = openbits({"ping", url(""), "--json"});
  EXPECT_EQ(j.json["http_status"], 200);
  EXPECT_GT(j.json["round_trip_ms"].get<double>(), 0.0);
}

TEST_F(UploadCli, ProxyComesFromTheEnvironmentAndNoProxyBypassesIt) {
  ASSERT_TRUE(start());
  // A proxy on a port where nothing listens: using it fails, bypassing it works.
  std::map<std::string, std::string> env = {{"http_proxy", "http://127.0.0.1:9"}, {"no_proxy", ""}};
  auto const via_proxy =
      openbits({"ping", url(""), "--retry-for", "0", "-v"}, std::chrono::seconds(30), env);
  EXPECT_EQ(via_proxy.code(), 5) << via_proxy.describe();
  env["no_proxy"] = "127.0.0.1";
  auto const direct = openbits({"ping", url("")}, std::chrono::seconds(30), env);
  EXPECT_EQ(direct.code(), 0) << direct.describe();
}

TEST_F(UploadCli, FollowsHostIdOnTheSamePortAndPath) {
  vdir_options v;
  v.set("host_id", "localhost");
  ASSERT_TRUE(start(v));
  auto const file = random_file("h.bin", 200'000, 10);
  auto const r = openbits({"upload", file.string(), url("h.bin"), "--json", "--state",
                           (tmp() / "s.json").string(), "-v"});
  ASSERT_EQ(r.code(), 0) << r.describe();
  EXPECT_EQ(r.json["effective_url"], "http://localhost:" + std::to_string(port()) + "/up/h.bin")
      << r.out;
  EXPECT_NE(r.err.find("> Ping http://localhost:"), std::string::npos) << r.err;
  EXPECT_EQ(sha256_file_hex(root() / "h.bin"), sha256_file_hex(file));
}

TEST_F(UploadCli, FallsBackFromAnUnreachableHostIdAfterItsTimeout) {
  vdir_options v;
  v.set("host_id", "127.0.0.2");  // nothing listens there: connections are refused
  v.set("host_id_fallback_timeout", 1);
  ASSERT_TRUE(start(v));
  auto const file = random_file("f.bin", 100'000, 11);
  auto const r = openbits({"upload", file.string(), url("f.bin"), "--json", "--state",
                           (tmp() / "s.json").string(), "--retry-delay", "200ms", "-v"});
  ASSERT_EQ(r.code(), 0) << r.describe();
  EXPECT_EQ(r.json["effective_url"], url("f.bin"));
  EXPECT_GE(r.json["retries"].get<int>(), 1);
  EXPECT_NE(r.err.find("back to " + url("f.bin")), std::string::npos) << r.err;
  EXPECT_EQ(sha256_file_hex(root() / "f.bin"), sha256_file_hex(file));
}

}  // namespace
}  // namespace bits::test
