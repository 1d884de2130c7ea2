// The upload state machine against the fake server: packet order, fragment ranges,
// resynchronisation (200/416), 413 shrinking, session restarts, retries and failures.
#include "client/upload_job.hpp"

#include "client/failure.hpp"
#include "client/fragment_sizer.hpp"
#include "core/wire_error.hpp"
#include "net/curl_error.hpp"
#include "unit/client/job_fixture.hpp"

namespace bits::client::test {
namespace {

using strings = std::vector<std::string>;

constexpr int curle_couldnt_connect = 7;  // CURLE_COULDNT_CONNECT: "connection refused"

result<net::response> refused() {
  return net::make_curl_error(curle_couldnt_connect);
}

class UploadJob : public job_test {};

TEST_F(UploadJob, SendsPingCreateFragmentsCloseAndRemovesState) {
  std::string const data = bits::test::random_bytes(100'000, 1);
  auto o = upload(make_file(data));
  auto const r = run(o);
  ASSERT_FALSE(r.error) << describe(*r.error) << event_text();
  EXPECT_EQ(server.committed["/up/a.bin"], data);
  auto const p = server.packets();
  ASSERT_GE(p.size(), 4u);
  EXPECT_EQ(p.front(), "Ping");
  EXPECT_EQ(p[1], "Create-Session");
  EXPECT_EQ(p.back(), "Close-Session");
  auto const create = server.of("Create-Session").front();
  EXPECT_EQ(create.header("BITS-Supported-Protocols"), "{7df0354d-249b-430f-820d-3d2a9bef4931}");
  EXPECT_EQ(create.body_length, 0u);
  // Contiguous ranges with exact lengths, starting at 64 KiB.
  std::uint64_t next = 0;
  for (auto const& f : server.of("Fragment")) {
    EXPECT_EQ(f.header("Content-Range"), "bytes " + std::to_string(next) + "-" +
                                             std::to_string(next + f.body_length - 1) + "/100000");
    EXPECT_EQ(f.header("Content-Name"), "a.bin");
    EXPECT_EQ(f.header("BITS-Session-Id"), r.summary.session_id);
    EXPECT_TRUE(f.header("Content-Encoding").empty());
    next += f.body_length;
  }
  EXPECT_EQ(server.of("Fragment").front().body_length, fragment_sizer::adaptive_start);
  EXPECT_EQ(next, 100'000u);
  EXPECT_FALSE(std::filesystem::exists(o.state_path));
  EXPECT_EQ(r.summary.bytes, 100'000u);
  EXPECT_EQ(r.summary.bytes_sent, 100'000u);
  EXPECT_EQ(r.summary.retries, 0u);
  EXPECT_TRUE(clk.sleeps.empty());
}

TEST_F(UploadJob, EmptyFileIsOneZeroLengthFragmentWithStarRange) {
  auto const r = run(upload(make_file("")));
  ASSERT_FALSE(r.error) << describe(*r.error);
  auto const f = server.of("Fragment");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].header("Content-Range"), "bytes */0");
  EXPECT_EQ(f[0].body_length, 0u);
  EXPECT_EQ(server.packets().back(), "Close-Session");
  EXPECT_EQ(server.committed.count("/up/a.bin"), 1u);
}

struct boundary_case {
  std::uint64_t size;
  std::size_t fragments;
};

class UploadBoundaries : public job_test, public ::testing::WithParamInterface<boundary_case> {};

TEST_P(UploadBoundaries, FixedFragmentSizeSplitsExactly) {
  auto const [size, expected] = GetParam();
  std::string const data = bits::test::random_bytes(size, size);
  auto o = upload(make_file(data));
  o.fragment_size = 8192;
  auto const r = run(o);
  ASSERT_FALSE(r.error) << describe(*r.error);
  EXPECT_EQ(server.of("Fragment").size(), expected);
  EXPECT_EQ(server.committed["/up/a.bin"], data);
  for (auto const& f : server.of("Fragment")) EXPECT_LE(f.body_length, 8192u);
}

INSTANTIATE_TEST_SUITE_P(Sizes, UploadBoundaries,
                         ::testing::Values(boundary_case{1, 1}, boundary_case{8191, 1},
                                           boundary_case{8192, 1}, boundary_case{8193, 2},
                                           boundary_case{16383, 2}, boundary_case{16384, 2},
                                           boundary_case{16385, 3}));

TEST_F(UploadJob, AdaptiveSizeGrowsOnFastAcks) {
  std::string const data = bits::test::random_bytes(3 << 20, 3);
  auto const r = run(upload(make_file(data)));
  ASSERT_FALSE(r.error) << describe(*r.error);
  auto const f = server.of("Fragment");
  ASSERT_GE(f.size(), 3u);
  EXPECT_EQ(f[0].body_length, 64u * 1024);
  EXPECT_EQ(f[1].body_length, 128u * 1024);
  EXPECT_EQ(f[2].body_length, 256u * 1024);
}

TEST_F(UploadJob, ResynchronisesFromReceivedRangeOn200) {
  std::string const data = bits::test::random_bytes(50'000, 4);
  auto o = upload(make_file(data));
  o.fragment_size = 10'000;
  // After the second fragment the server "loses" all but 1234 bytes and says so.
  server.after = [&](net::request const&, std::size_t, net::response& resp) {
    if (server.of("Fragment").size() != 2) return;
    auto& s = server.sessions.begin()->second;
    s.data.resize(1234);
    for (auto& [n, v] : resp.headers) {
      if (n == "BITS-Received-Content-Range") v = "1234";
    }
  };
  auto const r = run(o);
  ASSERT_FALSE(r.error) << describe(*r.error);
  EXPECT_EQ(server.committed["/up/a.bin"], data);
  EXPECT_EQ(server.of("Fragment")[2].header("Content-Range"), "bytes 1234-11233/50000");
  EXPECT_EQ(r.summary.resyncs, 1u);
}

TEST_F(UploadJob, ShrinksOn413AndNeverGrowsBack) {
  std::string const data = bits::test::random_bytes(200'000, 5);
  server.max_fragment = 20'000;
  auto o = upload(make_file(data));
  o.fragment_size = 65'536;
  auto const r = run(o);
  ASSERT_FALSE(r.error) << describe(*r.error);
  EXPECT_EQ(server.committed["/up/a.bin"], data);
  EXPECT_EQ(r.summary.shrinks, 2u);  // 65536 -> 32768 -> 16384
  EXPECT_EQ(r.summary.fragment_size, 16'384u);
  auto const f = server.of("Fragment");
  EXPECT_EQ(f[0].body_length, 65'536u);
  EXPECT_EQ(f[1].body_length, 32'768u);
  for (std::size_t i = 2; i < f.size(); ++i) EXPECT_LE(f[i].body_length, 16'384u);
  EXPECT_TRUE(clk.sleeps.empty()) << "413 is answered at once, not after a backoff";
}

TEST_F(UploadJob, ShrinksDownToFiveKibButNotBelow) {
  server.max_fragment = 4000;
  auto o = upload(make_file(bits::test::random_bytes(100'000, 6)));
  o.fragment_size = 65'536;
  auto const r = run(o);
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->ec, make_error_code(errc::fragment_too_small));
  EXPECT_EQ(r.error->http_status, 413u);
  EXPECT_EQ(exit_code_of(*r.error), exit_code::refused);
  std::uint64_t smallest = UINT64_MAX;
  for (auto const& f : server.of("Fragment")) smallest = std::min(smallest, f.body_length);
  EXPECT_EQ(smallest, 5120u);
}

TEST_F(UploadJob, RestartsWithNewSessionWhenServerLosesIt) {
  std::string const data = bits::test::random_bytes(40'000, 7);
  auto o = upload(make_file(data));
  o.fragment_size = 10'000;
  server.after = [&](net::request const&, std::size_t, net::response&) {
    if (server.of("Fragment").size() == 2) server.sessions.clear();  // expired, say
  };
  auto const r = run(o);
  ASSERT_FALSE(r.error) << describe(*r.error) << event_text();
  EXPECT_EQ(r.summary.restarts, 1u);
  EXPECT_EQ(server.of("Create-Session").size(), 2u);
  EXPECT_EQ(server.committed["/up/a.bin"], data);
  auto const f = server.of("Fragment");
  EXPECT_EQ(f[2].header("Content-Range"), "bytes 20000-29999/40000");  // -> 500 not found
  EXPECT_EQ(f[3].header("Content-Range"), "bytes 0-9999/40000");       // from 0, new session
  EXPECT_NE(f[3].header("BITS-Session-Id"), f[0].header("BITS-Session-Id"));
}

TEST_F(UploadJob, GivesUpAfterRepeatedSessionLoss) {
  auto o = upload(make_file(bits::test::random_bytes(40'000, 8)));
  o.fragment_size = 10'000;
  server.after = [&](net::request const& req, std::size_t, net::response&) {
    if (net::find_header(req.headers, "BITS-Packet-Type") == "Fragment") server.sessions.clear();
  };
  auto const r = run(o);
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->ec, make_error_code(errc::too_many_restarts));
  EXPECT_EQ(server.of("Create-Session").size(), 4u);  // first + max_restarts (3)
}

TEST_F(UploadJob, CloseIsResentOn5xx) {
  int closes = 0;
  server.intercept = [&](net::request const& req,
                         std::size_t) -> std::optional<result<net::response>> {
    if (net::find_header(req.headers, "BITS-Packet-Type") == "Close-Session" && closes++ < 2) {
      return fake_server::ack(503, "0x801901F7");
    }
    return std::nullopt;
  };
  auto const r = run(upload(make_file("hello")));
  ASSERT_FALSE(r.error) << describe(*r.error);
  EXPECT_EQ(server.of("Close-Session").size(), 3u);
  EXPECT_EQ(r.summary.retries, 2u);
  EXPECT_EQ(server.of("Create-Session").size(), 1u);
}

TEST_F(UploadJob, CloseSessionNotFoundStartsOver) {
  int closes = 0;
  server.intercept = [&](net::request const& req,
                         std::size_t) -> std::optional<result<net::response>> {
    if (net::find_header(req.headers, "BITS-Packet-Type") == "Close-Session" && closes++ == 0) {
      return fake_server::ack(500, "0x8020001F");
    }
    return std::nullopt;
  };
  auto const r = run(upload(make_file("hello")));
  ASSERT_FALSE(r.error) << describe(*r.error);
  EXPECT_EQ(server.of("Create-Session").size(), 2u);
  EXPECT_EQ(server.of("Fragment").size(), 2u);
  EXPECT_EQ(r.summary.restarts, 1u);
}

TEST_F(UploadJob, RetriesTransientFailuresWithGrowingJitteredBackoff) {
  std::string const data = bits::test::random_bytes(30'000, 9);
  auto o = upload(make_file(data));
  o.fragment_size = 10'000;
  int failures = 0;
  server.intercept = [&](net::request const& req,
                         std::size_t) -> std::optional<result<net::response>> {
    if (net::find_header(req.headers, "Content-Range") == "bytes 10000-19999/30000" &&
        failures < 4) {
      ++failures;
      return failures % 2 == 0 ? refused() : result<net::response>(fake_server::ack(503));
    }
    return std::nullopt;
  };
  auto const r = run(o);
  ASSERT_FALSE(r.error) << describe(*r.error);
  EXPECT_EQ(server.committed["/up/a.bin"], data);
  EXPECT_EQ(r.summary.retries, 4u);
  ASSERT_EQ(clk.sleeps.size(), 4u);
  // Equal jitter: attempt k waits between half and all of 1s * 2^(k-1).
  for (std::size_t k = 0; k < 4; ++k) {
    auto const step = std::chrono::milliseconds(1000 << k);
    EXPECT_GE(clk.sleeps[k], step / 2) << k;
    EXPECT_LE(clk.sleeps[k], step) << k;
  }
  // Every retry starts with a Ping (a new connection; reference 13).
  auto const p = server.packets();
  EXPECT_EQ(std::count(p.begin(), p.end(), "Ping"), 5);
}

TEST_F(UploadJob, GivesUpWhenFailuresOutlastRetryFor) {
  auto o = upload(make_file("data"));
  o.retry.retry_for = std::chrono::seconds(20);
  server.intercept = [](net::request const&, std::size_t) -> std::optional<result<net::response>> {
    return refused();
  };
  auto const r = run(o);
  ASSERT_TRUE(r.error);
  EXPECT_TRUE(r.error->transient);
  EXPECT_EQ(exit_code_of(*r.error), exit_code::gave_up);
  EXPECT_NE(describe(*r.error).find("gave up after"), std::string::npos) << describe(*r.error);
  clock::duration slept{};
  for (auto d : clk.sleeps) slept += d;
  EXPECT_EQ(slept, std::chrono::seconds(20)) << "the last attempt is made at the deadline";
  EXPECT_TRUE(std::filesystem::exists(o.state_path) || server.of("Create-Session").empty());
}

TEST_F(UploadJob, TooLargeIsPermanentWithOneLineMessage) {
  server.max_upload = 1000;
  auto o = upload(make_file(bits::test::random_bytes(2000, 10)));
  auto const r = run(o);
  ASSERT_TRUE(r.error);
  EXPECT_FALSE(r.error->transient);
  EXPECT_EQ(r.error->hresult, core::hresult::too_large);
  EXPECT_EQ(describe(*r.error),
            "BG_E_TOO_LARGE (0x80200020), context 0x5, HTTP 500, Fragment bytes 0-1999/2000");
  EXPECT_EQ(exit_code_of(*r.error), exit_code::refused);
  EXPECT_TRUE(clk.sleeps.empty());
  EXPECT_EQ(server.packets().back(), "Cancel-Session") << "a dead session is released";
  EXPECT_FALSE(std::filesystem::exists(o.state_path));
}

TEST_F(UploadJob, ForbiddenCreateIsPermanent) {
  server.intercept = [](net::request const& req,
                        std::size_t) -> std::optional<result<net::response>> {
    if (net::find_header(req.headers, "BITS-Packet-Type") == "Create-Session") {
      return fake_server::ack(403, "0x80070005");
    }
    return std::nullopt;
  };
  auto const r = run(upload(make_file("x")));
  ASSERT_TRUE(r.error);
  EXPECT_EQ(describe(*r.error),
            "E_ACCESSDENIED (0x80070005), context 0x5, HTTP 403, Create-Session");
  EXPECT_EQ(exit_code_of(*r.error), exit_code::refused);
  EXPECT_TRUE(clk.sleeps.empty());
}

TEST_F(UploadJob, UploadsDisabledOnPingIsPermanent) {
  server.intercept = [](net::request const&, std::size_t) -> std::optional<result<net::response>> {
    return fake_server::ack(501, "0x80070005");
  };
  auto const r = run(upload(make_file("x")));
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->http_status, 501u);
  EXPECT_EQ(server.log.size(), 1u);
}

TEST_F(UploadJob, TimeoutAndConflictStatusesAreRetried) {
  int n = 0;
  server.intercept = [&](net::request const& req,
                         std::size_t) -> std::optional<result<net::response>> {
    if (net::find_header(req.headers, "BITS-Packet-Type") == "Create-Session" && n < 2) {
      return fake_server::ack(n++ == 0 ? 408 : 409);
    }
    return std::nullopt;
  };
  auto const r = run(upload(make_file("x")));
  ASSERT_FALSE(r.error) << describe(*r.error);
  EXPECT_EQ(r.summary.retries, 2u);
}

TEST_F(UploadJob, InvalidReceivedRangeIsAProtocolError) {
  server.after = [](net::request const& req, std::size_t, net::response& resp) {
    if (net::find_header(req.headers, "BITS-Packet-Type") != "Fragment") return;
    for (auto& [n, v] : resp.headers) {
      if (n == "BITS-Received-Content-Range") v = "999999";  // beyond the file
    }
  };
  auto const r = run(upload(make_file("hello")));
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->hresult, core::hresult::invalid_server_response);
  EXPECT_EQ(exit_code_of(*r.error), exit_code::protocol);
}

TEST_F(UploadJob, OtherProtocolGuidIsAMismatch) {
  server.protocol_override = "{00000000-0000-0000-0000-000000000000}";
  auto const r = run(upload(make_file("hello")));
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->hresult, core::hresult::protocol_mismatch);
  EXPECT_EQ(exit_code_of(*r.error), exit_code::protocol);
}

TEST_F(UploadJob, CreateAckWithoutSessionIdIsInvalid) {
  server.omit_session_id = true;
  auto const r = run(upload(make_file("hello")));
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->ec, make_error_code(errc::invalid_server_response));
}

TEST_F(UploadJob, ProgressIsMonotonicAndEndsAtTotal) {
  std::string const data = bits::test::random_bytes(300'000, 11);
  auto const r = run(upload(make_file(data)));
  ASSERT_FALSE(r.error);
  ASSERT_FALSE(progress.empty());
  std::uint64_t last = 0;
  for (auto const& p : progress) {
    EXPECT_GE(p.bytes_done, last);
    EXPECT_EQ(p.bytes_total, 300'000u);
    last = p.bytes_done;
  }
  EXPECT_EQ(progress.back().phase, job_phase::done);
  EXPECT_EQ(progress.back().bytes_done, 300'000u);
}

TEST_F(UploadJob, MissingLocalFileIsALocalError) {
  auto o = upload(tmp / "nope.bin");
  auto const r = run(o);
  ASSERT_TRUE(r.error);
  EXPECT_EQ(exit_code_of(*r.error), exit_code::local_file);
  EXPECT_TRUE(server.log.empty());
}

TEST_F(UploadJob, RelativeUrlIsAUsageError) {
  auto o = upload(make_file("x"));
  o.url = "files.test/up/a.bin";
  auto const r = run(o);
  ASSERT_TRUE(r.error);
  EXPECT_EQ(exit_code_of(*r.error), exit_code::usage);
}

}  // namespace
}  // namespace bits::client::test
