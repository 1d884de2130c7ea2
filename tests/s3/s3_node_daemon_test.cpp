// Real openbitsd nodes sharing one bucket of the Ceph RADOS Gateway (fixture "rgw"):
// upload-reply directories with the real server application (support/reply_backend.py),
// whose job created on one node has its reply served, and its session closed or
// cancelled, by another; and what a node answers, on downloads and on /readyz, when
// the store cannot be reached (a node reaching the gateway through a TCP relay that
// the test stops, since other tests share the gateway).
#include "s3/rgw_env.hpp"
#include "support/ack.hpp"
#include "support/child_process.hpp"
#include "support/config_writer.hpp"
#include "support/daemon.hpp"
#include "support/daemon_test.hpp"
#include "support/digest.hpp"
#include "support/raw_client.hpp"
#include "support/reply_app.hpp"
#include "support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <fstream>
#include <memory>
#include <span>
#include <string>
#include <thread>
#include <vector>

namespace bits::test {
namespace {

constexpr std::size_t part = 5 * 1024 * 1024;

std::string ref_reply(std::string_view data) {
  return "reply:ref:" + sha256_hex(data);
}

/// The path of an absolute URL ("http://h/x" -> "/x").
std::string path_of(std::string const& url) {
  auto const scheme = url.find("://");
  if (scheme == std::string::npos) return url;
  auto const slash = url.find('/', scheme + 3);
  return slash == std::string::npos ? "/" : url.substr(slash);
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

class S3Node : public ::testing::Test {
 protected:
  S3Node() : bucket_(::testing::UnitTest::GetInstance()->current_test_info()->name()) {
    credentials_ = tmp_.path() / "credentials";
    std::ofstream(credentials_) << "[default]\naws_access_key_id = " << rgw().access_key
                                << "\naws_secret_access_key = " << rgw().secret_key << "\n";
  }

  void TearDown() override {
    if (!HasFailure()) return;
    for (auto const& n : nodes_) std::cerr << n->log_path() << ":\n" << n->log_tail(40) << '\n';
    if (app_.started()) std::cerr << "application:\n" << app_.log_tail(40) << '\n';
  }

  /// Vdir /up/ of a node on the test's bucket under "up/", through `endpoint`.
  vdir_options s3_vdir(std::string const& name, std::string const& endpoint) {
    vdir_options v;
    v.url = "/up/";
    v.root = tmp_.path() / name;
    v.set("storage", "s3")
        .set("s3_endpoint", endpoint)
        .set("s3_bucket", bucket_.name())
        .set("s3_prefix", "up/")
        .set("s3_region", rgw().region)
        .set("s3_credentials_file", credentials_)
        .set("s3_part_size", static_cast<std::uint64_t>(part));
    return v;
  }

  daemon& start_node(std::string const& name, daemon_options const& o) {
    auto const file = tmp_.path() / (name + ".toml");
    EXPECT_TRUE(write_config(file, o));
    nodes_.push_back(std::make_unique<daemon>(
        openbitsd_path(), std::vector<std::string>{"--config", file.string()}, tmp_.path(), name));
    EXPECT_TRUE(nodes_.back()->start()) << nodes_.back()->last_error();
    return *nodes_.back();
  }

  /// A node whose /up/ notifies the application at `behaviour` by reference.
  daemon& start_node(std::string const& name, std::string const& behaviour) {
    auto v = s3_vdir(name, rgw().endpoint);
    v.set("notification_type", "reference").set("notification_url", app_.url(behaviour));
    daemon_options o;
    o.vdirs.push_back(v);
    return start_node(name, o);
  }

  /// Create-Session and fragments of `fragment` bytes to `port`; every Ack but the last
  /// must report progress. The last fragment's Ack is returned unchecked.
  http_response upload(std::uint16_t port, std::string const& url, std::string const& data,
                       std::size_t fragment, std::string& id) {
    raw_client c(port);
    id = c.create_session(url);
    http_response last;
    for (std::size_t first = 0; !id.empty() && first < data.size(); first += fragment) {
      auto const n = std::min(fragment, data.size() - first);
      last = c.send_fragment(url, id, first, first + n - 1, data.size(),
                             std::string_view(data).substr(first, n));
      if (first + n < data.size()) {
        EXPECT_TRUE(is_fragment_ack(last, first + n)) << last.describe();
      }
    }
    return last;
  }

  static http_response get(std::uint16_t port, std::string const& path,
                           std::string const& extra = {}) {
    raw_client c(port);
    return c.request("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + extra + "\r\n");
  }

  /// Keys below the sessions folder of the prefix, by suffix ("json", "reply", ...).
  std::vector<std::string> session_objects(std::string const& suffix) {
    std::vector<std::string> out;
    auto listed = bucket_.client().list_objects("up/.bits-sessions/");
    EXPECT_TRUE(listed) << listed.error().describe();
    if (!listed) return out;
    for (auto const& o : *listed) {
      if (o.key.ends_with("." + suffix)) out.push_back(o.key);
    }
    return out;
  }

  temp_dir tmp_;
  rgw_bucket bucket_;
  std::filesystem::path credentials_;
  reply_app app_{tmp_.path()};
  std::vector<std::unique_ptr<daemon>> nodes_;
};

class S3Reply : public S3Node {
 protected:
  void SetUp() override {
    if (!reply_app::available()) GTEST_SKIP() << "python3 not found at configure time";
  }
};

TEST_F(S3Reply, AJobCreatedOnOneNodeIsServedAndClosedByAnother) {
  auto& a = start_node("a", "ok");
  auto& b = start_node("b", "ok");
  // Two parts: one uploaded while the bytes arrive, the last one at the end.
  auto const data = random_bytes(part + 70000, 1);
  std::string id;
  auto const last = upload(a.port(), "/up/report.bin", data, 1024 * 1024, id);
  ASSERT_TRUE(is_reply_ack(last, data.size())) << last.describe();
  auto const calls = app_.calls();
  ASSERT_EQ(calls.size(), 1U);
  EXPECT_EQ(calls[0].request_file_size, data.size());
  EXPECT_EQ(calls[0].request_file_sha256, sha256_hex(data));
  EXPECT_FALSE(bucket_.client().head_object("up/report.bin")) << "nothing at the destination";
  EXPECT_EQ(session_objects("reply").size(), 1U);

  // Node b never saw the session: it finds it from the reply URL's token.
  auto const path = path_of(last.header_or_empty("BITS-Reply-URL"));
  auto const reply = get(b.port(), path);
  EXPECT_EQ(reply.status, 200) << reply.describe();
  EXPECT_EQ(reply.body, ref_reply(data));
  auto const ranged = get(b.port(), path, "Range: bytes=4-9\r\n");
  EXPECT_EQ(ranged.status, 206) << ranged.describe();
  EXPECT_EQ(ranged.body, ref_reply(data).substr(4, 6));

  raw_client c(b.port());
  auto const closed = c.close_session("/up/report.bin", id);
  EXPECT_TRUE(is_ack(closed, 200)) << closed.describe();
  // The reply is gone from the bucket, so neither node serves it any more.
  EXPECT_EQ(get(b.port(), path).status, 404);
  EXPECT_EQ(get(a.port(), path).status, 404);
  for (auto const* suffix : {"json", "reply", "request", "token"}) {
    EXPECT_TRUE(session_objects(suffix).empty()) << suffix;
  }
  EXPECT_FALSE(bucket_.client().head_object("up/report.bin"));
}

TEST_F(S3Reply, AFailedApplicationIsCalledAgainByTheNodeTheRetryReaches) {
  auto& a = start_node("a", "fail-once");
  auto& b = start_node("b", "fail-once");
  auto const data = random_bytes(40000, 2);
  std::string id;
  auto const last = upload(a.port(), "/up/retry.bin", data, 16384, id);
  // As on the file system: the application's 500 is the client's, the bytes are kept.
  ASSERT_TRUE(is_app_error_ack(last, 500, "0x801901F4")) << last.describe();

  raw_client c(b.port());
  auto const again = c.send_fragment("/up/retry.bin", id, 32768, data.size() - 1, data.size(),
                                     std::string_view(data).substr(32768));
  ASSERT_TRUE(is_reply_ack(again, data.size())) << again.describe();
  auto const calls = app_.calls();
  ASSERT_EQ(calls.size(), 2U);
  EXPECT_EQ(calls[1].request_file_sha256, sha256_hex(data)) << "node b handed over every byte";
  auto const reply = get(a.port(), path_of(again.header_or_empty("BITS-Reply-URL")));
  EXPECT_EQ(reply.body, ref_reply(data)) << reply.describe();
}

TEST_F(S3Reply, ACopyIsPublishedAndCancelRemovesTheReply) {
  auto& a = start_node("a", "copy");
  auto& b = start_node("b", "copy");
  auto const data = random_bytes(3000, 3);
  std::string id;
  auto const last = upload(a.port(), "/up/copied.bin", data, 1000, id);
  ASSERT_TRUE(is_reply_ack(last, data.size())) << last.describe();
  EXPECT_EQ(object_text(bucket_.client(), "up/copied.bin"), data);
  auto const path = path_of(last.header_or_empty("BITS-Reply-URL"));
  EXPECT_EQ(get(b.port(), path).body, ref_reply(data));

  raw_client c(b.port());
  auto const cancelled = c.cancel_session("/up/copied.bin", id);
  EXPECT_TRUE(is_ack(cancelled, 200)) << cancelled.describe();
  EXPECT_EQ(get(a.port(), path).status, 404);
  for (auto const* suffix : {"json", "reply", "request", "token"}) {
    EXPECT_TRUE(session_objects(suffix).empty()) << suffix;
  }
  EXPECT_EQ(object_text(bucket_.client(), "up/copied.bin"), data) << "the copy stays";
}

/// haproxy in HTTP mode, round robin over `ports` (consecutive requests reach different
/// nodes), as the farm runs behind it (README, "Farm"); its port, 0 on failure.
std::uint16_t start_balancer(std::filesystem::path const& dir,
                             std::vector<std::uint16_t> const& ports,
                             std::unique_ptr<child_process>& process) {
  auto const port = free_port();
  auto const cfg = dir / "balancer.cfg";
  std::ofstream f(cfg);
  f << "global\n  maxconn 64\ndefaults\n  mode http\n  timeout connect 2s\n"
       "  timeout client 30s\n  timeout server 30s\nfrontend fe\n  bind 127.0.0.1:"
    << port << "\n  default_backend be\nbackend be\n  balance roundrobin\n";
  for (std::size_t i = 0; i < ports.size(); ++i) {
    f << "  server n" << i + 1 << " 127.0.0.1:" << ports[i] << "\n";
  }
  f.close();
  process = std::make_unique<child_process>("/usr/sbin/haproxy",
                                            std::vector<std::string>{"-db", "-f", cfg.string()},
                                            dir / "balancer.out", dir / "balancer.err");
  for (int i = 0; i < 100; ++i) {
    raw_client c(port, std::chrono::seconds(1));
    if (c.is_open() && c.ping("/up/").status == 200) return port;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ADD_FAILURE() << "haproxy did not start: " << process->err();
  return 0;
}

/// A TCP relay (haproxy in TCP mode) from a port of its own to the gateway, which the
/// test stops to make the store unreachable for the nodes behind it.
class tcp_relay {
 public:
  explicit tcp_relay(std::filesystem::path const& dir) : port_(free_port()) {
    std::string const& gw = rgw().endpoint;  // http://127.0.0.1:PORT
    auto const cfg = dir / "relay.cfg";
    std::ofstream(cfg) << "global\n  maxconn 64\ndefaults\n  mode tcp\n  timeout connect 2s\n"
                          "  timeout client 30s\n  timeout server 30s\nfrontend fe\n"
                          "  bind 127.0.0.1:"
                       << port_ << "\n  default_backend be\nbackend be\n  server gw "
                       << gw.substr(gw.find("://") + 3) << "\n";
    process_ = std::make_unique<child_process>("/usr/sbin/haproxy",
                                               std::vector<std::string>{"-db", "-f", cfg.string()},
                                               dir / "relay.out", dir / "relay.err");
    for (int i = 0; i < 100; ++i) {
      raw_client c(port_, std::chrono::seconds(1));
      if (c.is_open()) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ADD_FAILURE() << "relay did not start: " << process_->err();
  }
  ~tcp_relay() { stop(); }
  tcp_relay(tcp_relay const&) = delete;
  tcp_relay& operator=(tcp_relay const&) = delete;

  [[nodiscard]] std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }
  /// Stops relaying: nothing listens on the port any more.
  void stop() {
    if (process_ && process_->running()) static_cast<void>(process_->kill(SIGKILL));
  }

 private:
  std::uint16_t port_;
  std::unique_ptr<child_process> process_;
};

TEST_F(S3Reply, AJobThroughARoundRobinBalancerMovesBetweenNodes) {
  auto& a = start_node("a", "ok");
  auto& b = start_node("b", "ok");
  std::unique_ptr<child_process> balancer;
  auto const port = start_balancer(tmp_.path(), {a.port(), b.port()}, balancer);
  ASSERT_NE(port, 0);
  // One packet per connection, each to the next node: Create-Session, the whole file
  // in one Fragment, the reply's GET and the Close never reach the same node twice in
  // a row.
  auto const data = random_bytes(20000, 4);
  std::string id;
  auto const last = upload(port, "/up/balanced.bin", data, data.size(), id);
  ASSERT_TRUE(is_reply_ack(last, data.size())) << last.describe();
  auto const path = path_of(last.header_or_empty("BITS-Reply-URL"));
  for (int i = 0; i < 2; ++i) {
    auto const reply = get(port, path, "Range: bytes=0-9\r\n");
    EXPECT_EQ(reply.status, 206) << reply.describe();
    EXPECT_EQ(reply.body, ref_reply(data).substr(0, 10));
  }
  raw_client c(port);
  EXPECT_TRUE(is_ack(c.close_session("/up/balanced.bin", id), 200));
  EXPECT_NE(a.log().find("balanced.bin"), std::string::npos);
  EXPECT_NE(b.log().find("balanced.bin"), std::string::npos);
  EXPECT_TRUE(session_objects("reply").empty());
}

using S3StoreDown = S3Node;

TEST_F(S3StoreDown, DownloadsAnswer503AndReadyzSaysWhyWhileTheStoreIsUnreachable) {
  tcp_relay relay(tmp_.path());
  daemon_options o;
  o.vdirs.push_back(s3_vdir("n", relay.endpoint()));
  o.admin.set("listen", std::vector<std::string>{"127.0.0.1:0"});
  auto& n = start_node("n", o);
  auto const admin = n.ports().back();
  std::string const text = "served from the bucket";
  ASSERT_TRUE(bucket_.client().put_object("up/f.txt", std::as_bytes(std::span{text})));
  auto const admin_get = [admin] {
    raw_client c(admin, std::chrono::seconds(30));
    return c.request("GET /readyz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
  };

  auto const ok = get(n.port(), "/up/f.txt", "Range: bytes=5-8\r\n");
  EXPECT_EQ(ok.status, 206) << ok.describe();
  EXPECT_EQ(ok.body, text.substr(5, 4));
  EXPECT_EQ(get(n.port(), "/up/missing.txt").status, 404);
  auto const ready = admin_get();
  EXPECT_EQ(ready.status, 200) << ready.describe();
  EXPECT_NE(ready.body.find("bucket s3://" + bucket_.name() + "/up/ reachable and writable"),
            std::string::npos)
      << ready.body;

  relay.stop();
  // The file is still there, the store cannot say so: try again later, not "not found".
  for (auto const* target : {"/up/f.txt", "/up/missing.txt"}) {
    auto const down = get(n.port(), target);
    EXPECT_EQ(down.status, 503) << target << "\n" << down.describe();
    EXPECT_EQ(down.header_or_empty("Retry-After"), "10") << target;
  }
  // /readyz probes the bucket at most every few seconds: not ready within that time.
  http_response not_ready;
  for (int i = 0; i < 40; ++i) {
    not_ready = admin_get();
    if (not_ready.status != 200) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  EXPECT_EQ(not_ready.status, 503) << not_ready.describe();
  EXPECT_NE(not_ready.body.find("not reachable or not writable"), std::string::npos)
      << not_ready.body;
  EXPECT_NE(not_ready.body.find("S3 PutObject probe"), std::string::npos) << not_ready.body;
}

using S3Sweep = S3Node;

TEST_F(S3Sweep, AnIdleSessionOfAnotherNodeIsRemovedFromTheBucket) {
  // Node a created the session and keeps it; node b sweeps the bucket with a short
  // session_timeout and removes it whichever node created it.
  daemon_options slow;
  slow.vdirs.push_back(s3_vdir("a", rgw().endpoint));
  auto& a = start_node("a", slow);
  raw_client c(a.port());
  auto const id = c.create_session("/up/idle.bin");
  ASSERT_FALSE(id.empty());
  std::string const bytes(1000, 'x');
  ASSERT_TRUE(is_fragment_ack(c.send_fragment("/up/idle.bin", id, 0, 999, 100000, bytes), 1000));
  auto const records = session_objects("json");
  ASSERT_EQ(records.size(), 1U);
  auto const record = object_text(bucket_.client(), records[0]);
  auto const at = record.find("\"upload_id\":\"");
  ASSERT_NE(at, std::string::npos) << record;
  auto const upload_id = record.substr(at + 13, record.find('"', at + 13) - at - 13);
  ASSERT_TRUE(bucket_.client().list_parts("up/idle.bin", upload_id));

  daemon_options quick;
  quick.vdirs.push_back(s3_vdir("b", rgw().endpoint));
  quick.vdirs.back().set("session_timeout", 1).set("cleanup_interval", 1);
  start_node("b", quick);
  bool gone = false;
  for (int i = 0; i < 40 && !gone; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
    gone = session_objects("json").empty();
  }
  EXPECT_TRUE(gone) << "the record is still in the bucket";
  auto const parts = bucket_.client().list_parts("up/idle.bin", upload_id);
  ASSERT_FALSE(parts) << "the multipart upload was not aborted";
  EXPECT_EQ(parts.error().kind, s3::errc::no_such_upload) << parts.error().describe();
  EXPECT_FALSE(bucket_.client().head_object("up/idle.bin"));
}

}  // namespace
}  // namespace bits::test
