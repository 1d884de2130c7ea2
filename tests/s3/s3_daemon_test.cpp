// The real openbitsd on the object store: one node end to end, and a farm of three
// nodes behind a real haproxy (round robin, so consecutive packets of one session reach
// different nodes), on the Ceph RADOS Gateway the suite starts once (fixture "rgw").
#include "s3/rgw_env.hpp"
#include "support/ack.hpp"
#include "support/child_process.hpp"
#include "support/config_writer.hpp"
#include "support/daemon.hpp"
#include "support/daemon_test.hpp"
#include "support/raw_client.hpp"
#include "support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace bits::test {
namespace {

using namespace std::chrono_literals;

constexpr std::size_t part = 5 * 1024 * 1024;

std::string random_bytes(std::size_t n, unsigned seed) {
  std::mt19937 gen(seed);
  std::string s(n, '\0');
  for (std::size_t i = 0; i < n; i += 4) {
    auto const word = gen();
    for (std::size_t k = 0; k < 4 && i + k < n; ++k) s[i + k] = static_cast<char>(word >> (8 * k));
  }
  return s;
}

std::string object_text(s3::client& c, std::string const& key) {
  auto got = c.get_object(key);
  if (!got) return "<" + got.error().describe() + ">";
  return {reinterpret_cast<char const*>(got->data()), got->size()};
}

/// A port nobody listens on right now (bound, read, released).
std::uint16_t free_port() {
  int const fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  std::uint16_t port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0) {
    port = ntohs(a.sin_port);
  }
  ::close(fd);
  return port;
}

/// What a BITS client does, each packet on a new connection: Create-Session, then
/// fragments from the offset each answer reports (200 or 416), again after a 503 or a
/// lost connection, then Close-Session. `after_fragment(n)` runs after the n-th answered
/// fragment; every 5xx answer is added to `refused` when given. Bounded in attempts and
/// to one minute.
::testing::AssertionResult bits_upload(std::uint16_t port, std::string const& url,
                                       std::string const& data, std::size_t fragment,
                                       std::string& id,
                                       std::function<void(int)> const& after_fragment = {},
                                       std::vector<http_response>* refused = nullptr) {
  auto const deadline = std::chrono::steady_clock::now() + 60s;
  auto const again = [&](http_response const& r) {
    if (r.ok() && r.status >= 500 && refused != nullptr) refused->push_back(r);
    return !r.ok() || r.status == 503 || r.status == 502;
  };
  auto const in_time = [&] { return std::chrono::steady_clock::now() < deadline; };
  for (int i = 0; i < 1000 && id.empty() && in_time(); ++i) {
    raw_client c(port);
    auto r = c.create(url);
    if (r.ok() && r.status == 200) {
      id = r.header_or_empty("BITS-Session-Id");
    } else {
      static_cast<void>(again(r));
    }
    if (id.empty()) std::this_thread::sleep_for(100ms);
  }
  if (id.empty()) return ::testing::AssertionFailure() << "no session created";
  std::uint64_t off = 0;
  int answered = 0;
  bool done = false;
  for (int i = 0; i < 1000 && !done && in_time(); ++i) {
    auto const last = std::min<std::uint64_t>(off + fragment, data.size()) - 1;
    raw_client c(port);
    auto r = c.send_fragment(url, id, off, last, data.size(),
                             std::string_view(data).substr(off, last - off + 1));
    if (again(r)) {
      std::this_thread::sleep_for(100ms);
      continue;
    }
    auto const received = received_range(r);
    if ((r.status != 200 && r.status != 416) || !received) {
      return ::testing::AssertionFailure() << "fragment at " << off << ": " << r.describe();
    }
    off = *received;
    done = r.status == 200 && off == data.size();
    if (after_fragment) after_fragment(++answered);
  }
  if (!done) return ::testing::AssertionFailure() << "stuck at offset " << off;
  for (int i = 0; i < 1000 && in_time(); ++i) {
    raw_client c(port);
    auto r = c.close_session(url, id);
    if (again(r)) {
      std::this_thread::sleep_for(100ms);
      continue;
    }
    if (r.status != 200) return ::testing::AssertionFailure() << "close: " << r.describe();
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure() << "close never answered";
}

/// One more RADOS Gateway of the suite's cluster (scripts/ceph-rgw.sh gateway) on a port
/// of its own: the same users and buckets, but a gateway a test may stop and start
/// again without disturbing the others.
class own_gateway {
 public:
  explicit own_gateway(std::filesystem::path dir) : dir_(std::move(dir)), port_(free_port()) {}
  ~own_gateway() { stop(); }
  own_gateway(own_gateway const&) = delete;
  own_gateway& operator=(own_gateway const&) = delete;

  [[nodiscard]] std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }

  /// Starts it and waits (up to 20 s) until it answers.
  ::testing::AssertionResult start() {
    auto const cluster = std::filesystem::path(std::getenv("BITS_RGW_ENV")).parent_path();
    ++runs_;
    proc_ = std::make_unique<child_process>(
        BITS_CEPH_RGW_SCRIPT,
        std::vector<std::string>{"gateway", cluster.string(), std::to_string(port_)},
        dir_ / ("gateway" + std::to_string(runs_) + ".out"),
        dir_ / ("gateway" + std::to_string(runs_) + ".err"));
    for (int i = 0; i < 200; ++i) {
      raw_client c(port_, 1s);
      if (c.is_open() && c.request("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").ok()) {
        return ::testing::AssertionSuccess();
      }
      if (!proc_->running()) break;
      std::this_thread::sleep_for(100ms);
    }
    return ::testing::AssertionFailure() << "the gateway did not answer: " << proc_->err();
  }

  /// Stops it with SIGTERM (in about 2 s: in-flight requests are cut off then). Not
  /// kill -9: the gateways of a cluster watch each other's cache, and one that vanishes
  /// without a word holds up every bucket creation and removal on the others for 30 s.
  void stop() {
    if (proc_ && proc_->running()) static_cast<void>(proc_->kill(SIGTERM));
  }

 private:
  std::filesystem::path dir_;
  std::uint16_t port_;
  int runs_ = 0;
  std::unique_ptr<child_process> proc_;
};

class S3Daemon : public ::testing::Test {
 protected:
  S3Daemon() : bucket_(::testing::UnitTest::GetInstance()->current_test_info()->name()) {
    credentials_ = tmp_.path() / "credentials";
    std::ofstream(credentials_) << "[default]\naws_access_key_id = " << rgw().access_key
                                << "\naws_secret_access_key = " << rgw().secret_key << "\n";
  }

  void TearDown() override {
    if (!HasFailure()) return;
    for (auto const& n : nodes_) std::cerr << n->log_path() << ":\n" << n->log_tail(40) << '\n';
    if (proxy_) std::cerr << "haproxy:\n" << proxy_->err() << '\n';
  }

  /// A node's configuration: vdir /up/ on the test's bucket under "up/".
  std::filesystem::path node_config(std::string const& name, std::string const& bucket,
                                    std::string const& endpoint = rgw().endpoint) {
    vdir_options v;
    v.url = "/up/";
    v.root = tmp_.path() / name;
    v.set("storage", "s3")
        .set("s3_endpoint", endpoint)
        .set("s3_bucket", bucket)
        .set("s3_prefix", "up/")
        .set("s3_region", rgw().region)
        .set("s3_credentials_file", credentials_)
        .set("s3_part_size", static_cast<std::uint64_t>(part));
    daemon_options o;
    o.vdirs.push_back(v);
    auto const file = tmp_.path() / (name + ".toml");
    EXPECT_TRUE(write_config(file, o));
    return file;
  }

  daemon& start_node(std::string const& name, std::string const& endpoint = rgw().endpoint) {
    nodes_.push_back(std::make_unique<daemon>(
        openbitsd_path(),
        std::vector<std::string>{"--config", node_config(name, bucket_.name(), endpoint)},
        tmp_.path(), name));
    EXPECT_TRUE(nodes_.back()->start()) << nodes_.back()->last_error();
    return *nodes_.back();
  }

  /// haproxy in front of every node started so far, round robin, with `sticky` a session
  /// kept on the node that created it (README, "Farm"); returns its port.
  std::uint16_t start_proxy(bool sticky) {
    auto const port = free_port();
    auto const cfg = tmp_.path() / "haproxy.cfg";
    std::ofstream f(cfg);
    f << "global\n  maxconn 256\n"
         "defaults\n  mode http\n  timeout connect 2s\n  timeout client 30s\n"
         "  timeout server 30s\n  retries 3\n  option redispatch 1\n"
         "frontend fe\n  bind 127.0.0.1:"
      << port << "\n  default_backend be\nbackend be\n  balance roundrobin\n";
    if (sticky) {
      f << "  stick-table type string len 40 size 1m expire 1h\n"
           "  stick on req.hdr(BITS-Session-Id)\n"
           "  stick store-response res.hdr(BITS-Session-Id)\n";
    }
    for (std::size_t i = 0; i < nodes_.size(); ++i) {
      f << "  server n" << i + 1 << " 127.0.0.1:" << nodes_[i]->port()
        << " check inter 200ms fall 1 rise 2\n";
    }
    f.close();
    proxy_ = std::make_unique<child_process>(
        "/usr/sbin/haproxy", std::vector<std::string>{"-db", "-f", cfg.string()},
        tmp_.path() / "haproxy.out", tmp_.path() / "haproxy.err");
    for (int i = 0; i < 100; ++i) {
      raw_client c(port, 1s);
      if (c.is_open() && c.ping("/up/").status == 200) return port;
      std::this_thread::sleep_for(50ms);
    }
    ADD_FAILURE() << "haproxy did not start: " << proxy_->err();
    return port;
  }

  temp_dir tmp_;
  rgw_bucket bucket_;
  std::filesystem::path credentials_;
  std::vector<std::unique_ptr<daemon>> nodes_;
  std::unique_ptr<child_process> proxy_;
};

TEST_F(S3Daemon, AnUploadGoesIntoTheBucketAndIsServedWithRanges) {
  auto& n = start_node("node1");
  auto const data = random_bytes(2 * part + 12345, 1);
  std::string id;
  bool checked_invisible = false;
  ASSERT_TRUE(bits_upload(n.port(), "/up/big.bin", data, 2 * 1024 * 1024, id, [&](int k) {
    if (k != 3) return;
    // Two parts are in the store already, but nothing is visible under the name.
    auto head = bucket_.client().head_object("up/big.bin");
    EXPECT_FALSE(head);
    checked_invisible = true;
  }));
  EXPECT_TRUE(checked_invisible);
  EXPECT_EQ(object_text(bucket_.client(), "up/big.bin"), data);

  raw_client c(n.port());
  auto r = c.request(
      "GET /up/big.bin HTTP/1.1\r\nHost: 127.0.0.1\r\nRange: bytes=5242000-5243999\r\n\r\n");
  ASSERT_EQ(r.status, 206) << r.describe();
  EXPECT_EQ(r.body, data.substr(5242000, 2000));
  ASSERT_TRUE(c.send("HEAD /up/big.bin HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
  auto h = c.read_response(true);
  EXPECT_EQ(h.header_or_empty("Content-Length"), std::to_string(data.size()));

  // A small file is one PUT; a second upload to the same name is refused.
  std::string small_id;
  ASSERT_TRUE(bits_upload(n.port(), "/up/small.txt", "hello farm", 1024, small_id));
  EXPECT_EQ(object_text(bucket_.client(), "up/small.txt"), "hello farm");
  raw_client again(n.port());
  EXPECT_EQ(again.create("/up/small.txt").status, 403);
  // Nothing else is left in the bucket but the two files and the two tombstones.
  auto listed = bucket_.client().list_objects("up/");
  ASSERT_TRUE(listed);
  std::size_t records = 0;
  for (auto const& o : *listed) records += o.key.ends_with(".json") ? 1U : 0U;
  EXPECT_EQ(records, 0U);
}

TEST_F(S3Daemon, CheckConfigAndStartUpSayWhenTheBucketCannotBeUsed) {
  auto const good = node_config("good", bucket_.name());
  auto ok = run_to_exit(openbitsd_path(), {"--check-config", good.string()});
  EXPECT_EQ(ok.status.code, 0) << ok.output;
  EXPECT_NE(ok.output.find("is reachable and writable"), std::string::npos) << ok.output;

  auto const missing = node_config("missing", bucket_.name() + "-none");
  auto bad = run_to_exit(openbitsd_path(), {"--check-config", missing.string()});
  EXPECT_EQ(bad.status.code, 1) << bad.output;
  EXPECT_NE(bad.output.find("cannot be used"), std::string::npos) << bad.output;
  EXPECT_NE(bad.output.find("NoSuchBucket"), std::string::npos) << bad.output;
  EXPECT_EQ(bad.output.find(rgw().secret_key), std::string::npos);

  daemon d(openbitsd_path(), {"--config", missing.string()}, tmp_.path(), "nobucket");
  EXPECT_FALSE(d.start());
  EXPECT_NE(d.log().find("cannot be used"), std::string::npos) << d.log();
  EXPECT_EQ(d.log().find(rgw().secret_key), std::string::npos);
}

TEST_F(S3Daemon, AReplayedCloseOnAnotherNodeIsAnsweredFromTheStore) {
  auto& a = start_node("a");
  auto& b = start_node("b");
  std::string id;
  ASSERT_TRUE(bits_upload(a.port(), "/up/r.txt", "replayed", 100, id));
  raw_client c(b.port());
  auto r = c.close_session("/up/r.txt", id);
  EXPECT_EQ(r.status, 200) << r.describe();
  EXPECT_EQ(r.header_or_empty("BITS-Packet-Type"), "Ack");
  // Served by the node that never saw the upload.
  raw_client g(b.port());
  auto got = g.request("GET /up/r.txt HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  EXPECT_EQ(got.body, "replayed");
}

TEST_F(S3Daemon, AFarmBehindHaproxyFinishesAnUploadWhenANodeIsKilled) {
  for (auto const* name : {"n1", "n2", "n3"}) start_node(name);
  auto const proxy = start_proxy(false);
  auto const data = random_bytes(4 * part + 4321, 2);
  std::string id;
  // Fragments of one part each, so every node that gets one uploads a whole part and
  // the next node continues from it; a node is killed in the middle.
  ASSERT_TRUE(bits_upload(proxy, "/up/farm.bin", data, part, id, [&](int k) {
    if (k == 2) nodes_[1]->kill9();
  }));
  EXPECT_FALSE(nodes_[1]->running());
  EXPECT_EQ(object_text(bucket_.client(), "up/farm.bin"), data);
  // Downloads through the balancer, ranged, from whichever node answers.
  for (int i = 0; i < 3; ++i) {
    raw_client c(proxy);
    auto r = c.request(
        "GET /up/farm.bin HTTP/1.1\r\nHost: 127.0.0.1\r\nRange: bytes=10485000-10486000\r\n\r\n");
    EXPECT_EQ(r.status, 206) << r.describe();
    EXPECT_EQ(r.body, data.substr(10485000, 1001));
  }
}

TEST_F(S3Daemon, AStickyFarmFailsOverWhenTheSessionsNodeIsKilled) {
  for (auto const* name : {"n1", "n2", "n3"}) start_node(name);
  auto const proxy = start_proxy(true);
  auto const data = random_bytes(3 * part + 99, 3);
  std::string id;
  // Every packet goes to the node that created the session, until it is killed.
  ASSERT_TRUE(bits_upload(proxy, "/up/sticky.bin", data, part / 2, id, [&](int k) {
    if (k != 3) return;
    for (auto& n : nodes_) {
      if (n->log().find("sticky.bin") != std::string::npos) n->kill9();
    }
  }));
  int killed = 0;
  for (auto& n : nodes_) killed += n->running() ? 0 : 1;
  EXPECT_EQ(killed, 1);
  EXPECT_EQ(object_text(bucket_.client(), "up/sticky.bin"), data);
}

TEST_F(S3Daemon, UploadsOutlastTheStoreStoppedForTwentySecondsAndNothingPartialIsVisible) {
  own_gateway store(tmp_.path());
  ASSERT_TRUE(store.start());
  auto& n = start_node("n1", store.endpoint());
  // Three uploads meet the outage at different steps: "big" between parts, "committing"
  // at its last fragment (which completes the multipart upload), "late" at Create-Session.
  struct job {
    std::string name;
    std::string data;
    std::size_t fragment;
    std::string id;
    std::vector<http_response> refused;
    bool ok = false;
  };
  std::vector<job> jobs;
  jobs.push_back({"big.bin", random_bytes(3 * part + 777, 4), 1024 * 1024, {}, {}, false});
  jobs.push_back({"committing.bin", random_bytes(part + 5, 5), part, {}, {}, false});
  jobs.push_back({"late.txt", "created while the store is away", 100, {}, {}, false});
  std::atomic<bool> store_down{false};
  std::atomic<int> big_fragments{0};
  std::atomic<bool> first_part_sent{false};
  std::vector<std::thread> threads;
  // Joined on every way out of the test (each upload gives up after a minute).
  struct joiner {
    std::vector<std::thread>& threads;
    ~joiner() {
      for (auto& t : threads) {
        if (t.joinable()) t.join();
      }
    }
  } join_all{threads};
  auto const run = [&](job& j, std::function<void(int)> const& after) {
    j.ok = static_cast<bool>(
        bits_upload(n.port(), "/up/" + j.name, j.data, j.fragment, j.id, after, &j.refused));
  };
  threads.emplace_back([&] { run(jobs[0], [&](int k) { big_fragments = k; }); });
  threads.emplace_back([&] {
    // The first part, then the last 5 bytes once the store is away.
    run(jobs[1], [&](int k) {
      if (k != 1) return;
      first_part_sent = true;
      for (int i = 0; i < 200 && !store_down; ++i) std::this_thread::sleep_for(50ms);
    });
  });
  auto const until = [](auto const& done) {
    for (int i = 0; i < 300 && !done(); ++i) std::this_thread::sleep_for(20ms);
    return done();
  };
  // "big" has uploaded one part and has more in the node's buffer.
  ASSERT_TRUE(until([&] { return big_fragments >= 7 && first_part_sent; }));
  store.stop();
  auto const down_at = std::chrono::steady_clock::now();
  store_down = true;
  threads.emplace_back([&] { run(jobs[2], {}); });

  // Meanwhile the bucket (seen through the suite's own gateway) never shows a file.
  auto const destinations = [&](std::vector<s3::object_entry> const& objects) {
    std::vector<std::string> found;
    for (auto const& o : objects) {
      for (auto const& j : jobs) {
        if (o.key == "up/" + j.name) found.push_back(o.key + " (" + std::to_string(o.size) + ")");
      }
    }
    return found;
  };
  int listings = 0;
  while (std::chrono::steady_clock::now() - down_at < 20s) {
    auto listed = bucket_.client().list_objects("up/");
    EXPECT_TRUE(listed) << listed.error().describe();
    if (listed) {
      EXPECT_EQ(destinations(*listed), std::vector<std::string>{});
    }
    ++listings;
    std::this_thread::sleep_for(1s);
  }
  EXPECT_GE(listings, 10);
  EXPECT_TRUE(store.start());
  for (auto& t : threads) t.join();

  for (auto const& j : jobs) {
    EXPECT_TRUE(j.ok) << j.name;
    EXPECT_EQ(object_text(bucket_.client(), "up/" + j.name), j.data) << j.name;
    // Every upload met the outage, and every refusal was a retryable one: 503 with
    // Retry-After and the BITS code for "server busy".
    EXPECT_FALSE(j.refused.empty()) << j.name;
    for (auto const& r : j.refused) {
      EXPECT_TRUE(is_error_ack(r, 503, e_server_busy)) << j.name;
      EXPECT_EQ(r.header_or_empty("Retry-After"), "10") << j.name;
    }
  }
  // After: the three files and no session record left over.
  auto listed = bucket_.client().list_objects("up/");
  ASSERT_TRUE(listed);
  EXPECT_EQ(destinations(*listed).size(), 3U);
  for (auto const& o : *listed) EXPECT_FALSE(o.key.ends_with(".json")) << o.key;
}

TEST_F(S3Daemon, AHundredConcurrentUploadsThroughTheBalancerArriveWholeAndServeRanges) {
  for (auto const* name : {"n1", "n2", "n3"}) start_node(name);
  auto const proxy = start_proxy(true);
  // Sizes from 1 byte to three parts: 80 small files (one fragment each), 15 of up to
  // a part, 5 of two to three parts, all at once.
  struct upload {
    std::string name;
    std::string data;
    std::size_t fragment;
    std::string id;
    bool ok = false;
    std::string why;
  };
  std::vector<upload> uploads(100);
  for (std::size_t i = 0; i < uploads.size(); ++i) {
    std::size_t size = 1 + (i * 7919) % (64 * 1024);
    std::size_t fragment = 64 * 1024;
    if (i % 20 == 7) {
      size = 2 * part + (i * 104729) % part;
      fragment = 2 * 1024 * 1024;
    } else if (i % 5 == 3) {
      size = 512 * 1024 + (i * 104729) % part;
      fragment = 1024 * 1024;
    }
    uploads[i].name = "many/f" + std::to_string(i) + ".bin";
    uploads[i].data = random_bytes(size, static_cast<unsigned>(100 + i));
    uploads[i].fragment = fragment;
  }
  {
    std::vector<std::thread> threads;
    threads.reserve(uploads.size());
    for (auto& u : uploads) {
      threads.emplace_back([&u, proxy] {
        auto r = bits_upload(proxy, "/up/" + u.name, u.data, u.fragment, u.id);
        u.ok = static_cast<bool>(r);
        if (!u.ok) u.why = r.message();
      });
    }
    for (auto& t : threads) t.join();
  }
  for (auto const& u : uploads) ASSERT_TRUE(u.ok) << u.name << ": " << u.why;
  // The balancer spread the sessions over the three nodes.
  for (auto const& n : nodes_) {
    EXPECT_NE(n->log().find("Create-Session session={"), std::string::npos) << n->log_path();
  }
  // Each file compared in the bucket itself, not through a node; then a range of it
  // downloaded through the balancer from whichever node. Ten at a time.
  std::vector<std::string> wrong(uploads.size());
  auto const check = [&](std::size_t i) {
    auto const& u = uploads[i];
    if (object_text(bucket_.client(), "up/" + u.name) != u.data) {
      wrong[i] = "differs in the bucket";
      return;
    }
    auto const first = u.data.size() / 3;
    auto const last = std::min<std::size_t>(first + 100000, u.data.size() - 1);
    raw_client c(proxy);
    auto r = c.request("GET /up/" + u.name + " HTTP/1.1\r\nHost: 127.0.0.1\r\nRange: bytes=" +
                       std::to_string(first) + "-" + std::to_string(last) + "\r\n\r\n");
    auto const range = "bytes " + std::to_string(first) + "-" + std::to_string(last) + "/" +
                       std::to_string(u.data.size());
    if (r.status != 206 || r.header_or_empty("Content-Range") != range ||
        r.body != u.data.substr(first, last - first + 1)) {
      wrong[i] = "range " + range + ": " + r.describe();
    }
  };
  {
    std::vector<std::thread> threads;
    for (std::size_t k = 0; k < 10; ++k) {
      threads.emplace_back([&, k] {
        for (std::size_t i = k; i < uploads.size(); i += 10) check(i);
      });
    }
    for (auto& t : threads) t.join();
  }
  for (std::size_t i = 0; i < uploads.size(); ++i) {
    EXPECT_EQ(wrong[i], "") << uploads[i].name << " (" << uploads[i].data.size() << " bytes)";
  }
}

}  // namespace
}  // namespace bits::test
