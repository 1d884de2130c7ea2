// Hooks of a real openbitsd node on the Ceph RADOS Gateway (fixture "rgw"): the webhook
// receiver process (tests/hooks/hook_receiver.py, which checks signatures) gets the
// signed pre-create and post-commit events of an upload, naming the bucket and the
// object key instead of a local path, with the object's size and SHA-256; the node's
// /metrics counts the delivery; an event recorded while the receiver is down survives a
// kill -9 of the node in its outbox (the node's buffer folder) and is delivered by the
// restarted node; a session finished on another node than the one that began it gets
// the SHA-256 of the whole object.
#include "hooks/event.hpp"
#include "hooks/hooks_fixture.hpp"
#include "s3/rgw_env.hpp"
#include "support/config_writer.hpp"
#include "support/daemon.hpp"
#include "support/daemon_test.hpp"
#include "support/digest.hpp"
#include "support/raw_client.hpp"
#include "support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace bits::test {
namespace {

constexpr char const* secret = "key-of-the-s3-hook-tests";

class S3Hooks : public ::testing::Test {
 protected:
  S3Hooks() : bucket_(::testing::UnitTest::GetInstance()->current_test_info()->name()) {
    credentials_ = tmp_.path() / "credentials";
    std::ofstream(credentials_) << "[default]\naws_access_key_id = " << rgw().access_key
                                << "\naws_secret_access_key = " << rgw().secret_key << "\n";
    key_file_ = tmp_.path() / "hook.key";
    std::ofstream(key_file_) << secret << "\n";
  }

  void TearDown() override {
    if (!HasFailure()) return;
    for (auto const& n : nodes_) std::cerr << n->log_path() << ":\n" << n->log_tail(40) << '\n';
    std::cerr << "receiver:\n" << receiver_.log_tail() << '\n';
  }

  /// A node whose /up/ (working folder `name`) keeps its uploads in the test's bucket under "up/"
  /// and sends its events to the receiver; with `allow`, Create-Sessions go on while it is down.
  daemon_options node_options(bool allow, std::string const& name = "n") {
    vdir_options v;
    v.url = "/up/";
    v.root = tmp_.path() / name;
    v.set("storage", "s3")
        .set("s3_endpoint", rgw().endpoint)
        .set("s3_bucket", bucket_.name())
        .set("s3_prefix", "up/")
        .set("s3_region", rgw().region)
        .set("s3_credentials_file", credentials_)
        .set("hook_url", receiver_.url("ok"))
        .set("hook_secret_file", key_file_.string());
    if (allow) v.set("hook_failure", "allow");
    daemon_options o;
    o.vdirs.push_back(v);
    o.admin.set("listen", std::vector<std::string>{"127.0.0.1:0"});
    return o;
  }

  daemon& start_node(daemon_options const& o) {
    auto const file = tmp_.path() / ("n" + std::to_string(nodes_.size()) + ".toml");
    EXPECT_TRUE(write_config(file, o));
    nodes_.push_back(std::make_unique<daemon>(openbitsd_path(),
                                              std::vector<std::string>{"--config", file.string()},
                                              tmp_.path(), "n" + std::to_string(nodes_.size())));
    EXPECT_TRUE(nodes_.back()->start()) << nodes_.back()->last_error();
    return *nodes_.back();
  }

  /// Create-Session and fragments of 16,000 bytes to "/up/<name>" (`name` as sent,
  /// percent-encoded); true when the last Ack reports the whole file.
  static bool upload(std::uint16_t port, std::string const& name, std::string const& data) {
    raw_client c(port);
    auto const url = "/up/" + name;
    auto const id = c.create_session(url);
    if (id.empty()) return false;
    http_response last;
    for (std::size_t first = 0; first < data.size(); first += 16000) {
      auto const n = std::min<std::size_t>(16000, data.size() - first);
      last = c.send_fragment(url, id, first, first + n - 1, data.size(),
                             std::string_view(data).substr(first, n));
      if (last.status != 200) return false;
    }
    return last.header_or_empty("BITS-Received-Content-Range") == std::to_string(data.size());
  }

  /// The events of `type` the receiver got, signed and parsed.
  std::vector<hooks::event> events(hooks::event_type type) const {
    std::vector<hooks::event> out;
    for (auto const& c : receiver_.calls()) {
      auto e = hooks::event_from_json(c.body);
      EXPECT_TRUE(c.signature_ok) << c.body;
      if (e && e->type == type) out.push_back(std::move(*e));
    }
    return out;
  }

  /// openbits_hook_events_delivered_total of /up/ on the node's /metrics, if present.
  static std::optional<double> delivered(daemon& node) {
    raw_client c(node.ports().back(), std::chrono::seconds(5));
    auto const r =
        c.request("GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    std::istringstream in(r.body);
    std::string line;
    std::string const name = "openbits_hook_events_delivered_total{";
    while (std::getline(in, line)) {
      if (line.starts_with(name) && line.find("vdir=\"/up/\"") != std::string::npos) {
        return std::stod(line.substr(line.rfind(' ') + 1));
      }
    }
    return std::nullopt;
  }

  /// Checks that `e` names the object "up/<name>" of the test's bucket and no file.
  void expect_object(hooks::event const& e, std::string const& name) const {
    EXPECT_EQ(e.url_path, "/up/" + name);
    EXPECT_EQ(e.bucket, bucket_.name());
    EXPECT_EQ(e.key, "up/" + name);
    EXPECT_EQ(e.file_path, "") << "no local path names an object";
  }

  temp_dir tmp_;
  rgw_bucket bucket_;
  std::filesystem::path credentials_;
  std::filesystem::path key_file_;
  receiver receiver_{tmp_.path(), secret};
  std::vector<std::unique_ptr<daemon>> nodes_;
};

TEST_F(S3Hooks, ACommitSendsOneSignedEventNamingTheObjectAndTheNodeCountsIt) {
  ASSERT_TRUE(receiver_.start());
  auto& node = start_node(node_options(false));
  auto const data = random_bytes(50000, 1);
  ASSERT_TRUE(upload(node.port(), "dumps/a%20b.bin", data));
  auto const stored = bucket_.client().get_object("up/dumps/a b.bin");
  ASSERT_TRUE(stored) << stored.error().describe();
  EXPECT_EQ(std::string(reinterpret_cast<char const*>(stored->data()), stored->size()), data);

  ASSERT_TRUE(eventually([&] { return delivered(node) == 1.0; }))
      << "delivered: " << delivered(node).value_or(-1);
  auto const commits = events(hooks::event_type::post_commit);
  ASSERT_EQ(commits.size(), 1U);
  expect_object(commits[0], "dumps/a b.bin");
  EXPECT_EQ(commits[0].size, data.size());
  ASSERT_TRUE(commits[0].sha256);
  EXPECT_EQ(commits[0].sha256->hex(), sha256_hex(data));
  auto const creates = events(hooks::event_type::pre_create);
  ASSERT_EQ(creates.size(), 1U);
  expect_object(creates[0], "dumps/a b.bin");
}

TEST_F(S3Hooks, AnEventRecordedWhileTheReceiverIsDownSurvivesAKillOfTheNode) {
  ASSERT_TRUE(receiver_.start());  // for its port
  receiver_.stop();
  auto const options = node_options(true);
  auto& first = start_node(options);
  auto const data = random_bytes(40000, 2);
  ASSERT_TRUE(upload(first.port(), "late.bin", data));
  // The outbox is in the node's buffer folder, not in the bucket.
  EXPECT_TRUE(std::filesystem::is_directory(tmp_.path() / "n" / ".bits-spool" / "hooks"));
  first.stop(SIGKILL);

  auto& second = start_node(options);
  ASSERT_TRUE(receiver_.start());
  ASSERT_TRUE(eventually([&] { return !events(hooks::event_type::post_commit).empty(); },
                         std::chrono::seconds(20)));
  auto const commits = events(hooks::event_type::post_commit);
  ASSERT_EQ(commits.size(), 1U);
  expect_object(commits[0], "late.bin");
  ASSERT_TRUE(commits[0].sha256);
  EXPECT_EQ(commits[0].sha256->hex(), sha256_hex(data));
  EXPECT_TRUE(eventually([&] { return delivered(second) == 1.0; }));
}

TEST_F(S3Hooks, TheNodeThatFinishesAnotherNodesSessionSendsTheWholeObjectsDigest) {
  ASSERT_TRUE(receiver_.start());
  auto& a = start_node(node_options(false, "a"));
  auto& b = start_node(node_options(false, "b"));
  auto const data = random_bytes(30000, 3);
  raw_client ca(a.port());
  auto const id = ca.create_session("/up/moved.bin");
  ASSERT_FALSE(id.empty());
  auto const first = ca.send_fragment("/up/moved.bin", id, 0, 9999, data.size(),
                                      std::string_view(data).substr(0, 10000));
  ASSERT_EQ(first.status, 200) << first.describe();
  // Node b never saw the session nor its first bytes (buffered on a until commit): it
  // reports them missing, gets them again and commits.
  raw_client cb(b.port());
  auto const sent = cb.send_fragment("/up/moved.bin", id, 0, data.size() - 1, data.size(), data);
  ASSERT_EQ(sent.header_or_empty("BITS-Received-Content-Range"), std::to_string(data.size()))
      << sent.describe();

  ASSERT_TRUE(eventually([&] { return delivered(b) == 1.0; }));
  auto const commits = events(hooks::event_type::post_commit);
  ASSERT_EQ(commits.size(), 1U);
  expect_object(commits[0], "moved.bin");
  ASSERT_TRUE(commits[0].sha256);
  EXPECT_EQ(commits[0].sha256->hex(), sha256_hex(data));
  EXPECT_EQ(delivered(a), 0.0) << "node a sends nothing for it";
  EXPECT_EQ(b.log().find("SHA-256"), std::string::npos) << b.log_tail(20);
}

}  // namespace
}  // namespace bits::test
