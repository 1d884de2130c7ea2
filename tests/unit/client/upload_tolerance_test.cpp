// What the upload job tolerates from servers other than ours (reference 4.1, 11, 13):
// session ids of any shape, error headers on a 200, Acks without the optional headers;
// and what it refuses at once with a clear message: HTTP/1.0, a 200 that is no Ack.
#include "client/ping.hpp"
#include "client/upload_job.hpp"

#include "client/failure.hpp"
#include "core/message.hpp"
#include "core/wire_error.hpp"
#include "unit/client/job_fixture.hpp"

namespace bits::client::test {
namespace {

class UploadTolerance : public job_test {
 protected:
  /// Removes every `name` field from `resp`; true when there was one.
  static bool strip(net::response& resp, std::string_view name) {
    auto const before = resp.headers.size();
    std::erase_if(resp.headers, [&](auto const& h) { return core::iequals(h.first, name); });
    return resp.headers.size() != before;
  }
  static std::string packet_of(net::request const& req) {
    return std::string(net::find_header(req.headers, "BITS-Packet-Type").value_or(""));
  }
};

class SessionIdShapes : public UploadTolerance,
                        public ::testing::WithParamInterface<std::string> {};

TEST_P(SessionIdShapes, AreEchoedByteForByteInEveryLaterPacket) {
  std::string const id = GetParam();
  server.session_ids = [&](int) { return id; };
  std::string const data = bits::test::random_bytes(30'000, 60);
  auto o = upload(make_file(data));
  o.fragment_size = 10'000;
  auto const r = run(o);
  ASSERT_FALSE(r.error) << describe(*r.error) << event_text();
  EXPECT_EQ(r.summary.session_id, id);
  EXPECT_EQ(server.committed["/up/a.bin"], data);
  ASSERT_EQ(server.of("Fragment").size(), 3u);
  for (auto const& e : server.log) {
    if (e.packet == "Fragment" || e.packet == "Close-Session") {
      EXPECT_EQ(e.header("BITS-Session-Id"), id) << e.packet;
    }
  }
  EXPECT_EQ(server.of("Close-Session").size(), 1u);
}

INSTANTIATE_TEST_SUITE_P(
    Shapes, SessionIdShapes,
    ::testing::Values("8815349212390181470",                     // a decimal hash string
                      "{3f2b8c10-6a7e-4c55-9d11-0b8e2a7c4d90}",  // lower-case GUID
                      "3F2B8C106A7E4C559D110B8E2A7C4D90",        // bare hex
                      "s 42\tx",                                 // blanks inside
                      "q\"u\\o'te<>{}[]|^`~!#$%&*+,./:;=?@",     // every delimiter
                      std::string(100, '7')),                    // the longest allowed
    [](auto const& p) { return "Shape" + std::to_string(p.index); });

TEST_F(UploadTolerance, SessionIdSurvivesTheStateFileAndCancelByteForByte) {
  std::string const id = "a\"b\\c d/1?x=2";  // JSON escapes, a blank, URL characters
  server.session_ids = [&](int) { return id; };
  std::string const data = bits::test::random_bytes(30'000, 61);
  auto o = upload(make_file(data));
  o.fragment_size = 10'000;
  server.after = [&](net::request const&, std::size_t, net::response&) {
    if (server.of("Fragment").size() == 1) stop.request_stop();
  };
  auto const first = run(o);
  ASSERT_TRUE(first.error);
  ASSERT_EQ(first.error->ec, make_error_code(errc::cancelled));
  server.after = nullptr;
  std::stop_source fresh;
  hooks.stop = fresh.get_token();
  auto const cancelled = run_cancel(server, o.state_path, o.retry, hooks);
  ASSERT_FALSE(cancelled.error) << describe(*cancelled.error);
  EXPECT_EQ(cancelled.session_id, id);
  ASSERT_EQ(server.of("Cancel-Session").size(), 1u);
  EXPECT_EQ(server.of("Cancel-Session").front().header("BITS-Session-Id"), id);
  EXPECT_TRUE(server.sessions.empty()) << "the server found the session by its exact id";
}

TEST_F(UploadTolerance, PingAckWithBitsErrorCodeIsASuccess) {
  // SimpleBITSServer answers Ping with 200, BITS-Error-Code: 1 and an empty context.
  server.after = [&](net::request const& req, std::size_t, net::response& resp) {
    if (packet_of(req) != "Ping") return;
    resp.headers.emplace_back("BITS-Error-Code", "1");
    resp.headers.emplace_back("BITS-Error-Context", "");
  };
  auto const r = run(upload(make_file("hello")));
  ASSERT_FALSE(r.error) << describe(*r.error) << event_text();
  EXPECT_EQ(server.packets().front(), "Ping");
  EXPECT_EQ(r.summary.retries, 0u);
  EXPECT_TRUE(clk.sleeps.empty());

  auto const p = run_ping(server, url, hooks);
  EXPECT_FALSE(p.error) << describe(*p.error);
  EXPECT_EQ(p.status, 200u);
}

TEST_F(UploadTolerance, CreateAckWithoutAcceptEncodingIsFine) {
  bool stripped = false;
  server.after = [&](net::request const& req, std::size_t, net::response& resp) {
    if (packet_of(req) == "Create-Session") stripped = strip(resp, "Accept-Encoding");
  };
  auto const r = run(upload(make_file("hello")));
  ASSERT_TRUE(stripped) << "the fake server sends Accept-Encoding unless told otherwise";
  ASSERT_FALSE(r.error) << describe(*r.error) << event_text();
  EXPECT_EQ(server.committed["/up/a.bin"], "hello");
}

TEST_F(UploadTolerance, AcksWithoutSessionIdOrReceivedRangeOnCloseAreSuccesses) {
  // Windows' own server omits BITS-Session-Id on Fragment and Close Acks (reference Q7).
  std::string const data = bits::test::random_bytes(30'000, 62);
  auto o = upload(make_file(data));
  o.fragment_size = 10'000;
  int stripped = 0;
  server.after = [&](net::request const& req, std::size_t, net::response& resp) {
    auto const packet = packet_of(req);
    if (packet == "Fragment") stripped += strip(resp, "BITS-Session-Id");
    if (packet == "Close-Session") {
      (void)strip(resp, "BITS-Session-Id");
      (void)strip(resp, "BITS-Received-Content-Range");
      EXPECT_EQ(resp.headers.size(), 2u) << "only BITS-Packet-Type and Content-Length left";
    }
  };
  auto const r = run(o);
  ASSERT_FALSE(r.error) << describe(*r.error) << event_text();
  EXPECT_EQ(stripped, 3);
  EXPECT_EQ(server.committed["/up/a.bin"], data);
  EXPECT_EQ(server.packets().back(), "Close-Session");
  EXPECT_EQ(server.of("Close-Session").size(), 1u) << "the bare Close Ack is not retried";
  EXPECT_FALSE(std::filesystem::exists(o.state_path));
}

TEST_F(UploadTolerance, ErrorCodeOnA200FragmentAckIsIgnored) {
  std::string const data = bits::test::random_bytes(20'000, 63);
  auto o = upload(make_file(data));
  o.fragment_size = 10'000;
  server.after = [&](net::request const& req, std::size_t, net::response& resp) {
    if (packet_of(req) == "Fragment") resp.headers.emplace_back("BITS-Error-Code", "0x8020001F");
  };
  auto const r = run(o);
  ASSERT_FALSE(r.error) << describe(*r.error) << event_text();
  EXPECT_EQ(r.summary.restarts, 0u) << "a 200 is no BG_E_SESSION_NOT_FOUND";
  EXPECT_EQ(server.of("Create-Session").size(), 1u);
  EXPECT_EQ(server.committed["/up/a.bin"], data);
}

TEST_F(UploadTolerance, Http10ServerFailsAtOnceWithInsufficientHttpSupport) {
  server.http_version = 10;
  auto o = upload(make_file("hello"));
  auto const r = run(o);
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->ec, make_error_code(errc::insufficient_http_support));
  EXPECT_EQ(r.error->hresult, 0x80200012u);
  EXPECT_FALSE(r.error->transient);
  EXPECT_EQ(exit_code_of(*r.error), exit_code::protocol);
  EXPECT_EQ(describe(*r.error),
            "BG_E_INSUFFICIENT_HTTP_SUPPORT (0x80200012): the server lacks HTTP/1.1, which BITS "
            "uploads require, HTTP 200, Ping; the answer was HTTP/1.0");
  EXPECT_EQ(server.log.size(), 1u) << "no retry";
  EXPECT_TRUE(clk.sleeps.empty());
  EXPECT_FALSE(std::filesystem::exists(o.state_path));

  auto const p = run_ping(server, url, hooks);
  ASSERT_TRUE(p.error);
  EXPECT_EQ(p.error->ec, make_error_code(errc::insufficient_http_support));
}

TEST_F(UploadTolerance, Http10AnswerMidUploadIsPermanentAndReleasesTheSession) {
  std::string const data = bits::test::random_bytes(30'000, 64);
  auto o = upload(make_file(data));
  o.fragment_size = 10'000;
  server.after = [&](net::request const& req, std::size_t, net::response& resp) {
    if (packet_of(req) == "Fragment" && server.of("Fragment").size() == 2) resp.http_version = 10;
  };
  auto const r = run(o);
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->ec, make_error_code(errc::insufficient_http_support));
  EXPECT_EQ(r.error->where, "Fragment bytes 10000-19999/30000");
  EXPECT_TRUE(clk.sleeps.empty());
  EXPECT_EQ(server.packets().back(), "Cancel-Session");
  EXPECT_FALSE(std::filesystem::exists(o.state_path));
}

TEST_F(UploadTolerance, SuccessWithoutAckIsAnInvalidResponse) {
  // A web server that answers any method with a page, not a BITS server.
  server.intercept = [](net::request const& req,
                        std::size_t) -> std::optional<result<net::response>> {
    if (net::find_header(req.headers, "BITS-Packet-Type") != "Create-Session") return std::nullopt;
    net::response page;
    page.status = 200;
    page.http_version = 11;
    page.headers = {{"Content-Type", "text/html"}, {"Content-Length", "5"}};
    page.body = "hello";
    return page;
  };
  auto o = upload(make_file("hello"));
  auto const r = run(o);
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->ec, make_error_code(errc::invalid_server_response));
  EXPECT_FALSE(r.error->transient);
  EXPECT_EQ(exit_code_of(*r.error), exit_code::protocol);
  EXPECT_EQ(describe(*r.error),
            "BG_E_INVALID_SERVER_RESPONSE (0x8020001B): invalid server response, HTTP 200, "
            "Create-Session; a success status without BITS-Packet-Type: Ack (not a BITS upload "
            "URL?)");
  EXPECT_EQ(server.of("Create-Session").size(), 1u) << "no retry";
  EXPECT_TRUE(clk.sleeps.empty());
  EXPECT_FALSE(std::filesystem::exists(o.state_path));
}

TEST_F(UploadTolerance, FragmentSuccessWithoutAckIsAnInvalidResponse) {
  server.after = [&](net::request const& req, std::size_t, net::response& resp) {
    if (packet_of(req) == "Fragment") (void)strip(resp, "BITS-Packet-Type");
  };
  auto const r = run(upload(make_file("hello")));
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->ec, make_error_code(errc::invalid_server_response));
  EXPECT_EQ(r.error->where, "Fragment bytes 0-4/5");
  EXPECT_EQ(server.of("Fragment").size(), 1u);
  EXPECT_TRUE(clk.sleeps.empty());
}

TEST_F(UploadTolerance, PingSuccessWithoutAckIsAnInvalidResponse) {
  server.after = [&](net::request const&, std::size_t, net::response& resp) {
    (void)strip(resp, "BITS-Packet-Type");
  };
  auto const p = run_ping(server, url, hooks);
  ASSERT_TRUE(p.error);
  EXPECT_EQ(p.error->ec, make_error_code(errc::invalid_server_response));
  EXPECT_EQ(exit_code_of(*p.error), exit_code::protocol);
}

}  // namespace
}  // namespace bits::client::test
