// The admin listener against the real openbitsd: /metrics after known uploads,
// /healthz and /readyz (ready and not ready), /status and /status.json, Basic auth.
#include "admin/admin_fixture.hpp"
#include "security/security_fixture.hpp"
#include "support/digest.hpp"

#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

namespace bits::test {
namespace {

using nlohmann::json;

TEST_F(admin_test, OffWhenNotConfiguredAndOnlyTheUploadPortIsWritten) {
  ASSERT_TRUE(start_config(up_options()));
  EXPECT_EQ(server().ports().size(), 1u);
}

TEST_F(admin_test, MetricsCountKnownUploads) {
  ASSERT_TRUE(start_config(admin_options()));
  std::string const big(10000, 'a');
  std::string const small(100, 'b');
  ASSERT_TRUE(upload_file("/up/big.bin", big, 4096));  // 3 fragments
  ASSERT_TRUE(upload_file("/up/small.bin", small, 4096));
  // A Close-Session for a session that does not exist: an error with its BITS code.
  auto client = connect();
  auto const refused = client.close_session("/up/x.bin", "{00000000-0000-0000-0000-000000000001}");
  ASSERT_GE(refused.status, 400) << refused;
  auto const code = refused.header_or_empty("BITS-Error-Code");
  ASSERT_FALSE(code.empty()) << refused;
  // One session left open with 50 bytes in it.
  auto const open_id = client.create_session("/up/open.bin");
  ASSERT_FALSE(open_id.empty());
  ASSERT_TRUE(is_fragment_ack(
      client.send_fragment("/up/open.bin", open_id, 0, 49, 100, std::string(50, 'c')), 50));

  auto const r = admin_get("/metrics");
  ASSERT_EQ(r.status, 200) << r;
  EXPECT_TRUE(icontains(r.header_or_empty("Content-Type"), "text/plain")) << r;
  auto const& m = r.body;
  auto const requests = [&](std::string const& packet, std::string const& status,
                            std::string const& error) {
    return sample(
        m, "openbits_requests_total",
        {"packet=\"" + packet + "\"", "status=\"" + status + "\"", "error_code=\"" + error + "\""});
  };
  EXPECT_EQ(requests("Create-Session", "200", ""), 3.0) << m;
  EXPECT_EQ(requests("Fragment", "200", ""), 5.0) << m;
  EXPECT_EQ(requests("Close-Session", "200", ""), 2.0) << m;
  EXPECT_EQ(requests("Close-Session", std::to_string(refused.status), code), 1.0) << m;
  EXPECT_EQ(sample(m, "openbits_received_bytes_total"), 10150.0) << m;
  EXPECT_EQ(sample(m, "openbits_fragment_duration_seconds_count"), 5.0) << m;
  EXPECT_EQ(sample(m, "openbits_fragment_duration_seconds_bucket", {"le=\"+Inf\""}), 5.0) << m;
  std::vector<std::string> const up = {"vdir=\"/up/\""};
  EXPECT_EQ(sample(m, "openbits_sessions_open", up), 1.0) << m;
  EXPECT_EQ(sample(m, "openbits_sessions_created_total", up), 3.0) << m;
  EXPECT_EQ(sample(m, "openbits_sessions_committed_total", up), 2.0) << m;
  EXPECT_EQ(sample(m, "openbits_sessions_cancelled_total", up), 0.0) << m;
  EXPECT_EQ(sample(m, "openbits_sessions_expired_total", up), 0.0) << m;
  EXPECT_EQ(sample(m, "openbits_sessions_evicted_total", up), 0.0) << m;
  EXPECT_EQ(sample(m, "openbits_commit_duration_seconds_count", up), 2.0) << m;
  EXPECT_EQ(sample(m, "openbits_spool_bytes", up), 50.0) << m;
  EXPECT_GT(sample(m, "openbits_free_disk_bytes", up).value_or(0), 0.0) << m;
  // This test's own upload connection is still open.
  EXPECT_GE(sample(m, "openbits_connections_open").value_or(0), 1.0) << m;
  EXPECT_EQ(sample(m, "openbits_tls_handshake_failures_total"), 0.0) << m;
  EXPECT_EQ(sample(m, "openbits_auth_failures_total"), 0.0) << m;
  EXPECT_EQ(sample(m, "openbits_upload_reply_calls_total", {"outcome=\"ok\""}), 0.0) << m;
}

// Hook events that cannot be delivered are kept, and /metrics says so.
TEST_F(admin_test, MetricsShowHookEventsKeptWhileTheReceiverIsDown) {
  auto options = admin_options();
  // Nothing listens on port 1 of the loopback: every delivery fails at once.
  options.vdirs[0].set("hook_url", "http://127.0.0.1:1/hook").set("hook_failure", "allow");
  ASSERT_TRUE(start_config(options));
  ASSERT_TRUE(upload_file("/up/kept.bin", std::string(300, 'k'), 4096));
  std::vector<std::string> const up = {"vdir=\"/up/\""};
  std::string m;
  auto const deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline) {
    m = admin_get("/metrics").body;
    if (sample(m, "openbits_hook_delivery_failures_total", up).value_or(0) >= 1.0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_GE(sample(m, "openbits_hook_delivery_failures_total", up).value_or(0), 1.0) << m;
  EXPECT_EQ(sample(m, "openbits_hook_events_recorded_total", up), 1.0) << m;
  EXPECT_EQ(sample(m, "openbits_hook_events_pending", up), 1.0) << m;
  EXPECT_EQ(sample(m, "openbits_hook_events_delivered_total", up), 0.0) << m;
  EXPECT_EQ(sample(m, "openbits_hook_pre_create_calls_total", up), 1.0) << m;
  EXPECT_EQ(sample(m, "openbits_hook_pre_create_failed_total", up), 1.0) << m;
  EXPECT_EQ(sample(m, "openbits_hook_pre_create_refused_total", up), 0.0) << m;
}

// Received bytes are synced in the background about sync_interval after they arrived,
// each session once per batch of new bytes, and /metrics says how long they waited.
TEST_F(admin_test, MetricsShowBackgroundSyncsOfReceivedBytesAndTheirLag) {
  auto options = admin_options();
  options.server.set("sync_interval", 1);
  ASSERT_TRUE(start_config(options));
  auto client = connect();
  auto const a = client.create_session("/up/a.bin");
  auto const b = client.create_session("/up/b.bin");
  ASSERT_TRUE(is_fragment_ack(client.send_fragment("/up/a.bin", a, 0, 9, 100, "0123456789"), 10));
  ASSERT_TRUE(is_fragment_ack(client.send_fragment("/up/b.bin", b, 0, 2, 100, "abc"), 3));
  std::vector<std::string> const up = {"vdir=\"/up/\""};
  auto const synced_reaches = [&](double want) {
    std::string m;
    auto const deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < deadline) {
      m = admin_get("/metrics").body;
      if (sample(m, "openbits_background_syncs_total", up).value_or(0) >= want) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return m;
  };
  auto m = synced_reaches(2);
  EXPECT_EQ(sample(m, "openbits_background_syncs_total", up), 2.0) << m;
  auto const lag = sample(m, "openbits_sync_lag_seconds", up).value_or(0);
  EXPECT_GT(lag, 0.0) << m;
  EXPECT_GE(sample(m, "openbits_sync_lag_max_seconds", up).value_or(0), lag) << m;
  // Only the session that received more bytes is synced again.
  ASSERT_TRUE(is_fragment_ack(client.send_fragment("/up/a.bin", a, 10, 19, 100, "abcdefghij"), 20));
  m = synced_reaches(3);
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // a pass that syncs nothing
  m = admin_get("/metrics").body;
  EXPECT_EQ(sample(m, "openbits_background_syncs_total", up), 3.0) << m;
}

TEST_F(admin_test, HealthzAndReadyzWhenReady) {
  ASSERT_TRUE(start_config(admin_options()));
  auto const health = admin_get("/healthz");
  EXPECT_EQ(health.status, 200) << health;
  EXPECT_EQ(health.body, "ok\n");
  auto const ready = admin_get("/readyz");
  EXPECT_EQ(ready.status, 200) << ready << ready.body;
  EXPECT_TRUE(ready.body.starts_with("ready\n")) << ready.body;
  EXPECT_NE(ready.body.find("vdir /up/: spool writable"), std::string::npos) << ready.body;
  EXPECT_EQ(admin_get("/nothing-here").status, 404);
}

TEST_F(admin_test, ReadyzIsNotReadyBelowMinFreeDiskOrWithoutTheSpool) {
  auto options = admin_options();
  // More free bytes than any disk has: uploads would be refused, so not ready.
  options.vdirs[0].set("min_free_disk", std::uint64_t{1} << 62U);
  ASSERT_TRUE(start_config(options));
  auto const ready = admin_get("/readyz");
  EXPECT_EQ(ready.status, 503) << ready << ready.body;
  EXPECT_TRUE(ready.body.starts_with("not ready\n")) << ready.body;
  EXPECT_NE(ready.body.find("not above min_free_disk"), std::string::npos) << ready.body;
  EXPECT_EQ(admin_get("/healthz").status, 200);
}

TEST_F(admin_test, ReadyzIsNotReadyWhenTheSpoolIsGone) {
  ASSERT_TRUE(start_config(admin_options()));
  ASSERT_EQ(admin_get("/readyz").status, 200);
  std::filesystem::rename(spool(), tmp() / "spool-moved");
  auto const ready = admin_get("/readyz");
  EXPECT_EQ(ready.status, 503) << ready << ready.body;
  EXPECT_NE(ready.body.find("not writable"), std::string::npos) << ready.body;
  std::filesystem::rename(tmp() / "spool-moved", spool());
  EXPECT_EQ(admin_get("/readyz").status, 200);
}

TEST_F(admin_test, StatusJsonShowsOpenSessionsCommitsAndErrors) {
  ASSERT_TRUE(start_config(admin_options()));
  ASSERT_TRUE(upload_file("/up/done.bin", std::string(3000, 'd'), 1000));
  auto client = connect();
  auto const id = client.create_session("/up/partial%20x.bin");
  ASSERT_FALSE(id.empty());
  ASSERT_TRUE(is_fragment_ack(
      client.send_fragment("/up/partial%20x.bin", id, 0, 399, 1000, std::string(400, 'p')), 400));
  auto const refused =
      client.bits_post("/up/bad.bin", "Fragment",
                       {{"BITS-Session-Id", "{00000000-0000-0000-0000-00000000000F}"},
                        {"Content-Range", content_range(0, 0, 1)}},
                       "x");
  ASSERT_GE(refused.status, 400) << refused;

  auto const r = admin_get("/status.json");
  ASSERT_EQ(r.status, 200) << r;
  EXPECT_TRUE(icontains(r.header_or_empty("Content-Type"), "application/json"));
  auto const j = json::parse(r.body);
  ASSERT_EQ(j["vdirs"].size(), 1u) << j.dump(2);
  auto const& up = j["vdirs"][0];
  EXPECT_EQ(up["url"], "/up/");
  EXPECT_EQ(up["open"], 1);
  EXPECT_EQ(up["counters"]["committed"], 1);
  ASSERT_EQ(up["sessions"].size(), 1u) << j.dump(2);
  auto const& s = up["sessions"][0];
  EXPECT_EQ(s["destination"], "partial x.bin");
  EXPECT_EQ(s["received"], 400);
  EXPECT_EQ(s["total"], 1000);
  EXPECT_TRUE(s["who"].get<std::string>().starts_with("127.0.0.1:")) << s;
  // Only a prefix of the id: the whole id would let a viewer write to the upload.
  EXPECT_EQ(s["id"].get<std::string>().size(), 8u);
  EXPECT_EQ(r.body.find(id.substr(1, 36)), std::string::npos);
  ASSERT_EQ(j["commits"].size(), 1u) << j.dump(2);
  EXPECT_EQ(j["commits"][0]["destination"], "done.bin");
  EXPECT_EQ(j["commits"][0]["bytes"], 3000);
  ASSERT_EQ(j["errors"].size(), 1u) << j.dump(2);
  EXPECT_EQ(j["errors"][0]["status"], refused.status);
  EXPECT_EQ(j["errors"][0]["packet"], "Fragment");
  EXPECT_EQ(j["errors"][0]["error_code"], refused.header_or_empty("BITS-Error-Code"));
  EXPECT_TRUE(j["rates"].contains("requests_per_second"));

  auto const page = admin_get("/status");
  EXPECT_EQ(page.status, 200);
  EXPECT_TRUE(icontains(page.header_or_empty("Content-Type"), "text/html"));
  // Self-contained: no script, style or image from anywhere else.
  EXPECT_EQ(page.body.find(" src="), std::string::npos);
  EXPECT_EQ(page.body.find("<link"), std::string::npos);
  EXPECT_NE(page.body.find("status.json"), std::string::npos);
}

TEST_F(admin_test, StatusJsonShowsTheBusiestSessionsAndCountsTheRest) {
  ASSERT_TRUE(start_config(admin_options({{"status_sessions", 2}})));
  auto client = connect();
  for (int i = 0; i < 5; ++i)
    ASSERT_FALSE(client.create_session("/up/f" + std::to_string(i)).empty());
  auto const j = json::parse(admin_get("/status.json").body);
  EXPECT_EQ(j["vdirs"][0]["open"], 5);
  EXPECT_EQ(j["vdirs"][0]["shown"], 2);
  EXPECT_EQ(j["vdirs"][0]["sessions"].size(), 2u);
}

TEST_F(admin_test, BasicAuthGuardsEveryAdminPage) {
  auto const users = tmp() / "admins.htpasswd";
  ASSERT_TRUE(write_file(users, htpasswd_line("ops", "s3cret") + "\n"));
  ASSERT_TRUE(start_config(
      admin_options({{"auth", "basic"}, {"htpasswd", users}, {"allow_basic_over_http", true}})));
  for (auto const* target : {"/metrics", "/status.json", "/status", "/readyz"}) {
    auto const anonymous = admin_get(target);
    EXPECT_EQ(anonymous.status, 401) << target << anonymous;
    EXPECT_TRUE(icontains(anonymous.header_or_empty("WWW-Authenticate"), "Basic")) << anonymous;
  }
  auto const wrong = admin_get("/metrics", {{"Authorization", basic_auth("ops", "nope")}});
  EXPECT_EQ(wrong.status, 401) << wrong;
  auto const right = admin_get("/metrics", {{"Authorization", basic_auth("ops", "s3cret")}});
  ASSERT_EQ(right.status, 200) << right;
  EXPECT_EQ(sample(right.body, "openbits_auth_failures_total"), 1.0) << right.body;
}

TEST_F(admin_test, BasicOverPlainAdminListenerIsRefusedWithoutConsent) {
  auto const config = tmp() / "admin.toml";
  auto options = admin_options({{"auth", "basic"}, {"htpasswd", "/nonexistent"}});
  ASSERT_TRUE(write_config(config, options));
  auto const run = run_to_exit(openbitsd_path(), {"--check-config", config.string()});
  EXPECT_EQ(run.status.code, 1) << run.output;
  EXPECT_NE(run.output.find("admin.auth"), std::string::npos) << run.output;
}

}  // namespace
}  // namespace bits::test
