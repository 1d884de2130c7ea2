// Resuming across runs through the state file, Cancel, BITS-Host-Id and its fallback,
// and the local-file consistency check.
#include "client/job_state.hpp"
#include "client/upload_job.hpp"

#include "client/failure.hpp"
#include "net/curl_error.hpp"
#include "unit/client/job_fixture.hpp"

#include <fstream>

namespace bits::client::test {
namespace {

class UploadResume : public job_test {
 protected:
  /// Writes the state an interrupted earlier run would have left.
  void write_state(upload_options const& o, std::string const& session, std::uint64_t offset) {
    auto sf = state_file::open(o.state_path);
    ASSERT_TRUE(sf);
    upload_state s;
    s.url = url;
    s.file = o.file.string();
    auto id = identify(o.file);
    ASSERT_TRUE(id);
    s.identity = *id;
    s.session_id = session;
    s.offset = offset;
    ASSERT_FALSE(sf->save(s, false));
  }
};

TEST_F(UploadResume, StoppedRunKeepsStateAndRerunContinuesTheSameSession) {
  std::string const data = bits::test::random_bytes(50'000, 20);
  auto o = upload(make_file(data));
  o.fragment_size = 10'000;
  server.after = [&](net::request const&, std::size_t, net::response&) {
    if (server.of("Fragment").size() == 2) stop.request_stop();  // Ctrl-C
  };
  auto const first = run(o);
  ASSERT_TRUE(first.error);
  EXPECT_EQ(first.error->ec, make_error_code(errc::cancelled));
  EXPECT_EQ(exit_code_of(*first.error), exit_code::interrupted);
  {
    auto sf = state_file::open(o.state_path);
    ASSERT_TRUE(sf);
    auto saved = sf->load_upload();
    ASSERT_TRUE(saved && *saved);
    EXPECT_EQ((*saved)->session_id, first.summary.session_id);
    EXPECT_EQ((*saved)->offset, 20'000u);
  }

  std::stop_source fresh;
  hooks.stop = fresh.get_token();
  server.after = nullptr;
  server.log.clear();
  auto const second = run(o);
  ASSERT_FALSE(second.error) << describe(*second.error) << event_text();
  EXPECT_TRUE(second.summary.resumed);
  EXPECT_EQ(second.summary.resumed_from, 20'000u);
  EXPECT_EQ(second.summary.session_id, first.summary.session_id);
  EXPECT_EQ(second.summary.bytes_sent, 30'000u);
  EXPECT_TRUE(server.of("Create-Session").empty());
  EXPECT_EQ(server.packets().front(), "Ping") << "a resumed session pings first";
  EXPECT_EQ(server.of("Fragment").front().header("Content-Range"), "bytes 20000-29999/50000");
  EXPECT_EQ(server.committed["/up/a.bin"], data);
  EXPECT_FALSE(std::filesystem::exists(o.state_path));
}

TEST_F(UploadResume, ResynchronisesFrom416WhenTheServerHoldsLess) {
  std::string const data = bits::test::random_bytes(30'000, 21);
  auto o = upload(make_file(data));
  o.fragment_size = 10'000;
  server.add_session("{OLD}", "/up/a.bin", data.substr(0, 1000), 30'000);
  write_state(o, "{OLD}", 15'000);  // the client believes more than the server kept
  auto const r = run(o);
  ASSERT_FALSE(r.error) << describe(*r.error) << event_text();
  auto const f = server.of("Fragment");
  ASSERT_GE(f.size(), 2u);
  EXPECT_EQ(f[0].header("Content-Range"), "bytes 15000-24999/30000");  // -> 416, N = 1000
  EXPECT_EQ(f[1].header("Content-Range"), "bytes 1000-10999/30000");
  EXPECT_EQ(r.summary.resumed_from, 1000u);
  EXPECT_GE(r.summary.resyncs, 1u);
  EXPECT_TRUE(server.of("Create-Session").empty());
  EXPECT_EQ(server.committed["/up/a.bin"], data);
}

TEST_F(UploadResume, ChangedFileCancelsOldSessionAndStartsOver) {
  std::string const data = bits::test::random_bytes(5000, 22);
  auto o = upload(make_file(data));
  server.add_session("{OLD}", "/up/a.bin", data.substr(0, 100), 5000);
  write_state(o, "{OLD}", 100);
  make_file(data + "more");  // another version of the file
  auto const r = run(o);
  ASSERT_FALSE(r.error) << describe(*r.error);
  EXPECT_EQ(server.packets().front(), "Cancel-Session");
  EXPECT_EQ(server.of("Cancel-Session").front().header("BITS-Session-Id"), "{OLD}");
  EXPECT_EQ(server.of("Create-Session").size(), 1u);
  EXPECT_EQ(server.committed["/up/a.bin"], data + "more");
}

TEST_F(UploadResume, StateOfAnotherUrlIsRefused) {
  auto o = upload(make_file("abc"));
  write_state(o, "{OLD}", 1);
  o.url = "http://files.test:8080/up/other.bin";
  auto const r = run(o);
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->ec, make_error_code(errc::state_invalid));
  EXPECT_TRUE(server.log.empty());
}

TEST_F(UploadResume, SecondProcessOnTheSameJobIsLockedOut) {
  auto o = upload(make_file("abc"));
  auto held = state_file::open(o.state_path);
  ASSERT_TRUE(held);
  auto const r = run(o);
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->ec, make_error_code(errc::state_locked));
  EXPECT_EQ(exit_code_of(*r.error), exit_code::usage);
}

TEST_F(UploadResume, CancelSendsCancelSessionAndRemovesState) {
  auto o = upload(make_file("abc"));
  server.add_session("{OLD}", "/up/a.bin", "a", 3);
  write_state(o, "{OLD}", 1);
  auto const r = run_cancel(server, o.state_path, o.retry, hooks);
  ASSERT_FALSE(r.error) << describe(*r.error);
  EXPECT_EQ(r.session_id, "{OLD}");
  EXPECT_EQ(server.packets(), std::vector<std::string>{"Cancel-Session"});
  EXPECT_FALSE(std::filesystem::exists(o.state_path));
  EXPECT_TRUE(server.sessions.empty());
}

TEST_F(UploadResume, CancelOfUnknownSessionSucceedsWithoutRestart) {
  auto o = upload(make_file("abc"));
  write_state(o, "{GONE}", 1);
  auto const r = run_cancel(server, o.state_path, o.retry, hooks);
  ASSERT_FALSE(r.error) << describe(*r.error);
  EXPECT_EQ(server.packets(), std::vector<std::string>{"Cancel-Session"});
  EXPECT_FALSE(std::filesystem::exists(o.state_path));
}

TEST_F(UploadResume, CancelIsResentOn5xx) {
  auto o = upload(make_file("abc"));
  server.add_session("{OLD}", "/up/a.bin", "a", 3);
  write_state(o, "{OLD}", 1);
  int n = 0;
  server.intercept = [&](net::request const&, std::size_t) -> std::optional<result<net::response>> {
    if (n++ == 0) return fake_server::ack(500, "0x80004005");
    return std::nullopt;
  };
  auto const r = run_cancel(server, o.state_path, o.retry, hooks);
  ASSERT_FALSE(r.error) << describe(*r.error);
  EXPECT_EQ(server.of("Cancel-Session").size(), 2u);
}

TEST_F(UploadResume, LocalFileChangeFailsTheUploadEarly) {
  std::string const data = bits::test::random_bytes(40'000, 23);
  auto o = upload(make_file(data));
  o.fragment_size = 10'000;
  server.after = [&](net::request const&, std::size_t, net::response&) {
    if (server.of("Fragment").size() == 1) {
      std::ofstream(o.file, std::ios::app) << "appended";
    }
  };
  auto const r = run(o);
  ASSERT_TRUE(r.error);
  EXPECT_EQ(describe(*r.error).rfind("BG_E_LOCAL_FILE_CHANGED (0x8020001D)", 0), 0u)
      << describe(*r.error);
  EXPECT_EQ(exit_code_of(*r.error), exit_code::local_file);
  EXPECT_EQ(server.of("Fragment").size(), 1u);
  EXPECT_EQ(server.packets().back(), "Cancel-Session");
}

TEST_F(UploadResume, FollowsHostIdWithPingFirst) {
  server.host_id = "node7.files.test";
  auto const r = run(upload(make_file(bits::test::random_bytes(1000, 24))));
  ASSERT_FALSE(r.error) << describe(*r.error);
  auto const p = server.packets();
  ASSERT_GE(server.log.size(), 5u);
  EXPECT_EQ(server.log[1].url, url);  // Create-Session on the original host
  EXPECT_EQ(server.log[2].packet, "Ping");
  EXPECT_EQ(server.log[2].url, "http://node7.files.test:8080/up/a.bin");
  for (std::size_t i = 2; i < server.log.size(); ++i) {
    EXPECT_EQ(server.log[i].url, "http://node7.files.test:8080/up/a.bin") << i;
  }
  EXPECT_EQ(r.summary.url, "http://node7.files.test:8080/up/a.bin");
}

TEST_F(UploadResume, FallsBackToTheOriginalHostAfterTheFallbackTimeout) {
  server.host_id = "dead.files.test";
  server.host_id_fallback_s = 10;
  server.intercept = [](net::request const& req,
                        std::size_t) -> std::optional<result<net::response>> {
    if (req.url.find("dead.files.test") != std::string::npos) return net::make_curl_error(7);
    return std::nullopt;
  };
  std::string const data = bits::test::random_bytes(1000, 25);
  auto const r = run(upload(make_file(data)));
  ASSERT_FALSE(r.error) << describe(*r.error) << event_text();
  EXPECT_EQ(server.committed["/up/a.bin"], data);
  EXPECT_EQ(server.log.back().url, url);
  EXPECT_EQ(server.of("Create-Session").size(), 1u) << "the session lives on the original host";
  clock::duration slept{};
  for (auto d : clk.sleeps) slept += d;
  EXPECT_GE(slept, std::chrono::seconds(10));
}

TEST_F(UploadResume, HostIdWithoutFallbackTimeoutIsNeverLeft) {
  server.host_id = "dead.files.test";
  server.intercept = [](net::request const& req,
                        std::size_t) -> std::optional<result<net::response>> {
    if (req.url.find("dead.files.test") != std::string::npos) return net::make_curl_error(7);
    return std::nullopt;
  };
  auto o = upload(make_file("abc"));
  o.retry.retry_for = std::chrono::minutes(2);
  auto const r = run(o);
  ASSERT_TRUE(r.error);
  EXPECT_EQ(exit_code_of(*r.error), exit_code::gave_up);
  for (std::size_t i = 2; i < server.log.size(); ++i) {
    EXPECT_NE(server.log[i].url.find("dead.files.test"), std::string::npos);
  }
  // The session is kept for a later run, which will go to the host id again.
  auto sf = state_file::open(o.state_path);
  ASSERT_TRUE(sf);
  auto saved = sf->load_upload();
  ASSERT_TRUE(saved && *saved);
  EXPECT_EQ((*saved)->host_id, "dead.files.test");
}

}  // namespace
}  // namespace bits::client::test
